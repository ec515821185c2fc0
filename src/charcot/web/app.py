"""The charcot web app (FastAPI + Jinja2, no external assets: works offline).

``create_app(settings)`` builds the app; ``charcot serve`` runs it with uvicorn. Reports are built in
a small worker pool from uploaded files; the case store (``store.Store``) persists cases, uploads
(with checksums) and longitudinal ALSFRS-R visits. Every template autoescapes; report HTML is served
with a Content-Security-Policy that forbids scripts and external loads.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from charcot.web import auth
from charcot.web.store import CASE_DONE, CASE_FAILED, CASE_RUNNING, Store, TooLarge

log = logging.getLogger("charcot.web")

DEFAULT_MAX_UPLOAD = 200 * 1024 * 1024  # one WGS small-variant VCF.gz is ~150 MB
REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
APP_CSP = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
           "connect-src 'self'; form-action 'self'; frame-src 'self'; base-uri 'none'")
_HPO = re.compile(r"^HP:\d{7}$")
_OUTPUTS = {"report.html": "text/html; charset=utf-8", "report.pdf": "application/pdf",
            "report.json": "application/json", "phenopacket.json": "application/json"}
ROLES = ("vcf", "str", "ped", "clinical")
_INDEX_LOCK = threading.Lock()


@dataclass
class Settings:
    data_dir: Path
    database_url: str | None = None
    token: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    workers: int = 2
    pdf: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


class BodyLimit:
    """ASGI middleware: refuse request bodies over the limit with 413, before they are parsed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await _too_large(send, self.limit)
            return
        seen = 0
        refused = False

        async def limited() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    # Stop reading; whatever the app answers to the truncated body is replaced by 413.
                    refused = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        try:
            await self.app(scope, limited, guarded_send)
        except Exception:
            if not refused:
                raise
        if refused:
            await _too_large(send, self.limit)


