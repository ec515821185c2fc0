"""Statistics against known answers and independent implementations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from scipy.stats import fisher_exact

from charcot.population.stats import acat, firth_logistic, fisher_2x2, poisson_exact_ci, poisson_upper_tail


@given(st.integers(0, 30), st.integers(1, 40), st.integers(0, 30), st.integers(1, 40))
@settings(max_examples=60, deadline=None)
def test_fisher_matches_scipy(a: int, n1: int, c: int, n0: int) -> None:
    a, c = min(a, n1), min(c, n0)
    res = fisher_2x2(a, n1, c, n0)
    ref = fisher_exact([[a, n1 - a], [c, n0 - c]])
    assert res.p_value == pytest.approx(min(1.0, ref.pvalue), abs=1e-12)


def test_fisher_known_tea_tasting() -> None:
    # Fisher's lady tasting tea: 3 of 4 right each way, two-sided p = 34/70 = 0.4857
    assert fisher_2x2(3, 4, 1, 4).p_value == pytest.approx(34 / 70, abs=1e-12)


@pytest.mark.parametrize("a,b,c,d", [(5, 20, 1, 30), (0, 25, 4, 40), (12, 3, 7, 9), (0, 10, 0, 10)])
def test_firth_2x2_equals_haldane_corrected_log_odds_ratio(a: int, b: int, c: int, d: int) -> None:
    """Known result (Firth 1993; Heinze & Schemper 2002): for a saturated 2x2 logistic model the
    Firth estimate of the log odds ratio is log((a+.5)(d+.5)/((b+.5)(c+.5)))."""
    x = np.array([[1.0, 1.0]] * (a + b) + [[1.0, 0.0]] * (c + d))
    y = np.array([1.0] * a + [0.0] * b + [1.0] * c + [0.0] * d)
    fit = firth_logistic(x, y, test_index=1)
    assert fit.converged
    expected = math.log((a + 0.5) * (d + 0.5) / ((b + 0.5) * (c + 0.5)))
    assert fit.estimate == pytest.approx(expected, abs=1e-8)


def _neg_penalised(beta: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    eta = x @ beta
    p = 1 / (1 + np.exp(-eta))
    ll = np.sum(y * eta - np.logaddexp(0, eta))
    info = x.T @ (x * (p * (1 - p))[:, None])
    return float(-(ll + 0.5 * np.linalg.slogdet(info)[1]))


def test_firth_with_covariates_matches_independent_optimiser() -> None:
    rng = np.random.default_rng(3)
    n = 300
    carrier = (rng.random(n) < 0.04).astype(float)
    sex = rng.integers(0, 2, n).astype(float)
    pc = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-1 + 1.5 * carrier + 0.3 * sex + 0.2 * pc)))).astype(float)
    x = np.column_stack([np.ones(n), carrier, sex, pc])
    fit = firth_logistic(x, y, test_index=1)
    ref = minimize(_neg_penalised, np.zeros(4), args=(x, y), method="BFGS", options={"gtol": 1e-10})
    assert np.allclose(fit.beta, ref.x, atol=1e-5)
    # penalised LRT: refit with the carrier coefficient fixed at 0 (penalty on the full design)
    def reduced(b: np.ndarray) -> float:
        return _neg_penalised(np.array([b[0], 0.0, b[1], b[2]]), x, y)
    null = minimize(reduced, np.zeros(3), method="BFGS", options={"gtol": 1e-10})
    from scipy.stats import chi2

    assert fit.p_value == pytest.approx(float(chi2.sf(2 * (null.fun - ref.fun), 1)), rel=1e-4)
    assert fit.ci_low < fit.estimate < fit.ci_high


def test_firth_handles_complete_separation() -> None:
    x = np.array([[1.0, 1.0]] * 3 + [[1.0, 0.0]] * 50)
    y = np.array([1.0] * 3 + [1.0] * 10 + [0.0] * 40)
    fit = firth_logistic(x, y)
    assert fit.converged and math.isfinite(fit.estimate) and 0 < fit.p_value < 1


def test_acat_known_properties() -> None:
    assert acat([0.03]) == pytest.approx(0.03, rel=1e-9)
    assert acat([0.2, 0.2, 0.2]) == pytest.approx(0.2, rel=1e-9)  # identical p-values combine to themselves
    assert acat([1e-20, 0.5]) == pytest.approx(2e-20, rel=1e-3)  # dominated by the smallest (weight 1/2)
    assert 0 < acat([1.0, 1.0]) <= 1
    with pytest.raises(ValueError):
        acat([1.5])


def test_garwood_limits_known_values() -> None:
    # standard tabulated exact Poisson limits
    assert poisson_exact_ci(0) == pytest.approx((0.0, 3.688879), abs=1e-5)
    lo, hi = poisson_exact_ci(10)
    assert lo == pytest.approx(4.795389, abs=1e-5) and hi == pytest.approx(18.390356, abs=1e-5)
    assert poisson_upper_tail(0, 3.0) == 1.0
    assert poisson_upper_tail(3, 1.0) == pytest.approx(1 - math.exp(-1) * (1 + 1 + 0.5), abs=1e-12)
