"""Which variants qualify for a collapsing burden test, and in which class.

Classes (a variant allele can fall into several):

* ``plp``: pathogenic / likely pathogenic. Where it comes from is chosen with ``plp_source``
  (``--plp-source``):

  - ``charcot`` (default): charcot's own ACMG/AMP classification of each ALT allele in the knowledge
    base's ALS panel regions, made once per site from the VCF's annotation by the same engine as
    ``charcot interpret`` (see :mod:`charcot.population.acmg_sites`); an allele counts for the panel
    gene it was classified in when that class is Likely pathogenic or Pathogenic. Works without
    consequence annotation too (positions come from the knowledge base's exon tables), but without
    gnomAD frequencies in the VCF the frequency criteria cannot apply.
  - ``clinvar``: INFO ``CLNSIG`` of a ClinVar-annotated VCF (``Pathogenic``, ``Likely_pathogenic``,
    ``Pathogenic/Likely_pathogenic``; ``Conflicting...`` does not count), for the genes the
    consequence annotation names.
  - ``sites``: a user list of alleles (``--plp-sites``: chrom, pos, ref, alt), for the genes the
    consequence annotation names.
* ``lof``: rare loss-of-function: a consequence in :data:`LOF_TERMS` and allele frequency below
  ``max_af``.
* ``missense``: rare missense with REVEL >= ``revel_min``. Missense variants with no REVEL score are
  counted as *not assessed* (reported), never as qualifying.
* ``repeat``: repeat expansions, from a separate STR VCF (see :mod:`charcot.population.model`).

Consequences come from VEP ``CSQ``, SnpEff ``ANN`` or bcftools ``BCSQ`` (whichever the header
declares, in that order of preference), matched to the allele when the annotation names it.
Allele frequency: the largest of the population frequencies present (INFO or CSQ fields in
:data:`POPULATION_AF_FIELDS`); when none is present, the cohort's own allele frequency (stated in
the output as ``af_source = cohort``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from charcot.variants.annotation import vep_allele

LOF_TERMS = frozenset({
    "transcript_ablation", "splice_acceptor_variant", "splice_donor_variant", "stop_gained",
    "frameshift_variant", "start_lost",
    # bcftools csq spellings
    "splice_acceptor", "splice_donor", "frameshift",
})
MISSENSE_TERMS = frozenset({"missense_variant", "missense"})
POPULATION_AF_FIELDS = ("gnomAD_AF", "gnomad_AF", "gnomADe_AF", "gnomADg_AF", "gnomad_exomes_AF",
                        "gnomad_genomes_AF", "AF_popmax", "gnomAD_AF_popmax", "MAX_AF", "ExAC_AF")
_INFO_ID = re.compile(r"^##INFO=<ID=([^,>]+)")
_NUMBER = re.compile(r"[<,]Number=([^,>]+)")


def info_numbers(raw_header: str) -> dict[str, str]:
    """INFO id -> its header Number ('A', 'R', '1', '.'), wherever Number stands in the line: how both backends split
    a multi-allelic record's value."""
    out: dict[str, str] = {}
    for line in raw_header.splitlines():
        name = _INFO_ID.match(line)
        number = _NUMBER.search(line) if name else None
        if name and number:
            out[name.group(1)] = number.group(1)
    return out


REVEL_FIELDS = ("REVEL", "REVEL_score", "dbNSFP_REVEL_score", "revel")
PLP_LABELS = frozenset({"pathogenic", "likely_pathogenic", "pathogenic/likely_pathogenic",
                        "pathogenic|likely_pathogenic", "likely_pathogenic|pathogenic"})
CLASSES = ("plp", "lof", "missense", "repeat")
PLP_SOURCES = ("charcot", "clinvar", "sites")


@dataclass(frozen=True)
class AnnotationSpec:
    """Layout of the consequence annotation declared in the VCF header."""

    tag: str  # CSQ, ANN or BCSQ
    fields: tuple[str, ...]
    allele: int | None  # index of the allele field, if any
    gene: int
    consequence: int
    revel: int | None
    af: tuple[int, ...]


