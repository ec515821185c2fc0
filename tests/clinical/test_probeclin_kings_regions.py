"""Reviewer probe (probeclin, 2026-12-01 evening): King's clinical stage counts the regions the record's ALSFRS-R shows.

Unseen case: lower-limb onset, diagnosed, no region involvement dates recorded, and a visit scoring handwriting and
cutting food 3 (upper limb functionally involved). Before the fix the clinical King's stage counted only the onset
region: "King's stage 2A" on page 1 and in the clinical table, beside "King's stage (ALSFRS-R estimate) 2B" for the
same visit, and the stage's own caveat ("only the onset region is counted") reached neither output. A region the
record gives no involvement date for is now counted from the first visit whose ALSFRS-R items show it (the same item
rules as the estimate), and the reason says so; a recorded involvement date is used as given. Through the real
command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_CASE = """id: probe-kings-regions
sex: female
date_of_birth: 1960-05-01
onset: {date: 2024-01-10, region: lower_limb}
diagnosis: {date: 2024-09-01, el_escorial_at_diagnosis: probable}
ftd: false
genotype: {c9orf72_status: normal}
visits:
  - date: 2024-09-01
    alsfrs_r: {q1: 4, q2: 4, q3: 4, q4: 4, q5a: 4, q6: 3, q7: 3, q8: 2, q9: 2, q10: 4, q11: 4, q12: 4}
    fvc_percent_predicted: 85
  - date: 2025-01-10
    alsfrs_r: {q1: 4, q2: 4, q3: 4, q4: 3, q5a: 3, q6: 3, q7: 3, q8: 2, q9: 1, q10: 4, q11: 4, q12: 4}
    fvc_percent_predicted: 80
"""


def test_region_shown_by_alsfrs_r_is_counted(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE)
    r = run_cli("clinical", case, "--format", "json")
    assert r.code == 0, r.stderr
    a = json.loads(r.stdout)
    kings = a["kings_clinical"]
    assert kings["stage"] == "2B" and kings["regions_involved"] == ["lower_limb", "upper_limb"], kings
    assert any("upper limb" in x and "ALSFRS-R" in x and "2025-01-10" in x for x in kings["reasons"]), kings["reasons"]
    assert a["kings_alsfrs_r"][-1]["stage"] == kings["stage"]
    # as of the first visit the upper limb was not yet involved
    r = run_cli("clinical", case, "--format", "json", "--assessment-date", "2024-12-01")
    assert r.code == 0, r.stderr
    assert json.loads(r.stdout)["kings_clinical"]["stage"] == "2A"

    out = tmp_path / "out"
    r = run_cli("report", "--clinical", case, "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    report = json.loads((out / "report.json").read_text())
    stage = next(s["text"] for s in report["summary"] if s["topic"] == "Stage")
    assert stage.startswith("King's stage 2B;"), stage
    measures = {m["name"]: m for m in report["clinical"]["measures"]}
    assert measures["King's stage (clinical)"]["value"] == measures["King's stage (ALSFRS-R estimate)"]["value"]
    assert "ALSFRS-R" in measures["King's stage (clinical)"]["detail"]


def test_a_recorded_involvement_date_is_used_as_given(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE.replace("ftd: false\n", "ftd: false\nregions_involved: {lower_limb: 2024-01-10, "
                                                  "upper_limb: 2025-03-01}\n"))
    r = run_cli("clinical", case, "--format", "json")
    assert r.code == 0, r.stderr
    kings = json.loads(r.stdout)["kings_clinical"]
    assert kings["stage"] == "2A" and kings["regions_involved"] == ["lower_limb"], kings
