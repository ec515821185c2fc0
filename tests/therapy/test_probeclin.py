"""Reviewer probe (probeclin, 2026-12-02): patient facts and treatment claims read as written.

Inputs: the fictional demo record ``tests/data/clinical/example_case.yaml`` and small patient-facts and claim files
written here with the field names of ``charcot.therapy.model`` (see tests/data/SOURCES.md); each test says what was
changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "clinical" / "example_case.yaml"


def _criteria(result: dict[str, Any], words: str) -> list[tuple[str, str, str]]:
    return [(m["name"], c["status"], c["reason"]) for m in [*result["therapies"], *result["trials"]]
            for c in m["criteria"] if words in c["description"] or words in c["reason"]]


def test_el_escorial_recorded_at_a_later_diagnosis_is_unknown_before_it(run_cli: Any) -> None:
    """The demo record unchanged, matched as of 2024-06-01: its diagnosis (category 'probable') and examination are
    of 2024-11-05. Before: AB19001, HEALEY, PHOENIX 'clinically probable ALS (revised El Escorial): met', and
    CENTAUR 'failed' on it, five months before anyone had diagnosed or examined the patient. Now unknown."""
    r = run_cli("therapies", EXAMPLE, "--jurisdiction", "EU", "--all", "--as-of", "2024-06-01", "--format", "json")
    assert r.code == 0, r.stderr
    found = _criteria(json.loads(r.stdout), "Escorial")
    assert found, "the knowledge base's trials read the revised El Escorial category"
    assert {status for _, status, _ in found} == {"unknown"}, found


def test_el_escorial_is_read_from_the_diagnosis_on(run_cli: Any) -> None:
    """The control: matched as of the diagnosis date, the recorded category is read (met for 'probable')."""
    r = run_cli("therapies", EXAMPLE, "--jurisdiction", "EU", "--all", "--as-of", "2024-11-05", "--format", "json")
    assert r.code == 0, r.stderr
    found = _criteria(json.loads(r.stdout), "Escorial")
    assert any(status == "met" and "clinically probable ALS" in why for _, status, why in found), found
