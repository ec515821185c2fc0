"""Disease staging: King's clinical stage (Roche 2012), its ALSFRS-R estimate (Balendra 2014), and
MiToS (Chiò 2015).

Bugs in public R code deliberately not reproduced (clinical-algorithms.md §2-3): region flags are
computed per visit (not with a column-collapsing ``any()``); a visit with no King's region involved
is "not stageable" (not silently stage 1); when 4A and 4B both hold both are reported (no invented
precedence); the MiToS communication domain is lost only when speech AND handwriting are <= 1.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from charcot.clinical.model import (
    AlsfrsR,
    ClinicalCase,
    GastrostomyStatus,
    KingsRegion,
    NivStatus,
    OnsetRegion,
    Visit,
)

NOT_STAGEABLE = "not stageable"


class KingsStage(BaseModel):
    method: str  # "clinical" (Roche 2012) or "alsfrs_r_estimate" (Balendra 2014)
    date: date
    stage: str  # "1", "2A", "2B", "3", "4A", "4B", "4A+4B", "5" or "not stageable"
    regions_involved: list[str]
    nutritional_failure: bool  # 4A
    respiratory_failure: bool  # 4B
    reasons: list[str]
    sources: list[str]
    confidence: str = "verified"
    caveats: list[str] = []


def _stage_label(regions: int, diagnosed: bool, four_a: bool, four_b: bool) -> str:
    if four_a and four_b:
        return "4A+4B"
    if four_a:
        return "4A"
    if four_b:
        return "4B"
    if regions >= 3:
        return "3"
    if regions == 2:
        return "2B"
    if regions == 1:
        return "2A" if diagnosed else "1"
    return NOT_STAGEABLE


def alsfrs_regions(scores: AlsfrsR) -> list[tuple[str, str]]:
    """The King's regions the ALSFRS-R items show functionally involved (Balendra 2014 item rules, clinical-algorithms.md
    §2.2), each with its rule: read by the estimate and, for a region without a recorded involvement date, by the
    clinical stage."""
    out: list[tuple[str, str]] = []
    if min(scores.q1, scores.q2, scores.q3) < 4:
        out.append((KingsRegion.BULBAR.value, "an item of 1-3 (speech, salivation, swallowing) < 4"))
    if scores.q4 < 4 or (scores.q5a is not None and scores.q5a < 4):
        out.append((KingsRegion.UPPER_LIMB.value, "handwriting (4) or cutting food without gastrostomy (5a) < 4"))
    if scores.q8 < 4:
        out.append((KingsRegion.LOWER_LIMB.value, "walking (8) < 4"))
    return out


def kings_from_alsfrs(scores: AlsfrsR, when: date) -> KingsStage:
    """Balendra 2014 estimate of King's stage from ALSFRS-R items (rule set in clinical-algorithms.md §2.2)."""
    reasons: list[str] = []
    regions: list[str] = []
    for region, rule in alsfrs_regions(scores):
        regions.append(region)
        reasons.append(f"{region.replace('_', ' ')} involved: {rule}")
    four_a = scores.uses_5b
    if four_a:
        reasons.append("4A: item 5b scored, i.e. gastrostomy in place")
    four_b = scores.q10 == 0 or scores.q12 < 4
    if four_b:
        reasons.append("4B: dyspnoea (10) = 0 or respiratory insufficiency (12) < 4 (any ventilatory support)")
    stage = _stage_label(len(regions), False, four_a, four_b)
    # The 2A/2B caveat only matters where it decides the stage: one region (2 regions is 2B, diagnosed or not).
    caveats = (["stage 2A (diagnosis) cannot be derived from ALSFRS-R: one involved region is reported as stage 1"]
               if len(regions) == 1 and stage == "1" else [])
    if stage == NOT_STAGEABLE:
        reasons.append("no region involved by the items the estimate uses (1-5a and 8); items 6, 7, 9, 11 "
                       "are not used by the Balendra rules")
    return KingsStage(method="alsfrs_r_estimate", date=when, stage=stage, regions_involved=regions,
                      nutritional_failure=four_a, respiratory_failure=four_b, reasons=reasons,
                      sources=["S-Bal14", "S-Roc12"], confidence="unverified",
                      caveats=[*caveats, "item rules agree across three public implementations; the paper's "
                               "table was not re-read (clinical-algorithms.md §2.2)"])


def _ventilation_need(visits: list[Visit]) -> str | None:
    """Why the need for ventilation (King's 4B, a milestone: once reached it stays) is shown by the visits, or None:
    NIV used, trialled or refused; a tracheostomy; or ALSFRS-R item 12 below 4 (3 intermittent BiPAP, 2 continuous at
    night, 1 night and day, 0 invasive ventilation; Cedarbaum 1999), which the visit's own NIV status may leave out."""
    for v in visits:
        if v.niv in (NivStatus.TRIALLED, NivStatus.IN_USE, NivStatus.REFUSED):
            return f"NIV {v.niv.value.replace('_', ' ')} on {v.date.isoformat()}"
        if v.tracheostomy:
            return f"tracheostomy recorded on {v.date.isoformat()}"
        if v.alsfrs_r is not None and v.alsfrs_r.q12 < 4:
            return (f"ALSFRS-R item 12 (respiratory insufficiency) {v.alsfrs_r.q12} on {v.date.isoformat()}, "
                    "ventilatory support in use")
    return None


