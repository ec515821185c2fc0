"""Re-analysis review in a real browser (Playwright on Debian's chromium, issue 18): two stored cases, a
knowledge snapshot whose only change is a C9orf72 threshold; "Re-analyse all cases" marks exactly the
case with a C9orf72 call "needs review", its page names the change, and accepting it creates version 2
(version 1 still readable) with an audit entry. Screenshots go to test-artifacts/web/."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from charcot.knowledge import _knowledge_for
from tests.reanalysis.snapshots import threshold_snapshot
from tests.web.conftest import DEMO, click_and_load
from tests.web.test_security import add_users
from tests.web.test_workspace_browser import login, shot

pytestmark = pytest.mark.browser
PANEL_VCF = Path(__file__).resolve().parents[1] / "data" / "variants" / "na12878_hg38_panel.vcf.gz"


def _new_case(page: Any, url: str, patient: str, field: str, path: Path) -> str:
    page.goto(url + "/cases/new")
    page.fill("input[name=patient]", patient)
    page.set_input_files(f"input[name={field}]", str(path))
    click_and_load(page, "#submit")
    page.wait_for_selector("#report", timeout=180_000)
    return str(page.url.rsplit("/", 1)[1])


def test_changed_snapshot_marks_the_affected_case_and_accepting_makes_version_2(
        browser: Any, live_server_factory: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_users(tmp_path / "data0", None, ("alice", "laboratory_scientist"))
    monkeypatch.delenv("CHARCOT_KNOWLEDGE", raising=False)
    _knowledge_for.cache_clear()
    server = live_server_factory(pdf=False)
    url = server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        login(page, url, "alice")
        repeats = _new_case(page, url, "P-repeats", "str_file", DEMO / "demo.str.vcf")
        other = _new_case(page, url, "P-other", "vcf", PANEL_VCF)

        monkeypatch.setenv("CHARCOT_KNOWLEDGE", str(threshold_snapshot(tmp_path)))
        _knowledge_for.cache_clear()
        page.goto(url + "/")
        click_and_load(page, "#reanalyse-all")
        deadline = time.monotonic() + 120
        while page.locator("#reanalysis-running").count() and time.monotonic() < deadline:
            time.sleep(0.3)
            page.reload()
        assert "1 of 2 case(s) need review" in page.inner_text("#reanalysis-last")
        assert page.locator(f"#needs-review-{other}").count() == 0
        marker = page.locator(f"#needs-review-{repeats}")
        assert marker.inner_text() == "needs review: 1 change"
        shot(page, "20-reanalysis-needs-review")

        click_and_load(page, marker)
        page.wait_for_selector("#needs-review")
        changes = page.locator("#changes li").all_inner_texts()
        assert len(changes) == 1 and changes[0].startswith("Repeat C9") and "from normal to intermediate" in changes[0]
        assert page.inner_text("#version") == "1"
        shot(page, "21-reanalysis-case")

        click_and_load(page, "#accept-reanalysis")
        page.wait_for_selector("#no-review")
        assert page.inner_text("#version") == "2" and page.inner_text("#review-state") == "draft"
        audit = page.inner_text("#audit")
        assert "accept-reanalysis" in audit and "version 2 created from version 1" in audit
        assert "9999.1.0" in page.inner_text("#reruns")
        shot(page, "22-reanalysis-accepted")
        earlier = page.locator("#earlier a", has_text="HTML").first.get_attribute("href")
        assert earlier == f"/cases/{repeats}/v/1/report.html"
        assert page.request.get(url + earlier).status == 200
        page.goto(url + "/")
        assert page.locator(f"#needs-review-{repeats}").count() == 0
    finally:
        context.close()
        monkeypatch.delenv("CHARCOT_KNOWLEDGE", raising=False)
        _knowledge_for.cache_clear()
