"""probeweb review of 2026-12-02: requests nobody had tried, over a real server and a real database (SQLite, and
PostgreSQL where the database matters). Each test failed before its fix."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import httpx

from tests.web.conftest import demo_files, wait_done

_TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')



def hold_after(monkeypatch: Any, owner: Any, name: str, once: bool = False) -> tuple[threading.Event, threading.Event]:
    """Replace ``owner.name`` by the real step followed by a pause: the first event is set when the real step has run,
    and the call returns only once the test sets the second (``once``: only the first call pauses). Races are staged
    this way at an exact point of the real code."""
    reached, go = threading.Event(), threading.Event()
    real = getattr(owner, name)

    def then_wait(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if not (once and reached.is_set()):
            reached.set()
            assert go.wait(120)
        return result

    monkeypatch.setattr(owner, name, then_wait)
    return reached, go

def _csrf(c: httpx.Client, path: str) -> str:
    match = _TOKEN.search(c.get(path, headers={"accept": "text/html"}).text)
    assert match, "no CSRF token in the page"
    return match.group(1)


def _multipart(boundary: str, fields: dict[str, str], file_field: str, filename: str, content: bytes) -> bytes:
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                    for k, v in fields.items())
    return body + (f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
                   "Content-Type: application/octet-stream\r\n\r\n").encode() + content


def test_an_upload_cut_short_is_refused_not_stored_under_a_shared_name(live_server_factory: Any) -> None:
    """A multipart body that ends inside its file part (no closing boundary; the length header matches what was
    sent) was accepted: the cut file was stored as ``uploads/.vcf`` with an empty checksum, and the next cut upload
    of any other patient became a case reading that first patient's bytes. Now 422, nothing kept."""
    server = live_server_factory(pdf=False)
    whole = demo_files()["str_file"][1]
    with httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=60) as c:
        for patient, part in (("P-CUT-1", whole[:700]), ("P-CUT-2", whole[:900])):
            body = _multipart("cutcutcut", {"csrf_token": _csrf(c, "/cases/new"), "patient": patient}, "str_file",
                              "calls.str.vcf", part)
            r = c.post("/api/cases", content=body,
                       headers={"content-type": "multipart/form-data; boundary=cutcutcut"})
            assert r.status_code == 422, r.text
            assert "incomplete" in r.json()["detail"]
        # the same upload with its closing boundary is received as before
        body = _multipart("cutcutcut", {"csrf_token": _csrf(c, "/cases/new"), "patient": "P-WHOLE"}, "str_file",
                          "calls.str.vcf", whole) + b"\r\n--cutcutcut--\r\n"
        r = c.post("/api/cases", content=body, headers={"content-type": "multipart/form-data; boundary=cutcutcut"})
        assert r.status_code == 202, r.text
        assert c.get("/api/cases").json()["total"] == 1
    uploads = Path(server.data_dir) / "uploads"
    stored = [p.name for p in uploads.iterdir() if p.is_file()]
    assert len(stored) == 1 and re.fullmatch(r"[0-9a-f]{64}\.vcf", stored[0]), stored  # no '.vcf' of a cut upload
    assert not any((uploads / ".partial").iterdir())


