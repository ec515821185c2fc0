"""probeweb review (2026-12-01 evening): the web workspace probed over real HTTP (uvicorn on 127.0.0.1, httpx) as a
hospital security reviewer and a clinic with several users would.

* a state change whose Referer names another site (and no Origin) was carried out in local mode;
* the shared API token (a Bearer header, or the token typed at sign-in) signed off a report: whoever knows the token,
  the report's author included, could sign as 'api-token';
* a sign-off, return or amendment was applied to whatever version the case had reached, not the version the person
  had on screen (a reviewer who opened version 1 signed version 2);
* an upload's audit entry carried the file name as the browser sent it ('../../../etc/evil.vcf') while the case
  stored and showed 'evil.vcf';
* the case page and the upload's audit entry named the inputs by machine role ('str') where the report beside them
  says 'repeat-caller file';
* an internal error was answered in words, but re-raised to the server, whose log printed the traceback with the
  SQL parameters: the patient's pseudonym in the log.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx

from tests.web.conftest import demo_files
from tests.web.test_security import add_users
from tests.web.test_serve_process import _free_port, _start, _wait_until_up

TOKEN = "probeweb-shared-token-0123456789abcdef"


def _login(url: str, user: str, password: str | None = None) -> httpx.Client:
    c = httpx.Client(base_url=url, headers={"origin": url}, timeout=60)
    r = c.post("/login", data={"username": user, "password": password or f"{user}-password-123"},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def _token(c: httpx.Client, path: str) -> str:
    m = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', c.get(path, headers={"accept": "text/html"}).text)
    assert m, path
    return m.group(1)


def _wait(c: httpx.Client, case_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state: dict[str, Any] = c.get(f"/api/cases/{case_id}").json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.2)
    raise AssertionError("case not finished")


def _case_in_review(url: str, author: httpx.Client, patient: str) -> str:
    r = author.post("/api/cases", data={"csrf_token": _token(author, "/cases/new"), "patient": patient},
                    files={"str_file": demo_files()["str_file"]})
    assert r.status_code == 202, r.text
    case_id = str(r.json()["id"])
    assert _wait(author, case_id)["status"] == "done"
    r = author.post(f"/cases/{case_id}/review", data={"csrf_token": _token(author, f"/cases/{case_id}"),
                                                     "action": "submit", "reviewer": "bob"}, follow_redirects=False)
    assert r.status_code == 303
    return case_id


def test_a_foreign_referer_may_not_change_anything(live_server_factory: Any) -> None:
    """Local mode (no accounts): a POST carrying no Origin but a Referer from another site was carried out (303);
    the Referer is the browser's word for where the request came from, as Origin is."""
    server = live_server_factory(pdf=False)
    with httpx.Client(base_url=server.url, timeout=30) as c:
        for target in ("/reanalyse", "/calculators/encals"):
            r = c.post(target, headers={"referer": "http://attacker.example/page.html"}, data={"delta_frs": "1"},
                       follow_redirects=False)
            assert r.status_code == 403 and "cross-origin" in r.text, (target, r.status_code)
        r = c.post("/reanalyse", headers={"referer": "http://127.0.0.1.attacker.example/"}, follow_redirects=False)
        assert r.status_code == 403
        # the app's own page as Referer, and a script with neither header, are still served
        for headers in ({"referer": f"{server.url}/calculators"}, {}):
            r = c.post("/calculators/encals", headers=headers, data={"delta_frs": "1"})
            assert r.status_code == 422 and "cross-origin" not in r.text, headers


def test_the_shared_api_token_does_not_sign_off(tmp_path: Path, live_server_factory: Any) -> None:
    add_users(tmp_path / "data0", None, ("alice", "laboratory_scientist"), ("bob", "reviewer"))
    server = live_server_factory(pdf=False, token=TOKEN)
    alice = _login(server.url, "alice")
    case_id = _case_in_review(server.url, alice, "P-TOKEN")
    # alice, the author, holds the clinic's script token too
    bearer = httpx.Client(base_url=server.url, headers={"authorization": f"Bearer {TOKEN}"}, timeout=60)
    r = bearer.post(f"/cases/{case_id}/review", data={"action": "sign"})
    assert r.status_code == 409 and "personal account" in r.json()["detail"], r.text
    typed = _login(server.url, "", TOKEN)  # the token typed into the sign-in form
    r = typed.post(f"/cases/{case_id}/review", data={"csrf_token": _token(typed, f"/cases/{case_id}"), "action": "sign"})
    assert r.status_code == 409 and "personal account" in r.json()["detail"], r.text
    assert "personal account" in typed.get(f"/cases/{case_id}", headers={"accept": "text/html"}).text
    assert bearer.get(f"/api/cases/{case_id}").json()["review_state"] == "in review"
    assert server.app.state.store.report_versions(case_id) == []
    bob = _login(server.url, "bob")  # a named reviewer still signs
    r = bob.post(f"/cases/{case_id}/review", data={"csrf_token": _token(bob, f"/cases/{case_id}"), "action": "sign"},
                 follow_redirects=False)
    assert r.status_code == 303
    assert [v["signed_by"] for v in server.app.state.store.report_versions(case_id)] == ["bob"]