@dataclass(frozen=True)
class Criteria:
    max_af: float = 0.001
    revel_min: float = 0.5
    plp_source: str = "charcot"  # one of PLP_SOURCES
    plp_sites: frozenset[tuple[str, int, str, str]] = frozenset()  # plp_source "sites"
    # plp_source "charcot": (chrom, pos, ref, alt, gene) classified P/LP, filled in by run_burden
    plp_site_genes: frozenset[tuple[str, int, str, str, str]] = frozenset()
    # gene x mask tests only: AlphaMissense TSV (charcot.population.alphamissense) and its cut-off
    alphamissense: str | None = None
    am_min: float = 0.564  # > this = "likely pathogenic" (Cheng et al. 2023)
    # genotype QC (both backends): a sample's call below these, or with its own FORMAT/FT filter set (unless
    # --include-filtered), counts as missing (not carrying), as a no-call does. None = not applied; a call without
    # the field fails a threshold that is set (as in ``charcot interpret --min-gq/--min-dp``).
    min_gq: int | None = None
    min_dp: int | None = None

    def __post_init__(self) -> None:
        if self.plp_source not in PLP_SOURCES:
            from charcot.errors import InputError

            raise InputError(f"unknown P/LP source {self.plp_source!r}", hint="use charcot, clinvar or sites")

    def plp_genes(self) -> dict[tuple[str, int, str, str], set[str]]:
        """Site -> panel genes it is P/LP in (plp_source charcot)."""
        out: dict[tuple[str, int, str, str], set[str]] = {}
        for chrom, pos, ref, alt, gene in self.plp_site_genes:
            out.setdefault((chrom, pos, ref, alt), set()).add(gene)
        return out


@dataclass
class Classified:
    """Classes of one ALT allele per gene, plus what could not be assessed."""

    by_gene: dict[str, set[str]] = field(default_factory=dict)
    missense_without_revel: set[str] = field(default_factory=set)
    missense_genes: set[str] = field(default_factory=set)  # genes where the allele is a rare missense (any score)
    af: float | None = None  # population AF used (None = none available)


def _format_fields(description: str) -> list[str] | None:
    m = re.search(r"Format:\s*'?([^'\"]+)", description)
    if m:
        return [f.strip() for f in m.group(1).split("|")]
    m = re.search(r"Functional annotations:\s*'([^']+)'", description)
    if m:
        return [f.strip() for f in m.group(1).split("|")]
    return None


def annotation_spec(raw_header: str) -> AnnotationSpec | None:
    """Find CSQ / ANN / BCSQ in a VCF header and locate the fields the classifier needs."""
    infos: dict[str, str] = {}
    for line in raw_header.splitlines():
        m = re.match(r'##INFO=<ID=([^,]+),.*Description="(.*)"', line)
        if m:
            infos[m.group(1)] = m.group(2)
    for tag in ("CSQ", "ANN", "BCSQ"):
        if tag not in infos:
            continue
        desc = infos[tag]
        if tag == "ANN":
            fields = _format_fields(desc) or ["Allele", "Annotation", "Annotation_Impact", "Gene_Name"]
            lower = [f.lower() for f in fields]
            return AnnotationSpec(tag, tuple(fields), 0, lower.index("gene_name"), lower.index("annotation"),
                                  None, ())
        if tag == "BCSQ":
            # bcftools csq: Consequence|gene|transcript|biotype|strand|amino_acid_change|dna_change
            fields = _format_fields(desc) or ["Consequence", "gene"]
            lower = [f.lower() for f in fields]
            return AnnotationSpec(tag, tuple(fields), None, lower.index("gene"), lower.index("consequence"),
                                  None, ())
        found = _format_fields(desc)
        if not found:
            continue
        fields = found
        lower = [f.lower() for f in fields]
        if "consequence" not in lower or "symbol" not in lower:
            continue
        revel = next((lower.index(f.lower()) for f in REVEL_FIELDS if f.lower() in lower), None)
        afs = tuple(lower.index(f.lower()) for f in POPULATION_AF_FIELDS if f.lower() in lower)
        allele = lower.index("allele") if "allele" in lower else None
        return AnnotationSpec(tag, tuple(fields), allele, lower.index("symbol"), lower.index("consequence"),
                              revel, afs)
    return None


def _numbers(text: str) -> list[float]:
    out = []
    for piece in re.split(r"[&,/]", text):
        try:
            out.append(float(piece))
        except ValueError:
            continue
    return out


def _split_record_allele(ref: str, alt: str) -> str:
    """VEP's Allele for ``alt`` had the record held only this ALT (a file split after annotation and merged again)."""
    return vep_allele(ref, (alt,), alt)


