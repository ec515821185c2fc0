"""Cases an independent checker built against issue 15 (each failed before its fix)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from charcot.clinical import prognosis as pg
from charcot.clinical.alerts import gastrostomy_alerts
from charcot.clinical.api import assess
from charcot.clinical.model import ClinicalCase
from charcot.clinical.progression import delta_fs
from charcot.clinical.report_text import table

ALL4 = {**{f"q{i}": 4 for i in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12)}, "q5a": 4}


def _raw(**extra: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": "T", "sex": "female", "date_of_birth": "1960-01-01",
        "onset": {"date": "2024-01-01", "region": "upper_limb"},
        "diagnosis": {"date": "2024-06-01", "el_escorial_at_diagnosis": "probable"},
        "visits": [{"date": "2024-06-01", "alsfrs_r": ALL4, "fvc_percent_predicted": 90}],
        "ftd": False, "genotype": {"c9orf72_status": "normal"}}
    raw.update(extra)
    return raw


@pytest.mark.parametrize(("extra", "words"), [
    ({"death_date": "2024-05-01", "visits": [{"date": "2024-04-01", "alsfrs_r": ALL4}]}, "diagnosis (2024-06-01) is after the death date"),
    ({"death_date": "2023-12-01", "diagnosis": None, "visits": []}, "death date (2023-12-01) is before symptom onset"),
    ({"death_date": "2024-07-01", "regions_involved": {"bulbar": "2024-08-01"}}, "is after the death date"),
])
def test_chronology_around_death_is_refused(tmp_path: Path, run_cli: Callable[..., Any],
                                            extra: dict[str, Any], words: str) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(_raw(**extra)))
    result = run_cli("clinical", path)
    assert result.code == 2, result.stdout
    assert words in result.stderr and "Traceback" not in result.stderr


def test_median_before_the_first_knot_is_flagged() -> None:
    # FVC 5 %: the median falls below exp(0.081) = 1.08 months from onset, the spline's lower boundary knot,
    # and the patient seen at 9 months has S(today) ~ 0: both are outside what the model was fitted on.
    p = pg.Predictors(0.6, 9.0, 63, 5.0, False, False, False, False)
    result = pg.encals_assess(p, 9.0, [])
    assert result.median_months_from_onset is not None and result.median_months_from_onset < 1.08
    assert any("below 1.1 months" in c and "extrapolation" in c for c in result.caveats)
    assert any("already have reached the outcome" in c for c in result.caveats)
    assert len(result.flags) == 2 and set(result.flags) <= set(result.caveats)  # both printed with '!'
    raw = _raw(date_of_birth="1961-01-01")
    raw["visits"][0].update(fvc_percent_predicted=5, fvc_percent_confirmed=True, alsfrs_r={**ALL4, "q1": 2, "q4": 2})
    text = table(assess(ClinicalCase.model_validate(raw)))
    assert "! the predicted median lies below 1.1 months" in text and "! the model gives a probability" in text
    typical = pg.encals_assess(pg.Predictors(0.6, 9.0, 63, 90.0, False, False, False, False), 9.0, [])
    assert not any("extrapolation" in c or "already have reached" in c for c in typical.caveats)


@pytest.mark.parametrize(("premorbid", "weight", "fires"), [(83.0, 74.7, True), (93.0, 83.7, True),
                                                              (70.0, 63.0, True), (83.0, 74.8, False)])
def test_weight_loss_of_exactly_ten_percent_fires(premorbid: float, weight: float, fires: bool) -> None:
    raw = _raw(premorbid_weight_kg=premorbid)
    raw["visits"][0].update(weight_kg=weight)
    alert = gastrostomy_alerts(ClinicalCase.model_validate(raw), date(2024, 6, 1))[0]
    assert any("weight loss" in f for f in alert.fired) is fires


def test_bmi_of_exactly_18_5_does_not_fire() -> None:
    # 47.36 kg / (1.6 m)^2 is exactly 18.5; in floating point it comes out 18.499999999999996
    raw = _raw(premorbid_weight_kg=47.36)
    raw["visits"][0].update(weight_kg=47.36, height_m=1.6)
    alert = gastrostomy_alerts(ClinicalCase.model_validate(raw), date(2024, 6, 1))[0]
    assert not any("BMI" in f for f in alert.fired)


def test_delta_fs_category_agrees_with_the_printed_two_decimals() -> None:
    # 8 points lost in 366 days = 0.6653/month, printed 0.67: Kimura's two groups put >= 0.67 in 'faster'
    dfs = delta_fs(40, 366 / (365.25 / 12), date(2025, 1, 1))
    assert f"{dfs.value:.2f}" == "0.67"
    kimura = next(c for c in dfs.categories if c.scheme_id == "kimura_2006_two_groups")
    assert kimura.label == "faster"
    # and a value printed as 1.11 stays intermediate in Labra 2016 (> 1.11 is fast)
    just_above = delta_fs(37, 11 / 1.1104, date(2025, 1, 1))  # 1.1104 -> printed 1.11
    assert next(c for c in just_above.categories if c.scheme_id == "labra_2016").label == "intermediate"


def test_fvc_above_200_percent_is_refused_by_every_command(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    # the clinical record took 250 % while the therapy facts cap it at 200: 'charcot therapies CASE' died with
    # "internal error (a bug in charcot): ValidationError"
    raw = _raw()
    raw["visits"][0]["fvc_percent_predicted"] = 250
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(raw))
    for command in ("clinical", "therapies"):
        result = run_cli(command, path)
        assert result.code == 2, (command, result.stdout, result.stderr)
        assert "above 200%" in result.stderr and "internal error" not in result.stderr
    raw["visits"][0]["fvc_percent_predicted"] = 200
    path.write_text(yaml.safe_dump(raw))
    assert run_cli("therapies", path).code == 0


def test_birth_year_giving_an_age_over_120_is_refused(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    # DOB 1890: clinical ran, 'therapies CASE' died with an internal ValidationError (age 135.9 > 120)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(_raw(date_of_birth="1890-01-01")))
    for command in ("clinical", "therapies"):
        result = run_cli(command, path)
        assert result.code == 2 and "gives an age of" in result.stderr and "internal error" not in result.stderr
