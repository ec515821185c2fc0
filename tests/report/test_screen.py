"""The HTML report on a 390 px phone screen (Debian's chromium through Playwright): nothing makes the page
wider than the screen; wide tables scroll inside their own box."""

from __future__ import annotations

from pathlib import Path

import pytest

from charcot.report.model import Report
from charcot.report.render_html import render_html

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def test_report_fits_a_390px_screen(demo_report: Report, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(demo_report), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(page_file.as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            # every table either fits or sits in a scrolling box
            wide = page.evaluate("""() => [...document.querySelectorAll('table')]
                .filter(t => t.getBoundingClientRect().width > 390 && !t.closest('.scroll')).length""")
            assert wide == 0
            assert page.is_visible("#identity-banner")
            # citation links land on the reference list
            href = page.get_attribute("a.cite", "href")
            assert href is not None and page.locator(href.replace(".", "\\\\.")).count() == 1
        finally:
            browser.close()
