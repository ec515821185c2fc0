"""Case → Report: read the inputs, call each analysis through its public API, compose the Report.

This module only orchestrates and adapts: every number and verdict comes from an analysis package
(variants, repeats, family, clinical, therapy) or the knowledge base. When an analysis package is
not installed in this build, its section says so ("not assessed: <module> unavailable"), never
silently empty.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import mimetypes
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from charcot.errors import InputError
from charcot.model import AssessmentStatus, Evidence, NotAssessed
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
    clinvar: Path | None = None
    gnomad: Path | None = None
    region: str | None = None
    as_of: date | None = None
    run_time: datetime | None = None


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


def _module(name: str) -> Any | None:
    """Import an analysis API lazily; ``None`` when that package is not part of this build yet."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _unavailable(module: str, what: str) -> NotAssessed:
    return NotAssessed(what=what, reason=f"not assessed: {module} unavailable in this build",
                       how_to_assess=f"install a charcot version that includes {module}")


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


def _vcf_facts(vcf: Path, sample: str | None, build: str | None) -> tuple[str | None, str | None, int]:
    """Sample and build of the VCF from its header (htslib reads it)."""
    import pysam

    from charcot.genome.builds import detect_build, parse_build

    try:
        handle = pysam.VariantFile(str(vcf))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read VCF: {exc}", path=vcf, hint="give a VCF or bgzipped VCF") from None
    with handle:
        samples = list(handle.header.samples)
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
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read phenopacket JSON: {exc}", path=path) from None
    if not isinstance(data, dict):
        raise InputError("a phenopacket must be a JSON object", path=path)
    terms = [str(f.get("type", {}).get("id")) for f in data.get("phenotypicFeatures", []) or []
             if isinstance(f, dict) and not f.get("excluded") and f.get("type", {}).get("id")]
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


def _finding(raw: Any) -> VariantFinding:
    variant = _get(raw, "variant", default=raw)
    cls = _get(raw, "classification", "acmg_class", "acmg")
    cls_text = _text(_get(cls, "acmg_class", "label", "value", default=cls)) if cls is not None else None
    points = _get(cls, "points", default=_get(raw, "points"))
    evidence = _evidence_list(_get(cls, "evidence", default=_get(raw, "evidence", default=[])))
    tier = _get(raw, "tier")
    if tier is None:
        tier = _TIER_OF_CLASS.get((cls_text or "").lower(), 2)
    chrom = str(_get(variant, "chrom", "contig", "chromosome", default="?"))
    pos = int(_get(variant, "pos", "position", default=0))
    ref = str(_get(variant, "ref", default=""))
    alt = str(_get(variant, "alt", default=""))
    key = str(_get(raw, "key", default=_get(variant, "key", default=f"{chrom}-{pos}-{ref}-{alt}")))
    sources = sorted({s for e in evidence for s in e.sources} | set(_get(raw, "sources", default=[])))
    return VariantFinding(
        key=key, gene=_text(_get(raw, "gene", default=_get(variant, "gene"))), chrom=chrom, pos=pos, ref=ref,
        alt=alt, zygosity=_text(_get(raw, "zygosity", "genotype", default=_get(variant, "zygosity"))),
        hgvs_c=_text(_get(raw, "hgvs_c", default=_get(variant, "hgvs_c"))),
        hgvs_p=_text(_get(raw, "hgvs_p", default=_get(variant, "hgvs_p"))),
        transcript=_text(_get(raw, "transcript", default=_get(variant, "transcript"))),
        consequence=_text(_get(raw, "consequence", default=_get(variant, "consequence"))),
        classification=cls_text, points=float(points) if points is not None else None, tier=int(tier),
        evidence=evidence, notes=[str(n) for n in _get(raw, "notes", default=[])], sources=sources,
    )


