"""The eligibility engine: one ``Criterion`` (knowledge schema) evaluated against ``PatientFacts``.

Rules: a fact that is absent makes the criterion ``unknown`` and names the missing fact; it never
fails. A gene criterion fails on "no finding" only when the patient's genetic test covered the gene
(``genetic_testing_done`` and, if given, ``genes_tested``). Repeat criteria need an explicit repeat
status: sequencing without a repeat assay does not assess C9orf72.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from charcot.knowledge.schema.therapies import Criterion, CriterionKind
from charcot.model import AcmgClass, Confidence
from charcot.therapy.model import (
    CriterionResult,
    CriterionStatus,
    GeneFinding,
    PatientFacts,
    RepeatStatus,
    Verdict,
)

_RANK = {
    AcmgClass.PATHOGENIC: 5,
    AcmgClass.LIKELY_PATHOGENIC: 4,
    AcmgClass.VUS: 3,
    AcmgClass.LIKELY_BENIGN: 2,
    AcmgClass.BENIGN: 1,
}


def at_least(classification: AcmgClass, minimum: AcmgClass) -> bool:
    return _RANK[classification] >= _RANK[minimum]


def undecided_genes(facts: PatientFacts) -> set[str]:
    """Genes with a variant that is not classified (consequence unknown): a therapy aimed at one still concerns the
    patient until the variant is classified."""
    return {g.upper() for g in facts.genotype.unclassified_genes}


def partly_tested(facts: PatientFacts, gene: str) -> str | None:
    """What part of ``gene`` the genetic test did not assess (None: assessed whole, or not at all)."""
    return next((why for g, why in facts.genotype.genes_partly_tested.items() if g.upper() == gene.upper()), None)


def _partly_result(c: Criterion, facts: PatientFacts) -> CriterionResult | None:
    """A gene criterion that would read 'no (qualifying) variant' in a gene assessed only in part: unknown, naming
    the part; a variant there cannot be ruled out."""
    assert c.gene is not None
    why = partly_tested(facts, c.gene)
    if why is None:
        return None
    return _result(c, CriterionStatus.UNKNOWN, f"{c.gene} was assessed only in part ({why.rstrip('.')}): a "
                                               "qualifying variant where it was not assessed cannot be ruled out",
                   missing=f"genetic test result for the part of {c.gene} not assessed")


def _norm(text: str) -> str:
    return text.strip().replace(" ", "").lower()


def variant_names(finding: GeneFinding) -> set[str]:
    names = {finding.hgvs_p, finding.hgvs_c, finding.variant_key}
    out = {_norm(n) for n in names if n}
    # accept "p.Ala5Val" and "Ala5Val", and "(p.Ala5Val)"
    out |= {n.removeprefix("p.").strip("()") for n in list(out)}
    return out


def _matches_any(finding: GeneFinding, wanted: Iterable[str]) -> bool:
    names = variant_names(finding)
    for item in wanted:
        norm = _norm(item)
        if norm in names or norm.removeprefix("p.").strip("()") in names:
            return True
    return False


def _label(finding: GeneFinding) -> str:
    return finding.hgvs_p or finding.hgvs_c or finding.variant_key or "variant"


def _gene_covered(facts: PatientFacts, gene: str) -> bool:
    geno = facts.genotype
    if not geno.genetic_testing_done:
        return False
    return geno.genes_tested is None or gene.upper() in {g.upper() for g in geno.genes_tested}


def _result(c: Criterion, status: CriterionStatus, reason: str, missing: str | None = None) -> CriterionResult:
    return CriterionResult(id=c.id, description=c.description, status=status, reason=reason, blocking=c.blocking,
                           applies_to=c.applies_to, missing=missing, sources=list(c.sources),
                           unverified=c.confidence is Confidence.UNVERIFIED)


def _findings(facts: PatientFacts, gene: str) -> list[GeneFinding]:
    return [f for f in facts.genotype.findings if f.gene.upper() == gene.upper()]


def _gene(c: Criterion, facts: PatientFacts) -> CriterionResult:
    assert c.gene is not None and c.min_class is not None
    findings = _findings(facts, c.gene)
    qualifying = [f for f in findings if at_least(f.classification, c.min_class)]
    need = f"{c.gene} classified at least {c.min_class.short}"
    if qualifying:
        if c.preapproved_variants is not None:
            approved = [f for f in qualifying if _matches_any(f, c.preapproved_variants)]
            if approved:
                return _result(c, CriterionStatus.MET, f"{c.gene} {_label(approved[0])} ({approved[0].classification.short}) "
                                                       "is on the pre-approved variant list")
            note = c.review_note or "the variant is not on the pre-approved list"
            return _result(c, CriterionStatus.REVIEW, f"{c.gene} {_label(qualifying[0])} "
                                                      f"({qualifying[0].classification.short}) qualifies by class; {note}")
        return _result(c, CriterionStatus.MET, f"{c.gene} {_label(qualifying[0])} classified "
                                               f"{qualifying[0].classification.value}")
    if c.gene.upper() in undecided_genes(facts):
        return _result(c, CriterionStatus.UNKNOWN, f"a {c.gene} variant was found but not classified (its consequence "
                                                   "is unknown)", missing=f"classification of the {c.gene} variant")
    partly = _partly_result(c, facts)
    if partly is not None:
        return partly
    if findings:
        best = max(findings, key=lambda f: _RANK[f.classification])
        return _result(c, CriterionStatus.FAILED, f"{c.gene} {_label(best)} is classified {best.classification.value}; "
                                                  f"needs {need} (a reclassification would change this)")
    if _gene_covered(facts, c.gene):
        return _result(c, CriterionStatus.FAILED, f"no {c.gene} variant classified at least {c.min_class.short} "
                                                  "was found by the genetic test")
    return _result(c, CriterionStatus.UNKNOWN, f"no genetic result for {c.gene} was given", missing=f"genetic test result for {c.gene}")


def _no_gene(c: Criterion, facts: PatientFacts) -> CriterionResult:
    assert c.gene is not None and c.min_class is not None
    qualifying = [f for f in _findings(facts, c.gene) if at_least(f.classification, c.min_class)]
    if qualifying:
        return _result(c, CriterionStatus.FAILED, f"{c.gene} {_label(qualifying[0])} is {qualifying[0].classification.short}")
    partly = _partly_result(c, facts)
    if partly is not None:
        return partly
    if _gene_covered(facts, c.gene):
        return _result(c, CriterionStatus.MET, f"no qualifying {c.gene} variant found")
    return _result(c, CriterionStatus.UNKNOWN, f"no genetic result for {c.gene} was given", missing=f"genetic test result for {c.gene}")


def _variant(c: Criterion, facts: PatientFacts) -> CriterionResult:
    assert c.gene is not None
    findings = _findings(facts, c.gene)
    hits = [f for f in findings if _matches_any(f, c.variants)]
    if hits:
        return _result(c, CriterionStatus.MET, f"{c.gene} {_label(hits[0])} is one of the required variants")
    partly = _partly_result(c, facts)
    if partly is not None:
        return partly
    if findings:
        return _result(c, CriterionStatus.FAILED, f"{c.gene} {_label(findings[0])} is not one of {', '.join(c.variants)}")
    if _gene_covered(facts, c.gene):
        return _result(c, CriterionStatus.FAILED, f"none of {', '.join(c.variants)} was found")
    return _result(c, CriterionStatus.UNKNOWN, f"no genetic result for {c.gene} was given", missing=f"genetic test result for {c.gene}")


def _repeat(c: Criterion, facts: PatientFacts) -> CriterionResult:
    assert c.gene is not None
    status = next((v for k, v in facts.genotype.repeats.items() if k.upper() == c.gene.upper()), None)
    if status is None or status is RepeatStatus.NOT_ASSESSED:
        return _result(c, CriterionStatus.UNKNOWN, f"{c.gene} repeat status was not assessed",
                       missing=f"{c.gene} repeat status (repeat-primed PCR or a repeat caller)")
    if status.value in c.repeat_status:
        return _result(c, CriterionStatus.MET, f"{c.gene} repeat status is {status.value}")
    return _result(c, CriterionStatus.FAILED, f"{c.gene} repeat status is {status.value}; needs {' or '.join(c.repeat_status)}")


def _affected(facts: PatientFacts) -> bool | None:
    clin = facts.clinical
    if clin.affected is not None:
        return clin.affected
    if clin.presymptomatic_carrier:
        return False
    return None


#: A pedigree's 'affected' without a clinical record: what is missing for a criterion on clinically manifest ALS.
PEDIGREE_ONLY = "affected according to the pedigree, but no ALS diagnosis is on record"
DIAGNOSIS_MISSING = "ALS diagnosis (the clinical record with the diagnosis date)"
#: What a symptomatic clinical record without a diagnosis by the matching date misses.
RECORD_DIAGNOSIS_MISSING = "ALS diagnosis (date)"


def _pedigree_only(facts: PatientFacts) -> bool:
    """The patient's only status is the pedigree's 'affected': not a clinical diagnosis (it may record FTD, another
    motor neuron disease or a reported status), so neither 'clinically manifest ALS' nor 'presymptomatic'."""
    return _affected(facts) is None and facts.clinical.pedigree_affected is True


def _diagnosis(c: Criterion, facts: PatientFacts) -> CriterionResult:
    affected = _affected(facts)
    if _pedigree_only(facts):
        return _result(c, CriterionStatus.UNKNOWN, f"{PEDIGREE_ONLY}; a pedigree's affection status is not a "
                                                   "clinical diagnosis: it may record FTD, another motor neuron "
                                                   "disease or a reported status", missing=DIAGNOSIS_MISSING)
    if affected is None:
        return _result(c, CriterionStatus.UNKNOWN, "whether the person has clinically manifest ALS was not given",
                       missing="affected status (clinically manifest ALS or not)")
    if not affected:
        return _result(c, CriterionStatus.FAILED, "no clinically manifest ALS (presymptomatic)")
    if not c.diagnostic_categories:
        if facts.clinical.als_diagnosed is False:  # symptomatic, in the diagnostic work-up: not yet ALS for a label
            return _result(c, CriterionStatus.UNKNOWN, "symptomatic, but no ALS diagnosis is recorded by the matching "
                                                       "date", missing=RECORD_DIAGNOSIS_MISSING)
        return _result(c, CriterionStatus.MET, "clinically manifest ALS")
    from charcot.clinical.criteria import CATEGORY_TITLES  # the words the clinical assessment prints

    wanted = " or ".join(CATEGORY_TITLES[k] for k in c.diagnostic_categories)
    category = facts.clinical.el_escorial
    if category is None:
        return _result(c, CriterionStatus.UNKNOWN, f"revised El Escorial category not given; the trial needs {wanted}",
                       missing="revised El Escorial category")
    if category in c.diagnostic_categories:
        return _result(c, CriterionStatus.MET, f"{CATEGORY_TITLES[category]} (revised El Escorial)")
    return _result(c, CriterionStatus.FAILED, f"{CATEGORY_TITLES[category]} (revised El Escorial); the trial needs "
                                              f"{wanted}")


def _presymptomatic(c: Criterion, facts: PatientFacts) -> CriterionResult:
    affected = _affected(facts)
    if _pedigree_only(facts):
        return _result(c, CriterionStatus.UNKNOWN, f"{PEDIGREE_ONLY}: whether the person has symptoms of ALS is not "
                                                   "on record", missing="clinical status (the clinical record: symptom onset, ALS diagnosis)")
    if affected is None:
        return _result(c, CriterionStatus.UNKNOWN, "whether the person is symptomatic was not given",
                       missing="affected status (clinically manifest ALS or not)")
    if affected:
        return _result(c, CriterionStatus.FAILED, "has clinically manifest ALS; the criterion needs a presymptomatic carrier")
    return _result(c, CriterionStatus.MET, "presymptomatic (no clinically manifest ALS)")


#: ``applies_to`` values that name a later stage of a study: a criterion there that is not met yet is pending.
LATER_STAGES = frozenset({"randomisation", "treatment_start"})

_NUMERIC_FACT = {
    CriterionKind.AGE: ("age", "age (years)"),
    CriterionKind.ALSFRS_R: ("alsfrs_r", "ALSFRS-R total"),
    CriterionKind.FVC: ("fvc_percent", "FVC (% predicted)"),
    CriterionKind.DURATION: ("disease_duration_months", "disease duration from symptom onset (months)"),
    CriterionKind.TIME_SINCE_DIAGNOSIS: ("months_since_diagnosis", "time since diagnosis (months)"),
    CriterionKind.PROGRESSION_RATE: ("progression_rate", "ALSFRS-R decline since onset (points/month)"),
    CriterionKind.NFL: ("nfl_pg_ml", "plasma NfL (pg/mL)"),
}


def _bound_text(c: Criterion) -> str:
    low = f"{'>' if c.min_exclusive else '>='} {c.min:g}" if c.min is not None else ""
    high = f"{'<' if c.max_exclusive else '<='} {c.max:g}" if c.max is not None else ""
    return " and ".join(p for p in (low, high) if p)


def within(c: Criterion, value: float) -> bool:
    low_ok = c.min is None or (value > c.min if c.min_exclusive else value >= c.min)
    high_ok = c.max is None or (value < c.max if c.max_exclusive else value <= c.max)
    return low_ok and high_ok


def _fact(c: Criterion, facts: PatientFacts) -> tuple[float | None, str]:
    """The patient value a numeric criterion reads, and how it was obtained (derived values say so)."""
    field, _ = _NUMERIC_FACT[c.kind]
    clin = facts.clinical
    value = getattr(clin, field)
    if value is not None and c.kind is CriterionKind.AGE and value != math.floor(value):
        # registries state ages in completed years ("18 to 81 years" includes someone aged 81 and a half)
        return float(math.floor(value)), f" completed years (age {value:g})"
    if value is not None:
        return value, ""
    if c.kind is CriterionKind.PROGRESSION_RATE and clin.alsfrs_r is not None and clin.disease_duration_months:
        return (48 - clin.alsfrs_r) / clin.disease_duration_months, " (from ALSFRS-R and time since onset)"
    return None, ""


#: A measurement taken more than this many days before the matching date is not used for a criterion: trials
#: read ALSFRS-R, FVC and NfL at screening, and the clinical assessment asks for vital capacity about every 3 months
#: (``clinical.alerts.FVC_RECENT_DAYS``). A stale value makes the criterion unknown, never met or failed.
MEASUREMENT_MAX_AGE_DAYS = 92
_MEASURED_ON = {CriterionKind.ALSFRS_R: "alsfrs_r_date", CriterionKind.FVC: "fvc_date",
                CriterionKind.NFL: "nfl_date", CriterionKind.PROGRESSION_RATE: "alsfrs_r_date"}


def _stale(c: Criterion, facts: PatientFacts, on: date | None, reading: tuple[date | None] | None = None) -> str | None:
    """Why the patient's value for ``c`` cannot be used on ``on`` (measured too long before, or after it);
    ``reading`` holds the measurement date to judge instead of the one the facts hold for the criterion's kind."""
    attr = _MEASURED_ON.get(c.kind)
    if reading is not None:
        measured = reading[0]
    else:
        measured = getattr(facts.clinical, attr) if attr and on is not None else None
    if measured is None or on is None:
        return None
    if measured > on:
        return f"measured on {measured.isoformat()}, after the matching date {on.isoformat()}"
    if (on - measured).days > MEASUREMENT_MAX_AGE_DAYS:
        return (f"measured on {measured.isoformat()}, more than {MEASUREMENT_MAX_AGE_DAYS} days before the matching "
                f"date {on.isoformat()}")
    return None


