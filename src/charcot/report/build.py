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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from charcot.errors import InputError
from charcot.genome.panels import GeneSelection
from charcot.model import AssessmentStatus, Build, Evidence, NotAssessed
from charcot.report.model import (
    ClinicalSection,
    Criterion,
    FamilyMember,
    FamilySection,
    GeneticsSection,
    Header,
    Measure,
    Plot,
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

Progress = Callable[[str], None]

TIERS: list[tuple[int, str, str]] = [
    (1, "Tier 1: pathogenic or likely pathogenic",
     "Variants classified Pathogenic or Likely pathogenic in an ALS gene: act on them (confirm, counsel, cascade testing)."),
    (2, "Tier 2: uncertain significance",
     "Variants of uncertain significance: not to be used for clinical decisions or predictive testing of relatives."),
    (3, "Tier 3: likely benign or benign",
     "Variants reviewed and classified Likely benign or Benign: listed for completeness."),
]
_TIER_OF_CLASS = {
    "pathogenic": 1, "likely pathogenic": 1, "uncertain significance": 2, "likely benign": 3, "benign": 3,
    "p": 1, "lp": 1, "vus": 2, "lb": 3, "b": 3,
}


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
    resources: Path | None = None  # resource bundle folder (charcot resources build)
    region: str | None = None
    as_of: date | None = None
    run_time: datetime | None = None
    genes: GeneSelection | None = None  # --genes/--panel/--bed (charcot.genome.panels); None = every gene


# --------------------------------------------------------------------------- generic adapters
def _get(obj: Any, *names: str, default: Any = None) -> Any:
    """First present attribute / key among ``names`` (analysis result types differ in naming)."""
    for name in names:
        if obj is None:
            return default
        if isinstance(obj, dict):
            if name in obj and obj[name] is not None:
                return obj[name]
        elif getattr(obj, name, None) is not None:
            return getattr(obj, name)
    return default


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


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


def _evidence_list(items: Iterable[Any] | None) -> list[Evidence]:
    out: list[Evidence] = []
    for item in items or []:
        if isinstance(item, Evidence):
            out.append(item)
            continue
        out.append(Evidence(
            criterion=str(_get(item, "criterion", "code", "name", default="?")),
            strength=str(_text(_get(item, "strength", default="")) or ""),
            points=float(_get(item, "points", default=0.0)),
            applied=bool(_get(item, "applied", default=True)),
            reason=str(_get(item, "reason", "justification", default="")),
            sources=list(_get(item, "sources", default=[])),
        ))
    return out


def _not_assessed_list(items: Iterable[Any] | None) -> list[NotAssessed]:
    out: list[NotAssessed] = []
    for item in items or []:
        if isinstance(item, NotAssessed):
            out.append(item)
        else:
            out.append(NotAssessed(what=str(_get(item, "what", default="?")),
                                   reason=str(_get(item, "reason", default="")),
                                   how_to_assess=_get(item, "how_to_assess")))
    return out


# --------------------------------------------------------------------------- inputs
def _check_file(path: Path | None, role: str) -> None:
    if path is not None and not Path(path).is_file():
        raise InputError(f"{role} file not found", path=path, hint="check the path")


def _vcf_facts(vcf: Path, sample: str | None, build: str | None,
               proband: str | None = None) -> tuple[str | None, str | None, int]:
    """Sample and build of the VCF from its header (htslib reads it)."""
    import pysam

    from charcot.genome.builds import detect_build, parse_build

    try:
        handle = pysam.VariantFile(str(vcf))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read VCF: {exc}", path=vcf, hint="give a VCF or bgzipped VCF") from None
    with handle:
        samples = list(handle.header.samples)
        if sample is None and proband is not None and proband in samples:
            sample = proband  # the pedigree's proband is genotyped in a family VCF
        lengths = {str(c): int(handle.header.contigs[c].length or 0) for c in handle.header.contigs}
    if sample is None:
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
    return sample, build, len(samples)


def _hpo_from_phenopacket(path: Path) -> tuple[list[str], str | None, str | None]:
    from charcot.structured import load_structured

    data = load_structured(path, "phenopacket")
    if not isinstance(data, dict):
        raise InputError("a phenopacket must be a JSON object", path=path)
    features = data.get("phenotypicFeatures") or []
    if not isinstance(features, list):
        raise InputError("phenotypicFeatures must be a list", path=path)
    terms: list[str] = []
    for f in features:
        kind = f.get("type") if isinstance(f, dict) else None
        term = kind.get("id") if isinstance(kind, dict) else None
        if isinstance(term, str) and term and not f.get("excluded"):
            terms.append(term)
    from charcot.structured import check_hpo_ids

    terms = check_hpo_ids(terms, path=path, where="phenotypicFeatures")
    subject = data.get("subject") or {}
    sex = subject.get("sex") if isinstance(subject, dict) else None
    sid = subject.get("id") if isinstance(subject, dict) else None
    return terms, (str(sid) if sid else None), (str(sex).lower() if sex else None)


# --------------------------------------------------------------------------- sections
@dataclass
class _Ctx:
    inputs: CaseInputs
    sample: str | None
    build: str | None
    hpo: list[str]
    sex: str | None
    progress: Progress
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
    segregation: list[Evidence] = field(default_factory=list)


# matplotlib's pyplot state is process-global: the web app's worker threads take turns.
_PLOT_LOCK = threading.Lock()


def _finding(raw: Any) -> VariantFinding:
    """charcot.variants.model.VariantFinding → report VariantFinding."""
    cls_text = _text(raw.classification)
    evidence = _evidence_list(raw.evidence)
    freq = raw.frequencies
    freq_text = None
    if freq is not None and (freq.af is not None or freq.grpmax_af is not None):
        parts = [f"AF {freq.af:.3g}" if freq.af is not None else None,
                 f"grpmax AF {freq.grpmax_af:.3g}" if freq.grpmax_af is not None else None]
        freq_text = ", ".join(p for p in parts if p) + (f" ({freq.source})" if freq.source else "")
    elif freq is not None and freq.searched:
        freq_text = f"absent from {freq.source or 'the population resource'}"
    clinvar = raw.clinvar
    clinvar_text = None
    if clinvar is not None:
        clinvar_text = clinvar.significance + (f" ({clinvar.stars}★)" if clinvar.stars is not None else "") + (
            f", VCV {clinvar.variation_id}" if clinvar.variation_id else "")
    sources = {src for e in evidence for src in e.sources}
    known = raw.known_variant
    known_text = None
    if known:
        known_text = (f"{known.get('id')}: {known.get('classification')} ({known.get('classification_basis')}). "
                      f"{known.get('note', '')}").strip()
        sources |= set(known.get("sources") or [])
    return VariantFinding(
        key=raw.key, gene=raw.gene, chrom=raw.chrom, pos=raw.pos, ref=raw.ref, alt=raw.alt,
        zygosity=_text(raw.zygosity), hgvs_c=raw.hgvs_c, hgvs_p=raw.hgvs_p, transcript=raw.transcript,
        consequence=", ".join(raw.consequence) if raw.consequence else None, classification=cls_text,
        points=float(raw.points), genotype=raw.genotype, filter=raw.filter, clinvar=clinvar_text,
        population_frequency=freq_text, inheritance=raw.inheritance.summary if raw.inheritance else None,
        gene_region=raw.position.description if raw.position else None, known_variant=known_text,
        not_classified=raw.not_classified,
        clinvar_discordance=raw.clinvar_discordance.note if raw.clinvar_discordance is not None else None,
        tier=_TIER_OF_CLASS.get(cls_text.lower(), 2) if cls_text else 0, evidence=evidence,
        notes=[str(n) for n in raw.notes], sources=sorted(sources),
    )


def _genetics(ctx: _Ctx) -> GeneticsSection:
    inputs = ctx.inputs
    empty_tiers = [Tier(number=n, label=lab, description=d) for n, lab, d in TIERS]
    if inputs.vcf is None:
        ctx.not_assessed.append(NotAssessed(what="small variants (SNVs, indels) in ALS genes",
                                            reason="no VCF was given", how_to_assess="run with --vcf"))
        return GeneticsSection(status=AssessmentStatus.NOT_ASSESSED, tiers=empty_tiers)
    from charcot.variants import api
    ctx.progress("interpreting variants")
    # Repeats are assessed once, by _repeats (the STR file may come from a different run/sample).
    kwargs: dict[str, Any] = dict(sample=ctx.sample, build=ctx.build or "auto", clinvar=inputs.clinvar,
                                  gnomad=inputs.gnomad, hpo=ctx.hpo, str_path=None, sex=ctx.sex, extra_evidence=None,
                                  genes=inputs.genes, resources=inputs.resources)
    result = api.interpret(inputs.vcf, **kwargs)
    # Segregation / de novo evidence from genotyped relatives, fed back into the classification.
    from charcot.family import api as family_api

    if ctx.pedigree is not None and inputs.proband and ctx.n_samples > 1:
        keys = [f.key for f in result.findings if _text(f.classification) != "Benign"]
        if keys:
            ctx.progress("family evidence (segregation, de novo)")
            extra = family_api.family_evidence(inputs.vcf, ctx.pedigree, inputs.proband, variant_keys=keys,
                                               build=Build(result.build))
            if any(extra.values()):
                kwargs["extra_evidence"] = extra
                result = api.interpret(inputs.vcf, **kwargs)
                ctx.segregation = [e for ev in extra.values() for e in ev]
    ctx.interpretation = result
    ctx.build = result.build
    ctx.analyses["variants"] = _jsonable(result)
    ctx.not_assessed.extend(i for i in _not_assessed_list(result.not_assessed)
                            if not i.what.lower().startswith("c9orf72"))
    ordered = sorted(result.findings, key=lambda f: (f.chrom, f.pos, f.ref, f.alt))
    findings = sorted((_finding(f) for f in ordered if f.reportable),
                      key=lambda f: (f.tier, -(f.points or 0), f.chrom, f.pos, f.gene or ""))
    not_reported = [_finding(f) for f in ordered if not f.reportable]
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
                     "consequence is unknown (listed apart, not as VUS): give the reference FASTA and transcript "
                     "models (or a resource bundle), or an annotated VCF.")
    for f in findings:
        if f.clinvar_discordance:
            notes.append(f"{f.gene} {f.hgvs_p or f.hgvs_c or f.key}: {f.clinvar_discordance}")
    for ch in result.compound_heterozygous or []:
        notes.append(f"Possible compound heterozygosity in {ch.gene}: {', '.join(ch.variants)} ({ch.phase}). {ch.note}")
    oligo = getattr(result, "oligogenic", None)
    if oligo is not None and oligo.oligogenic:
        notes.append(oligo.note)
    reading = getattr(result, "reading", None)
    if reading is not None:
        notes.append(f"{reading.records_read} records read, {reading.panel_records} in panel genes; "
                     f"{reading.filtered_out} filtered (FILTER not PASS), {reading.below_quality} below quality "
                     f"thresholds, {reading.no_call} no-calls. Annotation: "
                     f"{', '.join(reading.annotation_sources) or 'none'}.")
    ctx.methods.append("Small variants: read with htslib (cyvcf2/pysam), restricted to the ALS gene panel of the "
                       "knowledge base, classified with ACMG/AMP 2015 criteria and ClinGen SVI refinements "
                       "(Bayesian points: ≥10 P, 6–9 LP, 0–5 VUS, −1 to −6 LB, ≤−7 B).")
    return GeneticsSection(status=AssessmentStatus(result.status), tiers=[
        Tier(number=n, label=lab, description=d, findings=[f for f in findings if f.tier == n]) for n, lab, d in TIERS],
        not_reported=not_reported, not_classified=not_classified, genes_assessed=list(result.genes_assessed), records_read=result.records_read,
        notes=notes)


