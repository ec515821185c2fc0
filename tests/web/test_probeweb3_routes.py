"""Host and Origin on every state-changing route, read from the app's own route table (so a route added later is
checked too), and the sign-in's return path (probeweb3, 2026-12-02). Real HTTP through the app (TestClient), with a
signed-in person's real cookie and CSRF token: only the Host, Origin, Referer or Fetch metadata is wrong."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from charcot.web import auth
from charcot.web.app import _UNSAFE, Settings, create_app
from tests.web.test_security import BASE, add_users
from tests.web.test_workspace import SAME, _login

CASE = "0" * 8 + "-0000-0000-0000-" + "0" * 12


def _unsafe_routes(app: Any) -> list[tuple[str, str]]:
    out = []
    for route in app.routes:
        for method in sorted(getattr(route, "methods", None) or ()):
            if method in _UNSAFE:
                path = re.sub(r"\{case_id\}", CASE, route.path)
                path = re.sub(r"\{key:path\}", "P-1", path)
                path = re.sub(r"\{[a-z_]+\}", "1", path)
                out.append((method, path))
    return out


@contextlib.contextmanager
def serve_app(data: Path, database_url: str | None, *users: tuple[str, str]) -> Iterator[tuple[Any, TestClient]]:
    """The app on ``data`` with these accounts, through TestClient (not signed in); its worker pool and database
    closed at the end."""
    add_users(data, database_url, *users)
    app = create_app(Settings(data_dir=data, database_url=database_url, pdf=False))
    try:
        with TestClient(app, base_url=BASE) as c:
            yield app, c
    finally:
        app.state.runner.pool.shutdown(wait=True)
        app.state.store.engine.dispose()


@pytest.fixture
def signed_in(tmp_path: Path, database_url: str | None) -> Any:
    with serve_app(tmp_path / "data", database_url, ("adam", "admin")) as (app, c):
        yield app, c, _login(c, "adam")


def test_every_state_changing_route_refuses_a_foreign_host_or_origin(signed_in: Any) -> None:
    app, c, token = signed_in
    routes = _unsafe_routes(app)
    # the routes of every review so far, and any added since: each is in the app's table and checked below
    for known in ("/login", "/logout", "/cases", "/api/cases", "/reanalyse", "/visits", f"/cases/{CASE}/review",
                  f"/cases/{CASE}/comments", f"/cases/{CASE}/delete", f"/cases/{CASE}/reanalyse",
                  "/patients/P-1/delete", "/visits/1/delete"):
        assert ("POST", known) in routes, known
    store = app.state.store
    before = len(store.audit_trail())
    for method, path in routes:
        form = {"csrf_token": token}
        cases = {
            "foreign Origin": ({"origin": "http://attacker.example"}, 403),
            "Origin null": ({"origin": "null"}, 403),
            "foreign Referer, no Origin": ({"referer": "http://attacker.example/page"}, 403),
            "cross-site fetch": ({"origin": BASE, "sec-fetch-site": "cross-site"}, 403),
            "foreign Host": ({"host": "attacker.example", "origin": "http://attacker.example"}, 400),
            "rebound Host": ({"host": "127.0.0.1.nip.io"}, 400),
        }
        for what, (headers, status) in cases.items():
            r = c.request(method, path, data=form, headers=headers, follow_redirects=False)
            assert r.status_code == status, (method, path, what, r.status_code, r.text[:200])
    # nothing was done: not even a refusal reached the app's audit trail (the Guard answered first)
    assert len(store.audit_trail()) == before
    assert c.get("/", headers={"accept": "text/html", **SAME}).status_code == 200  # the session still works


@pytest.mark.parametrize("target", ["//attacker.example/x", "/\\attacker.example", "https://attacker.example/",
                                    "javascript:alert(1)", "/login", "/logout", "cases/x", "/x\r\nSet-Cookie: a=b",
                                    "/x\x00"])
def test_signing_in_never_returns_to_another_site(tmp_path: Path, target: str) -> None:
    assert auth.local_path(target) is None
    with serve_app(tmp_path / "data", None, ("adam", "admin")) as (_app, c):
        page = c.get("/login", params={"next": target}, headers={"accept": "text/html"}).text
        assert 'name="next"' not in page
        r = c.post("/login", data={"username": "adam", "password": "adam-password-123", "next": target},
                   headers=SAME, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/"


def test_signing_in_returns_to_the_page_asked_for(tmp_path: Path) -> None:
    with serve_app(tmp_path / "data", None, ("adam", "admin")) as (_app, c):
        r = c.get("/patients?page=2&per_page=10", headers={"accept": "text/html"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fpatients%3Fpage%3D2%26per_page%3D10"
        page = c.get(r.headers["location"], headers={"accept": "text/html"}).text
        assert 'name="next" value="/patients?page=2&amp;per_page=10"' in page
        r = c.post("/login", data={"username": "adam", "password": "adam-password-123",
                                   "next": "/patients?page=2&per_page=10"}, headers=SAME, follow_redirects=False)
        assert r.headers["location"] == "/patients?page=2&per_page=10"
        # an API client is still answered in JSON, never sent to a sign-in page
        c.cookies.clear()
        r = c.post("/api/cases", headers={"accept": "text/html", **SAME})
        assert r.status_code == 401 and r.json()["detail"] == "sign in or give a bearer token"


def test_signing_out_after_the_session_ended_leads_to_the_sign_in_page(tmp_path: Path) -> None:
    """Before: 'Sign out' pressed on a page whose session had expired showed the API's raw JSON 401."""
    import sqlalchemy as sa

    with serve_app(tmp_path / "data", None, ("adam", "admin")) as (app, c):
        token = _login(c, "adam")
        with app.state.store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE sessions SET expires_at = '2000-01-01 00:00:00'"))
        r = c.post("/logout", data={"csrf_token": token}, headers={"accept": "text/html", **SAME},
                   follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert "Max-Age=0" in r.headers["set-cookie"]
