"""probeweb review (2026-12-01 evening): a request that is not an upload may not make the server hold a large body.

Before: the whole-request cap was the upload cap (six files at --max-upload-mb, 12 GiB by default) for every path,
and the form parser keeps up to 1,000 fields of 1 MiB each in memory. One unauthenticated POST /login (an open
path) of ~1 GB raised the server's peak memory from 0.9 to 1.3 GB (measured on a live 'charcot serve'); a few at
once exhaust it. Forms other than the upload now have a small cap, enforced while the body arrives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from tests.web.conftest import demo_files
from tests.web.test_security import add_users

FIELD = 1_000_000  # under the form parser's 1 MiB per field


def _fields(n: int) -> Iterator[bytes]:
    yield b"username=nobody&password=x"
    for i in range(n):
        yield b"&f%d=" % i + b"a" * FIELD


def test_a_large_form_is_refused_while_it_arrives(tmp_path: Path, live_server_factory: Any) -> None:
    add_users(tmp_path / "data0", None, ("carol", "clinician"))
    server = live_server_factory(pdf=False, max_upload_bytes=20_000_000)
    form = {"content-type": "application/x-www-form-urlencoded"}
    with httpx.Client(base_url=server.url, timeout=60) as c:
        # streamed without a length (chunked), and with its length declared
        r = c.post("/login", content=_fields(12), headers=form)
        assert r.status_code == 413, (r.status_code, r.text[:200])
        body = b"".join(_fields(12))
        r = c.post("/login", content=body, headers=form)
        assert r.status_code == 413 and "larger than" in r.text, (r.status_code, r.text[:200])
        # an ordinary sign-in and a pasted pedigree still work; the upload keeps its own, larger limit
        r = c.post("/login", data={"username": "carol", "password": "carol-password-123"}, follow_redirects=False)
        assert r.status_code == 303
        c.headers["origin"] = server.url
        r = c.post("/calculators/relatives", data={"ped": "F1\tA\t0\t0\t1\t2\n" + "#" * 500_000, "gene": "SOD1"})
        assert r.status_code != 413
        token = c.get("/cases/new", headers={"accept": "text/html"}).text.split('name="csrf_token" value="')[1][:64]
        big = demo_files()["str_file"][1] + b"#" * 6_000_000  # a 6 MB file: over the form cap, under the upload's
        r = c.post("/api/cases", data={"csrf_token": token, "patient": "P-BIG"},
                   files={"str_file": ("big.str.vcf", big)})
        assert r.status_code == 202, r.text