def test_a_patient_deleted_while_its_report_is_built_stays_deleted(
        live_server_factory: Any, database_url: str | None, monkeypatch: Any) -> None:
    """Deleting a patient (or a case) while the worker builds its report: the worker then wrote the report into a
    fresh ``cases/<id>/`` folder and recorded the clinical record's visits under the patient's key, so the deleted
    patient came back (patient list, visits, a report on disk no case owns). The interleaving is made exact by
    holding the real build until the real delete request has been answered."""

    from charcot.report import build

    built, go = hold_after(monkeypatch, build, "build_report")
    server = live_server_factory(pdf=False, database_url=database_url)
    store = server.app.state.store
    files = demo_files()
    with httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=120) as c:
        r = c.post("/api/cases", data={"csrf_token": _csrf(c, "/cases/new"), "patient": "P-GONE"},
                   files={k: files[k] for k in ("vcf", "clinical")})
        assert r.status_code == 202, r.text
        case_id = r.json()["id"]
        assert built.wait(120)
        token = _csrf(c, "/patients/P-GONE")
        r = c.post("/patients/P-GONE/delete", data={"csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303, r.text
        go.set()
        server.app.state.runner.pool.shutdown(wait=True)
        assert store.patient("P-GONE") is None
        assert store.get_case(case_id) is None
        assert c.get("/patients", headers={"accept": "text/html"}).text.count("P-GONE") == 0
    assert not store.case_dir(case_id).exists()
    assert not [p for p in (Path(server.data_dir) / "uploads").iterdir() if p.is_file()]


def _login(url: str, user: str) -> httpx.Client:
    c = httpx.Client(base_url=url, headers={"origin": url}, timeout=120)
    r = c.post("/login", data={"username": user, "password": f"{user}-password-123"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def test_a_case_deleted_while_it_is_signed_off_leaves_no_signed_report(
        tmp_path: Path, live_server_factory: Any, database_url: str | None, monkeypatch: Any) -> None:
    """An administrator deletes a case while a reviewer's sign-off is writing the signed copy: the sign-off then
    failed with an internal error (its version row named a case no longer there) and left the signed report on disk,
    under ``signed/<case>/``, after the case and its audit said it was deleted. Now the sign-off is refused in words
    (409) and removes what it wrote. Made exact by holding the real signing until the real delete is answered."""
    import threading

    from charcot.report import build
    from tests.web.test_security import add_users

    add_users(tmp_path / "data0", database_url, ("alice", "laboratory_scientist"), ("bob", "reviewer"),
              ("carol", "admin"))
    signing, go = hold_after(monkeypatch, build, "sign")
    server = live_server_factory(pdf=False, database_url=database_url)
    store = server.app.state.store
    alice, bob, carol = (_login(server.url, u) for u in ("alice", "bob", "carol"))
    r = alice.post("/api/cases", data={"csrf_token": _csrf(alice, "/cases/new"), "patient": "P-SIGN-DEL"},
                   files={"str_file": demo_files()["str_file"]})
    assert r.status_code == 202, r.text
    case_id = r.json()["id"]
    assert wait_done(alice, case_id)["status"] == "done"
    r = alice.post(f"/cases/{case_id}/review", data={"csrf_token": _csrf(alice, f"/cases/{case_id}"),
                                                     "action": "submit", "version": "1"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    answer: dict[str, httpx.Response] = {}
    token = _csrf(bob, f"/cases/{case_id}")
    signer = threading.Thread(target=lambda: answer.update(sign=bob.post(
        f"/cases/{case_id}/review", data={"csrf_token": token, "action": "sign", "version": "1"},
        follow_redirects=False)))
    signer.start()
    assert signing.wait(120)
    r = carol.post(f"/cases/{case_id}/delete", data={"csrf_token": _csrf(carol, f"/cases/{case_id}")},
                   follow_redirects=False)
    assert r.status_code == 303, r.text
    go.set()
    signer.join(120)
    assert answer["sign"].status_code == 409, answer["sign"].text
    assert "deleted" in answer["sign"].text and "Traceback" not in answer["sign"].text
    assert store.get_case(case_id) is None
    assert not store.signed_dir(case_id).exists()
    for c in (alice, bob, carol):
        c.close()


def test_the_case_page_reads_only_the_audit_entries_it_shows(live_server_factory: Any, database_url: str | None) -> None:
    """The case page shows a case's latest 30 audit entries but read its whole trail, in chunks of 5,000 rows, on
    every view, and every view adds an entry: a case read often cost more at each reading. Now two queries (the
    latest 30 and the count), whatever the trail's length; the page still says how many entries there are."""
    from sqlalchemy import event

    from charcot.web.store import AuditRow

    server = live_server_factory(pdf=False, database_url=database_url)
    store = server.app.state.store
    with httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=60) as c:
        r = c.post("/api/cases", data={"csrf_token": _csrf(c, "/cases/new"), "patient": "P-READ-OFTEN"},
                   files={"ped": demo_files()["ped"]})
        assert r.status_code == 202, r.text
        case_id = r.json()["id"]
        with store.session() as s:  # a case viewed 12,000 times
            s.add_all(AuditRow(actor="local", action="view", case_id=case_id, patient="P-READ-OFTEN",
                               detail=f"case page (view {i})") for i in range(12_000))
        before = len(store.audit_trail(case_id=case_id))
        statements: list[str] = []

        def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if "FROM audit" in statement:
                statements.append(statement)

        event.listen(store.engine, "before_cursor_execute", seen)
        try:
            page = c.get(f"/cases/{case_id}", headers={"accept": "text/html"}).text
        finally:
            event.remove(store.engine, "before_cursor_execute", seen)
    assert len(statements) <= 2, len(statements)
    shown = re.findall(r"case page \(view (\d+)\)", page)
    assert shown[:2] == ["11999", "11998"] and len(shown) == 29  # newest first; the 30th is this view's own entry
    assert f"The latest 30 of {before + 1} entries" in page


def test_a_session_opened_with_the_shared_token_ends_when_the_server_restarts(
        tmp_path: Path, database_url: str | None) -> None:
    """The shared ``--token`` typed at sign-in opens an 8-hour session as 'api-token' (an administrator). A clinic that
    learns the token leaked restarts ``charcot serve`` with a new token (or none): the session opened with the old
    token still worked, as an administrator, until it expired. Sessions opened with the token now end when the
    server starts; personal sessions are kept."""
    from fastapi.testclient import TestClient

    from charcot.web.app import Settings, create_app
    from tests.web.test_security import add_users

    data = tmp_path / "data"
    add_users(data, database_url, ("bob", "reviewer"))
    old, new = "old-shared-token-0123456789abcdef", "new-shared-token-0123456789abcdef"
    base = "http://127.0.0.1"
    cookies: dict[str, str] = {}
    app = create_app(Settings(data_dir=data, database_url=database_url, pdf=False, token=old))
    with TestClient(app, base_url=base) as c:
        for user, password in (("", old), ("bob", "bob-password-123")):
            c.cookies.clear()
            r = c.post("/login", data={"username": user, "password": password}, headers={"origin": base},
                       follow_redirects=False)
            assert r.status_code == 303, r.text
            cookies[user or "api-token"] = r.cookies["charcot_session"]
            assert c.get("/api/cases").status_code == 200
    app.state.runner.pool.shutdown(wait=True)
    app.state.store.engine.dispose()
    app = create_app(Settings(data_dir=data, database_url=database_url, pdf=False, token=new))
    with TestClient(app, base_url=base) as c:
        c.cookies.set("charcot_session", cookies["api-token"])
        assert c.get("/api/cases").status_code == 401
        c.cookies.set("charcot_session", cookies["bob"])
        assert c.get("/api/cases").status_code == 200
        assert c.get("/api/cases", headers={"authorization": f"Bearer {new}"}).status_code == 200
    app.state.runner.pool.shutdown(wait=True)
    app.state.store.engine.dispose()


def test_deleting_a_case_while_all_cases_are_reanalysed_stops_only_that_case(
        live_server_factory: Any, database_url: str | None, monkeypatch: Any) -> None:
    """'Re-analyse all cases' runs case by case in the background; an administrator deleted one case while it was
    being re-run: recording its result then failed (the row named a case no longer there), and the whole run
    stopped, "re-analysis stopped by an internal error (IntegrityError)", the cases after it never re-analysed. Now
    the deleted case is left out and the run goes on. Made exact by holding the real re-run of the first case until
    the real delete request is answered."""
    import time

    from charcot.reanalysis import api as reanalysis_api

    held, go = hold_after(monkeypatch, reanalysis_api, "rerun_case", once=True)
    server = live_server_factory(pdf=False, database_url=database_url)
    store = server.app.state.store
    with httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=120) as c:
        ids = []
        for patient in ("P-REAN-1", "P-REAN-2"):
            r = c.post("/api/cases", data={"csrf_token": _csrf(c, "/cases/new"), "patient": patient},
                       files={"str_file": demo_files()["str_file"]})
            assert r.status_code == 202, r.text
            ids.append(r.json()["id"])
        for case_id in ids:
            assert wait_done(c, case_id)["status"] == "done"
        assert c.post("/reanalyse", data={"csrf_token": _csrf(c, "/")}, follow_redirects=False).status_code == 303
        assert held.wait(120)
        first = ids[0]  # the oldest case is re-run first
        r = c.post(f"/cases/{first}/delete", data={"csrf_token": _csrf(c, f"/cases/{first}")}, follow_redirects=False)
        assert r.status_code == 303, r.text
        go.set()
        for _ in range(1200):
            page = c.get("/", headers={"accept": "text/html"}).text
            if 'id="reanalysis-running"' not in page:
                break
            time.sleep(0.1)
    last = re.search(r'id="reanalysis-last">([^<]*)<', page)
    assert last and "internal error" not in last.group(1), last and last.group(1)
    assert store.get_case(first) is None and not store.reanalysis_dir(first).exists()
    assert [r["status"] for r in store.reanalyses(ids[1])] == ["no change"]


def test_failed_sign_ins_with_huge_user_names_do_not_pile_up_in_memory(tmp_path: Path) -> None:
    """Anyone who can reach the sign-in page may send user names of nearly a megabyte (a form field may hold 1 MiB): each failed
    sign-in kept its whole name as a key of the login throttle, for as long as the server ran (nothing removed the
    keys), so unauthenticated requests grew the server's memory without bound. A user name is at most 80
    characters; the throttle now keys on that much."""
    import gc
    import tracemalloc

    from fastapi.testclient import TestClient

    from charcot.web.app import Settings, create_app
    from tests.web.test_security import add_users

    add_users(tmp_path / "data", None, ("bob", "reviewer"))
    app = create_app(Settings(data_dir=tmp_path / "data", pdf=False))
    base = "http://127.0.0.1"
    with TestClient(app, base_url=base) as c:
        c.post("/login", data={"username": "warm-up", "password": "x"}, headers={"origin": base})
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for i in range(20):
                r = c.post("/login", data={"username": f"{i}-" + "n" * 1_000_000, "password": "wrong"},
                           headers={"origin": base})
                assert r.status_code == 401
            gc.collect()
            kept = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert kept < 4 * (1 << 20), f"{kept / (1 << 20):.1f} MiB kept after 20 failed sign-ins"
        # the throttle still counts failures of a real account
        for _ in range(5):
            c.post("/login", data={"username": "bob", "password": "wrong"}, headers={"origin": base})
        assert c.post("/login", data={"username": "bob", "password": "bob-password-123"},
                      headers={"origin": base}).status_code == 429
    app.state.runner.pool.shutdown(wait=True)
    app.state.store.engine.dispose()


def test_the_login_throttle_forgets_names_with_no_recent_failure() -> None:
    """The throttle's record of failed names grew by one entry per name ever tried; past ``max_keys`` names, those
    with no failure in the window are forgotten (a name being guessed right now is kept, and still locked out)."""
    import time

    from charcot.web.auth import LoginThrottle

    throttle = LoginThrottle(max_failures=3, window_s=0.2, max_keys=50)
    for i in range(50):
        throttle.failed(f"user:old-{i}")
    time.sleep(0.3)
    for _ in range(2):
        throttle.failed("user:guessed")
    assert len(throttle._failures) <= 2  # the 50 old names forgotten, the one being guessed kept
    throttle.failed("user:guessed")
    assert throttle.retry_after("user:guessed") > 0


def test_refused_attempts_by_signed_in_users_are_audited(
        tmp_path: Path, live_server_factory: Any, database_url: str | None) -> None:
    """Only failed sign-ins reached the audit trail: a clinician trying to sign off, an author signing her own
    report, a clinician deleting a case or downloading the whole trail, a form without its CSRF token were refused
    (403/409) and left no trace. Each is now an entry 'refused' naming who, the route and the reason."""
    import json

    from tests.web.test_security import add_users

    add_users(tmp_path / "data0", database_url, ("alice", "laboratory_scientist"), ("carl", "clinician"),
              ("carol", "admin"))
    server = live_server_factory(pdf=False, database_url=database_url)
    alice, carl, carol = (_login(server.url, u) for u in ("alice", "carl", "carol"))
    r = alice.post("/api/cases", data={"csrf_token": _csrf(alice, "/cases/new"), "patient": "P-REFUSED"},
                   files={"str_file": demo_files()["str_file"]})
    case_id = r.json()["id"]
    assert wait_done(alice, case_id)["status"] == "done"
    assert alice.post(f"/cases/{case_id}/review", data={"csrf_token": _csrf(alice, f"/cases/{case_id}"),
                                                        "action": "submit"}).status_code in (200, 303)
    attempts = [
        (carl.post(f"/cases/{case_id}/review", data={"csrf_token": _csrf(carl, f"/cases/{case_id}"), "action": "sign"}),
         409, "carl", "may not sign off"),
        (alice.post(f"/cases/{case_id}/review", data={"csrf_token": _csrf(alice, f"/cases/{case_id}"),
                                                       "action": "sign"}), 409, "alice", "other than its author"),
        (carl.post(f"/cases/{case_id}/delete", data={"csrf_token": _csrf(carl, f"/cases/{case_id}")}),
         403, "carl", "may not delete"),
        (carl.get("/audit.csv"), 403, "carl", "may not audit"),
        (carl.post(f"/cases/{case_id}/comments", data={"text": "no token"}), 403, "carl", "did not come from this app"),
    ]
    for response, status, _, _ in attempts:
        assert response.status_code == status, response.text
    trail = json.loads(carol.get("/audit.json").text)
    refused = [(e["actor"], e["case_id"], e["detail"]) for e in trail if e["action"] == "refused"]
    for _, _, who, reason in attempts:
        assert any(actor == who and reason in detail for actor, _, detail in refused), (who, reason, refused)
    assert all(case == case_id for actor, case, detail in refused if "/cases/" in detail)
    assert not any("P-REFUSED" in detail for _, _, detail in refused)
    for c in (alice, carl, carol):
        c.close()


def test_a_long_or_non_latin_file_name_keeps_its_extension(live_server_factory: Any) -> None:
    """Upload names are shown and audited in a safe form (no folders, letters, digits, '.', '_', '-', at most 120
    characters). A 300-character name was cut at 120 characters, extension included ('aaaa…a' for a '.vcf'), and a
    name in another script lost its dot ('患者.vcf' became 'vcf'): the case page and the error named a file the person
    could not recognise. The extension is now kept and the rest of the name shortened."""

    server = live_server_factory(pdf=False)
    long_name = "sample-" + "a" * 300 + ".vcf"
    with httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=60) as c:
        shown = {}
        for sent in (long_name, "患者.vcf", "../../Ünïcode name.vcf.gz"):
            r = c.post("/api/cases", data={"csrf_token": _csrf(c, "/cases/new"), "patient": "P-NAMES"},
                       files={"vcf": (sent, b"not a VCF\n")})
            assert r.status_code == 202, r.text
            case_id = r.json()["id"]
            case = wait_done(c, case_id)
            (upload,) = case["uploads"]
            shown[sent] = upload["filename"]
            assert case["status"] == "failed" and case["error"].startswith(upload["filename"]), case["error"]
    assert shown[long_name].startswith("sample-aaa") and shown[long_name].endswith(".vcf")
    assert len(shown[long_name]) == 120
    assert shown["患者.vcf"] == "upload.vcf"
    assert shown["../../Ünïcode name.vcf.gz"] == "n_code_name.vcf.gz"


def test_a_case_uploaded_without_a_patient_leaves_no_empty_patients(
        live_server_factory: Any, database_url: str | None) -> None:
    """A case uploaded with the patient field left empty is first filed under a placeholder ('case-pending', then
    'case-<id>') and moved to the patient its clinical record names once the report is built. Both placeholders
    stayed in the patient list as patients with no case and no visit. A placeholder left empty by the move is
    removed; a patient with a case or a visit is never removed."""

    server = live_server_factory(pdf=False, database_url=database_url)
    files = demo_files()
    with httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=120) as c:
        r = c.post("/api/cases", data={"csrf_token": _csrf(c, "/cases/new")},
                   files={k: files[k] for k in ("str_file", "clinical")})
        assert r.status_code == 202, r.text
        case_id = r.json()["id"]
        case = wait_done(c, case_id)
        assert case["status"] == "done" and not case["patient"].startswith("case-")
        page = c.get("/patients", headers={"accept": "text/html"}).text
    rows, total = server.app.state.store.list_patients(1, 50)
    assert [p["key"] for p in rows] == [case["patient"]] and total == 1, rows
    assert "case-" not in page


def test_search_text_with_percent_or_underscore_is_matched_literally(live_server_factory: Any,
                                                                      database_url: str | None) -> None:
    """The case search (gene, variant, repeat) matched with SQL LIKE without escaping what was typed: '%' and '_'
    were wildcards, so a search for variant '%' listed every case with any variant, gene '_OD1' found SOD1 carriers
    and a repeat result '%' every case with a repeat call. Typed text is now matched as typed."""

    server = live_server_factory(pdf=False, database_url=database_url)
    files = demo_files()
    with httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=120) as c:
        r = c.post("/api/cases", data={"csrf_token": _csrf(c, "/cases/new"), "patient": "P-SEARCH",
                                         "str_sample": "hugelymodelbat_lanes_1_sorted_md"},
                   files={k: files[k] for k in ("vcf", "str_file", "clinical")})
        assert r.status_code == 202, r.text
        case_id = r.json()["id"]
        wait_done(c, case_id)
        (case,) = c.get("/api/cases").json()["cases"]
        assert case["status"] == "done" and case["genes"] and case["repeat_result"]
        gene, repeat = case["genes"][0], case["repeat_result"][0]
        # what the report holds is found, literally
        assert c.get("/api/cases", params={"gene": gene}).json()["total"] == 1
        assert c.get("/api/cases", params={"repeat": repeat}).json()["total"] == 1
        for field, typed in (("variant", "%"), ("variant", "c.%"), ("gene", "_" + gene[1:]), ("gene", "%"),
                             ("repeat", "%"), ("repeat", repeat[:-1] + "_")):
            found = c.get("/api/cases", params={field: typed}).json()["total"]
            assert found == 0, (field, typed, found)
            html = c.get("/", params={field: typed}, headers={"accept": "text/html"}).text
            assert case_id not in html


def test_a_sign_off_cut_short_by_a_restart_leaves_the_case_in_review(
        tmp_path: Path, database_url: str | None) -> None:
    """A sign-off first moves the case to 'signing off' (so no second reviewer signs at once), writes the signed copy,
    then records it. A server stopped or killed in between left the case 'signing off' for good: no one could sign
    it, return it or amend it, and the half-written signed copy stayed. At start the server now puts such a case back
    in review and removes the unrecorded copy. The state a kill leaves is made with the store's own first step."""

    from fastapi.testclient import TestClient

    from charcot.web.app import Settings, create_app
    from charcot.web.store import IN_REVIEW, SIGNING
    from tests.web.test_security import add_users

    data = tmp_path / "data"
    add_users(data, database_url, ("alice", "laboratory_scientist"), ("bob", "reviewer"))
    base = "http://127.0.0.1"

    def login(c: Any, user: str) -> str:
        c.cookies.clear()
        assert c.post("/login", data={"username": user, "password": f"{user}-password-123"}, headers={"origin": base},
                      follow_redirects=False).status_code == 303
        match = _TOKEN.search(c.get("/", headers={"accept": "text/html"}).text)
        assert match
        return match.group(1)

    app = create_app(Settings(data_dir=data, database_url=database_url, pdf=False))
    store = app.state.store
    with TestClient(app, base_url=base) as c:
        token = login(c, "alice")
        r = c.post("/api/cases", data={"csrf_token": token, "patient": "P-KILLED"},
                   files={"str_file": demo_files()["str_file"]}, headers={"origin": base})
        case_id = r.json()["id"]
        assert wait_done(c, case_id)["status"] == "done"
        assert c.post(f"/cases/{case_id}/review", data={"csrf_token": token, "action": "submit"},
                      headers={"origin": base}, follow_redirects=False).status_code == 303
    app.state.runner.pool.shutdown(wait=True)
    # the kill: the claim made, part of the signed copy written, nothing recorded
    assert store.move_review(case_id, 1, IN_REVIEW, SIGNING)
    half = store.signed_dir(case_id, 1)
    half.mkdir(parents=True)
    (half / "report.json").write_text("{")
    store.engine.dispose()

    app = create_app(Settings(data_dir=data, database_url=database_url, pdf=False))
    store = app.state.store
    with TestClient(app, base_url=base) as c:
        assert c.get(f"/api/cases/{case_id}").status_code == 401
        token = login(c, "bob")
        assert c.get(f"/api/cases/{case_id}").json()["review_state"] == IN_REVIEW
        assert not half.exists()
        assert any(e["actor"] == "system" and "cut short" in e["detail"] for e in store.audit_trail(case_id=case_id))
        r = c.post(f"/cases/{case_id}/review", data={"csrf_token": token, "action": "sign", "version": "1"},
                   headers={"origin": base}, follow_redirects=False)
        assert r.status_code == 303, r.text
        (version,) = store.report_versions(case_id)
        assert version["signed_by"] == "bob"
    app.state.runner.pool.shutdown(wait=True)
    store.engine.dispose()


def test_a_visit_saved_while_its_patient_is_deleted_does_not_bring_the_patient_back(
        live_server_factory: Any, database_url: str | None, monkeypatch: Any) -> None:
    """'Add a visit' checks that the patient exists, then records the visit; an administrator deleting the patient
    between the two (a delete runs in a worker thread beside the form's request) made the visit's write create the
    patient again, with that one visit, after the trail said it was deleted. Now the visit is refused (404) and the
    patient stays deleted. Made exact by running the real delete at that point."""
    server = live_server_factory(pdf=False, database_url=database_url)
    store = server.app.state.store
    store.upsert_visit("P-VISIT-GONE", __import__("datetime").date(2026, 1, 1), alsfrs_r=40, fvc_percent=None,
                       weight_kg=None, source="manual")
    real_upsert = store.upsert_visit

    def deleted_first(*args: Any, **kwargs: Any) -> Any:
        store.delete_patient("P-VISIT-GONE")  # the other request lands between the check and the write
        return real_upsert(*args, **kwargs)

    with httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=60) as c:
        token = _csrf(c, "/patients/P-VISIT-GONE")
        monkeypatch.setattr(store, "upsert_visit", deleted_first)
        r = c.post("/visits", data={"csrf_token": token, "patient": "P-VISIT-GONE", "visit_date": "2026-03-01",
                                    "alsfrs_r": "38"}, follow_redirects=False)
        assert r.status_code == 404, r.text
        assert "no such patient" in r.text
    assert store.patient("P-VISIT-GONE") is None


