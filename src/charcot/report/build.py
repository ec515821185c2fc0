"""Case → Report: read the inputs, call each analysis through its public API, compose the Report.

This module only orchestrates and adapts: every number and verdict comes from an analysis package
(variants, repeats, family, clinical, therapy) or the knowledge base. When an analysis package is
not installed in this build, its section says so ("not assessed: <module> unavailable"), never
silently empty.
"""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charcot.errors import InputError
from charcot.genome.panels import GeneSelection
from charcot.model import AssessmentStatus, Build, NotAssessed, first_names
from charcot.report.model import (
    COGNITION_MEASURE,
    FTD_YES,
    ChartSnapshot,
    ClinicalSection,
    Criterion,
    FamilyEvidence,
    FamilyMember,
    FamilySection,
    GeneRestriction,
    GeneticsSection,
    Header,
    IdentityCheck,
    IdentitySection,
    Item,
    ItemState,
    Measure,
    Plot,
    RecordedTreatment,
    RecordFinding,
    Reference,
    RelativeRisk,
    RepeatCall,
    RepeatsSection,
    Report,
    Resource,
    RunInfo,
    RunParameters,
    SummaryItem,
    TherapyItem,
    TherapySection,
    Tier,
    VariantFinding,
    Visit,
)
from charcot.report.provenance import HPO_RESOURCE

if TYPE_CHECKING:
    from charcot.family.pedigree import Pedigree
    from charcot.family.samplemap import SampleJoin, SampleMap

Progress = Callable[[str], None]

TIERS: list[tuple[int, str, str]] = [
    (1, "Tier 1: pathogenic or likely pathogenic",
     "Variants classified Pathogenic or Likely pathogenic in an ALS gene: act on them (confirm, counsel, cascade testing)."),
    (2, "Tier 2: uncertain significance",
     "Variants of uncertain significance: not to be used for clinical decisions or predictive testing of relatives."),
    (3, "Tier 3: likely benign or benign",
     "Variants reviewed and classified Likely benign or Benign: listed for completeness."),
]
# an established or likely risk allele is a summary finding whatever its Mendelian class (often benign by frequency)
_RISK_FINDINGS = ("established risk allele", "likely risk allele")
_TIER_OF_CLASS = {
    "pathogenic": 1, "likely pathogenic": 1, "uncertain significance": 2, "likely benign": 3, "benign": 3,
    "p": 1, "lp": 1, "vus": 2, "lb": 3, "b": 3,
}

# Page 1 lists relatives to counsel from this carrier probability (the family section lists everyone).
AT_RISK_MIN_CARRIER_PROBABILITY = 0.01


def deceased_words(death_age: float | None) -> str:
    """A deceased relative as every list of relatives names them."""
    return f"died at {death_age:g}" if death_age is not None else "deceased"


@dataclass
class CaseInputs:
    """Everything a report run reads. Paths are validated by ``build_report``."""

    vcf: Path | None = None
    str_vcf: Path | None = None
    ped: Path | None = None
    proband: str | None = None
    clinical: Path | None = None
    phenopacket: Path | None = None
    hpo: list[str] = field(default_factory=list)
    sample: str | None = None
    build: str | None = None
    sex: str | None = None
    patient_id: str | None = None
    ages: Path | None = None
    clinvar: Path | None = None
    gnomad: Path | None = None
    gnomad_coverage: Path | None = None  # gnomAD per-base coverage summary (PM2 absence only where covered)
    resources: Path | None = None  # resource bundle folder (charcot resources build)
    region: str | None = None
    country: str | None = None
    as_of: date | None = None
    run_time: datetime | None = None
    genes: GeneSelection | None = None  # --genes/--panel/--bed (charcot.genome.panels); None = every gene
    # the repeat-caller file's sample that is this patient (--str-sample): the user's explicit mapping when the file
    # names the patient otherwise; without it the file's sample must be the VCF's sample or the proband
    str_sample: str | None = None
    # pedigree ID -> VCF sample (--sample-map / --sample-map-file; a family.samplemap.SampleMap keeps where each pair
    # was given): members not named are read from the sample of their own name, or are not genotyped
    sample_map: Mapping[str, str] = field(default_factory=dict)
    # the web workspace's patient chart (clinical.chart.Chart): its visits merged into the clinical record by date,
    # validated with it; None outside the web workspace
    chart: Any = None


# --------------------------------------------------------------------------- JSON helpers
def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def _names_only(value: Any, paths: Sequence[Path]) -> Any:
    """``value`` (JSON data) with every input path in its strings (as given, absolute, or resolved) replaced by the
    file's name."""
    spelled: dict[str, str] = {}
    for p in paths:
        for form in (str(p), str(p.absolute()), str(p.resolve())):
            spelled[form] = p.name
    longest_first = sorted(spelled, key=len, reverse=True)

    def clean(v: Any) -> Any:
        if isinstance(v, str):
            for form in longest_first:
                if form in v and form != spelled[form]:
                    v = v.replace(form, spelled[form])
            return v
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    return clean(value)


