"""The case store: SQLAlchemy models and a small repository over them.

SQLite in the data directory by default, PostgreSQL by URL. The schema is owned by the alembic
migrations in ``charcot/web/migrations`` (run at start-up), never by ``create_all``. Uploaded files
live content-addressed under ``<data_dir>/uploads`` (written atomically, named by SHA-256); report
outputs under ``<data_dir>/cases/<case id>/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    false,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    joinedload,
    mapped_column,
    relationship,
    sessionmaker,
)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

CASE_QUEUED = "queued"
CASE_RUNNING = "running"
CASE_DONE = "done"
CASE_FAILED = "failed"

# Review lifecycle of a case's report (independent of the build status above).
DRAFT, IN_REVIEW, FINAL, AMENDED = "draft", "in review", "signed off", "amended"
SIGNING = "signing off"  # held while one reviewer's sign-off is written: no second sign-off, return or amend
REVIEW_STATES = (DRAFT, IN_REVIEW, FINAL, AMENDED)
# Upload roles: everything `charcot report` reads from files.
UPLOAD_ROLES = ("vcf", "str", "ped", "ages", "clinical", "phenopacket")
PAGE_SIZE = 50
MANUAL_VISIT = "manual"  # ``visits.source`` of a visit recorded or corrected by a person in the app


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# A PostgreSQL advisory lock key (any fixed 64-bit number): held while the schema is migrated, so two servers
# starting at once on one database migrate it one after the other.
_MIGRATION_LOCK = 0x63686172636F74  # "charcot"
_PARTIAL_NAME = re.compile(r"^([0-9a-f]{32})-[0-9a-f]{32}\.part$")


class Base(DeclarativeBase):
    pass


class Patient(Base):
    __tablename__ = "patients"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    cases: Mapped[list[Case]] = relationship(back_populates="patient", order_by="Case.created_at")
    visits: Mapped[list[VisitRow]] = relationship(back_populates="patient", order_by="VisitRow.date")


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=CASE_QUEUED, index=True)
    progress: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    proband: Mapped[str | None] = mapped_column(String(120), nullable=True)
    hpo: Mapped[str] = mapped_column(String(2000), default="")
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    report_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    review_state: Mapped[str] = mapped_column(String(16), default=DRAFT, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    assigned_to: Mapped[str | None] = mapped_column(String(80), nullable=True)
    options: Mapped[str] = mapped_column(Text, default="{}")  # sex, region, sample, build (JSON)
    genes: Mapped[str] = mapped_column(String(2000), default="")  # " GENE1 GENE2 " of reported variants
    variants: Mapped[str] = mapped_column(Text, default="")  # " key hgvs_c hgvs_p " of reported variants
    classes: Mapped[str] = mapped_column(String(400), default="")  # " Pathogenic Likely pathogenic "
    repeat_result: Mapped[str] = mapped_column(String(400), default="")  # " C9orf72:expanded "
    stage: Mapped[str | None] = mapped_column(String(40), nullable=True)
    eligible_trials: Mapped[int | None] = mapped_column(Integer, nullable=True)
    identity_status: Mapped[str | None] = mapped_column(String(20), nullable=True)  # the report's identity checks
    # the server instance (``server_instances``) whose worker pool holds the case's queued or running build, and the
    # one whose request holds its sign-off in progress: only their work, once that server has stopped, is taken over
    run_instance: Mapped[str | None] = mapped_column(String(36), nullable=True)
    signing_instance: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # the new-case form this case was created from (unique): the same form sent twice makes one case
    form_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    patient: Mapped[Patient] = relationship(back_populates="cases")
    uploads: Mapped[list[Upload]] = relationship(back_populates="case", order_by="Upload.role")


class DuplicateForm(Exception):
    """The new-case form was sent before and made a case (``case_id``)."""

    def __init__(self, case_id: str) -> None:
        super().__init__(case_id)
        self.case_id = case_id


class Upload(Base):
    __tablename__ = "uploads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    stored: Mapped[str] = mapped_column(String(300))  # relative to the data directory
    case: Mapped[Case] = relationship(back_populates="uploads")


class VisitRow(Base):
    __tablename__ = "visits"
    __table_args__ = (UniqueConstraint("patient_id", "date", name="uq_visit_patient_date"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    alsfrs_r: Mapped[int | None] = mapped_column(Integer, nullable=True)
    fvc_percent: Mapped[float | None] = mapped_column(Float, nullable=True)
    weight_kg: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str] = mapped_column(String(40), default=MANUAL_VISIT)
    items: Mapped[str | None] = mapped_column(Text, nullable=True)  # the 12 ALSFRS-R items (JSON)
    # who recorded the visit's values and when (a person's user name, or "system" for a report's clinical record),
    # and whether its weight was checked in the form ('weight confirmed'): migration 0007, None on older visits
    recorded_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    weight_confirmed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    patient: Mapped[Patient] = relationship(back_populates="visits")


class User(Base):
    """A person who signs in. ``password_hash`` is argon2id; an account from a later single sign-on
    provider carries ``external_subject`` instead (and no password)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(30))
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    external_subject: Mapped[str | None] = mapped_column(String(200), nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class SessionRow(Base):
    """A signed-in browser: the cookie holds a random id, the table only its SHA-256."""

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    # set for a session opened with the shared token: it lasts only while the server instance that checked it runs
    instance_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    user: Mapped[User] = relationship()


class ServerInstance(Base):
    """One running ``charcot serve`` process on this database: it renews ``lease_until`` every heartbeat and sets
    ``stopped_at`` when it stops cleanly. An instance is live while its lease runs and it has not stopped; the work it
    owns (token sessions, builds, a sign-off in progress) is taken over by another server only once it is not."""

    __tablename__ = "server_instances"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    hostname: Mapped[str] = mapped_column(String(255), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)
    # "<boot id>/<pid namespace>/<pid>/<process start>" on Linux: a server on the same machine sees at once that the
    # process is gone (killed), without waiting for its lease to run out
    process: Mapped[str | None] = mapped_column(String(200), nullable=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    lease_until: Mapped[datetime] = mapped_column(DateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Comment(Base):
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    variant_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    author: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    case_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class ReportVersion(Base):
    """A signed-off report, frozen: its files are copied to ``cases/<id>/v<version>/`` with checksums."""

    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_report_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(80))
    signed_by: Mapped[str] = mapped_column(String(80))
    signed_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    report_sha256: Mapped[str] = mapped_column(String(64))
    report_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    amended_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


# Outcome of re-analysing a case (``reanalyses.status``): "needs review" until a person decides.
NEEDS_REVIEW, ACCEPTED, DISMISSED, SUPERSEDED = "needs review", "accepted", "dismissed", "superseded"
NO_CHANGE, NOT_REANALYSED = "no change", "not re-analysed"


class ReanalysisRow(Base):
    """One case re-run with the knowledge in force (``charcot.reanalysis``): the comparison as the
    re-analysis JSON (``CaseReanalysis``), and for a changed case the new report waiting under
    ``reanalysis/<case>/`` until a person accepts it as the next version or dismisses it."""

    __tablename__ = "reanalyses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    ran_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    ran_by: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20))
    n_changes: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[str] = mapped_column(Text)  # CaseReanalysis JSON
    old_knowledge: Mapped[str | None] = mapped_column(String(40), nullable=True)
    new_knowledge: Mapped[str] = mapped_column(String(40))
    knowledge_hash: Mapped[str] = mapped_column(String(64))
    base_version: Mapped[int] = mapped_column(Integer)
    base_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    report_path: Mapped[str | None] = mapped_column(String(300), nullable=True)  # relative to the data directory
    decided_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    new_version: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AuditRow(Base):
    """Append-only (database triggers refuse UPDATE and DELETE): who did what, when. No foreign keys,
    so the record of a deletion outlives what was deleted."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=_now, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(30))
    case_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    patient: Mapped[str | None] = mapped_column(String(120), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_SUFFIXES = (".vcf.gz", ".vcf.bgz", ".vcf", ".bcf", ".ped", ".fam", ".yaml", ".yml", ".json", ".tsv", ".txt")


def safe_filename(name: str, limit: int = 120) -> str:
    """File name for display and storage: no directories, no odd characters, bounded length. A known extension
    (``.vcf.gz``, ``.ped``...) is kept whole and the rest of the name shortened or replaced ('upload')."""
    raw = Path(name or "upload").name
    suffix = raw[len(raw) - len(suffix_of(raw)):] if suffix_of(raw) else ""
    stem = _SAFE_NAME.sub("_", raw[:len(raw) - len(suffix)]).strip("._") or "upload"
    return stem[:limit - len(suffix)] + suffix


def suffix_of(name: str) -> str:
    lower = name.lower()
    return next((s for s in _SUFFIXES if lower.endswith(s)), "")


def _start_ticks(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks after boot, /proc/<pid>/stat field 22); None for a zombie (killed,
    not yet collected by its parent). OSError when there is no such process."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    fields = stat[stat.rindex(")") + 2:].split()
    return None if fields[0] == "Z" else fields[19]


def process_identity() -> str | None:
    """This process as '<boot id>/<pid namespace>/<pid>/<start>' (Linux), or None where that is not known."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
        namespace = os.stat("/proc/self/ns/pid").st_ino
        start = _start_ticks(os.getpid())
    except (OSError, ValueError, IndexError):
        return None
    return f"{boot}/{namespace}/{os.getpid()}/{start}" if start else None


def process_gone(process: str | None, mine: str | None) -> bool:
    """Whether a server's process, seen from this one, has certainly ended: only for a process of the same machine and
    pid namespace (another machine's or container's server is judged by its lease alone), whose pid is free, a zombie,
    or now a process started at another time."""
    if not process or not mine or process.split("/")[:2] != mine.split("/")[:2]:
        return False
    try:
        pid, start = int(process.split("/")[2]), process.split("/")[3]
    except (ValueError, IndexError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # a process of another user: it exists
    try:
        return _start_ticks(pid) != start
    except (OSError, ValueError, IndexError):
        return False  # hidden from this user (hidepid): its lease decides


def _owned_by(column: Any, owner: str | None) -> Any:
    """The SQL condition 'this row's owner column names ``owner``' (no owner: the column is empty)."""
    return column == owner if owner is not None else column.is_(None)


@dataclass
class Recovered:
    """What one pass of ``Store.recover`` took over from servers that have stopped (or stopped answering)."""

    instances: int = 0  # stopped servers removed from the registry
    released: list[tuple[str, int]] = field(default_factory=list)  # sign-offs put back in review: (case, version)
    runs: list[str] = field(default_factory=list)  # queued or running builds taken over by this server
    token_sessions: int = 0  # sessions opened with the shared token on a server no longer running
    expired_sessions: int = 0  # sessions past their expiry, purged
    partial_files: int = 0  # half-received uploads of servers no longer running


@dataclass
class StoredFile:
    sha256: str
    size: int
    relpath: str


class TooLarge(Exception):
    """An upload exceeded the configured limit."""


def _private_dir(path: Path) -> None:
    from charcot.outputs import make_folder

    make_folder(path)  # a --data-dir that is a link to a folder not made yet: the folder is made, not the link
    os.chmod(path, 0o700)


def make_private(path: Path) -> None:
    """Patient data is readable by the server's user only: files 0600, folders 0700."""
    if path.is_dir():
        os.chmod(path, 0o700)
        for root, dirs, files in os.walk(path):
            for d in dirs:
                os.chmod(Path(root) / d, 0o700)
            for f in files:
                os.chmod(Path(root) / f, 0o600)
    elif path.exists():
        os.chmod(path, 0o600)


class Store:
    """Repository: every database access of the web app goes through here."""

    def __init__(self, data_dir: Path, database_url: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        # held while an upload adopts its stored files and creates its case, and while a deletion decides which
        # stored files no case uses and removes them: an upload of the same content cannot fall between the two
        self.files_lock = threading.Lock()
        # this server's row in ``server_instances`` (``register_instance``); None for a store the command line opens
        self.instance_id: str | None = None
        self.process = process_identity()
        # a database given by URL is reached before anything is written (an unusable URL is a configuration error)
        engine = open_database(database_url) if database_url is not None else None
        _private_dir(self.data_dir)
        _private_dir(self.data_dir / "uploads")
        _private_dir(self.partial_dir)
        _private_dir(self.data_dir / "cases")
        _private_dir(self.data_dir / "signed")
        _private_dir(self.data_dir / "reanalysis")
        _private_dir(self.data_dir / "earlier")
        if database_url is None:
            db = (self.data_dir / "charcot.sqlite3").resolve()
            if not db.exists():  # SQLite gives its -wal/-shm files the database file's mode
                os.close(os.open(db, os.O_CREAT | os.O_WRONLY, 0o600))
            os.chmod(db, 0o600)
        self.url = database_url or f"sqlite:///{(self.data_dir / 'charcot.sqlite3').resolve()}"
        self.engine: Engine = engine or make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def partial_dir(self) -> Path:
        return self.data_dir / "uploads" / ".partial"

    # schema -------------------------------------------------------------------------------
    def migrate(self) -> None:
        migrate(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    # server instances ---------------------------------------------------------------------
    def register_instance(self, lease_seconds: float) -> str:
        """Enter this server in the registry with a lease of ``lease_seconds`` (renewed by ``heartbeat``)."""
        now = _now()
        instance_id = uuid.uuid4().hex
        with self.session() as s:
            s.add(ServerInstance(id=instance_id, hostname=socket.gethostname()[:255], pid=os.getpid(),
                                 process=self.process, started_at=now, heartbeat_at=now,
                                 lease_until=now + timedelta(seconds=lease_seconds)))
        self.instance_id = instance_id
        return instance_id

    def heartbeat(self, lease_seconds: float) -> bool:
        """Renew this server's lease. False when its row is gone: another server found the lease run out (this one
        stopped answering for longer than it) and took its work over; the caller registers again."""
        if self.instance_id is None:
            return False
        now = _now()
        with self.session() as s:
            done = s.execute(update(ServerInstance).where(ServerInstance.id == self.instance_id,
                                                          ServerInstance.stopped_at.is_(None))
                             .values(heartbeat_at=now, lease_until=now + timedelta(seconds=lease_seconds)))
            return bool(getattr(done, "rowcount", 0) == 1)

    def stop_instance(self) -> None:
        """Mark this server stopped (a clean stop): what it still owns is taken over at once by the next recovery."""
        if self.instance_id is None:
            return
        now = _now()
        with self.session() as s:
            s.execute(update(ServerInstance).where(ServerInstance.id == self.instance_id)
                      .values(stopped_at=now, lease_until=now))

    def _alive(self, process: str | None, lease: datetime, stopped: datetime | None, now: datetime) -> bool:
        """A registered server is running: not stopped, its lease not run out, and (on this machine) its process there."""
        return stopped is None and lease >= now and not process_gone(process, self.process)

    def live_instances(self) -> set[str]:
        """The ids of the servers running on this database: lease not run out, not stopped, and (on this machine)
        their process still there. This server counts as live."""
        now = _now()
        with self.session() as s:
            rows = s.execute(select(ServerInstance.id, ServerInstance.process, ServerInstance.lease_until,
                                    ServerInstance.stopped_at)).all()
        live = {i for i, process, lease, stopped in rows if self._alive(process, lease, stopped, now)}
        return live | ({self.instance_id} if self.instance_id else set())

    def reap_instances(self) -> int:
        """Remove from the registry the servers that are not live (stopped, lease run out, or process gone); a row is
        removed only if it was not renewed since it was read, so a server that answers again is never removed."""
        now = _now()
        with self.session() as s:
            rows = s.execute(select(ServerInstance.id, ServerInstance.process, ServerInstance.heartbeat_at,
                                    ServerInstance.lease_until, ServerInstance.stopped_at)
                             .where(ServerInstance.id != (self.instance_id or ""))).all()
        reaped = 0
        for instance_id, process, beat, lease, stopped in rows:
            if self._alive(process, lease, stopped, now):
                continue
            with self.session() as s:
                done = s.execute(delete(ServerInstance).where(ServerInstance.id == instance_id,
                                                              ServerInstance.heartbeat_at == beat))
                reaped += int(getattr(done, "rowcount", 0) or 0)
        return reaped

    def recover(self, token_user: str, *, claim_runs: bool = True) -> Recovered:
        """Take over what servers no longer running left (run at start and at every heartbeat): their sign-offs in
        progress back in review, their queued and running builds to this server (unless ``claim_runs`` is off: this
        server is stopping), their token sessions ended, their half-received uploads removed; expired sessions purged.
        Nothing a live server owns is touched."""
        found = Recovered(instances=self.reap_instances())
        live = self.live_instances()
        found.released = self.release_interrupted_signoffs(live)
        found.runs = self.claim_interrupted_runs(live) if claim_runs else []
        found.token_sessions = self.end_orphaned_sessions(token_user, live)
        found.expired_sessions = self.purge_expired_sessions()
        found.partial_files = self.clean_partial_uploads(live)
        return found

    def _owned_by_me(self, column: Any) -> Any:
        return _owned_by(column, self.instance_id)

    # files --------------------------------------------------------------------------------
    @property
    def partial_name_prefix(self) -> str:
        """Half-received uploads are named '<server instance>-<random>.part', so a recovery removes only those of
        servers no longer running."""
        return self.instance_id or ""

    def clean_partial_uploads(self, live: set[str] | None = None) -> int:
        """Remove uploads a crash or a kill left half-received: those of servers no longer running (``live`` the
        running ones; all but this server's when not given) and any not named by a server."""
        live = self.live_instances() if live is None else live
        removed = 0
        for path in self.partial_dir.iterdir():
            match = _PARTIAL_NAME.match(path.name)
            if path.is_file() and (match is None or match.group(1) not in live):
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def adopt_upload(self, partial: Path, sha256: str, size: int, filename: str) -> StoredFile:
        """Move a fully received upload from the partial area to its content-addressed name."""
        name = sha256 + suffix_of(filename)
        target = self.data_dir / "uploads" / name
        if target.exists():  # the same content again: keep the stored file (and its index) untouched
            partial.unlink()
        else:
            os.chmod(partial, 0o600)
            os.replace(partial, target)
        return StoredFile(sha256=sha256, size=size, relpath=f"uploads/{name}")

    def save_upload(self, stream: IO[bytes], filename: str, limit: int) -> StoredFile:
        """Copy a stream into the upload area (used by tools and tests; the app streams itself)."""
        digest = hashlib.sha256()
        size = 0
        tmp = self.partial_dir / f"{uuid.uuid4().hex}.part"
        try:
            with open(tmp, "wb") as out:
                os.chmod(tmp, 0o600)
                while block := stream.read(1 << 20):
                    size += len(block)
                    if size > limit:
                        raise TooLarge(f"upload larger than {limit} bytes")
                    digest.update(block)
                    out.write(block)
            return self.adopt_upload(tmp, digest.hexdigest(), size, filename)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def path_of(self, relpath: str) -> Path:
        return self.data_dir / relpath

    def case_dir(self, case_id: str) -> Path:
        return self.data_dir / "cases" / case_id

    def signed_dir(self, case_id: str, version: int | None = None) -> Path:
        """Frozen copies of signed-off reports (kept apart from the report folder a rebuild replaces)."""
        folder = self.data_dir / "signed" / case_id
        return folder if version is None else folder / f"v{version}"

    def reanalysis_dir(self, case_id: str) -> Path:
        """Re-analysed reports waiting for a person to accept or dismiss them."""
        return self.data_dir / "reanalysis" / case_id

    def earlier_dir(self, case_id: str, version: int | None = None) -> Path:
        """Unsigned report versions that an accepted re-analysis replaced (kept read-only)."""
        folder = self.data_dir / "earlier" / case_id
        return folder if version is None else folder / f"v{version}"

    # cases --------------------------------------------------------------------------------
    def case_for_form(self, form_id: str) -> str | None:
        """The case created from the new-case form ``form_id``, if one was."""
        with self.session() as s:
            return s.scalar(select(Case.id).where(Case.form_id == form_id))

    def create_case(self, patient_key: str, uploads: dict[str, tuple[str, StoredFile]], proband: str | None,
                    hpo: list[str], *, created_by: str = "", options: dict[str, Any] | None = None,
                    form_id: str | None = None) -> str:
        """A new case (queued for this server's build); ``form_id`` names the form it comes from: a case made from
        that form already (another server took the same form at the same moment) is ``DuplicateForm``."""
        try:
            return self._create_case(patient_key, uploads, proband, hpo, created_by=created_by, options=options,
                                     form_id=form_id)
        except IntegrityError:
            existing = self.case_for_form(form_id) if form_id is not None else None
            if existing is None:
                raise
            raise DuplicateForm(existing) from None

    def _create_case(self, patient_key: str, uploads: dict[str, tuple[str, StoredFile]], proband: str | None,
                     hpo: list[str], *, created_by: str, options: dict[str, Any] | None, form_id: str | None) -> str:
        case_id = str(uuid.uuid4())
        patient_key = patient_key or f"case-{case_id[:8]}"  # no patient given: the clinical record's, once read
        with self.session() as s:
            patient = s.scalar(select(Patient).where(Patient.key == patient_key))
            if patient is None:
                patient = Patient(key=patient_key)
                s.add(patient)
                s.flush()
            case = Case(id=case_id, patient_id=patient.id, proband=proband, hpo=" ".join(hpo), status=CASE_QUEUED,
                        created_by=created_by, options=json.dumps(options or {}, sort_keys=True),
                        run_instance=self.instance_id, form_id=form_id)
            s.add(case)
            for role, (filename, stored) in sorted(uploads.items()):
                s.add(Upload(case_id=case_id, role=role, filename=safe_filename(filename), sha256=stored.sha256,
                             size=stored.size, stored=stored.relpath))
        return case_id

    def get_case(self, case_id: str) -> dict[str, Any] | None:
        with self.session() as s:
            # the case and its patient in one statement: read apart, a report finishing in between could move the case
            # from its placeholder patient and delete that patient, and the second read found no patient (a 500)
            case = s.get(Case, case_id, options=[joinedload(Case.patient)])
            if case is None:
                return None
            return _case_dict(case)

    def list_cases(self, page: int = 1, per_page: int = PAGE_SIZE, **filters: str) -> tuple[list[dict[str, Any]], int]:
        """One page of cases, newest first, and the total number that match: one SQL statement (the
        total is a scalar sub-query, answered from an index; the page walks the created_at index)."""
        counted = _filtered(select(func.count()).select_from(Case).join(Patient, Case.patient_id == Patient.id), filters)
        q = (select(Case.id, Patient.key, Case.status, Case.progress, Case.error, Case.report_id, Case.created_at,
                    Case.review_state, Case.version, Case.created_by, Case.assigned_to, Case.genes, Case.classes,
                    Case.repeat_result, Case.stage, _pending_changes(), counted.scalar_subquery())
             .join(Patient, Case.patient_id == Patient.id))
        q = _filtered(q, filters)
        q = q.order_by(Case.created_at.desc(), Case.id).limit(per_page).offset(max(0, page - 1) * per_page)
        with self.session() as s:
            rows = s.execute(q).all()
        cases = [{"id": r[0], "patient": r[1], "status": r[2], "progress": r[3], "error": r[4], "report_id": r[5],
                  "created_at": r[6], "review_state": r[7], "version": r[8], "created_by": r[9], "assigned_to": r[10],
                  "genes": r[11].split(), "classes": [c for c in r[12].strip().split("|") if c],
                  "repeat_result": r[13].split(), "stage": r[14], "needs_review": int(r[15] or 0)} for r in rows]
        return cases, (int(rows[0][-1]) if rows else self.count_cases(**filters) if page > 1 else 0)

    def count_cases(self, **filters: str) -> int:
        with self.session() as s:
            q = _filtered(select(func.count()).select_from(Case).join(Patient, Case.patient_id == Patient.id), filters)
            return int(s.scalar(q) or 0)

    def all_case_ids(self) -> list[str]:
        with self.session() as s:
            return list(s.scalars(select(Case.id).order_by(Case.created_at)).all())

    def set_status(self, case_id: str, status: str, *, progress: str | None = None, error: str | None = None,
                   summary: str | None = None, report_id: str | None = None) -> None:
        with self.session() as s:
            case = s.get(Case, case_id)
            if case is None:
                return
            case.status = status
            if progress is not None:
                case.progress = progress[:200]
            if error is not None:
                case.error = error
            if summary is not None:
                case.summary = summary
            if report_id is not None:
                case.report_id = report_id
            if status in (CASE_DONE, CASE_FAILED):
                case.finished_at = _now()
                case.run_instance = None
            if status == CASE_QUEUED:  # queued for this server's worker pool
                case.error = None
                case.run_instance = self.instance_id

    def set_findings(self, case_id: str, *, genes: list[str], variants: list[str], classes: list[str], repeats: list[str],
                     stage: str | None, eligible_trials: int | None, identity_status: str | None) -> None:
        """Searchable digest of a finished report (for the cross-case search and the dashboard)."""
        with self.session() as s:
            case = s.get(Case, case_id)
            if case is None:
                return
            _apply_findings(case, genes=genes, variants=variants, classes=classes, repeats=repeats, stage=stage,
                            eligible_trials=eligible_trials, identity_status=identity_status)

    def set_progress(self, case_id: str, progress: str) -> None:
        """The progress of this server's build of a case (a build taken over by another server writes nothing)."""
        with self.session() as s:
            s.execute(update(Case).where(Case.id == case_id, Case.status == CASE_RUNNING,
                                         self._owned_by_me(Case.run_instance)).values(progress=progress[:200]))

    def claim_interrupted_runs(self, live: set[str] | None = None) -> list[str]:
        """Queued or running builds whose server is no longer running (``live`` the running ones), taken over by this
        one (a conditional UPDATE each: two servers recovering at once take each build once); oldest first. A build a
        running server holds is left to it."""
        live = self.live_instances() if live is None else live
        with self.session() as s:
            rows = s.execute(select(Case.id, Case.run_instance).where(Case.status.in_([CASE_QUEUED, CASE_RUNNING]))
                             .order_by(Case.created_at)).all()
        claimed: list[str] = []
        for case_id, owner in rows:
            if owner in live:
                continue
            with self.session() as s:
                done = s.execute(update(Case).where(
                    Case.id == case_id, Case.status.in_([CASE_QUEUED, CASE_RUNNING]),
                    _owned_by(Case.run_instance, owner))
                    .values(run_instance=self.instance_id, status=CASE_QUEUED, progress="queued (taken over after a "
                                                                                        "server stop)"))
            if getattr(done, "rowcount", 0) == 1:
                claimed.append(case_id)
        return claimed

    def start_run(self, case_id: str) -> bool:
        """Mark this server's build of a case running; False (nothing changed) when the case is gone, finished, or its
        build was taken over by another server meanwhile."""
        with self.session() as s:
            done = s.execute(update(Case).where(Case.id == case_id, Case.status.in_([CASE_QUEUED, CASE_RUNNING]),
                                                self._owned_by_me(Case.run_instance))
                             .values(status=CASE_RUNNING, progress="starting"))
            return bool(getattr(done, "rowcount", 0) == 1)

    def fail_run(self, case_id: str, error: str) -> bool:
        """Record that this server's build of a case failed (not when the build was taken over meanwhile)."""
        with self.session() as s:
            done = s.execute(update(Case).where(Case.id == case_id, Case.status.in_([CASE_QUEUED, CASE_RUNNING]),
                                                self._owned_by_me(Case.run_instance))
                             .values(status=CASE_FAILED, error=error, progress="failed", finished_at=_now(),
                                     run_instance=None))
            return bool(getattr(done, "rowcount", 0) == 1)

    # review lifecycle ---------------------------------------------------------------------
    def set_review(self, case_id: str, *, state: str | None = None, assigned_to: str | None = None,
                   version: int | None = None) -> None:
        with self.session() as s:
            case = s.get(Case, case_id)
            if case is None:
                return
            if state is not None:
                case.review_state = state
            if assigned_to is not None:
                case.assigned_to = assigned_to or None
            if version is not None:
                case.version = version

    def move_review(self, case_id: str, version: int, from_state: str, to_state: str) -> bool:
        """Change the review state only if the case is still ``from_state`` at ``version`` (one conditional UPDATE,
        atomic on SQLite and PostgreSQL): True for the one request that made the change. Moving to 'signing off'
        records this server as the sign-off's owner; moving from it succeeds only for that owner."""
        cond = [Case.id == case_id, Case.version == version, Case.review_state == from_state]
        if from_state == SIGNING:
            cond.append(self._owned_by_me(Case.signing_instance))
        with self.session() as s:
            done = s.execute(update(Case).where(*cond).values(
                review_state=to_state, signing_instance=self.instance_id if to_state == SIGNING else None))
            return bool(getattr(done, "rowcount", 0) == 1)

    def release_interrupted_signoffs(self, live: set[str] | None = None) -> list[tuple[str, int]]:
        """Cases left 'signing off' by a server no longer running (``live`` the running ones): back in review, and
        the signed copy that was being written (never recorded) removed. A sign-off in progress on a running server is
        left alone. Returns the (case, version) pairs released."""
        live = self.live_instances() if live is None else live
        with self.session() as s:
            rows = s.execute(select(Case.id, Case.version, Case.signing_instance)
                             .where(Case.review_state == SIGNING)).all()
        released: list[tuple[str, int]] = []
        for case_id, version, owner in rows:
            if owner in live:
                continue
            with self.session() as s:
                done = s.execute(update(Case).where(
                    Case.id == case_id, Case.version == version, Case.review_state == SIGNING,
                    _owned_by(Case.signing_instance, owner))
                    .values(review_state=IN_REVIEW, signing_instance=None))
            if getattr(done, "rowcount", 0) == 1:
                released.append((case_id, version))
                staged = sorted(self.signed_dir(case_id).glob(f".v{version}-{owner}-*")) if owner else []
                self.remove_files([self.signed_dir(case_id, version), *staged])
        return released

    def staged_signed_dir(self, case_id: str, version: int) -> Path:
        """Where a sign-off writes its signed copy before it is recorded (named by this server, so a recovery removes
        only the copies of servers no longer running); ``add_report_version`` moves it to ``signed_dir``."""
        return self.signed_dir(case_id) / f".v{version}-{self.instance_id or 'local'}-{uuid.uuid4().hex}"

    def add_report_version(self, case_id: str, version: int, *, author: str, signed_by: str, report_sha256: str,
                           report_id: str | None, staged: Path | None = None) -> bool:
        """Record a sign-off of ``version`` and mark the case signed off, if the case is still there and being signed
        off at that version by this server (one conditional UPDATE first, then the row); the signed copy written to
        ``staged`` becomes ``signed_dir(case_id, version)`` in the same step. False, recording and moving nothing,
        when it is not (deleted while the signed copy was written, or released by another server that found this one
        stopped)."""
        final = self.signed_dir(case_id, version)
        moved = False
        try:
            with self.session() as s:
                claimed = s.execute(update(Case).where(Case.id == case_id, Case.version == version,
                                                       Case.review_state == SIGNING,
                                                       self._owned_by_me(Case.signing_instance))
                                    .values(review_state=FINAL, signing_instance=None))
                if getattr(claimed, "rowcount", 0) != 1:
                    return False
                if staged is not None:
                    self.remove_files([final])  # the unrecorded copy of a sign-off cut short before this one
                    os.rename(staged, final)
                    moved = True
                s.add(ReportVersion(case_id=case_id, version=version, author=author, signed_by=signed_by,
                                    report_sha256=report_sha256, report_id=report_id))
            return True
        except BaseException:
            if moved and staged is not None:
                os.rename(final, staged)
            raise

    def amend(self, case_id: str, reason: str) -> int:
        with self.session() as s:
            case = s.get(Case, case_id)
            if case is None:
                return 0
            signed = s.scalar(select(ReportVersion).where(ReportVersion.case_id == case_id,
                                                          ReportVersion.version == case.version))
            if signed is not None:
                signed.amended_reason = reason[:2000]
            case.version += 1
            case.review_state = AMENDED
            _supersede(s, case_id)
            return case.version

    def report_versions(self, case_id: str) -> list[dict[str, Any]]:
        with self.session() as s:
            rows = s.scalars(select(ReportVersion).where(ReportVersion.case_id == case_id)
                             .order_by(ReportVersion.version)).all()
            return [{"version": r.version, "author": r.author, "signed_by": r.signed_by, "signed_at": r.signed_at,
                     "report_sha256": r.report_sha256, "report_id": r.report_id, "amended_reason": r.amended_reason}
                    for r in rows]

    # re-analysis --------------------------------------------------------------------------
    def add_reanalysis(self, case_id: str, *, ran_by: str, status: str, n_changes: int, result: str,
                       old_knowledge: str | None, new_knowledge: str, knowledge_hash: str, base_version: int,
                       base_sha256: str | None, report_path: str | None) -> tuple[int, list[str]] | None:
        """Record one case's re-analysis; an earlier result still waiting for review is superseded (its
        waiting report's path is returned for removal). None, recording nothing, when the case is no longer there
        (deleted while it was re-run: the row is claimed first, so a delete waits or comes after)."""
        with self.session() as s:
            claimed = s.execute(update(Case).where(Case.id == case_id).values(version=Case.version))
            if getattr(claimed, "rowcount", 0) != 1:
                return None
            stale = _supersede(s, case_id)
            row = ReanalysisRow(case_id=case_id, ran_by=ran_by[:80], status=status, n_changes=n_changes, result=result,
                                old_knowledge=old_knowledge, new_knowledge=new_knowledge, knowledge_hash=knowledge_hash,
                                base_version=base_version, base_sha256=base_sha256, report_path=report_path)
            s.add(row)
            s.flush()
            return row.id, stale

    def reanalyses(self, case_id: str, limit: int = 20) -> list[dict[str, Any]]:
        with self.session() as s:
            rows = s.scalars(select(ReanalysisRow).where(ReanalysisRow.case_id == case_id)
                             .order_by(ReanalysisRow.id.desc()).limit(limit)).all()
            return [_reanalysis_dict(r) for r in rows]

    def reanalysis(self, reanalysis_id: int) -> dict[str, Any] | None:
        with self.session() as s:
            row = s.get(ReanalysisRow, reanalysis_id)
            return None if row is None else _reanalysis_dict(row)

    def decide_reanalysis(self, reanalysis_id: int, *, status: str, by: str, new_version: int | None = None,
                          state: str | None = None, summary: str | None = None, report_id: str | None = None,
                          expected_state: str | None = None) -> bool:
        """Accept (the case moves to ``new_version`` in review ``state``) or dismiss a waiting result, in
        one transaction; False when it is no longer waiting (decided or superseded meanwhile), or, on accepting,
        when the case is no longer at ``new_version - 1`` in ``expected_state`` (sent for review, signed off or
        amended since the accepting request checked it: the claim is atomic with those conditional moves)."""
        with self.session() as s:
            row = s.get(ReanalysisRow, reanalysis_id, with_for_update=True)
            if row is None or row.status != NEEDS_REVIEW:
                return False
            case = s.get(Case, row.case_id, with_for_update=True)
            if new_version is not None and (case is None or case.version != new_version - 1 or (
                    expected_state is not None and case.review_state != expected_state)):
                return False
            row.status, row.decided_by, row.decided_at, row.new_version = status, by[:80], _now(), new_version
            if case is not None and new_version is not None:
                case.version = new_version
                if state is not None:
                    case.review_state = state
                if summary is not None:
                    case.summary = summary
                if report_id is not None:
                    case.report_id = report_id
            return True

    # comments -----------------------------------------------------------------------------
    def add_comment(self, case_id: str, author: str, text: str, variant_key: str | None, version: int) -> bool:
        """Add a comment to a case; False, writing nothing, when the case is no longer there (its row is claimed
        first, so a delete waits or comes after)."""
        with self.session() as s:
            claimed = s.execute(update(Case).where(Case.id == case_id).values(version=Case.version))
            if getattr(claimed, "rowcount", 0) != 1:
                return False
            s.add(Comment(case_id=case_id, author=author, text=text[:5000], variant_key=variant_key,
                          case_version=version))
            return True

    def comments(self, case_id: str) -> list[dict[str, Any]]:
        with self.session() as s:
            rows = s.scalars(select(Comment).where(Comment.case_id == case_id).order_by(Comment.created_at,
                                                                                      Comment.id)).all()
            return [{"author": c.author, "text": c.text, "variant_key": c.variant_key, "version": c.case_version,
                     "created_at": c.created_at} for c in rows]

    # audit --------------------------------------------------------------------------------
    def audit(self, actor: str, action: str, *, case_id: str | None = None, patient: str | None = None,
              detail: str = "") -> None:
        with self.session() as s:
            s.add(AuditRow(actor=actor[:80], action=action[:30], case_id=case_id, patient=patient and patient[:120],
                           detail=detail[:4000]))

    def audit_once(self, actor: str, action: str, *, case_id: str | None = None, patient: str | None = None,
                   detail: str = "", within_seconds: int = 600) -> bool:
        """Audit a read that a page repeats by itself (the case page polls the status API while a report is built):
        one entry per actor, action, case, patient and detail in ``within_seconds``. True when an entry was added."""
        since = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=within_seconds)
        with self.session() as s:
            q = select(AuditRow.id).where(AuditRow.actor == actor[:80], AuditRow.action == action[:30],
                                          AuditRow.detail == detail[:4000], AuditRow.at >= since)
            q = q.where(AuditRow.case_id == case_id) if case_id is not None else q.where(AuditRow.case_id.is_(None))
            q = q.where(AuditRow.patient == patient[:120]) if patient is not None else q.where(AuditRow.patient.is_(None))
            if s.execute(q.limit(1)).first() is not None:
                return False
        self.audit(actor, action, case_id=case_id, patient=patient, detail=detail)
        return True

    @staticmethod
    def _audit_query(case_id: str | None, patient: str | None) -> Any:
        q = select(AuditRow)
        if case_id is not None:
            q = q.where(AuditRow.case_id == case_id)
        if patient is not None:
            q = q.where(AuditRow.patient == patient)
        return q

    @staticmethod
    def _audit_dict(r: AuditRow) -> dict[str, Any]:
        return {"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "case_id": r.case_id,
                "patient": r.patient, "detail": r.detail}

    def audit_trail(self, case_id: str | None = None, patient: str | None = None) -> list[dict[str, Any]]:
        """Every matching entry, oldest first (a case's or a patient's trail; the whole trail is read in chunks
        by ``audit_chunks`` or a page at a time by ``audit_page``)."""
        return [row for chunk in self.audit_chunks(case_id, patient) for row in chunk]

    def audit_latest(self, case_id: str, limit: int) -> tuple[list[dict[str, Any]], int]:
        """A case's ``limit`` newest entries, newest first, and how many it has: two indexed queries, whatever the
        trail's length (the case page showed 30 but read every entry, and every view adds one)."""
        with self.session() as s:
            total = int(s.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.case_id == case_id)) or 0)
            rows = s.scalars(self._audit_query(case_id, None).order_by(AuditRow.id.desc()).limit(limit)).all()
            return [self._audit_dict(r) for r in rows], total

    def audit_chunks(self, case_id: str | None = None, patient: str | None = None,
                     size: int = 5_000) -> Iterator[list[dict[str, Any]]]:
        """Every matching entry, oldest first, ``size`` at a time (keyset on the id: each chunk is one indexed
        query, whatever the trail's length; an export is complete, never cut at a row count)."""
        after = 0
        while True:
            with self.session() as s:
                rows = s.scalars(self._audit_query(case_id, patient).where(AuditRow.id > after)
                                 .order_by(AuditRow.id).limit(size)).all()
                chunk = [self._audit_dict(r) for r in rows]
            if not chunk:
                return
            yield chunk
            after = chunk[-1]["id"]

    def audit_page(self, page: int, per_page: int) -> tuple[list[dict[str, Any]], int]:
        """One page of the whole trail, newest first, and the number of entries."""
        with self.session() as s:
            total = int(s.scalar(select(func.count()).select_from(AuditRow)) or 0)
            rows = s.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(per_page)
                             .offset(max(0, page - 1) * per_page)).all()
            return [self._audit_dict(r) for r in rows], total

    # deletion -----------------------------------------------------------------------------
    def delete_case(self, case_id: str) -> list[Path]:
        """Delete a case's rows and the stored uploads no other case uses (under ``files_lock``, so an upload of the
        same file is either counted as a use or stores its own copy afterwards); return the case's folders to
        remove."""
        with self.files_lock:
            with self.session() as s:
                case = s.get(Case, case_id)
                if case is None:
                    return []
                stored = [u.stored for u in case.uploads]
                s.execute(delete(Comment).where(Comment.case_id == case_id))
                s.execute(delete(ReportVersion).where(ReportVersion.case_id == case_id))
                s.execute(delete(ReanalysisRow).where(ReanalysisRow.case_id == case_id))
                s.execute(delete(Upload).where(Upload.case_id == case_id))
                s.delete(case)
                s.flush()
                still_used = set(s.scalars(select(Upload.stored).where(Upload.stored.in_(stored))).all())
            for path in (self.path_of(r) for r in stored if r not in still_used):
                path.unlink(missing_ok=True)
                Path(f"{path}.tbi").unlink(missing_ok=True)
        return [self.case_dir(case_id), self.signed_dir(case_id), self.reanalysis_dir(case_id),
                self.earlier_dir(case_id)]

    def drop_unused_uploads(self, relpaths: list[str]) -> None:
        """Remove the stored files among ``relpaths`` that no case uses (an upload that made no case); the caller
        holds ``files_lock``."""
        with self.session() as s:
            used = set(s.scalars(select(Upload.stored).where(Upload.stored.in_(relpaths))).all())
        for path in (self.path_of(r) for r in relpaths if r not in used):
            path.unlink(missing_ok=True)
            Path(f"{path}.tbi").unlink(missing_ok=True)

    def delete_patient(self, key: str) -> tuple[list[str], list[Path]]:
        with self.session() as s:
            p = s.scalar(select(Patient).where(Patient.key == key))
            if p is None:
                return [], []
            case_ids = [c.id for c in p.cases]
        files: list[Path] = []
        for cid in case_ids:
            files += self.delete_case(cid)
        with self.session() as s:
            p = s.scalar(select(Patient).where(Patient.key == key))
            if p is not None:
                s.execute(delete(VisitRow).where(VisitRow.patient_id == p.id))
                s.delete(p)
        return case_ids, files

    @staticmethod
    def remove_files(paths: list[Path]) -> None:
        for path in paths:
            if path.is_dir():
                for sub in (path, *path.rglob("*")):  # frozen copies are read-only
                    with contextlib.suppress(OSError):
                        os.chmod(sub, 0o700)
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)

    # patients and visits -----------------------------------------------------------------
    def list_patients(self, page: int = 1, per_page: int = PAGE_SIZE) -> tuple[list[dict[str, Any]], int]:
        n_cases = select(func.count()).where(Case.patient_id == Patient.id).correlate(Patient).scalar_subquery()
        n_visits = select(func.count()).where(VisitRow.patient_id == Patient.id).correlate(Patient).scalar_subquery()
        q = (select(Patient.key, n_cases, n_visits, func.count().over())
             .order_by(Patient.key).limit(per_page).offset(max(0, page - 1) * per_page))
        with self.session() as s:
            rows = s.execute(q).all()
        return [{"key": r[0], "cases": r[1], "visits": r[2]} for r in rows], (rows[0][3] if rows else 0)

    def patient(self, key: str) -> dict[str, Any] | None:
        with self.session() as s:
            p = s.scalar(select(Patient).where(Patient.key == key))
            if p is None:
                return None
            return {"key": p.key, "cases": [_case_dict(c) for c in p.cases],
                    "visits": [_visit_dict(v) for v in p.visits]}

    def upsert_visit(self, patient_key: str, when: date, *, alsfrs_r: int | None, fvc_percent: float | None,
                     weight_kg: float | None, source: str, items: dict[str, int] | None = None,
                     keep_manual: bool = False, create_patient: bool = True, by: str | None = None,
                     weight_confirmed: bool = False) -> bool | None:
        """Record a visit (replacing the one on that date); with ``keep_manual`` a visit a person recorded or
        corrected in the app is kept (a report's clinical record does not overwrite it). True when written; None when
        the patient is not there and ``create_patient`` is off (a visit typed for a patient deleted meanwhile)."""
        with self.session() as s:
            return _upsert_visit(s, patient_key, when, alsfrs_r=alsfrs_r, fvc_percent=fvc_percent,
                                 weight_kg=weight_kg, source=source, items=items, keep_manual=keep_manual,
                                 create_patient=create_patient, by=by, weight_confirmed=weight_confirmed)

    def finish_run(self, case_id: str, *, patient_key: str | None, visits: list[dict[str, Any]], source: str,
                   findings: dict[str, Any], summary: str, report_id: str) -> tuple[str, list[str]] | None:
        """Record a built report in one transaction that first claims the case's row (a conditional UPDATE: the row
        stays locked, on PostgreSQL, or the database, on SQLite, until the end): the case's patient named by its
        clinical record (``patient_key``, for a case uploaded without one), the record's visits (a visit recorded
        by hand is kept), the searchable findings and the status. None when the case was deleted meanwhile, or its
        build taken over by another server: nothing is written (a deleted patient is not recreated by its visits).
        Else the case's patient and the dates of the visits kept."""
        with self.session() as s:
            claimed = s.execute(update(Case).where(Case.id == case_id, self._owned_by_me(Case.run_instance))
                                .values(progress="saving the report"))
            if getattr(claimed, "rowcount", 0) != 1:
                return None
            case = s.get(Case, case_id)
            if case is None:
                return None
            if patient_key and case.patient.key.startswith("case-") and case.patient.key != patient_key:
                _move_case_to(s, case, patient_key)
            key = case.patient.key
            kept = [v["when"].isoformat() for v in visits
                    if not _upsert_visit(s, key, v["when"], alsfrs_r=v["alsfrs_r"], fvc_percent=v["fvc_percent"],
                                         weight_kg=v["weight_kg"], source=source, keep_manual=True,
                                         items=v.get("items"), by="system", weight_confirmed=bool(v.get("weight_confirmed")))]
            _apply_findings(case, **findings)
            case.status, case.progress, case.summary, case.report_id = CASE_DONE, "done", summary, report_id
            case.finished_at, case.run_instance = _now(), None
            return key, kept

    def visit(self, visit_id: int) -> dict[str, Any] | None:
        with self.session() as s:
            v = s.get(VisitRow, visit_id)
            if v is None:
                return None
            return {**_visit_dict(v), "patient": v.patient.key}

    def set_visit_choice(self, case_id: str, when: date, choice: dict[str, str]) -> bool:
        """Keep a person's choice on a conflict between the patient chart and the case's clinical record
        (``options.visit_choices``, read by every build of the case). False when the case is gone."""
        with self.session() as s:
            case = s.get(Case, case_id, with_for_update=True)
            if case is None:
                return False
            options = json.loads(case.options or "{}")
            options.setdefault("visit_choices", {})[when.isoformat()] = choice
            case.options = json.dumps(options, sort_keys=True)
            return True

    def chart_changed_at(self, patient_key: str) -> datetime | None:
        """The last time the patient's chart changed: a visit recorded, corrected or removed (the audit trail names
        the removals), None for a chart nobody changed."""
        chart_actions = ("add-visit", "edit-visit", "delete-visit", "resolve-visit")
        with self.session() as s:
            recorded = s.scalar(select(func.max(VisitRow.recorded_at)).join(Patient)
                                .where(Patient.key == patient_key))
            audited = s.scalar(select(func.max(AuditRow.at)).where(AuditRow.patient == patient_key,
                                                                   AuditRow.action.in_(chart_actions)))
        return max((t for t in (recorded, audited) if t is not None), default=None)

    def visit_entries(self, patient_key: str) -> dict[str, tuple[str, datetime]]:
        """Per visit date (ISO), who last added or corrected that visit and when, from the audit trail (for visits
        recorded before ``visits.recorded_by`` existed)."""
        with self.session() as s:
            rows = s.execute(select(AuditRow.detail, AuditRow.actor, AuditRow.at)
                             .where(AuditRow.patient == patient_key, AuditRow.action.in_(("add-visit", "edit-visit")))
                             .order_by(AuditRow.id)).all()
        return {detail[:10]: (actor, at) for detail, actor, at in rows if re.match(r"\d{4}-\d\d-\d\d:", detail)}

    def delete_visit(self, visit_id: int) -> None:
        with self.session() as s:
            s.execute(delete(VisitRow).where(VisitRow.id == visit_id))

    # dashboard ----------------------------------------------------------------------------
    def cohort_counts(self) -> dict[str, Any]:
        with self.session() as s:
            rows = s.execute(select(Case.genes, Case.stage, Case.eligible_trials, Case.review_state)
                             .where(Case.status == CASE_DONE)).all()
        genes: dict[str, int] = {}
        stages: dict[str, int] = {}
        trials = {"eligible for at least one trial": 0, "no trial eligibility found": 0, "not assessed": 0}
        states: dict[str, int] = {}
        for g, stage, eligible, state in rows:
            for gene in set(g.split()):
                genes[gene] = genes.get(gene, 0) + 1
            stages[stage or "not assessed"] = stages.get(stage or "not assessed", 0) + 1
            key = ("not assessed" if eligible is None else "eligible for at least one trial" if eligible > 0
                   else "no trial eligibility found")
            trials[key] += 1
            states[state] = states.get(state, 0) + 1
        return {"cases": len(rows), "genes": sorted(genes.items(), key=lambda kv: (-kv[1], kv[0])),
                "stages": sorted(stages.items()), "trials": list(trials.items()), "review": sorted(states.items())}

    # users and sessions -------------------------------------------------------------------
    def add_user(self, username: str, role: str, password_hash: str | None, display_name: str = "") -> None:
        with self.session() as s:
            s.add(User(username=username, role=role, password_hash=password_hash, display_name=display_name))

    def set_user_disabled(self, username: str, disabled: bool) -> bool:
        with self.session() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                return False
            user.disabled = disabled
            if disabled:
                s.execute(delete(SessionRow).where(SessionRow.user_id == user.id))
            return True

    def user(self, username: str) -> dict[str, Any] | None:
        with self.session() as s:
            u = s.scalar(select(User).where(User.username == username))
            return None if u is None else _user_dict(u)

    def users(self) -> list[dict[str, Any]]:
        with self.session() as s:
            return [_user_dict(u) for u in s.scalars(select(User).order_by(User.username)).all()]

    def has_users_safely(self) -> bool:
        """Whether accounts exist, migrating first (the serve command asks before the app starts)."""
        self.migrate()
        return self.has_users()

    def has_users(self) -> bool:
        with self.session() as s:
            return s.scalar(select(User.id).limit(1)) is not None

    def create_session(self, session_hash: str, username: str, expires_at: datetime, *,
                       instance_id: str | None = None) -> None:
        """Open a session; with ``instance_id`` it lasts only while that server instance runs (a token session)."""
        with self.session() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                raise KeyError(username)
            s.execute(delete(SessionRow).where(SessionRow.expires_at < _now()))
            s.add(SessionRow(id=session_hash, user_id=user.id, expires_at=expires_at, instance_id=instance_id))

    def session_user(self, session_hash: str) -> dict[str, Any] | None:
        with self.session() as s:
            row = s.get(SessionRow, session_hash)
            if row is None or row.expires_at < _now() or row.user.disabled:
                return None
            if row.instance_id is not None:  # a token session: only while the server that opened it runs
                owner = s.get(ServerInstance, row.instance_id)
                if owner is None or owner.stopped_at is not None or owner.lease_until < _now():
                    return None
            return _user_dict(row.user)

    def end_orphaned_sessions(self, token_user: str, live: set[str] | None = None) -> int:
        """End the sessions bound to a server instance no longer running (``live`` the running ones), and sessions of
        ``token_user`` bound to none (opened before servers registered themselves); the number ended."""
        live = self.live_instances() if live is None else live
        with self.session() as s:
            bound = s.execute(select(SessionRow.id, SessionRow.instance_id)
                              .where(SessionRow.instance_id.is_not(None))).all()
            ended = [i for i, owner in bound if owner not in live]
            if ended:
                s.execute(delete(SessionRow).where(SessionRow.id.in_(ended)))
            user = s.scalar(select(User.id).where(User.username == token_user))
            unbound = 0
            old = [SessionRow.user_id == user, SessionRow.instance_id.is_(None)]
            if user is not None and s.scalar(select(SessionRow.id).where(*old).limit(1)) is not None:
                done = s.execute(delete(SessionRow).where(*old))
                unbound = int(getattr(done, "rowcount", 0) or 0)
            return len(ended) + unbound

    def purge_expired_sessions(self) -> int:
        """Delete the sessions past their expiry (they are refused already; their rows only accumulated). Not an
        audited event: no one's access changes."""
        now = _now()
        with self.session() as s:  # looked for first: most beats find none, and take no write lock
            if s.scalar(select(SessionRow.id).where(SessionRow.expires_at < now).limit(1)) is None:
                return 0
            done = s.execute(delete(SessionRow).where(SessionRow.expires_at < now))
            return int(getattr(done, "rowcount", 0) or 0)

    def end_session(self, session_hash: str) -> None:
        with self.session() as s:
            s.execute(delete(SessionRow).where(SessionRow.id == session_hash))


