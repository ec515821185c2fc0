"""A visit added in the patient chart reaches the rebuilt report, in a real browser (chart, 2026-12-02): Playwright
driving Debian's chromium against a live server. Before, the report was built from the uploaded clinical record
alone and the chart's visit was in no report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import click_and_load
from tests.web.test_probeweb3_browser import person, upload_demo
from tests.web.test_security import add_users
from tests.web.test_workspace_browser import shot

pytestmark = pytest.mark.browser
# a visit a month after the demo record's last (2026-08-20): 12 items summing to 27
ITEMS = {"q1": 4, "q2": 4, "q3": 3, "q4": 2, "q5a": 1, "q6": 2, "q7": 1, "q8": 1, "q9": 0, "q10": 2, "q11": 3, "q12": 4}


def test_a_visit_added_in_the_chart_is_in_the_rebuilt_report(browser: Any, live_server_factory: Any,
                                                              tmp_path: Path) -> None:
    add_users(tmp_path / "data0", None, ("nina", "clinician"))
    server = live_server_factory(pdf=False)
    nina = person(browser, server.url, "nina")
    case_url = upload_demo(nina, server.url)
    report = nina.frame_locator("#report")
    assert report.locator("tr.visit[data-date='2026-09-24']").count() == 0

    click_and_load(nina, nina.locator("a[href^='/patients/']").first)
    nina.fill("#visit-form input[name=visit_date]", "2026-09-24")
    for q, score in ITEMS.items():
        nina.fill(f"#visit-form input[name={q}]", str(score))
    nina.fill("#visit-form input[name=fvc_percent]", "58")
    nina.fill("#visit-form input[name=weight_kg]", "55.8")
    click_and_load(nina, "#save-visit")
    shot(nina, "26-chart-visit-entered")

    nina.goto(case_url)
    click_and_load(nina, "#rebuild")
    nina.wait_for_selector("#status[data-status=done]", timeout=180_000)
    nina.reload()
    nina.wait_for_selector("#report")
    report = nina.frame_locator("#report")
    row = report.locator("tr.visit[data-date='2026-09-24']")
    row.wait_for(timeout=30_000)
    cells = row.locator("td").all_inner_texts()
    assert cells[:4] == ["2026-09-24", "27", "58.0", "55.8"], cells
    assert "patient chart (entered by nina on " in cells[-1], cells
    assert "27/48 on 2026-09-24" in report.locator("body").inner_text()
    shot(nina, "27-chart-visit-in-rebuilt-report")
    # the options line joins what was given: it ended "Options: sex female;" when nothing followed the sex
    assert nina.inner_text("p.small:has-text('Options:')") == "Options: sex female"
    snapshot = report.locator("#chart-snapshot").inner_text()
    assert "5 visit(s)" in snapshot and "1 visit(s) of this report from it" in snapshot, snapshot
