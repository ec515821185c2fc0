"""Reviewer probe (probeclin, 2026-12-01 evening): King's stage 4B reads the ventilation the record shows.

Roche 2012's stage 4B is the need for non-invasive ventilation (provided, trialled or refused). Before the fix the
clinical King's stage read only the visit's ``niv`` field: a visit scoring ALSFRS-R item 12 at 2 (continuous BiPAP
at night, Cedarbaum 1999) without an NIV status, or a tracheostomy with item 12 = 0 (invasive ventilation), left the
patient at stage 2A, while the same record's ALSFRS-R estimate said 4B, ENCALS said the composite outcome was already
reached and the NIV alert said ventilation was in use; page 1 of the report read "King's stage 2A". Through the real
command line, on unseen cases written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.clinical.probe_records import BULBAR_2024, FIRST_VISIT

_HEAD = """id: probe-kings-vent
""" + BULBAR_2024 + """ftd: false
genotype: {c9orf72_status: normal}
visits:
""" + FIRST_VISIT + """  - date: 2024-12-10
    fvc_percent_predicted: 55
"""


def _items(q12: int) -> str:
    return f"    alsfrs_r: {{q1: 2, q2: 2, q3: 2, q4: 4, q5a: 4, q6: 4, q7: 4, q8: 4, q9: 4, q10: 3, q11: 3, q12: {q12}}}\n"


@pytest.mark.parametrize(("visit", "words"), [
    (_items(2), "ALSFRS-R item 12"),  # continuous BiPAP at night, no NIV status recorded
    (_items(3), "ALSFRS-R item 12"),  # intermittent BiPAP
    ("    tracheostomy: true\n" + _items(0), "tracheostomy"),
    (_items(0), "ALSFRS-R item 12"),  # invasive ventilation by the item alone
])
def test_ventilation_shown_by_the_record_is_stage_4b(run_cli: Any, tmp_path: Path, visit: str, words: str) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_HEAD + visit)
    r = run_cli("clinical", case, "--format", "json")
    assert r.code == 0, r.stderr
    kings = json.loads(r.stdout)["kings_clinical"]
    assert kings["stage"] == "4B" and kings["respiratory_failure"], kings
    assert any(words in reason for reason in kings["reasons"]), kings["reasons"]


def test_no_ventilation_stays_2a(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_HEAD + "    niv: none\n" + _items(4))
    r = run_cli("clinical", case, "--format", "json")
    assert r.code == 0, r.stderr
    kings = json.loads(r.stdout)["kings_clinical"]
    assert kings["stage"] == "2A" and not kings["respiratory_failure"]


def test_report_page_1_stage_agrees_with_the_ventilation(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_HEAD + "    tracheostomy: true\n" + _items(0))
    out = tmp_path / "out"
    r = run_cli("report", "--clinical", case, "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    report = json.loads((out / "report.json").read_text())
    stage = next(s["text"] for s in report["summary"] if s["topic"] == "Stage")
    assert stage.startswith("King's stage 4B;"), stage
    measure = next(m for m in report["clinical"]["measures"] if m["name"] == "King's stage (clinical)")
    assert measure["value"] == "4B" and "tracheostomy" in measure["detail"], measure
