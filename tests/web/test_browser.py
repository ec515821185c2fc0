"""Browser tests: Playwright driving Debian's chromium against a live server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import ARTIFACTS, DEMO, click_and_load

pytestmark = pytest.mark.browser
DATA = Path(__file__).parents[1] / "data" / "report"


def test_upload_view_and_download_pdf(browser: Any, live_server_factory: Any, tmp_path: Path) -> None:
    server = live_server_factory()
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    external: list[str] = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith((server.url, "data:", "about:")) else None)

    page.goto(f"{server.url}/cases/new")
    page.fill("input[name=proband]", "NA12878")
    page.fill("input[name=str_sample]", "hugelymodelbat_lanes_1_sorted_md")  # the demo's repeat file: another person's
    page.fill("input[name=hpo]", "HP:0007354")
    page.set_input_files("input[name=vcf]", str(DEMO / "demo.vcf.gz"))
    page.set_input_files("input[name=str_file]", str(DEMO / "demo.str.vcf"))
    page.set_input_files("input[name=ped]", str(DEMO / "demo.ped"))
    page.set_input_files("input[name=clinical]", str(DEMO / "demo_case.yaml"))
    click_and_load(page, "#submit")
    # The case page polls and reloads itself when the report is ready.
    page.wait_for_selector("#report", timeout=120_000)
    assert page.inner_text("#status") == "done"
    frame = page.frame_locator("#report")
    frame.locator("h1").wait_for(timeout=30_000)
    assert "ALS genetic and clinical report" in frame.locator("h1").inner_text()
    assert "DEMO-001" in frame.locator("#patient-id").inner_text()
    assert frame.locator("#genetics").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-case-report.png"), full_page=False)

    with page.expect_download() as info:
        page.click("#dl-pdf")
    target = tmp_path / "downloaded.pdf"
    info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF") and target.stat().st_size > 10_000

    # The case list and the patient's visits page render.
    page.goto(server.url + "/patients")
    assert "DEMO-001" in page.inner_text("#patients")
    click_and_load(page, "#patients a")
    assert page.locator("#visits tr").count() >= 5
    assert dialogs == []
    assert external == []  # offline: nothing but the app itself and data: URLs
    context.close()


def test_script_injection_renders_inert_in_the_browser(browser: Any, live_server_factory: Any) -> None:
    server = live_server_factory()
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server.url}/cases/new")
    page.fill("input[name=patient]", "<img src=x onerror=alert('patient')>")
    page.set_input_files("input[name=vcf]", str(DATA / "injection.vcf"))
    page.set_input_files("input[name=ped]", str(DATA / "injection.ped"))
    page.fill("input[name=proband]", "<script>alert('ped')</script>")
    page.fill("input[name=sample]", "<script>alert('sample')</script>")  # the VCF's sample is the proband: said so
    page.set_input_files("input[name=clinical]", str(DATA / "injection_case.yaml"))
    click_and_load(page, "#submit")
    page.wait_for_selector("#report", timeout=120_000)
    frame = page.frame_locator("#report")
    frame.locator("h1").wait_for(timeout=30_000)
    # The markup is shown as text ...
    assert "<script>alert('case')</script>" in frame.locator("#patient-id").inner_text()
    # ... and the report opened directly (not in the sandboxed frame) runs nothing either.
    report_url = page.locator("#report").get_attribute("src")
    page.goto(server.url + report_url)
    assert "<script>alert('sample')</script>" in page.inner_text("table.meta")
    page.goto(server.url + "/")
    page.wait_for_timeout(300)
    assert "<img src=x onerror=alert('patient')>" in page.inner_text("#cases")
    assert dialogs == []
