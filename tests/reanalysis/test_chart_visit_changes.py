"""Re-analysis compares the visits a report states once the web workspace's patient chart is merged into its
clinical record (chart, 2026-12-02): a chart visit added is a change; a report from before the chart was merged (no
items stated) re-run to the same visits is none."""

from __future__ import annotations

from datetime import date

from charcot.clinical.chart import Chart, ChartVisit
from charcot.reanalysis.api import compare_reports
from charcot.report.build import CaseInputs, build_report
from charcot.report.demo import demo_dir

ITEMS = {"q1": 4, "q2": 4, "q3": 3, "q4": 2, "q5a": 1, "q6": 2, "q7": 1, "q8": 1, "q9": 0, "q10": 2, "q11": 3, "q12": 4}


def test_visit_changes_of_a_chart_merged_report() -> None:
    record = demo_dir() / "demo_case.yaml"
    plain = build_report(CaseInputs(clinical=record))
    empty = build_report(CaseInputs(clinical=record, chart=Chart()))
    # a report built before the chart was merged states no items and no chart: the same visits are no change
    assert [c for c in compare_reports(plain, empty) if c.area == "visit"] == []
    added = build_report(CaseInputs(clinical=record, chart=Chart([ChartVisit(
        date(2026, 9, 24), alsfrs_r=27, items=ITEMS, fvc_percent=58.0, entered="entered by nina")])))
    changes = [c for c in compare_reports(empty, added) if c.area == "visit"]
    assert [(c.item, c.old, c.new) for c in changes] == [("visit of 2026-09-24", None, "ALSFRS-R 27, FVC 58 %")]
    assert "patient chart (entered by nina)" in changes[0].in_words()
    assert empty.header.report_id != added.header.report_id != plain.header.report_id