def _visit_dict(v: VisitRow) -> dict[str, Any]:
    return {"id": v.id, "date": v.date, "alsfrs_r": v.alsfrs_r, "fvc_percent": v.fvc_percent, "weight_kg": v.weight_kg,
            "source": v.source, "items": json.loads(v.items) if v.items else None, "recorded_by": v.recorded_by,
            "recorded_at": v.recorded_at, "weight_confirmed": bool(v.weight_confirmed)}


def _upsert_visit(s: Session, patient_key: str, when: date, *, alsfrs_r: int | None, fvc_percent: float | None,
                  weight_kg: float | None, source: str, items: dict[str, int] | None = None,
                  keep_manual: bool = False, create_patient: bool = True, by: str | None = None,
                  weight_confirmed: bool = False) -> bool | None:
    patient = s.scalar(select(Patient).where(Patient.key == patient_key))
    if patient is None:
        if not create_patient:
            return None
        patient = Patient(key=patient_key)
        s.add(patient)
        s.flush()
    row = s.scalar(select(VisitRow).where(VisitRow.patient_id == patient.id, VisitRow.date == when))
    if row is None:
        row = VisitRow(patient_id=patient.id, date=when)
        s.add(row)
    elif keep_manual and row.source == MANUAL_VISIT:
        return False
    changed = (row.alsfrs_r, row.fvc_percent, row.weight_kg, row.items) != (
        alsfrs_r, fvc_percent, weight_kg, json.dumps(items, sort_keys=True) if items else None)
    if changed or row.recorded_at is None or source == MANUAL_VISIT:  # a report's same values: its first recording
        row.recorded_by, row.recorded_at = by, _now()
    row.alsfrs_r, row.fvc_percent, row.weight_kg, row.source = alsfrs_r, fvc_percent, weight_kg, source
    row.items = json.dumps(items, sort_keys=True) if items else None
    row.weight_confirmed = weight_confirmed
    return True


