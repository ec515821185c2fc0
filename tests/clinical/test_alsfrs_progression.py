from __future__ import annotations

from datetime import date

import pytest

from charcot.clinical.alsfrs import FOUR_DOMAINS, THREE_DOMAINS, domains, total
from charcot.clinical.progression import categorise, delta_fs, least_squares_slope, two_point_slope
from charcot.errors import NotAssessable

from .conftest import items

D = date(2025, 1, 1)


def test_total_and_both_domain_conventions() -> None:
    scores = items(q1=3, q2=2, q3=1, q4=0, q5a=1, q6=2, q7=3, q8=4, q9=0, q10=1, q11=2, q12=3)
    assert total(scores) == 22
    assert domains(scores, FOUR_DOMAINS) == {"bulbar": 6, "fine_motor": 3, "gross_motor": 7, "respiratory": 6}
    assert domains(scores, THREE_DOMAINS) == {"bulbar": 6, "motor": 10, "respiratory": 6}
    with_tube = items(q5b=2)
    assert with_tube.uses_5b and total(with_tube) == 46


def _label(value: float, scheme: str) -> str:
    return next(c.label for c in categorise(value) if c.scheme_id == scheme)


# ΔFS is banded at the two decimals it is printed with and the cut-offs are published in: 0.6649 prints
# 0.66, 0.6651 prints 0.67.
@pytest.mark.parametrize(("scheme", "edges"), [
    ("kimura_2006_two_groups", [(0.6649, "slower"), (0.6651, "faster"), (0.67, "faster")]),
    ("kimura_2006_three_groups", [(0.4949, "slow"), (0.4951, "intermediate"), (0.5, "intermediate"),
                                  (0.9949, "intermediate"), (0.9951, "fast"), (1.0, "fast")]),
    ("gordon_2006", [(0.4949, "slower"), (0.5, "faster")]),
    ("elamin_2015", [(0.2449, "very slow"), (0.25, "slow"), (0.49, "slow"), (0.5, "intermediate"),
                     (0.99, "intermediate"), (1.0, "fast")]),
    # Labra 2016: fast is "> 1.11"; exactly 1.11 (and anything printed as 1.11) is intermediate
    ("labra_2016", [(0.4649, "slow"), (0.47, "intermediate"), (1.11, "intermediate"), (1.1149, "intermediate"),
                    (1.1151, "fast"), (1.12, "fast")]),
])
def test_delta_fs_category_edges(scheme: str, edges: list[tuple[float, str]]) -> None:
    for value, label in edges:
        assert _label(value, scheme) == label, (scheme, value)


def test_delta_fs_formula_and_zero_duration() -> None:
    result = delta_fs(36, 12.0, D)
    assert result.value == pytest.approx(1.0)
    assert {c.scheme_id for c in result.categories} == {"kimura_2006_two_groups", "kimura_2006_three_groups",
                                                      "gordon_2006", "elamin_2015", "labra_2016"}
    assert delta_fs(48, 5.0, D).value == 0.0
    with pytest.raises(NotAssessable):
        delta_fs(40, 0.0, D)


def test_slopes_are_named_and_differ_when_visits_are_not_collinear() -> None:
    t = [0.0, 3.0, 6.0, 12.0]
    y = [44, 44, 38, 32]
    dates = [D] * 4
    two = two_point_slope(t, y, dates)
    ols = least_squares_slope(t, y, dates)
    assert two.method == "two_point_first_last" and two.points_per_month == pytest.approx(-1.0)
    # OLS slope computed independently of the implementation
    mt, my = sum(t) / 4, sum(y) / 4
    expected = sum((a - mt) * (b - my) for a, b in zip(t, y, strict=False)) / sum((a - mt) ** 2 for a in t)
    assert ols.method == "least_squares_all_visits" and ols.points_per_month == pytest.approx(expected, abs=1e-6)
    assert ols.points_per_month != pytest.approx(two.points_per_month)
    with pytest.raises(NotAssessable):
        two_point_slope([1.0], [40], [D])


def test_delta_fs_scheme_names_are_words() -> None:
    names = [c.scheme for c in categorise(0.8)]
    assert "Kimura 2006, two groups" in names and not any("_" in n for n in names)
