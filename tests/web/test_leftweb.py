"""Several ``charcot serve`` processes on one database (leftweb, 2026-12-02).

Each server now enters itself in ``server_instances`` and renews a lease by a heartbeat; a token session, a build,
a sign-off in progress and a half-received upload record the server that owns them, and a recovery (at start and at
every heartbeat) takes over only what belongs to a server that stopped, whose process is gone, or whose lease ran
out. Before, every start assumed it was the only server: it ended every token session, released every sign-off in
progress, removed every partial upload and queued every unfinished build again, whoever was running them.

The servers here are real ``charcot serve`` processes (uvicorn on 127.0.0.1) on one SQLite file or one PostgreSQL
database, driven over HTTP with httpx. A sign-off is held in progress at a real step: the case's report.json is
replaced by a named pipe with the same bytes, so the sign-off's read of it waits until the test writes them. A
server is frozen with SIGSTOP (alive, not answering: its heartbeat stops) or killed with SIGKILL. The servers make no
PDF (--no-pdf), the slowest part of a build and a sign-off and no part of what is tested here.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.conftest import _free_port, demo_files, wait_done
from tests.web.test_security import add_users

SRC = Path(__file__).resolve().parents[2] / "src"
TOKEN = "leftweb-shared-token-0123456789abcdef"
BEAT, EXPIRY = 0.3, 3.0  # seconds: --heartbeat-seconds and --heartbeat-expiry-seconds of the servers here
_MARGIN = 1.5  # seconds of a frozen server's lease left when the test asks that nothing was taken over yet
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
COOKIE = "charcot_session"


@dataclass
class Served:
    name: str
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def api(self) -> httpx.Client:
        """A script's client: the shared token as a Bearer header."""
        return httpx.Client(base_url=self.url, headers={"authorization": f"Bearer {TOKEN}"}, timeout=60)

    def freeze(self) -> None:
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.proc.pid, signal.SIGCONT)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=30)


