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
