"""Review lifecycle, roles, frozen signed versions, audit export and deletion over HTTP, on SQLite
and on PostgreSQL (the browser test walks the same path on SQLite with screenshots)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from charcot.web.app import Settings, create_app
from tests.web.conftest import demo_files, wait_done
from tests.web.test_security import BASE, add_users

SAME = {"origin": BASE}


def _token(c: TestClient, url: str = "/cases/new") -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', c.get(url, headers={"accept": "text/html"}).text)
    assert match
    return match.group(1)


def _login(c: TestClient, user: str) -> str:
    c.cookies.clear()
    r = c.post("/login", data={"username": user, "password": f"{user}-password-123"}, headers=SAME,
               follow_redirects=False)
    assert r.status_code == 303
    return _token(c, "/")


def _review(c: TestClient, case_id: str, token: str, **form: str) -> Any:
    return c.post(f"/cases/{case_id}/review", data={"csrf_token": token, **form}, headers=SAME, follow_redirects=False)


def test_lifecycle_roles_versions_audit_and_delete(tmp_path: Path, database_url: str | None) -> None:
    data = tmp_path / "data"
    add_users(data, database_url, ("alice", "laboratory_scientist"), ("bob", "reviewer"), ("carol", "admin"))
    app = create_app(Settings(data_dir=data, database_url=database_url, pdf=False))
    try:
        with TestClient(app, base_url=BASE) as c:
            _login(c, "bob")
            r = c.post("/api/cases", data={"csrf_token": _token(c)}, files={"str_file": demo_files()["str_file"]},
                       headers=SAME)
            assert r.status_code == 403 and "may not upload" in r.json()["detail"]  # a reviewer does not upload
            token = _login(c, "alice")
            r = c.post("/api/cases", data={"csrf_token": _token(c), "patient": "P-9"},
                       files={"str_file": demo_files()["str_file"]}, headers=SAME)
            assert r.status_code == 202, r.text
            case_id = r.json()["id"]
            assert wait_done(c, case_id)["status"] == "done"
            assert _review(c, case_id, token, action="sign").status_code == 409  # not in review yet
            assert _review(c, case_id, token, action="submit", reviewer="bob").status_code == 303
            r = _review(c, case_id, token, action="sign")
            assert r.status_code == 409 and "other than its author" in r.json()["detail"]
            token = _login(c, "bob")
            r = c.post(f"/cases/{case_id}/comments", data={"csrf_token": token, "text": "ok", "variant": "1-1-A-G"},
                       headers=SAME)
            assert r.status_code == 422  # no such variant in this report
            assert _review(c, case_id, token, action="sign").status_code == 303
            assert c.get(f"/api/cases/{case_id}").json()["review_state"] == "signed off"
            frozen = app.state.store.signed_dir(case_id, 1) / "report.json"
            signed_sha = hashlib.sha256(frozen.read_bytes()).hexdigest()
            signoff = json.loads(frozen.read_text())["signoff"]
            assert signoff["state"] == "final" and signoff["reviewer"] == "Bob" and signoff["role"] == "Reviewer"
            working = json.loads((app.state.store.case_dir(case_id) / "report.json").read_text())
            assert working["signoff"]["state"] == "draft"  # only the frozen copy is final
            assert app.state.store.report_versions(case_id)[0]["report_sha256"] == signed_sha
            assert _review(c, case_id, token, action="amend").status_code == 422  # a reason is required
            assert _review(c, case_id, token, action="amend", reason="new repeat sizing").status_code == 303
            state = wait_done(c, case_id)
            assert state["status"] == "done" and state["version"] == 2 and state["review_state"] == "amended"
            assert hashlib.sha256(frozen.read_bytes()).hexdigest() == signed_sha  # v1 stays as signed
            assert c.get(f"/cases/{case_id}/v/1/report.json").status_code == 200
            assert c.get(f"/cases/{case_id}/v/2/report.json").status_code == 404  # v2 is not signed
            trail = json.loads(c.get(f"/cases/{case_id}/audit.json").text)
            actions = [(a["actor"], a["action"]) for a in trail]
            for expected in (("alice", "upload"), ("system", "run"), ("alice", "submit"), ("bob", "sign"),
                             ("bob", "amend"), ("bob", "view")):
                assert expected in actions, expected
            assert c.get(f"/cases/{case_id}/audit.csv").text.splitlines()[0] == "id,at,actor,action,case_id,patient,detail"
            # An open identity alert (stated sex male, the pedigree says female) blocks sign-off.
            token = _login(c, "alice")
            r = c.post("/api/cases", data={"csrf_token": _token(c), "patient": "P-10", "sex": "male",
                                           "proband": "NA12878", "str_sample": "hugelymodelbat_lanes_1_sorted_md"},
                       files={"str_file": demo_files()["str_file"], "ped": demo_files()["ped"]}, headers=SAME)
            alert_case = r.json()["id"]
            assert wait_done(c, alert_case)["status"] == "done"
            assert _review(c, alert_case, token, action="submit").status_code == 303
            token = _login(c, "bob")
            assert "Identity alert" in c.get(f"/cases/{alert_case}", headers={"accept": "text/html"}).text
            r = _review(c, alert_case, token, action="sign")
            assert r.status_code == 409 and "identity alert" in r.json()["detail"]
            # Only an administrator deletes; the files go, the audit record stays.
            assert c.post(f"/cases/{case_id}/delete", data={"csrf_token": token}, headers=SAME).status_code == 403
            upload = data / app.state.store.get_case(case_id)["uploads"][0]["stored"]
            assert upload.exists()
            token = _login(c, "carol")
            r = c.post(f"/cases/{case_id}/delete", data={"csrf_token": token}, headers=SAME, follow_redirects=False)
            assert r.status_code == 303
            # The repeat file is content-addressed and the second case uses it too: it stays until that goes.
            assert upload.exists() and not app.state.store.case_dir(case_id).exists()
            assert not app.state.store.signed_dir(case_id).exists()
            assert c.get(f"/api/cases/{case_id}").status_code == 404
            assert ("carol", "delete") in [(a["actor"], a["action"]) for a in app.state.store.audit_trail(case_id=case_id)]
            # The patient (with its visits) goes the same way.
            r = c.post("/patients/P-9/delete", data={"csrf_token": token}, headers=SAME, follow_redirects=False)
            assert r.status_code == 303 and c.get("/patients/P-9").status_code == 404
            r = c.post("/patients/P-10/delete", data={"csrf_token": token}, headers=SAME, follow_redirects=False)
            assert r.status_code == 303 and not upload.exists() and not app.state.store.case_dir(alert_case).exists()
            assert [a["action"] for a in app.state.store.audit_trail(case_id=alert_case)][-1] == "delete"
    finally:
        app.state.runner.pool.shutdown(wait=True)
        app.state.store.engine.dispose()