def _move_case_to(s: Session, case: Case, patient_key: str) -> None:
    """File a case under another patient; the patient it leaves is removed if nothing is left under it (the
    placeholder of a case uploaded without a patient: it stayed in the patient list with no case and no visit)."""
    patient = s.scalar(select(Patient).where(Patient.key == patient_key))
    if patient is None:
        patient = Patient(key=patient_key)
        s.add(patient)
        s.flush()
    left = case.patient_id
    case.patient_id = patient.id
    s.flush()
    s.refresh(case)
    if not s.scalar(select(func.count()).select_from(Case).where(Case.patient_id == left)) and \
            not s.scalar(select(func.count()).select_from(VisitRow).where(VisitRow.patient_id == left)):
        s.execute(delete(Patient).where(Patient.id == left))


def _apply_findings(case: Case, *, genes: list[str], variants: list[str], classes: list[str], repeats: list[str],
                    stage: str | None, eligible_trials: int | None, identity_status: str | None) -> None:
    case.genes = (" " + " ".join(sorted(set(genes))) + " ")[:2000]
    case.variants = " " + " ".join(sorted(set(variants))) + " "
    case.classes = ("|" + "|".join(sorted(set(classes))) + "|")[:400]
    case.repeat_result = (" " + " ".join(sorted(set(repeats))) + " ")[:400]
    case.stage, case.eligible_trials, case.identity_status = stage, eligible_trials, identity_status