class Servers:
    """Starts ``charcot serve`` processes; every one still running is stopped at the end."""

    def __init__(self, tmp: Path) -> None:
        self.tmp, self.started = tmp, []  # type: list[Served]

    def start(self, name: str, data: Path, database_url: str | None, *options: str, expiry: float = EXPIRY,
              beat: float = BEAT, wait: bool = True) -> Served:
        port = _free_port()
        log = self.tmp / f"{name}.log"
        args = [sys.executable, "-m", "charcot.cli", "serve", "--port", str(port), "--data-dir", str(data),
                "--token", TOKEN, "--no-pdf", "--heartbeat-seconds", str(beat), "--heartbeat-expiry-seconds", str(expiry),
                *options]
        if database_url:
            args += ["--database-url", database_url]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
        env.pop("CHARCOT_DATABASE_URL", None)
        with log.open("wb") as out:
            proc = subprocess.Popen(args, stdout=out, stderr=out, env=env)
        served = Served(name, proc, f"http://127.0.0.1:{port}", log)
        self.started.append(served)
        if wait:
            self.wait_up(served)
        return served

    def wait_up(self, served: Served) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if served.proc.poll() is not None:
                raise AssertionError(f"server {served.name} exited:\n{served.log.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(served.url + "/healthz", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"server {served.name} did not start:\n{served.log.read_text(errors='replace')[-3000:]}")

    def close(self) -> None:
        for served in self.started:
            if served.proc.poll() is None:
                served.thaw()
                served.proc.terminate()
        for served in self.started:
            try:
                served.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                served.proc.kill()
                served.proc.wait(timeout=30)


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    started = Servers(tmp_path)
    try:
        yield started
    finally:
        started.close()


class HeldRead:
    """A file replaced by a named pipe holding the same bytes: whoever reads it waits until ``release``."""

    def __init__(self, path: Path) -> None:
        self.path, self.content, self.mode = path, path.read_bytes(), path.stat().st_mode & 0o777
        path.unlink()
        os.mkfifo(path, 0o600)

    def release(self) -> None:
        """Hand the bytes to the reader waiting on the pipe, then put the file back."""
        def feed() -> None:
            with open(self.path, "wb") as pipe:
                pipe.write(self.content)

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        writer.join(timeout=60)
        assert not writer.is_alive(), "nobody read the held file"
        self.restore()

    def restore(self) -> None:
        tmp = self.path.with_name(self.path.name + ".restored")
        tmp.write_bytes(self.content)
        tmp.chmod(self.mode)
        os.replace(tmp, self.path)


def token_session(url: str) -> str:
    """Sign in by typing the shared token (as a browser does): the session cookie."""
    r = httpx.post(url + "/login", data={"username": "", "password": TOKEN}, headers={"origin": url},
                   follow_redirects=False, timeout=60)
    assert r.status_code == 303, r.text
    return r.cookies[COOKIE]


def with_cookie(url: str, cookie: str) -> int:
    return httpx.get(url + "/api/cases", cookies={COOKIE: cookie}, timeout=30).status_code


def log_in(url: str, user: str) -> str:
    """A person's session cookie."""
    r = httpx.post(url + "/login", data={"username": user, "password": f"{user}-password-123"},
                   headers={"origin": url}, follow_redirects=False, timeout=60)
    assert r.status_code == 303, r.text
    return r.cookies[COOKIE]


def sign_in(url: str, user: str) -> tuple[str, str]:
    """A reviewer's session cookie and the CSRF token of its pages."""
    cookie = log_in(url, user)
    page = httpx.get(url + "/", headers={"accept": "text/html"}, cookies={COOKIE: cookie}, timeout=60).text
    match = _CSRF.search(page)
    assert match, "no CSRF token on the page"
    return cookie, match.group(1)


def sign(url: str, who: tuple[str, str], case_id: str) -> httpx.Response:
    cookie, csrf = who
    return httpx.post(f"{url}/cases/{case_id}/review", data={"csrf_token": csrf, "action": "sign", "version": "1"},
                      headers={"origin": url}, cookies={COOKIE: cookie}, follow_redirects=False, timeout=180)


def upload(api: httpx.Client, patient: str) -> str:
    """A new case (the demo repeat-caller VCF): its id; the server builds it."""
    return str(api.post("/api/cases", data={"patient": patient}, files={"str_file": demo_files()["str_file"]})
               .json()["id"])


def upload_pedigree(api: httpx.Client, patient: str) -> str:
    """A new case of a pedigree alone: its build fails at once ('nothing to report on')."""
    return str(api.post("/api/cases", data={"patient": patient}, files={"ped": demo_files()["ped"]}).json()["id"])


def send_for_review(api: httpx.Client, case_id: str) -> None:
    assert wait_done(api, case_id)["status"] == "done"
    r = api.post(f"/cases/{case_id}/review", data={"action": "submit"}, follow_redirects=False)
    assert r.status_code == 303, r.text


def review_state(api: httpx.Client, case_id: str) -> str:
    return str(api.get(f"/api/cases/{case_id}").json()["review_state"])


def wait_for(what: Any, expected: Any, timeout: float) -> float:
    """Poll ``what()`` until it equals ``expected``; the seconds it took."""
    start = time.monotonic()
    seen = None
    while time.monotonic() - start < timeout:
        seen = what()
        if seen == expected:
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"still {seen!r} after {timeout} s, expected {expected!r}")


def audit(api: httpx.Client, case_id: str, action: str) -> list[dict[str, Any]]:
    return [e for e in api.get(f"/cases/{case_id}/audit.json").json() if e["action"] == action]


def leftovers(data: Path, case_id: str) -> list[str]:
    folder = data / "signed" / case_id
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


_BOUNDARY = "leftweb-boundary"


def _upload_in_two_parts(go_on: threading.Event) -> Iterator[bytes]:
    """A new case's form sent in two parts: the first (over the 1 MiB the server gathers before writing) reaches the
    upload's partial file; the rest only once ``go_on`` is set."""
    yield (f"--{_BOUNDARY}\r\nContent-Disposition: form-data; name=\"patient\"\r\n\r\nP-LW-UPLOAD\r\n"
           f"--{_BOUNDARY}\r\nContent-Disposition: form-data; name=\"ped\"; filename=\"family.ped\"\r\n"
           "Content-Type: text/plain\r\n\r\n").encode() + b"# a long comment line of a pedigree\n" * 40_000
    go_on.wait(120)
    yield demo_files()["ped"][1] + f"\r\n--{_BOUNDARY}--\r\n".encode()


