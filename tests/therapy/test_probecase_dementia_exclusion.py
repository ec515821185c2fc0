"""Reviewer probe (probe-case): a trial that excludes dementia is not offered to an ALS-FTD patient.

Unseen case: ALS-FTD (ftd: true), bulbar onset, one visit, 65 years old, in the US. AB19001's registry entry excludes
dementia; charcot kept that exclusion as free text for the site. Before the fix page 1 read "Trials: Enrolling now and
criteria met: AB19001" for this patient. The exclusion is now a criterion (knowledge 2026.11.18): ALS-FTD fails it,
a record that says the patient is not ALS-FTD meets it, a record without cognitive status cannot decide it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from charcot.report.consistency import contradictions
from charcot.report.model import Report

_RECORD = """id: CASE-FTD-03
sex: female
date_of_birth: 1961-07-19
onset: {{date: 2025-10-01, region: bulbar}}
diagnosis: {{date: 2026-06-15, el_escorial_at_diagnosis: definite}}
premorbid_weight_kg: 60.0
{ftd}
visits:
  - date: 2026-07-01
    alsfrs_r: {{q1: 2, q2: 3, q3: 2, q4: 4, q5a: 4, q6: 4, q7: 4, q8: 4, q9: 4, q10: 4, q11: 4, q12: 4}}
    fvc_percent_predicted: 71
    weight_kg: 55.0
"""


@pytest.mark.parametrize(("ftd", "verdict"), [("ftd: true", "not_eligible"), ("ftd: false", "eligible"),
                                              ("", "cannot_decide")])
def test_ab19001_reads_the_record_s_als_ftd(run_cli: Any, tmp_path: Path, ftd: str, verdict: str) -> None:
    record = tmp_path / "record.yaml"
    record.write_text(_RECORD.format(ftd=ftd))
    r = run_cli("therapies", record, "--as-of", "2026-07-01", "--jurisdiction", "US", "--format", "json")
    assert r.code == 0, r.stderr
    ab = next(t for t in json.loads(r.stdout)["trials"] if t["id"] == "NCT03127267")
    assert ab["verdict"] == verdict, ab["summary"]
    crit = next(c for c in ab["criteria"] if c["id"] == "no_dementia")
    assert crit["status"] == {"not_eligible": "failed", "eligible": "met", "cannot_decide": "unknown"}[verdict]


def test_report_offers_no_dementia_excluding_trial_to_an_als_ftd_patient(run_cli: Any, tmp_path: Path) -> None:
    record = tmp_path / "record.yaml"
    record.write_text(_RECORD.format(ftd="ftd: true"))
    out = tmp_path / "out"
    r = run_cli("report", "--clinical", record, "--country", "US", "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    report = Report.model_validate_json((out / "report.json").read_text())
    assert not [s.text for s in report.summary if s.topic == "Trials" and "AB19001" in s.text]
    assert not [t for t in report.therapies.items if t.name.startswith("AB19001") and t.group != "not_now"]
    assert contradictions(report) == []
