"""Web-app fixtures: a case store on SQLite or on the real PostgreSQL that `make test` starts, and a
live uvicorn server on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from charcot.report.demo import demo_dir
from charcot.web.app import Settings, create_app

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
DEMO = demo_dir()


def demo_files() -> dict[str, tuple[str, bytes]]:
    return {
        "vcf": ("demo.vcf.gz", (DEMO / "demo.vcf.gz").read_bytes()),
        "str_file": ("demo.str.vcf", (DEMO / "demo.str.vcf").read_bytes()),
        "ped": ("demo.ped", (DEMO / "demo.ped").read_bytes()),
        "clinical": ("demo_case.yaml", (DEMO / "demo_case.yaml").read_bytes()),
    }



# Debian's chromium, headless, as root, with no network of its own (the browser tests' one launch)
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]



@pytest.fixture(scope="module")
def browser() -> Any:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()

def click_and_load(page: Any, target: Any) -> None:
    """Click a link or a form's submit button and return once the page it leads to has loaded.

    A bare click returns when the new page starts to arrive, so an assertion made straight after it can read the
    page being left, or a page not yet parsed (a CI run counted no pedigree drawing that way)."""
    with page.expect_navigation():
        if isinstance(target, str):
            page.click(target)  # the first match, as page.click does
        else:
            target.click()

@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh database on the test PostgreSQL server, dropped afterwards."""
    base = os.environ.get("CHARCOT_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("CHARCOT_TEST_POSTGRES_URL is not set (make test starts PostgreSQL with scripts/postgres-for-tests.sh)")
    import sqlalchemy as sa

    name = f"charcot_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str | None:
    if request.param == "sqlite":
        return None  # the default: SQLite inside the data directory
    return str(request.getfixturevalue("postgres_url"))


def wait_done(client: Any, case_id: str, timeout: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/api/cases/{case_id}").json()
        if state["status"] in ("done", "failed"):
            return dict(state)
        time.sleep(0.2)
    raise AssertionError(f"case {case_id} not finished after {timeout} s")


@dataclass
class LiveServer:
    url: str
    app: Any
    data_dir: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server_factory(tmp_path: Path) -> Iterator[Any]:
    import uvicorn

    servers: list[tuple[Any, threading.Thread]] = []

    def start(**settings: Any) -> LiveServer:
        data_dir = tmp_path / f"data{len(servers)}"
        app = create_app(Settings(data_dir=data_dir, **settings))
        port = _free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started, "uvicorn did not start"
        servers.append((server, thread))
        return LiveServer(url=f"http://127.0.0.1:{port}", app=app, data_dir=data_dir)

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=20)