def _sign_in_background(pool: ThreadPoolExecutor, url: str, who: tuple[str, str], case_id: str,
                        api: httpx.Client) -> Future[httpx.Response]:
    """Start a reviewer's sign-off, whose read of the held report.json waits; return once the case is claimed."""
    pending = pool.submit(sign, url, who, case_id)
    wait_for(lambda: review_state(api, case_id), "signing off", 60)
    return pending


def test_a_second_server_leaves_the_first_servers_sessions_and_sign_off_alone(
        tmp_path: Path, database_url: str | None, servers: Servers) -> None:
    """Server A runs; a session opened there with the shared token, a reviewer's sign-off in progress there, an upload
    half received. Server B starts on the same database: its start ended A's token session (401 on both servers),
    put A's sign-off back in review, so A then refused it ('the case changed while it was being signed off'), and
    removed the upload's partial file, so A failed it (500). Now all three stay: they belong to a running server. Killed, A's sign-off is put back in review by B (which finds A's process gone: no wait for the
    lease on the same machine) and A's token session ends."""
    data = tmp_path / "data"
    add_users(data, database_url, ("bob", "reviewer"))
    a = servers.start("a", data, database_url)
    with a.api() as api_a, ThreadPoolExecutor(3) as pool:
        first, second = upload(api_a, "P-LW-1"), upload(api_a, "P-LW-2")
        send_for_review(api_a, first)
        send_for_review(api_a, second)
        token_cookie = token_session(a.url)
        bob = sign_in(a.url, "bob")
        held = HeldRead(data / "cases" / first / "report.json")
        signing = _sign_in_background(pool, a.url, bob, first, api_a)
        go_on = threading.Event()
        uploading = pool.submit(api_a.post, "/api/cases", content=_upload_in_two_parts(go_on),
                                headers={"content-type": f"multipart/form-data; boundary={_BOUNDARY}"})
        wait_for(lambda: any((data / "uploads" / ".partial").iterdir()), True, 60)

        b = servers.start("b", data, database_url)
        time.sleep(5 * BEAT)  # B's start and several of its heartbeats (each one a recovery) have run
        assert with_cookie(a.url, token_cookie) == 200
        assert with_cookie(b.url, token_cookie) == 200
        assert review_state(api_a, first) == "signing off"
        go_on.set()
        received = uploading.result(timeout=120)
        assert received.status_code == 202, received.text
        held.release()
        answer = signing.result(timeout=120)
        assert answer.status_code == 303, answer.text
        assert review_state(api_a, first) == "signed off"
        assert leftovers(data, first) == ["v1"]

        # A killed during a sign-off: B puts the case back in review and ends A's token session
        held = HeldRead(data / "cases" / second / "report.json")
        signing = _sign_in_background(pool, a.url, bob, second, api_a)
        a.kill()
        with pytest.raises(httpx.TransportError):
            signing.result(timeout=60)
        held.restore()
    with b.api() as api_b:
        wait_for(lambda: review_state(api_b, second), "in review", EXPIRY + 20)
        returned = audit(api_b, second, "return")
        assert [e["actor"] for e in returned] == ["system"] and "cut short" in returned[0]["detail"]
        assert leftovers(data, second) == []
        assert with_cookie(b.url, token_cookie) == 401


