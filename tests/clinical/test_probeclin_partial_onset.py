"""Reviewer probe (probeclin, 2026-12-01 evening): an onset known to the year or month only is completed inside what
the record allows.

Unseen case: symptom onset recorded as "2024" (the patient remembers the year), diagnosis and first visit on
2024-03-20. The mid-period rule took the onset as 1 July 2024, after the diagnosis, and the record was refused: "visit
1 (2024-03-20) is before symptom onset (2024-07-01)", an error about a date the user never wrote, with no way to fix it
but to invent a day. The same with "2024-09" and a visit on 2024-09-05 (onset taken as the 15th). The completed date
now lies in the part of the period before the record's first dated event (its midpoint), and the note says so; a
date written in full that contradicts the record is still refused. Through the real command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

_CASE = """id: probe-partial-onset
sex: female
date_of_birth: 1958-04-02
onset: {{date: '{onset}', region: upper_limb}}
diagnosis: {{date: {first}, el_escorial_at_diagnosis: probable}}
ftd: false
genotype: {{c9orf72_status: normal}}
visits:
  - date: {first}
    alsfrs_r: {{q1: 4, q2: 4, q3: 4, q4: 3, q5a: 3, q6: 3, q7: 4, q8: 4, q9: 4, q10: 4, q11: 4, q12: 4}}
    fvc_percent_predicted: 90
  - date: 2024-12-02
    alsfrs_r: {{q1: 4, q2: 4, q3: 4, q4: 2, q5a: 2, q6: 3, q7: 3, q8: 4, q9: 3, q10: 4, q11: 4, q12: 4}}
"""


@pytest.mark.parametrize(("onset", "first", "taken", "words"), [
    ("2024", "2024-03-20", "2024-02-09", "known to the year only; taken as 2024-02-09"),
    ("2024-09", "2024-09-05", "2024-09-03", "known to the month only; taken as 2024-09-03"),
])
def test_partial_onset_is_completed_before_the_first_dated_event(run_cli: Any, tmp_path: Path, onset: str,
                                                                  first: str, taken: str, words: str) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE.format(onset=onset, first=first))
    r = run_cli("clinical", case, "--format", "json")
    assert r.code == 0, r.stderr
    a = json.loads(r.stdout)
    assert a["onset_date"] == taken and a["onset_precision"] != "day"
    note = next(c for c in a["caveats"] if c.startswith("onset date"))
    assert words in note and first in note, note
    assert a["delta_fs_at_diagnosis"] is not None and a["delta_fs_at_diagnosis"]["visit_date"] == first


def test_partial_onset_inside_the_record_keeps_the_mid_period_rule(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE.format(onset="2024", first="2024-08-20"))
    r = run_cli("clinical", case, "--format", "json")
    assert r.code == 0, r.stderr
    a = json.loads(r.stdout)
    assert a["onset_date"] == "2024-07-01"
    assert any("taken as 2024-07-01 (1 July of the year)" in c for c in a["caveats"])


@pytest.mark.parametrize("onset", ["2024-03-21", "2025"])
def test_onset_after_a_visit_is_still_refused(run_cli: Any, tmp_path: Path, onset: str) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE.format(onset=onset, first="2024-03-20"))
    out = tmp_path / "out.json"
    r = run_cli("clinical", case, "-o", out)
    assert r.code == 2 and "Traceback" not in r.stderr and not out.exists()
    assert "is before symptom onset" in r.stderr