def _jsonable(value: Any) -> Any:
    """A JSON-safe, deterministic dump of an analysis result (pydantic model, dataclass, plain data)."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "__dataclass_fields__"):
        return {k: _jsonable(getattr(value, k)) for k in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=lambda x: json.dumps(x, sort_keys=True)) if isinstance(value, set | frozenset) else items
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return value.name
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


# --------------------------------------------------------------------------- inputs
_NAMED_FILES_ONLY = ("a report records every input by name, size and SHA-256, so it reads files only: save the "
                     "stream to a file and give that file's name")


def _check_file(path: Path | None, role: str) -> None:
    """A report's inputs are regular files: '-' (standard input), a pipe or a device cannot be named and checksummed
    in the report (and are said so, not 'not found')."""
    if path is None:
        return
    if str(path) == "-":
        raise InputError(f"the {role} cannot be read from standard input ('-')", hint=_NAMED_FILES_ONLY)
    target = Path(path)
    if target.exists() and not target.is_file():
        what = "a folder" if target.is_dir() else "not a regular file (a pipe or device)"
        raise InputError(f"the {role} is {what}", path=path,
                         hint="give the file itself" if target.is_dir() else _NAMED_FILES_ONLY)
    if not target.is_file():
        raise InputError(f"{role} file not found", path=path, hint="check the path")


def _vcf_facts(vcf: Path, sample: str | None, build: str | None, proband: str | None = None,
               pedigree: Pedigree | None = None, sample_map: SampleMap | None = None,
               ) -> tuple[str | None, str | None, int, SampleJoin | None]:
    """Sample and build of the VCF from its header (htslib reads it), the number of samples, and, with a pedigree,
    which VCF sample each member is read from (``family.samplemap.SampleJoin``: the map, --sample for the proband,
    else the same name)."""
    import pysam

    from charcot.genome.builds import detect_build, parse_build

    # only the header is read, but pysam loads an index when there is one, and its htslib (not the one in cyvcf2 that
    # charcot.variants.reader.quiet_htslib silences) prints "[W::hts_idx_load3] The index file is older than the data
    # file: PATH" for a copied or uploaded pair; the reader checks such an index itself (check_index)
    verbosity = pysam.set_verbosity(0)
    plain_gzip = False
    try:
        handle = pysam.VariantFile(str(vcf))
    except NotImplementedError:  # pysam cannot open a plain-gzip (not BGZF) VCF, which the reader reads
        plain_gzip = True
    except (OSError, ValueError) as exc:
        from charcot.variants.reader import open_vcf

        open_vcf(Path(vcf)).close()  # raises the reader's specific message (damaged block, BOM, ...)
        raise InputError(f"cannot read VCF: {exc}", path=vcf, hint="give a VCF or bgzipped VCF") from None
    finally:
        pysam.set_verbosity(verbosity)
    if plain_gzip:
        from charcot.variants.reader import open_vcf

        reader = open_vcf(Path(vcf))  # the reader's checks (truncated member, not a VCF) in its own words
        try:
            samples = list(reader.samples)
            lengths = {str(c): int(n or 0) for c, n in zip(reader.seqnames, reader.seqlens, strict=False)}
        finally:
            reader.close()
    else:
        with handle:
            samples = list(handle.header.samples)
            lengths = {str(c): int(handle.header.contigs[c].length or 0) for c in handle.header.contigs}
    join = None
    if pedigree is not None:
        from charcot.family.api import join_samples

        join = join_samples(pedigree.ids, samples, sample_map, proband=proband, proband_sample=sample, vcf=vcf,
                            ped=Path(pedigree.source) if pedigree.source else None)
        if sample is None and proband is not None and proband in join.samples:
            sample = join.samples[proband]  # the pedigree's proband is genotyped in a family VCF
    if sample is None and proband is not None and proband in samples and (pedigree is None or proband not in pedigree):
        sample = proband  # (a proband the pedigree does not have is refused where the pedigree is read)
    if sample is None:
        if len(samples) > 1 and proband is not None and pedigree is not None and proband in pedigree:
            from charcot.family.api import unjoined_proband_error

            raise unjoined_proband_error(proband, pedigree.ids, samples, vcf)
        if len(samples) > 1 and proband is not None:
            shown = first_names(samples)
            raise InputError(f"the proband {proband!r} is not a sample of the VCF, which has {len(samples)} samples "
                             f"({shown})", path=vcf,
                             hint="give the proband's ID as the VCF names it, or the patient's sample with --sample")
        if len(samples) > 1:
            raise InputError(f"the VCF has {len(samples)} samples", path=vcf,
                             hint="say which one is the patient with --sample or --proband")
        sample = samples[0] if samples else None
    elif sample not in samples:
        raise InputError(f"sample {sample!r} is not in the VCF", path=vcf,
                         hint=f"samples in the file: {', '.join(samples[:10])}")
    if build is None:
        detected = detect_build({k: v for k, v in lengths.items() if v})
        build = detected.value if detected is not None else None
    else:
        build = parse_build(build).value
    return sample, build, len(samples), join


@dataclass
class PhenopacketInput:
    """What an input phenopacket (or the proband of a Phenopacket Family) gives the pipeline."""

    hpo: list[str] = field(default_factory=list)
    subject: str | None = None
    sex: str | None = None
    disease: tuple[str | None, str | None] = (None, None)  # (ontology id, label) of the first non-excluded disease
    # asm, chrom, pos, ref, alt, GENO id, and why the run that wrote the packet left the call out (charcot's own
    # 'left_out' extension: a call not classified there, never a kept call here) or None
    variants: list[tuple[str, str, int, str, str, str | None, str | None]] = field(default_factory=list)
    is_family: bool = False


_GT_OF_GENO = {"GENO:0000135": "0/1", "GENO:0000136": "1/1", "GENO:0000134": "1"}


def _hpo_from_phenopacket(path: Path) -> tuple[list[str], str | None, str | None]:
    got = read_phenopacket(path)
    return got.hpo, got.subject, got.sex


def read_phenopacket(path: Path) -> PhenopacketInput:
    """Phenotypes, subject, sex, disease and variants (VCF records of the genomic interpretations)."""
    from charcot.structured import check_hpo_ids, load_structured

    data = load_structured(path, "phenopacket")
    if not isinstance(data, dict):
        raise InputError("a phenopacket must be a JSON object", path=path,
                         hint="give a Phenopacket v2 JSON file ({\"id\": ..., \"subject\": ...})")
    out = PhenopacketInput()
    if isinstance(data.get("proband"), dict):  # a Phenopacket Family: the proband's packet, the pedigree apart
        out.is_family = True
        data = data["proband"]
    features = data.get("phenotypicFeatures") or []
    if not isinstance(features, list):
        raise InputError("phenotypicFeatures must be a list", path=path,
                         hint="write phenotypicFeatures as a JSON list of {\"type\": {\"id\": \"HP:...\"}}")
    terms: list[str] = []
    for f in features:
        kind = f.get("type") if isinstance(f, dict) else None
        term = kind.get("id") if isinstance(kind, dict) else None
        if isinstance(term, str) and term and not f.get("excluded"):
            terms.append(term)
    out.hpo = check_hpo_ids(terms, path=path, where="phenotypicFeatures")
    subject = data.get("subject") or {}
    sex = subject.get("sex") if isinstance(subject, dict) else None
    sid = subject.get("id") if isinstance(subject, dict) else None
    out.subject, out.sex = (str(sid) if sid else None), (str(sex).lower() if sex else None)
    for d in data.get("diseases") or []:
        term = d.get("term") if isinstance(d, dict) else None
        if isinstance(term, dict) and not d.get("excluded"):
            out.disease = (str(term.get("id")) if term.get("id") else None, str(term.get("label") or term.get("id")))
            break
    for interp in data.get("interpretations") or []:
        diag = interp.get("diagnosis") if isinstance(interp, dict) else None
        if not isinstance(diag, dict):
            continue
        term = diag.get("disease")
        if out.disease == (None, None) and isinstance(term, dict) and term.get("id"):
            out.disease = (str(term["id"]), str(term.get("label") or term["id"]))
        for gi in diag.get("genomicInterpretations") or []:
            vi = gi.get("variantInterpretation") if isinstance(gi, dict) else None
            desc = vi.get("variationDescriptor") if isinstance(vi, dict) else None
            rec = desc.get("vcfRecord") if isinstance(desc, dict) else None
            if not isinstance(rec, dict):
                continue
            try:
                pos = int(rec["pos"])
                asm, chrom, ref, alt = (str(rec[k]) for k in ("genomeAssembly", "chrom", "ref", "alt"))
            except (KeyError, TypeError, ValueError):
                raise InputError("a vcfRecord needs genomeAssembly, chrom, pos, ref and alt", path=path,
                                 hint="fill the variationDescriptor's vcfRecord or remove it") from None
            state = desc.get("allelicState") if isinstance(desc, dict) else None
            extensions = desc.get("extensions") if isinstance(desc, dict) else None
            left_out = next((str(e.get("value") or "left out") for e in extensions
                             if isinstance(e, dict) and e.get("name") == "left_out"), None) \
                if isinstance(extensions, list) else None
            out.variants.append((asm, chrom, pos, ref, alt, state.get("id") if isinstance(state, dict) else None,
                                 left_out))
    return out


# the FILTER of a phenopacket variant that the run which wrote the packet left out (its reason in the header)
LEFT_OUT_FILTER = "LeftOutByEarlierRun"


def _left_out_filter(why: str) -> str:
    """The VCF FILTER id for a call a phenopacket says was left out: the caller's own FILTER when that was the reason
    ('FILTER LowConfidence'), else one id whose header line states the reason (GQ/DP thresholds, a half-call)."""
    own = why.removeprefix("FILTER ").strip()
    if why.startswith("FILTER ") and own and all(ch.isalnum() or ch in "_.-" for ch in own) and own != "PASS":
        return own
    return LEFT_OUT_FILTER


def phenopacket_vcf(got: PhenopacketInput, subject: str, folder: Path) -> Path:
    """The phenopacket's variants as a one-sample VCF, so they go through the same interpretation as a VCF
    (contig lengths from the build, genotypes from allelicState; '0/1' when no state is given, said so by
    ``unstated_zygosity``). A variant the packet marks as left out by the run that wrote it (charcot's 'left_out'
    extension) keeps a FILTER, so it is left out here too (not classified, its gene not assessed at its position),
    never read as a passing call."""
    from charcot.genome.builds import contig_lengths, normalise_contig, parse_build

    builds = {parse_build(v[0]) for v in got.variants}
    if len(builds) != 1:
        raise InputError("the phenopacket's variants name more than one genome assembly",
                         hint="give every vcfRecord the same genomeAssembly")
    build = builds.pop()
    lengths = contig_lengths()[build]
    lines = ["##fileformat=VCFv4.2", '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">']
    filters = {why: _left_out_filter(why) for *_, why in got.variants if why is not None}
    for fid in sorted(set(filters.values())):
        reasons = "; ".join(sorted(w for w, f in filters.items() if f == fid)).replace('"', "'")
        lines.append(f'##FILTER=<ID={fid},Description="left out by the run that wrote the phenopacket ({reasons}): '
                     'not classified there">')
    lines += [f"##contig=<ID={c},length={n}>" for c, n in lengths.items()]
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + subject)
    order = {c: i for i, c in enumerate(lengths)}
    records = sorted({(normalise_contig(c), p, r, a, _GT_OF_GENO.get(g or "", "0/1"),
                       filters[why] if why is not None else "PASS") for _, c, p, r, a, g, why in got.variants},
                     key=lambda v: (order.get(v[0], len(order)), v[1]))
    lines += [f"{c}\t{p}\t.\t{r}\t{a}\t.\t{flt}\t.\tGT\t{gt}" for c, p, r, a, gt, flt in records]
    path = folder / "phenopacket_variants.vcf"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- sections
@dataclass
class _Ctx:
    inputs: CaseInputs
    sample: str | None
    build: str | None
    hpo: list[str]
    sex: str | None
    progress: Progress
    sex_from: str = "command line"
    stated_sexes: dict[str, str] = field(default_factory=dict)  # each input stating the sex -> it (male/female)
    @property
    def genetic_sex(self) -> str | None:
        """The sex the sex-chromosome analyses and checks read: male or female; a record's 'other' (a valid answer
        of the case record) states no chromosomal sex, as none at all (was passed on and refused as 'unknown sex')."""
        return self.sex if self.sex in ("male", "female") else None

    # keys (CHROM-POS-REF-ALT) of the variants an input phenopacket gives with no allelic state: read as 0/1 for the
    # classification, their zygosity is not known
    unstated_zygosity: set[str] = field(default_factory=set)
    diagnosis: str | None = None  # from an input phenopacket's diseases
    diagnosis_id: str | None = None
    ped_sex: str | None = None
    ped_affected: bool | None = None
    not_assessed: list[NotAssessed] = field(default_factory=list)
    analyses: dict[str, Any] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)
    resources: list[Resource] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    limitations: list[str] = field(default_factory=list)
    interpretation: Any = None
    pedigree: Any = None
    clinical_case: Any = None
    clinical_assessment: Any = None
    repeat_assessment: Any = None
    c9_status: str | None = None
    n_samples: int = 0
    patient_id: str | None = None
    str_sample: str | None = None
    observations: dict[str, Any] = field(default_factory=dict)
    segregation: list[FamilyEvidence] = field(default_factory=list)
    family_notes: list[str] = field(default_factory=list)  # what family_evidence skipped or could not use
    family_genotypes: dict[str, Any] = field(default_factory=dict)  # per variant key, relatives' confident calls
    join: SampleJoin | None = None  # the VCF sample each pedigree member is read from
    plots_pending: Callable[[bool], list[Plot]] | None = None  # the clinical plots being drawn (see _start_plots)
    # (record with the repeat genotype, its assessment or None, the exception the assessment raised or None), from
    # _start_clinical; the clinical section is built from it in its usual place
    clinical_started: tuple[Any, Any, BaseException | None] | None = None
    # where each visit of the clinical record came from once the patient chart was merged (clinical.chart)
    visit_origins: dict[date, Any] = field(default_factory=dict)


# matplotlib's pyplot state is process-global: the web app's worker threads take turns.
_PLOT_LOCK = threading.Lock()


def _finding(raw: Any, reference: Any = None, clinvar_consulted: bool | None = None) -> VariantFinding:
    """charcot.variants.model.VariantFinding → report VariantFinding (``clinvar_consulted``: the run's
    InterpretationResult.clinvar_consulted)."""
    from charcot.variants.vrs import vrs_allele

    cls_text = _text(raw.classification)
    evidence = list(raw.evidence)
    freq = raw.frequencies
    freq_text = None
    if freq is not None and (freq.af is not None or freq.grpmax_af is not None):
        parts = [f"AF {freq.af:.3g}" if freq.af is not None else None,
                 f"grpmax AF {freq.grpmax_af:.3g}" if freq.grpmax_af is not None else None]
        freq_text = ", ".join(p for p in parts if p) + (f" ({freq.source})" if freq.source else "")
    elif freq is not None and freq.searched:
        freq_text = f"absent from {freq.source or 'the population resource'}"
    else:
        why = freq.not_covered if freq is not None and freq.not_covered else "no population data given"
        freq_text = f"not assessed in this run ({why})"
        if any(e.applied and e.criterion == "PM2" for e in evidence):
            # an applied PM2 without this run's population data can only be the knowledge base's curated one
            freq_text += "; PM2 rests on the frequency recorded in the knowledge base (evidence table)"
    clinvar = raw.clinvar
    clinvar_text = None
    if clinvar is not None:
        clinvar_text = clinvar.significance + (f" ({clinvar.stars}★)" if clinvar.stars is not None else "") + (
            f", VCV {clinvar.variation_id}" if clinvar.variation_id else "")
    elif raw.clinvar_not_covered is not None:
        clinvar_text = f"not assessed ({raw.clinvar_not_covered})"
    elif raw.clinvar_searched is not None:
        clinvar_text = f"not listed (searched {raw.clinvar_searched})"
    elif clinvar_consulted is False:
        clinvar_text = "not searched (no ClinVar data given)"
    elif clinvar_consulted:
        clinvar_text = "no assertion in the VCF's ClinVar annotation"
    sources = {src for e in evidence for src in e.sources}
    known = raw.known_variant
    known_text = None
    if known:
        known_text = (f"{known.get('id')}: {known.get('classification')} ({known.get('classification_basis')}). "
                      f"{known.get('note', '')}").strip()
        sources |= set(known.get("sources") or [])
    known_id = str(known.get("id")) if known and known.get("id") else None
    known_name = None
    if known_id:
        rec = _known_record(known_id)
        if rec is not None:
            known_name = f"{rec.gene} {rec.hgvs_c} {rec.hgvs_p}" + (f", legacy {rec.legacy_name}" if rec.legacy_name else "")
    risk = raw.risk_allele
    if risk is not None:
        sources |= set(risk.sources)
    finding = VariantFinding(
        key=raw.key, gene=raw.gene, chrom=raw.chrom, pos=raw.pos, ref=raw.ref, alt=raw.alt,
        zygosity=_text(raw.zygosity), hgvs_c=_full_hgvs_c(raw.hgvs_c, raw.transcript), hgvs_p=raw.hgvs_p,
        transcript=raw.transcript,
        consequence=", ".join(raw.consequence) if raw.consequence else None, classification=cls_text,
        points=float(raw.points), genotype=raw.genotype, filter=raw.filter, clinvar=clinvar_text,
        population_frequency=freq_text, inheritance=raw.inheritance.summary if raw.inheritance else None,
        inheritance_consistent=raw.inheritance.consistent if raw.inheritance else None,
        gene_region=raw.position.description if raw.position else None, known_variant=known_text,
        not_classified=raw.not_classified,
        clinvar_discordance=raw.clinvar_discordance.note if raw.clinvar_discordance is not None else None,
        tier=_TIER_OF_CLASS.get(cls_text.lower(), 2) if cls_text else 0, evidence=evidence,
        notes=[str(n) for n in raw.notes], sources=sorted(sources), known_variant_id=known_id,
        known_variant_name=known_name,
        risk_allele=risk.category if risk is not None else None,
        risk_allele_reason=risk.reason if risk is not None else None,
        risk_allele_sources=list(risk.sources) if risk is not None else [],
        vrs=vrs_allele(raw.build, raw.chrom, raw.pos, raw.ref, raw.alt, reference=reference),
        allele_reads=raw.allele_reads, total_reads=raw.total_reads, allele_balance_flag=raw.allele_balance_flag,
        call_quality_flag=raw.call_quality_flag,
    )
    return finding


def _known_record(known_id: str) -> Any:
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.variants import Record as KnownVariant

    return next((r for r in get_knowledge().typed("variants", KnownVariant) if r.id == known_id), None)


def clinical_diagnosis(ctx: _Ctx) -> str | None:
    """The diagnosis the inputs state: an input phenopacket's disease, else an ALS clinical record with a
    diagnosis date (the record's schema is ALS-specific), else none."""
    if ctx.diagnosis:
        return ctx.diagnosis
    case = ctx.clinical_case
    if case is not None and case.diagnosis is not None:
        return "amyotrophic lateral sclerosis"
    return None


def phenopacket_als(ctx: _Ctx) -> bool:
    """An input phenopacket states ALS as the patient's disease (by its ontology id or its words, not excluded)."""
    from charcot.acmg.phenotype import als_diagnosis

    return any(als_diagnosis(told) is not None for told in (ctx.diagnosis_id, ctx.diagnosis))


def _onset_age(ctx: _Ctx) -> float | None:
    """The patient's age at symptom onset (years) from the clinical record's onset and birth dates (PP4 for genes
    with a juvenile or adult form), else None."""
    case = ctx.clinical_case
    if case is None or case.date_of_birth is None:
        return None
    from charcot.clinical.model import years_between

    return round(years_between(case.date_of_birth, case.onset.date), 1)


def _hpo_labels(ctx: _Ctx) -> dict[str, str]:
    """HPO labels from the ontology: those the variant interpretation looked up, else looked up here."""
    if ctx.interpretation is not None and ctx.interpretation.hpo_labels:
        return dict(ctx.interpretation.hpo_labels)
    if not ctx.hpo:
        return {}
    from charcot.acmg.phenotype import check_hpo_terms

    return dict(check_hpo_terms(ctx.hpo))


def gene_restriction(selection: GeneSelection | None) -> GeneRestriction | None:
    """The restriction of the small-variant analysis to the selected genes, in the words page 1, the genetics section
    and the left-out genes' items share; None when every knowledge-base gene was analysed."""
    if selection is None:
        return None
    from charcot.knowledge import get_knowledge
    from charcot.variants.model import OUTSIDE_PANEL

    left = sorted(g.symbol for g in get_knowledge().genes if g.symbol not in selection.symbols)
    if not left:
        return None
    n = len(left)
    # two sentences: the first names the genes analysed, the second (with 'not assessed') names none of them
    return GeneRestriction(
        how=selection.how, label=selection.words, genes=list(selection.symbols), not_assessed=left,
        reason=f"{OUTSIDE_PANEL}: the small-variant analysis was restricted to {selection.words}",
        statement=f"Small-variant analysis restricted to {selection.words}. The other {n} ALS gene"
                  f"{'s' if n != 1 else ''} of the knowledge base {'were' if n != 1 else 'was'} not assessed: no result "
                  f"for {'them' if n != 1 else 'it'}, not a negative result.")


def _genetics(ctx: _Ctx) -> GeneticsSection:
    inputs = ctx.inputs
    empty_tiers = [Tier(number=n, label=lab, description=d) for n, lab, d in TIERS]
    if inputs.vcf is None:
        ctx.not_assessed.append(NotAssessed(what="small variants (SNVs, indels) in ALS genes",
                                            reason="no VCF was given", how_to_assess="run with --vcf"))
        return GeneticsSection(status=AssessmentStatus.NOT_ASSESSED, tiers=empty_tiers,
                               notes=["Not assessed: no VCF was given."])
    from charcot.variants import api
    from charcot.variants import model as variants_model
    ctx.progress("interpreting variants")
    # Repeats are assessed once, by _repeats (the STR file may come from a different run/sample).
    kwargs: dict[str, Any] = dict(sample=ctx.sample, build=ctx.build or "auto", clinvar=inputs.clinvar,
                                  gnomad=inputs.gnomad, hpo=ctx.hpo, str_path=None, sex=ctx.genetic_sex,
                                  extra_evidence=None,
                                  genes=inputs.genes, resources=inputs.resources, diagnosis=clinical_diagnosis(ctx),
                                  onset_age=_onset_age(ctx), gnomad_coverage=inputs.gnomad_coverage)
    result = api.interpret(inputs.vcf, **kwargs)
    # Segregation / de novo evidence from genotyped relatives, fed back into the classification.
    from charcot.family import api as family_api

    if ctx.pedigree is not None and inputs.proband and ctx.n_samples > 1:
        keys = [f.key for f in result.findings if _text(f.classification) != "Benign"]
        if keys:
            ctx.progress("family evidence (segregation, de novo)")
            extra = family_api.family_evidence(inputs.vcf, ctx.pedigree, inputs.proband, variant_keys=keys,
                                               build=Build(result.build), notes=ctx.family_notes,
                                               genes={f.key: f.gene for f in result.findings if f.gene},
                                               genotypes=ctx.family_genotypes,
                                               samples=ctx.join.samples if ctx.join is not None else None)
            if any(extra.values()):
                kwargs["extra_evidence"] = extra
                result = api.interpret(inputs.vcf, **kwargs)
                labels = {f.key: f"{f.gene} {f.hgvs_p or f.hgvs_c or f.key}" if f.gene else f.key
                          for f in result.findings}
                ctx.segregation = [FamilyEvidence(**e.model_dump(), variant=labels.get(k, k), variant_key=k)
                                   for k, ev in extra.items() for e in ev]
    ctx.interpretation = result
    ctx.build = result.build
    ctx.analyses["variants"] = _jsonable(result)
    # The repeat loci have one status, set by _repeats from the repeat-caller file: the variants API's
    # "no repeat-caller output" entries (it is called without --str here) are not this report's answer.
    from charcot.repeats import api as repeats_api

    repeat_placeholders = set(repeats_api.not_assessed().not_assessed)
    ctx.not_assessed.extend(i for i in result.not_assessed if i not in repeat_placeholders)
    ordered = sorted(result.findings, key=lambda f: (f.chrom, f.pos, f.ref, f.alt))
    from charcot.variants.vrs import bundle_reference

    reference = bundle_reference(inputs.resources) if ordered else None
    consulted = result.clinvar_consulted
    findings = sorted((_finding(f, reference, consulted) for f in ordered if f.reportable),
                      key=lambda f: (f.tier, -(f.points or 0), f.chrom, f.pos, f.gene or ""))
    not_reported = [_finding(f, reference, consulted) for f in ordered if not f.reportable]
    not_a_prognosis = no_prognosis(ctx)
    for f in [*findings, *not_reported]:
        f.known_prognosis = _known_prognosis(f, not_a_prognosis, survival_model=ctx.clinical_case is not None)
        if f.key in ctx.unstated_zygosity:  # the phenopacket gave no allelic state: the '0/1' written was no call
            f.zygosity = "unknown"
            f.notes.append("The phenopacket gives no allelic state for this variant: it was read as heterozygous (0/1) "
                           "for the classification; its zygosity is unknown (confirm it from the sequencing data)")
    not_classified = [f for f in findings if f.tier == 0]
    findings = [f for f in findings if f.tier != 0]
    for f in findings:
        ctx.sources.update(f.sources)
    notes: list[str] = []
    if not_reported:
        notes.append(f"{len(not_reported)} variant(s) in panel genes lie outside coding sequence and splice regions "
                     "and carry no pathogenic evidence; they are not tiered (listed in report.json under "
                     "genetics.not_reported). Deep intronic and regulatory effects were not assessed.")
    if not_classified:
        notes.append(f"{len(not_classified)} variant(s) in coding or splice regions are not classified because their "
                     f"consequence is unknown (listed apart, not as VUS): {_unclassified_remedy(not_classified)}.")
    for f in findings:
        if f.clinvar_discordance:
            notes.append(f"{f.gene} {f.hgvs_p or f.hgvs_c or f.key}: {f.clinvar_discordance}")
    for ch in result.compound_heterozygous or []:
        notes.append(f"Possible compound heterozygosity in {ch.gene}: {', '.join(ch.variants)} ({ch.phase}). {ch.note}")
    if result.oligogenic.oligogenic:
        notes.append(result.oligogenic.note)
    reading = result.reading
    notes.append(f"{reading.records_read} records read, {reading.panel_records} in panel genes; "
                 f"{reading.filtered_out} filtered (FILTER not PASS), {reading.below_quality} below quality "
                 f"thresholds, {reading.no_call} no-calls"
                 + (f"; {reading.unfiltered_calls} call(s) kept with FILTER '.' (the caller's filters were not "
                    "applied: not PASS calls)" if reading.unfiltered_calls else "")
                 + ". Annotation: "
                 f"{', '.join(reading.annotation_sources) or 'none'}.")
    ctx.methods.append("Small variants: read with htslib (cyvcf2/pysam), restricted to the ALS gene panel of the "
                       "knowledge base, classified with ACMG/AMP 2015 criteria and ClinGen SVI refinements "
                       "(Bayesian points: ≥10 P, 6–9 LP, 0–5 VUS, −1 to −6 LB, ≤−7 B).")
    return GeneticsSection(status=AssessmentStatus(result.status), restriction=gene_restriction(inputs.genes), tiers=[
        Tier(number=n, label=lab, description=d, findings=[f for f in findings if f.tier == n]) for n, lab, d in TIERS],
        not_reported=not_reported, not_classified=not_classified, genes_assessed=list(result.genes_assessed),
        genes_not_covered=list(result.genes_not_covered),
        not_covered_reason=("; ".join(variants_model.not_covered_kinds(result.not_covered_reasons, many=False))
                            or (variants_model.NO_CALLABLE_EXON if result.reading.gvcf
                                else variants_model.NO_RECORD_ON_CHROMOSOME)),
        not_covered_reasons=dict(result.not_covered_reasons),
        genes_partly_covered=dict(result.genes_partly_covered),
        genes_with_structural_records=list(result.genes_with_structural_records),
        excluded_calls=list(result.excluded_calls), records_read=result.records_read, notes=notes)


def _full_hgvs_c(hgvs_c: str | None, transcript: str | None) -> str | None:
    """The c. expression with its reference sequence (``NM_000454.5:c.14C>T``), whichever way the source
    gave it (VEP's HGVSc and charcot's engine carry the transcript; some annotations give ``c.`` only)."""
    if not hgvs_c or ":" in hgvs_c or not transcript:
        return hgvs_c
    return f"{transcript}:{hgvs_c}"


def _repeat_call(raw: Any) -> RepeatCall:
    """charcot.repeats.model.LocusCall → report RepeatCall."""
    counts: list[int | None] = []
    bounds: list[int | None] = []
    cis: list[str] = []
    thresholds = None
    for a in raw.alleles:
        counts.append(a.size)
        bounds.append(a.at_least if a.lower_bound_only else None)
        if a.lower_bound_only:
            cis.append(f"≥{a.at_least}")
        elif a.ci_low is not None and a.ci_high is not None:
            cis.append(f"{a.ci_low}-{a.ci_high}")
        for c in a.classifications:
            if c.is_default:
                thresholds = f"{c.label}: {c.thresholds}"
    # an allele the caller did not call ('2/.': the repeat analysis's genotype '2/not called') is an allele of unknown
    # size, shown as '?' (a half-call read '2' as if one size were the genotype)
    uncalled = str(raw.genotype or "").split("/").count("not called")
    counts += [None] * uncalled
    bounds += [None] * uncalled
    return RepeatCall(
        locus=raw.locus_id, gene=raw.gene, repeat_unit=raw.display_motif, alleles=counts,
        at_least=bounds if any(b is not None for b in bounds) else [], confidence_intervals=cis,
        status=_text(raw.category) or "unknown", interpretation=raw.summary, thresholds=thresholds,
        filter=raw.filter, confidence=raw.confidence, recommendation=raw.recommendation,
        indeterminate_reason=raw.indeterminate_reason,
        genotype_findings=[f"{g.label}{' (unverified)' if g.unverified else ''}" for g in raw.genotype_findings],
        warnings=[*raw.warnings, *([raw.disagreement] if raw.sources_disagree and raw.disagreement else []),
                  *([raw.sex_note] if raw.sex_note else [])],
        sources=sorted({*raw.default_sources, *(s for a in raw.alleles for c in a.classifications for s in c.sources)}),
    )


_EXPANDED = ("pathogenic", "expanded_at_least_n", "reduced_penetrance")


def _repeats(ctx: _Ctx) -> RepeatsSection:
    inputs = ctx.inputs
    from charcot.repeats import api

    if inputs.str_vcf is None:
        na = api.not_assessed()
        ctx.not_assessed.extend(na.not_assessed)
        return RepeatsSection(status=AssessmentStatus.NOT_ASSESSED, notes=[na.summary])
    ctx.progress("assessing repeats")
    # The patient is the VCF's sample or the pedigree's proband: the file's sample must be one of them, unless the
    # user names the file's sample outright (--str-sample); another person's repeat sizes are refused (exit 2).
    # the file is read in its own build (its header or its repeat positions; --build when the user gave one): the
    # small-variant VCF's build is used only when the file cannot tell (it was forced on a GRCh37 file beside a GRCh38
    # VCF, and its loci read 'not assessed ... check --build', an option never given)
    result = api.assess_repeats(inputs.str_vcf, sample=inputs.str_sample, build=inputs.build, sex=ctx.genetic_sex,
                                fallback_build=(ctx.build, "the small-variant VCF's build") if ctx.build else None,
                                patient={"the small-variant VCF's sample": ctx.sample,
                                         "the pedigree's proband": inputs.proband},
                                # the repeat notes name where the sex was stated ('female (clinical record)')
                                sex_source="--sex" if ctx.sex_from == "command line" else ctx.sex_from)
    ctx.repeat_assessment = result
    ctx.str_sample = result.sample
    ctx.analyses["repeats"] = _jsonable(result)
    calls = [_repeat_call(c) for c in result.calls]
    for c in calls:
        ctx.sources.update(c.sources)
        if (c.gene or "").upper() == "C9ORF72":
            if c.status in _EXPANDED:
                ctx.c9_status = "expanded"
            elif c.status == "normal":
                ctx.c9_status = "normal"
    ctx.not_assessed.extend(result.not_assessed)
    notes = [*result.warnings]
    notes += [f"{c.gene} not assessed: {c.indeterminate_reason}." for c in result.calls if c.indeterminate_reason]
    repeat_build = _text(result.build)
    if ctx.build and repeat_build and repeat_build != ctx.build:
        notes.append(f"The repeat-caller file is on {repeat_build} (from its {result.build_source}), the small-variant VCF on "
                     f"{ctx.build}: each was read in its own build (repeat sizes do not depend on it); check that both "
                     "files are this patient's.")
    if ctx.sample and result.sample and ctx.sample != result.sample:
        notes.append(f"The repeat-caller file's sample ({result.sample}) is named differently from the "
                     f"small-variant VCF's ({ctx.sample}); it was attributed to this patient because --str-sample "
                     "named it: check both files belong to the same person.")
    ctx.methods.append("Repeat expansions: repeat-caller VCF read per knowledge-base locus; allele sizes compared "
                       "with cited thresholds (catalogues disagree, so every source's category is kept and the "
                       "default set is named).")
    from charcot.report.figures import repeat_figure

    figure = repeat_figure(calls, _repeat_loci())
    return RepeatsSection(status=AssessmentStatus(_text(result.status) or "assessed"), caller=result.caller,
                          calls=calls, notes=notes, plots=[figure] if figure is not None else [])


def _family(ctx: _Ctx, genes: list[str], keys: dict[str, list[str]] | None = None) -> FamilySection:
    from charcot.errors import CharcotError

    inputs = ctx.inputs
    if inputs.ped is None:
        ctx.not_assessed.append(NotAssessed(what="family history, segregation and relatives' risk",
                                            reason="no pedigree was given", how_to_assess="run with --ped and --proband"))
        return FamilySection(status=AssessmentStatus.NOT_ASSESSED, notes=["Not assessed: no pedigree was given."])
    from charcot.family import api

    pedigree = ctx.pedigree
    assert pedigree is not None  # read by build_report whenever --ped is given
    members = []
    # the VCF sample each member's genotypes are read from (None: not genotyped); a one-sample VCF is the proband's
    read_from = dict(ctx.join.samples) if ctx.join is not None and ctx.n_samples > 1 else \
        ({inputs.proband: ctx.sample} if inputs.proband and ctx.sample else {})
    for i in pedigree:
        # The ages file's status overrides the PED column, as it does for the risk model: one status per person.
        obs = ctx.observations.get(i.id)
        status = pedigree.status_of(i.id, ctx.observations)
        members.append(FamilyMember(
            id=i.id, sex=_text(i.sex), affected=_text(status) or "unknown", father=i.father, mother=i.mother,
            age=obs.model_age if obs is not None else None,
            deceased=(True if obs.is_deceased else obs.deceased) if obs is not None else None,
            death_age=obs.death_age if obs is not None else None, vcf_sample=read_from.get(i.id)))
    risks: list[RelativeRisk] = []
    patient_risk: list[RelativeRisk] = []  # the unaffected patient's own risk of onset (a presymptomatic carrier)
    # what the de novo / segregation evidence skipped (relatives who are not VCF samples, records not PASS)
    notes: list[str] = [*pedigree.notes, *(n[0].upper() + n[1:] + '.' for n in ctx.family_notes)]
    if ctx.join is not None and ctx.n_samples > 1 and (renamed := ctx.join.renamed()):
        # which sample is whose, when the names differ: the reader checks the link the family evidence rests on
        untyped = [i.id for i in pedigree if i.id not in read_from]
        notes.insert(0, "Genotypes read from VCF samples named otherwise than the pedigree: " + "; ".join(
            f"{i.id} from {renamed[i.id]} ({ctx.join.how[i.id]})" for i in pedigree if i.id in renamed)
            + (f". Not genotyped (no VCF sample): {', '.join(untyped)}" if untyped else "")
            + ". Confirm these links in the laboratory system.")
    assumptions: list[str] = []
    status = AssessmentStatus.ASSESSED
    if inputs.vcf is not None and ctx.n_samples <= 1:
        # without the relatives' genotypes there is no de novo or segregation evidence; say so (an empty list would
        # read as 'assessed, nothing found'): the section is partial, and the appendix lists it
        status = AssessmentStatus.PARTIAL
        notes.append("De novo (PS2/PM6) and co-segregation (PP1/BS4) evidence was not assessed: the VCF holds the "
                     "patient's genotypes only; it needs the parents and relatives in one multi-sample VCF.")
        ctx.not_assessed.append(NotAssessed(
            what="de novo (PS2/PM6) and co-segregation (PP1/BS4) evidence from the family",
            reason="the VCF holds the patient's genotypes only",
            how_to_assess="give the parents' and relatives' calls in one multi-sample VCF (joint calling) with --ped"))
    drawn: list[tuple[str, Any]] = []  # (gene, risk result); the first one is drawn on the pedigree
    if not genes:
        notes.append("No pathogenic or likely pathogenic variant or repeat expansion was found, so no genotype-based "
                     "risk for relatives is calculated. A family history of ALS still warrants genetic counselling.")
    for gene in genes:
        ctx.progress(f"relatives' risk ({gene})")
        # relatives genotyped in the VCF are tested: one carrier status per person in the section
        observations, genotype_notes, de_novo = api.with_vcf_genotypes(
            ctx.observations, ctx.family_genotypes, (keys or {}).get(gene, []), gene, inputs.proband, pedigree)
        notes.extend(genotype_notes)
        risk_pedigree = api.proband_as_founder(pedigree, inputs.proband) if de_novo and inputs.proband else pedigree
        try:
            result = api.relative_risks(risk_pedigree, gene, carrier=inputs.proband, horizon_years=10,
                                        observations=observations or None)
        except CharcotError as exc:
            status = AssessmentStatus.PARTIAL
            ctx.not_assessed.append(NotAssessed(what=f"relatives' risk for {gene}", reason=exc.message,
                                                how_to_assess=exc.hint))
            # the section says why it is partial, not only the appendix
            notes.append(f"Relatives' risk for {gene} not assessed: {exc.message}"
                         + (f" ({exc.hint})." if exc.hint else "."))
            continue
        ctx.analyses.setdefault("family", {})[gene] = _jsonable(result)
        drawn.append((gene, result))
        a = result.assumptions
        assumptions.append(f"{gene}: {a.method}; penetrance curve {a.curve_title or a.curve} ({a.curve_confidence}); "
                           f"non-penetrance {a.nonpenetrance:g} ({a.nonpenetrance_rationale}); phenocopy lifetime "
                           f"risk {a.phenocopy_lifetime_risk:g}; carrier frequency {a.carrier_frequency:g}.")
        assumptions.extend(a.caveats)
        ctx.sources.update(a.sources)
        for r in result.individuals:
            if r.id == inputs.proband:
                # an unaffected patient's own risk; with no age it is said as not assessed, never left out silently
                if _text(r.status) == "unaffected" and not r.deceased and (r.risk_next_years is not None
                                                                             or r.age is None):
                    patient_risk.append(RelativeRisk(
                        relative=r.id, gene=gene, status=_text(r.status), tested=_text(r.tested), age=r.age,
                        deceased=r.deceased, death_age=r.death_age, carrier_probability=r.p_carrier,
                        risk=r.risk_next_years, risk_lifetime=r.risk_lifetime, horizon_years=a.horizon_years,
                        basis=r.explanation, sources=list(a.sources)))
                continue
            risks.append(RelativeRisk(
                relative=r.id, gene=gene, status=_text(r.status), tested=_text(r.tested), age=r.age,
                deceased=r.deceased, death_age=r.death_age, carrier_probability=r.p_carrier, risk=r.risk_next_years, risk_lifetime=r.risk_lifetime,
                horizon_years=a.horizon_years, basis=r.explanation, sources=list(a.sources)))
    ctx.methods.append("Family: PED pedigree; carrier probabilities by exact peeling (Elston–Stewart/Lander–Green "
                       "style) conditioned on affection status and ages, with age-dependent penetrance from the "
                       "knowledge base; segregation (PP1/BS4) and de novo (PS2/PM6) evidence when relatives are "
                       "genotyped in the VCF.")
    from charcot.report.figures import pedigree_figure

    figure = pedigree_figure(pedigree, drawn[0][1] if drawn else None, inputs.proband, drawn[0][0] if drawn else None)
    return FamilySection(status=status, proband=inputs.proband, members=members, relatives_risk=risks,
                         patient_risk=patient_risk, assumptions=assumptions, segregation=ctx.segregation, notes=notes,
                         plots=[figure])


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _fmt_months(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} months"


def _clinical(ctx: _Ctx) -> ClinicalSection:
    from charcot.clinical.model import FvcKind

    inputs = ctx.inputs
    if ctx.clinical_case is None:
        charted = len(inputs.chart.visits) if inputs.chart is not None else 0
        if inputs.clinical is None and inputs.phenopacket is None:
            ctx.not_assessed.append(NotAssessed(what="clinical status (stage, progression, prognosis)",
                                                reason="no clinical record was given" + (
                                                    f" (the patient chart's {charted} visit(s) need the record's "
                                                    "onset and diagnosis to be assessed: they were not used)"
                                                    if charted else ""),
                                                how_to_assess="run with --clinical case.yaml"))
            return ClinicalSection(status=AssessmentStatus.NOT_ASSESSED,
                                   notes=["Not assessed: no clinical record was given."])
        reason = "the phenopacket has no clinical course (onset and visits); only its HPO terms were used"
        ctx.not_assessed.append(NotAssessed(what="clinical status (stage, progression, prognosis)", reason=reason,
                                            how_to_assess="give the clinical record with --clinical case.yaml"))
        return ClinicalSection(status=AssessmentStatus.NOT_ASSESSED, notes=[f"not assessed: {reason}"])
    ctx.progress("clinical assessment")
    if ctx.clinical_started is None:
        _start_clinical(ctx)
    assert ctx.clinical_started is not None
    case, a, error = ctx.clinical_started
    ctx.clinical_case = case
    if error is not None:
        raise error  # where it was always raised: after the genetics and family sections' own errors
    ctx.clinical_assessment = a
    ctx.analyses["clinical"] = _jsonable(a)
    m: list[Measure] = []
    m.append(Measure(name="Assessment date", value=a.today.isoformat(), detail=a.today_source.replace("_", " ")))
    m.append(Measure(name="Onset", value=f"{a.onset_date.isoformat()} ({_text(a.onset_region)})".replace("_", " "),
                     detail=f"{a.months_since_onset_today:.1f} months before the assessment date"))
    if a.alsfrs_r:
        last = a.alsfrs_r[-1]
        m.append(Measure(name="ALSFRS-R (latest)", value=f"{last.total}/48 on {last.date.isoformat()}",
                         detail=", ".join(f"{k.replace('_', ' ')} {v}" for k, v in last.domains_four.items())))
    if a.delta_fs_latest is not None:
        d = a.delta_fs_latest
        m.append(Measure(name="ΔFS (progression rate)", value=f"{d.value:.2f} points/month",
                         detail="; ".join(f"{c.scheme}: {c.label}" for c in d.categories), sources=list(d.sources)))
    for slope in a.slopes:
        m.append(Measure(name=f"ALSFRS-R slope ({slope.method.replace('_', ' ')})",
                         value=f"{slope.points_per_month:+.2f} points/month", detail=slope.description))
    k = a.kings_clinical
    m.append(Measure(name="King's stage (clinical)", value=k.stage, detail="; ".join(k.reasons), sources=list(k.sources)))
    if a.kings_alsfrs_r:
        e = a.kings_alsfrs_r[-1]
        m.append(Measure(name="King's stage (ALSFRS-R estimate)", value=e.stage, detail=e.date.isoformat(),
                         sources=list(e.sources)))
    if a.mitos:
        mi = a.mitos[-1]
        m.append(Measure(name="MiToS stage", value=str(mi.stage), detail=mi.date.isoformat(), sources=list(mi.sources)))
    enc = a.encals
    if enc.status == "assessed":
        cond = enc.conditional_median_months_from_today
        # the model's own checks (a median outside its fitted follow-up is an extrapolation, not a prediction) travel
        # with the number wherever it is told: page 1, the item, the clinical table
        flagged = f" ({'; '.join(enc.flags)})" if enc.flags else ""
        m.append(Measure(name="ENCALS survival model",
                         value=f"median {_fmt_months(enc.median_months_from_onset)} from onset{flagged}",
                         detail=(f"conditional median {_fmt_months(cond)} from the assessment date; outcome: {enc.outcome}; "
                                 f"confidence {enc.confidence}"
                                 # a caveat of the whole assessment (e.g. the onset imputation) is a section note
                                 + "".join(f"; {c}" for c in enc.caveats if c not in a.caveats)),
                         sources=list(enc.sources)))
    else:
        m.append(Measure(name="ENCALS survival model", value="not calculated",
                         detail="; ".join(enc.refusal_reasons), sources=list(enc.sources)))
    cog = a.cognition
    category = (cog.strong_category_recorded or cog.strong_category_derived) if cog is not None else None
    if cog is not None and (category is not None or cog.ftd is not None):
        # the category the record states (or its findings give), as `charcot clinical` prints it: ENCALS reads its FTD
        from charcot.clinical.cognition import STRONG_WORDS

        value = STRONG_WORDS[category] if category is not None else ("ALS-FTD" if cog.ftd else "no ALS-FTD recorded")
        how = ("recorded" if cog.strong_category_recorded is not None else
               "derived from the recorded findings" if category is not None else "the record's ftd flag")
        detail = [f"Strong 2017 category, {how}",
                  FTD_YES if cog.ftd else f"ALS-FTD: {'no' if cog.ftd is False else 'not known'}"]
        detail += [f"ECAS {e.score.replace('_', ' ')} {e.value} ({e.result}; abnormal at or below {e.cutoff})" for e in cog.ecas]
        detail += cog.caveats if cog.ecas else cog.caveats[1:]  # the first is the ECAS cut-offs' caveat
        m.append(Measure(name=COGNITION_MEASURE, value=value, detail="; ".join(detail), sources=list(cog.sources)))
    for c in a.criteria:
        m.append(Measure(name=c.name, value=c.category_title, detail="; ".join(c.reasons), sources=list(c.sources)))
    alerts = [al.message for al in a.care_alerts if al.status in ("criteria_met", "reminder")]
    for mm in m:
        ctx.sources.update(mm.sources)
    ctx.sources.update(a.sources)
    ctx.not_assessed.extend(a.not_assessed)
    visits = []
    for v in case.visits:
        slow = v.fvc_kind == FvcKind.SLOW
        origin = ctx.visit_origins.get(v.date)
        total = sum_alsfrs(v.alsfrs_r)
        visits.append(Visit(date=v.date, alsfrs_r=total if total is not None or origin is None else origin.alsfrs_r,
                            fvc_percent=None if slow else v.fvc_percent_predicted,
                            svc_percent=v.fvc_percent_predicted if slow else None, weight_kg=v.weight_kg,
                            alsfrs_r_items=v.alsfrs_r.model_dump(exclude_none=True) if v.alsfrs_r else None,
                            source=origin.source if origin else None, origin=origin.words if origin else None,
                            note=origin.note if origin else None))
    unscored = [d.isoformat() for d, o in sorted(ctx.visit_origins.items()) if o.note and o.alsfrs_r is not None
                and d <= a.today]
    if unscored:
        ctx.not_assessed.append(NotAssessed(
            what="ALSFRS-R of the patient chart's visits with a total only",
            reason=f"the visit(s) of {', '.join(unscored)} record an ALSFRS-R total without its 12 items: the "
                   "ALSFRS-R slope, ΔFS, D50, King's and MiToS read the items, so these totals were not used",
            how_to_assess="record the 12 ALSFRS-R items of those visits in the patient chart"))
    plots: list[Plot] = []
    if ctx.plots_pending is not None:  # started by _start_clinical; collected after the therapies (_build_report)
        ctx.progress("plots")
    ctx.methods.append("Clinical: ALSFRS-R totals and ΔFS (Kimura 2006), slopes, King's (clinical and ALSFRS-R "
                       "estimate) and MiToS staging, ENCALS survival model only within its stated domain, diagnostic "
                       "criteria and care alerts from the clinical record"
                       + (", with the patient chart's visits merged by date" if ctx.visit_origins else "") + ".")
    return ClinicalSection(status=AssessmentStatus.ASSESSED, measures=m, visits=visits, alerts=alerts, plots=plots,
                           notes=list(a.caveats))


def _start_clinical(ctx: _Ctx) -> None:
    """Assess the clinical record and start its plots as soon as the repeat genotype is known (issue 20): with a
    report helper process the plots are drawn while this process builds the identity, genetics and family sections,
    instead of while it waits. The assessment reads only the record, the repeat genotype and the assessment date.
    An exception is kept and raised where the clinical section is built, so a run with several bad inputs reports
    the same one as before."""
    if ctx.clinical_case is None:
        return
    from charcot.clinical import api

    case = repeat_genotype(ctx.clinical_case, ctx.repeat_assessment)
    recorded = _text(case.genotype.c9orf72_status)
    if ctx.c9_status is not None and recorded in ("expanded", "normal") and recorded != ctx.c9_status:
        # two results for one locus of one patient: said in the report's words (the caller's file, the record)
        ctx.clinical_started = (case, None, InputError(
            f"the repeat-caller file gives C9orf72 {ctx.c9_status}, but the clinical record states "
            f"genotype.c9orf72_status: {recorded}", path=ctx.inputs.clinical or ctx.inputs.phenopacket,
            hint="check that both belong to this patient; then correct the record, or leave its c9orf72_status out "
                 "to use the caller's result"))
        return
    try:
        a = api.assess(case, today=ctx.inputs.as_of, c9orf72_status=ctx.c9_status)
    except Exception as exc:
        ctx.clinical_started = (case, None, exc)
        return
    ctx.clinical_started = (case, a, None)
    if hasattr(api, "render_plots"):
        ctx.plots_pending = _start_plots(case, a)


def _start_plots(case: Any, a: Any) -> Callable[[bool], list[Plot]]:
    """Start drawing the clinical plots (in the report helper process when one runs, issue 20: the therapies are
    matched meanwhile) and return a function that waits for them (True) or, after a failure, only cleans up
    (False)."""
    from charcot.report.helper import start_plots

    tmp = tempfile.TemporaryDirectory(prefix="charcot-plots-")
    try:
        paths_of = start_plots(case, a, Path(tmp.name))
    except BaseException:
        tmp.cleanup()
        raise

    def finish(wait: bool) -> list[Plot]:
        try:
            if not wait:
                return []
            with _PLOT_LOCK:  # drawn here when no helper runs: matplotlib is not thread-safe (web app)
                paths = paths_of() or {}
            plots = []
            for name in sorted(paths):
                title = name.replace("_", " ").capitalize()
                plots.append(Plot(title=title, data_uri=_data_uri(Path(paths[name])), alt=title,
                                  caption=_plot_caption(name, a)))
            return plots
        finally:
            tmp.cleanup()

    return finish


def _plot_caption(name: str, a: Any) -> str:
    """What a clinical plot shows, in words (the plot names come from charcot.clinical.plots)."""
    if "alsfrs" in name:
        text = "ALSFRS-R total score (0-48, higher is better) at each visit"
        fit = a.d50
        if fit is not None:
            text += (f", with the D50 model fit: half of the functional score is predicted to be lost "
                     f"{fit.d50_months:.1f} months after onset")
        return text + "."
    if "encals" in name or "survival" in name:
        flags = list(a.encals.flags)  # the model's own checks travel with the figure, as with the numbers
        return ("ENCALS model: predicted probability of being alive without tracheostomy or non-invasive ventilation "
                "for more than 23 hours a day, by months since onset, with the assessment date marked. The model "
                "was built on population cohorts and, of the genotype, takes only the C9orf72 repeat status into "
                "account: some genotypes (for example SOD1 A4V) progress faster than it predicts."
                + (" The model's own check: " + "; ".join(flags) + "." if flags else ""))
    return name.replace("_", " ")


def repeat_genotype(case: Any, repeats: Any) -> Any:
    """The clinical record's repeat genotype filled from the repeat-caller result, so care alerts, mimics and
    prognosis read the same C9orf72/AR status as the repeat section (a status the record already gives wins;
    a contradiction is reported by the clinical API)."""
    from charcot.clinical.model import C9orf72Status

    if repeats is None or not repeats.calls:
        return case
    update: dict[str, C9orf72Status] = {}
    for field_name, locus in (("c9orf72_status", "C9ORF72"), ("ar_cag_status", "AR")):
        call = repeats.call(locus)
        if call is None or getattr(case.genotype, field_name) is not C9orf72Status.NOT_ASSESSED:
            continue
        category = _text(call.category)
        if category in _EXPANDED:
            update[field_name] = C9orf72Status.EXPANDED
        elif category in ("normal", "intermediate", "risk_allele"):
            update[field_name] = C9orf72Status.NORMAL
    if not update:
        return case
    return case.model_copy(update={"genotype": case.genotype.model_copy(update=update)})


def sum_alsfrs(scores: Any) -> int | None:
    if scores is None:
        return None
    from charcot.clinical.alsfrs import total

    return int(total(scores))


def _eligibility(m: Any, region: str | None) -> tuple[str, str, str]:
    """(group, display verdict, one-line eligibility) of a ``TherapyMatch`` from its criteria (typed). Only blocking
    criteria decide, as in the engine's verdict (``therapy.criteria.combine``); a failed advisory one (the pivotal
    trial's population, not the label's) keeps the item for the clinician to decide and is named in the line."""
    failed = [c for c in m.criteria if _text(c.status) == "failed" and c.blocking]
    advisory = [c for c in m.criteria if _text(c.status) == "failed" and not c.blocking]
    unknown = [c for c in m.criteria if _text(c.status) in ("unknown", "review") and c.blocking]
    avail = [c for c in m.criteria if c.id == "approved_in_region"]
    region_unknown = region is None and any(_text(c.status) == "unknown" for c in avail)
    verdict = _text(m.verdict) or "unknown"

    def names(cs: list[Any]) -> str:
        return "; ".join(c.description + (f" ({c.reason})" if c.reason else "") for c in cs)

    outside = f"; advisory criterion not met (the label does not require it): {names(advisory)}" if advisory else ""

    if verdict == "already_receiving":  # the clinical record's current treatment: never one to start
        return "receiving", verdict, (_text(m.summary) or "").removeprefix("already receiving: ")
    if m.kind == "trial" and m.open_to_new_participants is False:
        status = (m.trial_status or "closed").replace("_", " ")
        line = f"not recruiting ({status}" + (f" as of {m.trial_status_as_of}" if m.trial_status_as_of else "") + ")"
        if failed:
            line += f"; would also not meet: {names(failed)}"
        return "not_now", "not_recruiting", line
    if failed:
        return "not_now", "not_eligible", f"criterion not met: {names(failed)}{outside}"
    if region_unknown and not [c for c in unknown if c.id != "approved_in_region"]:
        approved = [r.region for r in m.regions if r.available]
        if not approved:
            return "not_now", "not_eligible", "not available: not approved for ALS in any region on record"
        where = f"approved in {', '.join(approved)} (the patient's region was not given)"
        if advisory:
            return "check", "eligible_where_approved", f"meets every required criterion; {where}{outside}"
        return "now", "eligible_where_approved", f"meets every clinical criterion; {where}"
    if unknown:
        return "check", verdict, f"to check: {names(unknown)}{outside}"
    if verdict == "eligible":
        line = "meets every required criterion" + outside if advisory else "meets every checked criterion"
        if m.kind == "trial" and m.open_to_new_participants is None:
            line += "; recruitment not confirmed: check the registry"
        return ("check" if advisory else "now"), verdict, line
    return "check", verdict, _text(m.summary) or verdict.replace("_", " ")


def _therapies(ctx: _Ctx, genetics: GeneticsSection, repeats: RepeatsSection) -> TherapySection:
    from charcot.therapy import api, model
    ctx.progress("therapies and trials")
    dead = api.deceased_note(ctx.clinical_case) if ctx.clinical_case is not None else None
    own = _own_observation(ctx)
    if not dead and own is not None and own.is_deceased:  # the ages file's (or a phenopacket family's) death
        dead = (f"the patient {deceased_words(own.death_age)} (pedigree ages file): therapies and trials are not "
                "matched for a deceased patient")
    if dead:
        return TherapySection(status=AssessmentStatus.NOT_ASSESSED, notes=[dead[0].upper() + dead[1:] + "."],
                              record_treatments=_record_treatments(ctx, ctx.inputs.as_of or _assessment_date(ctx)))
    facts = patient_facts(ctx, genetics, repeats, model)
    result = api.match(facts, region=ctx.inputs.region, as_of=ctx.inputs.as_of or _assessment_date(ctx))
    ctx.analyses["therapy"] = _jsonable(result)
    items: list[TherapyItem] = []
    hidden = 0
    for m in [*result.therapies, *result.trials]:
        if not m.relevant:
            hidden += 1
            continue
        criteria = [Criterion(text=f"{c.description}: {c.reason}" if c.reason else c.description,
                              state=_text(c.status) or "unknown", blocking=c.blocking) for c in m.criteria]
        regional = [r for r in m.regions if result.region is None or r.region == result.region]
        reg = "; ".join(f"{r.region}: {r.status}".replace("_", " ") + (f" ({r.date})" if r.date else "")
                        for r in regional) or None
        notes = [*m.notes]
        if m.trial_status:
            notes.insert(0, f"Trial status: {(m.trial_status or 'unknown').replace('_', ' ')}" + (f" as of {m.trial_status_as_of}" if m.trial_status_as_of else "")
                         + ("" if m.open_to_new_participants is None else
                            ("; open to new participants" if m.open_to_new_participants else "; not recruiting")))
        group, verdict, line = _eligibility(m, result.region)
        # the summary says the report's one verdict (the engine's own summary, e.g. 'cannot decide: missing country
        # or region' for a therapy shown as eligible where approved, stays in analyses.therapy)
        item = TherapyItem(name=m.name, kind=m.kind, verdict=verdict, relevant=m.relevant,
                           summary=f"{verdict.replace('_', ' ')}: {line}", regulatory_status=reg, criteria=criteria, notes=notes,
                           open_to_new_participants=m.open_to_new_participants if m.kind == "trial" else None,
                           group=group, eligibility=line, approved_in=[r.region for r in m.regions if r.available],
                           previously_received=(f"previously received, stopped on {stopped.isoformat()}"
                                                if (stopped := m.previously_stopped) is not None else None),
                           receiving=m.receiving_since if m.kind == "therapy" else None,
                           sources=sorted({*m.sources, *(s for c in m.criteria for s in c.sources)}))
        ctx.sources.update(item.sources)
        items.append(item)
    order = {"receiving": 0, "now": 1, "check": 2, "not_now": 3}
    items.sort(key=lambda t: (order.get(t.group, 4), t.kind != "therapy"))
    notes = [result.status_statement, *result.treatment_notes, *result.gene_notes]
    waits = no_diagnosis_note(facts, result)
    if waits:  # said first: page 1 reads it from here
        notes.insert(0, waits)
    if result.not_assessed:
        notes.append("Facts the matching could not check: " + "; ".join(result.not_assessed) + ".")
    if result.region is None:
        notes.insert(0, "The patient's country or jurisdiction was not given (--jurisdiction, --country, the configuration "
                        "or the clinical record's 'country'): "
                        "approvals are shown for every region on record.")
    differs = result.jurisdiction_differs  # the engine's sentence: said first in the section and on page 1
    if differs:
        notes.insert(0, differs)
    # the therapies the record says the patient receives on the matching date, read from the record itself (not from
    # the verdicts): the consistency check refuses a report offering one of them
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.therapies import Record as TherapyRecord
    from charcot.therapy.matching import treatments_on

    known = get_knowledge().typed("therapies", TherapyRecord)
    on_record, _, _, _ = treatments_on(facts.clinical.treatments, known, result.as_of)
    receiving = [t.name for t in known if t.id in on_record]
    return TherapySection(status=AssessmentStatus.ASSESSED, region=result.region, as_of=result.as_of, items=items,
                          not_shown=hidden, receiving=receiving, record_treatments=_record_treatments(ctx, result.as_of),
                          jurisdiction_differs=differs, notes=[n for n in notes if n])


def _record_treatments(ctx: _Ctx, as_of: date | None) -> list[RecordedTreatment]:
    """Each treatment the clinical record states, as written, with the knowledge base's therapies it names, its
    recorded dates and its state on the matching date (the rule of ``therapy.matching.treatments_on``; without a
    matching date, the record's own stop date decides). The exports carry these."""
    if ctx.clinical_case is None or not ctx.clinical_case.treatments:
        return []
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.therapies import Record as TherapyRecord
    from charcot.therapy.matching import resolve_treatment

    known = get_knowledge().typed("therapies", TherapyRecord)
    out = []
    for t in ctx.clinical_case.treatments:
        found = resolve_treatment(t.therapy, known)
        if as_of is not None and t.started is not None and t.started > as_of:
            state = "not_started"
        elif t.stopped is not None and (as_of is None or t.stopped <= as_of):
            state = "stopped"
        else:
            state = "receiving"
        out.append(RecordedTreatment(written=t.therapy, therapies=[f.id for f in found], names=[f.name for f in found],
                                     started=t.started, stopped=t.stopped, state=state))
    return out


#: The start of the therapy section's note (and page 1's words) when the label criterion on clinically manifest ALS
#: waits for a diagnosis the inputs do not record.
NO_DIAGNOSIS = "No ALS diagnosis is on record"


def no_diagnosis_note(facts: Any, result: Any) -> str | None:
    """Why the criteria on clinically manifest ALS are not decided, and what to add, when no ALS diagnosis is on
    record: the patient is affected by the pedigree's word only, or the clinical record dates no diagnosis by the
    matching date. None when no relevant therapy or trial waits for it."""
    from charcot.therapy.criteria import DIAGNOSIS_MISSING, RECORD_DIAGNOSIS_MISSING

    waiting = any(c.missing in (DIAGNOSIS_MISSING, RECORD_DIAGNOSIS_MISSING)
                  for m in [*result.therapies, *result.trials] if m.relevant for c in m.criteria)
    clin = facts.clinical
    if not waiting:
        return None
    if clin.affected is None and clin.pedigree_affected is True:
        return (f"{NO_DIAGNOSIS} (affected according to the pedigree only, which is not a clinical diagnosis): "
                "therapies and trials that need clinically manifest ALS are not decided; add the clinical record "
                "with the ALS diagnosis date.")
    if clin.affected is True and clin.als_diagnosed is False:
        return (f"{NO_DIAGNOSIS} by the matching date {result.as_of.isoformat()} (the clinical record dates symptoms, "
                "no diagnosis): therapies and trials that need clinically manifest ALS are not decided; add "
                "the diagnosis date to the clinical record once it is made.")
    return None


def _own_observation(ctx: _Ctx) -> Any:
    """What the pedigree's ages file (or phenopacket family) records of the patient (age, status, death), or None."""
    return ctx.observations.get(ctx.inputs.proband or "") if ctx.pedigree is not None else None


def _assessment_date(ctx: _Ctx) -> date | None:
    a = ctx.clinical_assessment
    return a.today if a is not None else None


def _record_genetics(ctx: _Ctx, genetics: GeneticsSection, repeats: RepeatsSection) -> None:
    """The genetic results the clinical record states (an outside laboratory's), where the data given could not
    speak for them: a repeat status for a locus without a caller's call (or with an indeterminate one), the
    small-variant findings (each said with whether the VCF was assessed for its gene). Every section then says
    the same: page 1, the repeat item and the therapy matching read them from here."""
    record = ctx.clinical_case.genotype if ctx.clinical_case is not None else None
    if record is None:
        return
    called = {(c.gene or c.locus).upper() for c in repeats.calls if c.status != "indeterminate"}
    for gene, status in (("C9orf72", record.c9orf72_status), ("AR", record.ar_cag_status)):
        if _text(status) in ("expanded", "normal") and gene.upper() not in called:
            repeats.record_statuses[gene] = str(_text(status))
    assessed = {g.upper() for g in genetics.genes_assessed}
    for f in record.findings:
        where = ("the VCF was assessed for this gene too: compare the two" if f.gene.upper() in assessed
                 else "not assessed by charcot from data")
        genetics.record_findings.append(RecordFinding(
            gene=f.gene, variant=f.variant, classification=str(_text(f.classification)),
            text=f"{f.gene} {f.variant}: {_text(f.classification)} (clinical record, a laboratory result; {where})"))


def patient_facts(ctx: _Ctx, genetics: GeneticsSection, repeats: RepeatsSection, model: Any) -> Any:
    """Adapter: genetic + clinical results → ``charcot.therapy.model.PatientFacts``."""
    from charcot.model import AcmgClass

    gene_findings = []
    for t in genetics.tiers:
        for f in t.findings:
            if f.gene and f.classification and t.number in (1, 2):
                gene_findings.append(model.GeneFinding(
                    gene=f.gene, classification=AcmgClass(f.classification), hgvs_p=f.hgvs_p, hgvs_c=f.hgvs_c,
                    variant_key=f"{ctx.build}:{f.key.replace('-', ':')}" if ctx.build else None, zygosity=f.zygosity))
    repeat_status: dict[str, Any] = {}
    if repeats.status != AssessmentStatus.NOT_ASSESSED:
        for c in repeats.calls:
            if not c.gene:
                continue
            if c.status in _EXPANDED:
                repeat_status[c.gene] = model.RepeatStatus.EXPANDED
            elif c.status in ("intermediate", "risk_allele"):
                repeat_status[c.gene] = model.RepeatStatus.INTERMEDIATE
            elif c.status == "normal":
                repeat_status[c.gene] = model.RepeatStatus.NORMAL
    for gene, stated in repeats.record_statuses.items():  # the clinical record's laboratory result, where no call
        repeat_status.setdefault(gene, model.RepeatStatus(stated))
    record = ctx.clinical_case.genotype if ctx.clinical_case is not None else None
    if record is not None:  # the record's findings in genes the VCF did not assess, as 'charcot therapies' reads them
        from charcot.therapy.api import record_findings

        assessed = {g.upper() for g in genetics.genes_assessed}
        gene_findings += [f for f in record_findings(record) if f.gene.upper() not in assessed]
    tested = genetics.status != AssessmentStatus.NOT_ASSESSED
    genotype = model.Genotype(
        findings=gene_findings, repeats=repeat_status,
        genetic_testing_done=tested or None,
        # the genes the VCF was assessed for, never 'every gene' (None) for want of a list
        genes_tested=list(genetics.genes_assessed) if tested else None,
        # a gene assessed in part (no-call records, a part outside the records' span, calls left out): a variant may
        # lie where it was not assessed, so its criteria are not 'no variant found'
        genes_partly_tested=dict(genetics.genes_partly_covered),
        # a coding or splice-region call left out (FILTER, GQ/DP) is not classified either: its gene's criteria wait
        unclassified_genes=sorted({f.gene for f in genetics.not_classified if f.gene}
                                  | {ex.gene for ex in genetics.excluded_calls if ex.coding_or_splice}))
    # jurisdiction: --jurisdiction (or the configured default), else --country, else the clinical record's country
    record_country = ctx.clinical_case.country if ctx.clinical_case is not None else None
    clinical: dict[str, Any] = {"region": ctx.inputs.region,
                                "country": (ctx.inputs.country or record_country or "").upper() or None}
    sex = (ctx.sex or "").lower()
    if sex in ("female", "male", "other"):
        clinical["sex"] = sex
    case, a = ctx.clinical_case, ctx.clinical_assessment
    if ctx.ped_affected is not None:
        # the pedigree's status: 'unaffected' is a presymptomatic person's; 'affected' is no clinical diagnosis (it
        # may record FTD, another motor neuron disease or a reported status), so it never makes the patient
        # 'clinically manifest ALS' for a label: the criterion waits for a record with the diagnosis
        clinical["pedigree_affected"] = ctx.ped_affected
        if ctx.ped_affected is False:
            clinical["affected"] = False
    if case is None and ctx.ped_affected is not False and phenopacket_als(ctx):
        # an input phenopacket's disease (without a clinical course) is a diagnosis on record
        clinical.update(affected=True, als_diagnosed=True)
    own = _own_observation(ctx)
    if case is None and own is not None and own.age is not None and not own.is_deceased:
        # no clinical record: the patient's age is the ages file's, the one the family section shows and computes with
        clinical["age"] = own.age
    if case is not None and a is not None:
        from charcot.therapy.api import clinical_facts

        clinical.update(clinical_facts(case, a))
    return model.PatientFacts(id=ctx.patient_id, genotype=genotype, clinical=model.Clinical(**clinical))


# --------------------------------------------------------------------------- assembly
def _repeat_loci() -> list[Any]:
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.repeats import Record as Locus

    return get_knowledge().typed("repeats", Locus)


def _alleles_text(c: RepeatCall) -> str:
    return c.sizes_text()


def _caller_flag(c: RepeatCall) -> str:
    """The caller's own FILTER flag on a call, said wherever the call is told (never a flagged call told plainly)."""
    return (f" (the caller flagged this call: FILTER={c.filter}; {c.confidence or 'low'} confidence)"
            if c.filter not in (None, "", "PASS", ".") else "")


def repeat_line(c: RepeatCall) -> str:
    """One short line per locus: sizes and the category under charcot's default thresholds."""
    ranges = c.thresholds.split(": ", 1)[-1] if c.thresholds else None
    # a finding about both alleles (bi-allelic intermediate ATXN2) is why the status is not the alleles' own
    why = f": {'; '.join(c.genotype_findings)}" if c.genotype_findings else ""
    return f"{c.gene or c.locus} {_alleles_text(c)} repeats: {c.status_words()}{why}" + (
        f" (default thresholds {ranges})" if ranges and c.status != "normal" else "") + _caller_flag(c)


def _items(genetics: GeneticsSection, repeats: RepeatsSection, clinical: ClinicalSection,
           therapies: TherapySection, identity: IdentitySection, not_assessed: list[NotAssessed]) -> list[Item]:
    """The one status of every analysed item; the summary, the sections' badges and the JSON read these."""
    from charcot.variants.model import (
        EXCLUDED_CALLS_PREFIX,
        NO_CALL_SITES_PREFIX,
        OUTSIDE_SPAN_PREFIX,
        partly_parts,
    )

    items: list[Item] = []
    # genes: one item per gene of the panel that was read
    by_gene: dict[str, list[VariantFinding]] = {}
    for f in [*(f for t in genetics.tiers for f in t.findings), *genetics.not_classified]:
        if f.gene:
            by_gene.setdefault(f.gene, []).append(f)
    if genetics.status == AssessmentStatus.NOT_ASSESSED:
        items.append(Item(key="gene:panel", kind="gene", name="ALS gene panel (small variants)",
                          status=ItemState.NOT_ASSESSED,
                          reason=f"no panel gene could be assessed: {'; '.join(genetics.not_covered_kinds)}"
                          if genetics.genes_not_covered else "no small-variant VCF"))
    for gene in sorted(set(genetics.genes_assessed)):
        found = by_gene.get(gene, [])
        result = "; ".join(f"{f.hgvs_p or f.hgvs_c or f.key}: {f.classification or 'not classified'}" for f in found)
        part = genetics.genes_partly_covered.get(gene)
        kinds = partly_parts(part) if part is not None else {}
        result = result or ("no reportable variant among the calls kept" if EXCLUDED_CALLS_PREFIX in kinds
                            else "no reportable variant")
        if gene in genetics.genes_with_structural_records:
            result += "; a structural-variant record overlaps the gene and was not interpreted (see not assessed)"
        if kinds:
            if OUTSIDE_SPAN_PREFIX in kinds:
                result += ("; the VCF's records end inside the gene: its part outside them was not assessed "
                           "(see not assessed)")
            if NO_CALL_SITES_PREFIX in kinds:
                result += "; the sample has a no-call at some of its records: those positions were not assessed " \
                          "(see not assessed)"
            if EXCLUDED_CALLS_PREFIX in kinds:
                result += ("; a call of the sample was left out (its FILTER, the GQ/DP thresholds or a half-call): not classified, "
                           "that position was not assessed (see not assessed)")
        items.append(Item(key=f"gene:{gene}", kind="gene", name=gene, status=ItemState.ASSESSED, result=result))
    for gene in sorted(set(genetics.genes_not_covered)):
        items.append(Item(key=f"gene:{gene}", kind="gene", name=gene, status=ItemState.NOT_ASSESSED,
                          reason=genetics.not_covered_reasons.get(gene, genetics.not_covered_reason)))
    if genetics.restriction is not None:  # genes left out by --genes/--panel/--bed: not assessed, never 'no variant'
        for gene in genetics.restriction.not_assessed:
            items.append(Item(key=f"gene:{gene}", kind="gene", name=gene, status=ItemState.NOT_ASSESSED,
                              reason=genetics.restriction.reason))
    # repeat loci of the knowledge base
    calls = {(c.gene or c.locus).upper(): c for c in repeats.calls}
    reasons = {n.what.split()[0].upper(): n.reason for n in not_assessed}
    for locus in _repeat_loci():
        gene = locus.gene
        call = calls.get(gene.upper())
        if call is not None and call.status != "indeterminate":
            items.append(Item(key=f"repeat:{gene}", kind="repeat", name=gene, status=ItemState.ASSESSED,
                              result=repeat_line(call)))
        else:
            reason = (f"indeterminate: {call.indeterminate_reason or 'see the repeat section'}" if call is not None else
                      reasons.get(gene.upper()) or (repeats.notes[0] if repeats.notes else "no call for this locus"))
            if gene in repeats.record_statuses:
                reason += (f"; the clinical record gives {gene} {repeats.record_statuses[gene]} (a laboratory result, "
                           "used for the prognosis and the therapy matching)")
            items.append(Item(key=f"repeat:{gene}", kind="repeat", name=gene, status=ItemState.NOT_ASSESSED,
                              reason=reason))
    # clinical scores
    if clinical.status == AssessmentStatus.NOT_ASSESSED:
        items.append(Item(key="score:clinical", kind="score", name="clinical status (stage, progression, prognosis)",
                          status=ItemState.NOT_ASSESSED, reason=clinical.notes[0] if clinical.notes else
                          "no clinical record"))
    for m in clinical.measures:
        if m.name in ("Assessment date", "Onset"):
            continue
        calculated = m.value not in ("not calculated", "None", "")
        items.append(Item(key=f"score:{m.name}", kind="score", name=m.name,
                          status=ItemState.ASSESSED if calculated else ItemState.NOT_ASSESSED,
                          result=m.value if calculated else None, reason=None if calculated else m.detail))
    # therapies and trials
    for th in therapies.items:
        items.append(Item(key=f"{th.kind}:{th.name}", kind=th.kind, name=th.name, status=ItemState.ASSESSED,
                          result=th.eligibility))
    # identity checks
    for c in identity.checks:
        items.append(Item(key=f"check:{c.check}", kind="check", name=c.check,
                          status=ItemState.NOT_ASSESSED if c.status == "not_assessed" else ItemState.ASSESSED,
                          result=None if c.status == "not_assessed" else f"{c.status}: {c.detail}",
                          reason=c.detail if c.status == "not_assessed" else None))
    seen: dict[str, Item] = {}
    for it in items:
        seen.setdefault(it.key, it)
    return list(seen.values())


# what the survival model takes of the genotype, said after a genotype's known course (and left out on page 1, whose
# prognosis line says it once)
_SURVIVAL_GENOTYPE = "The survival model takes no genotype other than the C9orf72 repeat status into account."


# a known course told for a patient who has no prognosis (a presymptomatic carrier, a patient who has died): the course
# of the disease in carriers who developed it, never the patient's prognosis (page 1 and the checker read these words)
NO_PROGNOSIS = "No prognosis: the patient"
NOT_THE_PATIENTS = "not a prognosis for the patient"
_WHY_NONE = " The patient "  # where the card's closing sentence (said once, first, on page 1) begins


def _known_prognosis(f: VariantFinding, not_a_prognosis: str | None = None, *,
                     survival_model: bool = True) -> str | None:
    """The knowledge base's prognosis note for an exactly matched known variant (cited), if any. For a patient with
    no prognosis (``not_a_prognosis``: why, e.g. 'is unaffected') it is said as the course after onset in carriers
    who developed ALS; the survival model's reach is said only where a survival model could run."""
    if not f.known_variant_id:
        return None
    rec = _known_record(f.known_variant_id)
    if rec is None or not rec.prognosis:
        return None
    name = f"{rec.gene} {rec.hgvs_p}" + (f" ({rec.legacy_name})" if rec.legacy_name else "")
    course = f"{rec.prognosis.rstrip('.')} [{', '.join(rec.sources)}]"
    if not_a_prognosis:
        return (f"In carriers who developed ALS, {name} is known for its course: {course}.{_WHY_NONE}{not_a_prognosis}: "
                f"this is the course after onset, {NOT_THE_PATIENTS}"
                + (", whose onset, if any, it does not predict (penetrance is incomplete and age-dependent)."
                   if not_a_prognosis.startswith("is unaffected") else "."))
    return f"{name} is known for its course: {course}." + (" " + _SURVIVAL_GENOTYPE if survival_model else "")


def no_prognosis(ctx: _Ctx) -> str | None:
    """Why the patient has no prognosis, on the pedigree's word when no clinical record describes a disease course
    (a record always has an onset and dates a death itself; one beside an unaffected pedigree status is an identity
    mismatch, and its course is read): 'is unaffected (pedigree)' (a presymptomatic carrier), 'died at N (pedigree
    ages file)', 'is affected according to the pedigree, with no ALS diagnosis on record' (no onset or diagnosis
    dated: the course after onset is not the patient's prognosis); None otherwise."""
    if ctx.clinical_case is not None:
        return None
    own = _own_observation(ctx)
    if own is not None and own.is_deceased:
        return f"{deceased_words(own.death_age)} (pedigree ages file)"
    if ctx.ped_affected is True and not phenopacket_als(ctx):  # the pedigree's word is no diagnosis, nor an onset
        return "is affected according to the pedigree, with no ALS diagnosis on record"
    return "is unaffected (pedigree)" if ctx.ped_affected is False else None


NOT_CLASSIFIED_QUALIFIER = "among the variants classified"


def _unclassified_remedy(findings: Sequence[VariantFinding]) -> str:
    """What to do about variants not classified, in the words their own reasons allow: an annotated VCF whose entry
    was refused (an unknown term, an annotator's error, another isoform only) is never told to 'annotate the VCF'."""
    from charcot.variants.api import REFUSED_PREFIX

    refused = [f for f in findings if (f.not_classified or "").startswith(REFUSED_PREFIX)]
    if not refused:
        return ("annotate the VCF (VEP/SnpEff) or give the reference FASTA and transcript models (or a resource "
                "bundle), and re-run")
    return ("the VCF's annotation could not be used for " + ("them" if len(refused) == len(findings) else
                                                            f"{len(refused)} of them")
            + " (each variant's reason under Genetic findings): re-annotate on the reference transcript "
              "(VEP --mane_select) or give the reference FASTA and transcript models, and re-run")


def kept_calls(genetics: GeneticsSection) -> int:
    """The sample's variant calls the run kept in the panel genes (tiered, not classified, or not reported): the calls
    page 1's 'no pathogenic variant' speaks of."""
    return sum(len(t.findings) for t in genetics.tiers) + len(genetics.not_classified) + len(genetics.not_reported)


def finding_line(f: VariantFinding) -> str:
    """Gene, HGVS (as annotated; never guessed), class and zygosity on one line."""
    c_name = f.hgvs_c
    hgvs = " ".join(x for x in (c_name, f.hgvs_p) if x)
    if not hgvs:
        hgvs = f"{f.chrom}-{f.pos}-{f.ref}-{f.alt} (HGVS not annotated"
        hgvs += f"; knowledge base: {f.known_variant_name})" if f.known_variant_name else ")"
    zygosity = f.zygosity if f.zygosity not in (None, "", "unknown") else "zygosity unknown"  # never a bare 'unknown'
    line = f"{f.gene or 'intergenic'} {hgvs}: {f.classification or 'not classified'}, {zygosity}"
    if f.risk_allele:
        line += f"; {f.risk_allele} (ALS risk, low penetrance; not a Mendelian cause)"
    if f.inheritance and f.inheritance_consistent is not True and f.zygosity not in (None, "unknown"):
        # a carrier of a recessive disease variant, or a genotype that does not fit the sex, is not an explanation
        line += f" ({f.inheritance})"
    if f.allele_balance_flag:
        line += f"; {f.allele_balance_flag}"
    if f.call_quality_flag:
        line += f"; {f.call_quality_flag}"
    return line


def _summary(genetics: GeneticsSection, repeats: RepeatsSection, family: FamilySection, clinical: ClinicalSection,
             therapies: TherapySection, items: list[Item], identity: IdentitySection) -> list[SummaryItem]:
    """Page 1's key findings, one line each, read from the sections and the item statuses."""
    from charcot.variants.model import (
        EXCLUDED_CALLS_PREFIX,
        NO_CALL_SITES_PREFIX,
        OUTSIDE_SPAN_PREFIX,
        partly_parts,
    )

    out: list[SummaryItem] = []
    if identity.status == "mismatch":
        for c in identity.checks:
            if c.status == "mismatch":
                out.append(SummaryItem(topic="Identity", level="alert", text=f"{c.check}: {c.detail}"))
    elif identity.status == "pass":
        passed = [c.check.replace("sample name: ", "") for c in identity.checks if c.status == "pass"]
        out.append(SummaryItem(topic="Identity checks", text="consistent: " + "; ".join(passed) + "."))
    tier1 = [f for t in genetics.tiers if t.number == 1 for f in t.findings]
    tier2 = [f for t in genetics.tiers if t.number == 2 for f in t.findings]
    if genetics.restriction is not None:  # first: every genetics line below speaks of the genes analysed only
        out.append(SummaryItem(topic="Genetics", level="caution", text=genetics.restriction.statement))
    if genetics.status == AssessmentStatus.NOT_ASSESSED:
        # records_read is set whenever a VCF was read: a VCF given but no gene assessable in it is not "no VCF"
        out.append(SummaryItem(topic="Genetics", level="caution", text=(
            "Small variants not assessed (no VCF)." if genetics.records_read is None else
            "Small variants not assessed: no ALS gene could be assessed in the VCF (see What was not assessed).")))
    for rf in genetics.record_findings:
        out.append(SummaryItem(topic="Genetics", level="finding", text=rf.text))
    for f in tier1:
        out.append(SummaryItem(topic="Genetics", level="finding", text=finding_line(f)))
    for f in (f for t in genetics.tiers if t.number != 1 for f in t.findings):
        if f.risk_allele in _RISK_FINDINGS:
            out.append(SummaryItem(topic="Genetics", level="finding", text=finding_line(f)))
    for f in tier2:
        if f.known_variant and f.risk_allele not in _RISK_FINDINGS:  # stated once, as a risk allele
            out.append(SummaryItem(topic="Genetics", level="finding", text=finding_line(f) + (
                " — a known disease variant in the knowledge base: confirm with annotation, population data and "
                "ClinVar in an accredited laboratory")))
    assessed = set(genetics.genes_assessed)
    left_all = [ex for ex in genetics.excluded_calls if ex.gene in assessed]
    if genetics.status != AssessmentStatus.NOT_ASSESSED and not tier1 and left_all and not kept_calls(genetics):
        # every variant call of the sample in the genes assessed was left out: nothing was classified, and 'no
        # pathogenic variant among the calls classified' would be said of no call at all
        left = [ex for ex in left_all if ex.coding_or_splice]
        n, g = len(left_all), len(genetics.genes_assessed)
        out.append(SummaryItem(topic="Genetics", level="caution", text=(
            f"None of the sample's {n} variant call{'s' if n != 1 else ''} in the {g} gene{'s' if g != 1 else ''} "
            "assessed was kept: each was left out by its FILTER, the GQ/DP thresholds or as a half-call, so none was "
            "classified" + (f" ({len(left)} in exons or splice regions: see below)" if left else "")
            + ". Check the variant calling (a filter on every call can mean a failed sample or a wrong filter) before "
            "reading this as no pathogenic variant.")))
    elif genetics.status != AssessmentStatus.NOT_ASSESSED and not tier1:
        left = [ex for ex in genetics.excluded_calls if ex.gene in assessed and ex.coding_or_splice]
        # a variant whose consequence is unknown is not classified, so it may be pathogenic: the line speaks of the
        # variants classified, and says how many were not
        unknown = len(genetics.not_classified)
        qualified = [*([f"{len(left)} call(s) left out by their FILTER, the GQ/DP thresholds or as half-calls were not "
                  "classified: see below"] if left else []),
               *([f"{unknown} coding or splice-region variant(s) of unknown consequence were not classified"]
                 if unknown else [])]
        out.append(SummaryItem(topic="Genetics", text="No pathogenic or likely pathogenic small variant "
                               + (("among the calls classified " if left and not unknown else
                                   NOT_CLASSIFIED_QUALIFIER + " ") if qualified else "")
                               + f"in the {len(genetics.genes_assessed)} genes assessed"
                               + (f" ({'; '.join(qualified)})" if qualified else "")
                               + "; this does not exclude a genetic cause."))
    if genetics.genes_not_covered:
        out.append(SummaryItem(topic="Genetics", level="caution", text=(
            f"{len(genetics.genes_not_covered)} of {len(genetics.genes_assessed) + len(genetics.genes_not_covered)} "
            "ALS genes not assessed: " + "; ".join(genetics.not_covered_kinds)
            + " (see What was not assessed).")))
    kinds = {g: partly_parts(why) for g, why in genetics.genes_partly_covered.items()}
    partly = sorted(g for g, k in kinds.items() if OUTSIDE_SPAN_PREFIX in k)
    if partly:
        out.append(SummaryItem(topic="Genetics", level="caution", text=(
            f"{', '.join(partly)}: the VCF's records end inside {'this gene' if len(partly) == 1 else 'these genes'}; "
            "only the part inside the stretch they span was assessed; the rest is listed in the appendix.")))
    gappy = sorted(g for g, k in kinds.items() if NO_CALL_SITES_PREFIX in k)
    if gappy:
        out.append(SummaryItem(topic="Genetics", level="caution", text=(
            f"{', '.join(gappy)}: the sample has a no-call ('./.') at some of the VCF's records in "
            f"{'this gene' if len(gappy) == 1 else 'these genes'}; only {'its' if len(gappy) == 1 else 'their'} called records were assessed; the "
            "positions are listed in the appendix.")))
    left_out = sorted(g for g, k in kinds.items() if EXCLUDED_CALLS_PREFIX in k)
    for ex in genetics.excluded_calls:
        if ex.known_pathogenic and ex.coding_or_splice and ex.gene in left_out:
            out.append(SummaryItem(topic="Genetics", level="alert", text=(
                f"{ex.gene}: the sample's call at chromosome {ex.chrom}:{ex.pos:,} {ex.ref}>{ex.alt} ({ex.genotype}), listed "
                f"in the knowledge base as {ex.known}, was left out ({ex.why}) and not classified: review the call and "
                "confirm it by Sanger or targeted sequencing.")))
    others = sorted({ex.gene for ex in genetics.excluded_calls
                     if not ex.known_pathogenic and ex.coding_or_splice and ex.gene in left_out})
    if others:
        out.append(SummaryItem(topic="Genetics", level="caution", text=(
            f"{', '.join(others)}: the sample has variant calls left out by their FILTER, the GQ/DP thresholds or as half-calls in "
            f"{'this gene' if len(others) == 1 else 'these genes'}; they were not classified, and those positions are "
            "listed in the appendix.")))
    if tier2:
        out.append(SummaryItem(topic="Genetics", level="caution",
                               text=f"{len(tier2)} variant(s) of uncertain significance (not for clinical decisions)."))
    if genetics.not_classified:
        genes = sorted({f.gene for f in genetics.not_classified if f.gene})
        out.append(SummaryItem(topic="Genetics", level="caution",
                               text=f"{len(genetics.not_classified)} coding or splice-region variant(s) not classified "
                                    f"(consequence unknown) in {', '.join(genes) or 'panel genes'}: "
                                    f"{_unclassified_remedy(genetics.not_classified)}."))
    for f in [*(f for t in genetics.tiers for f in t.findings), *genetics.not_classified]:
        if f.clinvar_discordance:
            out.append(SummaryItem(topic="ClinVar", level="caution", text=f"{f.gene or f.key}: {f.clinvar_discordance}"))
    normal: list[RepeatCall] = []
    other: list[RepeatCall] = []
    for it in items:
        if it.kind != "repeat":
            continue
        call = next((c for c in repeats.calls if (c.gene or c.locus).upper() == it.name.upper()), None)
        if it.status == ItemState.ASSESSED and call is not None:
            (normal if call.status == "normal" else other).append(call)
        elif it.name in repeats.record_statuses:
            stated = repeats.record_statuses[it.name]
            # the repeat-caller file's own call of the locus (indeterminate) is said beside the record's result
            own = (f"; the repeat-caller file's call ({call.sizes_text()}) is indeterminate: "
                   f"{(call.indeterminate_reason or 'see the repeat section').rstrip('.')}" if call is not None else "")
            out.append(SummaryItem(topic="Repeats", level="finding" if stated == "expanded" else "info",
                                   text=repeats.record_status_text(it.name) + own + "."))
        elif it.name.upper() == "C9ORF72":
            out.append(SummaryItem(topic="Repeats", level="caution",
                                   text=f"C9orf72 repeat NOT assessed ({it.reason}); it is the most common "
                                        "genetic cause of ALS."))
    for call in other:
        out.append(SummaryItem(topic="Repeats", level="finding", text=repeat_line(call)))
    if normal:
        out.append(SummaryItem(topic="Repeats", text="; ".join(
            f"{c.gene or c.locus} {_alleles_text(c)}{_caller_flag(c)}" for c in normal) + ": normal"))
    for patient_row in family.patient_risk:  # an unaffected patient (a presymptomatic carrier): her own risk of onset first
        out.append(SummaryItem(topic="Family", level="finding", text=patient_risk_line(patient_row)))
    if family.relatives_risk:
        genes = sorted({r.gene for r in family.relatives_risk if r.gene})
        # relatives to counsel: untested, not affected, with a carrier probability of at least 1 % (an affected
        # relative is not 'at risk', and 0.0 % is not a risk); numbers as in the family table (one decimal)
        # Only the living are offered counselling and testing: a deceased relative (ages file, phenopacket vital
        # status) is named as such, informative for segregation (stored DNA) but never someone to offer testing to.
        untested = [r for r in family.relatives_risk if r.tested in (None, "untested") and r.status != "affected"
                    and (r.carrier_probability or 0) >= AT_RISK_MIN_CARRIER_PROBABILITY]
        # one entry per relative (a relative has a row per gene): the row with the highest carrier probability,
        # named with its gene when the family table has more than one gene
        by_probability = sorted(untested, key=lambda r: r.carrier_probability or 0)
        at_risk = list({r.relative: r for r in by_probability if not r.deceased}.values())
        dead = {r.relative: r for r in by_probability if r.deceased}
        top = sorted(at_risk, key=lambda r: -(r.carrier_probability or 0))[:3]
        detail = ", ".join(f"{r.relative} {100 * (r.carrier_probability or 0):.1f}%"
                           + (f" ({r.gene})" if len(genes) > 1 and r.gene else "") for r in top)
        if at_risk:
            out.append(SummaryItem(topic="Family", level="finding",
                                   text=f"{len(at_risk)} living, untested, unaffected relatives with a carrier "
                                        f"probability of 1% or more for the {'/'.join(genes)} finding{'s' if len(genes) > 1 else ''} ({detail}"
                                        f"{', …' if len(at_risk) > len(top) else ''}): offer genetic counselling."))
        else:
            out.append(SummaryItem(topic="Family", text=f"No living, untested, unaffected relative has a carrier "
                                                        f"probability of 1% or more for the {'/'.join(genes)} finding{'s' if len(genes) > 1 else ''}."))
        if dead:
            out.append(SummaryItem(topic="Family", text="Deceased, not offered testing (a stored DNA sample may still "
                                   "inform segregation): " + ", ".join(
                                       f"{r.relative} ({deceased_words(r.death_age)}, carrier probability "
                                       f"{100 * (r.carrier_probability or 0):.1f}%"
                                       + (f" for {r.gene}" if len(genes) > 1 and r.gene else "") + ")"
                                       for r in dead.values()) + "."))
    elif family.status == AssessmentStatus.NOT_ASSESSED:
        out.append(SummaryItem(topic="Family", text="Relatives' risk not assessed (no pedigree).", level="caution"))
    if clinical.status == AssessmentStatus.NOT_ASSESSED:
        why = clinical.notes[0].strip().rstrip(".") if clinical.notes else "no clinical record was given"
        if why.lower().startswith("not assessed: "):  # the section's note says it; the line says it once
            why = why[len("not assessed: "):]
        out.append(SummaryItem(topic="Clinical", level="caution",
                               text=f"Stage, progression and prognosis not assessed ({why})."))
    values = {m.name: m for m in clinical.measures}
    parts = [f"{name.split(' (')[0]} {values[name].value}" for name in
             ("King's stage (clinical)", "ALSFRS-R (latest)", "ΔFS (progression rate)") if name in values]
    if COGNITION_MEASURE in values:  # the cognitive category beside the motor stage (ENCALS reads its ALS-FTD)
        parts.append(f"cognition: {values[COGNITION_MEASURE].value}")
    if parts:
        out.append(SummaryItem(topic="Stage", text="; ".join(parts)))
    prognosis = []
    if "ENCALS survival model" in values:
        m = values["ENCALS survival model"]
        # a number not calculated says why on page 1 too (its missing inputs), as its item and table do
        prognosis.append(f"ENCALS model {m.value}" + ((f" ({m.detail.rstrip('.')})" if m.detail else "")
                                                      if m.value == "not calculated" else
                                                      " (a population model: of the genotype, only the C9orf72 repeat status is included)"))
    fast = [f.known_prognosis for f in tier1 + [f for f in tier2 if f.known_variant] if f.known_prognosis]
    none = next((n.split(_WHY_NONE, 1)[1].split(":")[0] for n in fast if NOT_THE_PATIENTS in n), None)
    prognosis += [n.replace(" " + _SURVIVAL_GENOTYPE, "").rstrip(".") for n in fast if n]
    if prognosis and none:  # a presymptomatic carrier or a deceased patient: the course of the disease in carriers
        out.append(SummaryItem(topic="Prognosis", level="info", text=(  # the card's closing words said once, first
            f"{NO_PROGNOSIS} {none}. " + ". ".join(n.split(_WHY_NONE)[0].rstrip(".") for n in prognosis) + ".")))
    elif prognosis:
        out.append(SummaryItem(topic="Prognosis", level="finding" if fast else "info", text=". ".join(prognosis)
                               + ("." if fast else "")))
    taken = [t for t in therapies.items if t.group == "receiving" and t.kind == "therapy"]
    if taken:  # the record's current treatment, said before any option (never as one to start)
        out.append(SummaryItem(topic="Therapy", level="info", text="Already receives (clinical record): "
                               + "; ".join(f"{t.name} ({t.receiving})" for t in taken)))
    now = [t for t in therapies.items if t.group == "now"]
    drugs = [t.name + (f" ({t.previously_received})" if t.previously_received else "")
             for t in now if t.kind == "therapy"]
    trials = [t.name.split(":")[0] for t in now if t.kind == "trial"]
    undecided = _to_be_decided(therapies)
    # no ALS diagnosis on record: page 1 says so, and what to add, in the section's words
    waits = next((n for n in therapies.notes if n.startswith(NO_DIAGNOSIS)), None)
    if waits:
        undecided = waits[0].lower() + waits[1:].rstrip(".") + (f"; {undecided}" if undecided else "")
    if therapies.region is None and drugs:
        out.append(SummaryItem(topic="Therapy", level="finding", text="Eligible where approved (region not given): "
                               + "; ".join(f"{t.name} ({', '.join(t.approved_in)}"
                                           + (f"; {t.previously_received})" if t.previously_received
                                              else ")") for t in now if t.kind == "therapy")
                               + (f"; {undecided}" if undecided else "")))
    elif drugs:
        out.append(SummaryItem(topic="Therapy", level="finding",
                               text="Can receive now" + (f" in {therapies.region}" if therapies.region else "") + ": "
                                    + ", ".join(drugs) + (f"; {undecided}" if undecided else "")))
    elif undecided:  # 'no therapy matched' would hide what could not be decided (e.g. riluzole without a record)
        out.append(SummaryItem(topic="Therapy", level="caution",
                               text=f"No therapy confirmed for now{':' if waits else ';'} {undecided}."))
    elif therapies.status != AssessmentStatus.NOT_ASSESSED:
        out.append(SummaryItem(topic="Therapy", level="info", text="No approved therapy matched."))
    else:
        reason = therapies.notes[0].rstrip(".") if therapies.notes else None  # e.g. the patient has died
        out.append(SummaryItem(topic="Therapy", level="caution", text="Therapies and trials not assessed"
                               + (f" ({reason[0].lower() + reason[1:]})." if reason else ".")))
    if therapies.jurisdiction_differs:
        out.append(SummaryItem(topic="Therapy", level="caution", text=therapies.jurisdiction_differs))
    if trials:
        out.append(SummaryItem(topic="Trials", level="finding", text="Enrolling now and criteria met: " + ", ".join(trials)))
    for a in clinical.alerts:
        out.append(SummaryItem(topic="Care", text=a, level="caution"))
    return out


def patient_risk_line(own: RelativeRisk) -> str:
    """Page 1's words (and the family section's) for an unaffected patient's own risk of onset for a gene's finding."""
    carrier = (own.carrier_probability or 0) >= 0.9995
    if own.age is None or own.risk is None:
        # no age: the risk over the next years cannot be told, and a lifetime risk is the one from birth
        from_birth = (f"; lifetime risk from birth {100 * own.risk_lifetime:.1f}% (the years already lived without "
                      "ALS are not counted)" if own.risk_lifetime is not None else "")
        return (f"The patient (unaffected, age not given, "
                f"{'a carrier of the' if carrier else f'carrier probability {100 * (own.carrier_probability or 0):.1f}% for the'} "
                f"{own.gene} finding): risk of ALS onset within the next {own.horizon_years or 10:g} years not "
                f"assessed, as the patient's age is not given (add it to the ages file){from_birth} (penetrance model "
                "in the appendix: an estimate, not a diagnosis; offer genetic counselling).")
    lifetime = f"; remaining lifetime risk {100 * own.risk_lifetime:.1f}%" if own.risk_lifetime is not None else ""
    age = f" at {own.age:g}" if own.age is not None else ""
    return (f"The patient (unaffected{age}, {'a carrier of the' if carrier else f'carrier probability {100 * (own.carrier_probability or 0):.1f}% for the'} "
            f"{own.gene} finding): risk of ALS onset within the next {own.horizon_years or 10:g} years "
            f"{100 * (own.risk or 0):.1f}%{lifetime} (penetrance model in the appendix: an estimate, not a diagnosis; "
            "offer genetic counselling).")


def _to_be_decided(therapies: TherapySection) -> str | None:
    """Page 1's words for the therapies and trials the clinician has to decide on (the section's 'check' group:
    a criterion charcot cannot decide, or an advisory one not met), or None."""
    check = [t for t in therapies.items if t.group == "check"]
    if not check:
        return None
    counts = [(sum(t.kind == kind for t in check), kind) for kind in ("therapy", "trial")]
    words = " and ".join(f"{n} {kind if n == 1 else ('therapies' if kind == 'therapy' else 'trials')}"
                         for n, kind in counts if n)
    return f"to be decided by the clinician: {words} (see Therapies and trials)"


def _references(keys: set[str]) -> list[Reference]:
    from charcot.knowledge import get_knowledge

    bib = get_knowledge().bibliography
    out: list[Reference] = []
    for key in sorted(keys):
        src = bib.get(key)
        if src is None:
            out.append(Reference(key=key, citation="(not in the bibliography)"))
            continue
        url = src.url or (f"https://pubmed.ncbi.nlm.nih.gov/{src.pmid}/" if src.pmid else None) or (
            f"https://doi.org/{src.doi}" if src.doi else None)
        out.append(Reference(key=key, citation=src.citation, url=url))
    return out


def _report_id(header_inputs: list[Any], knowledge_version: str, chart: ChartSnapshot | None = None) -> str:
    digest = hashlib.sha256()
    for i in header_inputs:
        digest.update(f"{i.role}:{i.sha256};".encode())
    digest.update(knowledge_version.encode())
    if chart is not None:  # the patient chart's visits are an input too
        digest.update(f";chart:{chart.sha256}".encode())
    return "CR-" + digest.hexdigest()[:12].upper()


def _chart_snapshot(chart: Any, origins: dict[date, Any]) -> ChartSnapshot | None:
    """The patient chart a build read (clinical.chart.Chart), as the report names it."""
    if chart is None:
        return None
    chosen = [f"{c.date.isoformat()}: the patient chart's values chosen over the clinical record's by {c.by} on {c.at}"
              for c in sorted(chart.choices, key=lambda c: c.date)
              if c.date in origins and "chosen over" in origins[c.date].words]
    return ChartSnapshot(visits=len(chart.visits), merged=sum(1 for o in origins.values() if o.from_chart),
                         last_changed=chart.last_changed, sha256=chart.digest(), choices=chosen)


def build_report(inputs: CaseInputs, progress: Progress | None = None) -> Report:
    """Run every analysis the inputs allow and compose the Report (pure apart from reading files).

    An input phenopacket feeds the same pipeline: its variants (VCF records) become the small-variant input
    when no VCF is given, and a Phenopacket Family's pedigree the family input when no PED is given."""
    if inputs.phenopacket is not None and Path(inputs.phenopacket).is_file():
        got = read_phenopacket(inputs.phenopacket)
        use_variants = bool(got.variants) and inputs.vcf is None
        use_family = got.is_family and inputs.ped is None
        if use_variants or use_family:
            from dataclasses import replace

            with tempfile.TemporaryDirectory(prefix="charcot-phenopacket-") as tmp:
                derived = replace(
                    inputs,
                    vcf=phenopacket_vcf(got, got.subject or "PATIENT", Path(tmp)) if use_variants else inputs.vcf,
                    ped=inputs.phenopacket if use_family else inputs.ped,
                    proband=inputs.proband or (got.subject if use_family else None))
                return _build_report(derived, progress, files=inputs, phenopacket=got)
        return _build_report(inputs, progress, files=inputs, phenopacket=got)
    return _build_report(inputs, progress, files=inputs, phenopacket=None)


def _build_report(inputs: CaseInputs, progress: Progress | None, *, files: CaseInputs,
                  phenopacket: PhenopacketInput | None) -> Report:
    """``files`` are the inputs as the user gave them (provenance); ``inputs`` may carry files derived from
    a phenopacket."""
    from charcot import CLINICAL_JUDGEMENT_STATEMENT
    from charcot.model import provenance

    say: Progress = progress or (lambda _msg: None)
    for path, role in ((inputs.vcf, "VCF"), (inputs.str_vcf, "repeat-caller VCF"), (inputs.ped, "PED"),
                       (inputs.clinical, "clinical record"), (inputs.phenopacket, "phenopacket"), (inputs.ages, "ages"),
                       (inputs.clinvar, "ClinVar"), (inputs.gnomad, "gnomAD"),
                       (inputs.gnomad_coverage, "gnomAD coverage")):
        _check_file(path, role)
    if inputs.str_sample is not None and inputs.str_vcf is None:
        raise InputError("--str-sample names a sample of the repeat-caller file, but no --str file was given",
                         hint="give the repeat-caller file with --str, or leave out --str-sample")
    if inputs.vcf is None and inputs.str_vcf is None and inputs.clinical is None and inputs.phenopacket is None:
        raise InputError("nothing to report on", hint="give at least --vcf, --str, --clinical or --phenopacket")
    say("reading inputs")
    from charcot.repeats.api import normalise_sex

    hpo = list(inputs.hpo)
    # every place that states the patient's sex, in the order the report takes it from (--sex, then the phenopacket,
    # then the clinical record; the pedigree last): 'M', 'Female' or 'unknown' on the command line are the words of
    # every other input ('unknown' states nothing), and two inputs stating different sexes are an identity mismatch
    stated: dict[str, str] = {}
    if (cli_sex := normalise_sex(inputs.sex)) is not None:
        stated["command line"] = cli_sex
    patient_id = inputs.patient_id
    if phenopacket is not None:
        hpo.extend(phenopacket.hpo)
        patient_id = patient_id or phenopacket.subject
        if phenopacket.sex in ("male", "female"):  # UNKNOWN_SEX and OTHER_SEX state no chromosomal sex
            stated["phenopacket"] = phenopacket.sex
    sex_from, sex = next(iter(stated.items()), (None, None))
    pedigree = None
    if inputs.ped is not None:
        from charcot.family import api as fapi

        if inputs.proband is None:
            raise InputError("--proband is required with --ped", path=inputs.ped,
                             hint="give the proband's individual ID from the PED file")
        pedigree = fapi.read_pedigree(inputs.ped)
    sample_map = None
    if inputs.sample_map:
        from charcot.family.api import SampleMap, read_sample_map

        if inputs.ped is None or inputs.vcf is None:
            raise InputError(f"--sample-map maps the pedigree's IDs to the VCF's samples, but no "
                             f"{'--ped' if inputs.ped is None else '--vcf'} was given",
                             hint="give the family's VCF with --vcf and its pedigree with --ped, or leave out --sample-map")
        sample_map = inputs.sample_map if isinstance(inputs.sample_map, SampleMap) else \
            read_sample_map(given=inputs.sample_map)
    sample, build, n_samples, join = (None, inputs.build, 0, None)
    if inputs.vcf is not None:
        sample, build, n_samples, join = _vcf_facts(inputs.vcf, inputs.sample, inputs.build, inputs.proband,
                                                    pedigree, sample_map)
    ctx = _Ctx(inputs=inputs, sample=sample, build=build, hpo=sorted(set(hpo)), sex=sex, progress=say,
               n_samples=n_samples, sex_from=sex_from or "command line")
    ctx.join = join
    # the user named the proband's sample (--sample-map, or --sample for a proband the VCF does not name)
    proband_linked = False
    if join is not None and inputs.proband and sample is not None:
        from charcot.family.api import BY_MAP, BY_SAMPLE

        proband_linked = (join.how.get(inputs.proband) in (BY_MAP, BY_SAMPLE)
                          and join.samples.get(inputs.proband) == sample)
    ctx.stated_sexes = stated
    if phenopacket is not None and files.vcf is None and inputs.vcf is not None:  # the VCF is the packet's variants
        from charcot.genome.builds import normalise_contig

        ctx.unstated_zygosity = {f"{normalise_contig(c)}-{p}-{r.upper()}-{a.upper()}"
                                 for _, c, p, r, a, g, _ in phenopacket.variants if g not in _GT_OF_GENO}
    if phenopacket is not None and phenopacket.disease != (None, None):
        ctx.diagnosis_id, ctx.diagnosis = phenopacket.disease

    clinical_path = inputs.clinical or inputs.phenopacket
    if clinical_path is not None:
        from charcot.clinical import api as capi
        from charcot.clinical.chart import ChartConflict

        try:
            if inputs.chart is not None:
                from charcot.clinical.io import load_case_with_chart

                merged = load_case_with_chart(Path(clinical_path), inputs.chart)
                ctx.clinical_case, ctx.visit_origins = merged.case, merged.origins
            else:
                ctx.clinical_case = capi.load_case(clinical_path)
        except ChartConflict:
            raise
        except InputError:
            if inputs.clinical is not None:
                raise
            ctx.clinical_case = None  # a phenopacket without a clinical course: HPO terms only
        if ctx.clinical_case is not None:
            c = ctx.clinical_case
            patient_id = patient_id or c.id
            record_sex = _text(c.sex)
            if inputs.clinical is not None and record_sex in ("male", "female"):  # (a phenopacket's: stated above)
                ctx.stated_sexes["clinical record"] = record_sex
            if ctx.sex is None and record_sex not in (None, "unknown"):
                ctx.sex, ctx.sex_from = record_sex, "clinical record"
            ctx.hpo = sorted(set(ctx.hpo) | set(c.hpo_terms))
    ctx.patient_id = patient_id or sample
    if inputs.ped is not None:
        from charcot.family import api as fapi

        assert inputs.proband is not None and pedigree is not None  # checked and read above
        ctx.pedigree = pedigree
        if inputs.proband not in ctx.pedigree.individuals:
            raise InputError(f"proband {inputs.proband!r} is not in the pedigree", path=inputs.ped,
                             hint="use the individual ID (column 2) of the patient")
        ctx.observations = dict(ctx.pedigree.observations)
        proband = ctx.pedigree.individuals[inputs.proband]
        ctx.ped_sex = _text(proband.sex) if _text(proband.sex) != "unknown" else None
        if ctx.sex is None and ctx.ped_sex is not None:
            ctx.sex, ctx.sex_from = ctx.ped_sex, "pedigree"
        if inputs.ages is not None:
            ctx.observations.update(fapi.read_observations(inputs.ages, ctx.pedigree))
        # the patient's status as the family section reads it (the ages file's status over the PED column)
        ctx.ped_affected = {"affected": True, "unaffected": False}.get(
            _text(ctx.pedigree.status_of(inputs.proband, ctx.observations)) or "")
        if sample is not None and inputs.sample is None and sample != inputs.proband and inputs.vcf is not None \
                and not proband_linked:
            # the VCF's one sample is not the proband and nobody said it is: its variants would be another person's
            import unicodedata

            alike = (" (it differs only in upper/lower case)" if sample.lower() == inputs.proband.lower() else
                     " (the same letters, written in two Unicode forms (NFC and NFD): one file composes an accented "
                     "letter, the other writes the letter and its accent apart)"
                     if unicodedata.normalize("NFC", sample) == unicodedata.normalize("NFC", inputs.proband) else "")
            raise InputError(f"the VCF's sample {sample} is not the pedigree's proband {inputs.proband}{alike}: its "
                             "variants would be reported for another person", path=files.vcf or files.phenopacket,
                             hint=f"give the proband's VCF, or, if {sample} is the proband under another name, say so "
                                  f"with --sample {sample} (or --sample-map {inputs.proband}={sample})")

    repeats = _repeats(ctx)
    try:
        _start_clinical(ctx)  # the plots are drawn (in the report helper) while the next sections are built
        from charcot.report.identity import check_identity

        say("identity and sex checks")
        identity = check_identity(
            vcf=inputs.vcf, vcf_sample=sample, build=ctx.build, str_sample=ctx.str_sample,
            # --sample names the link only for a one-sample VCF; in a family VCF another sample than the proband is
            # a relative's, and stays a mismatch, unless the proband is read from it by --sample-map (or by --sample,
            # the proband's name being no sample of the VCF)
            mapped_vcf=(inputs.sample is not None and n_samples == 1) or proband_linked,
            vcf_link=join.how[inputs.proband] if proband_linked and join is not None and inputs.proband else "--sample",
            mapped_str=inputs.str_sample is not None,
            repeats=ctx.repeat_assessment, ped_proband=inputs.proband if inputs.ped is not None else None,
            ped_sex=ctx.ped_sex, stated_sex=ctx.genetic_sex if ctx.sex_from != "pedigree" else None,
            stated_from=ctx.sex_from,
            stated_sexes=ctx.stated_sexes,
            phenopacket_subject=phenopacket.subject if phenopacket is not None and inputs.clinical is not None else None,
            record_onset=ctx.clinical_case.onset.date if ctx.clinical_case is not None else None,
            ped_affected=ctx.ped_affected if inputs.ped is not None else None,
            phenopacket_als=phenopacket is not None and phenopacket_als(ctx),
            record_id=ctx.clinical_case.id if ctx.clinical_case is not None else None,
            record_kind="clinical record" if ctx.clinical_case is not None else None)
        genetics = _genetics(ctx)
        _record_genetics(ctx, genetics, repeats)
        risk_genes = {f.gene for t in genetics.tiers if t.number == 1 for f in t.findings if f.gene}
        risk_keys: dict[str, list[str]] = {}
        for t in genetics.tiers:
            for f in t.findings:
                if t.number == 1 and f.gene:
                    risk_keys.setdefault(f.gene, []).append(f.key)
        risk_genes |= {c.gene or c.locus for c in repeats.calls if c.status in _EXPANDED}
        family = _family(ctx, sorted(risk_genes), risk_keys)
        clinical = _clinical(ctx)
        therapies = _therapies(ctx, genetics, repeats)
    except BaseException:
        if ctx.plots_pending is not None:
            ctx.plots_pending(False)
        raise
    if ctx.plots_pending is not None:
        clinical.plots.extend(ctx.plots_pending(True))

    say("composing the report")
    roles = {"vcf": files.vcf, "str_vcf": files.str_vcf, "ped": files.ped, "ages": files.ages,
             "clinical": files.clinical, "phenopacket": files.phenopacket, "clinvar": files.clinvar,
             "gnomad": files.gnomad, "gnomad_coverage": files.gnomad_coverage}
    if inputs.resources is not None:
        roles["resources"] = Path(inputs.resources) / "manifest.json"
    bundle_line = ctx.interpretation.provenance.resource_bundle if ctx.interpretation is not None else None
    prov = provenance({k: str(v) for k, v in roles.items() if v is not None}, resource_bundle=bundle_line)
    # Only file names go into outputs: a report must not leak the directory layout of the clinic (nor, in the web
    # app, the server's), in the header or in the analyses' own records of their inputs.
    for i in prov.inputs:
        i.path = Path(i.path).name
    ctx.analyses = _names_only(ctx.analyses, [Path(v) for v in roles.values() if v is not None])
    resources = [Resource(name="charcot knowledge base", version=prov.knowledge_version,
                          note=f"snapshot {prov.knowledge_snapshot.isoformat()}"), *ctx.resources]
    # per-run resource files: their release as the file states it (ClinVar fileDate, gnomAD's release in its name),
    # identified in any case by the SHA-256 of the inputs table
    for role, title in (("clinvar", "ClinVar"), ("gnomad", "gnomAD"), ("gnomad_coverage", "gnomAD coverage summary")):
        given = roles.get(role)
        if given is not None and role != "gnomad_coverage":
            from charcot.variants.bundle import vcf_release_label

            label = vcf_release_label(Path(given))
        elif given is not None:
            from charcot.variants.bundle import release_label

            label = release_label(Path(given))
        else:
            continue
        resources.append(Resource(name=title, version="not stated in the file" if label == "unknown" else label,
                                  note=f"file {Path(given).name} (SHA-256 under inputs)"))
    if ctx.hpo:
        # the release the case's HPO terms were checked against (labels, obsolete ids, PP4's phenotype match)
        release = ctx.interpretation.hpo_release if ctx.interpretation is not None else None
        if release is None:
            from charcot.acmg.phenotype import ontology_version

            release = ontology_version()
        resources.append(Resource(name=HPO_RESOURCE, version=release,
                                  note="the case's HPO terms were checked against it (labels, PP4)"))
    if bundle_line is not None:
        resources.append(Resource(name="resource bundle", version=bundle_line.split(" ", 1)[0],
                                  note=bundle_line.split(" ", 1)[1] if " " in bundle_line else None))
    chart = _chart_snapshot(inputs.chart, ctx.visit_origins)
    header = Header(
        report_id=_report_id(prov.inputs, prov.knowledge_version, chart), patient_id=ctx.patient_id or "unknown",
        sample_id=sample, str_sample_id=ctx.str_sample, sex=ctx.sex, build=build, inputs=prov.inputs,
        software_version=prov.software_version, knowledge_version=prov.knowledge_version,
        knowledge_snapshot=prov.knowledge_snapshot, resources=resources, hpo_terms=ctx.hpo,
        hpo_labels=_hpo_labels(ctx), diagnosis=clinical_diagnosis(ctx), diagnosis_id=ctx.diagnosis_id,
        death_date=ctx.clinical_case.death_date if ctx.clinical_case is not None else None,
        parameters=RunParameters(proband=inputs.proband, sample=inputs.sample, str_sample=inputs.str_sample,
                                 sample_map=dict(sorted(sample_map.pairs.items())) if sample_map else {},
                                 build=inputs.build, sex=normalise_sex(inputs.sex),
                                 patient_id=inputs.patient_id, hpo=list(inputs.hpo), region=inputs.region,
                                 as_of=inputs.as_of), chart=chart)
    not_assessed = sorted(set(ctx.not_assessed), key=lambda n: (n.what, n.reason))
    items = _items(genetics, repeats, clinical, therapies, identity, not_assessed)
    limitations = [
        "Only the genes and loci listed in the knowledge base were assessed; structural variants and copy-number "
        "changes are not assessed unless stated.",
        "A small-variant VCF carries no information on repeat expansions; the C9orf72 result depends on "
        "repeat-caller output or a laboratory test.",
        "Penetrance of ALS genes is incomplete and age-dependent: a negative or uncertain result does not rule out "
        "familial risk, and a positive one does not predict onset.",
        "Therapy and trial statuses are as of the knowledge snapshot date, not live.",
        *ctx.limitations,
    ]
    return Report(
        run=RunInfo(run_time=inputs.run_time or datetime.now(UTC).replace(microsecond=0)),
        header=header,
        summary=_summary(genetics, repeats, family, clinical, therapies, items, identity),
        genetics=genetics, repeats=repeats, not_assessed=not_assessed, items=items, identity=identity,
        family=family, clinical=clinical,
        therapies=therapies, methods=ctx.methods, limitations=limitations, references=_references(ctx.sources),
        statement=CLINICAL_JUDGEMENT_STATEMENT, analyses=ctx.analyses,
    )


def sign(report: Report, *, state: str = "draft", reviewer: str | None = None, role: str | None = None,
         on: date | None = None, strict: bool = False) -> Report:
    """Fill the sign-off block. A final report needs a reviewer and cannot carry an identity mismatch: with
    ``strict`` that is an error (nothing is written); otherwise the report stays a draft and says why."""
    from charcot.report.model import SignOff

    if state not in ("draft", "final"):
        raise InputError(f"sign-off state {state!r} is not draft or final", hint="use --sign-off draft or final")
    if state == "final" and not reviewer:
        raise InputError("a final report needs the reviewer's name", hint="add --reviewer NAME (and --role)")
    mismatch = report.identity.status == "mismatch"
    if mismatch and strict:
        failed = "; ".join(c.detail for c in report.identity.checks if c.status == "mismatch")
        raise InputError(f"identity check failed, no report written: {failed}",
                         hint="resolve the sample or sex mismatch (right files, right patient), or run without "
                              "--strict to get a draft that shows the mismatch")
    if mismatch and state == "final":
        state = "draft"
        report.identity.checks.append(IdentityCheck(
            check="sign-off", status="mismatch",
            detail="the report was asked to be final but stays a draft because an identity check failed"))
    report.signoff = SignOff(state=state, reviewer=reviewer, role=role, signed_on=on)
    return report