def _genetics(ctx: _Ctx) -> GeneticsSection:
    inputs = ctx.inputs
    if inputs.vcf is None:
        ctx.not_assessed.append(NotAssessed(what="small variants (SNVs, indels) in ALS genes",
                                            reason="no VCF was given", how_to_assess="run with --vcf"))
        return GeneticsSection(status=AssessmentStatus.NOT_ASSESSED, tiers=[Tier(number=n, label=lab, description=d)
                                                                            for n, lab, d in TIERS])
    api = _module("charcot.variants.api")
    if api is None or not hasattr(api, "interpret"):
        ctx.not_assessed.append(_unavailable("charcot.variants", "small variants (SNVs, indels) in ALS genes"))
        return GeneticsSection(status=AssessmentStatus.NOT_ASSESSED,
                               tiers=[Tier(number=n, label=lab, description=d) for n, lab, d in TIERS],
                               notes=["not assessed: charcot.variants unavailable"])
    ctx.progress("interpreting variants")
    kwargs: dict[str, Any] = dict(sample=ctx.sample, build=ctx.build, clinvar=inputs.clinvar,
                                  gnomad=inputs.gnomad, hpo=ctx.hpo, str_path=inputs.str_vcf, sex=ctx.sex,
                                  extra_evidence=None)
    result = api.interpret(inputs.vcf, **kwargs)
    findings_raw = list(_get(result, "findings", default=[]))
    # Segregation evidence from genotyped relatives, fed back into the classification.
    family_api = _module("charcot.family.api")
    if ctx.pedigree is not None and family_api is not None and inputs.proband and findings_raw:
        keys = [_finding(f).key for f in findings_raw]
        extra = family_api.family_evidence(inputs.vcf, ctx.pedigree, inputs.proband, variant_keys=keys,
                                           build=ctx.build)
        if any(extra.values()):
            kwargs["extra_evidence"] = extra
            result = api.interpret(inputs.vcf, **kwargs)
            findings_raw = list(_get(result, "findings", default=[]))
    ctx.interpretation = result
    ctx.analyses["variants"] = _jsonable(result)
    ctx.not_assessed.extend(_not_assessed_list(_get(result, "not_assessed", default=[])))
    prov = _get(result, "provenance")
    for res in _get(prov, "resources", default=[]) or []:
        ctx.resources.append(Resource(name=str(_get(res, "name", default=res)),
                                      version=str(_get(res, "version", default="?"))))
    findings = sorted((_finding(f) for f in findings_raw), key=lambda f: (f.tier, -(f.points or 0), f.chrom, f.pos))
    for f in findings:
        ctx.sources.update(f.sources)
    tiers = [Tier(number=n, label=lab, description=d, findings=[f for f in findings if f.tier == n])
             for n, lab, d in TIERS]
    genes = sorted({str(g) for g in _get(result, "genes_assessed", "genes", default=[])})
    records = _get(result, "records_read", "n_records")
    ctx.methods.append("Small variants: read with htslib, restricted to the ALS gene panel of the knowledge base, "
                       "classified with ACMG/AMP 2015 criteria (ClinGen SVI refinements, Bayesian points).")
    return GeneticsSection(status=AssessmentStatus(_text(_get(result, "status", default="assessed")) or "assessed"),
                           tiers=tiers, genes_assessed=genes,
                           records_read=int(records) if records is not None else None)


def _repeat_call(raw: Any) -> RepeatCall:
    alleles = _get(raw, "alleles", "repeat_counts", "counts", default=[])
    counts: list[int | None] = []
    cis: list[str] = []
    for a in alleles:
        if isinstance(a, int) or a is None:
            counts.append(a)
        else:
            c = _get(a, "repeat_count", "count", "units", "copies")
            counts.append(int(c) if c is not None else None)
            ci = _get(a, "ci", "confidence_interval")
            if ci is not None:
                cis.append(str(ci) if not isinstance(ci, list | tuple) else f"{ci[0]}-{ci[1]}")
    interp = _get(raw, "interpretation", "meaning", "summary", default="")
    return RepeatCall(
        locus=str(_get(raw, "locus", "locus_id", "repeat_id", default="?")),
        gene=_text(_get(raw, "gene")), repeat_unit=_text(_get(raw, "repeat_unit", "motif")),
        alleles=counts, confidence_intervals=cis,
        status=str(_text(_get(raw, "status", "category", "allele_status", default="unknown"))),
        interpretation=str(interp), thresholds=_text(_get(raw, "thresholds", "threshold_text")),
        filter=_text(_get(raw, "filter")), sources=list(_get(raw, "sources", default=[])),
    )


