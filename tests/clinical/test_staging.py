from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from charcot.clinical.model import ClinicalCase
from charcot.clinical.staging import NOT_STAGEABLE, kings_clinical, kings_from_alsfrs, mitos

from .conftest import items

D = date(2025, 1, 1)


# --- King's estimate from ALSFRS-R (Balendra 2014) -----------------------------------------------

@pytest.mark.parametrize("item", ["q1", "q2", "q3"])
def test_balendra_bulbar_rule_each_item(item: str) -> None:
    result = kings_from_alsfrs(items(**{item: 3}), D)
    assert result.regions_involved == ["bulbar"] and result.stage == "1"


@pytest.mark.parametrize("item", ["q4", "q5a"])
def test_balendra_upper_limb_rule(item: str) -> None:
    assert kings_from_alsfrs(items(**{item: 3}), D).regions_involved == ["upper_limb"]


def test_balendra_5b_does_not_count_as_upper_limb_but_is_4a() -> None:
    result = kings_from_alsfrs(items(q5b=2), D)
    assert result.regions_involved == [] and result.nutritional_failure and result.stage == "4A"


def test_balendra_lower_limb_rule_and_unused_items() -> None:
    assert kings_from_alsfrs(items(q8=3), D).regions_involved == ["lower_limb"]
    for unused in ("q6", "q7", "q9", "q11"):
        result = kings_from_alsfrs(items(**{unused: 0}), D)
        assert result.stage == NOT_STAGEABLE, unused  # never silently stage 1


def test_balendra_region_counts() -> None:
    assert kings_from_alsfrs(items(q1=3, q4=3), D).stage == "2B"
    assert kings_from_alsfrs(items(q1=3, q4=3, q8=2), D).stage == "3"


@pytest.mark.parametrize(("overrides", "four_b"), [
    ({"q10": 0}, True), ({"q10": 1}, False), ({"q12": 3}, True), ({"q12": 4}, False)])
def test_balendra_respiratory_rule(overrides: dict[str, int], four_b: bool) -> None:
    result = kings_from_alsfrs(items(q1=3, **overrides), D)
    assert result.respiratory_failure is four_b
    assert result.stage == ("4B" if four_b else "1")


def test_balendra_reports_both_4a_and_4b_without_precedence() -> None:
    result = kings_from_alsfrs(items(q5b=1, q12=2), D)
    assert result.stage == "4A+4B" and result.nutritional_failure and result.respiratory_failure


def test_region_flags_are_per_visit_not_collapsed() -> None:
    # The public R code's any() collapses a column: every row got the same flag. Here each visit is separate.
    visits = [items(q1=3), items(), items(q8=2)]
    assert [kings_from_alsfrs(v, D).regions_involved for v in visits] == [["bulbar"], [], ["lower_limb"]]


# --- MiToS (Chiò 2015) ---------------------------------------------------------------------------

def _lost(**overrides: int) -> list[str]:
    return [d.domain for d in mitos(items(**overrides), D).domains if d.lost]


def test_mitos_reference_vectors() -> None:
    assert mitos(items(), D).stage == 0
    assert mitos(items(q1=1, q4=2), D).stage == 0  # communicating needs speech AND handwriting
    assert mitos(items(q1=1, q4=1), D).stage == 1
    assert mitos(items(q8=1, q3=1, q1=0, q4=0, q10=1), D).stage == 4


@pytest.mark.parametrize(("overrides", "lost"), [
    ({"q8": 1}, ["movement"]), ({"q8": 2}, []), ({"q6": 1}, ["movement"]), ({"q6": 2}, []),
    ({"q3": 1}, ["swallowing"]), ({"q3": 2}, []),
    ({"q1": 1, "q4": 1}, ["communicating"]), ({"q1": 0, "q4": 2}, []), ({"q1": 2, "q4": 0}, []),
    ({"q10": 1}, ["breathing"]), ({"q10": 2}, []), ({"q12": 2}, ["breathing"]), ({"q12": 3}, []),
])
def test_mitos_each_domain_boundary(overrides: dict[str, int], lost: list[str]) -> None:
    assert _lost(**overrides) == lost


def test_mitos_death_is_stage_5() -> None:
    assert mitos(items(), D, dead=True).stage == 5


# --- King's clinical (Roche 2012) ----------------------------------------------------------------

def _case(**extra: Any) -> ClinicalCase:
    raw: dict[str, Any] = {"id": "T", "onset": {"date": "2024-01-10", "region": "lower_limb"}}
    raw.update(extra)
    return ClinicalCase.model_validate(raw)


def test_kings_clinical_stages() -> None:
    today = date(2025, 6, 1)
    assert kings_clinical(_case(), today).stage == "1"
    assert kings_clinical(_case(diagnosis={"date": "2024-08-01"}), today).stage == "2A"
    two = _case(diagnosis={"date": "2024-08-01"}, regions_involved={"upper_limb": "2024-10-01"})
    assert kings_clinical(two, today).stage == "2B"
    assert kings_clinical(two, date(2024, 9, 1)).stage == "2A"  # second region not yet involved then
    three = _case(regions_involved={"upper_limb": "2024-10-01", "bulbar": "2025-01-01"})
    assert kings_clinical(three, today).stage == "3"


def test_kings_clinical_milestones_need_includes_refusal() -> None:
    today = date(2025, 6, 1)
    refused_peg = _case(visits=[{"date": "2025-03-01", "gastrostomy": "refused"}])
    assert kings_clinical(refused_peg, today).stage == "4A"
    trialled_niv = _case(visits=[{"date": "2025-03-01", "niv": "trialled"}])
    assert kings_clinical(trialled_niv, today).stage == "4B"
    both = _case(visits=[{"date": "2025-03-01", "niv": "refused", "gastrostomy": "placed",
                          "alsfrs_r": {**{f"q{i}": 4 for i in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12)}, "q5b": 3}}])
    assert kings_clinical(both, today).stage == "4A+4B"
    assert kings_clinical(trialled_niv, date(2025, 2, 1)).stage == "1"  # milestone after today ignored


def test_kings_clinical_cognitive_onset_is_not_stageable() -> None:
    case = ClinicalCase.model_validate({"id": "T", "onset": {"date": "2024-01-10", "region": "cognitive_behavioural"}})
    assert kings_clinical(case, date(2025, 1, 1)).stage == NOT_STAGEABLE
