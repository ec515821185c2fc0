"""Regression tests for the clinical defects of issue 15 (each reproduced the defect before the fix)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from charcot.clinical import prognosis as pg
from charcot.clinical.api import assess
from charcot.clinical.model import ClinicalCase
from charcot.clinical.report_text import table
from charcot.clinical.staging import kings_clinical

ALL4 = {**{f"q{i}": 4 for i in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12)}, "q5a": 4}


def _case(onset: str, diagnosis: str, visit: str, alsfrs: dict[str, int], **extra: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": "T", "sex": "male", "date_of_birth": "1960-01-01",
        "onset": {"date": onset, "region": "upper_limb"},
        "diagnosis": {"date": diagnosis, "el_escorial_at_diagnosis": "probable"},
        "visits": [{"date": visit, "alsfrs_r": alsfrs, "fvc_percent_predicted": 90}],
        "ftd": False, "genotype": {"c9orf72_status": "normal"}}
    raw.update(extra)
    return raw


def test_diagnosis_two_days_after_onset_gives_no_traceback(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(_case("2024-01-01", "2024-01-03", "2024-01-03", ALL4)))
    result = run_cli("clinical", path)
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "below 2.5 months" in result.stdout


def test_encals_refuses_delay_where_the_transform_reverses() -> None:
    # 9 days from onset to diagnosis, ΔFRS ~3.4/month: the model would give ~59 months, better than a
    # slow patient, because (d/10)^-0.5 + ln(d/10) decreases below 2.5 months.
    raw = _case("2024-01-01", "2024-01-10", "2024-01-10", {**ALL4, "q3": 3})
    result = assess(ClinicalCase.model_validate(raw))
    assert result.encals.status == "refused" and result.tricals.status == "refused"
    assert any("at least 2.5 months" in r for r in result.encals.refusal_reasons)
    f = [(d / 10) ** -0.5 + __import__("math").log(d / 10) for d in (2.0, 2.5, 3.0)]
    assert f[1] < f[0] and f[1] < f[2]  # the minimum that motivates the limit
    ok = pg.Predictors(0.5, 2.5, 60, 90, False, False, False, False)
    assert not pg.domain_problems(ok)
    assert pg.domain_problems(pg.Predictors(0.5, 2.49, 60, 90, False, False, False, False))


def test_median_beyond_the_model_range_is_flagged_not_crashing() -> None:
    slow = pg.Predictors(0.0, 100.0, 30, 120, False, False, False, False)
    result = pg.encals_assess(slow, 10.0, [])
    assert result.median_months_from_onset is None or result.median_months_from_onset > 371
    assert any("extrapolation" in c and "371 months" in c for c in result.caveats)


def test_only_visit_five_days_before_diagnosis() -> None:
    raw = _case("2024-01-01", "2024-10-10", "2024-10-05", {**ALL4, "q4": 3, "q5a": 3})
    result = assess(ClinicalCase.model_validate(raw))
    assert result.today == date(2024, 10, 10) and result.today_source == "diagnosis"
    assert result.encals.status == "assessed", result.encals.refusal_reasons
    assert not any("no diagnosis date" in r for r in result.tricals.refusal_reasons)
    # an explicit assessment date before the diagnosis says exactly that
    early = assess(ClinicalCase.model_validate(raw), today=date(2024, 10, 6))
    assert any("after the assessment date" in r for r in early.encals.refusal_reasons)


def test_kings_respiratory_onset_is_not_an_extra_region() -> None:
    raw = {"id": "T", "onset": {"date": "2024-01-10", "region": "respiratory"},
           "diagnosis": {"date": "2024-03-01"},
           "regions_involved": {"upper_limb": "2024-04-01", "lower_limb": "2024-06-01"}}
    stage = kings_clinical(ClinicalCase.model_validate(raw), date(2025, 1, 1))
    assert stage.stage == "2B" and "bulbar" not in stage.regions_involved
    alone = kings_clinical(ClinicalCase.model_validate({**raw, "regions_involved": {}}), date(2025, 1, 1))
    assert alone.stage == "2A"  # the onset region itself, diagnosed


def test_clinician_text_has_no_internal_identifiers(example_case: ClinicalCase) -> None:
    a = assess(example_case)
    text = table(a)
    for name in ("aan_2009", "cms_medicare_rad", "kimura_2006_two_groups", "c9orf72_status=", "revised_el_escorial",
                 "probable_laboratory_supported", "not_met"):
        assert name not in text, name
    assert "TRICALS risk profile" in text and "log-odds scale" in text and "higher = worse prognosis" in text


def test_fvc_typed_in_litres_is_refused_with_where_and_how(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    # issue 15 (round 2): FVC 3.2 (litres) in fvc_percent_predicted was read as 3.2 % predicted
    raw = _case("2023-01-01", "2023-09-01", "2023-09-01", ALL4)
    raw["visits"][0]["fvc_percent_predicted"] = 3.2
    path, out = tmp_path / "case.yaml", tmp_path / "out.json"
    path.write_text(yaml.safe_dump(raw))
    for command in ("clinical", "therapies"):
        result = run_cli(command, path, "-o", out)
        assert result.code == 2, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
        assert "visits.1.fvc_percent_predicted" in result.stderr and "looks like litres" in result.stderr
        assert "measured ÷ predicted × 100" in result.stderr and "fvc_percent_confirmed" in result.stderr
        assert not out.exists()
    # a real percentage below 10, confirmed, is accepted; 10 % and above needs no confirmation
    raw["visits"][0]["fvc_percent_confirmed"] = True
    assert ClinicalCase.model_validate(raw).visits[0].fvc_percent_predicted == 3.2
    raw["visits"][0].update(fvc_percent_predicted=10, fvc_percent_confirmed=False)
    assert ClinicalCase.model_validate(raw).visits[0].fvc_percent_predicted == 10


def test_fvc_percent_problem_bounds() -> None:
    from charcot.model import fvc_percent_problem

    assert fvc_percent_problem(3.2) is not None and fvc_percent_problem(0.9) is not None
    assert fvc_percent_problem(45.0) is None and fvc_percent_problem(3.2, confirmed=True) is None


def test_event_free_probability_has_one_format_in_number_and_flag() -> None:
    # issue 15 (round 2): "probability event-free today 0.00" was printed beside the flag's "0.5%"
    assert [pg.probability_text(p) for p in (0.005, 0.834, 0.996, 0.047, 0.00004, 0.0, 1.0)] == [
        "0.5%", "83%", "99.6%", "4.7%", "below 0.01%", "0%", "100%"]
    raw = _case("2023-01-01", "2023-09-01", "2023-09-01", {**ALL4, "q1": 2, "q4": 2})
    raw["date_of_birth"] = "1961-01-01"
    raw["visits"][0].update(fvc_percent_predicted=5, fvc_percent_confirmed=True)
    result = assess(ClinicalCase.model_validate(raw))
    enc = result.encals
    assert enc.status == "assessed" and enc.survival_today is not None and enc.survival_today < 0.01
    text = table(result)
    shown = pg.probability_text(enc.survival_today)
    assert f"probability event-free today {shown}" in text and f"probability of {shown} of being event-free" in text
    assert "event-free today 0.00" not in text


def test_kings_2a_caveat_only_where_one_region_makes_it_matter() -> None:
    # issue 15 (round 2): the "2A cannot be derived / 2A/2B split recalled" caveat was shown with 2 regions
    from charcot.clinical.model import AlsfrsR
    from charcot.clinical.staging import kings_from_alsfrs

    two = kings_from_alsfrs(AlsfrsR.model_validate({**ALL4, "q1": 3, "q8": 3}), date(2024, 1, 1))
    assert two.stage == "2B" and not any("2A" in c for c in two.caveats)
    one = kings_from_alsfrs(AlsfrsR.model_validate({**ALL4, "q8": 3}), date(2024, 1, 1))
    assert one.stage == "1" and any("2A" in c for c in one.caveats)
    raw = _case("2023-01-01", "2023-09-01", "2023-09-01", ALL4,
                regions_involved={"lower_limb": "2023-06-01"})
    clinical_two = kings_clinical(ClinicalCase.model_validate(raw), date(2023, 10, 1))
    assert clinical_two.stage == "2B" and not any("2A" in c for c in clinical_two.caveats)
    raw.pop("regions_involved")
    clinical_one = kings_clinical(ClinicalCase.model_validate(raw), date(2023, 10, 1))
    assert clinical_one.stage == "2A" and any("2A" in c for c in clinical_one.caveats)


def test_refusal_names_the_baseline_window_it_applies() -> None:
    # the only visit is 40 days before diagnosis: outside the 31-day baseline window. The refusal read
    # "no ALSFRS-R visit at or after diagnosis" although a visit up to 31 days before diagnosis is accepted
    raw = _case("2023-01-01", "2025-03-20", "2025-02-08", ALL4)
    result = assess(ClinicalCase.model_validate(raw), today=date(2025, 4, 1))
    reasons = result.encals.refusal_reasons
    assert result.encals.status == "refused"
    assert any("31 days before diagnosis" in r and "2025-02-08" in r for r in reasons), reasons
    assert not any("at or after diagnosis" in r for r in reasons)
