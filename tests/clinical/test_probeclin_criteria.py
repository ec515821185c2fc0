"""Reviewer probe (probe-clin): the diagnostic criteria and the mimic checklist read one record.

Before the fix a record saying "other disease excluded" beside an abnormal cervical MRI, or an expanded AR repeat
(Kennedy disease), gave Gold Coast "ALS (criteria met)" while the mimic checklist on the same page listed that mimic
as not excluded on an abnormal result. Through the real command line, on unseen cases written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

_CASE = """id: probe-gc
sex: female
date_of_birth: 1955-05-05
onset: {date: 2025-02-01, region: upper_limb}
diagnosis: {date: 2025-09-01}
visits:
  - date: 2025-09-01
    alsfrs_r: {q1: 4, q2: 4, q3: 4, q4: 3, q5a: 3, q6: 4, q7: 4, q8: 4, q9: 4, q10: 4, q11: 4, q12: 4}
    fvc_percent_predicted: 90
examination:
  regions:
    cervical: {umn: true, lmn: true}
    bulbar: {umn: true, lmn: false}
  progression_documented: true
  normal_motor_function_before: true
  other_disease_excluded: true
"""


def _criteria(run_cli: Any, tmp_path: Path, extra: str) -> dict[str, Any]:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE + extra)
    r = run_cli("clinical", case, "--format", "json")
    assert r.code == 0, r.stderr
    return {c["system"]: c for c in json.loads(r.stdout)["criteria"]}


@pytest.mark.parametrize(("extra", "shown"), [
    ("investigations: {mri_cervical_spine: abnormal, nerve_conduction_studies: normal}\n", "MRI cervical spine"),
    ("genotype: {ar_cag_status: expanded}\n", "Kennedy disease"),
])
def test_excluded_beside_an_abnormal_result_is_not_documented(run_cli, tmp_path: Path, extra: str,  # type: ignore[no-untyped-def]
                                                               shown: str) -> None:
    crit = _criteria(run_cli, tmp_path, extra)
    assert crit["gold_coast"]["category"] == "undetermined"
    assert any(shown in r for r in crit["gold_coast"]["requirements_not_documented"])
    for system in ("revised_el_escorial", "awaji"):
        assert any("recorded as excluded, but" in r and shown in r
                   for r in crit[system]["requirements_not_documented"]), system


def test_excluded_with_normal_results_stays_met(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    crit = _criteria(run_cli, tmp_path, "investigations: {mri_cervical_spine: normal}\n"
                                        "genotype: {ar_cag_status: normal}\n")
    assert crit["gold_coast"]["category"] == "als"
    assert crit["revised_el_escorial"]["requirements_not_documented"] == []
