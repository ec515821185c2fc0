"""Reviewer probe (probe-clin): a trial's recruiting status is dated, and an old one is not taken as open.

Before the fix AB19001 ("recruiting as of 2025-09-12", planned completion December 2027) was ELIGIBLE for a patient
matched on 2028-01-01. ClinicalTrials.gov itself shows an open status not confirmed within 2 years as 'Unknown'
(S-CTgovUnknown). Through the real command line, on an unseen case written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

_CASE = """id: probe-stale
genotype: {{genetic_testing_done: true}}
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


@pytest.mark.parametrize(("on", "measured", "verdict"), [
    ("2026-11-30", "2026-11-01", "eligible"),        # 14.5 months after the status date: still taken as open
    ("2027-09-12", "2027-09-01", "eligible"),        # exactly 2 years later
    ("2028-01-01", "2027-12-20", "cannot_decide"),   # more than 2 years later
])
def test_open_status_older_than_two_years_is_not_open(run_cli: Any, tmp_path: Path, on: str, measured: str,
                                                      verdict: str) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE.format(measured=measured))
    r = run_cli("therapies", case, "--as-of", on, "--format", "json")
    assert r.code == 0, r.stderr
    trial = next(t for t in json.loads(r.stdout)["trials"] if t["id"] == "NCT03127267")
    assert trial["verdict"] == verdict, trial["summary"]
    if verdict == "cannot_decide":
        assert trial["open_to_new_participants"] is None
        assert "not confirmed within the 2 years before the matching date 2028-01-01" in trial["summary"]
        assert "S-CTgovUnknown" in trial["sources"]
    else:
        assert trial["open_to_new_participants"] is True and "S-CTgovUnknown" not in trial["sources"]
