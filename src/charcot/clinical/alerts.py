"""Care alerts: NIV criteria (one result per named rule set, never merged), gastrostomy triggers and
multidisciplinary-care reminders, each with its source keys and confidence.

NIV rule sets (clinical-algorithms.md §6.1):
* US Medicare (CMS) coverage for respiratory assist devices, as quoted by Aboussouan &
  Mireles-Cabodevila 2013 (Respir Care 58:1555): any of FVC < 50% predicted, MIP < 60 cmH2O,
  SpO2 <= 88% for >= 5 continuous minutes, PaCO2 >= 45 mmHg (the CMS policy's own wording; the
  editorial writes > 45).
* AAN practice parameter (Miller 2009), per the same editorial: adds SNIP < 40 cmH2O and orthopnoea.
* European consensus (Leigh 2003): >= 1 respiratory symptom AND (FVC <= 80% or SNIP <= 40 cmH2O)
  AND (significant nocturnal desaturation or morning earlobe pCO2 >= 6.5 kPa).
Gastrostomy triggers and reminders are recalled from guidelines (EFNS 2012, AAN 2009), not
re-verified: they carry ``confidence: unverified``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel

from charcot.clinical.model import (
    C9orf72Status,
    ClinicalCase,
    FvcKind,
    GastrostomyStatus,
    NivStatus,
    RespiratorySymptom,
    Visit,
)

FVC_RECENT_DAYS = 92


class CareAlert(BaseModel):
    key: str  # identifier (JSON); ``title`` is what a clinician reads
    title: str = ""
    kind: str  # "niv", "gastrostomy", "reminder"
    status: str  # "criteria_met", "criteria_not_met", "insufficient_data", "already_in_place", "reminder"
    message: str
    fired: list[str] = []
    missing_data: list[str] = []
    visit_date: date | None = None
    sources: list[str]
    confidence: str = "verified"


def _latest(visits: list[Visit], attr: str) -> tuple[float | None, date | None]:
    for visit in reversed(visits):
        value = getattr(visit, attr)
        if value is not None:
            return float(value), visit.date
    return None, None


def _orthopnoea(visit: Visit) -> bool | None:
    if RespiratorySymptom.ORTHOPNOEA in visit.respiratory_symptoms:
        return True
    if visit.alsfrs_r is not None:
        return visit.alsfrs_r.q11 < 4  # item 11 (orthopnoea) below 'none'
    return None


NIV_RULE_TITLES = {"cms_medicare_rad": "US Medicare coverage rule for respiratory assist devices",
                   "aan_2009": "AAN practice parameter 2009",
                   "european_consensus_2003": "European consensus 2003"}


def _any_rule(key: str, tests: list[tuple[str, bool | None]], sources: list[str], when: date | None,
              confidence: str = "verified") -> CareAlert:
    title = NIV_RULE_TITLES[key]
    fired = [name for name, value in tests if value is True]
    missing = [name for name, value in tests if value is None]
    if fired:
        status, message = "criteria_met", f"NIV criteria met ({title}): " + "; ".join(fired)
    elif missing and len(missing) == len(tests):  # nothing recorded: no test was "not met"
        status, message = "insufficient_data", f"NIV criteria ({title}): not established; not recorded: " + "; ".join(missing)
    elif missing:
        status, message = "insufficient_data", f"NIV criteria ({title}) not met by the recorded tests; not recorded: " + "; ".join(missing)
    else:
        status, message = "criteria_not_met", f"NIV criteria ({title}) not met"
    return CareAlert(key=key, title=title, kind="niv", status=status, message=message, fired=fired,
                     missing_data=missing, visit_date=when, sources=sources, confidence=confidence)


def _ventilation_in_place(visits: list[Visit]) -> str | None:
    """Why ventilation is known to be in use at the last visit (None if it is not): a tracheostomy, or ALSFRS-R item
    12 scored 0 (invasive ventilation), at any visit;
    the latest *recorded* NIV status (a visit that leaves ``niv`` out does not stop it); else, when the last visit
    records no NIV status, its ALSFRS-R item 12 below 4 (3 = intermittent BiPAP, 2 = continuous at night,
    1 = day and night, 0 = invasive ventilation; Cedarbaum 1999)."""
    last = visits[-1]
    trach = next((v for v in visits if v.tracheostomy), None)
    if trach is not None:
        return f"tracheostomy recorded on {trach.date.isoformat()}"
    invasive = next((v for v in visits if v.alsfrs_r is not None and v.alsfrs_r.q12 == 0), None)
    if invasive is not None:
        return f"invasive ventilation (ALSFRS-R item 12 is 0) recorded on {invasive.date.isoformat()}"
    recorded = [v for v in visits if v.niv is not None]
    if recorded and recorded[-1].niv is NivStatus.IN_USE:
        return f"NIV in use as recorded on {recorded[-1].date.isoformat()}"
    if last.niv is None and last.alsfrs_r is not None and last.alsfrs_r.q12 < 4:
        return f"ALSFRS-R respiratory insufficiency (item 12) {last.alsfrs_r.q12} on {last.date.isoformat()}"
    return None


def _either(first: bool | None, second: bool | None) -> bool | None:
    """One condition met by either test: met if one is, not met only if both were measured and neither is."""
    if first or second:
        return True
    if first is False or second is False:
        return False
    return None


def niv_alerts(case: ClinicalCase, today: date) -> list[CareAlert]:
    visits = case.visits_until(today)
    if not visits:
        return [CareAlert(key="niv", kind="niv", status="insufficient_data", message="no visit recorded",
                          sources=["S-Mil09"])]
    last = visits[-1]
    in_place = _ventilation_in_place(visits)
    if in_place:
        return [CareAlert(key="niv", kind="niv", status="already_in_place",
                          message=f"ventilatory support already in use ({in_place})", visit_date=last.date,
                          sources=["S-Mil09"])]
    # Each measurement's latest recorded value, not only the last visit's: a weighing or an ALSFRS-R by telephone
    # after the spirometry left FVC 45 % 'not recorded' and the NIV rules 'not established' (the gastrostomy alert
    # already read each value's latest). A value from an earlier visit is named with its date in the message.
    # A result older than FVC_RECENT_DAYS that does not meet a rule's threshold is not read for that rule: a
    # threshold once crossed stays crossed in a progressive disease, a normal result expires (read from an earlier
    # visit, an old FVC of 85 % would make the rules 'not met').
    earlier: dict[str, date] = {}

    def latest(attr: str, words: str) -> tuple[Any, bool]:
        """The latest value of ``attr`` and whether it is older than FVC_RECENT_DAYS."""
        for visit in reversed(visits):
            value = getattr(visit, attr)
            if value is not None:
                if visit.date != last.date:
                    earlier[words] = visit.date
                return value, (today - visit.date).days > FVC_RECENT_DAYS
        return None, False

    def test(reading: tuple[Any, bool], meets: Callable[[Any], bool]) -> bool | None:
        value, old = reading
        if value is None:
            return None
        return True if meets(value) else (None if old else False)

    def vital_capacity(kind: FvcKind) -> tuple[tuple[Any, bool], date | None]:
        """The latest vital capacity of one kind (FVC or slow VC), whether it is older than FVC_RECENT_DAYS, and its
        date."""
        for visit in reversed(visits):
            if visit.fvc_percent_predicted is not None and visit.fvc_kind is kind:
                return (visit.fvc_percent_predicted, (today - visit.date).days > FVC_RECENT_DAYS), visit.date
        return (None, False), None

    (forced, forced_on), (slow, slow_on) = vital_capacity(FvcKind.FORCED), vital_capacity(FvcKind.SLOW)

    def read(words: str, when: date | None) -> None:
        if when is not None and when != last.date:
            earlier[words] = when

    def fvc_test(name: str, meets: Callable[[Any], bool]) -> tuple[str, bool | None, list[str]]:
        """A rule stated on FVC, read from the FVC: (the test's words, its result, the sources of reading it). A slow
        VC that meets it counts, named as such and cited: in ALS the FVC is on average lower than the slow VC (Huang
        2022), so an FVC would meet it too; one that does not meet it decides nothing (different measurements)."""
        result = test(forced, meets)
        if result is not True and slow[0] is not None:
            if test(slow, meets) is True:
                read("slow vital capacity", slow_on)
                return (f"{name} (read from a slow vital capacity of {slow[0]:g}%: the rule is stated on FVC, "
                        "which in ALS is on average lower than the slow VC)"), True, ["S-Hua22"]
            if result is None:
                return (f"{name} (the record's slow vital capacity of {slow[0]:g}% does not show it: the rule is "
                        "stated on FVC; measure FVC)"), None, []
        if result is not None:
            read("FVC", forced_on)
        return name, result, []

    mip, snip = latest("mip_cmh2o", "MIP"), latest("snip_cmh2o", "SNIP")
    spo2, paco2 = latest("nocturnal_spo2_le88_minutes", "nocturnal SpO2"), latest("paco2_mmhg", "PaCO2")
    # orthopnoea and the symptoms: from the latest visit that records respiratory symptoms or ALSFRS-R item 11
    told = next((v for v in reversed(visits) if v.respiratory_symptoms or v.alsfrs_r is not None), last)
    if told.date != last.date:
        earlier["respiratory symptoms"] = told.date
    fvc_words, fvc_result, fvc_sources = fvc_test("FVC < 50% predicted", lambda v: v < 50)
    cms = [(fvc_words, fvc_result),
           ("MIP < 60 cmH2O", test(mip, lambda v: v < 60)),
           ("nocturnal SpO2 <= 88% for >= 5 continuous minutes", test(spo2, lambda v: v >= 5)),
           ("PaCO2 >= 45 mmHg", test(paco2, lambda v: v >= 45))]
    orthopnoea = test((_orthopnoea(told), (today - told.date).days > FVC_RECENT_DAYS), bool)
    aan = [*cms, ("SNIP < 40 cmH2O", test(snip, lambda v: v < 40)), ("orthopnoea", orthopnoea)]
    volume_words, volume_fvc, volume_sources = fvc_test("FVC <= 80%", lambda v: v <= 80)
    out = [_any_rule("cms_medicare_rad", cms, ["S-Abo13", *fvc_sources], last.date),
           _any_rule("aan_2009", aan, ["S-Mil09", "S-Abo13", *fvc_sources], last.date)]
    # European ALS/MND consortium + ENMC consensus (Leigh 2003): three conjunctive conditions.
    symptoms = list(told.respiratory_symptoms)
    if test(latest("epworth", "Epworth score"), lambda v: v > 9):
        symptoms.append(RespiratorySymptom.DAYTIME_SLEEPINESS)
    symptom = True if symptoms else None
    volume = _either(volume_fvc, test(snip, lambda v: v <= 40))
    night = _either(test(latest("nocturnal_desaturation", "nocturnal oximetry"), bool),
                    test(latest("morning_earlobe_pco2_kpa", "morning earlobe pCO2"), lambda v: v >= 6.5))
    volume_name = "FVC <= 80% or SNIP <= 40 cmH2O" + volume_words.removeprefix("FVC <= 80%")
    parts = [("symptom of respiratory muscle weakness", symptom), (volume_name, volume),
             ("significant nocturnal desaturation or morning earlobe pCO2 >= 6.5 kPa", night)]
    fired = [n for n, v in parts if v]
    missing = [n for n, v in parts if v is None]
    if all(v is True for _, v in parts):
        status, message = "criteria_met", "NIV criteria met (European consensus 2003): all three conditions"
    elif any(v is False for _, v in parts):
        status, message = "criteria_not_met", "NIV criteria (European consensus 2003) not met"
    else:
        status, message = "insufficient_data", ("NIV criteria (European consensus 2003): not established; "
                                                "not recorded: " + "; ".join(missing))
    out.append(CareAlert(key="european_consensus_2003", title=NIV_RULE_TITLES["european_consensus_2003"], kind="niv",
                         status=status, message=message, fired=fired,
                         missing_data=missing, visit_date=last.date,
                         sources=["S-Lei03", *(volume_sources if volume else [])]))
    if earlier:
        dated = ", ".join(f"{what} of {when.isoformat()}" for what, when in earlier.items())
        for alert in out:
            alert.message += f" (latest values read from earlier visits: {dated}; last visit {last.date.isoformat()})"
    return out


def gastrostomy_alerts(case: ClinicalCase, today: date) -> list[CareAlert]:
    visits = case.visits_until(today)
    if any((v.alsfrs_r is not None and v.alsfrs_r.uses_5b) or v.gastrostomy is GastrostomyStatus.PLACED
           for v in visits):
        return [CareAlert(key="gastrostomy", kind="gastrostomy", status="already_in_place",
                          message="gastrostomy in place", sources=["S-EFNS12"])]
    fired: list[str] = []
    missing: list[str] = []
    used: list[date] = []  # when each value read for a 'not met' was measured
    weight, when = _latest(visits, "weight_kg")
    if weight is None or case.premorbid_weight_kg is None:
        missing.append("weight loss from premorbid weight (needs premorbid and current weight)")
    else:
        # rounded before the comparison: 83 -> 74.7 kg is 10 % but 9.999999999999996 in binary floating point
        loss = round(100 * (case.premorbid_weight_kg - weight) / case.premorbid_weight_kg, 9)
        if loss >= 10:
            fired.append(f"weight loss {loss:.1f}% from premorbid (>= 10%)")
        elif when is not None:
            used.append(when)
    bmi = None
    for v in reversed(visits):
        if v.bmi is not None:
            bmi = v.bmi
            used.append(v.date)
            break
    if bmi is not None and round(bmi, 9) < 18.5:  # 47.36 kg at 1.6 m is 18.5, 18.499999999999996 in floating point
        fired.append(f"BMI {bmi:.1f} < 18.5")
    swallow_visit = next((v for v in reversed(visits) if v.alsfrs_r is not None), None)
    swallow = swallow_visit.alsfrs_r.q3 if swallow_visit is not None and swallow_visit.alsfrs_r is not None else None
    if swallow_visit is not None:
        used.append(swallow_visit.date)
    if swallow is None:
        missing.append("ALSFRS-R swallowing item")
    elif swallow <= 2:
        fired.append(f"ALSFRS-R swallowing item {swallow} (dietary consistency changes or worse)")
    vc = next((v for v in reversed(visits) if v.fvc_percent_predicted is not None), None)
    note = ""
    if fired and vc is not None and vc.fvc_percent_predicted is not None:
        kind = "slow vital capacity" if vc.fvc_kind is FvcKind.SLOW else "FVC"
        note = (f" Latest {kind} {vc.fvc_percent_predicted:.0f}% ({vc.date.isoformat()}): guidelines advise placing "
                "the gastrostomy before FVC falls below 50%.")
    status = "criteria_met" if fired else ("insufficient_data" if missing else "criteria_not_met")
    message = ("discuss gastrostomy: " + "; ".join(fired) + "." + note) if fired else "no gastrostomy trigger recorded"
    oldest = min(used, default=None)
    if status == "criteria_not_met" and oldest is not None and (today - oldest).days > FVC_RECENT_DAYS:
        # a trigger not met by a weight or swallowing score that old says nothing of today (as for the NIV rules)
        status = "insufficient_data"
        message = (f"no gastrostomy trigger in the values recorded, but the oldest of them is from "
                   f"{oldest.isoformat()}, more than {FVC_RECENT_DAYS} days before {today.isoformat()}: re-weigh and "
                   "re-score swallowing")
        missing.append(f"weight and ALSFRS-R swallowing item from the {FVC_RECENT_DAYS} days before "
                       f"{today.isoformat()}")
    return [CareAlert(key="gastrostomy", kind="gastrostomy", status=status, message=message, fired=fired,
                      missing_data=missing, visit_date=when, sources=["S-EFNS12", "S-Mil09"],
                      confidence="unverified")]


def reminders(case: ClinicalCase, today: date) -> list[CareAlert]:
    out = [CareAlert(key="multidisciplinary_clinic", kind="reminder", status="reminder",
                     message="care in a specialised multidisciplinary ALS clinic is recommended",
                     sources=["S-Mil09", "S-EFNS12"], confidence="unverified")]
    cognition = case.cognition
    if cognition is None or (cognition.ecas is None and cognition.strong_category is None and cognition.findings is None):
        out.append(CareAlert(key="cognitive_screening", kind="reminder", status="reminder",
                             message="no cognitive/behavioural screen recorded: screen with ECAS (Strong 2017)",
                             sources=["S-Str17", "S-Abr14"], confidence="unverified"))
    visits = case.visits_until(today)
    _, fvc_date = _latest(visits, "fvc_percent_predicted")
    if fvc_date is None or (today - fvc_date).days > FVC_RECENT_DAYS:
        out.append(CareAlert(key="respiratory_monitoring", kind="reminder", status="reminder",
                             message=f"no vital capacity measured in the {FVC_RECENT_DAYS} days before "
                             f"{today.isoformat()}: repeat respiratory function tests (about every 3 months)",
                             sources=["S-Mil09", "S-EFNS12"], confidence="unverified"))
    if case.genotype.c9orf72_status is C9orf72Status.NOT_ASSESSED:
        out.append(CareAlert(key="genetic_counselling", kind="reminder", status="reminder",
                             message="C9orf72 status not assessed: offer genetic counselling and testing",
                             sources=["S-EFNS12"], confidence="unverified"))
    return out


def care_alerts(case: ClinicalCase, today: date) -> list[CareAlert]:
    return [*niv_alerts(case, today), *gastrostomy_alerts(case, today), *reminders(case, today)]
