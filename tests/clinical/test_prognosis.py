from __future__ import annotations

import dataclasses
import itertools
import math
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charcot.clinical import prognosis as pg
from charcot.clinical.api import assess
from charcot.clinical.model import ClinicalCase
from charcot.errors import InputError

BASE = pg.Predictors(delta_frs=0.6, diagnostic_delay_months=10.0, age_at_onset_years=60.0,
                     fvc_percent_predicted=90.0, bulbar_onset=False, definite_als=False, ftd=False,
                     c9orf72_expanded=False)


def test_lambda_values_follow_from_the_knots() -> None:
    assert pytest.approx(0.481323, abs=5e-7) == pg.LAMBDA1
    assert pytest.approx(0.390507, abs=5e-7) == pg.LAMBDA2


def test_basis_definition_including_the_cubed_kmax_term() -> None:
    x = 6.3  # beyond k_max = 5.917, where the public code's un-cubed term differs
    lam = pg.LAMBDA1
    expected = (x - pg.K1) ** 3 - lam * (x - pg.K_MIN) ** 3 - (1 - lam) * (x - pg.K_MAX) ** 3
    uncubed = (x - pg.K1) ** 3 - lam * (x - pg.K_MIN) ** 3 - (1 - lam) * (x - pg.K_MAX)
    assert pg.basis(x, pg.K1, lam) == pytest.approx(expected, rel=1e-12)
    assert pg.basis(x, pg.K1, lam) != pytest.approx(uncubed, rel=1e-6)
    # below every knot the basis vanishes; between k_min and k1 only the λ term is active
    assert pg.basis(0.05, pg.K1, lam) == 0.0
    assert pg.basis(2.0, pg.K1, lam) == pytest.approx(-lam * (2.0 - pg.K_MIN) ** 3)


def test_restricted_spline_is_linear_beyond_kmax() -> None:
    # With the cube, a restricted cubic spline is linear past the last knot (zero second difference).
    h = 0.25
    for x in (6.2, 6.6, 7.0):
        second = pg.spline(x + h) - 2 * pg.spline(x) + pg.spline(x - h)
        assert abs(second) < 1e-9


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=-8.0, max_value=0.0))
def test_survival_decreases_and_median_solves_half(lp: float) -> None:
    grid = [0.5 * i for i in range(1, 1000)]
    values = [pg.survival(t, lp) for t in grid]
    assert all(b <= a for a, b in itertools.pairwise(values))
    assert values[0] <= 1.0 and values[-1] >= 0.0
    median = pg.time_at_survival(lp, 0.5)
    if median is not None and median > 1e-3:
        assert pg.survival(median, lp) == pytest.approx(0.5, abs=1e-8)
        assert pg.spline(math.log(median)) + lp == pytest.approx(0.0, abs=1e-7)


def _lp(**changes: Any) -> float:
    return pg.encals_lp(dataclasses.replace(BASE, **changes))


@pytest.mark.parametrize(("field", "worse"), [
    ("delta_frs", 1.2),               # faster progression -> worse
    ("diagnostic_delay_months", 5.0),  # shorter delay -> worse
    ("age_at_onset_years", 72.0),      # older -> worse
    ("fvc_percent_predicted", 60.0),   # lower FVC -> worse
    ("bulbar_onset", True), ("definite_als", True), ("ftd", True), ("c9orf72_expanded", True),
])
def test_each_predictor_moves_risk_in_its_published_direction(field: str, worse: Any) -> None:
    base_lp = pg.encals_lp(BASE)
    worse_lp = _lp(**{field: worse})
    assert worse_lp > base_lp
    assert pg.survival(36, worse_lp) < pg.survival(36, base_lp)
    median_base = pg.time_at_survival(base_lp, 0.5)
    median_worse = pg.time_at_survival(worse_lp, 0.5)
    assert median_base is not None and median_worse is not None and median_worse < median_base