def test_a_server_that_stops_answering_is_taken_for_stopped_only_after_its_heartbeat_expiry(
        tmp_path: Path, database_url: str | None, servers: Servers) -> None:
    """Server A frozen (SIGSTOP: its process is there, it answers nothing, its heartbeat stops) during a sign-off.
    Before its lease runs out (--heartbeat-expiry-seconds) server B leaves the sign-off and A's token session alone;
    after it, B puts the case back in review and A's token session ends. Before, a running server never took over
    what another server left: the case stayed 'signing off' until some server started again. A thawed finds it was
    taken for stopped: its late sign-off is refused (nothing recorded, no signed copy left), and it goes on serving
    under a new registration."""
    data = tmp_path / "data"
    add_users(data, database_url, ("bob", "reviewer"))
    a = servers.start("a", data, database_url, wait=False)
    b = servers.start("b", data, database_url, wait=False)  # two starts at once on one database
    servers.wait_up(a)
    servers.wait_up(b)
    with a.api() as api_a, b.api() as api_b, ThreadPoolExecutor(1) as pool:
        case_id = upload(api_a, "P-LW-FROZEN")
        send_for_review(api_a, case_id)
        token_cookie = token_session(a.url)
        held = HeldRead(data / "cases" / case_id / "report.json")
        signing = _sign_in_background(pool, a.url, sign_in(a.url, "bob"), case_id, api_a)
        a.freeze()
        # before A's last lease runs out, B has left everything alone: asked with half the lease (at least 1.5 s) still
        # to run, so that the two requests below are answered before it ends on a loaded machine (0.6 s was not enough
        # for CI's: B had taken A for stopped by the time it answered)
        left = _lease_left(data, database_url, a)
        time.sleep(max(0.0, left - max(_MARGIN, left / 2)) if left is not None else EXPIRY / 2)
        assert review_state(api_b, case_id) == "signing off"
        assert with_cookie(b.url, token_cookie) == 200
        wait_for(lambda: review_state(api_b, case_id), "in review", EXPIRY + 20)
        assert with_cookie(b.url, token_cookie) == 401
        assert [e["actor"] for e in audit(api_b, case_id, "return")] == ["system"]

        a.thaw()
        held.release()
        late = signing.result(timeout=120)
        assert late.status_code == 409 and "changed while it was being signed off" in late.text, late.text
        assert review_state(api_b, case_id) == "in review"
        assert leftovers(data, case_id) == []
        assert audit(api_b, case_id, "sign") == []
        assert api_a.get("/api/cases").status_code == 200
        wait_for(lambda: "taken for stopped" in a.log.read_text(errors="replace"), True, 20)
        assert with_cookie(a.url, token_cookie) == 401
        assert with_cookie(a.url, token_session(a.url)) == 200


def test_a_second_server_leaves_the_first_servers_builds_alone(
        tmp_path: Path, database_url: str | None, servers: Servers) -> None:
    """Server A (one worker) frozen while it builds one case and has a second queued behind it. Server B starting on
    the same database queued both again and built them itself (and A, going on, would have built them too). Now B
    leaves them to A while A runs; killed, A's running and queued builds are taken over by B and built once.

    The state A's worker holds is made with the store's own steps under A's registration, as A's upload and worker
    make it (a build cannot be held at a real step from outside: its inputs must be regular files, and htslib
    waiting on a pipe holds the whole server)."""
    import io

    from charcot.web.store import Store

    data = tmp_path / "data"
    a = servers.start("a", data, database_url, "--workers", "1", expiry=60)
    a.freeze()
    store = Store(data, database_url)
    store.instance_id = _registration(store, a)  # the cases are A's, as A's upload makes them
    name, content = demo_files()["str_file"]
    stored = store.save_upload(io.BytesIO(content), name, len(content))
    running, queued = (store.create_case(p, {"str": (name, stored)}, None, [], created_by="api-token")
                       for p in ("P-LW-RUN-1", "P-LW-RUN-2"))
    store.set_status(running, "running", progress="starting")  # A's worker began the first
    store.engine.dispose()

    b = servers.start("b", data, database_url, expiry=60)
    with b.api() as api_b:
        time.sleep(5 * BEAT)  # B's start and several of its heartbeats (each one a recovery) have run
        assert [api_b.get(f"/api/cases/{c}").json()["status"] for c in (running, queued)] == ["running", "queued"]
        a.kill()
        assert [wait_done(api_b, c)["status"] for c in (running, queued)] == ["done", "done"]
        assert [len(audit(api_b, c, "run")) for c in (running, queued)] == [1, 1]
    log = b.log.read_text(errors="replace")
    assert [log.count(f"case {c}: building report") for c in (running, queued)] == [1, 1]


