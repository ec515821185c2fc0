"""Reviewer probe (probeclin, 2026-12-01 evening): a clinical record without an ALS diagnosis is not 'clinically
manifest ALS' for a drug label.

Unseen case: lower-limb onset in January 2024, two visits with ALSFRS-R, in the US, and no diagnosis recorded (the
patient is in the diagnostic work-up: King's stage 1 or 2B without a diagnosis, ENCALS refused for the missing
diagnosis). Before the fix every clinical record was taken as 'affected', so riluzole and both edaravone forms read
"clinically manifest ALS: met" and page 1 said "Can receive now in US: Riluzole (Rilutek), Edaravone ...". The same
held on a matching date before the recorded diagnosis. Through the real command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

_CASE = """id: probe-undiagnosed
sex: female
date_of_birth: 1960-05-01
onset: {date: 2024-01-10, region: lower_limb}
country: US
ftd: false
genotype: {c9orf72_status: normal}
visits:
  - date: 2024-09-01
    alsfrs_r: {q1: 4, q2: 4, q3: 4, q4: 4, q5a: 4, q6: 3, q7: 3, q8: 2, q9: 2, q10: 4, q11: 4, q12: 4}
    fvc_percent_predicted: 85
  - date: 2024-11-10
    alsfrs_r: {q1: 4, q2: 4, q3: 4, q4: 4, q5a: 4, q6: 3, q7: 3, q8: 2, q9: 1, q10: 4, q11: 4, q12: 4}
    fvc_percent_predicted: 84
"""


def _riluzole(run_cli: Any, case: Path, *args: str) -> dict[str, Any]:
    r = run_cli("therapies", case, "--format", "json", *args)
    assert r.code == 0, r.stderr
    data = json.loads(r.stdout)
    return next(m for m in data["therapies"] if m["id"] == "riluzole")  # type: ignore[no-any-return]


@pytest.mark.parametrize(("extra", "as_of"), [("", "2024-11-10"), ("diagnosis: {date: 2024-12-01}\n", "2024-11-10")])
def test_no_diagnosis_by_the_matching_date_cannot_decide(run_cli: Any, tmp_path: Path, extra: str, as_of: str) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE.replace("country: US\n", "country: US\n" + extra))
    riluzole = _riluzole(run_cli, case, "--as-of", as_of)
    assert riluzole["verdict"] == "cannot_decide", riluzole["summary"]
    crit = next(c for c in riluzole["criteria"] if c["id"] == "als_diagnosis")
    assert crit["status"] == "unknown" and "no ALS diagnosis" in crit["reason"], crit


def test_diagnosed_patient_is_eligible(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE.replace("country: US\n", "country: US\ndiagnosis: {date: 2024-09-01}\n"))
    assert _riluzole(run_cli, case, "--as-of", "2024-11-10")["verdict"] == "eligible"


def test_report_page_1_does_not_offer_riluzole_before_diagnosis(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE)
    out = tmp_path / "out"
    r = run_cli("report", "--clinical", case, "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    report = json.loads((out / "report.json").read_text())
    line = next(s["text"] for s in report["summary"] if s["topic"] == "Therapy")
    assert "Can receive now" not in line and "Riluzole" not in line.split(";")[0], line
    riluzole = next(t for t in report["therapies"]["items"] if t["name"].startswith("Riluzole"))
    assert riluzole["group"] != "now", riluzole
