"""Reviewer probe (probe-clin): a death in the clinical record reaches every output of the report.

Before the fix the report staged the patient King's 5 while the exported phenopacket's subject had no vital
status and the HTML header did not say the patient had died. Through the real command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.clinical.probe_records import BULBAR_2024, FIRST_VISIT

_CASE = """id: probe-dead-report
""" + BULBAR_2024 + """death_date: 2025-03-01
visits:
""" + FIRST_VISIT


def test_death_in_report_json_html_and_phenopacket(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE)
    out = tmp_path / "out"
    r = run_cli("report", "--clinical", case, "--no-pdf", "--outdir", out, "-q")
    assert r.code == 0, r.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["header"]["death_date"] == "2025-03-01"
    assert any("King's stage 5" in s["text"] for s in report["summary"])
    subject = json.loads((out / "phenopacket.json").read_text())["subject"]
    assert subject["vitalStatus"] == {"status": "DECEASED", "timeOfDeath": {"timestamp": "2025-03-01T00:00:00Z"}}
    assert 'id="death-date">2025-03-01' in (out / "report.html").read_text()