def _repeats(ctx: _Ctx) -> RepeatsSection:
    inputs = ctx.inputs
    api = _module("charcot.repeats.api")
    if inputs.str_vcf is None:
        if api is not None and hasattr(api, "not_assessed"):
            ctx.not_assessed.extend(_not_assessed_list(api.not_assessed()))
        else:
            ctx.not_assessed.append(NotAssessed(
                what="C9orf72 hexanucleotide repeat expansion and ATXN2 CAG repeat",
                reason="no repeat-caller output was given; a small-variant VCF carries no repeat-expansion information",
                how_to_assess="run ExpansionHunter (or TRGT) and pass its VCF with --str, or enter a lab RP-PCR result"))
        return RepeatsSection(status=AssessmentStatus.NOT_ASSESSED)
    if api is None or not hasattr(api, "assess_repeats"):
        ctx.not_assessed.append(_unavailable("charcot.repeats", "repeat expansions (C9orf72, ATXN2)"))
        return RepeatsSection(status=AssessmentStatus.NOT_ASSESSED, notes=["not assessed: charcot.repeats unavailable"])
    ctx.progress("assessing repeats")
    result = api.assess_repeats(inputs.str_vcf, sample=None, build=ctx.build, sex=ctx.sex)
    ctx.repeat_assessment = result
    ctx.analyses["repeats"] = _jsonable(result)
    calls = [_repeat_call(c) for c in _get(result, "calls", "loci", "results", default=[])]
    for c in calls:
        ctx.sources.update(c.sources)
        if (c.gene or c.locus).upper().startswith("C9ORF72"):
            ctx.c9_status = c.status
    ctx.not_assessed.extend(_not_assessed_list(_get(result, "not_assessed", default=[])))
    ctx.methods.append("Repeat expansions: repeat-caller VCF (ExpansionHunter/TRGT) read per locus; allele sizes "
                       "compared with the cited thresholds of the knowledge base (catalogues disagree, so the "
                       "source of each threshold is named).")
    return RepeatsSection(status=AssessmentStatus(_text(_get(result, "status", default="assessed")) or "assessed"),
                          caller=_text(_get(result, "caller")), calls=calls,
                          notes=[str(n) for n in _get(result, "notes", default=[])])


