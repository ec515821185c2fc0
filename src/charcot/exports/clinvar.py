"""A ClinVar Submission API file (JSON) for the classifications of a signed-off report.

The payload follows ClinVar's own Submission API schema (``schemas/clinvar_submission_api_schema.json``,
copied from ncbi/clinvar) and is validated against it before it is written: one ``germlineSubmission`` per
classified variant, with chromosome coordinates and HGVS, the gene, the condition (the gene's ClinGen ALS
GCEP disease, else amyotrophic lateral sclerosis), the ACMG/AMP 2015 guideline as assertion criteria, and the
criteria with their reasons as the comment. Variants charcot could not classify are never submitted.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from charcot.errors import InputError
from charcot.report.model import Report, VariantFinding

SCHEMA = Path(__file__).parent / "schemas" / "clinvar_submission_api_schema.json"
ACMG_2015_PMID = "25741868"  # Richards et al. 2015, the standard ClinVar names as assertion criteria
ALS_MONDO = "MONDO:0004976"  # amyotrophic lateral sclerosis
SUBMITTABLE = {"Pathogenic", "Likely pathogenic", "Uncertain significance", "Likely benign", "Benign",
               "Established risk allele", "Likely risk allele", "Uncertain risk allele"}
_INHERITANCE = {"AD": "Autosomal dominant inheritance", "AR": "Autosomal recessive inheritance",
                "XL": "X-linked inheritance", "XLD": "X-linked dominant inheritance",
                "XLR": "X-linked recessive inheritance", "MT": "Mitochondrial inheritance"}


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def validation_errors(payload: dict[str, Any]) -> list[str]:
    """Messages of every place where ``payload`` breaks ClinVar's Submission API schema."""
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
            for e in sorted(_validator().iter_errors(payload), key=lambda e: list(map(str, e.absolute_path)))]


def _pmids(sources: list[str]) -> list[dict[str, str]]:
    from charcot.knowledge import get_knowledge

    bib = get_knowledge().bibliography
    out: list[dict[str, str]] = []
    for key in sources:
        entry = bib.get(key)
        if entry is not None and entry.pmid and entry.pmid.strip().isdigit():
            cite = {"db": "PubMed", "id": entry.pmid.strip()}
            if cite not in out:
                out.append(cite)
    return out


def _condition(gene_symbol: str | None) -> dict[str, str]:
    from charcot.knowledge import get_knowledge

    gene = get_knowledge().find_gene(gene_symbol) if gene_symbol else None
    if gene is not None:
        mondo = sorted({a.mondo for a in gene.als_clingen if a.mondo})
        if len(mondo) == 1:
            return {"db": "MONDO", "id": mondo[0]}
    return {"db": "MONDO", "id": ALS_MONDO}


def _mode_of_inheritance(gene_symbol: str | None) -> str | None:
    from charcot.knowledge import get_knowledge

    gene = get_knowledge().find_gene(gene_symbol) if gene_symbol else None
    if gene is None or len(gene.inheritance) != 1:
        return None  # unknown or several modes: ClinVar asks for the variant-disease mode, so say nothing
    return _INHERITANCE.get(gene.inheritance[0].value)


def hgvs_c(f: VariantFinding) -> str | None:
    """The c. expression with its transcript (findings carry it with or without the transcript prefix)."""
    if not f.hgvs_c:
        return None
    if ":" in f.hgvs_c or not f.transcript:
        return f.hgvs_c
    return f"{f.transcript}:{f.hgvs_c}"


def submitted_classification(f: VariantFinding) -> str | None:
    """What ClinVar is told: a risk-gene variant's low-penetrance category (ClinVar's own terms, "Established risk
    allele" ...) where the report gives one, since that is the report's statement about ALS; else the ACMG class."""
    if f.risk_allele:
        return f.risk_allele[:1].upper() + f.risk_allele[1:]
    return f.classification


