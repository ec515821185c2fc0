"""A bounded load test on a live server on 127.0.0.1: 20 concurrent report requests, no errors, no
case lost (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.web.conftest import demo_files

N = 20


def test_twenty_concurrent_reports(live_server_factory, database_url: str | None) -> None:  # type: ignore[no-untyped-def]
    server = live_server_factory(database_url=database_url, workers=2)
    files = demo_files()
    # VCF + repeats only: the point is concurrency in the store and the workers, not clinical plots.
    payload = {"vcf": files["vcf"], "str_file": files["str_file"]}

    def submit(i: int) -> tuple[int, str]:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            r = c.post("/api/cases", data={"patient": f"LOAD-{i:02d}"}, files=payload)
            return r.status_code, r.json().get("id", "")

    with ThreadPoolExecutor(max_workers=N) as pool:
        results = list(pool.map(submit, range(N)))
    assert [code for code, _ in results] == [202] * N
    ids = {case_id for _, case_id in results}
    assert len(ids) == N

    deadline = time.monotonic() + 240
    with httpx.Client(base_url=server.url, timeout=30) as c:
        while time.monotonic() < deadline:
            cases = c.get("/api/cases").json()
            if all(x["status"] in ("done", "failed") for x in cases) and len(cases) == N:
                break
            time.sleep(0.5)
        cases = c.get("/api/cases").json()
        assert {x["id"] for x in cases} == ids  # no case lost, none invented
        assert [x["status"] for x in cases] == ["done"] * N, [x["error"] for x in cases if x["error"]]
        assert sorted(x["patient"] for x in cases) == [f"LOAD-{i:02d}" for i in range(N)]
        for case_id in sorted(ids)[:5]:
            r = c.get(f"/cases/{case_id}/report.pdf")
            assert r.status_code == 200 and r.content.startswith(b"%PDF")