def _supersede(s: Session, case_id: str) -> list[str]:
    """Mark a case's results still waiting for review as superseded; return their waiting reports."""
    rows = s.scalars(select(ReanalysisRow).where(ReanalysisRow.case_id == case_id,
                                                 ReanalysisRow.status == NEEDS_REVIEW)).all()
    for r in rows:
        r.status = SUPERSEDED
    return [r.report_path for r in rows if r.report_path]


def _reanalysis_dict(r: ReanalysisRow) -> dict[str, Any]:
    return {"id": r.id, "case_id": r.case_id, "ran_at": r.ran_at, "ran_by": r.ran_by, "status": r.status,
            "n_changes": r.n_changes, "result": r.result, "old_knowledge": r.old_knowledge,
            "new_knowledge": r.new_knowledge, "knowledge_hash": r.knowledge_hash, "base_version": r.base_version,
            "base_sha256": r.base_sha256, "report_path": r.report_path, "decided_by": r.decided_by,
            "decided_at": r.decided_at, "new_version": r.new_version,
            "reason": json.loads(r.result).get("reason") if r.status == NOT_REANALYSED else None}


def _user_dict(u: User) -> dict[str, Any]:
    return {"username": u.username, "display_name": u.display_name or u.username, "role": u.role,
            "password_hash": u.password_hash, "disabled": u.disabled}