def _family(ctx: _Ctx, tier1_genes: list[str]) -> FamilySection:
    inputs = ctx.inputs
    if inputs.ped is None:
        ctx.not_assessed.append(NotAssessed(what="family history, segregation and relatives' risk",
                                            reason="no pedigree was given", how_to_assess="run with --ped and --proband"))
        return FamilySection(status=AssessmentStatus.NOT_ASSESSED)
    api = _module("charcot.family.api")
    if api is None or not hasattr(api, "read_pedigree"):
        ctx.not_assessed.append(_unavailable("charcot.family", "family history, segregation and relatives' risk"))
        return FamilySection(status=AssessmentStatus.NOT_ASSESSED, proband=inputs.proband,
                             notes=["not assessed: charcot.family unavailable"])
    pedigree = ctx.pedigree
    members = []
    for m in _get(pedigree, "members", "individuals", default=[]) or []:
        members.append(FamilyMember(
            id=str(_get(m, "id", "individual_id", default="?")), relation=_text(_get(m, "relation")),
            sex=_text(_get(m, "sex")), affected=str(_text(_get(m, "affected", "phenotype", "status", default="unknown"))),
            father=_text(_get(m, "father", "father_id", "paternal_id")),
            mother=_text(_get(m, "mother", "mother_id", "maternal_id"))))
    risks: list[RelativeRisk] = []
    notes: list[str] = []
    if not tier1_genes:
        notes.append("No pathogenic or likely pathogenic variant or expansion was found, so no predictive risk "
                     "for relatives is calculated from genotype.")
    for gene in tier1_genes:
        ctx.progress(f"relatives' risk ({gene})")
        result = api.relative_risks(pedigree, gene, carrier={inputs.proband: True} if inputs.proband else None,
                                    horizon_years=10)
        ctx.analyses.setdefault("family", {})[gene] = _jsonable(result)
        for r in _get(result, "relatives", "risks", "results", default=[]) or []:
            rr = RelativeRisk(
                relative=str(_get(r, "relative", "individual", "id", default="?")), relation=_text(_get(r, "relation")),
                gene=gene, carrier_probability=_get(r, "carrier_probability", "p_carrier"),
                risk=_get(r, "risk", "disease_risk", "risk_within_horizon"),
                horizon_years=_get(r, "horizon_years", default=10),
                basis=str(_get(r, "basis", "method", default=_get(result, "method", default=""))),
                sources=list(_get(r, "sources", default=_get(result, "sources", default=[]))))
            risks.append(rr)
            ctx.sources.update(rr.sources)
        notes.extend(str(n) for n in _get(result, "notes", default=[]))
    ctx.methods.append("Family: PED pedigree; carrier probabilities by Mendelian peeling conditioned on ages and "
                       "affection status with age-dependent penetrance from the knowledge base.")
    return FamilySection(status=AssessmentStatus.ASSESSED, proband=inputs.proband, members=members,
                         relatives_risk=risks, notes=notes)


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if mime == "image/svg+xml":
        return "data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _clinical(ctx: _Ctx) -> ClinicalSection:
    inputs = ctx.inputs
    if inputs.clinical is None:
        ctx.not_assessed.append(NotAssessed(what="clinical status (stage, progression, prognosis)",
                                            reason="no clinical record was given",
                                            how_to_assess="run with --clinical case.yaml"))
        return ClinicalSection(status=AssessmentStatus.NOT_ASSESSED)
    api = _module("charcot.clinical.api")
    if api is None or not hasattr(api, "assess"):
        ctx.not_assessed.append(_unavailable("charcot.clinical", "clinical status (stage, progression, prognosis)"))
        return ClinicalSection(status=AssessmentStatus.NOT_ASSESSED, notes=["not assessed: charcot.clinical unavailable"])
    ctx.progress("clinical assessment")
    case = ctx.clinical_case
    assessment = api.assess(case, today=inputs.as_of, c9orf72_status=ctx.c9_status)
    ctx.clinical_assessment = assessment
    ctx.analyses["clinical"] = _jsonable(assessment)
    measures: list[Measure] = []
    for m in _get(assessment, "measures", "summary_items", default=[]) or []:
        measures.append(Measure(name=str(_get(m, "name", default="?")), value=str(_get(m, "value", default="")),
                                detail=_text(_get(m, "detail")), sources=list(_get(m, "sources", default=[]))))
    visits = []
    for v in _get(case, "visits", default=[]) or []:
        total = _get(v, "alsfrs_r_total", "alsfrs_r", "alsfrsr")
        if total is not None and not isinstance(total, int | float):
            total = _get(total, "total")
        visits.append(Visit(date=_get(v, "date"), alsfrs_r=int(total) if total is not None else None,
                            fvc_percent=_get(v, "fvc_percent", "fvc"), weight_kg=_get(v, "weight_kg", "weight")))
    plots: list[Plot] = []
    if hasattr(api, "render_plots"):
        ctx.progress("plots")
        with tempfile.TemporaryDirectory(prefix="charcot-plots-") as tmp:
            paths = api.render_plots(case, assessment, Path(tmp)) or []
            for p in sorted(Path(x) for x in paths):
                plots.append(Plot(title=p.stem.replace("_", " "), data_uri=_data_uri(p), alt=p.stem.replace("_", " ")))
    alerts = [str(_get(a, "text", "message", default=a)) for a in _get(assessment, "alerts", "care_alerts", default=[]) or []]
    for s in _get(assessment, "sources", default=[]) or []:
        ctx.sources.add(str(s))
    ctx.methods.append("Clinical: ALSFRS-R slope, King's and MiToS staging, ENCALS survival model within its "
                       "stated domain, care alerts from the clinical record.")
    return ClinicalSection(status=AssessmentStatus.ASSESSED, measures=measures, visits=visits, alerts=alerts, plots=plots)


