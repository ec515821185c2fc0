"""Reviewer probe (probe-case): a trial status recorded after the matching date does not tell that date's status.

Before the fix a clinical record whose last visit was 2019-01-10 (the report's matching date) read "Trials: Enrolling
now and criteria met: AB19001" on page 1, from a 'recruiting' status recorded on 2025-09-12, and VALOR read "not
recruiting (completed as of 2021-07)" for a SOD1 carrier matched in 2019, while it was enrolling. A status recorded
after the matching date is now 'not known' on it (open or closed), with the reason. Real command line, unseen cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from charcot.report.consistency import contradictions
from charcot.report.demo import demo_dir
from charcot.report.model import Report

_CASE = """id: probe-later
genotype:
  genetic_testing_done: true
  findings:
    - {{gene: SOD1, classification: Pathogenic, hgvs_p: p.Ala5Val}}
clinical:
  affected: true
  age: 60
  country: FR
  el_escorial: probable
  als_ftd: false
  months_since_diagnosis: 6
  disease_duration_months: 14
  alsfrs_r: 40
  alsfrs_r_date: {measured}
  fvc_percent: 85
  fvc_date: {measured}
  progression_rate: 0.6
"""


@pytest.mark.parametrize(("on", "measured", "ab19001", "valor"), [
    ("2025-09-12", "2025-09-01", "eligible", "not_open"),  # the day the status was recorded
    ("2025-09-11", "2025-09-01", "cannot_decide", "not_open"),  # the day before: recruiting is not known
    ("2019-01-10", "2019-01-01", "cannot_decide", "cannot_decide"),  # VALOR's 'completed' (2021-07) is later too
])
def test_status_recorded_after_the_matching_date_is_not_known(run_cli: Any, tmp_path: Path, on: str, measured: str,
                                                              ab19001: str, valor: str) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE.format(measured=measured))
    r = run_cli("therapies", case, "--as-of", on, "--format", "json")
    assert r.code == 0, r.stderr
    trials = {t["id"]: t for t in json.loads(r.stdout)["trials"]}
    ab, val = trials["NCT03127267"], trials["NCT02623699"]
    assert ab["verdict"] == ab19001, ab["summary"]
    assert val["verdict"] == valor, val["summary"]
    for t in (ab, val):
        if t["verdict"] == "cannot_decide":
            assert t["open_to_new_participants"] is None
            assert f"recorded after the matching date {on}" in t["summary"]


_OLD_RECORD = """id: CASE-OLD-01
sex: male
date_of_birth: 1950-03-02
onset: {date: 2018-05, region: bulbar}
diagnosis: {date: 2018-11-05, el_escorial_at_diagnosis: probable}
premorbid_weight_kg: 80.0
visits:
  - date: 2019-01-10
    alsfrs_r: {q1: 3, q2: 3, q3: 3, q4: 4, q5a: 4, q6: 4, q7: 4, q8: 4, q9: 4, q10: 4, q11: 4, q12: 4}
    fvc_percent_predicted: 88
    weight_kg: 77.0
"""


def test_report_on_an_old_record_offers_no_trial_as_enrolling(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "old.yaml"
    case.write_text(_OLD_RECORD)
    out = tmp_path / "out"
    r = run_cli("report", "--str", demo_dir() / "demo.str.vcf", "--clinical", case, "--country", "DE", "--no-pdf",
                "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    report = Report.model_validate_json((out / "report.json").read_text())
    assert report.therapies.as_of is not None and report.therapies.as_of.isoformat() == "2019-01-10"
    assert not [s.text for s in report.summary if s.topic == "Trials"]
    ab = next(t for t in report.therapies.items if t.name.startswith("AB19001"))
    assert ab.group == "check" and ab.open_to_new_participants is None, ab.eligibility
    assert any("recorded after the matching date 2019-01-10" in n for n in report.therapies.notes)
    assert contradictions(report) == []