def _pending_changes() -> Any:
    """Correlated sub-query: the number of changes waiting for review on a case (None when none are)."""
    return (select(ReanalysisRow.n_changes).where(ReanalysisRow.case_id == Case.id,
                                                  ReanalysisRow.status == NEEDS_REVIEW)
            .order_by(ReanalysisRow.id.desc()).limit(1).correlate(Case).scalar_subquery())


def _filtered(q: Any, filters: dict[str, str]) -> Any:
    """Cross-case search: gene, variant (key or HGVS text in the summary), class, repeat result, state. Typed text is
    matched as typed ('%' and '_' are not LIKE wildcards)."""
    if filters.get("gene"):
        q = q.where(Case.genes.contains(f" {filters['gene'].strip().upper()} ", autoescape=True))
    if filters.get("acmg_class"):
        q = q.where(Case.classes.contains(f"|{filters['acmg_class'].strip()}|", autoescape=True))
    if filters.get("repeat"):
        q = q.where(Case.repeat_result.contains(filters["repeat"].strip(), autoescape=True))
    if filters.get("variant"):
        q = q.where(Case.variants.contains(filters["variant"].strip(), autoescape=True))
    if filters.get("state"):
        q = q.where(Case.review_state == filters["state"])
    if filters.get("patient"):
        q = q.where(Patient.key == filters["patient"])
    if filters.get("needs_review"):
        q = q.where(select(ReanalysisRow.id).where(ReanalysisRow.case_id == Case.id,
                                                   ReanalysisRow.status == NEEDS_REVIEW).correlate(Case).exists())
    return q


