"""The case store: SQLAlchemy models and a small repository over them.

SQLite in the data directory by default, PostgreSQL by URL. The schema is owned by the alembic
migrations in ``charcot/web/migrations`` (run at start-up), never by ``create_all``. Uploaded files
live content-addressed under ``<data_dir>/uploads`` (written atomically, named by SHA-256); report
outputs under ``<data_dir>/cases/<case id>/``.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

CASE_QUEUED = "queued"
CASE_RUNNING = "running"
CASE_DONE = "done"
CASE_FAILED = "failed"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


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
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    patient: Mapped[Patient] = relationship(back_populates="cases")
    uploads: Mapped[list[Upload]] = relationship(back_populates="case", order_by="Upload.role")


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
    source: Mapped[str] = mapped_column(String(40), default="manual")
    patient: Mapped[Patient] = relationship(back_populates="visits")


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_SUFFIXES = (".vcf.gz", ".vcf.bgz", ".vcf", ".bcf", ".ped", ".fam", ".yaml", ".yml", ".json", ".txt")


def safe_filename(name: str) -> str:
    """File name for display and storage: no directories, no odd characters, bounded length."""
    base = _SAFE_NAME.sub("_", Path(name or "upload").name).strip("._") or "upload"
    return base[:120]


def _suffix(name: str) -> str:
    lower = name.lower()
    return next((s for s in _SUFFIXES if lower.endswith(s)), "")


@dataclass
class StoredFile:
    sha256: str
    size: int
    relpath: str


class TooLarge(Exception):
    """An upload exceeded the configured limit."""


class Store:
    """Repository: every database access of the web app goes through here."""

    def __init__(self, data_dir: Path, database_url: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "uploads").mkdir(exist_ok=True)
        (self.data_dir / "cases").mkdir(exist_ok=True)
        self.url = database_url or f"sqlite:///{(self.data_dir / 'charcot.sqlite3').resolve()}"
        self.engine: Engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # schema -------------------------------------------------------------------------------
    def migrate(self) -> None:
        migrate(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    # files --------------------------------------------------------------------------------
    def save_upload(self, stream: IO[bytes], filename: str, limit: int) -> StoredFile:
        """Copy a stream into the content-addressed upload area atomically; refuse past ``limit`` bytes."""
        digest = hashlib.sha256()
        size = 0
        folder = self.data_dir / "uploads"
        fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                while block := stream.read(1 << 20):
                    size += len(block)
                    if size > limit:
                        raise TooLarge(f"upload larger than {limit} bytes")
                    digest.update(block)
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            name = digest.hexdigest() + _suffix(filename)
            target = folder / name
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return StoredFile(sha256=digest.hexdigest(), size=size, relpath=f"uploads/{name}")

    def path_of(self, relpath: str) -> Path:
        return self.data_dir / relpath

    def case_dir(self, case_id: str) -> Path:
        return self.data_dir / "cases" / case_id

    # cases --------------------------------------------------------------------------------
    def create_case(self, patient_key: str, uploads: dict[str, tuple[str, StoredFile]], proband: str | None,
                    hpo: list[str]) -> str:
        case_id = str(uuid.uuid4())
        with self.session() as s:
            patient = s.scalar(select(Patient).where(Patient.key == patient_key))
            if patient is None:
                patient = Patient(key=patient_key)
                s.add(patient)
                s.flush()
            case = Case(id=case_id, patient_id=patient.id, proband=proband, hpo=" ".join(hpo), status=CASE_QUEUED)
            s.add(case)
            for role, (filename, stored) in sorted(uploads.items()):
                s.add(Upload(case_id=case_id, role=role, filename=safe_filename(filename), sha256=stored.sha256,
                             size=stored.size, stored=stored.relpath))
        return case_id

    def get_case(self, case_id: str) -> dict[str, Any] | None:
        with self.session() as s:
            case = s.get(Case, case_id)
            if case is None:
                return None
            return _case_dict(case)

    def list_cases(self) -> list[dict[str, Any]]:
        with self.session() as s:
            rows = s.scalars(select(Case).order_by(Case.created_at.desc(), Case.id)).all()
            return [_case_dict(c) for c in rows]

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

    def set_progress(self, case_id: str, progress: str) -> None:
        with self.session() as s:
            case = s.get(Case, case_id)
            if case is not None:
                case.progress = progress[:200]

    def unfinished_cases(self) -> list[str]:
        with self.session() as s:
            return list(s.scalars(select(Case.id).where(Case.status.in_([CASE_QUEUED, CASE_RUNNING]))
                                  .order_by(Case.created_at)).all())

    # patients and visits -----------------------------------------------------------------
    def list_patients(self) -> list[dict[str, Any]]:
        with self.session() as s:
            rows = s.scalars(select(Patient).order_by(Patient.key)).all()
            return [{"key": p.key, "cases": len(p.cases), "visits": len(p.visits),
                     "last_alsfrs_r": next((v.alsfrs_r for v in reversed(p.visits) if v.alsfrs_r is not None), None)}
                    for p in rows]

    def patient(self, key: str) -> dict[str, Any] | None:
        with self.session() as s:
            p = s.scalar(select(Patient).where(Patient.key == key))
            if p is None:
                return None
            return {"key": p.key, "cases": [_case_dict(c) for c in p.cases],
                    "visits": [{"date": v.date, "alsfrs_r": v.alsfrs_r, "fvc_percent": v.fvc_percent,
                                "weight_kg": v.weight_kg, "source": v.source} for v in p.visits]}

    def upsert_visit(self, patient_key: str, when: date, *, alsfrs_r: int | None, fvc_percent: float | None,
                     weight_kg: float | None, source: str) -> None:
        with self.session() as s:
            patient = s.scalar(select(Patient).where(Patient.key == patient_key))
            if patient is None:
                patient = Patient(key=patient_key)
                s.add(patient)
                s.flush()
            row = s.scalar(select(VisitRow).where(VisitRow.patient_id == patient.id, VisitRow.date == when))
            if row is None:
                row = VisitRow(patient_id=patient.id, date=when)
                s.add(row)
            row.alsfrs_r, row.fvc_percent, row.weight_kg, row.source = alsfrs_r, fvc_percent, weight_kg, source

    def rename_patient_of_case(self, case_id: str, patient_key: str) -> None:
        """Attach a case to the patient named in its clinical record (when the form left it blank)."""
        with self.session() as s:
            case = s.get(Case, case_id)
            if case is None or case.patient.key == patient_key:
                return
            patient = s.scalar(select(Patient).where(Patient.key == patient_key))
            if patient is None:
                patient = Patient(key=patient_key)
                s.add(patient)
                s.flush()
            case.patient_id = patient.id


def _case_dict(case: Case) -> dict[str, Any]:
    return {
        "id": case.id, "patient": case.patient.key, "status": case.status, "progress": case.progress,
        "error": case.error, "proband": case.proband, "hpo": case.hpo.split() if case.hpo else [],
        "summary": case.summary, "report_id": case.report_id, "created_at": case.created_at,
        "finished_at": case.finished_at,
        "uploads": [{"role": u.role, "filename": u.filename, "sha256": u.sha256, "size": u.size, "stored": u.stored}
                    for u in case.uploads],
    }


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        from sqlalchemy import event

        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # WAL lets readers proceed while a report worker writes; busy_timeout waits instead of failing.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=20)


def migrate(engine: Engine) -> None:
    """Bring the database schema to the newest alembic revision (programmatic, no alembic.ini)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