async def _too_large(send: Send, limit: int) -> None:
    body = f"upload refused: larger than the limit of {limit} bytes\n".encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _templates() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("charcot.web", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


class Runner:
    """Builds reports in a bounded thread pool; state lives in the store, so nothing is lost on restart."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store, self.settings = store, settings
        self.pool = ThreadPoolExecutor(max_workers=max(1, settings.workers), thread_name_prefix="charcot-report")
        self._lock = threading.Lock()

    def submit(self, case_id: str) -> None:
        self.pool.submit(self.run, case_id)

    def run(self, case_id: str) -> None:
        from charcot.errors import CharcotError

        try:
            self._run(case_id)
        except CharcotError as exc:
            self.store.set_status(case_id, CASE_FAILED, error=exc.message + (f" (hint: {exc.hint})" if exc.hint else ""),
                                  progress="failed")
            log.info("case %s failed: bad input (%s)", case_id, type(exc).__name__)
        except Exception as exc:  # a bug: keep the case, say so, log only the type (no patient data)
            self.store.set_status(case_id, CASE_FAILED, error=f"internal error ({type(exc).__name__})", progress="failed")
            log.error("case %s failed: internal error %s", case_id, type(exc).__name__)

    def _run(self, case_id: str) -> None:
        from charcot.report.build import CaseInputs, build_report
        from charcot.report.write import write_report

        case = self.store.get_case(case_id)
        if case is None:
            return
        self.store.set_status(case_id, CASE_RUNNING, progress="starting")
        log.info("case %s: building report", case_id)
        files = {u["role"]: self.store.path_of(u["stored"]) for u in case["uploads"]}
        if "vcf" in files:
            _index_vcf(files["vcf"])
        clinical = files.get("clinical")
        is_packet = clinical is not None and clinical.suffix == ".json"
        inputs = CaseInputs(
            vcf=files.get("vcf"), str_vcf=files.get("str"), ped=files.get("ped"), proband=case["proband"],
            clinical=None if is_packet else clinical, phenopacket=clinical if is_packet else None, hpo=case["hpo"])

        def progress(message: str) -> None:
            self.store.set_progress(case_id, message)

        report = build_report(inputs, progress=progress)
        write_report(report, self.store.case_dir(case_id), pdf=self.settings.pdf, progress=progress)
        if case["patient"].startswith("case-") and report.header.patient_id:
            self.store.rename_patient_of_case(case_id, report.header.patient_id)
            case = self.store.get_case(case_id) or case
        for v in report.clinical.visits:
            self.store.upsert_visit(case["patient"], v.date, alsfrs_r=v.alsfrs_r, fvc_percent=v.fvc_percent,
                                    weight_kg=v.weight_kg, source=f"report {report.header.report_id}")
        summary = "\n".join(f"{s.topic}: {s.text}" for s in report.summary)
        self.store.set_status(case_id, CASE_DONE, progress="done", summary=summary, report_id=report.header.report_id)
        log.info("case %s: done", case_id)


def _index_vcf(path: Path) -> None:
    """Tabix-index an uploaded bgzipped VCF once (content-addressed, so the index is reused); a plain
    or non-BGZF file is read without one."""
    if not path.name.endswith((".vcf.gz", ".vcf.bgz")) or Path(f"{path}.tbi").exists():
        return
    import pysam

    with _INDEX_LOCK:  # two workers on the same upload must not write the same index at once
        if Path(f"{path}.tbi").exists():
            return
        with contextlib.suppress(OSError, ValueError):
            pysam.tabix_index(str(path), preset="vcf", keep_original=True)


def create_app(settings: Settings) -> FastAPI:
    store = Store(settings.data_dir, settings.database_url)
    store.migrate()
    runner = Runner(store, settings)
    templates = _templates()
    app = FastAPI(title="charcot", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store, app.state.runner, app.state.settings = store, runner, settings
    for case_id in store.unfinished_cases():  # requeue work interrupted by a restart
        runner.submit(case_id)

    def page(name: str, request: Request, **context: Any) -> HTMLResponse:
        html = templates.get_template(name).render(request_path=request.url.path, token_required=bool(settings.token),
                                                   **context)
        return HTMLResponse(html)

    @app.middleware("http")
    async def _security(request: Request, call_next: Any) -> Response:
        path = request.url.path
        if not path.startswith(auth.OPEN_PATHS) and not auth.token_ok(
                settings.token, request.headers.get("authorization"), request.cookies.get(auth.COOKIE)):
            if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
                return RedirectResponse("/login", status_code=303)
            return JSONResponse({"detail": "token required"}, status_code=401)
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", APP_CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> HTMLResponse:
        return page("login.html.j2", request, error=None)

    @app.post("/login")
    def login(request: Request, token: str = Form(...)) -> Response:
        if not auth.token_ok(settings.token, f"Bearer {token}", None):
            refused = page("login.html.j2", request, error="wrong token")
            refused.status_code = 401
            return refused
        resp = RedirectResponse("/", status_code=303)
        resp.set_cookie(auth.COOKIE, token, httponly=True, samesite="strict")
        return resp

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        return page("cases.html.j2", request, cases=store.list_cases(), patients=store.list_patients())

    @app.get("/cases/new", response_class=HTMLResponse)
    def new_case(request: Request) -> HTMLResponse:
        return page("new_case.html.j2", request, max_upload=settings.max_upload_bytes, error=None)

    async def _create(patient: str, proband: str, hpo: str, files: dict[str, UploadFile | None]) -> str:
        terms = [t for t in re.split(r"[\s,;]+", hpo.strip()) if t]
        bad = [t for t in terms if not _HPO.match(t)]
        if bad:
            raise HTTPException(422, f"not an HPO id: {bad[0][:40]!r} (expected HP:0000000)")
        if not any(f is not None and f.filename for f in files.values()):
            raise HTTPException(422, "upload at least one file (VCF, repeat VCF, PED or clinical record)")
        stored: dict[str, tuple[str, Any]] = {}
        for role, upload in files.items():
            if upload is None or not upload.filename:
                continue
            try:
                stored[role] = (upload.filename, store.save_upload(upload.file, upload.filename,
                                                                   settings.max_upload_bytes))
            except TooLarge:
                raise HTTPException(413, f"{role} upload is larger than the limit of "
                                         f"{settings.max_upload_bytes} bytes") from None
        key = patient.strip()[:120] or "case-pending"
        case_id = store.create_case(key, stored, proband.strip()[:120] or None, terms)
        if key == "case-pending":
            store.rename_patient_of_case(case_id, f"case-{case_id[:8]}")
        runner.submit(case_id)
        log.info("case %s queued (%d files)", case_id, len(stored))
        return case_id

    @app.post("/cases")
    async def create_case(
        patient: str = Form(""), proband: str = Form(""), hpo: str = Form(""),
        vcf: UploadFile | None = None, str_file: UploadFile | None = None, ped: UploadFile | None = None,
        clinical: UploadFile | None = None,
    ) -> Response:
        case_id = await _create(patient, proband, hpo, {"vcf": vcf, "str": str_file, "ped": ped, "clinical": clinical})
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    @app.post("/api/cases", status_code=202)
    async def api_create_case(
        patient: str = Form(""), proband: str = Form(""), hpo: str = Form(""),
        vcf: UploadFile | None = None, str_file: UploadFile | None = None, ped: UploadFile | None = None,
        clinical: UploadFile | None = None,
    ) -> dict[str, str]:
        case_id = await _create(patient, proband, hpo, {"vcf": vcf, "str": str_file, "ped": ped, "clinical": clinical})
        return {"id": case_id, "status_url": f"/api/cases/{case_id}"}

    def _case_or_404(case_id: str) -> dict[str, Any]:
        case = store.get_case(case_id) if re.fullmatch(r"[0-9a-f-]{36}", case_id) else None
        if case is None:
            raise HTTPException(404, "no such case")
        return case

    @app.get("/api/cases")
    def api_cases() -> list[dict[str, Any]]:
        return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in c.items() if k != "uploads"}
                for c in store.list_cases()]

    @app.get("/api/cases/{case_id}")
    def api_case(case_id: str) -> dict[str, Any]:
        case = _case_or_404(case_id)
        return {"id": case["id"], "status": case["status"], "progress": case["progress"], "error": case["error"],
                "report_id": case["report_id"], "patient": case["patient"],
                "uploads": [{k: u[k] for k in ("role", "filename", "sha256", "size")} for u in case["uploads"]]}

    @app.get("/cases/{case_id}", response_class=HTMLResponse)
    def show_case(request: Request, case_id: str) -> HTMLResponse:
        return page("case.html.j2", request, case=_case_or_404(case_id), outputs=list(_OUTPUTS))

    @app.get("/cases/{case_id}/{name}")
    def case_output(case_id: str, name: str, download: int = 0) -> Response:
        case = _case_or_404(case_id)
        if name not in _OUTPUTS:
            raise HTTPException(404, "no such output")
        path = store.case_dir(case["id"]) / name
        if case["status"] != CASE_DONE or not path.is_file():
            raise HTTPException(404, "report not ready")
        filename = f"{case['report_id'] or 'report'}-{name}"
        response = FileResponse(path, media_type=_OUTPUTS[name],
                                content_disposition_type="attachment" if download or name.endswith(".pdf") else "inline",
                                filename=filename)
        response.headers["Content-Security-Policy"] = REPORT_CSP
        return response

    @app.get("/patients/{key}", response_class=HTMLResponse)
    def show_patient(request: Request, key: str) -> HTMLResponse:
        patient = store.patient(key)
        if patient is None:
            raise HTTPException(404, "no such patient")
        return page("patient.html.j2", request, patient=patient, chart=_alsfrs_svg(patient["visits"]))

    @app.post("/patients/{key}/visits")
    def add_visit(key: str, visit_date: str = Form(...), alsfrs_r: str = Form(""), fvc_percent: str = Form(""),
                  weight_kg: str = Form("")) -> Response:
        if store.patient(key) is None:
            raise HTTPException(404, "no such patient")
        try:
            when = date.fromisoformat(visit_date)
            total = int(alsfrs_r) if alsfrs_r.strip() else None
            fvc = float(fvc_percent) if fvc_percent.strip() else None
            weight = float(weight_kg) if weight_kg.strip() else None
        except ValueError:
            raise HTTPException(422, "visit date must be YYYY-MM-DD and scores numbers") from None
        if total is not None and not 0 <= total <= 48:
            raise HTTPException(422, "ALSFRS-R total must be 0-48")
        store.upsert_visit(key, when, alsfrs_r=total, fvc_percent=fvc, weight_kg=weight, source="manual")
        return RedirectResponse(f"/patients/{key}", status_code=303)

    @app.get("/knowledge", response_class=HTMLResponse)
    def knowledge(request: Request, section: str = "genes") -> HTMLResponse:
        from charcot.knowledge import get_knowledge

        kb = get_knowledge()
        sections = ("genes", "therapies", "trials", "repeats")
        if section not in sections:
            raise HTTPException(404, "no such section")
        note: str | None = None
        try:
            records = [r.model_dump(mode="json") for r in kb.records(section)]
        except Exception as exc:  # a section not curated yet: show that, do not fail the page
            records, note = [], f"section unavailable ({type(exc).__name__})"
        return page("knowledge.html.j2", request, section=section, sections=sections, records=records,
                    columns=_columns(section, records), note=note, meta=kb.meta)

    from charcot.web.calculators import register as register_calculators

    register_calculators(app, page)
    # Whole-request cap: the per-file limit plus room for the form fields and the other files' headers.
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes * len(ROLES) + 1024 * 1024)
    return app


def _columns(section: str, records: list[dict[str, Any]]) -> list[str]:
    preferred = {"genes": ["symbol", "hgnc_id", "role", "inheritance", "disease_mechanism", "sources", "confidence"],
                 "therapies": ["name", "key", "kind", "status", "regulatory", "targets", "sources", "confidence"],
                 "trials": ["id", "key", "title", "phase", "status", "sources", "confidence"],
                 "repeats": ["locus", "gene", "repeat_unit", "sources", "confidence"]}[section]
    present = {k for r in records for k in r}
    cols = [c for c in preferred if c in present]
    return cols or sorted(present)[:6]


def _alsfrs_svg(visits: list[dict[str, Any]]) -> str | None:
    """A dependency-free inline SVG of ALSFRS-R over time (built from numbers only, so no escaping issues)."""
    points = [(v["date"], v["alsfrs_r"]) for v in visits if v["alsfrs_r"] is not None]
    if len(points) < 2:
        return None
    t0 = points[0][0]
    span = max((points[-1][0] - t0).days, 1)
    w, h, pad = 480, 200, 30
    coords = [(pad + (d - t0).days / span * (w - 2 * pad), h - pad - s / 48 * (h - 2 * pad)) for d, s in points]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"/>' for x, y in coords)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" aria-label="ALSFRS-R over time">'
            f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="#888"/>'
            f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{h - pad}" stroke="#888"/>'
            f'<text x="4" y="{pad + 4}" font-size="10">48</text><text x="8" y="{h - pad}" font-size="10">0</text>'
            f'<polyline fill="none" stroke="#a3001b" stroke-width="2" points="{path}"/>{dots}</svg>')