def _case_dict(case: Case) -> dict[str, Any]:
    return {
        "id": case.id, "patient": case.patient.key, "status": case.status, "progress": case.progress,
        "error": case.error, "proband": case.proband, "hpo": case.hpo.split() if case.hpo else [],
        "summary": case.summary, "report_id": case.report_id, "created_at": case.created_at,
        "finished_at": case.finished_at, "created_by": case.created_by, "review_state": case.review_state,
        "version": case.version, "assigned_to": case.assigned_to, "identity_status": case.identity_status, "options": json.loads(case.options or "{}"),
        "uploads": [{"role": u.role, "filename": u.filename, "sha256": u.sha256, "size": u.size, "stored": u.stored}
                    for u in case.uploads],
    }


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        from sqlalchemy import event

        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            import sqlite3
            import time

            cur = dbapi_conn.cursor()
            # WAL lets readers proceed while a report worker writes; busy_timeout waits instead of failing.
            cur.execute("PRAGMA busy_timeout=60000")
            # Switching a new database to WAL does not wait for a lock another connection holds (no busy handler):
            # a second server starting while the first migrates failed 'database is locked'. Tried again instead.
            deadline = time.monotonic() + 60
            while True:
                try:
                    cur.execute("PRAGMA journal_mode=WAL")
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=20)