def _therapies(ctx: _Ctx, genetics: GeneticsSection) -> TherapySection:
    api = _module("charcot.therapy.api")
    model = _module("charcot.therapy.model")
    if api is None or model is None or not hasattr(api, "match"):
        ctx.not_assessed.append(_unavailable("charcot.therapy", "therapies and trials"))
        return TherapySection(status=AssessmentStatus.NOT_ASSESSED, notes=["not assessed: charcot.therapy unavailable"])
    ctx.progress("therapies and trials")
    facts = patient_facts(ctx, genetics, model)
    result = api.match(facts, region=ctx.inputs.region, as_of=ctx.inputs.as_of)
    ctx.analyses["therapy"] = _jsonable(result)
    items: list[TherapyItem] = []
    for kind, attr in (("therapy", "therapies"), ("trial", "trials")):
        for m in _get(result, attr, default=[]) or []:
            criteria = [Criterion(text=str(_get(c, "text", "criterion", "name", default=c)),
                                  state=str(_text(_get(c, "state", "status", "result", default="unknown"))))
                        for c in _get(m, "criteria", default=[]) or []]
            item = TherapyItem(name=str(_get(m, "name", "title", "key", default="?")), kind=kind,
                               verdict=str(_text(_get(m, "verdict", "eligibility", "status", default="unknown"))),
                               regulatory_status=_text(_get(m, "regulatory_status", "approval")),
                               criteria=criteria, notes=[str(n) for n in _get(m, "notes", default=[]) or []],
                               sources=list(_get(m, "sources", default=[]) or []))
            ctx.sources.update(item.sources)
            items.append(item)
    return TherapySection(status=AssessmentStatus.ASSESSED, region=ctx.inputs.region, as_of=ctx.inputs.as_of,
                          items=items, notes=[str(n) for n in _get(result, "notes", default=[]) or []])


