"""Reviewer probe (probe-clin): ventilation is read one way across a visit, ENCALS and the alerts.

Before the fix: hours of NIV beside 'niv: none' (or no NIV status) were dropped without a word (24 h/day of NIV did
not stop ENCALS); ALSFRS-R item 12 = 0 (invasive mechanical ventilation) left ENCALS predicting an outcome already
reached and the NIV alert saying the criteria were not met; item 12 and the visit's NIV/tracheostomy status could
contradict each other. Through the real command line, on unseen cases written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.clinical.probe_records import BULBAR_2024, FIRST_VISIT

_HEAD = """id: probe-vent
""" + BULBAR_2024 + """ftd: false
genotype: {c9orf72_status: normal}
visits:
""" + FIRST_VISIT + """  - date: 2024-12-10
    fvc_percent_predicted: 55
"""


def _items(q12: int) -> str:
    return f"    alsfrs_r: {{q1: 2, q2: 2, q3: 2, q4: 3, q5a: 3, q6: 3, q7: 4, q8: 4, q9: 4, q10: 3, q11: 4, q12: {q12}}}\n"


@pytest.mark.parametrize(("visit", "words"), [
    ("    niv: none\n    niv_hours_per_day: 24\n" + _items(4), "niv_hours_per_day 24 is given but niv is 'none'"),
    ("    niv_hours_per_day: 12\n" + _items(2), "niv_hours_per_day 12 is given but niv is not recorded"),
    ("    niv: none\n" + _items(2), "ALSFRS-R item 12 is 2 (BiPAP in use) but niv is 'none'"),
    ("    niv: in_use\n" + _items(4), "niv is 'in_use' but ALSFRS-R item 12 is 4"),
])
def test_contradicting_ventilation_is_refused(run_cli: Any, tmp_path: Path, visit: str, words: str) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_HEAD + visit)
    out = tmp_path / "out.json"
    r = run_cli("clinical", case, "-o", out)
    assert r.code == 2 and "Traceback" not in r.stderr and not out.exists()
    assert "visits.2" in r.stderr and words in r.stderr


def test_invasive_ventilation_by_item_12_is_the_encals_outcome(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_HEAD + "    niv: none\n" + _items(0))
    r = run_cli("clinical", case, "--format", "json")
    assert r.code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["encals"]["status"] == "refused"
    assert any("item 12 is 0" in x for x in data["encals"]["refusal_reasons"])
    niv = [a for a in data["care_alerts"] if a["kind"] == "niv"]
    assert len(niv) == 1 and niv[0]["status"] == "already_in_place" and "item 12 is 0" in niv[0]["message"]


def test_consistent_niv_still_reads(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_HEAD + "    niv: in_use\n    niv_hours_per_day: 10\n" + _items(2))
    r = run_cli("clinical", case, "--format", "json")
    assert r.code == 0, r.stderr
    assert json.loads(r.stdout)["encals"]["status"] != "refused"
