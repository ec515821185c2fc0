"""Impossible values in a user's record, found by the adversarial re-check of issue 12.

YAML's ``true``/``yes`` was read as the number 1 (an ALSFRS-R item, a patient's age, a trial's n), ``.inf``
as a measurement, and a body weight typed in grams (99,999 kg) or a count of 10^20 affected relatives was
accepted. Each is now refused with the field's place in the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
CASE = (DATA / "clinical" / "example_case.yaml").read_text()
FACTS = (DATA / "therapy" / "sod1_patient.yaml").read_text()


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


CLINICAL = {
    "ALSFRS-R item true": (lambda t: _edit(t, "q1: 4", "q1: true"), "where a number is expected"),
    "SNIP .inf": (lambda t: _edit(t, "fvc_percent_predicted:", "snip_cmh2o: .inf\n    fvc_percent_predicted:"),
                  "not a usable number"),
    "weight in grams": (lambda t: _edit(t, "weight_kg: 80.5", "weight_kg: 80500"), "looks like grams"),
    "premorbid weight in grams": (lambda t: _edit(t, "premorbid_weight_kg: 82.0", "premorbid_weight_kg: 82000"),
                                  "looks like grams"),
    "1e20 relatives": (lambda t: _edit(t, "als_relatives: 0", "als_relatives: 100000000000000000000"),
                       "als_relatives"),
}


@pytest.mark.parametrize("name", sorted(CLINICAL))
def test_clinical_record_values(run_cli, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    edit, words = CLINICAL[name]
    case = tmp_path / "case.yaml"
    case.write_text(edit(CASE))
    res = run_cli("clinical", case)
    assert res.code == 2, res.stderr
    assert words in res.stderr and str(case) in res.stderr and "Traceback" not in res.stderr


def test_patient_facts_age_true(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    facts = tmp_path / "facts.yaml"
    facts.write_text(_edit(FACTS, "age: 52", "age: true"))
    res = run_cli("therapies", facts)
    assert res.code == 2 and "a yes/no value (true) where a number is expected" in res.stderr, res.stderr


def test_claim_n_true(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    claim = tmp_path / "claim.yaml"
    claim.write_text("text: it works\nintervention: drug X\nn: yes\n")
    res = run_cli("claim", "check", claim)
    assert res.code == 2 and "a yes/no value (true) where a number is expected" in res.stderr, res.stderr


def test_dates_on_the_command_line(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = tmp_path / "case.yaml"
    case.write_text(CASE)
    # an assessment in the future was assessed (ages and durations extrapolated to it), exit 0
    res = run_cli("clinical", case, "--assessment-date", "2999-01-01")
    assert res.code == 2 and "--assessment-date 2999-01-01 is in the future" in res.stderr, res.stderr
    # an assessment before onset named an internal field: "record today: today (...)"
    res = run_cli("clinical", case, "--assessment-date", "1900-01-01")
    assert res.code == 2 and "record today" not in res.stderr and "before symptom onset" in res.stderr, res.stderr
    # a matching date 8,000 years on was an internal error (pydantic ValidationError, exit 1)
    res = run_cli("therapies", case, "--as-of", "9999-12-31")
    assert res.code == 2 and "years old" in res.stderr and "internal error" not in res.stderr, res.stderr
    # a report signed off in the future was written
    out = tmp_path / "report"
    res = run_cli("report", "--clinical", case, "--no-pdf", "--outdir", out, "--sign-off", "final", "--reviewer", "A",
                  "--signed-on", "2099-01-01")
    assert res.code == 2 and "--signed-on 2099-01-01 is in the future" in res.stderr, res.stderr
    assert not out.exists()
