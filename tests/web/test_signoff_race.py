"""Two reviewers press 'sign off' on the same report at the same moment, on a live server (uvicorn, real SQLite):
exactly one sign-off is recorded, the other is told so (409), and the frozen report carries the signer and checksum
the database records (regression: both passed the state check, the second's signature overwrote the frozen folder
under the first's checksum, and its row failed with an internal error)."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from pathlib import Path
from typing import Any

import httpx

from tests.web.conftest import demo_files, wait_done
from tests.web.test_security import add_users


def _client(url: str, user: str) -> httpx.Client:
    c = httpx.Client(base_url=url, headers={"origin": url}, timeout=60)
    r = c.post("/login", data={"username": user, "password": f"{user}-password-123"}, follow_redirects=False)
    assert r.status_code == 303
    return c


def _token(c: httpx.Client, path: str) -> str:
    m = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', c.get(path, headers={"accept": "text/html"}).text)
    assert m
    return m.group(1)


def test_two_simultaneous_sign_offs_record_one(tmp_path: Path, live_server_factory: Any) -> None:
    add_users(tmp_path / "data0", None, ("alice", "laboratory_scientist"), ("bob", "reviewer"), ("rita", "reviewer"))
    server = live_server_factory(pdf=False)
    alice = _client(server.url, "alice")
    r = alice.post("/api/cases", data={"csrf_token": _token(alice, "/cases/new"), "patient": "P-RACE"},
                   files={"str_file": demo_files()["str_file"]})
    assert r.status_code == 202, r.text
    case_id = r.json()["id"]
    assert wait_done(alice, case_id)["status"] == "done"
    r = alice.post(f"/cases/{case_id}/review", data={"csrf_token": _token(alice, f"/cases/{case_id}"),
                                                     "action": "submit", "reviewer": "bob"}, follow_redirects=False)
    assert r.status_code == 303
    reviewers = {name: _client(server.url, name) for name in ("bob", "rita")}
    tokens = {name: _token(c, f"/cases/{case_id}") for name, c in reviewers.items()}
    start = threading.Barrier(2)
    codes: dict[str, int] = {}

    def sign(name: str) -> None:
        start.wait()
        codes[name] = reviewers[name].post(f"/cases/{case_id}/review", data={"csrf_token": tokens[name],
                                                                             "action": "sign"},
                                           follow_redirects=False).status_code

    threads = [threading.Thread(target=sign, args=(n,)) for n in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes.values()) == [303, 409], codes
    signer = next(n for n, code in codes.items() if code == 303)
    store = server.app.state.store
    (version,) = store.report_versions(case_id)
    assert version["signed_by"] == signer
    frozen = store.signed_dir(case_id, 1) / "report.json"
    assert hashlib.sha256(frozen.read_bytes()).hexdigest() == version["report_sha256"]
    assert json.loads(frozen.read_text())["signoff"]["reviewer"] == signer.title()
    assert alice.get(f"/api/cases/{case_id}").json()["review_state"] == "signed off"