def _lease_left(data: Path, database_url: str | None, served: Served) -> float | None:
    """Seconds until a server's lease runs out, by the registry (None where servers do not register)."""
    from datetime import UTC, datetime

    import sqlalchemy as sa

    engine = _engine(data, database_url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("server_instances"):
                return None
            until = conn.execute(sa.text("SELECT lease_until FROM server_instances WHERE pid = :pid"),
                                 {"pid": served.proc.pid}).scalar_one()
    finally:
        engine.dispose()
    if isinstance(until, str):  # SQLite hands the stored text back through a plain query
        until = datetime.fromisoformat(until)
    return float((until - datetime.now(UTC).replace(tzinfo=None)).total_seconds())


def _registration(store: Any, served: Served) -> str | None:
    """The id under which a server process registered itself (None where servers do not register)."""
    import sqlalchemy as sa

    with store.engine.connect() as conn:
        if not sa.inspect(conn).has_table("server_instances"):
            return None
        found = conn.execute(sa.text("SELECT id FROM server_instances WHERE pid = :pid AND stopped_at IS NULL"),
                             {"pid": served.proc.pid}).scalar_one()
        return str(found)


def at_once(calls: list[Any]) -> tuple[list[Any], list[str]]:
    """Run the calls in threads released at the same moment: their results, and their failures in words."""
    start = threading.Barrier(len(calls))
    results: list[Any] = []
    failures: list[str] = []

    def run(call: Any) -> None:
        start.wait()
        try:
            results.append(call())
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:160]}")

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, failures


def _engine(data: Path, database_url: str | None) -> Any:
    import sqlalchemy as sa

    return sa.create_engine(database_url or f"sqlite:///{data / 'charcot.sqlite3'}")


def _count(engine: Any, sql: str) -> int:
    import sqlalchemy as sa

    with engine.connect() as conn:
        return int(conn.execute(sa.text(sql)).scalar_one())


def test_expired_sessions_are_purged_while_the_server_runs_and_at_start(
        tmp_path: Path, database_url: str | None, servers: Servers) -> None:
    """A session past its expiry was refused but its row stayed in ``sessions`` for good (only a later sign-in
    removed expired rows). Now each heartbeat purges them, and so does a start; the purge writes nothing to the audit
    trail."""
    data = tmp_path / "data"
    add_users(data, database_url, ("bob", "reviewer"))
    hours = 2.0 / 3600  # sessions of 2 seconds
    a = servers.start("a", data, database_url, "--session-hours", str(hours))
    engine = _engine(data, database_url)
    try:
        log_in(a.url, "bob")
        token_session(a.url)
        assert _count(engine, "SELECT count(*) FROM sessions") == 2
        audited = _count(engine, "SELECT count(*) FROM audit")
        wait_for(lambda: _count(engine, "SELECT count(*) FROM sessions"), 0, 20)
        assert _count(engine, "SELECT count(*) FROM audit") == audited

        log_in(a.url, "bob")
        a.proc.terminate()
        a.proc.wait(timeout=60)
        assert _count(engine, "SELECT count(*) FROM sessions") == 1
        time.sleep(2.5)
        # a heartbeat far apart: only the start can have purged the expired session
        again = servers.start("again", data, database_url, "--session-hours", str(hours), beat=30, expiry=90)
        assert _count(engine, "SELECT count(*) FROM sessions") == 0
        assert httpx.get(again.url + "/healthz").status_code == 200
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_an_upload_waiting_for_a_deletion_does_not_stall_the_server(
        tmp_path: Path, postgres_url: str, servers: Servers) -> None:
    """An upload adopts its files under ``Store.files_lock``, which a case deletion holds while it removes the rows
    and the files no case uses. The upload waited for it on the event loop: while a deletion held the lock (here: its
    DELETE waiting on a row lock the test holds in PostgreSQL) every request of the server waited too, /healthz
    included. Now the upload waits in a worker thread; both finish once the deletion can go on."""
    import sqlalchemy as sa

    data = tmp_path / "data"
    a = servers.start("a", data, postgres_url)
    engine = sa.create_engine(postgres_url)
    with a.api() as api, ThreadPoolExecutor(2) as pool:
        doomed = upload_pedigree(api, "P-LW-DELETE")
        assert wait_done(api, doomed)["status"] == "failed"  # a pedigree alone: nothing to report, built at once
        locker = engine.connect()
        locker.begin()
        try:
            locker.execute(sa.text("SELECT id FROM cases WHERE id = :id FOR UPDATE"), {"id": doomed})
            deleting = pool.submit(api.post, f"/cases/{doomed}/delete", follow_redirects=False)
            wait_for(lambda: _count(engine, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                            "AND query LIKE 'DELETE FROM cases%'"), 1, 30)
            uploading = pool.submit(api.post, "/api/cases", data={"patient": "P-LW-UPLOAD"},
                                    files={"ped": demo_files()["ped"]})
            time.sleep(1.0)  # the upload has reached the lock the deletion holds
            assert not uploading.done()
            assert httpx.get(a.url + "/healthz", timeout=5).status_code == 200
        finally:
            locker.rollback()
            locker.close()
        assert deleting.result(timeout=60).status_code == 303
        created = uploading.result(timeout=60)
        assert created.status_code == 202, created.text
        assert api.get(f"/api/cases/{created.json()['id']}").json()["patient"] == "P-LW-UPLOAD"
        assert api.get(f"/api/cases/{doomed}").status_code == 404
    engine.dispose()