class _VitalCapacity(NamedTuple):
    """One kind of vital capacity in the patient facts, and its words."""

    value: str  # the facts' field holding it (% predicted)
    measured: str  # the facts' field holding its date
    label: str  # as a criterion's value is labelled
    name: str  # the measurement, in words
    short: str  # its abbreviation

    @property
    def named(self) -> str:
        return f"{self.name} ({self.short})"


_VITAL_CAPACITY = {
    "forced": _VitalCapacity("fvc_percent", "fvc_date", "FVC (% predicted)", "forced vital capacity", "FVC"),
    "slow": _VitalCapacity("svc_percent", "svc_date", "slow vital capacity (SVC, % predicted)", "slow vital capacity",
                           "SVC"),
}


def _vital_capacity(c: Criterion, facts: PatientFacts, on: date | None) -> CriterionResult:
    """A criterion on vital capacity, read from the kind the criterion is stated on. FVC and slow VC are different
    measurements: a slow VC reached the FVC criteria as if it were an FVC. A kind the criterion does not accept
    (by the knowledge base's cited record) is never read for it: the criterion is unknown, saying what to measure."""
    accepted = c.vital_capacities
    clin = facts.clinical
    readings = {kind: (getattr(clin, vc.value), getattr(clin, vc.measured)) for kind, vc in _VITAL_CAPACITY.items()}
    usable = [(kind, *readings[kind]) for kind in accepted if readings[kind][0] is not None]
    if usable:
        # a recent value before a stale one, then the latest (undated facts are the current ones), then the kind
        # the protocol itself names first
        def rank(item: tuple[str, float, date | None]) -> tuple[bool, date, int]:
            kind, _, when = item
            return (_stale(c, facts, on, (when,)) is None, when or date.max, -accepted.index(kind))

        kind, value, when = max(usable, key=rank)
        result = _numeric(c, facts, on, reading=(value, _VITAL_CAPACITY[kind].label, when))
        unread = [k for k in _VITAL_CAPACITY if k not in accepted and readings[k][0] is not None]
        if result.status is CriterionStatus.UNKNOWN and unread:
            result.reason += (f" (the record's {_VITAL_CAPACITY[unread[0]].named} is not read: this criterion is on "
                              f"{' or '.join(_VITAL_CAPACITY[k].named for k in accepted)})")
        return result
    wanted = " or ".join(_VITAL_CAPACITY[k].named for k in accepted)
    measure = " or ".join(_VITAL_CAPACITY[k].short for k in accepted)
    bound = f"{_bound_text(c)}{f' {c.unit}' if c.unit else ''}"
    first = _VITAL_CAPACITY[accepted[0]]
    other = next((k for k in _VITAL_CAPACITY if readings[k][0] is not None), None)
    if other is not None:
        (value, when), vc = readings[other], _VITAL_CAPACITY[other]
        dated = f" on {when.isoformat()}" if when else ""
        return _result(c, CriterionStatus.UNKNOWN,
                       f"the record has a {vc.name} ({vc.short} {value:g}% predicted{dated}); this criterion is on "
                       f"{wanted}, and charcot's knowledge base does not record that it accepts a {vc.name}: measure "
                       f"{measure} (needs {bound})", missing=first.label)
    return _result(c, CriterionStatus.UNKNOWN, f"{first.label} not given; needs {bound}", missing=first.label)


