"""Read existing annotations: VEP ``CSQ`` (fields from its header's ``Format:``), SnpEff ``ANN`` and
bcftools ``BCSQ``; population frequencies, ClinVar and predictor scores found in INFO or CSQ.

Field layouts: VEP ``OutputFactory/VCF.pm`` (pipe-separated, ``&`` joins multiple values), the VCF
annotation format v1.0 for ANN (16 fields), and bcftools csq's
``consequence|gene|transcript|biotype|strand|amino_acid_change|dna_change``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from charcot.errors import InputError
from charcot.genome.builds import BUILD_ALIASES
from charcot.genome.normalise import Allele, trim
from charcot.variants.model import ClinVar, Frequencies, Predictors, TranscriptConsequence

ANN_FIELDS = (
    "Allele", "Annotation", "Annotation_Impact", "Gene_Name", "Gene_ID", "Feature_Type", "Feature_ID",
    "Transcript_BioType", "Rank", "HGVS.c", "HGVS.p", "cDNA.pos / cDNA.length", "CDS.pos / CDS.length",
    "AA.pos / AA.length", "Distance", "ERRORS / WARNINGS / INFO",
)

# bcftools csq terms -> Sequence Ontology terms (as VEP writes them)
_BCSQ_TERMS = {
    "missense": "missense_variant", "synonymous": "synonymous_variant", "stop_gained": "stop_gained",
    "frameshift": "frameshift_variant", "splice_donor": "splice_donor_variant",
    "splice_acceptor": "splice_acceptor_variant", "splice_region": "splice_region_variant",
    "inframe_deletion": "inframe_deletion", "inframe_insertion": "inframe_insertion",
    "inframe_altering": "protein_altering_variant", "start_lost": "start_lost", "stop_lost": "stop_lost",
    "stop_retained": "stop_retained_variant", "intron": "intron_variant",
    "5_prime_utr": "5_prime_UTR_variant", "3_prime_utr": "3_prime_UTR_variant",
    "non_coding": "non_coding_transcript_variant", "coding_sequence": "coding_sequence_variant",
    "start_retained": "start_retained_variant",
}
# SnpEff's inframe subtypes -> the general SO terms the classifier uses
_SO_ALIASES = {
    "conservative_inframe_deletion": "inframe_deletion", "disruptive_inframe_deletion": "inframe_deletion",
    "conservative_inframe_insertion": "inframe_insertion", "disruptive_inframe_insertion": "inframe_insertion",
    "5_prime_UTR_premature_start_codon_gain_variant": "5_prime_UTR_variant",
    # the Sequence Ontology's older names, which SnpEff 4.x still writes (SO:0001792, SO:0001619)
    "non_coding_exon_variant": "non_coding_transcript_exon_variant", "nc_transcript_variant": "non_coding_transcript_variant",
}

# Consequence severity (Ensembl's ordering, most severe first; shortened to the terms that matter here)
SEVERITY = [
    "transcript_ablation", "splice_acceptor_variant", "splice_donor_variant", "stop_gained",
    "frameshift_variant", "stop_lost", "start_lost", "transcript_amplification", "inframe_insertion",
    "inframe_deletion", "missense_variant", "protein_altering_variant", "splice_donor_5th_base_variant",
    "splice_region_variant", "splice_donor_region_variant", "splice_polypyrimidine_tract_variant",
    "incomplete_terminal_codon_variant", "start_retained_variant", "stop_retained_variant",
    "synonymous_variant", "coding_sequence_variant", "mature_miRNA_variant", "5_prime_UTR_variant",
    "3_prime_UTR_variant", "non_coding_transcript_exon_variant", "intron_variant",
    "NMD_transcript_variant", "non_coding_transcript_variant", "coding_transcript_variant", "upstream_gene_variant",
    "downstream_gene_variant", "intergenic_variant",
]
_RANK = {term: i for i, term in enumerate(SEVERITY)}

_AA3 = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly",
    "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser",
    "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
}
_AA1 = {v: k for k, v in _AA3.items()}

# Frequencies: gnomAD fields as gnomAD names them (v4 joint first), and the copies VEP --custom, Scout/MIP or
# echtvar make of them (matched by the end of the name: 'gnomADv4_fafmax_faf95_max_joint'). Never VEP's MAX_AF,
# which is the maximum over 1000 Genomes/ESP/gnomAD populations, small ones included (a SOD1 missense seen once
# in 1000G's ~1,000 alleles of one population reads as 5e-4).
_FAF_ENDINGS = ("fafmax_faf95_max_joint", "fafmax_faf95_max", "faf95_popmax")
_GRPMAX_ENDINGS = ("AF_grpmax_joint", "AF_grpmax", "AF_popmax")
_GRPMAX_AN_ENDINGS = ("AN_grpmax_joint", "AN_grpmax", "AN_popmax")
_AF_ENDINGS = ("AF_joint",)
_AN_ENDINGS = ("AN_joint",)
_AF_FIELDS = ("gnomAD_AF", "gnomADe_AF", "gnomADg_AF", "GNOMADAF", "gnomad_af", "gnomAD_genomes_AF",
              "gnomAD_exomes_AF", "GNOMAD_AF")
# VEP --af_gnomade/--af_gnomadg per-group fields; grpmax is taken over gnomAD's non-bottlenecked groups only
# (gnomAD excludes Amish, Ashkenazi Jewish, Finnish, Middle Eastern and 'remaining'; gnomAD browser help 'faf').
GRPMAX_GROUPS = ("AFR", "AMR", "EAS", "NFE", "SAS")
_NEVER = ("MAX_AF",)
# VEP's non-gnomAD population fields (--max_af, --af 1000 Genomes, --af_esp): read only to withhold PM2
_OTHER_POPULATION_FIELDS = ("MAX_AF", "AF", "AFR_AF", "AMR_AF", "EAS_AF", "EUR_AF", "SAS_AF", "AA_AF", "EA_AF")


def _ends(names: Sequence[str], endings: Sequence[str]) -> list[str]:
    """Field names ending with one of ``endings``, in the order of ``endings`` (joint before per-dataset)."""
    out = []
    for ending in endings:
        out += [n for n in names if n.endswith(ending) and not any(x in n.upper() for x in _NEVER) and n not in out]
    return out


@dataclass(frozen=True)
class FrequencyFields:
    faf: list[str]
    grpmax: list[str]
    grpmax_an: list[str]
    af: list[str]
    an: list[str]
    groups: dict[str, list[str]]  # VEP per-group AF fields by dataset prefix ('gnomADe', 'gnomADg')

    @property
    def all(self) -> list[str]:
        names = self.faf + self.grpmax + self.grpmax_an + self.af + self.an
        for fields in self.groups.values():
            names += fields
        return names


def frequency_fields(names: Sequence[str]) -> FrequencyFields:
    groups: dict[str, list[str]] = {}
    for prefix in ("gnomADe", "gnomADg", "gnomAD"):
        found = [f"{prefix}_{g}_AF" for g in GRPMAX_GROUPS if f"{prefix}_{g}_AF" in names]
        if found:
            groups[prefix] = found
    return FrequencyFields(faf=_ends(names, _FAF_ENDINGS), grpmax=_ends(names, _GRPMAX_ENDINGS),
                          grpmax_an=_ends(names, _GRPMAX_AN_ENDINGS),
                          af=_ends(names, _AF_ENDINGS) + [n for n in _AF_FIELDS if n in names],
                          an=_ends(names, _AN_ENDINGS), groups=groups)


_REVEL_FIELDS = ("REVEL", "REVEL_score")
_CADD_FIELDS = ("CADD_PHRED", "CADD_phred", "CADD_Phred")
_AM_FIELDS = ("am_pathogenicity", "AlphaMissense", "AlphaMissense_score")
_SPLICEAI_DS = ("SpliceAI_pred_DS_AG", "SpliceAI_pred_DS_AL", "SpliceAI_pred_DS_DG", "SpliceAI_pred_DS_DL",
                "DS_AG", "DS_AL", "DS_DG", "DS_DL")
_CLNSIG_FIELDS = ("CLNSIG", "CLINVAR_CLNSIG", "ClinVar_CLNSIG", "clinvar_clnsig")
_CLNREV_FIELDS = ("CLNREVSTAT", "CLINVAR_CLNREVSTAT", "ClinVar_CLNREVSTAT", "clinvar_clnrevstat")
_CLNID_FIELDS = ("CLINVAR_CLNVID", "ClinVar", "CLINVAR")

# ClinVar review status -> gold stars (ClinVar's documented mapping)
_STARS = {
    "practice_guideline": 4, "reviewed_by_expert_panel": 3,
    "criteria_provided,_multiple_submitters,_no_conflicts": 2,
    "criteria_provided,_conflicting_classifications": 1, "criteria_provided,_conflicting_interpretations": 1,
    "criteria_provided,_single_submitter": 1,
    "no_assertion_criteria_provided": 0, "no_classification_provided": 0, "no_assertion_provided": 0,
    "no_classification_for_the_single_variant": 0,
}


def clinvar_stars(review_status: str | None) -> int | None:
    if not review_status:
        return None
    key = review_status.strip().replace("&", ",").replace(" ", "_").lower()
    key = key.replace(",_", ",").replace(",", ",_")
    return _STARS.get(key)


def normalise_terms(terms: Sequence[str]) -> list[str]:
    out: list[str] = []
    for t in terms:
        t = _SO_ALIASES.get(t, t)
        if t and t not in out:
            out.append(t)
    return out


def most_severe(terms: Sequence[str]) -> str | None:
    if not terms:
        return None
    return min(terms, key=lambda t: _RANK.get(t, len(SEVERITY)))


def protein_position_from_hgvs(hgvs_p: str | None) -> int | None:
    if not hgvs_p:
        return None
    m = re.search(r"p\.\(?(?:[A-Z][a-z]{2}|[A-Z*])(\d+)", hgvs_p)
    return int(m.group(1)) if m else None


_MISSENSE = re.compile(r"p\.\(?([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2})\)?$")
_MISSENSE1 = re.compile(r"p\.\(?([A-Z])(\d+)([A-Z])\)?$")


def parse_missense(hgvs_p: str | None) -> tuple[str, int, str] | None:
    """('Ala', 5, 'Val') from 'p.Ala5Val', 'p.(Ala5Val)', 'NP_000445.1:p.Ala5Val' or 'p.A5V'."""
    if not hgvs_p:
        return None
    text = hgvs_p.split(":")[-1].replace("%3D", "=")
    m = _MISSENSE.search(text)
    if m and m.group(1) in _AA1 and m.group(3) in _AA1 and m.group(1) != m.group(3) and \
            "Ter" not in (m.group(1), m.group(3)):
        return m.group(1), int(m.group(2)), m.group(3)
    m = _MISSENSE1.search(text)
    if m and m.group(1) in _AA3 and m.group(3) in _AA3 and m.group(1) != m.group(3) and \
            "*" not in (m.group(1), m.group(3)):
        return _AA3[m.group(1)], int(m.group(2)), _AA3[m.group(3)]
    return None


def _float(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, tuple | list):
        nums = [v for v in (_float(x) for x in value) if v is not None]
        return max(nums) if nums else None
    if isinstance(value, int | float):
        f = float(value)
        return None if math.isnan(f) else f
    text = str(value).strip()
    if not text or text in (".", "-", "NA", "nan"):
        return None
    nums = []
    for part in re.split(r"[&,]", text):
        try:
            f = float(part)
        except ValueError:
            continue
        if not math.isnan(f):
            nums.append(f)
    return max(nums) if nums else None


def strip_version(tx: str | None) -> str | None:
    return tx.split(".")[0] if tx else tx


@dataclass
class AnnotationSchema:
    """What the header says is annotated, parsed once per file."""

    csq_fields: list[str] | None = None
    csq_tag: str = "CSQ"
    has_ann: bool = False
    has_bcsq: bool = False
    info_ids: set[str] = field(default_factory=set)
    # INFO id -> its header Number ('A', 'R', '1', '.', ...): how a multi-allelic record's value is split per ALT
    info_numbers: dict[str, str] = field(default_factory=dict)

    @property
    def sources(self) -> list[str]:
        out = []
        if self.csq_fields is not None:
            out.append("VEP CSQ")
        if self.has_ann:
            out.append("SnpEff ANN")
        if self.has_bcsq:
            out.append("bcftools BCSQ")
        return out

    def info_tag(self, source: str) -> str:
        """The INFO field an annotation source of ``sources`` is written in (VEP's is CSQ or vep)."""
        return {"VEP CSQ": self.csq_tag, "SnpEff ANN": "ANN", "bcftools BCSQ": "BCSQ"}[source]

    @property
    def annotated(self) -> bool:
        return bool(self.sources)

    @cached_property
    def frequencies(self) -> tuple[FrequencyFields, FrequencyFields]:
        """gnomAD fields declared in INFO and in the CSQ Format list."""
        return frequency_fields(sorted(self.info_ids)), frequency_fields(self.csq_fields or [])

    @cached_property
    def frequency_fields(self) -> list[str]:
        info, csq = self.frequencies
        return info.all + [f"CSQ:{n}" for n in csq.all]

    @cached_property
    def clinvar_fields(self) -> list[str]:
        """ClinVar significance fields the header declares (bcftools annotate/vcfanno INFO fields, VEP CSQ fields)."""
        csq = self.csq_fields or []
        return [n for n in _CLNSIG_FIELDS if n in self.info_ids] + [f"CSQ:{n}" for n in _CLNSIG_FIELDS if n in csq]

    @cached_property
    def reads_nothing(self) -> bool:
        """True when the header declares none of the fields annotate_allele reads (no CSQ/ANN/BCSQ, gnomAD
        frequency, predictor or ClinVar field): every allele's annotation is then empty, without asking INFO."""
        wanted = (*_REVEL_FIELDS, *_CADD_FIELDS, *_AM_FIELDS, *_SPLICEAI_DS, "SpliceAI", *_CLNSIG_FIELDS)
        return (self.csq_fields is None and not self.has_ann and not self.has_bcsq and not self.frequency_fields
                and not any(name in self.info_ids for name in wanted))


def info_header(vcf: Any) -> tuple[dict[str, str], dict[str, str]]:
    """A cyvcf2 VCF's INFO definitions: id -> Description and id -> Number (a malformed structured line is skipped:
    the reader reports it elsewhere)."""
    descriptions: dict[str, str] = {}
    numbers: dict[str, str] = {}
    for rec in vcf.header_iter():
        try:
            info = rec.info()
        except Exception:  # pragma: no cover - malformed structured line
            continue
        if info.get("HeaderType") == "INFO":
            name = str(info.get("ID", ""))
            descriptions[name] = str(info.get("Description", ""))
            numbers[name] = str(info.get("Number", ""))
    return descriptions, numbers


def schema_from_header(info_descriptions: Mapping[str, str], path: str,
                       numbers: Mapping[str, str] | None = None) -> AnnotationSchema:
    """Build the schema from INFO ids -> Description (and -> Number). A CSQ header without 'Format:' is refused."""
    schema = AnnotationSchema(info_ids=set(info_descriptions), info_numbers=dict(numbers or {}))
    for tag in ("CSQ", "vep"):
        if tag in info_descriptions:
            desc = info_descriptions[tag]
            m = re.search(r"Format:\s*([^\"]+)", desc)
            if not m:
                raise InputError(f"the INFO/{tag} header has no 'Format:' list of fields, so its values cannot be read",
                                 path=path, hint="re-run VEP with --vcf (it writes the Format list into the header)")
            schema.csq_fields = [f.strip() for f in m.group(1).strip().strip("'\"").split("|")]
            schema.csq_tag = tag
            break
    schema.has_ann = "ANN" in info_descriptions
    schema.has_bcsq = "BCSQ" in info_descriptions
    return schema


_VEP_BUILD = (re.compile(r'assembly="?(GRCh3[78])'), re.compile(r'--assembly[ =]"?(GRCh3[78])'),
              re.compile(r'cache="?[^" ]*_(GRCh3[78])\b'))
_SNPEFF_GENOME = re.compile(r"^(GRCh3[78]|hg19|hg38|GRCh37|b37|hs37d5)(?:[._-].*)?$", re.IGNORECASE)


_CSQ_FILES = {"-g": "GFF3", "--gff-annot": "GFF3", "-f": "FASTA", "--fasta-ref": "FASTA"}


def _csq_command_build(command: str) -> tuple[str, str] | None:
    """The build a ``bcftools csq`` command line names through its files (the GFF3 given with -g, the FASTA with -f),
    read from their names' words (Ensembl's ``Homo_sapiens.GRCh37.82.gff3.gz``, ``GRCh38.fa``, ``hg19``); None when
    neither names one, or the two name different builds."""
    words = command.split(";", 1)[0].split()
    seen: list[tuple[str, str]] = []
    for i, word in enumerate(words):
        option, _, value = word.partition("=")
        kind = _CSQ_FILES.get(option)
        if kind is None:
            continue
        path = value or (words[i + 1] if i + 1 < len(words) else "")
        name = path.rsplit("/", 1)[-1]
        builds = {BUILD_ALIASES[t].value for t in re.split(r"[._\-]+", name.lower())
                  if t in BUILD_ALIASES and not t.isdigit()}
        if len(builds) == 1:
            seen.append((builds.pop(), f"the {kind} {name}"))
    if not seen or len({b for b, _ in seen}) > 1:
        return None
    return seen[0]


def annotation_builds(raw_header: str) -> dict[str, tuple[str, str]]:
    """The genome build each annotator says it used, from its own header lines: VEP's ``##VEP=`` (assembly=, the
    cache folder ``..._GRCh37``) and ``##VEP-command-line`` (--assembly), SnpEff's ``##SnpEffCmd`` (its database
    name, e.g. ``GRCh37.75``, ``hg38``), bcftools csq's ``##bcftools/csqCommand`` (the names of its GFF3 and FASTA):
    annotator -> (build, the words it was read from)."""
    out: dict[str, tuple[str, str]] = {}
    for line in raw_header.splitlines():
        if line.startswith(("##VEP=", "##VEP-command-line")) and "VEP CSQ" not in out:
            for pattern in _VEP_BUILD:
                m = pattern.search(line)
                if m:
                    out["VEP CSQ"] = (BUILD_ALIASES[m.group(1).lower()].value, m.group(0).replace('"', ''))
                    break
        elif line.startswith("##bcftools/csqCommand=") and "bcftools BCSQ" not in out:
            found = _csq_command_build(line.split("=", 1)[1])
            if found is not None:
                out["bcftools BCSQ"] = found
        elif line.startswith("##SnpEffCmd=") and "SnpEff ANN" not in out:
            words = line.split("=", 1)[1].strip('"').split()
            for word in words[1:]:
                if word.startswith("-") or "/" in word or word.lower() in ("ann", "eff"):
                    continue
                m = _SNPEFF_GENOME.match(word)
                if m:
                    out["SnpEff ANN"] = (BUILD_ALIASES[m.group(1).lower()].value, f"database {word}")
                break
    return out


def vep_allele(ref: str, alts: Sequence[str], alt: str) -> str:
    """VEP's allele string for ``alt`` (VEP Parser::VCF): only a record with an indel (an ALT of another length than
    REF) loses its shared first base, when every allele has it ('*' alleles not counted and kept as they are), and
    an empty allele is written '-'. A substitution written with padding (REF=CAG ALT=CTG) keeps every base."""
    if alt == "*" or all(len(a) == len(ref) for a in alts):
        return alt
    alleles = [a for a in (ref, *alts) if a != "*"]
    if all(a and not a.startswith("<") for a in alleles) and len({a[0] for a in alleles}) == 1:
        return alt[1:] or "-"
    return alt


@dataclass
class AlleleAnnotation:
    consequences: list[TranscriptConsequence]
    frequencies: Frequencies
    predictors: Predictors
    clinvar: ClinVar | None
    # why the record's ClinVar field cannot be read for this allele (one value for several ALTs), else None
    clinvar_unattributed: str | None = None


# the words of a value a multi-allelic record gives once for all its ALTs (read by variants.api to pick the remedy)
ONE_VALUE_FOR_ALTS = "one value for the record, not one per ALT"
# a per-allele INFO value that cannot be told apart from the record's other ALTs' (see value_for_alt)
NOT_THIS_ALT = object()


def value_for_alt(value: Any, alt_index: int, n_alts: int, number: str | None, site_level: bool = False) -> Any:
    """An INFO value (as cyvcf2 gives it) for ALT ``alt_index`` of a record with ``n_alts`` ALTs, by the header's
    ``number``: 'A' one per ALT, 'R' one per allele with REF first; on a multi-allelic record a per-allele quantity
    given once for the record (Number=1, '.', or a count that fits neither) is ``NOT_THIS_ALT``, never another allele's
    value (a tuple's maximum would be REF's frequency under Number=R). ``site_level``: the field is the site's own (AN:
    the alleles called at the site), so one value serves every ALT. An undeclared Number keeps the older reading (one
    per ALT when the count fits). Read the same way for a patient's VCF here and a cohort's (population.burden_local;
    burden_hail writes the rule in Hail's expressions)."""
    if value is None:
        return None
    many = isinstance(value, tuple | list)
    if number == "R":  # REF's value first, on a bi-allelic record too
        return value[alt_index] if many and len(value) == n_alts + 1 else NOT_THIS_ALT
    if n_alts <= 1:
        return value
    if number == "A":
        return value[alt_index - 1] if many and len(value) == n_alts else NOT_THIS_ALT
    if number is None:
        return value[alt_index - 1] if many and len(value) == n_alts else value
    if site_level and number == "1":
        return value
    return NOT_THIS_ALT


def _not_attributable(n_alts: int, fields: Sequence[str], numbers: Mapping[str, str], whose: str) -> str:
    """Why a multi-allelic record's ``fields`` cannot be read for one ALT, and how to fix it."""
    said = ", ".join(f"INFO/{n} (Number={numbers.get(n)})" for n in dict.fromkeys(fields))
    return (f"the record has {n_alts} ALT alleles but {said} {'give' if len(set(fields)) > 1 else 'gives'} "
            f"{ONE_VALUE_FOR_ALTS}, so it cannot be told whose {whose} it is; split the record (bcftools norm -m-) "
            "before annotating, or annotate with per-allele (Number=A) fields")


def _parse_csq(entries: list[str], fields: list[str], allele: str, alt_index: int, n_alts: int) -> list[dict[str, str]]:
    """The CSQ entries of one ALT. VEP's ALLELE_NUM numbers the ALTs of the record VEP saw: a record split after
    annotation (bcftools norm -m-) keeps every entry of the original with its old numbers, so a one-ALT record is
    matched on the Allele string (ALLELE_NUM 1 there is another allele's entry)."""
    rows = []
    by_number = "ALLELE_NUM" in fields and n_alts > 1
    for entry in entries:
        values = entry.split("|")
        row = dict(zip(fields, values, strict=False))
        if by_number and row.get("ALLELE_NUM"):
            if row["ALLELE_NUM"] != str(alt_index):
                continue
        elif row.get("Allele", allele) not in (allele, allele.upper()):
            continue
        rows.append(row)
    return rows


def _vep_consequence(row: dict[str, str]) -> TranscriptConsequence:
    hgvs_p = row.get("HGVSp") or None
    hgvs_p = hgvs_p.replace("%3D", "=") if hgvs_p else None
    prot = row.get("Protein_position") or ""
    m = re.match(r"(\d+)", prot)
    length = None
    if "/" in prot:
        try:
            length = int(prot.split("/")[1])
        except ValueError:
            length = None
    mane = bool(row.get("MANE_SELECT") or (row.get("MANE") and "Select" in row.get("MANE", "")))
    return TranscriptConsequence(
        gene=row.get("SYMBOL") or None, transcript=row.get("Feature") or None, mane_select=mane,
        canonical=row.get("CANONICAL") == "YES",
        consequences=normalise_terms((row.get("Consequence") or "").split("&")),
        impact=row.get("IMPACT") or None, hgvs_c=row.get("HGVSc") or None, hgvs_p=hgvs_p,
        protein_position=int(m.group(1)) if m else protein_position_from_hgvs(hgvs_p),
        protein_length=length, exon=row.get("EXON") or None, intron=row.get("INTRON") or None,
        source="VEP CSQ")


# The ANN field 'ERRORS / WARNINGS / INFO' (VCF annotation format v1.0, as SnpEff writes it): messages joined by '&',
# written by name or by the specification's code. An error, the REF not matching SnpEff's genome, a missing exon
# sequence or an annotation made against a non-reference allele make the entry's consequence unknown; the transcript
# warnings say SnpEff's model of the transcript is incomplete, so a truncation or length change read on it is not
# evidence (PVS1/PM4). INFO_REALIGN_3_PRIME and INFO_COMPOUND_ANNOTATION change nothing here.
_ANN_CODES = {
    "E1": "ERROR_CHROMOSOME_NOT_FOUND", "E2": "ERROR_OUT_OF_CHROMOSOME_RANGE",
    "W1": "WARNING_REF_DOES_NOT_MATCH_GENOME", "W2": "WARNING_SEQUENCE_NOT_AVAILABLE",
    "W3": "WARNING_TRANSCRIPT_INCOMPLETE", "W4": "WARNING_TRANSCRIPT_MULTIPLE_STOP_CODONS",
    "W5": "WARNING_TRANSCRIPT_NO_START_CODON", "I1": "INFO_REALIGN_3_PRIME", "I2": "INFO_COMPOUND_ANNOTATION",
    "I3": "INFO_NON_REFERENCE_ANNOTATION",
}
_ANN_UNTRUSTED = {"WARNING_REF_DOES_NOT_MATCH_GENOME", "WARNING_SEQUENCE_NOT_AVAILABLE",
                  "INFO_NON_REFERENCE_ANNOTATION"}
_ANN_MEANING = {
    "ERROR_CHROMOSOME_NOT_FOUND": "the chromosome is not in SnpEff's database",
    "ERROR_OUT_OF_CHROMOSOME_RANGE": "the position lies beyond the chromosome in SnpEff's database",
    "ERROR_REF_DOES_NOT_MATCH_GENOME": "the VCF's REF does not match SnpEff's genome (another build?)",
    "WARNING_REF_DOES_NOT_MATCH_GENOME": "the VCF's REF does not match SnpEff's genome (another build?)",
    "WARNING_SEQUENCE_NOT_AVAILABLE": "SnpEff has no sequence for the exon",
    "INFO_NON_REFERENCE_ANNOTATION": "the effect was computed against a non-reference allele",
    "WARNING_TRANSCRIPT_INCOMPLETE": "SnpEff's model of the transcript is incomplete",
    "WARNING_TRANSCRIPT_NO_START_CODON": "SnpEff's model of the transcript has no start codon",
    "WARNING_TRANSCRIPT_NO_STOP_CODON": "SnpEff's model of the transcript has no stop codon",
    "WARNING_TRANSCRIPT_MULTIPLE_STOP_CODONS": "SnpEff's model of the transcript has several stop codons",
}


def ann_messages(text: str) -> tuple[str | None, str | None]:
    """(why the entry is not trusted, why its transcript model is incomplete) from an ANN 'ERRORS / WARNINGS / INFO'
    value; None where nothing is said."""
    names = [_ANN_CODES.get(m.strip(), m.strip()) for m in text.split("&") if m.strip()]
    bad = [m for m in names if m.startswith("ERROR") or m in _ANN_UNTRUSTED]
    incomplete = [m for m in names if m.startswith("WARNING_TRANSCRIPT_")]

    def said(found: list[str]) -> str | None:
        return "; ".join(f"SnpEff {m}" + (f" ({_ANN_MEANING[m]})" if m in _ANN_MEANING else "") for m in found) or None

    return said(bad), said(incomplete)


def _ann_consequences(entries: list[str], alt: str) -> list[TranscriptConsequence]:
    out = []
    for entry in entries:
        v = entry.split("|")
        if len(v) < 11 or v[0] != alt:
            continue
        if v[5] and v[5] not in ("transcript", "intergenic_region"):
            # a protein feature the allele lies in ('sequence_feature' on 'domain:PAS_1', 'topological_domain:...'),
            # which SnpEff writes before the transcript's own entry with the same Feature_ID: not a consequence
            continue
        aa = v[13] if len(v) > 13 else ""
        pos = length = None
        if "/" in aa:
            a, b = aa.split("/", 1)
            pos = int(a) if a.isdigit() else None
            length = int(b) if b.isdigit() else None
        untrusted, incomplete = ann_messages(v[15]) if len(v) > 15 else (None, None)
        out.append(TranscriptConsequence(
            gene=v[3] or None, transcript=v[6] or None, consequences=normalise_terms(v[1].split("&")),
            impact=v[2] or None, hgvs_c=v[9] or None, hgvs_p=v[10] or None,
            protein_position=pos or protein_position_from_hgvs(v[10]), protein_length=length,
            exon=v[8] or None, source="SnpEff ANN", untrusted=untrusted, incomplete_transcript=incomplete))
    return out


def bcsq_selected(mask: Sequence[int] | None, haplotypes: Sequence[int]) -> set[int] | None:
    """The indices of the INFO/BCSQ entries that the sample's FORMAT/BCSQ bitmask names for the haplotypes carrying
    the allele, or None without a bitmask. bcftools csq sets bit 2*i+h (h = 0, 1: the haplotype) for entry i, 30 bits
    to an integer (csq.c ``icsq2_to_bit``), so a multi-sample record's INFO/BCSQ, which lists every sample's
    consequences, is read for this sample only."""
    if mask is None:
        return None
    out: set[int] = set()
    for word, value in enumerate(mask):
        if value is None or value < 0:
            continue
        for bit in range(30):
            if value >> bit & 1:
                icsq2 = 30 * word + bit
                if icsq2 % 2 in haplotypes or not haplotypes:
                    out.add(icsq2 // 2)
    return out


def _bcsq_consequences(entries: list[str], pos: int, ref: str, alt: str, selected: set[int] | None = None,
                       joint: bool = False) -> list[TranscriptConsequence]:
    """bcftools csq entries of this allele, one per transcript (csq writes e.g. splice_region and missense of the
    same transcript as two entries), with the predicted HGVS p. built from its amino-acid change.

    ``selected``: the entries the sample's FORMAT/BCSQ names (``bcsq_selected``); None reads them all. An entry
    '@POS' says this allele's consequence is given jointly with others (several changes in one codon, frame-restoring
    indels) at the record at POS: a placeholder carries POS (``joint_at``) until ``resolve_joint`` finds it there. A
    '*' prefix marks a consequence downstream of a stop codon gained upstream on the same haplotype: it is not this
    allele's effect on the protein. ``joint``: read only the joint entries (another record's, for a pointer)."""
    from charcot.variants.consequence import hgvs_p as bcsq_hgvs_p

    own = trim(pos, ref, alt)
    merged: dict[str, dict[str, Any]] = {}
    pointers: list[int] = []
    for i, entry in enumerate(entries):
        if selected is not None and i not in selected:
            continue
        if entry.startswith("@"):
            if not joint and entry[1:].isdigit():
                pointers.append(int(entry[1:]))
            continue
        star = entry.startswith("*")
        v = entry.lstrip("*").split("|")
        if len(v) < 4:
            continue
        dna = v[6] if len(v) > 6 else ""
        # bcftools writes each allele's change as '<POS><REF>><ALT>' (the record's spelling), and a joint (haplotype)
        # consequence as such changes joined by '+': the entry is this allele's only when one of them is this allele
        # (compared trimmed, so a record split after annotation still matches; '>A' is also inside 'C>AT', another
        # ALT of the same record)
        parts = dna.upper().split("+") if dna else []
        if dna and own not in {_bcsq_change(part) for part in parts}:
            continue
        if joint and len(parts) < 2:
            continue
        item = merged.setdefault(v[2] or v[1], {"gene": v[1] or None, "transcript": v[2] or None, "terms": [],
                                                "aa": "", "star": False, "with": ""})
        item["terms"] += [_BCSQ_TERMS.get(t, t) for t in v[0].split("&")]
        item["star"] = item["star"] or star
        if len(v) > 5 and v[5]:
            item["aa"] = v[5]
        if len(parts) > 1:
            item["with"] = " + ".join(p for p in dna.split("+") if _bcsq_change(p.upper()) != own)
    out = []
    for item in merged.values():
        terms = normalise_terms(item["terms"])
        aa = item["aa"]
        m = re.match(r"(\d+)", aa)
        out.append(TranscriptConsequence(
            gene=item["gene"], transcript=item["transcript"], consequences=terms,
            hgvs_p=bcsq_hgvs_p(aa, terms) if aa else None, protein_position=int(m.group(1)) if m else None,
            source="bcftools BCSQ", joint_with=item["with"] or None,
            untrusted=(f"bcftools csq marks '*{'&'.join(terms)}' as downstream of a stop codon gained upstream on the "
                       "same haplotype: it is not the allele's own effect on the protein") if item["star"] else None))
    for at in pointers:
        out.append(TranscriptConsequence(
            gene=None, transcript=None, consequences=[], source="bcftools BCSQ", joint_at=at,
            untrusted=f"bcftools csq gives this allele's consequence jointly with another variant, at the record at "
                      f"position {at:,}, which was not read"))
    return out


def resolve_joint(consequences: list[TranscriptConsequence], pos: int, ref: str, alt: str,
                  entries_at: Callable[[int], list[str] | None]) -> list[TranscriptConsequence]:
    """The consequences with each bcftools csq pointer ('@POS' placeholder) replaced by the joint consequences the
    record at POS gives for this allele (``entries_at(POS)``: that record's INFO/BCSQ entries, None when it was not
    read); a pointer whose record is not found stays, and says so (its consequence is unknown)."""
    out: list[TranscriptConsequence] = []
    for c in consequences:
        if c.joint_at is None:
            out.append(c)
            continue
        there = entries_at(c.joint_at)
        found = _bcsq_consequences(there, pos, ref, alt, joint=True) if there else []
        out += found or [c]
    # a transcript's own entries (e.g. splice_region) and its joint coding consequence are one consequence
    merged: dict[tuple[str, str | None], TranscriptConsequence] = {}
    for c in out:
        key = (c.source, c.transcript)
        if c.transcript is None or key not in merged:
            merged[key if c.transcript is not None else (c.source, str(id(c)))] = c
            continue
        first = merged[key]
        joint = c if c.joint_with else first
        merged[key] = joint.model_copy(update={
            "consequences": normalise_terms([*first.consequences, *c.consequences]),
            "untrusted": first.untrusted or c.untrusted})
    return list(merged.values())


def _bcsq_change(text: str) -> Allele | None:
    """One bcftools csq DNA change ('25587745GAA>GA'), trimmed."""
    m = re.fullmatch(r"(\d+)([A-Z]+)>([A-Z]+)", text)
    return trim(int(m.group(1)), m.group(2), m.group(3)) if m else None


def _split_entries(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, tuple | list):
        return [str(x) for x in value]
    return [e for e in str(value).split(",") if e]


# The empty annotation of every allele of an unannotated VCF: one pair of objects per process, shared by the findings
# like the sub-objects of a quiet finding's copies (charcot.variants.api); findings are never changed in place.
_NO_FREQUENCIES = Frequencies()
_NO_PREDICTORS = Predictors()


def annotate_allele(
    info_get: Callable[[str], Any],
    schema: AnnotationSchema,
    *,
    pos: int,
    ref: str,
    alts: Sequence[str],
    alt_index: int,
    bcsq_mask: Sequence[int] | None = None,
    haplotypes: Sequence[int] = (),
) -> AlleleAnnotation:
    """Everything the annotations say about ALT number ``alt_index`` (1-based) of one record. ``bcsq_mask``: the
    sample's FORMAT/BCSQ values (bcftools csq), ``haplotypes``: the genotype's haplotypes carrying the allele."""
    if schema.reads_nothing:  # an unannotated VCF (most whole genomes): nothing to look up (issue 20)
        return AlleleAnnotation([], _NO_FREQUENCIES, _NO_PREDICTORS, None)
    alt = alts[alt_index - 1]
    n_alts = len(alts)
    consequences: list[TranscriptConsequence] = []
    csq_rows: list[dict[str, str]] = []
    if schema.csq_fields is not None:
        entries = _split_entries(info_get(schema.csq_tag))
        csq_rows = _parse_csq(entries, schema.csq_fields, vep_allele(ref, alts, alt), alt_index, len(alts))
        consequences += [_vep_consequence(r) for r in csq_rows]
    if schema.has_ann:
        consequences += _ann_consequences(_split_entries(info_get("ANN")), alt)
    if schema.has_bcsq:
        consequences += _bcsq_consequences(_split_entries(info_get("BCSQ")), pos, ref, alt,
                                           bcsq_selected(bcsq_mask, haplotypes))

    def pick(names: Sequence[str]) -> tuple[float | None, str | None]:
        for name in names:
            if name in schema.info_ids:
                v = value_for_alt(info_get(name), alt_index, n_alts, schema.info_numbers.get(name))
                v = None if v is NOT_THIS_ALT else _float(v)
                if v is not None:
                    return v, f"INFO/{name}"
        for row in csq_rows:
            for name in names:
                v = _float(row.get(name))
                if v is not None:
                    return v, f"CSQ/{name}"
        return None, None

    freq = _frequencies(info_get, schema, csq_rows, alt_index, n_alts)

    revel, p1 = pick(_REVEL_FIELDS)
    cadd, p2 = pick(_CADD_FIELDS)
    am, p3 = pick(_AM_FIELDS)
    spliceai, p4 = pick(_SPLICEAI_DS)
    if spliceai is None and "SpliceAI" in schema.info_ids:
        # raw SpliceAI VCF output: ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_AG|DP_AL|DP_DG|DP_DL
        for entry in _split_entries(info_get("SpliceAI")):
            v = entry.split("|")
            if len(v) >= 6 and v[0] == alt:
                spliceai = _float("&".join(v[2:6]))
                p4 = "INFO/SpliceAI"
    predictors = Predictors(revel=revel, cadd_phred=cadd, alphamissense=am, spliceai_max=spliceai,
                            source=", ".join(s for s in (p1, p2, p3, p4) if s) or None)

    clinvar = None
    unattributed: str | None = None
    for sig_name, rev_name in zip(_CLNSIG_FIELDS, _CLNREV_FIELDS, strict=True):
        sig = None
        rev = None
        where = None
        if sig_name in schema.info_ids:
            raw = value_for_alt(info_get(sig_name), alt_index, n_alts, schema.info_numbers.get(sig_name))
            if raw is NOT_THIS_ALT:
                unattributed = _not_attributable(n_alts, [sig_name], schema.info_numbers, "assertion")
                continue
            sig = "|".join(raw) if isinstance(raw, tuple) else (str(raw) if raw is not None else None)
            rraw = info_get(rev_name) if rev_name in schema.info_ids else None
            rev = ",".join(rraw) if isinstance(rraw, tuple) else (str(rraw) if rraw is not None else None)
            where = f"INFO/{sig_name}"
        if not sig and csq_rows and sig_name in csq_rows[0]:
            sig = csq_rows[0].get(sig_name) or None
            rev = csq_rows[0].get(rev_name) or None
            where = f"CSQ/{sig_name}"
        if sig:
            vid = None
            for id_name in _CLNID_FIELDS:
                if csq_rows and csq_rows[0].get(id_name):
                    vid = csq_rows[0][id_name]
                    break
            rev_text = rev.replace("&", ",") if rev else None
            clinvar = ClinVar(significance=sig.replace("&", ","), review_status=rev_text,
                              stars=clinvar_stars(rev_text), variation_id=vid, source=f"{where} (input annotation)")
            break
    return AlleleAnnotation(consequences, freq, predictors, clinvar, unattributed if clinvar is None else None)


def _int(value: Any) -> int | None:
    f = _float(value)
    return int(f) if f is not None else None


def _frequencies(info_get: Callable[[str], Any], schema: AnnotationSchema, csq_rows: list[dict[str, str]],
                 alt_index: int, n_alts: int) -> Frequencies:
    """gnomAD frequencies from INFO (first) or the CSQ row of this allele."""
    info_fields, csq_fields = schema.frequencies
    used: list[str] = []
    not_this_alt: list[str] = []  # per-allele fields given once for the record's several ALTs

    def first(info_names: list[str], csq_names: list[str], site_level: bool = False) -> Any:
        for name in info_names:
            v = value_for_alt(info_get(name), alt_index, n_alts, schema.info_numbers.get(name), site_level)
            if v is NOT_THIS_ALT:
                not_this_alt.append(name)
                continue
            if _float(v) is not None:
                used.append(f"INFO/{name}")
                return v
        for row in csq_rows[:1]:
            for name in csq_names:
                if _float(row.get(name)) is not None:
                    used.append(f"CSQ/{name}")
                    return row.get(name)
        return None

    faf = _float(first(info_fields.faf, csq_fields.faf))
    grpmax = _float(first(info_fields.grpmax, csq_fields.grpmax))
    grpmax_an = _int(first(info_fields.grpmax_an, csq_fields.grpmax_an))
    af = _float(first(info_fields.af, csq_fields.af))
    an = _int(first(info_fields.an, csq_fields.an, site_level=True))
    group = None
    if grpmax is None and csq_rows:
        # grpmax over VEP's per-group gnomAD fields, non-bottlenecked groups only
        best: tuple[float, str] | None = None
        for prefix, names in csq_fields.groups.items():
            for name in names:
                v = _float(csq_rows[0].get(name))
                if v is not None and (best is None or v > best[0]):
                    best = (v, f"{name.removeprefix(prefix + '_').removesuffix('_AF').lower()} ({prefix})")
        if best is not None:
            grpmax, group = best
            used.append("CSQ/gnomAD per-group AF (grpmax over non-bottlenecked groups)")
    other: tuple[float, str] | None = None
    for row in csq_rows[:1]:
        for name in _OTHER_POPULATION_FIELDS:
            v = _float(row.get(name))
            if v is not None and v > 0 and (other is None or v > other[0]):
                pops = row.get("MAX_AF_POPS") if name == "MAX_AF" else None
                other = (v, f"CSQ/{name}" + (f" ({pops.replace('&', ', ')})" if pops else ""))
    # gnomAD fields inside CSQ speak only for a record VEP annotated: a record without a CSQ entry for this allele
    # (added after annotation, or skipped by VEP) was not looked up, so it is not "absent"
    searched = bool(info_fields.all) or (bool(csq_fields.all) and bool(csq_rows))
    unannotated = (f"the VCF record has no {schema.csq_tag} entry for this allele, so its gnomAD fields were not "
                   "looked up" if csq_fields.all and not info_fields.all and not csq_rows else None)
    if not_this_alt and af is None and grpmax is None and faf is None:
        # the record's frequency fields hold one value for its several ALTs: whose it is cannot be told, so this
        # allele's frequency is not assessed (never "absent", never another allele's)
        unannotated = _not_attributable(n_alts, not_this_alt, schema.info_numbers, "frequency")
        searched = False
    joint = any("joint" in u for u in used)
    # only exome data declared (VEP --af_gnomade): it covers exome capture targets, not deep intronic positions
    names = [n.split(":")[-1] for n in schema.frequency_fields]
    exomes_only = bool(names) and all(n.startswith("gnomADe") or "exome" in n.lower() for n in names)
    return Frequencies(af=af, an=an, grpmax_af=grpmax, grpmax_an=grpmax_an, grpmax_group=group, faf95=faf,
                       dataset="joint" if joint else "exomes" if exomes_only else None, searched=searched,
                       other_max_af=other[0] if other else None, other_source=other[1] if other else None,
                       not_covered=unannotated,
                       source=", ".join(used) or
                       (f"annotation fields {', '.join(schema.frequency_fields)} (variant absent)" if searched else None))


def on_gene(
    consequences: Sequence[TranscriptConsequence],
    gene: str,
    preferred: Sequence[str] = (),
    previous_symbols: Sequence[str] = (),
) -> list[TranscriptConsequence]:
    """The entries that speak of ``gene``: named by its symbol or a previous one (an older VEP cache: C21orf2 for
    CFAP410), or on one of the ``preferred`` transcripts; else the entries naming no gene (a SnpEff error entry, a
    bcftools csq pointer)."""
    wanted = {strip_version(p) for p in preferred if p}
    names = {gene.upper(), *(p.upper() for p in previous_symbols)}
    return [c for c in consequences if (c.gene and c.gene.upper() in names)
            or (c.transcript and strip_version(c.transcript) in wanted)] or \
        [c for c in consequences if not c.gene]


def pick_consequence(
    consequences: Sequence[TranscriptConsequence],
    gene: str,
    preferred: Sequence[str] = (),
    previous_symbols: Sequence[str] = (),
) -> TranscriptConsequence | None:
    """The consequence on the reference transcript of ``gene``: its MANE Select (VEP's flag) or one of the
    ``preferred`` transcripts (the knowledge base's MANE Select RefSeq/Ensembl ids and its exon table's transcript).

    When reference transcripts are known and the annotation gives none of them, None: another isoform's consequence
    (a stop gained on a minor isoform, while the reference transcript's may be synonymous or intronic) is not the
    gene's, and the caller says the reference transcript was not annotated. Only for a gene without a known reference
    transcript is the annotation's canonical transcript used, else the most severe entry. An entry not trusted and
    naming no transcript (a SnpEff error entry, a bcftools csq pointer to a joint consequence not found) is returned
    so its reason reaches the finding; an unresolved pointer wins, since the allele's coding change is given there."""
    pointer = next((c for c in consequences if c.joint_at is not None), None)
    if pointer is not None:
        return pointer
    wanted = {strip_version(p) for p in preferred if p}
    entries = on_gene(consequences, gene, preferred, previous_symbols)
    if not entries:
        return None
    for c in entries:
        if c.mane_select or (strip_version(c.transcript) in wanted):
            return c.model_copy(update={"mane_select": True})
    if wanted:
        return next((c for c in entries if not c.transcript and c.untrusted), None)
    canonical = [c for c in entries if c.canonical]
    if canonical:
        return canonical[0]
    return min(entries, key=lambda c: _RANK.get(most_severe(c.consequences) or "", len(SEVERITY)))
