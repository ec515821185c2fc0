"""Two people at once in a real browser (probeweb3, 2026-12-02): Playwright driving Debian's chromium, one browser
context per person, two accounts with different roles (a genetic counsellor who uploads and keeps the patient's chart,
a neurologist who reviews and signs off), against a live server on 127.0.0.1. Each test failed on the code before its
fix (docs/RELIABILITY.md, "Two people at once in the web workspace")."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.family.test_leftfam import LAB, PED, renamed_trio
from tests.web.conftest import DEMO, click_and_load
from tests.web.test_security import add_users

pytestmark = pytest.mark.browser
COUNSELLOR, NEUROLOGIST = ("carol", "genetic_counsellor"), ("nina", "reviewer")


@pytest.fixture
def clinic(live_server_factory: Any, tmp_path: Path) -> Any:
    add_users(tmp_path / "data0", None, COUNSELLOR, NEUROLOGIST)
    return live_server_factory(pdf=False)


def person(browser: Any, url: str, user: str) -> Any:
    """One person's own browser (context: cookies apart), signed in."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{url}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", f"{user}-password-123")
    click_and_load(page, "#signin")
    page.wait_for_selector("#who")
    return page


def upload_demo(page: Any, url: str) -> str:
    page.goto(url + "/cases/new")
    page.fill("input[name=proband]", "NA12878")
    page.select_option("select[name=sex]", "female")
    page.set_input_files("input[name=vcf]", str(DEMO / "demo.vcf.gz"))
    page.set_input_files("input[name=ped]", str(DEMO / "demo.ped"))
    page.set_input_files("input[name=clinical]", str(DEMO / "demo_case.yaml"))
    click_and_load(page, "#submit")
    page.wait_for_selector("#report", timeout=180_000)
    return str(page.url)


def test_the_case_forms_sample_map_reads_a_family_vcf_named_otherwise(browser: Any, clinic: Any,
                                                                     tmp_path: Path) -> None:
    vcf = renamed_trio(tmp_path)  # the real Scout trio, its samples named LAB-0001.. as a laboratory names them
    carol = person(browser, clinic.url, "carol")
    carol.goto(clinic.url + "/cases/new")
    carol.fill("input[name=proband]", "ADM1059A2")
    carol.fill("#sample-map", "ADM1059A2 LAB-0002")  # no '=': refused naming the line, nothing stored
    carol.set_input_files("input[name=vcf]", str(vcf))
    carol.set_input_files("input[name=ped]", str(PED))
    click_and_load(carol, "#submit")
    assert "the sample map's line 1 is not PEDIGREE_ID=VCF_SAMPLE" in carol.inner_text("#error-message")
    assert clinic.app.state.store.all_case_ids() == []

    carol.go_back()
    carol.wait_for_selector("#sample-map")
    carol.fill("input[name=proband]", "ADM1059A2")
    carol.fill("#sample-map", "\n".join(f"{iid}={sample}" for iid, sample in LAB.items()))
    carol.set_input_files("input[name=vcf]", str(vcf))
    carol.set_input_files("input[name=ped]", str(PED))
    click_and_load(carol, "#submit")
    carol.wait_for_selector("#report", timeout=180_000)
    rows = carol.locator("table#sample-map tr").all_inner_texts()
    assert [r.split("\t") for r in rows[1:]] == [[iid, sample] for iid, sample in LAB.items()]
    assert "sample map: 3 pairs" in carol.inner_text("#audit")  # the pairs are the table above, not the trail's
    report = carol.frame_locator("#report")
    members = report.locator("table:has(th:text-is('VCF sample'))").first.inner_text()
    assert "LAB-0001" in members and "LAB-0003" in members