def _allele_entries(spec: AnnotationSpec, entries: list[list[str]], ref: str, alts: Sequence[str],
                    alt: str) -> list[list[str]]:
    """The annotation entries of ``alt`` on a record with several ALTs, by the annotation's Allele field: SnpEff (ANN)
    writes the ALT itself; VEP (CSQ) writes it as it read the whole record (annotation.vep_allele: the shared first
    base goes only when the record has an indel, so REF=CA ALT=C,CT gives '-' and 'T'). An entry written for the
    record split into one-ALT records (merged again after annotation) is matched only when none is in the record's
    own form: a split form can be another ALT's record form (REF=CAT ALT=C,CA: 'A' is the second ALT's)."""
    assert spec.allele is not None
    i = spec.allele
    if spec.tag == "ANN":
        return [p for p in entries if p[i] == alt]
    mine = vep_allele(ref, alts, alt)
    found = [p for p in entries if p[i] == mine]
    if found:
        return found
    split = _split_record_allele(ref, alt)
    return [p for p in entries if p[i] in (alt, split)]


def classify_allele(
    spec: AnnotationSpec | None,
    annotation: str | None,
    info_af: float | None,
    info_revel: float | None,
    clnsig: str | None,
    site: tuple[str, int, str, str],
    alts: Sequence[str],
    criteria: Criteria,
    plp_genes: dict[tuple[str, int, str, str], set[str]] | None = None,
) -> Classified:
    """Classify one ALT allele of a record (``site`` = chrom without 'chr', pos, ref, alt; ``alts``: the record's ALTs).

    ``plp_genes`` is ``criteria.plp_genes()`` computed once by the caller (plp_source charcot)."""
    chrom, pos, ref, alt = site
    result = Classified()
    entries: list[list[str]] = []
    if spec is not None and annotation:
        for raw in annotation.split(","):
            parts = raw.split("|")
            if len(parts) <= max(spec.gene, spec.consequence, spec.allele or 0):
                continue
            entries.append(parts)
        if spec.allele is not None and len(alts) > 1:
            entries = _allele_entries(spec, entries, ref, alts, alt)
    afs = [info_af] if info_af is not None else []
    revels = [info_revel] if info_revel is not None else []
    for parts in entries:
        if spec is not None:
            for i in spec.af:
                afs.extend(_numbers(parts[i]) if i < len(parts) else [])
            if spec.revel is not None and spec.revel < len(parts):
                revels.extend(_numbers(parts[spec.revel]))
    af = max(afs) if afs else None
    result.af = af
    rare = af is None or af < criteria.max_af  # caller replaces None with the cohort AF first
    revel = max(revels) if revels else None
    plp = False
    if criteria.plp_source == "sites":
        plp = (chrom, pos, ref, alt) in criteria.plp_sites
    elif criteria.plp_source == "clinvar" and clnsig:
        labels = {x.strip().lower() for x in re.split(r"[,|&]", clnsig)}
        labels |= {clnsig.strip().lower()}
        plp = bool(labels & PLP_LABELS)
    for parts in entries:
        gene = parts[spec.gene].strip() if spec is not None else ""
        if not gene:
            continue
        terms = {t.lstrip("*") for t in re.split(r"&", parts[spec.consequence] if spec else "")}
        classes = result.by_gene.setdefault(gene, set())
        if plp:
            classes.add("plp")
        if rare and terms & LOF_TERMS:
            classes.add("lof")
        if rare and terms & MISSENSE_TERMS:
            result.missense_genes.add(gene)
            if revel is None:
                result.missense_without_revel.add(gene)
            elif revel >= criteria.revel_min:
                classes.add("missense")
    if criteria.plp_source == "charcot":
        # the panel gene charcot classified the allele in (knowledge-base symbol), annotated or not
        for gene in (plp_genes if plp_genes is not None else criteria.plp_genes()).get(site, ()):
            result.by_gene.setdefault(gene, set()).add("plp")
    result.by_gene = {g: c for g, c in result.by_gene.items() if c}
    return result


def read_plp_sites(path: str) -> frozenset[tuple[str, int, str, str]]:
    """A TSV of chrom, pos, ref, alt (header optional, '#' comments) listing known P/LP alleles."""
    from pathlib import Path

    from charcot.errors import InputError
    from charcot.structured import read_text

    sites: set[tuple[str, int, str, str]] = set()
    lines = read_text(Path(path), "P/LP site list").splitlines()  # missing, not UTF-8, gzipped: in words; BOM dropped
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if number == 1 and cells[0].lower() in ("chrom", "chr", "chromosome"):
            continue
        if len(cells) < 4 or not cells[1].strip().isdigit():
            raise InputError("expected chrom<TAB>pos<TAB>ref<TAB>alt", path=path, line=number,
                             hint="one allele per line, 1-based position")
        chrom = cells[0].strip().removeprefix("chr")
        sites.add((chrom, int(cells[1]), cells[2].strip().upper(), cells[3].strip().upper()))
    return frozenset(sites)
