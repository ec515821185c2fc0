"""Reviewer probe (probe-case): a prognosis the model itself calls an extrapolation is told as one on page 1.

Unseen case: juvenile ALS, onset at 16 years, bulbar, one visit, the record stating FUS p.Pro525Leu (Pathogenic) from a
laboratory. ENCALS gives a median of 713.6 months from onset and flags it itself: beyond the 371 months of follow-up
the model was fitted on, "an extrapolation, not a prediction". Before the fix page 1 and the score's item read "ENCALS
model median 713.6 months from onset" with no word of it (the flag sat only in the clinical table's detail)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from charcot.report.consistency import contradictions
from charcot.report.model import Report

_RECORD = """id: CASE-JUV-01
sex: male
date_of_birth: 2009-03-01
onset: {date: 2025-10-01, region: bulbar}
diagnosis: {date: 2026-06-15, el_escorial_at_diagnosis: definite}
premorbid_weight_kg: 60.0
ftd: false
genotype:
  c9orf72_status: normal
  findings:
    - {gene: FUS, variant: p.Pro525Leu, classification: Pathogenic}
visits:
  - date: 2026-07-01
    alsfrs_r: {q1: 2, q2: 3, q3: 2, q4: 4, q5a: 4, q6: 4, q7: 4, q8: 4, q9: 4, q10: 4, q11: 4, q12: 4}
    fvc_percent_predicted: 71
    weight_kg: 55.0
"""


def test_extrapolated_prognosis_is_told_as_one(run_cli: Any, tmp_path: Path) -> None:
    record = tmp_path / "record.yaml"
    record.write_text(_RECORD)
    out = tmp_path / "out"
    r = run_cli("report", "--clinical", record, "--country", "DE", "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    report = Report.model_validate_json((out / "report.json").read_text())
    line = next(s.text for s in report.summary if s.topic == "Prognosis")
    assert line.startswith("ENCALS model median 713.6 months from onset (") and "not a prediction" in line, line
    item = next(i for i in report.items if i.name == "ENCALS survival model")
    assert "an extrapolation, not a prediction" in (item.result or "")
    assert contradictions(report) == []
    plain = [s.model_copy(update={"text": "ENCALS model median 713.6 months from onset"}) if s.topic == "Prognosis"
             else s for s in report.summary]
    problems = contradictions(report.model_copy(update={"summary": plain}))
    assert any("ENCALS survival model: its detail says the number is not a prediction" in p for p in problems)
