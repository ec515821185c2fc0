"""D50 sigmoid model of ALSFRS-R decline (Jena group: Stubendorff/Grosskreutz ENCALS 2017; Poesen 2017).

ALSFRS-R(t) = 48 / (1 + exp((t - D50) / dx)), t in months since symptom onset. D50 is the time at
which the total reaches 24 (half of the maximum), dx the time constant of decline. Fitted by
bounded non-linear least squares (scipy ``curve_fit``) from a fixed grid of starting values (the
start ranges D50 3-120 months and dx 1-10 used by public fits; deterministic, no random starts);
uncertainty from the covariance matrix. Phase labels on rD50 and aggressiveness groups are not
given: their numeric boundaries are unverified (clinical-algorithms.md §6.2).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from charcot.errors import NotAssessable

_LOWER, _UPPER = (0.01, 0.05), (1200.0, 600.0)  # (D50, dx) bounds of the fit, months
MIN_VISITS = 3  # two parameters: a third point is the minimum for any residual uncertainty
SOURCES = ["S-Poe17", "S-Stu17"]
_D50_STARTS = (3.0, 12.0, 24.0, 48.0, 120.0)
_DX_STARTS = (1.0, 3.0, 6.0, 10.0)


def d50_curve(t: float, d50: float, dx: float) -> float:
    return 48.0 / (1.0 + math.exp((t - d50) / dx))


class D50Fit(BaseModel):
    d50_months: float
    dx_months: float
    d50_se: float | None
    dx_se: float | None
    d50_ci95: tuple[float, float] | None
    dx_ci95: tuple[float, float] | None
    correlation: float | None
    residual_sd: float | None
    n_visits: int
    rd50_today: float  # months since onset today / D50
    months_since_onset_today: float
    converged: bool
    caveats: list[str]
    sources: list[str] = SOURCES


def fit_d50(months: Sequence[float], totals: Sequence[float], months_today: float) -> D50Fit:
    """Least-squares fit of the D50 model to (months since onset, ALSFRS-R total) points."""
    import numpy as np
    from scipy.optimize import OptimizeWarning, curve_fit
    from scipy.special import stdtrit  # the t quantile scipy.stats.t.ppf calls, without importing scipy.stats

    if len(months) < MIN_VISITS:
        raise NotAssessable(f"the D50 model needs at least {MIN_VISITS} visits with ALSFRS-R; "
                            f"{len(months)} available")
    t = np.asarray(months, dtype=float)
    y = np.asarray(totals, dtype=float)
    if np.ptp(t) <= 0:
        raise NotAssessable("the D50 model needs visits on different dates")
    if np.all(y >= 48):
        # a flat 48 fits any D50 far enough away: the fit would print one of them with a zero-width interval
        raise NotAssessable("every ALSFRS-R total is 48 (no loss of function yet): the visits do not determine D50")

    def model(x: Any, d50: float, dx: float) -> Any:
        return 48.0 / (1.0 + np.exp(np.clip((x - d50) / dx, -700, 700)))

    best: tuple[float, Any, Any] | None = None
    import warnings

    for d0 in _D50_STARTS:
        for x0 in _DX_STARTS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", OptimizeWarning)
                warnings.simplefilter("ignore", RuntimeWarning)
                try:
                    popt, pcov = curve_fit(model, t, y, p0=(d0, x0), bounds=(_LOWER, _UPPER),
                                           maxfev=20000)
                except (RuntimeError, ValueError):
                    continue
            rss = float(np.sum((y - model(t, *popt)) ** 2))
            if best is None or rss < best[0] - 1e-12:
                best = (rss, popt, pcov)
    if best is None:
        raise NotAssessable("the D50 model did not converge for these visits")
    rss, popt, pcov = best
    d50, dx = float(popt[0]), float(popt[1])
    bound = [name for name, value, low, high in (("D50", d50, _LOWER[0], _UPPER[0]), ("dx", dx, _LOWER[1], _UPPER[1]))
             if value <= low * 1.001 or value >= high * 0.999]
    if bound:
        # a parameter at the edge of its range is where the optimiser stopped, not an estimate
        raise NotAssessable(f"the visits do not determine D50: the fit ran to the edge of the model's range for "
                            f"{' and '.join(bound)} (D50 {d50:.0f} months, dx {dx:.1f} months); visits with more "
                            "decline are needed")
    n = len(t)
    dof = n - 2
    caveats: list[str] = []
    d50_se = dx_se = corr = resid_sd = None
    d50_ci = dx_ci = None
    if dof > 0 and rss <= 1e-9:
        caveats.append("the curve passes through every visit exactly: its uncertainty cannot be estimated")
    elif dof > 0 and np.all(np.isfinite(pcov)):
        d50_se = float(math.sqrt(max(pcov[0, 0], 0.0)))
        dx_se = float(math.sqrt(max(pcov[1, 1], 0.0)))
        q = float(stdtrit(dof, 0.975))
        d50_ci = (round(d50 - q * d50_se, 3), round(d50 + q * d50_se, 3))
        if d50_ci[0] <= 0:
            # a time since onset cannot be negative: the symmetric interval only says the visits barely constrain D50
            caveats.append(f"the 95% interval of D50 from the covariance reaches {d50_ci[0]:.1f} months (below onset): "
                           "the visits barely constrain D50, so no interval is given")
            d50_ci = None
        dx_ci = (round(dx - q * dx_se, 3), round(dx + q * dx_se, 3))
        if d50_se > 0 and dx_se > 0:
            corr = round(float(pcov[0, 1] / (d50_se * dx_se)), 4)
        resid_sd = round(math.sqrt(rss / dof), 4)
    else:
        caveats.append("parameter uncertainty could not be estimated (singular covariance)")
    if d50 > float(np.max(t)) * 3:
        caveats.append("D50 lies far beyond the last visit: an extrapolation with wide uncertainty")
    if dof < 3:
        caveats.append(f"only {n} visits: parameter uncertainty is large")
    return D50Fit(d50_months=round(d50, 4), dx_months=round(dx, 4),
                  d50_se=None if d50_se is None else round(d50_se, 4),
                  dx_se=None if dx_se is None else round(dx_se, 4), d50_ci95=d50_ci, dx_ci95=dx_ci,
                  correlation=corr, residual_sd=resid_sd, n_visits=n,
                  rd50_today=round(months_today / d50, 4), months_since_onset_today=round(months_today, 4),
                  converged=True, caveats=caveats)