def test_servers_starting_at_once_migrate_the_database_one_after_the_other(
        tmp_path: Path, database_url: str | None) -> None:
    """Two servers starting at once on a new database both ran the migrations: the second failed ('table
    alembic_version already exists', or 'database is locked' from switching the new SQLite file to WAL; a duplicate
    on PostgreSQL) and did not start. Now the migration holds the database's lock (an advisory lock on PostgreSQL, the
    write lock on SQLite) and the switch to WAL waits for it. The stores are made as two servers make them (one
    engine each) and migrate at the same moment, on a new database each round."""
    from charcot.web.store import Store

    with _new_databases(database_url) as new_database:
        for round_no in range(5):
            url = new_database()
            stores = [Store(tmp_path / f"data{round_no}", url) for _ in range(3)]
            _, failures = at_once([s.migrate for s in stores])
            assert failures == []
            with stores[0].engine.connect() as conn:
                assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one() == \
                    "0007_visit_origin"
            for s in stores:
                s.engine.dispose()


@contextlib.contextmanager
def _new_databases(database_url: str | None) -> Iterator[Any]:
    """A maker of new databases on the test PostgreSQL server (None for SQLite: a new data folder is a new
    database), each dropped at the end."""
    import uuid

    import sqlalchemy as sa

    if database_url is None:
        yield lambda: None
        return
    base = os.environ["CHARCOT_TEST_POSTGRES_URL"]
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def new_database() -> str:
        name = f"charcot_lw_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return base.rsplit("/", 1)[0] + "/" + name

    try:
        yield new_database
    finally:
        with admin.connect() as conn:
            for name in made:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_servers_starting_at_once_keep_one_secret_key(tmp_path: Path) -> None:
    """The key of the CSRF tokens is made by the first start. Two starts at once on a new data folder: one failed
    (FileExistsError) or read the key before it was written (an empty key, so its forms' tokens differed from the
    other server's). Now the key is written whole under another name and linked into place."""
    from charcot.web import auth

    for round_no in range(20):
        folder = tmp_path / f"data{round_no}"
        folder.mkdir()
        keys, failures = at_once([lambda: auth.server_secret(folder)] * 6)  # noqa: B023 - run before the loop goes on
        assert failures == [] and len(set(keys)) == 1 and len(keys[0]) == 32, (failures, keys)
        assert sorted(p.name for p in folder.iterdir()) == ["secret.key"]