def test_a_review_action_applies_to_the_version_on_screen(tmp_path: Path, live_server_factory: Any,
                                                         database_url: str | None) -> None:
    """bob opened version 1 in review; rita signed it, carol amended it, alice sent version 2 for review. bob's
    'Sign off' (the page he still had) signed version 2, which he had never seen."""
    add_users(tmp_path / "data0", database_url, ("alice", "laboratory_scientist"), ("bob", "reviewer"),
              ("rita", "reviewer"), ("carol", "clinician"))
    server = live_server_factory(pdf=False, database_url=database_url)
    alice = _login(server.url, "alice")
    case_id = _case_in_review(server.url, alice, "P-STALE")
    bob = _login(server.url, "bob")
    page = bob.get(f"/cases/{case_id}", headers={"accept": "text/html"}).text
    bob_form = {"csrf_token": _token(bob, f"/cases/{case_id}"), "action": "sign"}
    on_screen = re.search(r'id="version">(\d+)<', page)
    assert on_screen and on_screen.group(1) == "1"
    bob_form["version"] = on_screen.group(1)  # as the page's forms send it
    rita = _login(server.url, "rita")
    assert rita.post(f"/cases/{case_id}/review", data={"csrf_token": _token(rita, f"/cases/{case_id}"),
                                                       "action": "sign"}, follow_redirects=False).status_code == 303
    carol = _login(server.url, "carol")
    r = carol.post(f"/cases/{case_id}/review", data={"csrf_token": _token(carol, f"/cases/{case_id}"),
                                                     "action": "amend", "reason": "family history updated"},
                   follow_redirects=False)
    assert r.status_code == 303
    assert _wait(alice, case_id)["status"] == "done"
    r = alice.post(f"/cases/{case_id}/review", data={"csrf_token": _token(alice, f"/cases/{case_id}"),
                                                     "action": "submit", "reviewer": "bob"},
                   follow_redirects=False)
    assert r.status_code == 303 and alice.get(f"/api/cases/{case_id}").json()["version"] == 2
    r = bob.post(f"/cases/{case_id}/review", data=bob_form)
    assert r.status_code == 409 and "version 2" in r.json()["detail"], r.text
    assert [v["version"] for v in server.app.state.store.report_versions(case_id)] == [1]
    assert alice.get(f"/api/cases/{case_id}").json()["review_state"] == "in review"


def test_the_upload_is_audited_under_the_name_the_case_shows(live_server_factory: Any) -> None:
    server = live_server_factory(pdf=False)
    with httpx.Client(base_url=server.url, timeout=30) as c:
        r = c.post("/api/cases", data={"patient": "P-NAME"},
                   files={"str_file": ("../../../etc/evil.str.vcf", demo_files()["str_file"][1])})
        assert r.status_code == 202, r.text
        case_id = r.json()["id"]
        (shown,) = [u["filename"] for u in c.get(f"/api/cases/{case_id}").json()["uploads"]]
        assert shown == "evil.str.vcf"
        csv = c.get(f"/cases/{case_id}/audit.csv").text
        assert "../" not in csv and "repeat-caller file: evil.str.vcf (" in csv, csv


def test_an_internal_error_leaves_no_patient_data_in_the_server_log(tmp_path: Path) -> None:
    """A database error (here: the cases table gone from under the running server) was answered with the app's
    page, then re-raised to uvicorn, which logged 'Exception in ASGI application' with the whole traceback and
    '[parameters: (..., 'NAME-IN-LOG-7', ...)]': the patient pseudonym searched for."""
    data, log, port = tmp_path / "data", tmp_path / "server.log", _free_port()
    proc = _start(["--port", str(port), "--data-dir", str(data)], log)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            _wait_until_up(c)
            with sqlite3.connect(data / "charcot.sqlite3") as db:
                db.execute("ALTER TABLE cases RENAME TO cases_moved")
            page = c.get("/?patient=NAME-IN-LOG-7", headers={"accept": "text/html"})
            api = c.get("/api/cases?patient=NAME-IN-LOG-7")
            assert page.status_code == 500 and "logged without patient data" in page.text
            assert page.headers["cache-control"] == "no-store" and "frame-ancestors 'none'" in page.headers[
                "content-security-policy"]
            assert api.status_code == 500 and api.json()["detail"].startswith("Something went wrong")
            assert c.get("/healthz").status_code == 200  # the server goes on
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    text = log.read_text(errors="replace")
    assert "internal error on GET /" in text and "OperationalError" in text  # the type is logged
    assert "NAME-IN-LOG-7" not in text and "Traceback" not in text and "SELECT" not in text, text[-3000:]


def test_the_case_page_names_inputs_as_the_report_does(live_server_factory: Any) -> None:
    """The case page's input table said 'str' for the file the report beside it calls the 'repeat-caller file'."""
    server = live_server_factory(pdf=False)
    with httpx.Client(base_url=server.url, timeout=30) as c:
        r = c.post("/api/cases", data={"patient": "P-ROLE"}, files={"str_file": demo_files()["str_file"]})
        case_id = r.json()["id"]
        assert _wait(c, case_id)["status"] == "done"
        page = c.get(f"/cases/{case_id}", headers={"accept": "text/html"}).text
        report = c.get(f"/cases/{case_id}/report.html").text
    assert "repeat-caller file" in report
    assert "<td>repeat-caller file</td><td>demo.str.vcf</td>" in page, page.split("<th>Input</th>")[1][:400]
