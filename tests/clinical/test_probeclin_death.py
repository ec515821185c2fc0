"""Reviewer probe (probe-clin): a death recorded after the last visit is part of the record.

Before the fix a record whose death date came after its last visit was assessed as of the last visit: the
patient got an ENCALS prediction ("from today: 12 months 55%"), care alerts and reminders ("offer genetic
counselling"), and the report matched therapies, with nothing saying the patient had died. Through the real
command line, on an unseen case written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.clinical.probe_records import BULBAR_2024, FIRST_VISIT

_CASE = """id: probe-dead
""" + BULBAR_2024 + """ftd: false
death_date: 2025-03-01
genotype: {c9orf72_status: normal}
visits:
""" + FIRST_VISIT + """  - date: 2024-12-10
    alsfrs_r: {q1: 1, q2: 2, q3: 1, q4: 1, q5b: 3, q6: 3, q7: 4, q8: 4, q9: 4, q10: 3, q11: 4, q12: 3}
    gastrostomy: placed
    niv: in_use
    fvc_percent_predicted: 55
"""


def test_death_after_the_last_visit_is_the_assessment_date(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE)
    r = run_cli("clinical", case, "--format", "json")
    assert r.code == 0, r.stderr
    a = json.loads(r.stdout)
    assert a["today"] == "2025-03-01" and a["today_source"] == "death"
    assert a["kings_clinical"]["stage"] == "5"
    assert a["encals"]["status"] == "refused" and a["tricals"]["risk_profile"] is None
    assert a["care_alerts"] == []
    assert any(n["what"].startswith("care alerts") and "died on 2025-03-01" in n["reason"] for n in a["not_assessed"])
    table = run_cli("clinical", case)
    assert "as of 2025-03-01 (death)" in table.stdout and "not assessed: the patient died on 2025-03-01" in table.stdout


def test_an_explicit_date_before_death_is_still_assessed(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE)
    r = run_cli("clinical", case, "--format", "json", "--assessment-date", "2024-12-10")
    assert r.code == 0, r.stderr
    a = json.loads(r.stdout)
    assert a["today_source"] == "explicit" and a["kings_clinical"]["stage"] == "4A+4B"
    assert a["encals"]["status"] != "refused" and a["care_alerts"]


def test_visits_after_an_explicit_date_are_said_to_be_left_out(run_cli: Any, tmp_path: Path) -> None:
    # before the fix the later visit vanished from the assessment without a word
    case = tmp_path / "case.yaml"
    case.write_text(_CASE)
    r = run_cli("clinical", case, "--assessment-date", "2024-08-01")
    assert r.code == 0, r.stderr
    assert "1 visit(s) after the assessment date 2024-08-01 not used (the last on 2024-12-10)" in r.stdout