def _numeric(c: Criterion, facts: PatientFacts, on: date | None = None,
             reading: tuple[float, str, date | None] | None = None) -> CriterionResult:
    """A numeric criterion; ``reading`` (value, words, measurement date) gives the patient value when the criterion's
    kind does not name a single fact (a vital capacity of the kind it accepts)."""
    _, label = _NUMERIC_FACT[c.kind]
    value, how = _fact(c, facts)
    measured: tuple[date | None] | None = None
    if reading is not None:
        value, label, when = reading
        how, measured = "", (when,)
    bound = _bound_text(c)
    unit = f" {c.unit}" if c.unit else ""
    stale = _stale(c, facts, on, measured) if value is not None else None
    if stale is not None:
        return _result(c, CriterionStatus.UNKNOWN, f"{label} {value:g}{how} was {stale}; needs {bound}{unit} "
                                                   "measured recently: re-measure", missing=f"a recent {label}")
    span = facts.clinical.disease_duration_range_months
    ranges = {CriterionKind.DURATION: span, CriterionKind.PROGRESSION_RATE: facts.clinical.progression_rate_range}
    known_range = ranges.get(c.kind)
    if value is not None and not how and known_range is not None and known_range[0] != known_range[1]:
        # an onset known to the month or year: the duration (and the decline per month since onset) is a range,
        # decided only when the whole range is (an open top: the onset may lie just before the visit)
        shortest, longest = known_range
        top = math.inf if longest is None else longest
        inside = within(c, shortest) and within(c, top)
        above = c.max is not None and (shortest >= c.max if c.max_exclusive else shortest > c.max)
        below = c.min is not None and (top <= c.min if c.min_exclusive else top < c.min)
        shown = "{:.1f}" if c.kind is CriterionKind.DURATION else "{:.2f}"
        what = (f"{label} is {shown.format(shortest)} to "
                f"{'any higher value' if longest is None else shown.format(longest)} (symptom onset known to the "
                f"month or year only; {value:g} from the completed date)")
        if inside:
            return _result(c, CriterionStatus.MET, f"{what}; needs {bound}{unit}")
        if above or below:
            return _result(c, CriterionStatus.FAILED, f"{what}; needs {bound}{unit}")
        return _result(c, CriterionStatus.UNKNOWN, f"{what}: the onset date does not decide whether it is {bound}"
                                                   f"{unit}; record the onset date more precisely",
                       missing="the symptom onset date to the day")
    if value is None and c.kind is CriterionKind.TIME_SINCE_DIAGNOSIS and c.max is not None and c.min is None:
        # the longest duration the onset allows bounds the time since diagnosis
        onset = span[1] if span is not None else facts.clinical.disease_duration_months
        if onset is not None and within(c, onset):
            # diagnosis comes after onset, so time since diagnosis is at most time since onset (an upper bound
            # only: it says nothing about a lower one, so a criterion with a minimum stays unknown)
            return _result(c, CriterionStatus.MET, f"time since diagnosis not given, but symptom onset was {onset:g} months "
                                                   f"ago, so time since diagnosis is {bound}{unit}")
    if value is None:
        return _result(c, CriterionStatus.UNKNOWN, f"{label} not given; needs {bound}{unit}", missing=label)
    status = CriterionStatus.MET if within(c, value) else CriterionStatus.FAILED
    if status is CriterionStatus.FAILED and c.outside_range == "review":
        # outside the bounds the protocol decides itself: not a failure charcot can declare
        return _result(c, CriterionStatus.REVIEW, f"{label} is {value:g}{how}, not {bound}{unit}: {c.review_note}")
    if status is CriterionStatus.FAILED and c.applies_to in LATER_STAGES:
        return _result(c, CriterionStatus.PENDING, f"{label} is {value:g}{how}; {c.applies_to} happens when it is "
                                                   f"{bound}{unit} (a later stage of the study, not an entry condition)")
    return _result(c, status, f"{label} is {value:g}{how}; needs {bound}{unit}")


