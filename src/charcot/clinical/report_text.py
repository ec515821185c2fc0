"""Plain-text summary of a ClinicalAssessment for the terminal (``--format table``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from charcot.clinical.cognition import STRONG_WORDS
from charcot.clinical.model import Ecas
from charcot.clinical.prognosis import probability_text

if TYPE_CHECKING:
    from charcot.clinical.api import ClinicalAssessment


_ECAS_SCORE_WORDS = {"total": "total", "als_specific": "ALS-specific", "als_nonspecific": "ALS-non-specific"}
_SLOPE_WORDS = {"two_point_first_last": "first to last visit", "least_squares_all_visits": "least squares, all visits"}
_ALERT_WORDS = {"niv": "NIV", "gastrostomy": "gastrostomy", "reminder": "reminder"}


def _ecas_max(score: str) -> int | None:
    """The highest possible ECAS score of this kind: the maximum the record's validation enforces (``Ecas``)."""
    field = Ecas.model_fields.get(score)
    return next((int(m.le) for m in (field.metadata if field else []) if getattr(m, "le", None) is not None), None)


def table(a: ClinicalAssessment) -> str:
    lines: list[str] = []
    add = lines.append
    add(f"Clinical assessment, case {a.case_id}: as of {a.today.isoformat()} ({a.today_source.replace('_', ' ')})")
    add(f"Onset {a.onset_date.isoformat()} ({a.onset_region.value.replace('_', ' ')}), {a.months_since_onset_today:.1f} months ago")
    for caveat in a.caveats:  # the report's clinical notes say the same
        add(f"  note: {caveat}")
    add("")
    add("ALSFRS-R")
    add("  (items 0-4, total 0-48, 48 = no impairment; domains bulbar, fine motor, gross motor, respiratory: 0-12 each; "
        "months since onset)")
    add(f"  {'date':<10}  {'months':>6}  {'total':>5}  item5  bulbar fine gross resp")
    for s in a.alsfrs_r:
        d = s.domains_four
        add(f"  {s.date.isoformat():<10}  {s.months_since_onset:>6.1f}  {s.total:>5}  {s.item5:<5}  "
            f"{d['bulbar']:>6} {d['fine_motor']:>4} {d['gross_motor']:>5} {d['respiratory']:>4}")
    for label, dfs in (("ΔFS at diagnosis", a.delta_fs_at_diagnosis), ("ΔFS latest", a.delta_fs_latest)):
        if dfs is not None:
            cats = "; ".join(f"{c.scheme}: {c.label}" for c in dfs.categories)
            add(f"  {label} (ALSFRS-R of {dfs.visit_date.isoformat()}): {dfs.value:.2f} points/month ({cats})")
    for slope in a.slopes:
        add(f"  slope ({_SLOPE_WORDS.get(slope.method, slope.method.replace('_', ' '))}): "
            f"{slope.points_per_month:+.2f} ALSFRS-R points/month over {slope.n_visits} visits")
    if a.d50 is not None:
        ci = (f" (95% CI {a.d50.d50_ci95[0]:.1f}-{a.d50.d50_ci95[1]:.1f})" if a.d50.d50_ci95
              else " (95% CI not determined)")
        add(f"  D50 model: D50 {a.d50.d50_months:.1f} months from onset{ci}, dx {a.d50.dx_months:.2f} months, "
            f"rD50 today {a.d50.rd50_today:.2f} (months since onset / D50)")
    add("")
    add("Staging")
    k = a.kings_clinical
    add(f"  King's (clinical): {k.stage}  [{'; '.join(k.reasons).replace('_', ' ')}]")
    if a.kings_alsfrs_r:
        e = a.kings_alsfrs_r[-1]
        add(f"  King's (ALSFRS-R estimate, {e.date.isoformat()}): {e.stage}")
    if a.mitos:
        m = a.mitos[-1]
        lost = [d.domain for d in m.domains if d.lost]
        add(f"  MiToS ({m.date.isoformat()}): {m.stage}  (lost: {', '.join(lost) or 'none'})")
    add("")
    add("Prognosis (confidence: unverified coefficients)")
    enc = a.encals
    if enc.status == "assessed":
        median = ("beyond 1,200 months" if enc.median_months_from_onset is None
                  else f"{enc.median_months_from_onset:.1f} months")
        survival_today = "-" if enc.survival_today is None else probability_text(enc.survival_today)
        add(f"  ENCALS: median event-free survival {median} from onset; probability event-free today "
            f"{survival_today} (linear predictor {enc.linear_predictor:.3f})")
        cond = ", ".join(f"{h} mo: {probability_text(p)}"
                         for h, p in sorted(enc.conditional_survival.items(), key=lambda x: int(x[0])))
        cmed = enc.conditional_median_months_from_today
        add(f"  from today: {cond}; conditional median "
            + ("beyond the model's range" if cmed is None else f"{cmed:.1f} months"))
        for flag in enc.flags:
            add(f"  ! {flag}")
    else:
        add("  ENCALS: not calculated: " + "; ".join(enc.refusal_reasons))
    tri = a.tricals
    if tri.status == "assessed" and tri.risk_profile is not None:
        low, high = tri.example_trial_window
        inside = "inside" if low <= tri.risk_profile <= high else "outside"
        add(f"  TRICALS risk profile {tri.risk_profile:.2f} (log-odds scale, higher = worse prognosis; "
            f"{inside} the example trial window {low:g} to {high:g}; not a probability)")
    else:
        add("  TRICALS risk profile: not calculated: " + "; ".join(tri.refusal_reasons))
    add("")
    add("Diagnostic criteria")
    if not a.criteria:  # the heading never stands empty: say why, as the not-assessed list does
        why = next((n.reason for n in a.not_assessed if n.what.startswith("diagnostic criteria")), "no examination")
        add(f"  not assessed: {why}")
    for c in a.criteria:
        add(f"  {c.name}: {c.category_title}")
        for reason in c.reasons[:len(c.why_not_higher)]:
            add(f"    {reason}")
        for r in c.requirements_not_documented:
            add(f"    ! {r}")
    add("")
    add("Cognition and behaviour")
    cog = a.cognition
    if cog is None:  # the heading never stands empty
        why = next((n.reason for n in a.not_assessed if n.what.startswith("cognition")), "not recorded")
        add(f"  not assessed: {why}")
    else:
        for score in cog.ecas:
            top = _ecas_max(score.score)
            add(f"  ECAS {_ECAS_SCORE_WORDS.get(score.score, score.score)}: {score.value} ({score.result}; "
                f"abnormal at or below {score.cutoff}{f'; scale 0-{top}' if top else ''})")
        category = cog.strong_category_recorded or cog.strong_category_derived
        if category is not None:
            how = "recorded" if cog.strong_category_recorded is not None else "derived from the findings"
            add(f"  Strong 2017 category: {STRONG_WORDS[category]} ({how})")
        add(f"  ALS-FTD: {'yes' if cog.ftd else 'no' if cog.ftd is False else 'not known'}")
        for caveat in cog.caveats[1:]:
            add(f"    ! {caveat}")
    add("")
    open_mimics = [m for m in a.mimics if m.status != "excluded"]
    add(f"Mimics not yet excluded ({len(open_mimics)} of {len(a.mimics)}):")
    for mimic in open_mimics:
        detail = ("abnormal: " + ", ".join(mimic.abnormal)) if mimic.abnormal else ("missing: " + ", ".join(mimic.missing))
        add(f"  {mimic.name} ({detail})")
    add("")
    add("Care alerts")
    if not a.care_alerts:  # the heading never stands empty
        no_alerts = next((n.reason for n in a.not_assessed if n.what.startswith("care alerts")), None)
        add(f"  not assessed: {no_alerts}" if no_alerts else "  none due")
    for alert in a.care_alerts:
        add(f"  [{_ALERT_WORDS.get(alert.kind, alert.kind)}] {alert.status.replace('_', ' ')}: {alert.message} (sources: "
            f"{', '.join(alert.sources)}; {alert.confidence})")
    if a.not_assessed:
        add("")
        add("Not assessed")
        for n in a.not_assessed:
            add(f"  {n.what}: {n.reason}")
    return "\n".join(lines)
