"""probeweb review of 2026-12-02: requests nobody had tried, over a real server and a real database (SQLite, and
PostgreSQL where the database matters). Each test failed before its fix."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from tests.web.conftest import demo_files

_TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


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
