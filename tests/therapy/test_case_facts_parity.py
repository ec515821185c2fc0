"""`charcot therapies CASE` and the report derive the clinical facts with one function, so a trial that counts
months from diagnosis (AB19001: at most 24 months) is judged alike by both (before, only the report knew it)."""

from __future__ import annotations

from pathlib import Path

from charcot.clinical.api import assess, load_case
from charcot.therapy.api import clinical_facts, load_case_facts

DEMO_CASE = Path(__file__).resolve().parents[2] / "src" / "charcot" / "report" / "demo_data" / "demo_case.yaml"


def test_case_file_facts_include_months_since_diagnosis() -> None:
    case = load_case(DEMO_CASE)
    on = assess(case).today  # the same date for both (the command's default is the matching date)
    facts = load_case_facts(DEMO_CASE, on=on)
    expected = clinical_facts(case, assess(case, today=on))
    assert facts.clinical.months_since_diagnosis is not None
    assert facts.clinical.months_since_diagnosis == expected["months_since_diagnosis"]
    assert facts.clinical.months_since_diagnosis <= facts.clinical.disease_duration_months
