"""Cases an independent checker (redc) built against therapy and trial matching; each failed before its fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from charcot.knowledge import get_knowledge
from charcot.knowledge.schema.trials import Record as Trial
from charcot.therapy.api import load_case_facts
from charcot.therapy.criteria import evaluate
from charcot.therapy.model import CriterionStatus, PatientFacts

AB19001 = "NCT03127267"


def _criterion(trial_key: str, cid: str) -> Any:
    trial = next(t for t in get_knowledge().typed("trials", Trial) if t.key == trial_key)
    return next(c for c in trial.criteria if c.id == cid)


def _old_case(tmp_path: Path) -> Path:
    # diagnosed 2022-06-01 and seen only then (ALSFRS-R 45, FVC 95 %): four and a half years before 2026-11-30
    raw = {"id": "OLD", "sex": "male", "date_of_birth": "1962-05-01",
           "onset": {"date": "2022-01-10", "region": "upper_limb"},
           "diagnosis": {"date": "2022-06-01", "el_escorial_at_diagnosis": "probable"},
           "visits": [{"date": "2022-06-01", "fvc_percent_predicted": 95,
                       "alsfrs_r": {"q1": 4, "q2": 4, "q3": 4, "q4": 3, "q5a": 3, "q6": 3, "q7": 4, "q8": 4,
                                    "q9": 4, "q10": 4, "q11": 4, "q12": 4}}],
           "ftd": False, "genotype": {"c9orf72_status": "normal"}}
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_clinical_case_is_matched_on_the_matching_date_not_its_last_visit(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    # Before: the facts were those of the last visit (time since diagnosis 0, ALSFRS-R 45 "at screening"), so
    # AB19001 (at most 24 months from diagnosis) read ELIGIBLE under a header dated 2026-11-30.
    r = run_cli("therapies", _old_case(tmp_path), "--jurisdiction", "EU", "--as-of", "2026-11-30", "--all",
                "--format", "json")
    assert r.code == 0, r.stderr
    trial = next(t for t in json.loads(r.stdout)["trials"] if t["id"] == AB19001)
    assert trial["verdict"] == "not_eligible"
    by_id = {c["id"]: c for c in trial["criteria"]}
    # 2022-06-01 -> 2026-11-30 is 1643 days = 53.98 months
    assert by_id["time_since_diagnosis"]["status"] == "failed" and "54" in by_id["time_since_diagnosis"]["reason"]
    for cid in ("alsfrs_r", "fvc", "progression"):
        assert by_id[cid]["status"] == "unknown", by_id[cid]
        assert "2022-06-01" in by_id[cid]["reason"] and "re-measure" in by_id[cid]["reason"]


def test_case_facts_durations_are_at_the_date_asked(tmp_path: Path) -> None:
    facts = load_case_facts(_old_case(tmp_path), on=date(2026, 11, 30))
    clin = facts.clinical
    assert clin.alsfrs_r == 45 and clin.alsfrs_r_date == date(2022, 6, 1) and clin.fvc_date == date(2022, 6, 1)
    assert clin.disease_duration_months == round(1785 / 30.4375, 1)  # 2022-01-10 -> 2026-11-30
    assert clin.months_since_diagnosis == round(1643 / 30.4375, 1)
    # ΔFS at the visit that gave the score (Kimura): 3 points over 142 days, not 3 points over 58.6 months
    assert clin.progression_rate == round(3 / (142 / 30.4375), 3)


@pytest.mark.parametrize(("measured", "on", "status"), [
    (date(2026, 9, 1), date(2026, 12, 2), CriterionStatus.MET),      # 92 days before: recent enough
    (date(2026, 9, 1), date(2026, 12, 3), CriterionStatus.UNKNOWN),  # 93 days before: stale
    (date(2026, 12, 4), date(2026, 12, 3), CriterionStatus.UNKNOWN),  # after the matching date
    (date(2020, 1, 1), None, CriterionStatus.MET),                   # no matching date: taken as current
])
def test_a_stale_measurement_is_unknown_never_met(measured: date, on: date | None, status: CriterionStatus) -> None:
    facts = PatientFacts.model_validate({"clinical": {"alsfrs_r": 40, "alsfrs_r_date": measured.isoformat(),
                                                      "fvc_percent": 90, "fvc_date": measured.isoformat()}})
    for cid in ("alsfrs_r", "fvc"):
        assert evaluate(_criterion(AB19001, cid), facts, on).status is status


def test_time_since_onset_bounds_time_since_diagnosis_only_from_above() -> None:
    # 10 months since onset says time since diagnosis is at most 10, nothing about "at least 6": that was MET
    from charcot.knowledge.schema.therapies import Criterion

    facts = PatientFacts.model_validate({"clinical": {"disease_duration_months": 10}})
    window = Criterion(id="w", kind="time_since_diagnosis", min=6, max=24, unit="months", description="6-24 months")
    result = evaluate(window, facts)
    assert result.status is CriterionStatus.UNKNOWN and result.missing
    upper = Criterion(id="u", kind="time_since_diagnosis", max=24, unit="months", description="at most 24 months")
    assert evaluate(upper, facts).status is CriterionStatus.MET


def test_claim_red_flags_on_unstated_facts_say_so() -> None:
    # 'outcome assessed by people who know the treatment' was printed for a claim that says nothing about blinding
    from charcot.therapy.claims import red_flags
    from charcot.therapy.model import ClaimFields

    unknown = {f.id: f for f in red_flags(ClaimFields(text="helped our patients", intervention="x"))}
    assert unknown["unblinded"].label == "blinded assessment not stated"
    assert "does not say" in unknown["unblinded"].reason and "know the treatment" not in unknown["unblinded"].reason
    assert unknown["subjective_outcome"].label == "validated outcome not stated"
    assert unknown["no_control"].label == "control group not stated"
    stated = {f.id: f for f in red_flags(ClaimFields(text="helped", intervention="x", blinded_assessment=False,
                                                     outcome_validated=False, control="none"))}
    assert stated["unblinded"].reason == "outcome assessed by people who know the treatment"
    assert stated["subjective_outcome"].label == "no validated outcome"
    assert stated["no_control"].label == "no control group"


def test_missing_facts_are_named_in_words_not_field_names(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    # 'missing revised El Escorial category (el_escorial)' showed the input field's name to the clinician
    import re

    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump({"clinical": {"affected": True}}))
    r = run_cli("therapies", path, "--all")
    assert r.code == 0, r.stderr
    assert "missing revised El Escorial category" in r.stdout
    assert not re.findall(r"\b[a-z0-9]+_[a-z0-9_]+\b", r.stdout)


def test_a_country_outside_the_known_jurisdictions_is_not_called_not_given(
        run_cli: Callable[..., Any], tmp_path: Path) -> None:
    # country BR was reported as "the patient's country/region was not given"
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump({"clinical": {"affected": True, "country": "BR"}}))
    r = run_cli("therapies", path)
    assert r.code == 0, r.stderr
    assert "region none on record for country BR" in r.stdout.splitlines()[0]
    assert "country/region was not given" not in r.stdout
    assert "the patient's country (BR) is not one of the jurisdictions charcot holds regulatory records for" in r.stdout



def test_claim_series_probability_is_printed_with_significant_digits(
        run_cli: Callable[..., Any], tmp_path: Path) -> None:
    # 18 of 20 'no decline' at p ~ 0.32 has probability ~1e-7: it was printed '0.0%', as if impossible
    path = tmp_path / "claim.yaml"
    path.write_text(yaml.safe_dump({"text": "t", "intervention": "x", "design": "case_series", "control": "none",
                                    "n": 20, "responder_fraction": 0.9}))
    r = run_cli("claim", "check", path)
    assert r.code == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if "reaches that share (18 of 20)" in x)
    assert "probability 0.0%" not in line and "with probability below 0.01%" in line


def test_a_claim_of_zero_patients_is_refused(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    # n: 0 was read as "the claim gives none" and a series of 20 was assumed
    path = tmp_path / "claim.yaml"
    path.write_text(yaml.safe_dump({"text": "t", "intervention": "x", "n": 0, "responder_fraction": 0.5}))
    r = run_cli("claim", "check", path)
    assert r.code == 2 and "n" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize(("age", "status"), [(81.5, CriterionStatus.MET), (81.99, CriterionStatus.MET),
                                             (82.0, CriterionStatus.FAILED), (17.9, CriterionStatus.FAILED),
                                             (18.0, CriterionStatus.MET)])
def test_age_limits_are_in_completed_years(age: float, status: CriterionStatus) -> None:
    # '18 to 81 years' (AB19001): someone aged 81 and a half is 81; the fractional age 81.5 failed '<= 81'
    facts = PatientFacts.model_validate({"clinical": {"age": age}})
    result = evaluate(_criterion(AB19001, "age"), facts)
    assert result.status is status, result.reason


def test_a_matching_date_before_onset_is_named_as_such(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    # was 'record today: today (2021-01-01) is before symptom onset'
    r = run_cli("therapies", _old_case(tmp_path), "--as-of", "2021-01-01")
    assert r.code == 2
    assert "the matching date 2021-01-01 is before the patient's symptom onset (2022-01-10)" in r.stderr
    assert "--as-of" in r.stderr and "Traceback" not in r.stderr