def test_accepting_a_reanalysis_of_a_case_deleted_meanwhile_leaves_no_copy(
        tmp_path: Path, database_url: str | None, monkeypatch: Any) -> None:
    """Accepting a re-analysis first keeps the current version's files read-only under ``earlier/<case>/vN/``, then
    renders the new report and claims the case. A case deleted in between: the accept was refused, but the copy of
    the deleted case's report stayed under ``earlier/``; deleted just before the copy, the accept failed with an
    internal error (FileNotFoundError). Both are now refused in words and leave nothing. Made exact by running the
    real delete (the delete route's store calls) at each point."""
    import pytest
    from fastapi.testclient import TestClient

    from charcot.web import reanalysis
    from charcot.web.app import Settings, create_app
    from tests.reanalysis.snapshots import newer_snapshot
    from tests.web.test_reanalysis_review import _reanalyse_all, _upload, _use_snapshot
    from tests.web.test_security import BASE, add_users
    from tests.web.test_workspace import _login as login

    data = tmp_path / "data"
    add_users(data, database_url, ("alice", "laboratory_scientist"))
    _use_snapshot(monkeypatch, None)
    app = create_app(Settings(data_dir=data, database_url=database_url, pdf=False))
    store = app.state.store
    files = demo_files()

    def delete(case_id: str) -> None:
        store.remove_files(store.delete_case(case_id))

    try:
        with TestClient(app, base_url=BASE) as c:
            token = login(c, "alice")
            ids = [_upload(c, token, f"P-ACCEPT-GONE-{n}", {k: files[k] for k in ("vcf", "clinical")}) for n in (1, 2)]
            import json

            new_kb, _ = newer_snapshot(tmp_path, json.loads((store.case_dir(ids[0]) / "report.json").read_text()))
            _use_snapshot(monkeypatch, new_kb)
            _reanalyse_all(c, token)
            rows = {case_id: store.reanalyses(case_id)[0] for case_id in ids}
            assert all(r["status"] == "needs review" for r in rows.values())
            real_versions = store.report_versions

            # 1. deleted after the earlier version was copied (the accept next asks for the signed versions)
            def copied_then_deleted(case_id: str) -> list[dict[str, Any]]:
                assert store.earlier_dir(case_id, 1).is_dir()
                delete(case_id)
                return real_versions(case_id)

            monkeypatch.setattr(store, "report_versions", copied_then_deleted)
            with pytest.raises(reanalysis.DecisionRefused, match="deleted"):
                reanalysis.accept(store, rows[ids[0]]["id"], ids[0], actor="alice", pdf=False)
            assert not store.earlier_dir(ids[0]).exists() and not store.case_dir(ids[0]).exists()
            monkeypatch.setattr(store, "report_versions", real_versions)

            # 2. deleted after the check, before the copy
            checked = reanalysis.accept_problem

            def checked_then_deleted(*args: Any) -> str | None:
                problem = checked(*args)
                delete(ids[1])
                return problem

            monkeypatch.setattr(reanalysis, "accept_problem", checked_then_deleted)
            with pytest.raises(reanalysis.DecisionRefused, match="deleted"):
                reanalysis.accept(store, rows[ids[1]]["id"], ids[1], actor="alice", pdf=False)
            assert not store.earlier_dir(ids[1]).exists() and not store.case_dir(ids[1]).exists()
    finally:
        _use_snapshot(monkeypatch, None)
        app.state.runner.pool.shutdown(wait=True)
        store.engine.dispose()