def _repeat_call(raw: Any) -> RepeatCall:
    """charcot.repeats.model.LocusCall → report RepeatCall."""
    counts: list[int | None] = []
    cis: list[str] = []
    thresholds = None
    for a in raw.alleles:
        counts.append(a.size)
        if a.lower_bound_only:
            cis.append(f"≥{a.at_least}")
        elif a.ci_low is not None and a.ci_high is not None:
            cis.append(f"{a.ci_low}-{a.ci_high}")
        for c in a.classifications:
            if c.is_default:
                thresholds = f"{c.label}: {c.thresholds}"
    return RepeatCall(
        locus=raw.locus_id, gene=raw.gene, repeat_unit=raw.display_motif, alleles=counts, confidence_intervals=cis,
        status=_text(raw.category) or "unknown", interpretation=raw.summary, thresholds=thresholds,
        filter=raw.filter, confidence=raw.confidence, recommendation=raw.recommendation,
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
        ctx.not_assessed.extend(_not_assessed_list(na.not_assessed))
        return RepeatsSection(status=AssessmentStatus.NOT_ASSESSED, notes=[na.summary])
    ctx.progress("assessing repeats")
    result = api.assess_repeats(inputs.str_vcf, sample=None, build=ctx.build, sex=ctx.sex)
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
    ctx.not_assessed.extend(_not_assessed_list(result.not_assessed))
    notes = [*result.warnings]
    if ctx.sample and result.sample and ctx.sample != result.sample:
        notes.append(f"The repeat-caller file's sample ({result.sample}) is named differently from the "
                     f"small-variant VCF's ({ctx.sample}); check both files belong to the same person.")
    ctx.methods.append("Repeat expansions: repeat-caller VCF read per knowledge-base locus; allele sizes compared "
                       "with cited thresholds (catalogues disagree, so every source's category is kept and the "
                       "default set is named).")
    return RepeatsSection(status=AssessmentStatus(_text(result.status) or "assessed"), caller=result.caller,
                          calls=calls, notes=notes)


def _family(ctx: _Ctx, genes: list[str]) -> FamilySection:
    from charcot.errors import CharcotError

    inputs = ctx.inputs
    if inputs.ped is None:
        ctx.not_assessed.append(NotAssessed(what="family history, segregation and relatives' risk",
                                            reason="no pedigree was given", how_to_assess="run with --ped and --proband"))
        return FamilySection(status=AssessmentStatus.NOT_ASSESSED)
    from charcot.family import api

    pedigree = ctx.pedigree
    assert pedigree is not None  # read by build_report whenever --ped is given
    members = [FamilyMember(id=i.id, sex=_text(i.sex), affected=_text(i.status) or "unknown", father=i.father,
                            mother=i.mother) for i in pedigree]
    risks: list[RelativeRisk] = []
    notes: list[str] = [*pedigree.notes]
    assumptions: list[str] = []
    status = AssessmentStatus.ASSESSED
    if not genes:
        notes.append("No pathogenic or likely pathogenic variant or repeat expansion was found, so no genotype-based "
                     "risk for relatives is calculated. A family history of ALS still warrants genetic counselling.")
    for gene in genes:
        ctx.progress(f"relatives' risk ({gene})")
        try:
            result = api.relative_risks(pedigree, gene, carrier=inputs.proband, horizon_years=10,
                                        observations=ctx.observations or None)
        except CharcotError as exc:
            status = AssessmentStatus.PARTIAL
            ctx.not_assessed.append(NotAssessed(what=f"relatives' risk for {gene}", reason=exc.message,
                                                how_to_assess=exc.hint))
            continue
        ctx.analyses.setdefault("family", {})[gene] = _jsonable(result)
        a = result.assumptions
        assumptions.append(f"{gene}: {a.method}; penetrance curve {a.curve} ({a.curve_confidence}); "
                           f"non-penetrance {a.nonpenetrance:g} ({a.nonpenetrance_rationale}); phenocopy lifetime "
                           f"risk {a.phenocopy_lifetime_risk:g}; carrier frequency {a.carrier_frequency:g}.")
        assumptions.extend(a.caveats)
        ctx.sources.update(a.sources)
        for r in result.individuals:
            if r.id == inputs.proband:
                continue
            risks.append(RelativeRisk(
                relative=r.id, gene=gene, status=_text(r.status), tested=_text(r.tested), age=r.age,
                carrier_probability=r.p_carrier, risk=r.risk_next_years, risk_lifetime=r.risk_lifetime,
                horizon_years=a.horizon_years, basis=r.explanation, sources=list(a.sources)))
    ctx.methods.append("Family: PED pedigree; carrier probabilities by exact peeling (Elston–Stewart/Lander–Green "
                       "style) conditioned on affection status and ages, with age-dependent penetrance from the "
                       "knowledge base; segregation (PP1/BS4) and de novo (PS2/PM6) evidence when relatives are "
                       "genotyped in the VCF.")
    return FamilySection(status=status, proband=inputs.proband, members=members, relatives_risk=risks,
                         assumptions=assumptions, segregation=ctx.segregation, notes=notes)


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _fmt_months(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} months"


def _clinical(ctx: _Ctx) -> ClinicalSection:
    inputs = ctx.inputs
    if ctx.clinical_case is None:
        if inputs.clinical is None and inputs.phenopacket is None:
            ctx.not_assessed.append(NotAssessed(what="clinical status (stage, progression, prognosis)",
                                                reason="no clinical record was given",
                                                how_to_assess="run with --clinical case.yaml"))
            return ClinicalSection(status=AssessmentStatus.NOT_ASSESSED)
        reason = "the phenopacket has no clinical course (onset and visits); only its HPO terms were used"
        ctx.not_assessed.append(NotAssessed(what="clinical status (stage, progression, prognosis)", reason=reason,
                                            how_to_assess="give the clinical record with --clinical case.yaml"))
        return ClinicalSection(status=AssessmentStatus.NOT_ASSESSED, notes=[f"not assessed: {reason}"])
    from charcot.clinical import api
    ctx.progress("clinical assessment")
    case = ctx.clinical_case
    a = api.assess(case, today=inputs.as_of, c9orf72_status=ctx.c9_status)
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
        m.append(Measure(name="ENCALS survival model", value=f"median {_fmt_months(enc.median_months_from_onset)} from onset",
                         detail=(f"conditional median {_fmt_months(cond)} from the assessment date; outcome: {enc.outcome}; "
                                 f"confidence {enc.confidence}. " + " ".join(enc.caveats)).strip(),
                         sources=list(enc.sources)))
    else:
        m.append(Measure(name="ENCALS survival model", value="not calculated",
                         detail="; ".join(enc.refusal_reasons), sources=list(enc.sources)))
    for c in a.criteria:
        label = getattr(c, "criteria", None) or getattr(c, "name", None) or "diagnostic criteria"
        value = getattr(c, "category", None) or getattr(c, "result", None) or getattr(c, "status", None)
        m.append(Measure(name=str(label).replace("_", " "), value=str(_text(value)),
                         detail="; ".join(getattr(c, "reasons", []) or []), sources=list(getattr(c, "sources", []) or [])))
    alerts = [al.message for al in a.care_alerts if al.status in ("criteria_met", "reminder")]
    for mm in m:
        ctx.sources.update(mm.sources)
    ctx.sources.update(a.sources)
    ctx.not_assessed.extend(_not_assessed_list(a.not_assessed))
    visits = []
    for v in case.visits:
        visits.append(Visit(date=v.date, alsfrs_r=sum_alsfrs(v.alsfrs_r), fvc_percent=v.fvc_percent_predicted,
                            weight_kg=v.weight_kg))
    plots: list[Plot] = []
    if hasattr(api, "render_plots"):
        ctx.progress("plots")
        with _PLOT_LOCK, tempfile.TemporaryDirectory(prefix="charcot-plots-") as tmp:
            paths = api.render_plots(case, a, Path(tmp)) or {}
            for name in sorted(paths):
                title = name.replace("_", " ").capitalize()
                plots.append(Plot(title=title, data_uri=_data_uri(Path(paths[name])), alt=title))
    ctx.methods.append("Clinical: ALSFRS-R totals and ΔFS (Kimura 2006), slopes, King's (clinical and ALSFRS-R "
                       "estimate) and MiToS staging, ENCALS survival model only within its stated domain, diagnostic "
                       "criteria and care alerts from the clinical record.")
    return ClinicalSection(status=AssessmentStatus.ASSESSED, measures=m, visits=visits, alerts=alerts, plots=plots,
                           notes=list(a.caveats))


def sum_alsfrs(scores: Any) -> int | None:
    if scores is None:
        return None
    from charcot.clinical.alsfrs import total

    return int(total(scores))


def _therapies(ctx: _Ctx, genetics: GeneticsSection, repeats: RepeatsSection) -> TherapySection:
    from charcot.therapy import api, model
    ctx.progress("therapies and trials")
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
                              state=_text(c.status) or "unknown") for c in m.criteria]
        regional = [r for r in m.regions if ctx.inputs.region is None or r.region == ctx.inputs.region]
        reg = "; ".join(f"{r.region}: {r.status}" + (f" ({r.date})" if r.date else "") for r in regional) or None
        notes = [*m.notes]
        if m.trial_status:
            notes.insert(0, f"Trial status: {m.trial_status}" + (f" as of {m.trial_status_as_of}" if m.trial_status_as_of else "")
                         + ("" if m.open_to_new_participants is None else
                            ("; open to new participants" if m.open_to_new_participants else "; not recruiting")))
        item = TherapyItem(name=m.name, kind=m.kind, verdict=_text(m.verdict) or "unknown", relevant=m.relevant,
                           summary=m.summary, regulatory_status=reg, criteria=criteria, notes=notes,
                           open_to_new_participants=m.open_to_new_participants if m.kind == "trial" else None,
                           sources=sorted({*m.sources, *(s for c in m.criteria for s in c.sources)}))
        ctx.sources.update(item.sources)
        items.append(item)
    notes = [result.status_statement, *result.not_assessed]
    return TherapySection(status=AssessmentStatus.ASSESSED, region=result.region, as_of=result.as_of, items=items,
                          not_shown=hidden, notes=[n for n in notes if n])