def test_the_migration_keeps_an_existing_databases_data_and_treats_its_work_as_left_by_a_stopped_server(
        tmp_path: Path, database_url: str | None) -> None:
    """A database at the previous revision (0004) with data: a token session and a personal one, a case being signed
    off, a queued case. The upgrade adds the registry and the owner columns and keeps every row; the work, owned by
    no registered server, is what a stopped server left: the sign-off goes back in review, the build is taken over,
    the token session ends, the personal session stays."""
    from alembic import command
    from alembic.config import Config

    from charcot.web import auth
    from charcot.web.store import MIGRATIONS_DIR, Store

    data = tmp_path / "data"
    store = Store(data, database_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004_audit_no_truncate")
    import sqlalchemy as sa

    now, later = "2026-12-01 10:00:00", "2099-01-01 00:00:00"
    with store.engine.begin() as conn:
        for uid, name in ((1, "api-token"), (2, "bob")):
            conn.execute(sa.text("INSERT INTO users (id, username, display_name, role, disabled, created_at) "
                                 "VALUES (:i, :n, :n, 'admin', false, :t)"), {"i": uid, "n": name, "t": now})
        for sid, uid in (("a" * 64, 1), ("b" * 64, 2)):
            conn.execute(sa.text("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (:s, :u, :t, :e)"),
                         {"s": sid, "u": uid, "t": now, "e": later})
        conn.execute(sa.text("INSERT INTO patients (id, key, created_at) VALUES (1, 'P-OLD', :t)"), {"t": now})
        for cid, status, state in (("c" * 36, "done", "signing off"), ("d" * 36, "queued", "draft")):
            conn.execute(sa.text(
                "INSERT INTO cases (id, patient_id, status, progress, hpo, created_at, created_by, review_state, "
                "version, options, genes, variants, classes, repeat_result) VALUES (:c, 1, :s, '', '', :t, 'alice', "
                ":r, 1, '{}', '', '', '', '')"), {"c": cid, "s": status, "t": now, "r": state})
        conn.execute(sa.text("INSERT INTO audit (at, actor, action, detail) VALUES (:t, 'alice', 'upload', 'x')"),
                     {"t": now})
    store.migrate()
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == "0007_visit_origin"
        assert conn.execute(sa.text("SELECT count(*) FROM sessions WHERE instance_id IS NULL")).scalar_one() == 2
        assert conn.execute(sa.text("SELECT count(*) FROM cases WHERE run_instance IS NULL "
                                    "AND signing_instance IS NULL")).scalar_one() == 2
        assert conn.execute(sa.text("SELECT count(*) FROM audit")).scalar_one() == 1
    store.register_instance(60)
    found = store.recover(auth.TOKEN_USER.username)
    assert found.released == [("c" * 36, 1)] and found.runs == ["d" * 36] and found.token_sessions == 1
    assert store.session_user("a" * 64) is None
    assert (store.session_user("b" * 64) or {}).get("username") == "bob"
    with store.engine.connect() as conn:
        assert [r[0] for r in conn.execute(sa.text("SELECT user_id FROM sessions"))] == [2]
        assert conn.execute(sa.text("SELECT run_instance FROM cases WHERE id = :c"),
                            {"c": "d" * 36}).scalar_one() == store.instance_id
    store.stop_instance()
    store.engine.dispose()


@pytest.mark.parametrize(("beat", "expiry"), [("10", "15"), ("0", "60"), ("-1", "60")])
def test_a_heartbeat_expiry_shorter_than_two_beats_is_refused_in_words(
        run_cli: Any, tmp_path: Path, beat: str, expiry: str) -> None:
    """A server missing one heartbeat must not be taken for stopped by another: the expiry is at least two beats,
    and a beat is above 0 (exit 2, the options named, nothing written)."""
    data = tmp_path / "data"
    res = run_cli("serve", "--port", "1", "--data-dir", data, "--heartbeat-seconds", beat,
                  "--heartbeat-expiry-seconds", expiry)
    assert res.code == 2, res.stderr
    assert "--heartbeat-expiry-seconds" in res.stderr and "must be at least twice --heartbeat-seconds" in res.stderr
    assert "Traceback" not in res.stderr and not data.exists()