def test_a_comment_on_a_case_deleted_meanwhile_is_refused_in_words(
        live_server_factory: Any, database_url: str | None, monkeypatch: Any) -> None:
    """The comment form checks the case, reads the form (the request waits there), then writes the comment; a case
    deleted in between made the write fail on its reference to the case: a 500 'Something went wrong'. Now 404
    "There is no such case (it may have been deleted)", nothing written. Made exact by running the real delete at
    the write."""
    server = live_server_factory(pdf=False, database_url=database_url)
    store = server.app.state.store
    with httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=60) as c:
        r = c.post("/api/cases", data={"csrf_token": _csrf(c, "/cases/new"), "patient": "P-COMMENT-GONE"},
                   files={"ped": demo_files()["ped"]})
        case_id = r.json()["id"]
        token = _csrf(c, f"/cases/{case_id}")
        real_add = store.add_comment

        def deleted_first(*args: Any, **kwargs: Any) -> Any:
            store.remove_files(store.delete_case(case_id))
            return real_add(*args, **kwargs)

        monkeypatch.setattr(store, "add_comment", deleted_first)
        r = c.post(f"/cases/{case_id}/comments", data={"csrf_token": token, "text": "looks fine"},
                   headers={"accept": "text/html"}, follow_redirects=False)
        assert r.status_code == 404, r.text
        assert "no such case" in r.text and "Something went wrong" not in r.text
    assert store.get_case(case_id) is None and store.comments(case_id) == []


