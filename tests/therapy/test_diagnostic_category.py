"""Trials that require a revised El Escorial category (probable, laboratory-supported probable, definite) check
it: a 'clinically possible' patient was shown the masitinib AB19001 diagnosis criterion as met, because the
criterion only asked whether ALS was clinically manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from charcot.therapy.api import load_case_facts, match
from charcot.therapy.model import PatientFacts

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "clinical" / "example_case.yaml"
AB19001 = "NCT03127267"


def _diagnosis_criterion(facts: PatientFacts, trial: str) -> Any:
    result = match(facts)
    entry = next(t for t in result.trials if t.id == trial)
    return next(c for c in entry.criteria if c.id == "als_diagnosis")


def _case(tmp_path: Path, recorded: str | None, exam_possible: bool) -> Path:
    raw = yaml.safe_load(EXAMPLE.read_text())
    if recorded is None:
        raw["diagnosis"].pop("el_escorial_at_diagnosis", None)
    else:
        raw["diagnosis"]["el_escorial_at_diagnosis"] = recorded
    if exam_possible:  # UMN and LMN signs in the cervical region only: clinically possible
        for region in ("bulbar", "cervical", "thoracic", "lumbosacral"):
            raw["examination"]["regions"][region] = {
                "umn": region == "cervical", "lmn": region == "cervical",
                "emg": {"chronic_neurogenic": False, "fibrillations_or_psw": False}}
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_possible_als_fails_a_probable_or_definite_requirement(tmp_path: Path) -> None:
    facts = load_case_facts(_case(tmp_path, "possible", exam_possible=True))
    assert facts.clinical.el_escorial == "possible"
    criterion = _diagnosis_criterion(facts, AB19001)
    assert criterion.status == "failed" and "possible" in criterion.reason
    # HEALEY's platform accepts clinically possible ALS
    assert _diagnosis_criterion(facts, "NCT04297683").status == "met"


def test_examination_category_is_used_when_none_is_recorded(tmp_path: Path) -> None:
    facts = load_case_facts(_case(tmp_path, None, exam_possible=True))
    assert facts.clinical.el_escorial == "possible"
    assert _diagnosis_criterion(facts, AB19001).status == "failed"
    probable = load_case_facts(_case(tmp_path, "probable", exam_possible=False))
    assert _diagnosis_criterion(probable, AB19001).status == "met"


def test_category_not_given_is_unknown_not_met() -> None:
    facts = PatientFacts.model_validate({"clinical": {"affected": True}})
    criterion = _diagnosis_criterion(facts, AB19001)
    assert criterion.status == "unknown"
    plain = _diagnosis_criterion(facts, "NCT04297683")
    assert plain.status == "unknown"  # HEALEY still needs the category (possible or higher)


def test_not_met_category_is_named_once() -> None:
    # the category's words come from the clinical criteria's titles: not "revised El Escorial criteria not met
    # (revised El Escorial)"
    facts = PatientFacts.model_validate({"clinical": {"affected": True, "el_escorial": "not_met"}})
    criterion = _diagnosis_criterion(facts, AB19001)
    assert criterion.status == "failed"
    assert criterion.reason.count("El Escorial") == 1, criterion.reason
