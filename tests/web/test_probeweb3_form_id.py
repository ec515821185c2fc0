"""One case per new-case form (probeweb3, 2026-12-02), on SQLite and PostgreSQL: the same form sent twice through the
app, and two servers' stores on one database taking the same form at once (the unique index decides)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from charcot.web.store import DuplicateForm, Store
from tests.web.conftest import DEMO
from tests.web.test_probeweb3_routes import serve_app
from tests.web.test_workspace import SAME, _login


def test_the_same_form_sent_twice_makes_one_case(tmp_path: Path, database_url: str | None) -> None:
    data = tmp_path / "data"
    with serve_app(data, database_url, ("carol", "genetic_counsellor")) as (app, c):
        _login(c, "carol")
        page = c.get("/cases/new", headers={"accept": "text/html"}).text
        token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page)
        form_id = re.search(r'name="form_id" value="([0-9a-f]{32})"', page)
        assert token and form_id
        fields = {"csrf_token": token.group(1), "form_id": form_id.group(1), "patient": "P-TWICE"}
        files = {"vcf": ("demo.vcf.gz", (DEMO / "demo.vcf.gz").read_bytes())}
        first = c.post("/api/cases", data=fields, files=files, headers=SAME).json()["id"]
        second = c.post("/api/cases", data=fields, files=files, headers=SAME).json()["id"]
        assert first == second and app.state.store.all_case_ids() == [first]
        # another form (another id) is another case
        other = dict(fields, form_id=uuid.uuid4().hex)
        third = c.post("/api/cases", data=other, files=files, headers=SAME).json()["id"]
        assert third != first and len(app.state.store.all_case_ids()) == 2
        assert not list((data / "uploads" / ".partial").iterdir())


def test_two_servers_taking_one_form_make_one_case(tmp_path: Path, database_url: str | None) -> None:
    a, b = Store(tmp_path / "data", database_url), Store(tmp_path / "data", database_url)  # one database
    a.migrate()
    form_id = uuid.uuid4().hex
    try:
        first = a.create_case("P-1", {}, None, [], form_id=form_id)
        try:
            b.create_case("P-1", {}, None, [], form_id=form_id)
        except DuplicateForm as exc:
            assert exc.case_id == first
        else:
            raise AssertionError("the second server made a second case of one form")
        assert b.all_case_ids() == [first]
    finally:
        a.engine.dispose()
        b.engine.dispose()