def _assessment_date(ctx: _Ctx) -> date | None:
    a = ctx.clinical_assessment
    return a.today if a is not None else None


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
    genotype = model.Genotype(
        findings=gene_findings, repeats=repeat_status,
        genetic_testing_done=genetics.status != AssessmentStatus.NOT_ASSESSED or None,
        genes_tested=list(genetics.genes_assessed) or None)
    clinical: dict[str, Any] = {"region": ctx.inputs.region}
    sex = (ctx.sex or "").lower()
    if sex in ("female", "male", "other"):
        clinical["sex"] = sex
    case, a = ctx.clinical_case, ctx.clinical_assessment
    if case is not None and a is not None:
        clinical["affected"] = True
        if case.date_of_birth is not None:
            clinical["age"] = round((a.today - case.date_of_birth).days / 365.25, 1)
        if a.alsfrs_r:
            clinical["alsfrs_r"] = a.alsfrs_r[-1].total
            clinical["alsfrs_r_date"] = a.alsfrs_r[-1].date
        fvcs = [v.fvc_percent_predicted for v in case.visits if v.fvc_percent_predicted is not None and v.date <= a.today]
        if fvcs:
            clinical["fvc_percent"] = fvcs[-1]
        clinical["disease_duration_months"] = round(a.months_since_onset_today, 1)
        if case.diagnosis is not None and case.diagnosis.date <= a.today:  # trials count time from diagnosis
            from charcot.clinical.model import months_between

            clinical["months_since_diagnosis"] = min(round(months_between(case.diagnosis.date, a.today), 1),
                                                     clinical["disease_duration_months"])
    return model.PatientFacts(id=ctx.patient_id, genotype=genotype, clinical=model.Clinical(**clinical))


