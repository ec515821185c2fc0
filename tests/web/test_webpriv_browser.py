"""The case form's refused sample map in a real browser (webpriv, 2026-12-02): Playwright driving Debian's chromium
against a live server on 127.0.0.1, a genetic counsellor's account, the real Scout trio with its samples renamed as a
laboratory names them.

Before, the 422 page repeated the pedigree IDs and VCF samples typed on the bad line, and going Back to the form gave
an empty sample map (the textarea had ``autocomplete="off"``, which tells the browser not to restore it), while the
proband, the other fields and the chosen files came back. Now the page names the line and what is wrong with it, and
the person's own text is back in the form she corrects (her browser's, never sent back by the server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.family.test_leftfam import LAB, PED, renamed_trio
from tests.web.conftest import click_and_load
from tests.web.test_security import add_users
from tests.web.test_workspace_browser import shot

pytestmark = pytest.mark.browser
TYPED = ("QZX-FAM-0417", "QZX-LAB-9071")  # typed on the bad line: made up, found nowhere else


@pytest.fixture
def counsellor(live_server_factory: Any, tmp_path: Path, browser: Any) -> Any:
    add_users(tmp_path / "data0", None, ("carol", "genetic_counsellor"))
    server = live_server_factory(pdf=False)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", "carol")
    page.fill("input[name=password]", "carol-password-123")
    click_and_load(page, "#signin")
    page.wait_for_selector("#who")
    try:
        yield server, page
    finally:
        page.context.close()


def test_a_refused_sample_map_names_the_line_and_back_keeps_the_text_to_correct(counsellor: Any,
                                                                                 tmp_path: Path) -> None:
    server, carol = counsellor
    vcf = renamed_trio(tmp_path)
    good = [f"{iid}={sample}" for iid, sample in LAB.items()]
    typed = "\n".join([good[0], f"{TYPED[0]} {TYPED[1]}", *good[1:]])  # line 2 lacks its '='
    carol.goto(server.url + "/cases/new")
    carol.fill("input[name=proband]", "ADM1059A2")
    carol.fill("#sample-map", typed)
    carol.set_input_files("input[name=vcf]", str(vcf))
    carol.set_input_files("input[name=ped]", str(PED))
    click_and_load(carol, "#submit")
    shot(carol, "24-sample-map-refused")
    said = carol.inner_text("#error-message")
    assert "the sample map's line 2 is not PEDIGREE_ID=VCF_SAMPLE" in said, said
    for text in TYPED:
        assert text not in carol.content(), text
    assert server.app.state.store.all_case_ids() == []

    carol.go_back()
    carol.wait_for_selector("#sample-map")
    assert carol.input_value("#sample-map") == typed  # her own text, to correct line 2 in
    carol.fill("#sample-map", "\n".join(good))
    click_and_load(carol, "#submit")  # the files she chose are still chosen
    carol.wait_for_selector("#report", timeout=180_000)
    shot(carol, "25-sample-map-case")
    rows = carol.locator("table#sample-map tr").all_inner_texts()
    assert [r.split("\t") for r in rows[1:]] == [[iid, sample] for iid, sample in LAB.items()]
