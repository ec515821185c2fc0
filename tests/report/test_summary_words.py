"""Page 1's lines say a reason once, in plain words."""

from __future__ import annotations

from pathlib import Path

from report.test_risk_allele import _nek1_r261h

from charcot.report.build import CaseInputs, build_report


def test_clinical_not_assessed_line_says_it_once(tmp_path: Path) -> None:
    # was "Stage, progression and prognosis not assessed (Not assessed: no clinical record was given.)."
    report = build_report(CaseInputs(vcf=_nek1_r261h(tmp_path)))
    line = next(s.text for s in report.summary if s.topic == "Clinical")
    assert line == "Stage, progression and prognosis not assessed (no clinical record was given)."