# --------------------------------------------------------------------------- assembly
def _summary(genetics: GeneticsSection, repeats: RepeatsSection, family: FamilySection, clinical: ClinicalSection,
             therapies: TherapySection, not_assessed: list[NotAssessed]) -> list[SummaryItem]:
    items: list[SummaryItem] = []
    tier1 = [f for t in genetics.tiers if t.number == 1 for f in t.findings]
    tier2 = [f for t in genetics.tiers if t.number == 2 for f in t.findings]
    if genetics.status == AssessmentStatus.NOT_ASSESSED:
        items.append(SummaryItem(topic="Genetics", text="Small variants were not assessed.", level="caution"))
    elif tier1:
        for f in tier1:
            name = " ".join(x for x in (f.gene, f.hgvs_c, f.hgvs_p and f"({f.hgvs_p})") if x) or f.key
            items.append(SummaryItem(topic="Genetics", level="finding",
                                     text=f"{name}: {f.classification} ({f.zygosity or 'zygosity unknown'})."))
    else:
        items.append(SummaryItem(topic="Genetics", text="No pathogenic or likely pathogenic small variant found in "
                                 "the assessed ALS genes. This does not exclude a genetic cause."))
    known = [f for f in tier2 if f.known_variant]
    for f in known:
        name = " ".join(x for x in (f.gene, f.hgvs_c, f.hgvs_p) if x) or f.key
        items.append(SummaryItem(topic="Genetics", level="finding", text=(
            f"{name} ({f.key}, {f.zygosity or 'zygosity unknown'}) is classified {f.classification} by the ACMG engine "
            f"on the evidence available here, but the knowledge base lists it as a known variant: "
            f"{(f.known_variant or '').rstrip('.')}. Supply annotation (VEP), population frequencies and ClinVar, and confirm in an accredited laboratory.")))
    if tier2:
        items.append(SummaryItem(topic="Genetics", level="caution",
                                 text=f"{len(tier2)} variant(s) of uncertain significance: not for clinical decisions."))
    if repeats.status == AssessmentStatus.NOT_ASSESSED:
        items.append(SummaryItem(topic="Repeats", level="caution",
                                 text="C9orf72 repeat expansion NOT assessed; it is the most common genetic cause of ALS."))
    else:
        for c in repeats.calls:
            if (c.gene or c.locus).upper() in ("C9ORF72", "ATXN2") or c.status != "normal":
                items.append(SummaryItem(topic="Repeats", text=c.interpretation or f"{c.gene}: {c.status}",
                                         level="info" if c.status == "normal" else "finding"))
    if family.relatives_risk:
        genes = sorted({r.gene for r in family.relatives_risk if r.gene})
        at_risk = [r for r in family.relatives_risk if r.tested in (None, "untested") and (r.carrier_probability or 0) > 0]
        items.append(SummaryItem(topic="Family", level="finding",
                                 text=f"{len(at_risk)} untested relative(s) may carry the familial {'/'.join(genes)} "
                                      "variant; offer genetic counselling before any predictive testing."))
    elif family.status == AssessmentStatus.NOT_ASSESSED:
        items.append(SummaryItem(topic="Family", text="Family and relatives' risk not assessed (no pedigree).",
                                 level="caution"))
    wanted = ("King's stage (clinical)", "ALSFRS-R (latest)", "ΔFS (progression rate)", "ENCALS survival model")
    for m in clinical.measures:
        if m.name in wanted:
            items.append(SummaryItem(topic="Clinical", text=f"{m.name}: {m.value}"))
    for a in clinical.alerts[:3]:
        items.append(SummaryItem(topic="Clinical", text=a, level="caution"))
    for t in therapies.items:
        # A trial that no longer enrols is listed in the therapies section, not in the one-screen summary.
        if t.verdict in ("eligible", "committee_review") and t.open_to_new_participants is not False:
            items.append(SummaryItem(topic="Therapy", text=f"{t.name} ({t.kind}): {t.verdict.replace('_', ' ')}"
                                     + (f". {t.summary}" if t.summary else ""), level="finding"))
    if not_assessed:
        items.append(SummaryItem(topic="Coverage", level="caution",
                                 text=f"{len(not_assessed)} item(s) were not assessed; see 'What was not assessed'."))
    return items


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