def test_an_upload_sharing_a_file_with_a_case_being_deleted_keeps_its_file(
        live_server_factory: Any, database_url: str | None, monkeypatch: Any) -> None:
    """Uploads are stored once per content (``uploads/<sha256>``). Deleting a case removed its files no other case
    used, checked in the database, then removed from disk; an upload of the same file landing between the two found
    the file there, kept it, and then lost it: its case failed for a missing file. Now the check and the removal are
    one step with respect to uploads. Made exact by sending the real upload at that point of the real delete."""

    server = live_server_factory(pdf=False, database_url=database_url)
    store = server.app.state.store
    calls = demo_files()["str_file"]
    answers: list[httpx.Response] = []
    with httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=60) as c:
        first = c.post("/api/cases", data={"csrf_token": _csrf(c, "/cases/new"), "patient": "P-SHARED-1"},
                       files={"str_file": calls}).json()["id"]
        token = _csrf(c, "/cases/new")
        real_remove = store.remove_files

        def upload_first(paths: list[Path]) -> None:
            if not answers:  # the delete's removal: the other person's upload of the same file lands now
                with httpx.Client(base_url=server.url, headers={"origin": server.url}, timeout=60) as other:
                    other.cookies.update(c.cookies)
                    answers.append(other.post("/api/cases", data={"csrf_token": token, "patient": "P-SHARED-2"},
                                              files={"str_file": calls}))
            real_remove(paths)

        monkeypatch.setattr(store, "remove_files", upload_first)
        r = c.post(f"/cases/{first}/delete", data={"csrf_token": _csrf(c, f"/cases/{first}")}, follow_redirects=False)
        assert r.status_code == 303, r.text
        assert answers and answers[0].status_code == 202, answers
        second = answers[0].json()["id"]
        case = wait_done(c, second)
    assert case["status"] == "done", case["error"]
    (upload,) = store.get_case(second)["uploads"]
    assert store.path_of(upload["stored"]).is_file()
