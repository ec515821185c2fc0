"""Statistics for case-control burden tests and population epidemiology.

* Fisher's exact test: ``scipy.stats.fisher_exact`` (two-sided; conditional-MLE-free sample odds ratio).
* Firth logistic regression (Firth 1993, Biometrika 80:27-38; Heinze & Schemper 2002, Stat Med
  21:2409-19): Newton-Raphson on the Jeffreys-penalised log-likelihood
  l*(b) = l(b) + 1/2 log|X'WX| with step halving. Point estimates are the penalised MLE. The p-value
  is the **penalised likelihood-ratio test** (as in R logistf): the model is refitted with the tested
  coefficient fixed at 0, the penalty still computed on the full design. Confidence intervals are
  **Wald** intervals from the inverse information at the estimate (not profile-likelihood intervals;
  with very sparse tables they can be narrower than the profile intervals logistf reports).
* ACAT (Liu & Xie 2020, JASA 115:393-402; ACAT-V: Liu et al. 2019, AJHG 104:410-21): Cauchy
  combination of p-values.
* Exact Poisson (Garwood 1936) confidence limits for counts via the chi-square quantiles.

SKAT and SKAT-O (gene x mask tests) are in :mod:`charcot.population.skat` and
:mod:`charcot.population.masks`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


# --------------------------------------------------------------------------------------------- Fisher
@dataclass(frozen=True)
class FisherResult:
    odds_ratio: float  # sample odds ratio (a*d)/(b*c); inf or nan when a cell is 0
    p_value: float


def fisher_2x2(case_carriers: int, n_cases: int, control_carriers: int, n_controls: int) -> FisherResult:
    """Two-sided Fisher exact test of carrier counts in cases vs controls."""
    a, b = case_carriers, n_cases - case_carriers
    c, d = control_carriers, n_controls - control_carriers
    if min(a, b, c, d) < 0:
        raise ValueError("carrier counts exceed group sizes")
    return _fisher_table(int(a), int(b), int(c), int(d))


@functools.lru_cache(maxsize=65536)
def _fisher_table(a: int, b: int, c: int, d: int) -> FisherResult:
    # cached: a cohort's rare variants repeat the same few tables (1 case carrier : 0 controls, ...), and
    # scipy's exact test costs ~10-20 ms per table at 100,000 samples
    from scipy.stats import fisher_exact

    res = fisher_exact([[a, b], [c, d]], alternative="two-sided")
    return FisherResult(float(res.statistic), min(1.0, float(res.pvalue)))


# ---------------------------------------------------------------------------------------------- Firth
@dataclass(frozen=True)
class FirthResult:
    beta: FloatArray  # penalised MLE, one per column of X
    se: FloatArray  # sqrt(diag((X'WX)^-1)) at the estimate
    loglik: float  # penalised log-likelihood at the estimate
    converged: bool
    iterations: int
    # for the tested coefficient (index ``test_index``):
    test_index: int
    p_value: float  # penalised likelihood-ratio test, 1 df
    ci_low: float  # Wald 95% interval on the log-odds scale
    ci_high: float

    @property
    def estimate(self) -> float:
        return float(self.beta[self.test_index])


def _penalised_state(x: FloatArray, y: FloatArray, beta: FloatArray) -> tuple[float, FloatArray, FloatArray, FloatArray]:
    """(penalised log-likelihood, fitted p, weights p(1-p), information X'WX) at ``beta``."""
    from scipy.special import expit, log_expit

    eta = x @ beta
    # log-likelihood of a logistic model without overflow: y*eta - log(1+e^eta) = y*eta + log(expit(-eta))
    ll = float(y @ eta) + float(log_expit(-eta).sum())
    p = expit(eta)
    w = p * (1.0 - p)
    info = x.T @ (x * w[:, None])
    sign, logdet = np.linalg.slogdet(info)
    if sign <= 0:
        return -math.inf, p, w, info
    return ll + 0.5 * float(logdet), p, w, info


def _firth_fit(
    x: FloatArray, y: FloatArray, free: npt.NDArray[np.bool_], beta0: FloatArray,
    max_iter: int = 200, tol: float = 1e-10,
) -> tuple[FloatArray, float, bool, int]:
    """Maximise the penalised likelihood over the ``free`` coefficients (the others stay fixed)."""
    beta = beta0.copy()
    current, p, w, info = _penalised_state(x, y, beta)
    for iteration in range(1, max_iter + 1):
        info_inv = np.linalg.pinv(info)
        # hat-matrix diagonal h_i = w_i x_i' (X'WX)^-1 x_i
        h = np.einsum("ij,ij->i", x @ info_inv, x) * w
        score = x.T @ (y - p + h * (0.5 - p))
        sub = info[np.ix_(free, free)]
        step_free = np.linalg.solve(sub, score[free])
        step = np.zeros_like(beta)
        step[free] = step_free
        # cap huge steps (separation) the way logistf does (maxstep 5)
        biggest = float(np.max(np.abs(step))) if step.size else 0.0
        if biggest > 5.0:
            step *= 5.0 / biggest
        new_beta = beta + step
        state = _penalised_state(x, y, new_beta)
        halvings = 0
        while (not math.isfinite(state[0]) or state[0] < current - 1e-12) and halvings < 30:
            step /= 2.0
            new_beta = beta + step
            state = _penalised_state(x, y, new_beta)
            halvings += 1
        beta, previous = new_beta, current
        current, p, w, info = state
        if float(np.max(np.abs(step))) < tol or (abs(current - previous) < 1e-14 and iteration > 1):
            return beta, current, True, iteration
    return beta, current, False, max_iter


def firth_logistic(x: FloatArray, y: FloatArray, test_index: int = 1) -> FirthResult:
    """Firth-penalised logistic regression of binary ``y`` on design ``x`` (include an intercept column).

    ``test_index`` is the column whose coefficient is tested (penalised LRT) and given a Wald CI.
    """
    from scipy.stats import chi2

    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or y.ndim != 1 or x.shape[0] != y.shape[0]:
        raise ValueError("x must be n-by-k and y of length n")
    k = x.shape[1]
    all_free = np.ones(k, dtype=bool)
    beta, ll_full, converged, iterations = _firth_fit(x, y, all_free, np.zeros(k))
    info = _penalised_state(x, y, beta)[3]
    se = np.sqrt(np.clip(np.diag(np.linalg.pinv(info)), 0.0, None))
    free = all_free.copy()
    free[test_index] = False
    start = beta.copy()
    start[test_index] = 0.0
    _, ll_null, converged_null, _ = _firth_fit(x, y, free, start)
    stat = max(0.0, 2.0 * (ll_full - ll_null))
    p_value = float(chi2.sf(stat, 1))
    z = 1.959963984540054  # standard normal 97.5% quantile
    b = float(beta[test_index])
    s = float(se[test_index])
    return FirthResult(beta=beta, se=se, loglik=ll_full, converged=converged and converged_null,
                       iterations=iterations, test_index=test_index, p_value=p_value,
                       ci_low=b - z * s, ci_high=b + z * s)


# ----------------------------------------------------------------------------------------------- ACAT
def acat(p_values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Cauchy combination test. p-values of exactly 1 are clamped to 1 - 1e-12 (the Cauchy transform
    of 1 is -inf); tiny p-values use tan(pi(1/2-p)) ~ 1/(p pi) to keep precision (Liu & Xie 2020)."""
    ps = np.asarray(list(p_values), dtype=np.float64)
    if ps.size == 0:
        return math.nan
    if np.any((ps < 0) | (ps > 1)) or np.any(np.isnan(ps)):
        raise ValueError("p-values must lie in [0, 1]")
    if np.any(ps == 0):
        return 0.0
    w = np.ones_like(ps) if weights is None else np.asarray(list(weights), dtype=np.float64)
    w = w / w.sum()
    ps = np.minimum(ps, 1.0 - 1e-12)
    small = ps < 1e-16
    terms = np.where(small, 1.0 / (np.where(small, ps, 1.0) * math.pi), np.tan((0.5 - ps) * math.pi))
    stat = float(np.sum(w * terms))
    if stat > 1e15:
        return float((1.0 / stat) / math.pi)
    return float(0.5 - math.atan(stat) / math.pi)


# ------------------------------------------------------------------------------------------- Poisson
def poisson_exact_ci(observed: int, level: float = 0.95) -> tuple[float, float]:
    """Garwood (1936) exact limits for a Poisson count: chi2(a/2, 2O)/2 and chi2(1-a/2, 2O+2)/2."""
    from scipy.stats import chi2

    if observed < 0:
        raise ValueError("observed count must be >= 0")
    alpha = 1.0 - level
    low = 0.0 if observed == 0 else float(chi2.ppf(alpha / 2.0, 2 * observed)) / 2.0
    high = float(chi2.ppf(1.0 - alpha / 2.0, 2 * (observed + 1))) / 2.0
    return low, high


def poisson_upper_tail(observed: int, expected: float) -> float:
    """P(X >= observed) for X ~ Poisson(expected): the one-sided excess (cluster) p-value."""
    from scipy.stats import poisson

    if observed <= 0:
        return 1.0
    return float(poisson.sf(observed - 1, expected))
