"""Reviewer probe (probeclin, 2026-12-01 evening): "ΔFS at diagnosis" says which visit it is from.

Unseen case: diagnosed 2024-02-01, first ALSFRS-R seven months later (2024-09-01). The table read "ΔFS at diagnosis:
0.78 points/month" with nothing saying it was measured seven months after the diagnosis (the JSON held the visit date,
and only the ENCALS caveats said the baseline was late). The line now names its visit, and a baseline more than 3
months after diagnosis is an assessment caveat, as it is for ENCALS. Through the real command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_CASE = """id: probe-late-baseline
sex: female
date_of_birth: 1960-05-01
onset: {{date: 2024-01-10, region: lower_limb}}
diagnosis: {{date: {diagnosis}, el_escorial_at_diagnosis: probable}}
ftd: false
genotype: {{c9orf72_status: normal}}
visits:
  - date: 2024-09-01
    alsfrs_r: {{q1: 4, q2: 4, q3: 4, q4: 4, q5a: 4, q6: 3, q7: 3, q8: 2, q9: 2, q10: 4, q11: 4, q12: 4}}
    fvc_percent_predicted: 85
"""


def test_late_baseline_is_named(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE.format(diagnosis="2024-02-01"))
    r = run_cli("clinical", case)
    assert r.code == 0, r.stderr
    assert "ΔFS at diagnosis (ALSFRS-R of 2024-09-01): 0.78 points/month" in r.stdout, r.stdout
    r = run_cli("clinical", case, "--format", "json")
    caveats = json.loads(r.stdout)["caveats"]
    assert any("ΔFS at diagnosis" in c and "2024-09-01" in c and "213 days after" in c for c in caveats), caveats


def test_baseline_on_the_diagnosis_day_has_no_caveat(run_cli: Any, tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(_CASE.format(diagnosis="2024-09-01"))
    r = run_cli("clinical", case, "--format", "json")
    assert r.code == 0, r.stderr
    assert not any("ΔFS at diagnosis" in c for c in json.loads(r.stdout)["caveats"])