def _sex(c: Criterion, facts: PatientFacts) -> CriterionResult:
    if facts.clinical.sex is None:
        return _result(c, CriterionStatus.UNKNOWN, "sex not given", missing="sex")
    ok = facts.clinical.sex in c.sexes
    return _result(c, CriterionStatus.MET if ok else CriterionStatus.FAILED, f"sex is {facts.clinical.sex}")


def _symptom(c: Criterion, facts: PatientFacts) -> CriterionResult:
    name = c.symptom or ""
    label = name.replace("_", " ")
    present = facts.clinical.symptoms.get(name)
    if present is None:
        return _result(c, CriterionStatus.UNKNOWN, f"{label} not recorded", missing=label)
    return _result(c, CriterionStatus.MET if present else CriterionStatus.FAILED,
                   f"{label} recorded as {'present' if present else 'absent'}")


def _no_dementia(c: Criterion, facts: PatientFacts) -> CriterionResult:
    ftd = facts.clinical.als_ftd
    if ftd is None:
        return _result(c, CriterionStatus.UNKNOWN, "whether the patient has dementia (ALS-FTD) was not recorded",
                       missing="cognitive status (ALS-FTD or not: ftd or the Strong 2017 category)")
    if ftd:
        return _result(c, CriterionStatus.FAILED, "ALS with frontotemporal dementia (ALS-FTD) is recorded")
    return _result(c, CriterionStatus.MET, "no frontotemporal dementia recorded (not ALS-FTD)")


