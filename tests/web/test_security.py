"""Security regressions of the web app over HTTP, on SQLite and on PostgreSQL: CSRF and DNS
rebinding, sessions and their cookie, login throttling, headers, the streaming upload limit, file
modes, no server paths in errors, patient ids with '/', the append-only audit trail."""

from __future__ import annotations

import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from charcot.web import auth
from charcot.web.app import Settings, create_app
from charcot.web.store import Store
from tests.web.conftest import DEMO, wait_done

BASE = "http://127.0.0.1"
PED = (DEMO / "demo.ped").read_bytes()


def _client(app: Any) -> TestClient:
    return TestClient(app, base_url=BASE)


def _close(app: Any) -> None:
    app.state.runner.pool.shutdown(wait=True)
    app.state.store.engine.dispose()


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def add_users(data_dir: Path, database_url: str | None, *users: tuple[str, str]) -> None:
    store = Store(data_dir, database_url)
    store.migrate()
    for name, role in users:
        store.add_user(name, role, auth.hash_password(f"{name}-password-123"), name.title())
    store.engine.dispose()


@pytest.fixture
def local_app(tmp_path: Path, database_url: str | None) -> Iterator[Any]:
    app = create_app(Settings(data_dir=tmp_path / "data", database_url=database_url, pdf=False,
                              max_upload_bytes=1_000_000))
    yield app
    _close(app)


def test_cross_origin_requests_and_foreign_hosts_are_refused(local_app: Any) -> None:
    with _client(local_app) as c:
        # DNS rebinding: attacker.example resolved to 127.0.0.1 must not read the case list.
        r = c.get("/", headers={"host": "attacker.example"})
        assert r.status_code == 400 and "Cases" not in r.text
        assert c.get("/api/cases", headers={"host": "attacker.example:8000"}).status_code == 400
        assert c.get("/healthz", headers={"host": "localhost:8000"}).status_code == 200
        # A page elsewhere posting to the app (classic CSRF) is refused before anything is read.
        evil = {"origin": "http://attacker.example"}
        r = c.post("/api/cases", files={"ped": ("x.ped", PED)}, headers=evil)
        assert r.status_code == 403
        r = c.post("/calculators/encals", data={"delta_frs": "1"}, headers={"sec-fetch-site": "cross-site"})
        assert r.status_code == 403
        assert c.get("/api/cases").json()["total"] == 0
        # Our own page: same origin, with the token from the form, works; without it, it does not.
        page = c.get("/cases/new", headers={"accept": "text/html"})
        token = _csrf(page.text)
        same = {"origin": BASE, "sec-fetch-site": "same-origin"}
        r = c.post("/api/cases", files={"ped": ("x.ped", PED)}, data={"patient": "P-1"}, headers=same)
        assert r.status_code == 403
        r = c.post("/api/cases", data={"csrf_token": token, "patient": "P-1"}, files={"ped": ("x.ped", PED)},
                   headers=same)
        assert r.status_code == 202, r.text
        r = c.post("/visits", data={"patient": "P-1", "visit_date": "2026-01-02", "alsfrs_r": "40"}, headers=same)
        assert r.status_code == 403
        r = c.post("/visits", data={"patient": "P-1", "visit_date": "2026-01-02", "alsfrs_r": "40", "csrf_token": token},
                   headers=same, follow_redirects=False)
        assert r.status_code == 303
        r = c.post("/visits", data={"patient": "P-1", "visit_date": "2026-01-03", "alsfrs_r": "39", "csrf_token": token},
                   headers={"origin": "http://attacker.example"})
        assert r.status_code == 403
        visits = c.get("/patients/P-1").text
        assert "2026-01-02" in visits and "2026-01-03" not in visits


def test_headers_on_pages_api_and_errors(local_app: Any) -> None:
    with _client(local_app) as c:
        for url in ("/", "/api/cases", "/knowledge", "/nowhere", "/healthz"):
            r = c.get(url, headers={"accept": "text/html"})
            assert r.headers["cache-control"] == "no-store", url
            assert r.headers["x-content-type-options"] == "nosniff", url
            assert r.headers["referrer-policy"] == "same-origin", url  # no-referrer would make browsers send Origin: null
            csp = r.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp.split(
                "script-src")[1].split(";")[0], url
        missing = c.get("/nowhere", headers={"accept": "text/html"})
        assert missing.status_code == 404 and "There is no page at this address." in missing.text
        assert "<header" in missing.text  # rendered in the app's page, not a bare JSON string
        assert c.get("/cases/00000000-0000-0000-0000-000000000000").json()["detail"].startswith("There is no such case")


