"""probeweb review (2026-12-01 evening): two people recording ALSFRS-R visits of one patient, over real HTTP.

Before: 'Add a visit' on a date already recorded replaced that visit (its FVC became 'not recorded'), audited as
'add-visit'; editing a visit's date onto another visit's date replaced that other visit; and two people editing one
visit each saved the whole form, so the second silently undid the first's change. Nothing was refused."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from tests.web.conftest import demo_files
from tests.web.test_probeweb_security import _login, _token
from tests.web.test_security import add_users


def _visits(c: httpx.Client, key: str) -> dict[str, tuple[str, str]]:
    page = c.get(f"/patients/{key}", headers={"accept": "text/html"}).text
    rows = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td>([^<]*)</td>\s*<td[^>]*>[^<]*</td>\s*<td>([^<]*)</td>", page)
    return {d: (total, fvc) for d, total, fvc in rows}


def _ids(c: httpx.Client, key: str) -> list[str]:
    return re.findall(r"\?edit=(\d+)#visit-form", c.get(f"/patients/{key}", headers={"accept": "text/html"}).text)


def _edit_form(c: httpx.Client, key: str, visit_id: str) -> dict[str, str]:
    """The hidden fields of the edit form as the page gives them."""
    page = c.get(f"/patients/{key}?edit={visit_id}", headers={"accept": "text/html"}).text
    form = page.split('id="visit-form"')[1].split("</form>")[0]
    return dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form))


def test_no_visit_is_overwritten_unseen(tmp_path: Path, live_server_factory: Any, database_url: str | None) -> None:
    add_users(tmp_path / "data0", database_url, ("carol", "clinician"), ("gina", "genetic_counsellor"))
    server = live_server_factory(pdf=False, database_url=database_url)
    carol, gina = _login(server.url, "carol"), _login(server.url, "gina")
    server.app.state.store.upsert_visit("P-VISITS", date(2026, 1, 1), alsfrs_r=40,
                                        fvc_percent=80.0, weight_kg=None, source="manual")
    token = _token(carol, "/patients/P-VISITS")

    def post(c: httpx.Client, **fields: str) -> httpx.Response:
        return c.post("/visits", data={"csrf_token": _token(c, "/patients/P-VISITS"), "patient": "P-VISITS", **fields},
                      follow_redirects=False)

    assert post(carol, csrf_token=token, visit_date="2026-02-01", alsfrs_r="38", fvc_percent="75").status_code == 303
    # gina adds 'a visit' on 2026-02-01 too, with the total only
    r = post(gina, visit_date="2026-02-01", alsfrs_r="20")
    assert r.status_code == 409 and "2026-02-01" in r.json()["detail"], r.text
    assert _visits(carol, "P-VISITS")["2026-02-01"] == ("38", "75.0")
    # moving the January visit onto February's date
    jan, feb = _ids(carol, "P-VISITS")
    r = post(carol, visit_id=jan, visit_date="2026-02-01", alsfrs_r="41")
    assert r.status_code == 409, r.text
    assert _visits(carol, "P-VISITS") == {"2026-01-01": ("40", "80.0"), "2026-02-01": ("38", "75.0")}
    # both open the February visit; carol corrects the FVC, then gina saves her form (the old FVC, a new total)
    carol_form, gina_form = _edit_form(carol, "P-VISITS", feb), _edit_form(gina, "P-VISITS", feb)
    r = carol.post("/visits", data={**carol_form, "visit_date": "2026-02-01", "alsfrs_r": "38", "fvc_percent": "73"},
                   follow_redirects=False)
    assert r.status_code == 303
    r = gina.post("/visits", data={**gina_form, "visit_date": "2026-02-01", "alsfrs_r": "37", "fvc_percent": "75"},
                  follow_redirects=False)
    assert r.status_code == 409 and "reload" in r.json()["detail"], r.text
    assert _visits(carol, "P-VISITS")["2026-02-01"] == ("38", "73.0")
    # an edit that moves a visit to a free date is audited with what it was
    r = post(carol, visit_id=jan, visit_date="2026-01-03", alsfrs_r="40", fvc_percent="80")
    assert r.status_code == 303
    trail = server.app.state.store.audit_trail(patient="P-VISITS")
    assert any(e["action"] == "edit-visit" and "2026-01-03" in e["detail"] and "was 2026-01-01" in e["detail"]
               for e in trail), trail


def test_a_report_does_not_overwrite_a_visit_recorded_by_hand(tmp_path: Path, live_server_factory: Any) -> None:
    """A clinician corrected a visit that a report had filled in from the case's clinical record; a later case of the
    same patient with the same record (a repeat-caller file added, an amendment rebuilt) wrote the record's values
    back over the correction, with nothing in the audit trail but 'report built'."""
    add_users(tmp_path / "data0", None, ("carol", "clinician"))
    server = live_server_factory(pdf=False)
    carol = _login(server.url, "carol")

    def upload(expect: str = "done") -> dict[str, Any]:
        r = carol.post("/api/cases", data={"csrf_token": _token(carol, "/cases/new")},
                       files={"clinical": demo_files()["clinical"]})
        assert r.status_code == 202, r.text
        case_id = str(r.json()["id"])
        for _ in range(300):
            state = carol.get(f"/api/cases/{case_id}").json()
            if state["status"] in ("done", "failed"):
                break
            time.sleep(0.2)
        assert state["status"] == expect, state
        return dict(state)

    key = str(upload()["patient"])
    before = _visits(carol, key)
    last = max(before)
    (visit_id,) = [i for i, d in zip(_ids(carol, key), sorted(before), strict=True) if d == last]
    form = _edit_form(carol, key, visit_id)
    r = carol.post("/visits", data={**form, "visit_date": last, "alsfrs_r": "29", "fvc_percent": "64"},
                   follow_redirects=False)
    assert r.status_code == 303
    # the chart is merged into the next case's record (chart, 2026-12-02): the corrected date is a conflict the
    # build stops on, shown to a person to decide, and the chart keeps the correction
    failed = upload(expect="failed")
    assert f"{last}: ALSFRS-R 30 in the clinical record, 29 in the patient chart; FVC % predicted 66 in the " \
           "clinical record, 64 in the patient chart" in failed["error"], failed["error"]
    after = _visits(carol, key)
    assert after[last] == ("29", "64.0"), after
    assert {d: v for d, v in after.items() if d != last} == {d: v for d, v in before.items() if d != last}
