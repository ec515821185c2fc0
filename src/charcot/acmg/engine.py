"""Combine the criteria for one variant under the points system.

Each criterion module returns ``Evidence`` items (applied or considered-and-not-applied, with
reason and sources). Family evidence (PS2/PM6 de novo, PP1/BS4 segregation, PM3/BP2 phase) comes
from the caller with its strength and points; curated evidence of a known variant comes from the knowledge
base when the allele matches exactly (charcot.acmg.curated). ClinVar's own assertion is never evidence here
(PP5/BP6 retired, Biesecker & Harrison 2018).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from charcot.acmg.computational import assess_computational
from charcot.acmg.context import VariantContext
from charcot.acmg.curated import curated_evidence
from charcot.acmg.domains import assess_pm1
from charcot.acmg.frequency import assess_frequency
from charcot.acmg.genespecs import assess_gene_rules, risk_allele
from charcot.acmg.known import assess_known
from charcot.acmg.phenotype import assess_pp4
from charcot.acmg.points import STRENGTH_POINTS, classify, label, points_for
from charcot.acmg.protein import assess_length_change
from charcot.acmg.pvs1 import assess_pvs1
from charcot.errors import InputError
from charcot.model import AcmgClass, Evidence
from charcot.variants.model import RiskAllele

# Criteria another module (charcot.family) may supply for a variant.
EXTERNAL_CRITERIA = {"PS2", "PM6", "PP1", "BS4", "PM3", "BP2", "PS3", "BS3", "PS4"}
# Pejaver et al. 2022: PM1 + PP3 together no more than Strong.
PM1_PP3_CAP = 4.0


# Roles whose variants cannot be Mendelian P/LP for ALS: risk and modifier genes (risk-allele scheme instead,
# ClinGen Low Penetrance/Risk Allele WG 2024) and genes whose ALS link is Limited, disputed or refuted.
RISK_ROLES = {"risk_factor", "modifier"}
CAPPED_ROLES = {"candidate", "disputed", "refuted"}


@dataclass
class Classification:
    evidence: list[Evidence]
    points: float
    classification: AcmgClass
    risk_allele: RiskAllele | None = None


def _check_external(e: Evidence) -> Evidence:
    if e.criterion not in EXTERNAL_CRITERIA:
        raise InputError(f"extra evidence for criterion {e.criterion!r} is not accepted",
                         hint=f"accepted: {', '.join(sorted(EXTERNAL_CRITERIA))}")
    if e.strength not in STRENGTH_POINTS:
        raise InputError(f"extra evidence {e.criterion} has unknown strength {e.strength!r}",
                         hint="use Supporting, Moderate, Strong or VeryStrong")
    expected = points_for(e.criterion, e.strength) if e.applied else 0.0
    if e.applied and abs(e.points - expected) > 1e-9:
        raise InputError(f"extra evidence {e.criterion}_{e.strength} carries {e.points} points; the points "
                         f"system gives {expected}", hint="set points from the strength")
    return e


def evaluate(ctx: VariantContext, extra: Sequence[Evidence] = ()) -> Classification:
    evidence: list[Evidence] = []
    evidence += assess_pvs1(ctx)
    evidence += assess_frequency(ctx)
    evidence += assess_known(ctx)
    evidence += assess_gene_rules(ctx)
    evidence += assess_pm1(ctx)
    evidence += assess_length_change(ctx)
    evidence += assess_computational(ctx)
    evidence += assess_pp4(ctx)
    supplied = [_check_external(e) for e in extra]
    # knowledge-base curated evidence for this exact allele, without double counting (charcot.acmg.curated)
    evidence = curated_evidence(ctx, evidence, supplied)
    _one_pm1(evidence)
    _cap_pm1_pp3(evidence)
    points, cls = classify(evidence)
    result = _by_role(ctx, Classification(evidence=evidence, points=points, classification=cls))
    _flag_known_disagreement(ctx, result)
    return result


def _flag_known_disagreement(ctx: VariantContext, result: Classification) -> None:
    """Say so when the knowledge base's curated class for this exact allele and this run's class differ (the
    curated class is never evidence; the note tells the reviewer what this run lacks)."""
    known = ctx.exact_known
    if known is None or not known.classification or known.classification == result.classification.value:
        return
    if known.pathogenic and not result.classification.at_least_likely_pathogenic:
        missing = []
        if not any(e.criterion in ("PM2", "BS1", "BA1") for e in result.evidence):
            missing.append("population frequency")
        if ctx.is_missense and not any(e.criterion in ("PP3", "BP4") for e in result.evidence):
            missing.append("a calibrated predictor score")
        ctx.notes.append(f"the knowledge base records this variant as {known.classification} ({known.record_id}); "
                         f"the evidence available in this run gives {result.classification.value}"
                         + (f" (not assessed here: {', '.join(missing)})" if missing else ""))

def _by_role(ctx: VariantContext, result: Classification) -> Classification:
    """Risk/modifier genes: never P/LP, a risk-allele category instead. Candidate/disputed/refuted genes: at most
    uncertain significance (a Limited gene-disease link cannot carry a pathogenic variant classification)."""
    role = ctx.gene.role.value if ctx.gene is not None else None
    if role in RISK_ROLES:
        found = risk_allele(ctx)
        benign = result.classification in (AcmgClass.LIKELY_BENIGN, AcmgClass.BENIGN)
        # a named risk class (e.g. NEK1 p.Arg261His) holds whatever the population frequency: risk alleles are
        # common by nature, so BA1/BS1 do not rule them out (ClinGen Low Penetrance/Risk Allele WG 2024); the
        # default "uncertain risk allele" is not given to a variant the Mendelian criteria call benign
        if found is not None and (found[3] or not benign):
            category, reason, sources, _ = found
            result.risk_allele = RiskAllele(category=category, reason=reason, sources=sources)
            if benign:
                ctx.notes.append(f"the {result.classification.value.lower()} Mendelian class rests on population "
                                 "frequency, which does not rule out a low-penetrance risk allele")
        if result.classification.at_least_likely_pathogenic:
            ctx.notes.append(f"{ctx.gene_symbol} is an ALS {role.replace('_', ' ')} gene: its variants raise risk or "
                             f"modify the disease and are not Mendelian causes, so the points "
                             f"({result.points:g}) are not reported as {result.classification.value}; see the "
                             "risk-allele category")
            result.classification = AcmgClass.VUS
        else:
            ctx.notes.append(f"{ctx.gene_symbol} is an ALS {role.replace('_', ' ')} gene: reported in the risk-allele "
                             "scheme, not as a Mendelian cause")
    elif role == "mimic" and result.classification.at_least_likely_pathogenic:
        from charcot.acmg.genespecs import pvs1_applicability

        decided = pvs1_applicability(ctx.gene_symbol)
        disease = decided[3] if decided is not None else "the gene's own disease"
        ctx.notes.append(f"{ctx.gene_symbol} is an ALS mimic gene: {result.classification.value} is for {disease}, "
                         "not for ALS")
    elif role in CAPPED_ROLES and result.classification.at_least_likely_pathogenic:
        ctx.notes.append(f"{ctx.gene_symbol}'s link to ALS is {role} (ClinGen), so a variant in it is reported as "
                         f"uncertain significance at most (the points, {result.points:g}, would otherwise give "
                         f"{result.classification.value})")
        result.classification = AcmgClass.VUS
    return result


def _one_pm1(evidence: list[Evidence]) -> None:
    """One PM1 per variant: a gene class rule and a hotspot/domain may both match; the strongest counts."""
    pm1 = [e for e in evidence if e.applied and e.criterion == "PM1"]
    if len(pm1) < 2:
        return
    keep = max(pm1, key=lambda e: e.points)
    for i, e in enumerate(evidence):
        if e.applied and e.criterion == "PM1" and e is not keep:
            evidence[i] = e.model_copy(update={"applied": False, "points": 0.0,
                                               "reason": e.reason + f"; not counted: {label(keep)} already counts "
                                                                    "PM1 for this variant"})


def _cap_pm1_pp3(evidence: list[Evidence]) -> None:
    pm1 = [e for e in evidence if e.applied and e.criterion == "PM1"]
    pp3 = [e for e in evidence if e.applied and e.criterion == "PP3"]
    if not pm1 or not pp3:
        return
    total = sum(e.points for e in pm1 + pp3)
    if total <= PM1_PP3_CAP:
        return
    excess = total - PM1_PP3_CAP
    for i, e in enumerate(evidence):
        if e is pp3[0]:
            new_points = max(0.0, e.points - excess)
            evidence[i] = e.model_copy(update={
                "points": new_points,
                "reason": e.reason + f"; counted {new_points:g} of {e.points:g} points because PM1 + PP3 are "
                                     "capped at Strong (4 points, Pejaver et al. 2022)"})
            break