def _report_id(header_inputs: list[Any], knowledge_version: str) -> str:
    digest = hashlib.sha256()
    for i in header_inputs:
        digest.update(f"{i.role}:{i.sha256};".encode())
    digest.update(knowledge_version.encode())
    return "CR-" + digest.hexdigest()[:12].upper()


def build_report(inputs: CaseInputs, progress: Progress | None = None) -> Report:
    """Run every analysis the inputs allow and compose the Report (pure apart from reading files)."""
    from charcot import CLINICAL_JUDGEMENT_STATEMENT
    from charcot.model import provenance

    say: Progress = progress or (lambda _msg: None)
    for path, role in ((inputs.vcf, "VCF"), (inputs.str_vcf, "repeat-caller VCF"), (inputs.ped, "PED"),
                       (inputs.clinical, "clinical record"), (inputs.phenopacket, "phenopacket"), (inputs.ages, "ages"),
                       (inputs.clinvar, "ClinVar"), (inputs.gnomad, "gnomAD")):
        _check_file(path, role)
    if inputs.vcf is None and inputs.str_vcf is None and inputs.clinical is None and inputs.phenopacket is None:
        raise InputError("nothing to report on", hint="give at least --vcf, --str, --clinical or --phenopacket")
    say("reading inputs")
    hpo = list(inputs.hpo)
    sex = inputs.sex
    patient_id = inputs.patient_id
    if inputs.phenopacket is not None:
        terms, sid, psex = _hpo_from_phenopacket(inputs.phenopacket)
        hpo.extend(terms)
        patient_id = patient_id or sid
        if psex and psex not in ("unknown_sex",):
            sex = sex or psex
    sample, build, n_samples = (None, inputs.build, 0)
    if inputs.vcf is not None:
        sample, build, n_samples = _vcf_facts(inputs.vcf, inputs.sample, inputs.build, inputs.proband)
    ctx = _Ctx(inputs=inputs, sample=sample, build=build, hpo=sorted(set(hpo)), sex=sex, progress=say,
               n_samples=n_samples)

    clinical_path = inputs.clinical or inputs.phenopacket
    if clinical_path is not None:
        from charcot.clinical import api as capi

        try:
            ctx.clinical_case = capi.load_case(clinical_path)
        except InputError:
            if inputs.clinical is not None:
                raise
            ctx.clinical_case = None  # a phenopacket without a clinical course: HPO terms only
        if ctx.clinical_case is not None:
            c = ctx.clinical_case
            patient_id = patient_id or c.id
            if ctx.sex is None and _text(c.sex) not in (None, "unknown"):
                ctx.sex = _text(c.sex)
            ctx.hpo = sorted(set(ctx.hpo) | set(c.hpo_terms))
    ctx.patient_id = patient_id or sample
    if inputs.ped is not None:
        from charcot.family import api as fapi

        if inputs.proband is None:
            raise InputError("--proband is required with --ped", path=inputs.ped,
                             hint="give the proband's individual ID from the PED file")
        ctx.pedigree = fapi.read_pedigree(inputs.ped)
        if inputs.proband not in ctx.pedigree.individuals:
            raise InputError(f"proband {inputs.proband!r} is not in the pedigree", path=inputs.ped,
                             hint="use the individual ID (column 2) of the patient")
        ctx.observations = dict(ctx.pedigree.observations)
        if inputs.ages is not None:
            ctx.observations.update(fapi.read_observations(inputs.ages, ctx.pedigree))

    repeats = _repeats(ctx)
    genetics = _genetics(ctx)
    risk_genes = {f.gene for t in genetics.tiers if t.number == 1 for f in t.findings if f.gene}
    risk_genes |= {c.gene or c.locus for c in repeats.calls if c.status in _EXPANDED}
    family = _family(ctx, sorted(risk_genes))
    clinical = _clinical(ctx)
    therapies = _therapies(ctx, genetics, repeats)

    say("composing the report")
    roles = {"vcf": inputs.vcf, "str_vcf": inputs.str_vcf, "ped": inputs.ped, "ages": inputs.ages,
             "clinical": inputs.clinical, "phenopacket": inputs.phenopacket, "clinvar": inputs.clinvar,
             "gnomad": inputs.gnomad}
    if inputs.resources is not None:
        roles["resources"] = Path(inputs.resources) / "manifest.json"
    bundle_line = ctx.interpretation.provenance.resource_bundle if ctx.interpretation is not None else None
    prov = provenance({k: str(v) for k, v in roles.items() if v is not None}, resource_bundle=bundle_line)
    # Only file names go into outputs: a report must not leak the directory layout of the clinic.
    for i in prov.inputs:
        i.path = Path(i.path).name
    resources = [Resource(name="charcot knowledge base", version=prov.knowledge_version,
                          note=f"snapshot {prov.knowledge_snapshot.isoformat()}"), *ctx.resources]
    if bundle_line is not None:
        resources.append(Resource(name="resource bundle", version=bundle_line.split(" ", 1)[0],
                                  note=bundle_line.split(" ", 1)[1] if " " in bundle_line else None))
    header = Header(
        report_id=_report_id(prov.inputs, prov.knowledge_version), patient_id=ctx.patient_id or "unknown",
        sample_id=sample, str_sample_id=ctx.str_sample, sex=ctx.sex, build=build, inputs=prov.inputs,
        software_version=prov.software_version, knowledge_version=prov.knowledge_version,
        knowledge_snapshot=prov.knowledge_snapshot, resources=resources, hpo_terms=ctx.hpo,
        parameters=RunParameters(proband=inputs.proband, sample=inputs.sample, build=inputs.build, sex=inputs.sex,
                                 patient_id=inputs.patient_id, hpo=list(inputs.hpo), region=inputs.region,
                                 as_of=inputs.as_of))
    not_assessed = sorted(set(ctx.not_assessed), key=lambda n: (n.what, n.reason))
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
        summary=_summary(genetics, repeats, family, clinical, therapies, not_assessed),
        genetics=genetics, repeats=repeats, not_assessed=not_assessed, family=family, clinical=clinical,
        therapies=therapies, methods=ctx.methods, limitations=limitations, references=_references(ctx.sources),
        statement=CLINICAL_JUDGEMENT_STATEMENT, analyses=ctx.analyses,
    )