def test_accounts_sessions_cookie_flags_logout_and_expiry(tmp_path: Path, database_url: str | None) -> None:
    data = tmp_path / "data"
    add_users(data, database_url, ("alice", "clinician"), ("bob", "reviewer"))
    app = create_app(Settings(data_dir=data, database_url=database_url, pdf=False, session_hours=2 / 3600))
    try:
        with _client(app) as c:
            assert c.get("/api/cases").status_code == 401
            assert c.get("/", headers={"accept": "text/html"}, follow_redirects=False).headers["location"] == "/login"
            r = c.post("/login", data={"username": "alice", "password": "alice-password-123"}, follow_redirects=False)
            assert r.status_code == 303
            cookie = r.headers["set-cookie"]
            assert cookie.startswith(f"{auth.COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
            assert "Max-Age=2" in cookie and "Secure" not in cookie and "alice-password" not in cookie
            session_id = cookie.split(";")[0].split("=", 1)[1]
            # The database keeps only the SHA-256 of the session id.
            with app.state.store.session() as s:
                from sqlalchemy import text

                stored = [row[0] for row in s.execute(text("select id from sessions"))]
            assert stored == [auth.session_hash(session_id)]
            page = c.get("/", headers={"accept": "text/html"})
            assert "Alice (Clinician)" in page.text
            token = _csrf(page.text)
            r = c.post("/logout", data={"csrf_token": token}, headers={"origin": BASE}, follow_redirects=False)
            assert r.status_code == 303 and "Max-Age=0" in r.headers["set-cookie"]
            c.cookies.set(auth.COOKIE, session_id)
            assert c.get("/api/cases").status_code == 401  # the old id is dead after logout
            c.cookies.clear()
            c.post("/login", data={"username": "bob", "password": "bob-password-123"})
            assert c.get("/api/cases").status_code == 200
            time.sleep(2.2)
            assert c.get("/api/cases").status_code == 401  # expired
    finally:
        _close(app)
    tls = create_app(Settings(data_dir=data, database_url=database_url, pdf=False, tls=True))
    try:
        with TestClient(tls, base_url="https://127.0.0.1") as c:
            r = c.post("/login", data={"username": "bob", "password": "bob-password-123"}, follow_redirects=False)
            assert "Secure" in r.headers["set-cookie"] and "max-age" in r.headers["strict-transport-security"]
            # A disabled account's sessions end at once.
            assert c.get("/api/cases").status_code == 200
            tls.state.store.set_user_disabled("bob", True)
            assert c.get("/api/cases").status_code == 401
    finally:
        _close(tls)


def test_login_is_throttled(tmp_path: Path, database_url: str | None) -> None:
    data = tmp_path / "data"
    add_users(data, database_url, ("carol", "admin"))
    app = create_app(Settings(data_dir=data, database_url=database_url, pdf=False))
    try:
        with _client(app) as c:
            codes = [c.post("/login", data={"username": "carol", "password": f"guess-{i}"}).status_code for i in range(8)]
            assert codes[:5] == [401] * 5 and codes[5:] == [429] * 3
            # Locked out: even the right password waits.
            r = c.post("/login", data={"username": "carol", "password": "carol-password-123"})
            assert r.status_code == 429 and "try again in" in r.text
            trail = app.state.store.audit_trail()
            assert sum(1 for a in trail if a["action"] == "login-failed") == 5
    finally:
        _close(app)


def test_short_token_refused_on_a_public_bind(run_cli: Any, tmp_path: Path) -> None:
    res = run_cli("serve", "--host", "0.0.0.0", "--port", "1", "--token", "x", "--data-dir", str(tmp_path / "d"))
    assert res.code == 2 and "too short" in res.stderr
    res = run_cli("serve", "--host", "0.0.0.0", "--port", "1", "--data-dir", str(tmp_path / "d"))
    assert res.code == 2 and "charcot users add" in res.stderr


def test_streaming_limit_no_orphans_and_partial_cleanup(live_server_factory: Any, database_url: str | None) -> None:
    server = live_server_factory(database_url=database_url, max_upload_bytes=1_000_000, pdf=False)
    uploads = server.data_dir / "uploads"
    sent = 0

    def body() -> Iterator[bytes]:
        # A chunked multipart body with no Content-Length: only the per-file limit can stop it.
        nonlocal sent
        yield (b"--B\r\nContent-Disposition: form-data; name=\"vcf\"; filename=\"big.vcf\"\r\n"
               b"Content-Type: application/octet-stream\r\n\r\n")
        for _ in range(256):  # 64 MiB offered
            sent += 256 * 1024
            yield b"#" * (256 * 1024)
        yield b"\r\n--B--\r\n"

    with httpx.Client(base_url=server.url, timeout=30) as c:
        try:
            r = c.post("/api/cases", content=body(), headers={"content-type": "multipart/form-data; boundary=B"})
            assert r.status_code == 413
        except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
            pass  # the server answered 413 and closed the connection while we were still sending
        assert sent < 24 * 1024 * 1024, f"the server read {sent} bytes against a 1 MB limit"
        # A refused second file leaves the first as no orphan.
        r = c.post("/api/cases", files={"ped": ("x.ped", PED), "vcf": ("big.vcf", b"#" * 1_500_000)})
        assert r.status_code == 413
        assert c.get("/api/cases").json()["total"] == 0
    time.sleep(0.2)
    assert [p.name for p in uploads.iterdir()] == [".partial"] and not list((uploads / ".partial").iterdir())
    # A kill mid-upload leaves a .part file; the next start removes it.
    leftover = uploads / ".partial" / "deadbeef.part"
    leftover.write_bytes(b"x" * 1000)
    again = create_app(Settings(data_dir=server.data_dir, database_url=database_url, pdf=False))
    assert not leftover.exists()
    _close(again)


def test_files_are_private_errors_have_no_paths_and_patient_ids_may_contain_slashes(
        local_app: Any, tmp_path: Path) -> None:
    data = tmp_path / "data"
    with _client(local_app) as c:
        r = c.post("/api/cases", data={"patient": "clinic/A-7"}, files={"vcf": ("broken.vcf", b"not a vcf at all\n")})
        case_id = r.json()["id"]
        state = wait_done(c, case_id)
        assert state["status"] == "failed" and state["error"]
        assert str(data) not in state["error"] and "uploads/" not in state["error"]
        page = c.get(f"/cases/{case_id}", headers={"accept": "text/html"})
        assert str(tmp_path) not in page.text
        c.cookies.clear()  # the page gave this client a browser cookie; a script has none
        r = c.post("/api/cases", data={"patient": "clinic/A-7"}, files={"ped": ("f.ped", PED)})
        assert wait_done(c, r.json()["id"])["status"] in ("done", "failed")
        patient = c.get("/patients/clinic%2FA-7", headers={"accept": "text/html"})
        assert patient.status_code == 200 and "Patient clinic/A-7" in patient.text
        c.cookies.clear()
        r = c.post("/visits", data={"patient": "clinic/A-7", "visit_date": "2026-03-01", "alsfrs_r": "41"},
                   follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/patients/clinic%2FA-7"
        assert "2026-03-01" in c.get(r.headers["location"]).text
        # A 12-item visit is scored, staged, and can be edited and deleted (audited).
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(data) == 0o700 and mode(data / "uploads") == 0o700 and mode(data / "cases") == 0o700
    assert mode(data / "secret.key") == 0o600
    if (data / "charcot.sqlite3").exists():
        assert mode(data / "charcot.sqlite3") == 0o600
    for f in (p for p in (data / "uploads").iterdir() if p.is_file()):
        assert mode(f) == 0o600, f


def test_audit_trail_is_append_only(local_app: Any) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    store = local_app.state.store
    store.audit("tester", "view", detail="first")
    for statement in ("update audit set actor = 'someone else'", "delete from audit"):
        with pytest.raises(DBAPIError), store.session() as s:
            s.execute(text(statement))
    assert [a["actor"] for a in store.audit_trail()] == ["tester"]


def test_users_add_disable_and_list(run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("PW", "a-long-enough-password")
    assert run_cli("users", "add", "dana", "--role", "genetic_counsellor", "--name", "Dana Example",
                   "--password-env", "PW", "--data-dir", str(data)).code == 0
    res = run_cli("users", "add", "dana", "--role", "reviewer", "--password-env", "PW", "--data-dir", str(data))
    assert res.code == 2 and "exists already" in res.stderr
    res = run_cli("users", "add", "eve", "--role", "wizard", "--password-env", "PW", "--data-dir", str(data))
    assert res.code == 2 and "unknown role" in res.stderr
    monkeypatch.setenv("SHORT", "short")
    res = run_cli("users", "add", "eve", "--role", "reviewer", "--password-env", "SHORT", "--data-dir", str(data))
    assert res.code == 2 and "too short" in res.stderr
    store = Store(data)
    user = store.user("dana")
    assert user is not None and user["password_hash"].startswith("$argon2id$")
    assert "a-long-enough-password" not in user["password_hash"]
    store.engine.dispose()
    app = create_app(Settings(data_dir=data, pdf=False))
    try:
        with _client(app) as c:
            r = c.post("/login", data={"username": "dana", "password": "a-long-enough-password"}, follow_redirects=False)
            assert r.status_code == 303
            assert c.get("/api/cases").status_code == 200
            assert run_cli("users", "disable", "dana", "--data-dir", str(data)).code == 0
            assert c.get("/api/cases").status_code == 401  # the session ended with the account
            r = c.post("/login", data={"username": "dana", "password": "a-long-enough-password"})
            assert r.status_code == 401
    finally:
        _close(app)
    listing = run_cli("users", "list", "--data-dir", str(data))
    assert "dana\tGenetic counsellor\tdisabled\tDana Example" in listing.stdout


def test_a_network_bind_without_tls_is_refused(run_cli: Any, tmp_path: Path) -> None:
    """With accounts (or a long token), 'serve --host 0.0.0.0' served plain HTTP: passwords, session cookies and
    reports crossed the network unencrypted. It now needs --certfile/--keyfile, or an explicit --plain-http."""
    import socket

    token = "t" * 32
    with socket.socket() as busy:  # a port in use: a regression fails at once instead of serving
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        res = run_cli("serve", "--host", "0.0.0.0", "--port", port, "--token", token, "--data-dir", str(tmp_path / "d"))
    assert res.code == 2 and "without TLS" in res.stderr and "--certfile" in res.stderr, res.stderr
    assert not (tmp_path / "d").exists()