def _comment(f: VariantFinding) -> str:
    applied = [e for e in f.evidence if e.applied]
    parts = [f"{e.criterion} ({e.strength}): {e.reason}" for e in applied]
    # ClinVar takes either coordinates or HGVS for a variant; charcot submits coordinates and names the HGVS here
    name = " ".join(x for x in (hgvs_c(f), f.hgvs_p) if x)
    head = (f"{name}. " if name else "") + "Classified with the ACMG/AMP 2015 criteria" + \
        (f" (points: {f.points:g})" if f.points is not None else "") + " by charcot. "
    if f.risk_allele:
        head += (f"Mendelian class {f.classification or 'not classified'}; reported as {f.risk_allele} under the "
                 f"ClinGen low-penetrance/risk allele framework: {f.risk_allele_reason or ''} ")
    return (head + " ".join(parts))[:4000]


def _submission(f: VariantFinding, report: Report, evaluated: date, affected: str) -> dict[str, Any]:
    classification: dict[str, Any] = {
        "germlineClassificationDescription": submitted_classification(f),
        "dateLastEvaluated": evaluated.isoformat(),
        "comment": _comment(f),
    }
    citations = _pmids(sorted({s for e in f.evidence if e.applied for s in e.sources}))
    if citations:
        classification["citation"] = citations
    moi = _mode_of_inheritance(f.gene)
    if moi:
        classification["modeOfInheritance"] = moi
    variant: dict[str, Any] = {"chromosomeCoordinates": {
        "assembly": report.header.build, "chromosome": f.chrom, "start": f.pos, "stop": f.pos + len(f.ref) - 1,
        "referenceAllele": f.ref, "alternateAllele": f.alt}}
    if f.gene:
        variant["gene"] = [{"symbol": f.gene}]
    return {
        "recordStatus": "novel",
        "localID": f"{report.header.report_id}:{f.key}",
        "localKey": f"{report.header.report_id}:{f.key}",
        "submittedAssembly": report.header.build,
        "germlineClassification": classification,
        "observedIn": [{"alleleOrigin": "germline", "affectedStatus": affected, "collectionMethod": "clinical testing",
                        "numberOfIndividuals": 1}],
        "variantSet": {"variant": [variant]},
        "conditionSet": {"condition": [_condition(f.gene)]},
    }


def clinvar_submission(report: Report, *, affected: str = "unknown", release: str = "public",
                       evaluated: date | None = None) -> dict[str, Any]:
    """The Submission API payload for every classified, reportable variant of ``report``.

    ``affected`` is the proband's status for the condition (``yes``/``no``/``unknown``). Raises InputError when
    the report has no build or nothing submittable, or when the payload breaks ClinVar's schema."""
    if report.header.build not in ("GRCh37", "GRCh38"):
        raise InputError("the report has no genome build; ClinVar needs chromosome coordinates on GRCh37 or GRCh38",
                         hint="re-run the report with --build")
    # ClinVar's "date last evaluated" is when the submitter last evaluated the classification: the reviewer's
    # sign-off (only signed-off reports are submitted), not the day the report was computed
    when = evaluated or report.signoff.signed_on or report.run.run_time.date()
    findings = [f for t in report.genetics.tiers for f in t.findings if submitted_classification(f) in SUBMITTABLE]
    if not findings:
        raise InputError("the report holds no classified variant to submit",
                         hint="variants that were not classified (e.g. consequence unknown) are never submitted")
    payload: dict[str, Any] = {
        "clinvarSubmissionReleaseStatus": release,
        "assertionCriteria": {"db": "PubMed", "id": ACMG_2015_PMID},
        "germlineSubmission": [_submission(f, report, when, affected) for f in findings],
    }
    problems = validation_errors(payload)
    if problems:
        raise InputError("the ClinVar submission does not validate against ClinVar's schema: " + "; ".join(problems[:5]),
                         hint="this is a charcot bug if the report is well formed; please report it")
    return payload
