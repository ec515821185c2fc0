"""Web app at clinic size: the case list and its API with 10,000 stored cases (SQLite), and /healthz
while a large file uploads over loopback.

Part 1: 10,000 cases (with uploads, findings digests and review states) are inserted straight into a
fresh store; then ``GET /`` (first page, 50 rows), ``GET /?page=150`` (deep page), ``GET /api/cases``
and a gene search are timed in process (Starlette TestClient), median of 15 runs each, with the
number of SQL statements per request counted. Target: ``/`` <= 100 ms, one query per page.
Part 2: a live uvicorn server on 127.0.0.1 receives a 512 MiB upload (chunked, streamed from a
generator) while ``/healthz`` is polled every 20 ms; prints upload MB/s and the /healthz latency
median and maximum. Target: /healthz < 200 ms throughout.

Usage: .venv/bin/python benchmarks/bench_web.py [--quick]
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import event, insert

from charcot.web.app import Settings, create_app
from charcot.web.store import Case, Patient, Store, Upload

QUICK = "--quick" in sys.argv
N_CASES = 10_000
UPLOAD_MB = 128 if QUICK else 512


UPLOADER = str(Path(__file__).with_name("stream_upload.py"))  # the streaming upload client, shared with the benchmark/test


def fill(data_dir: Path, n: int) -> None:
    store = Store(data_dir)
    store.migrate()
    genes = ["SOD1", "FUS", "TARDBP", "C9orf72", "TBK1", "NEK1", "KIF5A", "OPTN"]
    start = datetime(2024, 1, 1)
    with store.engine.begin() as conn:
        conn.execute(insert(Patient), [{"id": i + 1, "key": f"P-{i:05d}", "created_at": start} for i in range(n // 2)])
        cases = []
        uploads = []
        for i in range(n):
            cid = str(uuid.UUID(int=i + 1))
            gene = genes[i % len(genes)]
            cases.append({"id": cid, "patient_id": i // 2 + 1, "status": "done", "progress": "done", "hpo": "HP:0007354",
                          "created_at": start + timedelta(minutes=i), "report_id": f"R-{i:06d}",
                          "summary": f"Genetics: {gene}: Likely pathogenic", "created_by": "alice",
                          "review_state": ("draft", "in review", "signed off")[i % 3], "version": 1,
                          "options": "{}", "genes": f" {gene} ", "variants": f" 21-{33032096 + i}-C-T ",
                          "classes": "|Likely pathogenic|", "repeat_result": " C9orf72:normal ",
                          "stage": f"King's {1 + i % 4}", "eligible_trials": i % 3})
            for role in ("vcf", "str"):
                uploads.append({"case_id": cid, "role": role, "filename": f"{role}.vcf.gz", "sha256": "0" * 64,
                                "size": 1000, "stored": f"uploads/{i}-{role}.vcf.gz"})
        conn.execute(insert(Case), cases)
        conn.execute(insert(Upload), uploads)
    store.engine.dispose()


def timed(client: TestClient, url: str, statements: list[int], runs: int = 15) -> tuple[float, int]:
    times = []
    for _ in range(runs):
        statements.clear()
        t = time.perf_counter()
        r = client.get(url)
        times.append(time.perf_counter() - t)
        assert r.status_code == 200, (url, r.status_code)
    return statistics.median(times), len(statements)


def part1() -> None:
    with tempfile.TemporaryDirectory(prefix="charcot-bench-web-") as tmp:
        data = Path(tmp) / "data"
        t = time.perf_counter()
        fill(data, N_CASES)
        print(f"stored {N_CASES} cases in {time.perf_counter() - t:.1f} s")
        app = create_app(Settings(data_dir=data, pdf=False))
        statements: list[int] = []
        event.listen(app.state.store.engine, "before_cursor_execute", lambda *a, **k: statements.append(1))
        with TestClient(app, base_url="http://127.0.0.1") as c:
            c.get("/")  # warm templates and the connection pool
            for label, url in (("/ (first page, 50 rows)", "/"), ("/?page=150 (deep page)", "/?page=150"),
                               ("/api/cases", "/api/cases"), ("/?gene=SOD1 (search)", "/?gene=SOD1"),
                               ("/dashboard", "/dashboard")):
                median, n_sql = timed(c, url, statements)
                print(f"{label:28s} median {median * 1000:7.1f} ms   SQL statements per request: {n_sql}")
        app.state.runner.pool.shutdown(wait=True)


def part2() -> None:
    import uvicorn

    with tempfile.TemporaryDirectory(prefix="charcot-bench-web-") as tmp:
        app = create_app(Settings(data_dir=Path(tmp) / "data", pdf=False, workers=1))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}"
        # The uploading client runs in its own process (as a browser would), not as a thread here.
        idle = []
        with httpx.Client(base_url=url, timeout=10) as c:
            for _ in range(100):
                t = time.perf_counter()
                c.get("/healthz")
                idle.append(time.perf_counter() - t)
                time.sleep(0.02)
        print(f"/healthz with no upload (this machine's baseline): median {statistics.median(idle) * 1000:.1f} ms, "
              f"max {max(idle) * 1000:.1f} ms")
        latencies = []
        start = time.perf_counter()
        uploader = subprocess.Popen([sys.executable, UPLOADER, url, str(UPLOAD_MB * 1024 * 1024)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with httpx.Client(base_url=url, timeout=10) as c:
            while uploader.poll() is None:
                t = time.perf_counter()
                c.get("/healthz")
                latencies.append(time.perf_counter() - t)
                time.sleep(0.02)
        out, _ = uploader.communicate()
        result = {"seconds": time.perf_counter() - start, "status": float(out.strip() or 0)}
        print(f"upload of {UPLOAD_MB} MiB: HTTP {result['status']:.0f} in {result['seconds']:.1f} s "
              f"({UPLOAD_MB / result['seconds']:.0f} MiB/s)")
        print(f"/healthz during the upload: {len(latencies)} requests, median {statistics.median(latencies) * 1000:.1f} ms, "
              f"max {max(latencies) * 1000:.1f} ms")
        server.should_exit = True
        app.state.runner.pool.shutdown(wait=True)


if __name__ == "__main__":
    print(f"command: {' '.join(sys.argv)}")
    part1()
    part2()
