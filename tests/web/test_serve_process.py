"""`charcot serve` as a real process: HTTPS with --certfile/--keyfile (Secure cookie, HSTS), and no
htslib message (sample names, positions) in the server's log."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

VCF = Path(__file__).parents[1] / "data" / "web" / "htslib_warnings.vcf"
SRC = Path(__file__).resolve().parents[2] / "src"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "charcot.cli", "serve", *args], stdout=out, stderr=out, env=env)


def _wait_until_up(c: httpx.Client) -> float:
    """Wait for /healthz; the deadline the caller's later waits share."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if c.get("/healthz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    return deadline


def _upload_and_wait(c: httpx.Client, deadline: float) -> dict[str, object]:
    """Upload the test VCF as a new case and wait until it is done or failed; its last state."""
    case_id = c.post("/api/cases", files={"vcf": ("sample.vcf", VCF.read_bytes())}).json()["id"]
    while time.monotonic() < deadline + 60:
        state: dict[str, object] = c.get(f"/api/cases/{case_id}").json()
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.3)
    return state


def test_https_serve_and_no_htslib_messages_in_the_log(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True, timeout=60)
    port = _free_port()
    log = tmp_path / "server.log"
    proc = _start(["--port", str(port), "--data-dir", str(tmp_path / "data"), "--certfile", str(cert), "--keyfile",
                   str(key)], log)
    try:
        with httpx.Client(base_url=f"https://127.0.0.1:{port}", verify=False, timeout=30) as c:
            deadline = _wait_until_up(c)
            page = c.get("/", headers={"accept": "text/html"})
            assert page.status_code == 200
            assert "Secure" in page.headers["set-cookie"] and "HttpOnly" in page.headers["set-cookie"]
            assert "max-age" in page.headers["strict-transport-security"]
            c.cookies.clear()
            state = _upload_and_wait(c, deadline)
            assert state["status"] == "done", state
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    text = log.read_text(errors="replace")
    assert "charcot web app on https://" in text
    assert "htslib message(s) withheld" in text
    for secret in ("PT-SECRET-7", "33032096", "[W::"):
        assert secret not in text, secret


def test_serve_builds_reports_in_a_data_folder_that_existed_at_start(tmp_path: Path) -> None:
    """Every case failed ('-o <data>/cases/... is inside the input folder --data-dir, which charcot only
    reads') once the data folder existed when 'charcot serve' started, i.e. from the second start or after
    'charcot users add': the command line declared --data-dir an input, and the guard lasted as long as
    the server. The data folder is the app's workspace, not an input."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "earlier-run.txt").write_text("kept\n")
    port = _free_port()
    proc = _start(["--port", str(port), "--data-dir", str(data)], tmp_path / "server.log")
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            state = _upload_and_wait(c, _wait_until_up(c))
            assert state["status"] == "done", state
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert (data / "earlier-run.txt").read_text() == "kept\n"
