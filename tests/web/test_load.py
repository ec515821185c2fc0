"""Bounded load tests on a live server on 127.0.0.1 (SQLite and PostgreSQL): 20 concurrent users
each upload a case, read the list and their case and record a visit, with nothing lost; and
/healthz keeps answering within 200 ms while a 192 MiB file streams in."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from tests.web.conftest import demo_files

N = 20
BIG = 192 * 1024 * 1024


def test_twenty_concurrent_users(live_server_factory: Any, database_url: str | None) -> None:
    server = live_server_factory(database_url=database_url, workers=2, pdf=False)
    # The repeat-caller VCF alone: the point is concurrency in the store and the workers.
    payload = {"str_file": demo_files()["str_file"]}

    def user(i: int) -> tuple[int, str, int]:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            r = c.post("/api/cases", data={"patient": f"LOAD-{i:02d}"}, files=payload)
            case_id = r.json().get("id", "")
            listed = c.get("/", params={"per_page": 5}).status_code
            c.get(f"/api/cases/{case_id}")
            v = c.post("/visits", data={"patient": f"LOAD-{i:02d}", "visit_date": "2026-05-01", "alsfrs_r": str(20 + i)},
                       follow_redirects=False)
            return r.status_code, case_id, listed + v.status_code

    with ThreadPoolExecutor(max_workers=N) as pool:
        results = list(pool.map(user, range(N)))
    assert [(code, other) for code, _, other in results] == [(202, 200 + 303)] * N
    ids = {case_id for _, case_id, _ in results}
    assert len(ids) == N

    deadline = time.monotonic() + 180
    with httpx.Client(base_url=server.url, timeout=30) as c:
        while time.monotonic() < deadline:
            cases = c.get("/api/cases", params={"per_page": 100}).json()["cases"]
            if len(cases) == N and all(x["status"] in ("done", "failed") for x in cases):
                break
            time.sleep(0.5)
        cases = c.get("/api/cases", params={"per_page": 100}).json()["cases"]
        assert {x["id"] for x in cases} == ids  # no case lost, none invented
        assert [x["status"] for x in cases] == ["done"] * N, [x["error"] for x in cases if x["error"]]
        assert sorted(x["patient"] for x in cases) == [f"LOAD-{i:02d}" for i in range(N)]
        for i in (0, N - 1):
            assert f"{20 + i}" in c.get(f"/patients/LOAD-{i:02d}").text
        for case_id in sorted(ids)[:3]:
            assert c.get(f"/cases/{case_id}/report.json").json()["repeats"]["calls"]


UPLOADER = str(Path(__file__).parents[2] / "benchmarks" / "stream_upload.py")  # the streaming upload client, shared with the benchmark/test


def test_healthz_answers_during_a_large_upload(live_server_factory: Any) -> None:
    server = live_server_factory(workers=1, pdf=False, max_upload_bytes=256 * 1024 * 1024)
    latencies: list[float] = []
    with httpx.Client(base_url=server.url, timeout=10) as c:
        c.get("/healthz")
        # The uploading client is its own process, as a browser would be (not a thread sharing our GIL).
        uploader = subprocess.Popen([sys.executable, UPLOADER, server.url, str(BIG)], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
        time.sleep(0.3)
        started = time.perf_counter()
        while uploader.poll() is None:
            t = time.perf_counter()
            assert c.get("/healthz").status_code == 200
            latencies.append(time.perf_counter() - t)
            time.sleep(0.02)
        upload_seconds = time.perf_counter() - started
    out, err = uploader.communicate()
    assert out.strip() == "202", (out, err)
    total = int(err.strip().splitlines()[-1])
    assert len(latencies) >= 10, "the upload finished too fast to measure anything"
    # Not a timing target (benchmarks/bench_web.py measures latency): the property is that the server answers
    # while it receives, i.e. no answer waited for the upload, which takes seconds.
    assert max(latencies) < upload_seconds / 2, (max(latencies), upload_seconds)
    stored = [p for p in (server.data_dir / "uploads").iterdir() if p.is_file()]
    assert [p.stat().st_size for p in stored] == [total]  # every byte arrived, streamed to disk
