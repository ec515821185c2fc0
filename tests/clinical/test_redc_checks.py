"""Cases an independent checker (redc) built against the clinical and therapy side; each failed before its fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from charcot.clinical.api import assess
from charcot.clinical.model import ClinicalCase
from charcot.therapy.model import PatientFacts

ALL4 = {**{f"q{i}": 4 for i in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12)}, "q5a": 4}


def _raw(**extra: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": "T", "sex": "female", "date_of_birth": "1960-05-01",
        "onset": {"date": "2024-01-01", "region": "lower_limb"},
        "diagnosis": {"date": "2024-01-20", "el_escorial_at_diagnosis": "probable"},
        "visits": [{"date": "2024-01-01", "alsfrs_r": {**ALL4, "q8": 3, "q9": 3}, "fvc_percent_predicted": 90},
                   {"date": "2024-06-01", "alsfrs_r": {**ALL4, "q7": 3, "q8": 2, "q9": 2}}],
        "ftd": False, "genotype": {"c9orf72_status": "normal"}}
    raw.update(extra)
    return raw


def test_latest_delta_fs_survives_a_baseline_on_the_onset_date() -> None:
    # The visit at diagnosis is on the onset date (ΔFS undefined there); the latest visit, 5 months later, has
    # ALSFRS-R 43: ΔFS = (48 - 43) / (152 days / 30.4375) = 1.0012. It was dropped with the baseline's error.
    a = assess(ClinicalCase.model_validate(_raw()))
    assert a.delta_fs_at_diagnosis is None
    assert a.delta_fs_latest is not None
    assert abs(a.delta_fs_latest.value - 5 / (152 / 30.4375)) < 1e-5
    assert [n.what for n in a.not_assessed if n.what.startswith("ΔFS")] == ["ΔFS at diagnosis"]


@pytest.mark.parametrize(("where", "value"), [("q3", True), ("q5a", False), ("fvc_percent_predicted", True)])
def test_a_yes_no_value_is_never_read_as_a_number(tmp_path: Path, run_cli: Callable[..., Any],
                                                   where: str, value: bool) -> None:
    # pydantic's lax mode read 'q3: true' as an item scored 1 (and 'false' as 0): a score nobody wrote
    raw = _raw()
    visit = raw["visits"][1]
    if where == "fvc_percent_predicted":
        visit[where] = value
    else:
        visit["alsfrs_r"] = {**visit["alsfrs_r"], where: value}
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(raw))
    result = run_cli("clinical", path)
    assert result.code == 2, result.stdout
    assert "visits.2" in result.stderr and where in result.stderr
    assert "yes/no value" in result.stderr and "Traceback" not in result.stderr


def test_therapy_facts_refuse_a_yes_no_score() -> None:
    with pytest.raises(ValidationError, match="yes/no value"):
        PatientFacts.model_validate({"clinical": {"alsfrs_r": True}})
    assert PatientFacts.model_validate({"clinical": {"affected": True}}).clinical.affected is True


@pytest.mark.parametrize(("field", "value"), [("diagnosis", "2024-06"), ("visit", "2024-13-01")])
def test_a_partial_or_impossible_date_is_explained(tmp_path: Path, run_cli: Callable[..., Any],
                                                   field: str, value: str) -> None:
    # was pydantic's 'Input should be a valid date or datetime, input is too short'
    raw = _raw()
    if field == "diagnosis":
        raw["diagnosis"]["date"] = value
    else:
        raw["visits"][1]["date"] = value
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(raw))
    result = run_cli("clinical", path)
    assert result.code == 2, result.stdout
    assert f"'{value}' is not a full date (YYYY-MM-DD)" in result.stderr
    assert "only the onset date may be partial" in result.stderr and "Input should be" not in result.stderr


def test_nothing_recorded_is_not_called_not_met_and_no_heading_stands_empty() -> None:
    from charcot.clinical.report_text import table

    raw = _raw()
    a = assess(ClinicalCase.model_validate(raw))  # last visit: no FVC, MIP, SNIP, oximetry or blood gas
    cms = next(x for x in a.care_alerts if x.key == "cms_medicare_rad")
    assert cms.status == "insufficient_data" and "not met" not in cms.message and "not established" in cms.message
    text = table(a)
    heading = text.index("Diagnostic criteria")
    assert text[heading:].splitlines()[1].startswith("  not assessed: no regional examination findings")
    raw["visits"][1]["fvc_percent_predicted"] = 70  # one test recorded and not met: the old wording is right
    a = assess(ClinicalCase.model_validate(raw))
    cms = next(x for x in a.care_alerts if x.key == "cms_medicare_rad")
    assert "not met by the recorded tests" in cms.message


@pytest.mark.parametrize(("totals", "words"), [
    ([48, 48, 48], "every ALSFRS-R total is 48"),              # was D50 48.0 months, 95% CI 48.0-48.0
    ([47, 47, 47], "edge of the model's range for D50"),       # was D50 1200 months, CI -13972 to 16372
    ([30, 30, 31], "edge of the model's range for dx"),        # was D50 330 months with dx at its bound 600
])
def test_d50_not_determined_by_the_visits_is_not_assessed(totals: list[int], words: str) -> None:
    from charcot.clinical.d50 import fit_d50
    from charcot.errors import NotAssessable

    with pytest.raises(NotAssessable, match=words):
        fit_d50([3.0, 6.0, 9.0], totals, 10.0)


def test_d50_interval_below_onset_is_not_printed() -> None:
    from charcot.clinical.d50 import fit_d50

    fit = fit_d50([3.0, 6.0, 9.0], [48, 47, 46], 10.0)  # the covariance interval reached -34.5 months
    assert fit.d50_ci95 is None and any("below onset" in c for c in fit.caveats)
    good = fit_d50([3.0, 6.0, 9.0], [46, 40, 20], 10.0)
    assert good.d50_ci95 is not None and 0 < good.d50_ci95[0] < good.d50_months < good.d50_ci95[1]


@pytest.mark.parametrize(("earlier", "last", "in_place"), [
    ({"niv": "in_use", "q12": 3}, {}, "NIV in use as recorded on 2024-03-01"),  # the last visit left 'niv' out
    ({"tracheostomy": True, "q12": 0}, {"niv": "none", "q12": 0}, "tracheostomy recorded on 2024-03-01"),
    ({}, {"q12": 2}, "ALSFRS-R respiratory insufficiency (item 12) 2"),        # continuous BiPAP at night
    ({"niv": "in_use", "q12": 3}, {"niv": "none"}, None),                      # recorded as stopped
    # item 12 = 2 beside 'niv: none' at one visit is refused since probe-clin (tests/clinical/test_probeclin_ventilation.py)
])
def test_niv_already_in_use_is_not_alerted_again(earlier: dict[str, Any], last: dict[str, Any],
                                                 in_place: str | None) -> None:
    # a patient on NIV since an earlier visit got 'NIV criteria met' when the last visit did not repeat 'niv'
    q12 = last.pop("q12", 4)
    q12_before = earlier.pop("q12", 4)
    raw = _raw(visits=[
        {"date": "2024-03-01", "alsfrs_r": {**ALL4, "q12": q12_before}, "fvc_percent_predicted": 45, **earlier},
        {"date": "2024-06-01", "alsfrs_r": {**ALL4, "q12": q12}, "fvc_percent_predicted": 40, **last}])
    alerts = [x for x in assess(ClinicalCase.model_validate(raw)).care_alerts if x.kind == "niv"]
    if in_place is None:
        assert all(x.status != "already_in_place" for x in alerts)
        assert any(x.status == "criteria_met" for x in alerts)
    else:
        assert len(alerts) == 1 and alerts[0].status == "already_in_place" and in_place in alerts[0].message


def test_report_help_states_the_assessment_date_it_uses(run_cli: Callable[..., Any]) -> None:
    # the report said '(default: today)' but assesses the clinical record on its last visit (deterministic output)
    r = run_cli("report", "--help")
    text = " ".join(r.stdout.split())
    assert "default: today)" not in text.split("--assessment-date", 1)[1][:200]
    assert "the clinical record's last visit" in text


PHENOPACKET = Path(__file__).resolve().parents[1] / "data" / "clinical" / "example_phenopacket.json"


@pytest.mark.parametrize("assay", ["CHARCOT:alsfrs_r_q3", "CHARCOT:fvc_percent_predicted"])
def test_phenopacket_item_measured_twice_at_one_time_is_refused(tmp_path: Path, run_cli: Callable[..., Any],
                                                                assay: str) -> None:
    # the second value silently replaced the first
    import copy
    import json

    raw = json.loads(PHENOPACKET.read_text())
    first = next(m for m in raw["measurements"] if m["assay"]["id"] == assay)
    second = copy.deepcopy(first)
    second["value"]["quantity"]["value"] = first["value"]["quantity"]["value"] - 1
    raw["measurements"].append(second)
    path = tmp_path / "pp.json"
    path.write_text(json.dumps(raw))
    result = run_cli("clinical", path)
    assert result.code == 2, result.stdout
    assert "is measured twice at" in result.stderr and "Traceback" not in result.stderr
    assert f"measurements.{len(raw['measurements'])}" in result.stderr


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "NaN"])
def test_encals_calculator_refuses_a_non_number(text: str) -> None:
    # float() read 'nan', which passed every range check and reached the model
    from charcot.web.calculators import FormProblem, encals

    form = {"delta_frs": "0.5", "diagnostic_delay_months": "10", "months_since_onset": "12",
            "age_at_onset_years": "60", "fvc_percent_predicted": text, "c9orf72": "no"}
    with pytest.raises(FormProblem, match="FVC % predicted must be a number"):
        encals(form)
