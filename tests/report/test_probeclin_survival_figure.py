"""Reviewer probe (probeclin, 2026-12-01 evening): the ENCALS figure says what the text says of its median.

Unseen case: onset at 16 with fast progression (ΔFRS 5.9 points/month). The model's own check calls its median of 379
months an extrapolation, not a prediction; page 1, the item and the table say so (since the young-onset probe), but the
survival figure's legend read "median 379 months from onset" plainly and its caption said nothing of it. Through the
real command line (the report's figure caption) and the plot's own legend text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_CASE = """id: probe-survival-figure
sex: male
date_of_birth: 2008-01-01
onset: {date: 2024-05-01, region: lower_limb}
diagnosis: {date: 2024-09-01, el_escorial_at_diagnosis: probable}
ftd: false
genotype: {c9orf72_status: normal}
visits:
  - date: 2024-09-01
    alsfrs_r: {q1: 4, q2: 4, q3: 4, q4: 0, q5a: 0, q6: 0, q7: 0, q8: 0, q9: 0, q10: 4, q11: 4, q12: 4}
    fvc_percent_predicted: 60
"""


def test_extrapolated_median_is_told_so_by_the_figure(run_cli: Any, tmp_path: Path) -> None:
    from charcot.clinical.api import assess, load_case
    from charcot.clinical.plots import median_label

    case = tmp_path / "case.yaml"
    case.write_text(_CASE)
    a = assess(load_case(case))
    assert a.encals.status == "assessed" and a.encals.flags
    assert "extrapolation" in median_label(a.encals)

    out = tmp_path / "out"
    r = run_cli("report", "--clinical", case, "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    report = json.loads((out / "report.json").read_text())
    survival = next(p for p in report["clinical"]["plots"] if "urviv" in p["title"])
    assert "extrapolation, not a prediction" in survival["caption"], survival["caption"]


def test_median_inside_the_fitted_follow_up_is_told_plainly(tmp_path: Path) -> None:
    from charcot.clinical.api import assess, load_case
    from charcot.clinical.plots import median_label

    case = tmp_path / "case.yaml"
    case.write_text(_CASE.replace("2008-01-01", "1960-01-01"))
    a = assess(load_case(case))
    assert a.encals.status == "assessed" and not a.encals.flags
    assert median_label(a.encals) == f"median {a.encals.median_months_from_onset:.0f} months from onset"
