"""ENCALS survival model (Westeneng 2018, Lancet Neurol 17:423-433) and the TRICALS risk profile.

Outcome: composite of death, tracheostomy or NIV > 23 h/day, from symptom onset. Proportional-odds
Royston-Parmar model: S(t | LP) = 1 / (1 + exp(s(ln t) + LP)), t in months since onset.

Coefficients, transformations, knots and spline coefficients are those of the public R code by
ENCALS/TRICALS co-authors (rpavaneijk/Precision-ALS ``ENCALS risk modelling.R``), recorded as
[V-code] in clinical-algorithms.md §4.2-4.3; they were not re-checked against the paper's table,
so results carry ``confidence: unverified``. Defects of that code avoided here: the k_max term of
the spline basis is cubed; the survival time is the deterministic median (no random draw); the
progression rate enters as a positive number; every coefficient multiplies its whole transform.
No risk-group labels: the published LP cut-offs were not available (§4.4).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel

# Spline on x = ln(months since onset) (clinical-algorithms.md §4.3, [V-code]).
GAMMA = (-6.409, 2.643, -0.546, 0.585)
K_MIN, K1, K2, K_MAX = 0.081, 3.108, 3.638, 5.917
LAMBDA1 = (K_MAX - K1) / (K_MAX - K_MIN)  # 0.481323
LAMBDA2 = (K_MAX - K2) / (K_MAX - K_MIN)  # 0.390507

# β of the 8-predictor ENCALS model and the 7-predictor TRICALS risk profile (§4.2, [V-code]).
ENCALS_BETA = {"delta_frs": -1.837, "diagnostic_delay": -2.373, "age_at_onset": -0.267, "fvc": 0.477,
               "bulbar_onset": 0.269, "definite_als": 0.233, "ftd": 0.388, "c9orf72": 0.256}
TRICALS_BETA = {"delta_frs": -1.839, "diagnostic_delay": -2.376, "age_at_onset": -0.264, "fvc": 0.474,
                "bulbar_onset": 0.271, "definite_als": 0.238, "ftd": 0.415}

HORIZONS_MONTHS = (12, 24, 36, 60)
CONFIDENCE_NOTE = ("coefficients and spline from public code by ENCALS/TRICALS co-authors "
                   "(rpavaneijk/Precision-ALS); not re-checked against the paper's tables")


def probability_text(p: float) -> str:
    """A model probability as a percentage with two significant digits, the one format of every printed
    ENCALS probability (0.005 -> '0.5%', 0.834 -> '83%', 0.996 -> '99.6%'), so a number and the flag beside
    it never disagree ('0.00' next to '0.5%')."""
    percent = 100.0 * p
    if percent <= 0.0:
        return "0%"
    if percent < 0.01:
        return "below 0.01%"
    if percent >= 100.0:
        return "100%"
    if percent > 99.0:
        return f"{percent:.3g}%"
    if percent >= 10.0:
        return f"{percent:.0f}%"
    return f"{percent:.2g}%"


def _pos3(x: float) -> float:
    return x ** 3 if x > 0 else 0.0


def basis(x: float, knot: float, lam: float) -> float:
    """Restricted cubic spline basis v(x) = (x-k)+^3 - λ(x-k_min)+^3 - (1-λ)(x-k_max)+^3."""
    return _pos3(x - knot) - lam * _pos3(x - K_MIN) - (1 - lam) * _pos3(x - K_MAX)


def spline(log_t: float) -> float:
    g0, g1, g2, g3 = GAMMA
    return g0 + g1 * log_t + g2 * basis(log_t, K1, LAMBDA1) + g3 * basis(log_t, K2, LAMBDA2)


def survival(months: float, lp: float) -> float:
    """S(t | LP) with t in months since symptom onset."""
    if months <= 0:
        return 1.0
    z = spline(math.log(months)) + lp
    if z > 700:
        return 0.0
    return 1.0 / (1.0 + math.exp(z))


def time_at_survival(lp: float, target: float, lower: float = 1e-3, upper: float = 1200.0) -> float | None:
    """Months since onset at which S(t | LP) = target (deterministic; None if beyond ``upper``)."""
    from scipy.optimize import brentq

    goal = math.log((1 - target) / target)  # S = target <=> s(ln t) + LP = ln((1-S)/S)

    def f(log_t: float) -> float:
        return spline(log_t) + lp - goal

    a, b = math.log(lower), math.log(upper)
    if f(a) > 0:
        return lower
    if f(b) < 0:
        return None
    return float(math.exp(brentq(f, a, b, xtol=1e-10)))


@dataclass(frozen=True)
class Predictors:
    delta_frs: float  # (48 - ALSFRS-R)/months since onset, positive = decline
    diagnostic_delay_months: float
    age_at_onset_years: float
    fvc_percent_predicted: float
    bulbar_onset: bool
    definite_als: bool
    ftd: bool
    c9orf72_expanded: bool | None


def transforms(p: Predictors) -> dict[str, float]:
    """The predictor transformations of §4.2."""
    return {
        "delta_frs": (p.delta_frs + 0.1) ** -0.5,
        "diagnostic_delay": (p.diagnostic_delay_months / 10) ** -0.5 + math.log(p.diagnostic_delay_months / 10),
        "age_at_onset": (p.age_at_onset_years / 100) ** -2,
        "fvc": (p.fvc_percent_predicted / 100) ** -1 + (p.fvc_percent_predicted / 100) ** -0.5,
        "bulbar_onset": float(p.bulbar_onset),
        "definite_als": float(p.definite_als),
        "ftd": float(p.ftd),
        "c9orf72": float(bool(p.c9orf72_expanded)),
    }


# Where the model's own mathematics stops being meaningful (derived here, not from the paper's tables):
# * the diagnostic-delay transform (d/10)^-0.5 + ln(d/10) has its minimum at d = 2.5 months
#   (d/dd = [1 - 0.5·(d/10)^-0.5]/d = 0 <=> d = 2.5); below it a shorter delay would
#   predict a *longer* survival, the reverse of the fitted relation, so predictions are refused;
# * the baseline spline's boundary knots are exp(0.081) = 1.08 and exp(5.917) = 371 months from
#   onset (flexsurvspline puts them at the shortest and longest observed event times), so a
#   median beyond 371 months is an extrapolation and is flagged.
MIN_DIAGNOSTIC_DELAY_MONTHS = 2.5
SPLINE_RANGE_MONTHS = (math.exp(K_MIN), math.exp(K_MAX))


def domain_problems(p: Predictors) -> list[str]:
    problems = []
    if p.delta_frs < 0:
        problems.append(f"ΔFRS must be >= 0 (decline positive); got {p.delta_frs:.3f}")
    if p.diagnostic_delay_months <= 0:
        problems.append("diagnostic delay must be > 0 months (its transform takes a logarithm)")
    elif p.diagnostic_delay_months < MIN_DIAGNOSTIC_DELAY_MONTHS:
        problems.append(
            f"diagnostic delay {p.diagnostic_delay_months:.1f} months is below {MIN_DIAGNOSTIC_DELAY_MONTHS:g} months: "
            "the model's delay term reverses there (a shorter delay would predict a longer survival), so no "
            f"prediction is made; the model applies to a diagnostic delay of at least {MIN_DIAGNOSTIC_DELAY_MONTHS:g} "
            "months")
    if p.fvc_percent_predicted <= 0:
        problems.append("FVC % predicted must be > 0")
    if p.age_at_onset_years <= 0:
        problems.append("age at onset must be > 0")
    return problems


def linear_predictor(p: Predictors, beta: dict[str, float]) -> float:
    x = transforms(p)
    return sum(beta[name] * x[name] for name in beta)


def encals_lp(p: Predictors) -> float:
    if p.c9orf72_expanded is None:
        raise ValueError("the 8-predictor ENCALS model needs C9orf72 status")
    return linear_predictor(p, ENCALS_BETA)


def tricals_risk_profile(p: Predictors) -> float:
    return linear_predictor(p, TRICALS_BETA)


class SurvivalPoint(BaseModel):
    months_since_onset: float
    survival: float


class EncalsResult(BaseModel):
    model: str = "encals_8_predictor"  # identifier for programs (JSON); people read ``title``
    title: str = "ENCALS model, 8 predictors (Westeneng 2018)"
    status: str  # "assessed" or "refused"
    refusal_reasons: list[str] = []
    predictors: dict[str, float | bool | str] = {}
    linear_predictor: float | None = None
    median_months_from_onset: float | None = None  # None: beyond 1,200 months (see caveats)
    today_months_since_onset: float | None = None
    survival_today: float | None = None
    conditional_median_months_from_today: float | None = None
    conditional_survival: dict[str, float] = {}  # "12" -> P(event-free 12 months after today | alive today)
    survival_from_onset: dict[str, float] = {}  # "36" -> S(36 months since onset)
    curve: list[SurvivalPoint] = []
    outcome: str = "death, tracheostomy or NIV > 23 h/day, from symptom onset"
    confidence: str = "unverified"
    caveats: list[str] = []
    flags: list[str] = []  # the caveats that say the prediction is outside the model (also in caveats)
    sources: list[str] = ["S-Wes18"]


class TricalsResult(BaseModel):
    model: str = "tricals_7_predictor_risk_profile"
    status: str
    refusal_reasons: list[str] = []
    risk_profile: float | None = None
    note: str = ("TRICALS risk profile: the 7-predictor ENCALS linear predictor (no C9orf72 term), on the scale of "
                 "the log odds of reaching the composite outcome (added to the baseline log odds at every time); "
                 "higher = worse prognosis. Trials select participants within a window of it (the TRICALS code's "
                 "example window is -6.0 to -2.0). It is not a probability and no survival curve is attached to it "
                 "here.")
    example_trial_window: tuple[float, float] = (-6.0, -2.0)
    confidence: str = "unverified"
    caveats: list[str] = []
    sources: list[str] = ["S-Wes18", "S-PrecALS"]


def curve_points(lp: float, until_months: float, step: float = 1.0) -> list[SurvivalPoint]:
    points: list[SurvivalPoint] = []
    n = int(until_months / step)
    for i in range(1, n + 1):
        t = i * step
        points.append(SurvivalPoint(months_since_onset=t, survival=round(survival(t, lp), 6)))
    return points


def encals_assess(p: Predictors, today_months: float, caveats: Sequence[str]) -> EncalsResult:
    lp = encals_lp(p)
    s_today = survival(today_months, lp)
    median = time_at_survival(lp, 0.5)
    conditional = {str(h): round(survival(today_months + h, lp) / s_today, 6) for h in HORIZONS_MONTHS} \
        if s_today > 0 else {}
    cond_median = None
    if s_today > 0:
        t_half = time_at_survival(lp, 0.5 * s_today)
        cond_median = None if t_half is None else round(t_half - today_months, 4)
    predictors: dict[str, float | bool | str] = {
        "delta_frs_points_per_month": round(p.delta_frs, 6),
        "diagnostic_delay_months": round(p.diagnostic_delay_months, 4),
        "age_at_onset_years": round(p.age_at_onset_years, 3),
        "fvc_percent_predicted": p.fvc_percent_predicted, "bulbar_onset": p.bulbar_onset,
        "definite_als": p.definite_als, "ftd": p.ftd, "c9orf72_expanded": bool(p.c9orf72_expanded)}
    horizon = max(120.0, today_months + 72.0)
    flags = []
    if median is None or median > SPLINE_RANGE_MONTHS[1]:
        flags.append(f"the predicted median lies beyond {SPLINE_RANGE_MONTHS[1]:.0f} months from onset, outside the "
                     f"follow-up the model was fitted on ({SPLINE_RANGE_MONTHS[0]:.1f}-{SPLINE_RANGE_MONTHS[1]:.0f} "
                     "months, the spline's boundary knots): an extrapolation, not a prediction")
    elif median < SPLINE_RANGE_MONTHS[0]:
        flags.append(f"the predicted median lies below {SPLINE_RANGE_MONTHS[0]:.1f} months from onset, before the "
                     f"follow-up the model was fitted on ({SPLINE_RANGE_MONTHS[0]:.1f}-{SPLINE_RANGE_MONTHS[1]:.0f} "
                     "months, the spline's boundary knots): an extrapolation, not a prediction")
    if s_today < 0.01:
        flags.append(f"the model gives a probability of {probability_text(s_today)} of being event-free today, "
                     f"{today_months:.1f} months from onset: by the model this patient would already have reached "
                     "the outcome, so the patient's course lies outside what it describes and the survival "
                     "conditional on today is not reliable")
    return EncalsResult(status="assessed", predictors=predictors, linear_predictor=round(lp, 6),
                        median_months_from_onset=None if median is None else round(median, 4),
                        today_months_since_onset=round(today_months, 4), survival_today=round(s_today, 6),
                        conditional_median_months_from_today=cond_median, conditional_survival=conditional,
                        survival_from_onset={str(h): round(survival(h, lp), 6) for h in (12, 24, 36, 48, 60, 120)},
                        curve=curve_points(lp, horizon), flags=flags,
                        caveats=[*flags, CONFIDENCE_NOTE, *caveats,
                                 "no risk group is given: the published LP cut-offs were not available"])