def test_a_form_sent_after_the_session_ended_says_so_and_leads_back(browser: Any, clinic: Any) -> None:
    """Before: the comment form sent after the session expired (or the account was disabled) showed the API's raw
    JSON, '{"detail": "sign in or give a bearer token"}', and signing in again led to the case list."""
    carol = person(browser, clinic.url, "carol")
    case_url = upload_demo(carol, clinic.url)
    store = clinic.app.state.store
    carol.fill("#case-comment textarea", "Family history matches.")
    with store.engine.begin() as conn:  # her session runs out while she types (what --session-hours does)
        conn.execute(sa.text("UPDATE sessions SET expires_at = '2000-01-01 00:00:00' WHERE user_id = "
                             "(SELECT id FROM users WHERE username = 'carol')"))
    click_and_load(carol, "#add-comment")
    assert carol.inner_text("h1") == "Signed out"
    assert "not signed in any more" in carol.inner_text("#error-message")
    assert "detail" not in carol.content() and "bearer" not in carol.inner_text("body").lower()
    assert store.comments(case_url.rsplit("/", 1)[1]) == []
    click_and_load(carol, "#sign-in-again")
    carol.fill("input[name=username]", "carol")
    carol.fill("input[name=password]", "carol-password-123")
    click_and_load(carol, "#signin")
    assert carol.url == case_url  # back on the page the form was on

    nina = person(browser, clinic.url, "nina")
    nina.goto(case_url)
    nina.fill("#case-comment textarea", "Checked.")
    assert store.set_user_disabled("nina", True)  # `charcot users disable nina` while she is signed in
    click_and_load(nina, "#add-comment")
    assert nina.inner_text("h1") == "Signed out" and "account was disabled" in nina.inner_text("#error-message")
    # a page opened afterwards asks her to sign in, and says where she would return
    nina.goto(case_url)
    assert re.search(r"/login\?next=%2Fcases%2F[0-9a-f-]{36}$", nina.url)


def test_the_same_upload_form_sent_twice_makes_one_case(browser: Any, clinic: Any) -> None:
    """Before: the new-case form sent a second time (a second click once the first upload had gone through, or a
    browser retrying it) made a second case of the same files, built twice."""
    carol = person(browser, clinic.url, "carol")
    carol.goto(clinic.url + "/cases/new")
    carol.fill("input[name=patient]", "P-TWICE")
    carol.set_input_files("input[name=vcf]", str(DEMO / "demo.vcf.gz"))
    # the browser sends the filled form twice, one sending after the other has arrived
    statuses = carol.evaluate("""async () => {
        const form = document.getElementById('upload');
        const out = [];
        for (let i = 0; i < 2; i++) {
            const r = await fetch(form.action, {method: 'POST', body: new FormData(form), redirect: 'manual'});
            out.push(r.type === 'opaqueredirect' ? 303 : r.status);
        }
        return out;
    }""")
    assert statuses == [303, 303]
    store = clinic.app.state.store
    assert len(store.all_case_ids()) == 1
    case_id = store.all_case_ids()[0]
    uploads = [a for a in store.audit_trail(case_id=case_id) if a["action"] == "upload"]
    assert len(uploads) == 2 and "sent again" in uploads[1]["detail"]
    # and the page's own button cannot send it again: disabled once the form is sent
    carol.goto(clinic.url + "/cases/new")
    carol.set_input_files("input[name=vcf]", str(DEMO / "demo.vcf.gz"))
    click_and_load(carol, "#submit")
    carol.go_back()
    carol.wait_for_selector("#upload")
    assert carol.evaluate("""() => { const f = document.getElementById('upload');
        f.addEventListener('submit', e => e.preventDefault()); f.requestSubmit();
        return document.getElementById('submit').disabled; }""")