def open_database(url: str) -> Engine:
    """The engine of a database given by URL, after one connection to it: a URL that does not parse, names a driver
    that is not installed, or a server that does not answer is a ``ConfigurationError`` (never echoing the password)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    from charcot.errors import ConfigurationError

    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        shown = None
    try:
        engine = make_engine(url)
        with engine.connect():
            pass
    except (ArgumentError, NoSuchModuleError, ImportError, DBAPIError) as exc:
        reason = (str(exc.orig) if isinstance(exc, DBAPIError) else str(exc)).strip().splitlines()[0]
        if shown is None:
            reason = "it is not a database URL"
        raise ConfigurationError(f"cannot open the database {shown or 'given by --database-url'}: {reason[:300]}",
                                 hint="a PostgreSQL URL is postgresql+psycopg2://USER:PASSWORD@HOST:PORT/DATABASE and "
                                      "its server must be running; leave --database-url out for SQLite in --data-dir"
                                 ) from None
    return engine


def migrate(engine: Engine) -> None:
    """Bring the database schema to the newest alembic revision (programmatic, no alembic.ini)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        # Two servers starting at once on one database migrate it one after the other (each found no table and
        # created it: the second failed, 'table ... already exists'). The lock lasts until this transaction ends.
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # the database's write lock, taken before anything is read
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