def kings_clinical(case: ClinicalCase, today: date) -> KingsStage:
    """King's clinical stage at ``today`` from onset, diagnosis, region involvement dates and the
    gastrostomy/NIV milestones (Roche 2012): need = provided, trialled (NIV) or refused."""
    reasons: list[str] = []
    caveats: list[str] = []
    regions: set[str] = {r.value for r, when in case.regions_involved.items() if when <= today}
    visits = case.visits_until(today)
    # a region the record gives no involvement date for is involved from the first visit whose ALSFRS-R items show it
    # (the estimate's item rules): the record's own scores, never left out of the clinical stage
    dated = {r.value for r in case.regions_involved}
    from_items: dict[str, tuple[date, str]] = {}
    for v in visits:
        for region, rule in alsfrs_regions(v.alsfrs_r) if v.alsfrs_r is not None else []:
            if region not in dated and region != case.onset.region.value:
                from_items.setdefault(region, (v.date, rule))
    regions |= set(from_items)
    onset = case.onset.region
    if onset in (OnsetRegion.BULBAR, OnsetRegion.UPPER_LIMB, OnsetRegion.LOWER_LIMB):
        regions.add(onset.value)
    elif onset is OnsetRegion.RESPIRATORY:
        # Roche 2012 groups diaphragmatic onset with limb onset: it is the first involved region,
        # never a fourth one added to bulbar, upper limb and lower limb.
        if not regions:
            regions.add("respiratory (diaphragmatic) onset")
        caveats.append("respiratory (diaphragmatic) onset is grouped with limb onset as in Roche 2012: it counts "
                       "as the onset region only while no bulbar or limb region is recorded, never as an extra "
                       "region")
    reasons.append(f"{len(regions)} region(s) involved by {today.isoformat()}: " + (", ".join(sorted(r.replace("_", " ") for r in regions)) or "none"))
    reasons += [f"{region.replace('_', ' ')} counted from the ALSFRS-R of {when.isoformat()} ({rule}; no involvement "
                "date recorded for it)" for region, (when, rule) in sorted(from_items.items())]
    if not case.regions_involved:
        caveats.append("no region involvement dates recorded: only the onset region"
                       + (" and the regions the ALSFRS-R items show are" if from_items else " is") + " counted")
    four_a = any(v.gastrostomy in (GastrostomyStatus.PLACED, GastrostomyStatus.REFUSED)
                 or (v.alsfrs_r is not None and v.alsfrs_r.uses_5b) for v in visits)
    four_b_because = _ventilation_need(visits)
    four_b = four_b_because is not None
    if four_a:
        reasons.append("4A: gastrostomy placed or refused (need for gastrostomy)")
    if four_b:
        reasons.append(f"4B: {four_b_because} (need for NIV)")
    diagnosed = case.diagnosis is not None and case.diagnosis.date <= today
    if case.death_date is not None and case.death_date <= today:
        stage = "5"
        reasons.append("death recorded (stage 5 as added in later work)")
    else:
        stage = _stage_label(len(regions), diagnosed, four_a, four_b)
    if stage == "1":
        reasons.append("one region and no diagnosis date by today: stage 1")
    if stage in ("1", "2A"):
        # only with one involved region does the diagnosis decide the stage (2 regions is 2B either way)
        caveats.append("stage 2A (one region, diagnosed) versus 1 (one region, not yet diagnosed) follows the "
                       "2A/2B split as recalled, not re-verified against Roche 2012 (clinical-algorithms.md §2.1)")
    return KingsStage(method="clinical", date=today, stage=stage, regions_involved=sorted(regions),
                      nutritional_failure=four_a, respiratory_failure=four_b, reasons=reasons,
                      sources=["S-Roc12"], caveats=caveats)


class MitosDomain(BaseModel):
    domain: str
    lost: bool
    rule: str


class MitosStage(BaseModel):
    date: date
    stage: int  # 0-4 from ALSFRS-R; 5 = death
    domains: list[MitosDomain]
    sources: list[str] = ["S-Chio15"]


def mitos(scores: AlsfrsR, when: date, dead: bool = False) -> MitosStage:
    """MiToS stage (Chiò 2015 Table 1): number of functional domains in which independence is lost."""
    domains = [
        MitosDomain(domain="movement", lost=scores.q8 <= 1 or scores.q6 <= 1,
                    rule="walking (8) <= 1 OR dressing and hygiene (6) <= 1"),
        MitosDomain(domain="swallowing", lost=scores.q3 <= 1, rule="swallowing (3) <= 1"),
        MitosDomain(domain="communicating", lost=scores.q1 <= 1 and scores.q4 <= 1,
                    rule="speech (1) <= 1 AND handwriting (4) <= 1"),
        MitosDomain(domain="breathing", lost=scores.q10 <= 1 or scores.q12 <= 2,
                    rule="dyspnoea (10) <= 1 OR respiratory insufficiency (12) <= 2"),
    ]
    stage = 5 if dead else sum(d.lost for d in domains)
    return MitosStage(date=when, stage=stage, domains=domains)