def evaluate(criterion: Criterion, facts: PatientFacts, on: date | None = None) -> CriterionResult:
    """``criterion`` against ``facts`` on the matching date ``on`` (None: measurements are taken as current)."""
    kind = criterion.kind
    if kind is CriterionKind.GENE:
        return _gene(criterion, facts)
    if kind is CriterionKind.NO_GENE:
        return _no_gene(criterion, facts)
    if kind is CriterionKind.VARIANT:
        return _variant(criterion, facts)
    if kind is CriterionKind.REPEAT:
        return _repeat(criterion, facts)
    if kind is CriterionKind.DIAGNOSIS:
        return _diagnosis(criterion, facts)
    if kind is CriterionKind.PRESYMPTOMATIC:
        return _presymptomatic(criterion, facts)
    if kind is CriterionKind.SEX:
        return _sex(criterion, facts)
    if kind is CriterionKind.SYMPTOM:
        return _symptom(criterion, facts)
    if kind is CriterionKind.NO_DEMENTIA:
        return _no_dementia(criterion, facts)
    if kind is CriterionKind.FVC:
        return _vital_capacity(criterion, facts, on)
    return _numeric(criterion, facts, on)


def combine(results: list[CriterionResult]) -> Verdict:
    """Verdict from blocking criteria: any failed -> not eligible; else any unknown -> cannot decide;
    else any review -> committee review; else eligible. Non-blocking and pending criteria never change it;
    whether the study is open is applied by the matching layer (a closed study is never 'eligible')."""
    blocking = [r for r in results if r.blocking]
    if any(r.status is CriterionStatus.FAILED for r in blocking):
        return Verdict.NOT_ELIGIBLE
    if any(r.status is CriterionStatus.UNKNOWN for r in blocking):
        return Verdict.CANNOT_DECIDE
    if any(r.status is CriterionStatus.REVIEW for r in blocking):
        return Verdict.COMMITTEE_REVIEW
    return Verdict.ELIGIBLE