def test_a_sign_off_over_a_chart_corrected_meanwhile_shows_the_difference_first(browser: Any, clinic: Any) -> None:
    """Before: the counsellor corrected a visit in the patient's chart while the neurologist had the case open, and
    the neurologist's sign-off froze the report with the visit's old value; nothing said the two differed."""
    carol = person(browser, clinic.url, "carol")
    case_url = upload_demo(carol, clinic.url)
    click_and_load(carol, "#submit-review")
    nina = person(browser, clinic.url, "nina")
    nina.goto(case_url)
    assert nina.locator("#chart-changes").count() == 0

    # the counsellor corrects the visit of 2026-02-19 in the patient's chart
    click_and_load(carol, carol.locator("a[href^='/patients/']").first)
    row = carol.locator("tr", has_text="2026-02-19")
    click_and_load(carol, row.locator("a.edit-visit"))
    # the chart holds the record's 12 items (chart): the correction is made on them
    items = {q: int(carol.input_value(f"#visit-form input[name={q}]") or 0)
             for q in ("q1", "q2", "q3", "q4", "q5a", "q6", "q7", "q8", "q9", "q10", "q11", "q12")}
    total = sum(items.values())
    carol.fill("#visit-form input[name=q1]", str(items["q1"] - 2))
    click_and_load(carol, "#save-visit")

    click_and_load(nina, "#sign")  # from the page opened before the correction
    assert nina.inner_text("h1") == "Not possible now"
    message = nina.inner_text("#error-message")
    assert "changed since you opened the page" in message
    assert f"the visit of 2026-02-19: ALSFRS-R {total - 2}" in message and f"ALSFRS-R {total}," in message
    store = clinic.app.state.store
    case_id = case_url.rsplit("/", 1)[1]
    assert store.get_case(case_id)["review_state"] == "in review" and store.report_versions(case_id) == []

    nina.goto(case_url)
    assert "2026-02-19" in nina.inner_text("#chart-changes")
    nina.check("#chart-checked")
    click_and_load(nina, "#sign")
    assert nina.inner_text("#review-state") == "signed off"
    signed = next(a for a in store.audit_trail(case_id=case_id) if a["action"] == "sign")
    assert "signed knowing the patient's chart differs from the report" in signed["detail"]
    # the back button after the sign-off shows the case as it is now, with nothing left to sign
    nina.go_back()
    nina.wait_for_selector("#review-state")
    assert nina.inner_text("#review-state") == "signed off" and nina.locator("#sign").count() == 0


def test_the_patient_lists_pages_keep_their_size(browser: Any, clinic: Any) -> None:
    """Before: /patients?per_page=10 showed 10 patients, its 'next' link dropped per_page and showed page 2 of 50:
    patients 11 to 50 were never listed."""
    from datetime import date

    store = clinic.app.state.store
    keys = [f"P-{n:03d}" for n in range(25)]
    for key in keys:
        store.upsert_visit(key, date(2026, 1, 5), alsfrs_r=40, fvc_percent=None, weight_kg=None, source="manual")
    carol = person(browser, clinic.url, "carol")
    carol.goto(clinic.url + "/patients?per_page=10")
    seen: list[str] = []
    while True:
        seen += carol.locator("#patients td:first-child a").all_inner_texts()
        if carol.locator("#next").count() == 0:
            break
        click_and_load(carol, "#next")
    assert seen == keys
    assert "page 3 of 3" in carol.inner_text("#pager")


def test_the_case_lists_pages_and_search_show_each_case_once(browser: Any, clinic: Any) -> None:
    """Checked (found right): 45 cases made at once (equal creation times), 30 of them with SOD1; the search for SOD1
    walked 7 to a page lists each of the 30 exactly once, the filter kept on every page."""
    store = clinic.app.state.store
    sod1 = set()
    for n in range(45):
        case_id = store.create_case(f"P-{n:03d}", {}, None, [], created_by="carol")
        store.set_findings(case_id, genes=["SOD1"] if n % 3 else ["FUS"], variants=[], classes=[], repeats=[],
                           stage=None, eligible_trials=None, identity_status=None)
        if n % 3:
            sod1.add(case_id)
    carol = person(browser, clinic.url, "carol")
    carol.goto(clinic.url + "/?per_page=7")
    carol.fill("#search input[name=gene]", "SOD1")
    click_and_load(carol, "#search-go")
    carol.goto(carol.url + "&per_page=7")
    seen: list[str] = []
    while True:
        seen += [h.rsplit("/", 1)[1] for h in carol.locator("#cases a[href^='/cases/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")]
        if carol.locator("#next").count() == 0:
            break
        assert "gene=SOD1" in (carol.get_attribute("#next", "href") or "")
        click_and_load(carol, "#next")
    assert len(seen) == len(set(seen)) == 30 and set(seen) == sod1
