"""Public API of charcot.clinical: load a case, assess it, draw its plots.

Determinism: every result depends only on the case, the knowledge snapshot and ``today``; when
``today`` is not given the date of the last visit is used, and ``today_source`` says which.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from charcot.clinical import alerts as alerts_mod
from charcot.clinical import criteria as criteria_mod
from charcot.clinical import mimics as mimics_mod
from charcot.clinical import prognosis, staging
from charcot.clinical.alsfrs import AlsfrsScore, score
from charcot.clinical.cognition import CognitionAssessment, assess_cognition
from charcot.clinical.d50 import D50Fit, fit_d50
from charcot.clinical.model import (
    C9orf72Status,
    ClinicalCase,
    DatePrecision,
    ElEscorialCategory,
    FamilyHistory,
    FvcKind,
    Genotype,
    NivStatus,
    OnsetRegion,
    months_between,
    years_between,
)
from charcot.clinical.progression import DeltaFs, Slope, delta_fs, least_squares_slope, two_point_slope
from charcot.errors import InputError, NotAssessable
from charcot.model import MAX_AGE_YEARS, NotAssessed

BASELINE_WINDOW_BEFORE_DIAGNOSIS = timedelta(days=31)
BASELINE_LATE_CAVEAT_DAYS = 92
FVC_MATCH_DAYS = 92


class ClinicalAssessment(BaseModel):
    case_id: str
    today: date
    today_source: str  # "explicit", "last_visit", "diagnosis" (later than the last visit), "death" (later than
    # both) or "onset" (nothing else recorded)
    onset_date: date
    onset_precision: DatePrecision
    onset_region: OnsetRegion
    months_since_onset_today: float
    alsfrs_r: list[AlsfrsScore]
    delta_fs_at_diagnosis: DeltaFs | None
    delta_fs_latest: DeltaFs | None
    slopes: list[Slope]
    d50: D50Fit | None
    kings_clinical: staging.KingsStage
    kings_alsfrs_r: list[staging.KingsStage]
    mitos: list[staging.MitosStage]
    encals: prognosis.EncalsResult
    tricals: prognosis.TricalsResult
    criteria: list[criteria_mod.CriteriaResult]
    mimics: list[mimics_mod.MimicCheck]
    care_alerts: list[alerts_mod.CareAlert]
    cognition: CognitionAssessment | None
    family_history: FamilyHistory | None
    genotype: Genotype
    not_assessed: list[NotAssessed]
    caveats: list[str]
    sources: list[str]

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, fixed indentation (byte-reproducible)."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def load_case(path: Path) -> ClinicalCase:
    from charcot.clinical.io import load_case as _load

    return _load(Path(path))


def _resolve_today(case: ClinicalCase, today: date | None) -> tuple[date, str]:
    if today is not None:
        if today < case.onset.date:
            raise InputError(f"the assessment date {today.isoformat()} is before symptom onset "
                             f"({case.onset.date.isoformat()})", hint="give a date on or after symptom onset")
        if case.date_of_birth is not None and years_between(case.date_of_birth, today) > MAX_AGE_YEARS:
            raise InputError(f"the assessment date {today.isoformat()} would make the patient "
                             f"{years_between(case.date_of_birth, today):.0f} years old (more than {MAX_AGE_YEARS})",
                             hint="check the date (YYYY-MM-DD)")
        return today, "explicit"
    # The latest recorded date: a diagnosis made after the last visit is part of the record, and so is a death
    # recorded after both (assessed as of the last visit, a deceased patient got predictions and care alerts).
    if case.visits and (case.diagnosis is None or case.visits[-1].date >= case.diagnosis.date):
        when, source = case.visits[-1].date, "last_visit"
    elif case.diagnosis is not None:
        when, source = case.diagnosis.date, "diagnosis"
    else:
        when, source = case.onset.date, "onset"
    if case.death_date is not None and case.death_date > when:
        return case.death_date, "death"
    return when, source


def _c9_choice(case: ClinicalCase, c9orf72_status: str | None) -> tuple[bool | None, list[str]]:
    recorded = case.genotype.c9orf72_status
    if c9orf72_status is None:
        if recorded is C9orf72Status.NOT_ASSESSED:
            return None, []
        return recorded is C9orf72Status.EXPANDED, []
    try:
        chosen = C9orf72Status(c9orf72_status)
    except ValueError as exc:
        raise InputError(f"c9orf72_status must be 'expanded' or 'normal', got {c9orf72_status!r}",
                         record="c9orf72_status",
                         hint="write the laboratory's C9orf72 result as expanded or normal, or leave it out") from exc
    if chosen is C9orf72Status.NOT_ASSESSED:
        return _c9_choice(case, None)
    if recorded is not C9orf72Status.NOT_ASSESSED and recorded is not chosen:
        raise InputError(f"c9orf72_status {chosen.value!r} contradicts the case record ({recorded.value!r})",
                         record="c9orf72_status", hint="drop the option or correct the case file")
    caveats = [] if recorded is chosen else [
        f"C9orf72 status not assessed in the case: the caller chose to assume '{chosen.value}'"]
    return chosen is C9orf72Status.EXPANDED, caveats


def _predictors(case: ClinicalCase, today: date, rees: criteria_mod.CriteriaResult | None,
                ftd: bool | None, c9: bool | None) -> tuple[prognosis.Predictors | None, list[str], list[str]]:
    """Gather ENCALS predictors (data at diagnosis); return (predictors, refusal reasons, caveats)."""
    reasons: list[str] = []
    caveats: list[str] = []
    diag = case.diagnosis
    delta = None
    fvc = None
    delay = None
    if diag is None:
        reasons.append("no diagnosis date recorded: diagnostic delay and data at diagnosis are needed")
    elif diag.date > today:
        reasons.append(f"the diagnosis ({diag.date.isoformat()}) is after the assessment date ({today.isoformat()}): "
                       "the model uses data at diagnosis")
    else:
        delay = months_between(case.onset.date, diag.date)
        candidates = [v for v in case.visits_until(today) if v.alsfrs_r is not None
                      and v.date >= diag.date - BASELINE_WINDOW_BEFORE_DIAGNOSIS]
        if not candidates:
            window = BASELINE_WINDOW_BEFORE_DIAGNOSIS.days
            earlier = [v.date for v in case.visits_until(today) if v.alsfrs_r is not None]
            reasons.append(f"no ALSFRS-R visit from {window} days before diagnosis onwards (ΔFRS at diagnosis is "
                           "needed)" + (f"; the latest earlier one, {earlier[-1].isoformat()}, is "
                                        f"{(diag.date - earlier[-1]).days} days before diagnosis" if earlier else ""))
        else:
            base = candidates[0]
            assert base.alsfrs_r is not None
            months = months_between(case.onset.date, base.date)
            if months <= 0:
                reasons.append("baseline visit is on the onset date: ΔFRS undefined")
            else:
                delta = (48 - sum(base.alsfrs_r.items())) / months
            if (base.date - diag.date).days > BASELINE_LATE_CAVEAT_DAYS:
                caveats.append(f"baseline ALSFRS-R is from {base.date.isoformat()}, more than 3 months after "
                               "diagnosis; the model was built on data at diagnosis")
            near = sorted((abs((v.date - base.date).days), v.date, v) for v in case.visits_until(today)
                          if v.fvc_percent_predicted is not None)
            if not near or near[0][0] > FVC_MATCH_DAYS:
                reasons.append(f"no vital capacity (FVC or slow VC, % predicted) within {FVC_MATCH_DAYS} days of the "
                               "baseline visit")
            else:
                visit = near[0][2]
                fvc = visit.fvc_percent_predicted
                # the model's vital capacity may be slow or forced (S-PrecALS: "%predicted slow/forced vital
                # capacity"), but the two are different measurements: the caveat says which one was read
                slow = visit.fvc_kind is FvcKind.SLOW
                read = (f"vital capacity read: {'slow vital capacity (SVC)' if slow else 'FVC'} {fvc:g}% predicted "
                        f"on {visit.date.isoformat()}")
                if slow:
                    read += " (the model's published code takes a slow or a forced vital capacity)"
                if visit.fvc_reference_equation is None:
                    caveats.append(f"{read}; reference equation not recorded: % predicted depends on it")
                else:
                    caveats.append(f"{read}, reference equation {visit.fvc_reference_equation}")
    age = None
    if case.date_of_birth is None:
        reasons.append("date of birth missing: age at onset is needed")
    else:
        age = years_between(case.date_of_birth, case.onset.date)
    if diag is not None and diag.el_escorial_at_diagnosis is not None:
        definite: bool | None = diag.el_escorial_at_diagnosis is ElEscorialCategory.DEFINITE
    elif rees is not None:
        definite = rees.category == criteria_mod.DEFINITE
        caveats.append("'definite ALS' taken from the revised El Escorial category of the recorded examination, "
                       "not a category recorded at diagnosis")
    else:
        definite = None
        reasons.append("revised El Escorial category at diagnosis unknown (no category and no examination)")
    if ftd is None:
        reasons.append("FTD status unknown: record cognition (Strong 2017 category or findings) or ftd: true/false")
    if case.onset.imputation_note is not None:
        caveats.append(case.onset.imputation_note)
    if reasons or delta is None or delay is None or fvc is None or age is None or definite is None or ftd is None:
        return None, reasons, caveats
    p = prognosis.Predictors(delta_frs=delta, diagnostic_delay_months=delay, age_at_onset_years=age,
                             fvc_percent_predicted=fvc, bulbar_onset=case.onset.region is OnsetRegion.BULBAR,
                             definite_als=definite, ftd=ftd, c9orf72_expanded=c9)
    problems = prognosis.domain_problems(p)
    return (None, problems, caveats) if problems else (p, [], caveats)


def _outcome_reached(case: ClinicalCase, today: date) -> str | None:
    if case.death_date is not None and case.death_date <= today:
        return "death is recorded: the model predicts an outcome already reached"
    for v in case.visits_until(today):
        if v.tracheostomy or (v.niv is NivStatus.IN_USE and (v.niv_hours_per_day or 0) > 23):
            return "tracheostomy or NIV > 23 h/day recorded: the model's composite outcome is already reached"
        if v.alsfrs_r is not None and v.alsfrs_r.q12 == 0:
            return (f"ALSFRS-R item 12 is 0 on {v.date.isoformat()} (invasive mechanical ventilation): the model's "
                    "composite outcome is already reached")
    return None


def _prognosis(case: ClinicalCase, today: date, months_today: float, rees: criteria_mod.CriteriaResult | None,
               ftd: bool | None, c9orf72_status: str | None) -> tuple[prognosis.EncalsResult, prognosis.TricalsResult]:
    c9, c9_caveats = _c9_choice(case, c9orf72_status)
    predictors, reasons, caveats = _predictors(case, today, rees, ftd, c9)
    reached = _outcome_reached(case, today)
    if reached:
        reasons = [*reasons, reached]
    tricals_caveats = [prognosis.CONFIDENCE_NOTE, *caveats,
                       "ΔFRS here is measured at diagnosis; the TRICALS code measures it at trial screening"]
    if predictors is None or reached:
        tricals = prognosis.TricalsResult(status="refused", refusal_reasons=reasons, caveats=tricals_caveats)
    else:
        tricals = prognosis.TricalsResult(status="assessed",
                                          risk_profile=round(prognosis.tricals_risk_profile(predictors), 6),
                                          caveats=tricals_caveats)
    encals_reasons = list(reasons)
    if c9 is None:
        encals_reasons.append("C9orf72 status not assessed: record the genetic result, or state an assumption "
                              "explicitly (C9orf72 normal or expanded), or use the 7-predictor TRICALS profile")
    if predictors is None or encals_reasons:
        return prognosis.EncalsResult(status="refused", refusal_reasons=encals_reasons,
                                      caveats=[prognosis.CONFIDENCE_NOTE, *caveats, *c9_caveats]), tricals
    return prognosis.encals_assess(predictors, months_today, [*caveats, *c9_caveats]), tricals


def assess(case: ClinicalCase, *, today: date | None = None, c9orf72_status: str | None = None) -> ClinicalAssessment:
    """Run every clinical analysis on ``case`` as of ``today`` (default: date of the last visit)."""
    when, source = _resolve_today(case, today)
    onset = case.onset.date
    months_today = months_between(onset, when)
    visits = case.visits_until(when)
    not_assessed: list[NotAssessed] = []
    caveats: list[str] = []
    if case.onset.imputation_note is not None:
        caveats.append(case.onset.imputation_note)
    later = [v.date for v in case.visits if v.date > when]
    if later:  # an assessment as of an earlier date: the later visits are left out, and it says so
        caveats.append(f"{len(later)} visit(s) after the assessment date {when.isoformat()} not used "
                       f"(the last on {later[-1].isoformat()})")
    scored = [(v, v.alsfrs_r) for v in visits if v.alsfrs_r is not None]
    scores = [score(a, v.date, months_between(onset, v.date)) for v, a in scored]
    if not scores:
        not_assessed.append(NotAssessed(what="ALSFRS-R", reason="no visit with ALSFRS-R items",
                                        how_to_assess="record the 12 ALSFRS-R items at each visit"))

    dfs_diag = dfs_latest = None
    if scores:
        diag_date = case.diagnosis.date if case.diagnosis is not None else None
        base = next((s for s in scores if diag_date is None or s.date >= diag_date - BASELINE_WINDOW_BEFORE_DIAGNOSIS),
                    None)
        # each ΔFS on its own: a baseline on the onset date (ΔFS undefined) must not cost the latest visit's ΔFS
        if base is not None and diag_date is not None:
            try:
                dfs_diag = delta_fs(base.total, base.months_since_onset, base.date)
            except NotAssessable as exc:
                not_assessed.append(NotAssessed(what="ΔFS at diagnosis", reason=exc.message))
            late = (base.date - diag_date).days
            if dfs_diag is not None and late > BASELINE_LATE_CAVEAT_DAYS:  # as for the ENCALS baseline
                caveats.append(f"ΔFS at diagnosis is from the ALSFRS-R of {base.date.isoformat()}, "
                               f"{late} days after the diagnosis ({diag_date.isoformat()}), the first from 31 days "
                               "before the diagnosis on")
        try:
            dfs_latest = delta_fs(scores[-1].total, scores[-1].months_since_onset, scores[-1].date)
        except NotAssessable as exc:
            not_assessed.append(NotAssessed(what="ΔFS latest", reason=exc.message))
        if dfs_diag is None and diag_date is None:
            not_assessed.append(NotAssessed(what="ΔFS at diagnosis", reason="no diagnosis date"))

    slopes: list[Slope] = []
    d50: D50Fit | None = None
    times = [s.months_since_onset for s in scores]
    totals = [s.total for s in scores]
    dates = [s.date for s in scores]
    try:
        slopes = [two_point_slope(times, totals, dates), least_squares_slope(times, totals, dates)]
    except NotAssessable as exc:
        not_assessed.append(NotAssessed(what="ALSFRS-R slope", reason=exc.message,
                                        how_to_assess="two or more visits with ALSFRS-R"))
    try:
        d50 = fit_d50(times, totals, months_today)
    except NotAssessable as exc:
        not_assessed.append(NotAssessed(what="D50 model", reason=exc.message))

    kings_clinical = staging.kings_clinical(case, when)
    dead = case.death_date is not None
    kings_est = [staging.kings_from_alsfrs(a, v.date) for v, a in scored]
    mitos = [staging.mitos(a, v.date, dead=dead and case.death_date == v.date) for v, a in scored]

    criteria: list[criteria_mod.CriteriaResult] = []
    mimic_checks = mimics_mod.check(case)
    rees = None
    exam_date = case.examination.date if case.examination is not None else None
    if case.examination is None or not case.examination.regions:
        not_assessed.append(NotAssessed(what="diagnostic criteria (El Escorial, Awaji, Gold Coast)",
                                        reason="no regional examination findings recorded",
                                        how_to_assess="record UMN/LMN signs and EMG per region"))
    elif exam_date is not None and exam_date > when:
        # an assessment as of an earlier date: the signs were found later, so they say nothing of that date (read
        # as found, a patient was 'clinically probable ALS' months before the examination that showed it)
        not_assessed.append(NotAssessed(
            what="diagnostic criteria (El Escorial, Awaji, Gold Coast)",
            reason=f"the recorded examination is dated {exam_date.isoformat()}, after the assessment date "
                   f"{when.isoformat()}",
            how_to_assess="assess as of the examination date or later, or record the examination made by then"))
    else:
        # one reading of the record: a mimic the checklist leaves open on an abnormal result is not 'excluded' here
        open_mimics = [f"{m.name} (abnormal: {', '.join(m.abnormal)})" for m in mimic_checks
                       if m.status == "not_excluded_abnormal_result"]
        rees = criteria_mod.el_escorial(case.examination, open_mimics)
        criteria = [rees, criteria_mod.awaji(case.examination, open_mimics),
                    criteria_mod.gold_coast(case.examination, open_mimics)]

    cognition = assess_cognition(case.cognition, case.ftd)
    ecas_date = case.cognition.ecas.date if case.cognition is not None and case.cognition.ecas is not None else None
    if cognition is not None and ecas_date is not None and ecas_date > when:
        cognition.caveats.append(f"the ECAS is dated {ecas_date.isoformat()}, after the assessment date "
                                 f"{when.isoformat()}: it describes the patient at that later date")
    if cognition is None:
        not_assessed.append(NotAssessed(what="cognition and behaviour", reason="no ECAS or cognitive findings",
                                        how_to_assess="ECAS and the carer behaviour screen"))
    encals, tricals = _prognosis(case, when, months_today, rees, None if cognition is None else cognition.ftd,
                                 c9orf72_status)
    if encals.status == "refused":
        not_assessed.append(NotAssessed(what="ENCALS survival prediction", reason="; ".join(encals.refusal_reasons)))

    care_alerts: list[alerts_mod.CareAlert] = []
    if case.death_date is not None and case.death_date <= when:
        not_assessed.append(NotAssessed(what="care alerts (NIV, gastrostomy, reminders)",
                                        reason=f"the patient died on {case.death_date.isoformat()}"))
    else:
        care_alerts = alerts_mod.care_alerts(case, when)
    assessment = ClinicalAssessment(
        case_id=case.id, today=when, today_source=source, onset_date=onset, onset_precision=case.onset.precision,
        onset_region=case.onset.region, months_since_onset_today=round(months_today, 4), alsfrs_r=scores,
        delta_fs_at_diagnosis=dfs_diag, delta_fs_latest=dfs_latest, slopes=slopes, d50=d50,
        kings_clinical=kings_clinical, kings_alsfrs_r=kings_est, mitos=mitos, encals=encals, tricals=tricals,
        criteria=criteria, mimics=mimic_checks, care_alerts=care_alerts,
        cognition=cognition, family_history=case.family_history, genotype=case.genotype,
        not_assessed=not_assessed, caveats=caveats, sources=[])
    assessment.sources = sorted(_collect_sources(assessment.model_dump(mode="json")) | {"S-Ced99"})
    return assessment


def _collect_sources(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "sources" and isinstance(item, list):
                found.update(str(x) for x in item)
            else:
                found |= _collect_sources(item)
    elif isinstance(value, list):
        for item in value:
            found |= _collect_sources(item)
    return found


def render_plots(case: ClinicalCase, assessment: ClinicalAssessment, outdir: Path) -> dict[str, Path]:
    from charcot.clinical.plots import render

    return render(case, assessment, Path(outdir))