def test_linear_predictor_by_hand() -> None:
    p = BASE
    expected = (-1.837 * (0.6 + 0.1) ** -0.5 - 2.373 * ((1.0) ** -0.5 + math.log(1.0))
                - 0.267 * (0.6) ** -2 + 0.477 * ((0.9) ** -1 + (0.9) ** -0.5))
    assert pg.encals_lp(p) == pytest.approx(expected, rel=1e-12)
    tricals = (-1.839 * (0.7) ** -0.5 - 2.376 * 1.0 - 0.264 * (0.6) ** -2 + 0.474 * ((0.9) ** -1 + (0.9) ** -0.5))
    assert pg.tricals_risk_profile(p) == pytest.approx(tricals, rel=1e-12)


def test_domain_problems() -> None:
    assert pg.domain_problems(dataclasses.replace(BASE, diagnostic_delay_months=0.0))
    assert pg.domain_problems(dataclasses.replace(BASE, delta_frs=-0.2))
    assert not pg.domain_problems(BASE)


# --- through the API: refusal and explicit choice ----------------------------------------------

def test_encals_refuses_without_c9orf72_choice(example_case: ClinicalCase) -> None:
    result = assess(example_case)
    assert result.encals.status == "refused"
    assert any("C9orf72" in r for r in result.encals.refusal_reasons)
    assert result.tricals.status == "assessed"  # the 7-predictor profile has no C9orf72 term
    assert any(n.what == "ENCALS survival prediction" for n in result.not_assessed)


def test_encals_with_explicit_assumption(example_case: ClinicalCase) -> None:
    normal = assess(example_case, c9orf72_status="normal")
    expanded = assess(example_case, c9orf72_status="expanded")
    assert normal.encals.status == expanded.encals.status == "assessed"
    assert any("assume 'normal'" in c for c in normal.encals.caveats)
    assert normal.encals.confidence == "unverified"
    assert expanded.encals.linear_predictor == pytest.approx(normal.encals.linear_predictor + 0.256, abs=1e-6)
    enc = normal.encals
    assert enc.median_months_from_onset is not None
    assert pg.survival(enc.median_months_from_onset, enc.linear_predictor) == pytest.approx(0.5, abs=1e-5)
    # conditional survival from today: S(t0 + h) / S(t0), decreasing in h
    cond = [enc.conditional_survival[h] for h in ("12", "24", "36", "60")]
    assert cond == sorted(cond, reverse=True)
    t0 = normal.months_since_onset_today
    assert cond[0] == pytest.approx(pg.survival(t0 + 12, enc.linear_predictor) / pg.survival(t0, enc.linear_predictor),
                                    abs=1e-5)
    assert "risk_group" not in enc.model_dump()  # no unsourced risk-group labels


def test_c9orf72_choice_conflicting_with_record_is_an_error(example_raw: dict[str, Any]) -> None:
    example_raw["genotype"]["c9orf72_status"] = "expanded"
    case = ClinicalCase.model_validate(example_raw)
    with pytest.raises(InputError):
        assess(case, c9orf72_status="normal")
    with pytest.raises(InputError):
        assess(case, c9orf72_status="maybe")
    assert assess(case).encals.status == "assessed"


def test_encals_refuses_with_reasons_when_inputs_missing(example_raw: dict[str, Any]) -> None:
    del example_raw["date_of_birth"]
    del example_raw["cognition"]
    case = ClinicalCase.model_validate(example_raw)
    result = assess(case, c9orf72_status="normal")
    assert result.encals.status == "refused" and result.tricals.status == "refused"
    reasons = " ".join(result.encals.refusal_reasons)
    assert "date of birth" in reasons and "FTD status unknown" in reasons


def test_encals_refuses_when_outcome_already_reached(example_raw: dict[str, Any]) -> None:
    example_raw["visits"][-1]["tracheostomy"] = True
    result = assess(ClinicalCase.model_validate(example_raw), c9orf72_status="normal")
    assert result.encals.status == "refused"
    assert any("already reached" in r for r in result.encals.refusal_reasons)


def test_explicit_today_changes_conditional_survival_only(example_case: ClinicalCase) -> None:
    a = assess(example_case, c9orf72_status="normal", today=date(2025, 11, 18))
    b = assess(example_case, c9orf72_status="normal", today=date(2026, 3, 1))
    assert a.today_source == "last_visit" or a.today_source == "explicit"
    assert b.today_source == "explicit"
    assert a.encals.linear_predictor == b.encals.linear_predictor
    assert a.encals.conditional_survival != b.encals.conditional_survival
