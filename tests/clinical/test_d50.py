from __future__ import annotations

import pytest

from charcot.clinical.d50 import d50_curve, fit_d50
from charcot.errors import NotAssessable


def test_curve_matches_reference_vector() -> None:
    # clinical-algorithms.md §6.2 synthetic vector, D50 = 30, dx = 6
    expected = {0: 47.679, 12: 45.724, 24: 35.091, 30: 24.000, 36: 12.909, 48: 2.276}
    for t, value in expected.items():
        assert d50_curve(t, 30, 6) == pytest.approx(value, abs=5e-4)


def test_fit_recovers_exact_parameters() -> None:
    t = [3.0, 9.0, 15.0, 21.0, 27.0, 33.0]
    y = [d50_curve(x, 30.0, 6.0) for x in t]
    fit = fit_d50(t, y, months_today=33.0)
    assert fit.d50_months == pytest.approx(30.0, abs=1e-3)
    assert fit.dx_months == pytest.approx(6.0, abs=1e-3)
    assert fit.rd50_today == pytest.approx(1.1, abs=1e-3)


def test_fit_recovers_parameters_within_ci_from_noisy_integer_scores() -> None:
    import numpy as np

    rng = np.random.default_rng(20261121)
    t = np.linspace(4, 40, 10)
    y = np.clip(np.round([d50_curve(x, 26.0, 4.5) for x in t] + rng.normal(0, 1.0, t.size)), 0, 48)
    fit = fit_d50(list(t), list(y), months_today=40.0)
    assert fit.d50_ci95 is not None and fit.dx_ci95 is not None
    assert fit.d50_ci95[0] <= 26.0 <= fit.d50_ci95[1]
    assert fit.dx_ci95[0] <= 4.5 <= fit.dx_ci95[1]
    assert fit.d50_se is not None and 0 < fit.d50_se < 2


def test_fit_is_deterministic() -> None:
    t, y = [6.0, 12.0, 18.0, 24.0], [44, 41, 35, 30]
    assert fit_d50(t, y, 24.0) == fit_d50(t, y, 24.0)


def test_too_few_visits() -> None:
    with pytest.raises(NotAssessable):
        fit_d50([3.0, 6.0], [45, 43], 6.0)


def test_interval_uses_the_t_quantile_without_importing_scipy_stats() -> None:
    """The 95% interval is estimate ± t(0.975, n-2) · SE (scipy.stats.t.ppf), computed without scipy.stats,
    whose import was a second of the demo's start-up (issue 20)."""
    import subprocess
    import sys

    from scipy import stats

    t, y = [3.0, 8.0, 14.0, 20.0, 27.0], [47, 45, 40, 31, 22]
    fit = fit_d50(t, y, 27.0)
    assert fit.d50_se is not None and fit.d50_ci95 is not None
    q = float(stats.t.ppf(0.975, len(t) - 2))
    assert fit.d50_ci95[1] - fit.d50_ci95[0] == pytest.approx(2 * q * fit.d50_se, abs=2e-3)
    code = ("import sys; from charcot.clinical.d50 import fit_d50; "
            "fit_d50([3.0, 8.0, 14.0, 20.0, 27.0], [47, 45, 40, 31, 22], 27.0); print('scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]
