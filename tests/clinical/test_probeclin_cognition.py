"""Reviewer probe (probe-clin): cognition is read one way.

Before the fix an ECAS total that was not the sum of its parts was accepted (the cut-offs read the total and the
ALS-specific score differently), and 'ftd: false' beside a recorded Strong category ALS-FTD was accepted with
ENCALS reading 'no FTD' while the cognition section said ALS-FTD. The table also had no cognition section.
Through the real command line, on unseen cases written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

_CASE = """id: probe-cog
sex: female
date_of_birth: 1958-02-02
onset: {date: 2025-01-10, region: bulbar}
diagnosis: {date: 2025-06-01, el_escorial_at_diagnosis: probable}
visits:
  - date: 2025-06-01
    alsfrs_r: {q1: 3, q2: 3, q3: 3, q4: 4, q5a: 4, q6: 4, q7: 4, q8: 4, q9: 4, q10: 4, q11: 4, q12: 4}
    fvc_percent_predicted: 88
"""


@pytest.mark.parametrize(("extra", "words"), [
    ("cognition:\n  ecas: {total: 120, als_specific: 70, als_nonspecific: 30}\n",
     "ECAS total 120 is not the sum of ALS-specific score 70 + ALS-non-specific score 30 = 100"),
    ("cognition:\n  ecas: {als_specific: 80, executive: 30, language: 20, verbal_fluency: 20}\n",
     "ECAS ALS-specific score 80 is not the sum of executive 30 + language 20 + verbal fluency 20 = 70"),
    ("ftd: false\ncognition:\n  strong_category: als_ftd\n", "ftd: false contradicts cognition.strong_category 'als_ftd'"),
    ("ftd: true\ncognition:\n  strong_category: als_ci\n", "ftd: true contradicts cognition.strong_category 'als_ci'"),
])
def test_contradicting_cognition_is_refused(run_cli: Any, tmp_path: Path, extra: str, words: str) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE + extra)
    r = run_cli("clinical", case)
    assert r.code == 2 and "Traceback" not in r.stderr and words in r.stderr


def test_consistent_cognition_is_shown_in_the_table(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE + "ftd: false\ncognition:\n  ecas: {total: 100, als_specific: 70, als_nonspecific: 30}\n"
                    "  strong_category: als_ci\n")
    r = run_cli("clinical", case)
    assert r.code == 0, r.stderr
    assert "ECAS ALS-specific: 70 (abnormal" in r.stdout and "Strong 2017 category: cognitive impairment" in r.stdout
    data = json.loads(run_cli("clinical", case, "--format", "json").stdout)
    assert data["cognition"]["ftd"] is False


def test_flag_against_the_derived_category_is_a_caveat(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE + "ftd: false\ncognition:\n  findings:\n    progressive_deterioration: true\n"
                    "    rascovsky_features: [disinhibition, apathy, loss_of_empathy]\n")
    r = run_cli("clinical", case, "--format", "json")
    assert r.code == 0, r.stderr
    cog = json.loads(r.stdout)["cognition"]
    assert cog["strong_category_derived"] == "als_ftd" and cog["ftd"] is False
    assert any("ftd: false; the recorded flag is used" in c for c in cog["caveats"])
    # the caveat names the category in words, not by its code ('als_ftd' reached the clinician's text)
    caveat = next(c for c in cog["caveats"] if "the recorded flag is used" in c)
    assert "ALS with frontotemporal dementia (ALS-FTD)" in caveat and "als_ftd" not in caveat