def patient_facts(ctx: _Ctx, genetics: GeneticsSection, model: Any) -> Any:
    """Adapter: genetic + clinical results → ``charcot.therapy.model.PatientFacts``."""
    cls = model.PatientFacts
    fields = set(getattr(cls, "model_fields", {}))
    tier1 = [f for t in genetics.tiers if t.number == 1 for f in t.findings]
    values: dict[str, Any] = {}
    candidates: dict[str, Any] = {
        "pathogenic_genes": sorted({f.gene for f in tier1 if f.gene}),
        "genes": sorted({f.gene for f in tier1 if f.gene}),
        "sod1_pathogenic": any((f.gene or "").upper() == "SOD1" for f in tier1),
        "c9orf72_status": ctx.c9_status,
        "sex": ctx.sex,
        "hpo": ctx.hpo,
    }
    assessment = ctx.clinical_assessment
    case = ctx.clinical_case
    for name in ("age", "age_years", "alsfrs_r", "fvc_percent", "disease_duration_months", "symptom_duration_months",
                 "diagnosis", "region", "stage", "kings_stage", "mitos_stage", "slope", "delta_fs"):
        val = _get(assessment, name, default=_get(case, name))
        if val is not None:
            candidates[name] = val
    for key, val in candidates.items():
        if key in fields:
            values[key] = val
    return cls(**values)


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
    if tier2:
        items.append(SummaryItem(topic="Genetics", level="caution",
                                 text=f"{len(tier2)} variant(s) of uncertain significance: not for clinical decisions."))
    if repeats.status == AssessmentStatus.NOT_ASSESSED:
        items.append(SummaryItem(topic="Repeats", level="caution",
                                 text="C9orf72 repeat expansion NOT assessed; it is the most common genetic cause of ALS."))
    else:
        for c in repeats.calls:
            if (c.gene or c.locus).upper() in ("C9ORF72", "ATXN2") or c.status.lower() not in ("normal", "benign"):
                sizes = "/".join("?" if a is None else str(a) for a in c.alleles)
                items.append(SummaryItem(topic="Repeats", text=f"{c.gene or c.locus} {sizes} repeats: {c.interpretation or c.status}",
                                         level="info" if c.status.lower() in ("normal", "benign") else "finding"))
    if family.relatives_risk:
        items.append(SummaryItem(topic="Family", level="finding",
                                 text=f"Risk estimates for {len(family.relatives_risk)} relative(s); genetic counselling "
                                      "is recommended before predictive testing."))
    for m in clinical.measures[:4]:
        items.append(SummaryItem(topic="Clinical", text=f"{m.name}: {m.value}"))
    for a in clinical.alerts[:3]:
        items.append(SummaryItem(topic="Clinical", text=a, level="caution"))
    possible = [t for t in therapies.items if t.verdict.lower() in ("eligible", "possibly_eligible", "possibly eligible",
                                                                      "indicated", "consider", "likely_eligible")]
    for t in possible[:4]:
        items.append(SummaryItem(topic="Therapy", text=f"{t.name}: {t.verdict.replace('_', ' ')}", level="finding"))
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
                       (inputs.clinical, "clinical record"), (inputs.phenopacket, "phenopacket"),
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
    sample, build, _n = (None, inputs.build, 0)
    if inputs.vcf is not None:
        sample, build, _n = _vcf_facts(inputs.vcf, inputs.sample or inputs.proband, inputs.build)
    ctx = _Ctx(inputs=inputs, sample=sample, build=build, hpo=sorted(set(hpo)), sex=sex, progress=say)

    if inputs.clinical is not None:
        capi = _module("charcot.clinical.api")
        if capi is not None and hasattr(capi, "load_case"):
            ctx.clinical_case = capi.load_case(inputs.clinical)
            patient_id = patient_id or _text(_get(ctx.clinical_case, "patient_id", "id"))
            ctx.sex = ctx.sex or _text(_get(ctx.clinical_case, "sex"))
            ctx.hpo = sorted(set(ctx.hpo) | {str(t) for t in _get(ctx.clinical_case, "hpo", "hpo_terms", default=[])})
    if inputs.ped is not None:
        fapi = _module("charcot.family.api")
        if fapi is not None and hasattr(fapi, "read_pedigree"):
            ctx.pedigree = fapi.read_pedigree(inputs.ped)
            if inputs.proband is None:
                raise InputError("--proband is required with --ped", path=inputs.ped,
                                 hint="give the proband's individual ID from the PED file")

    repeats = _repeats(ctx)
    genetics = _genetics(ctx)
    tier1_genes = sorted({f.gene for t in genetics.tiers if t.number == 1 for f in t.findings if f.gene})
    for c in repeats.calls:
        if c.status.lower() in ("pathogenic", "full_mutation", "expanded", "expansion"):
            tier1_genes.append(c.gene or c.locus)
    family = _family(ctx, sorted(set(tier1_genes)))
    clinical = _clinical(ctx)
    therapies = _therapies(ctx, genetics)

    say("composing the report")
    roles = {"vcf": inputs.vcf, "str_vcf": inputs.str_vcf, "ped": inputs.ped, "clinical": inputs.clinical,
             "phenopacket": inputs.phenopacket, "clinvar": inputs.clinvar, "gnomad": inputs.gnomad}
    prov = provenance({k: str(v) for k, v in roles.items() if v is not None})
    # Only file names go into outputs: a report must not leak the directory layout of the clinic.
    for i in prov.inputs:
        i.path = Path(i.path).name
    resources = [Resource(name="charcot knowledge base", version=prov.knowledge_version,
                          note=f"snapshot {prov.knowledge_snapshot.isoformat()}"), *ctx.resources]
    header = Header(
        report_id=_report_id(prov.inputs, prov.knowledge_version), patient_id=patient_id or sample or "unknown",
        sample_id=sample, str_sample_id=None, sex=ctx.sex, build=build, inputs=prov.inputs,
        software_version=prov.software_version, knowledge_version=prov.knowledge_version,
        knowledge_snapshot=prov.knowledge_snapshot, resources=resources, hpo_terms=ctx.hpo)
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
