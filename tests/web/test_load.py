"""Bounded load tests on a live server on 127.0.0.1 (SQLite and PostgreSQL): 20 concurrent users
each upload a case, read the list and their case and record a visit, with nothing lost; and
/healthz keeps answering within 200 ms while a 192 MiB file streams in."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
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


def test_healthz_stays_fast_during_a_large_upload(live_server_factory: Any) -> None:
    server = live_server_factory(workers=1, pdf=False, max_upload_bytes=256 * 1024 * 1024)

    total = 0

    def body() -> Iterator[bytes]:
        nonlocal total
        yield (b"--B\r\nContent-Disposition: form-data; name=\"vcf\"; filename=\"genome.vcf\"\r\n"
               b"Content-Type: application/octet-stream\r\n\r\n")
        block = b"not a vcf record\t" * (1024 * 1024 // 17)
        while total < BIG:
            total += len(block)
            yield block
        yield b"\r\n--B--\r\n"

    outcome: dict[str, Any] = {}

    def upload() -> None:
        with httpx.Client(base_url=server.url, timeout=120) as c:
            start = time.perf_counter()
            r = c.post("/api/cases", content=body(), headers={"content-type": "multipart/form-data; boundary=B"})
            outcome["status"], outcome["seconds"] = r.status_code, time.perf_counter() - start
            outcome["id"] = r.json().get("id")

    thread = threading.Thread(target=upload)
    latencies: list[float] = []
    with httpx.Client(base_url=server.url, timeout=10) as c:
        c.get("/healthz")
        thread.start()
        time.sleep(0.1)
        while thread.is_alive():
            t = time.perf_counter()
            assert c.get("/healthz").status_code == 200
            latencies.append(time.perf_counter() - t)
            time.sleep(0.02)
    thread.join()
    assert outcome["status"] == 202, outcome
    assert len(latencies) >= 10, "the upload finished too fast to measure anything"
    assert max(latencies) < 0.2, f"/healthz took up to {max(latencies) * 1000:.0f} ms during the upload"
    stored = [p for p in (server.data_dir / "uploads").iterdir() if p.is_file()]
    assert [p.stat().st_size for p in stored] == [total]  # every byte arrived, streamed to disk
