"""The charcot web app: a clinic's workspace (FastAPI + Jinja2, no external assets: works offline).

``create_app(settings)`` builds the app; ``charcot serve`` runs it with uvicorn. Reports are built in
a small worker pool from uploaded files; the case store (``store.Store``) persists cases, uploads
(with checksums), ALSFRS-R visits, users and sessions, comments, signed report versions and the
append-only audit trail. ``auth`` decides who may do what; ``uploads`` streams files to disk.

Security model (see ``auth``): a Host allow-list on every request, same-origin + CSRF token on every
state-changing browser request, per-user expiring sessions, ``Cache-Control: no-store`` and a strict
CSP on every answer (reports are framed with no scripts at all).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import logging
import re
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from charcot.web import auth
from charcot.web.store import (
    AMENDED,
    CASE_DONE,
    CASE_FAILED,
    CASE_QUEUED,
    DRAFT,
    FINAL,
    IN_REVIEW,
    MANUAL_VISIT,
    NEEDS_REVIEW,
    PAGE_SIZE,
    SIGNING,
    UPLOAD_ROLES,
    DuplicateForm,
    Store,
    TooLarge,
    make_private,
    safe_filename,
)

log = logging.getLogger("charcot.web")
MAX_PAGE = 1_000_000_000  # x 200 per page stays far inside a 64-bit SQL OFFSET

# A realistic GATK-style whole-genome VCF.gz is ~250 MB, a gVCF several GB; 2 GiB covers the former
# with room to spare and is streamed to disk (never held in memory).
DEFAULT_MAX_UPLOAD = 2 * 1024 * 1024 * 1024
REPORT_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
              "frame-ancestors 'self'")
APP_CSP = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'self'; "
           "connect-src 'self'; form-action 'self'; frame-src 'self'; base-uri 'none'; frame-ancestors 'none'")
_HPO = re.compile(r"^HP:\d{7}$")
_OUTPUTS = {"report.html": "text/html; charset=utf-8", "report.pdf": "application/pdf",
            "report.json": "application/json", "phenopacket.json": "application/json"}
# Form field of each upload role (the repeat VCF keeps its old field name).
FILE_FIELDS = {"vcf": "vcf", "str_file": "str", "ped": "ped", "ages": "ages", "clinical": "clinical",
               "phenopacket": "phenopacket"}
ALSFRS_ITEMS = ("q1", "q2", "q3", "q4", "q5a", "q5b", "q6", "q7", "q8", "q9", "q10", "q11", "q12")
ACMG_CLASSES = ("Pathogenic", "Likely pathogenic", "Uncertain significance", "Likely benign", "Benign")
_INDEX_LOCK = threading.Lock()
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UPLOAD_PATHS = ("/cases", "/api/cases")  # the streaming uploads (``_create``); every other body is a small form
FORM_LIMIT = 4 * 1024 * 1024  # a form's whole body: a pasted pedigree, a comment, a visit
_JOB_LOCK = threading.Lock()
MAX_USER_NAME = 80


@dataclass
class Settings:
    data_dir: Path
    database_url: str | None = None
    token: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    workers: int = 2
    pdf: bool = True
    allowed_hosts: tuple[str, ...] = auth.LOOPBACK
    tls: bool = False
    session_hours: float = auth.SESSION_HOURS
    clinvar: Path | None = None  # the server's resource bundle, used for every case
    gnomad: Path | None = None
    # Several servers may share one database: each renews its lease in ``server_instances`` every
    # ``heartbeat_seconds``; one not renewed for ``heartbeat_expiry_seconds`` is taken for stopped (its sign-off in
    # progress released, its builds taken over, its token sessions ended).
    heartbeat_seconds: float = auth.HEARTBEAT_SECONDS
    heartbeat_expiry_seconds: float = auth.HEARTBEAT_EXPIRY_SECONDS
    extra: dict[str, Any] = field(default_factory=dict)


class BodyLimit:
    """ASGI middleware: refuse a request whose declared length is over the whole-request cap before
    reading it, and stop reading one that streams past it. The cap is ``limit`` for the upload routes and
    ``FORM_LIMIT`` for every other request (a form is parsed in memory: the upload's cap let one request to an open
    path such as /login hold a gigabyte). Per-file limits are enforced by ``uploads.receive_form`` as the bytes
    arrive."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = scope["path"] in UPLOAD_PATHS
        cap = self.limit if upload else min(self.limit, FORM_LIMIT)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > cap:
            await _plain(send, 413, f"request refused: larger than the limit of {cap} bytes\n",
                         [(b"connection", b"close")])
            return
        if not upload:  # a small form: read it whole (at most ``cap``) before the app sees it, refuse it past the cap
            body, more = bytearray(), True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                body += message.get("body", b"")
                more = bool(message.get("more_body", False))
                if len(body) > cap:
                    await _plain(send, 413, f"request refused: larger than the limit of {cap} bytes\n",
                                 [(b"connection", b"close")])
                    return
            whole: list[Message] = [{"type": "http.request", "body": bytes(body), "more_body": False}]

            async def replay() -> Message:
                return whole.pop() if whole else await receive()

            await self.app(scope, replay, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise TooLarge("request")
            return message

        await self.app(scope, limited, send)


async def _plain(send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store"), *(extra or [])]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware run on every request: Host allow-list, same-origin rule for state changes, who
    is asking (principal), and the headers every answer carries."""

    def __init__(self, app: ASGIApp, *, store: Store, settings: Settings, accounts: bool, secret: bytes,
                 on_error: Callable[[Any, Exception], Awaitable[Response]] | None = None,
                 signed_out: Callable[[Any], Awaitable[Response]] | None = None) -> None:
        self.app, self.store, self.settings, self.accounts, self.secret = app, store, settings, accounts, secret
        self.on_error, self.signed_out = on_error, signed_out

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._guard(scope, receive, tracked)
        except Exception as exc:
            # Answered here with the app's error page (which logs the error's type): re-raised, the server would log
            # the traceback, whose messages and SQL parameters carry patient names and data.
            if self.on_error is None:
                raise
            if started:
                log.error("internal error after the answer began: %s", type(exc).__name__)
                return
            await self._page(await self.on_error(Request(scope, receive), exc), scope, receive, tracked)

    async def _page(self, response: Response, scope: Scope, receive: Receive, send: Send) -> None:
        """Send a page the Guard answers with itself, with the headers every answer carries."""
        async def secured(message: Message) -> None:
            await send(self._secured(message, APP_CSP, None, scope["method"]))

        await response(scope, receive, secured)

    def _secured(self, message: Message, csp: str, cookie_header: str | None, method: str) -> Message:
        """The headers every answer carries (set on its ``http.response.start`` message)."""
        if message["type"] != "http.response.start":
            return message
        hdrs = [(k, v) for k, v in message.get("headers", []) if k.lower() not in (
            b"cache-control", b"content-security-policy", b"x-content-type-options", b"referrer-policy",
            b"x-frame-options")]
        hdrs += [(b"cache-control", b"no-store"), (b"pragma", b"no-cache"),
                 (b"content-security-policy", csp.encode()), (b"x-content-type-options", b"nosniff"),
                 (b"referrer-policy", b"same-origin"),
                 (b"x-frame-options", b"SAMEORIGIN" if csp == REPORT_CSP else b"DENY"),
                 (b"cross-origin-opener-policy", b"same-origin"),
                 (b"cross-origin-resource-policy", b"same-origin")]
        if self.settings.tls:
            hdrs.append((b"strict-transport-security", b"max-age=31536000"))
        if cookie_header:
            hdrs.append((b"set-cookie", cookie_header.encode()))
        if method in _UNSAFE and message["status"] >= 400:
            # A refused request may still be sending its body: close rather than drain it.
            hdrs.append((b"connection", b"close"))
        return {**message, "headers": hdrs}

    async def _guard(self, scope: Scope, receive: Receive, send: Send) -> None:
        import anyio.to_thread
        from starlette.datastructures import Headers
        from starlette.requests import cookie_parser

        headers = Headers(scope=scope)
        if not auth.host_allowed(headers.get("host"), self.settings.allowed_hosts):
            await _plain(send, 400, "unknown host: this server answers only to its own name\n")
            return
        method, path = scope["method"], scope["path"]
        if method in _UNSAFE and not auth.origin_ok(headers.get("origin"), headers.get("host"),
                                                     headers.get("sec-fetch-site"), headers.get("referer")):
            await _plain(send, 403, "refused: a cross-origin request may not change anything here\n",
                         [(b"connection", b"close")])
            return
        cookie = cookie_parser(headers.get("cookie", "")).get(auth.COOKIE)
        new_cookie: str | None = None
        principal: auth.Principal | None = None
        if auth.token_ok(self.settings.token, headers.get("authorization")):
            principal = auth.TOKEN_USER
        elif not self.accounts:
            principal = auth.LOCAL_USER
            if not cookie and method == "GET" and "text/html" in headers.get("accept", ""):
                # local mode: a random cookie only to tie this browser's CSRF tokens to it
                cookie = new_cookie = auth.new_session_id()
        elif cookie:
            user = await anyio.to_thread.run_sync(self.store.session_user, auth.session_hash(cookie))
            if user is not None:
                principal = auth.Principal(user["username"], user["role"], user["display_name"], "session")
        if principal is None and not path.startswith(auth.OPEN_PATHS):
            page_wanted = "text/html" in headers.get("accept", "") and not path.startswith("/api/")
            if method == "GET" and page_wanted:
                # back to this page once signed in (a path on this server only: auth.local_path)
                here = path + (f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string") else "")
                back = auth.local_path(here) if here != "/" else None  # the case list is where a sign-in leads
                await send({"type": "http.response.start", "status": 303,
                            "headers": [(b"location", auth.sign_in_url(back).encode("latin-1")), (b"cache-control", b"no-store"),
                                        (b"content-length", b"0")]})
                await send({"type": "http.response.body", "body": b""})
                return
            if page_wanted and method == "POST" and path == "/logout":
                # 'Sign out' pressed after the session ended: signed out already, the sign-in page (the stale cookie
                # cleared), not a page saying the form was not saved
                clear = _cookie_header("", self.settings, max_age=0)
                await send({"type": "http.response.start", "status": 303,
                            "headers": [(b"location", b"/login"), (b"cache-control", b"no-store"),
                                        (b"set-cookie", clear.encode()), (b"content-length", b"0")]})
                await send({"type": "http.response.body", "body": b""})
                return
            if page_wanted and self.signed_out is not None:
                # a form sent from a page whose session ended meanwhile (expired, signed out elsewhere, account
                # disabled): a page in words with the way back, not the API's JSON as raw text
                await self._page(await self.signed_out(Request(scope, receive)), scope, receive, send)
                return
            await _plain(send, 401, '{"detail": "sign in or give a bearer token"}',
                         [(b"www-authenticate", b"Bearer")])
            return
        state = scope.setdefault("state", {})
        state["principal"], state["cookie"] = principal, cookie
        # A browser request (Origin or Fetch metadata or our cookie) must prove it came from our page;
        # a bearer token or a plain script on this machine in local mode has nothing a browser could forge.
        browser = bool(headers.get("origin") or headers.get("sec-fetch-site") or (cookie and not new_cookie))
        state["csrf_required"] = method in _UNSAFE and principal is not None and principal.via != "token" and browser
        cookie_header = None
        if new_cookie:
            cookie_header = _cookie_header(new_cookie, self.settings, max_age=None)
        csp = REPORT_CSP if path.endswith(tuple(_OUTPUTS)) else APP_CSP

        async def send_with_headers(message: Message) -> None:
            await send(self._secured(message, csp, cookie_header, method))

        await self.app(scope, receive, send_with_headers)


def _cookie_header(value: str, settings: Settings, max_age: int | None) -> str:
    parts = [f"{auth.COOKIE}={value}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if settings.tls:
        parts.append("Secure")
    return "; ".join(parts)


def _templates() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("charcot.web", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["q"] = lambda s: quote(str(s), safe="")
    env.filters["words"] = lambda s: str(s).replace("_", " ")
    env.filters["input_role"] = _input_role
    from charcot.family.pedigree import AGES_COLUMNS

    # the ages file's columns as --ages names them: id, age[, status, ...] (one list for the CLI and both forms)
    env.globals["ages_columns"] = f"{', '.join(AGES_COLUMNS[:2])}[, {', '.join(AGES_COLUMNS[2:])}]"
    from charcot.web.wording import MAP_FIELD, SAMPLE_FIELD

    # the case form's labels, as the sample map's refusals name these fields (web.wording)
    env.globals["sample_field"], env.globals["map_field"] = SAMPLE_FIELD, MAP_FIELD
    return env


def _input_role(role: str) -> str:
    """An upload's role in the words the report's inputs table uses (the 'str' upload is the report's 'str_vcf')."""
    from charcot.report.render_html import INPUT_ROLES

    return INPUT_ROLES.get("str_vcf" if role == "str" else role, role)


class Runner:
    """Builds reports in a bounded thread pool; state lives in the store, so nothing is lost on restart."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store, self.settings = store, settings
        self.pool = self._new_pool()
        self._stopped = False

    def _new_pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=max(1, self.settings.workers), thread_name_prefix="charcot-report")

    @property
    def stopped(self) -> bool:
        return self._stopped

    def start(self) -> None:
        """A pool again after ``stop`` (an app served a second time, as tests do)."""
        if self._stopped:
            self.pool, self._stopped = self._new_pool(), False

    def stop(self) -> None:
        """Finish the builds running now and drop the queued ones: they stay queued in the store under this server,
        for the next server's recovery once this one is marked stopped."""
        self._stopped = True
        self.pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, case_id: str) -> None:
        self.pool.submit(self.run, case_id)

    def run(self, case_id: str) -> None:
        from charcot.errors import CharcotError
        from charcot.family.samplemap import worded
        from charcot.web.wording import FORM

        try:
            with worded(FORM):  # the sample map's refusals in the case form's terms, wherever the build raises them
                self._run(case_id)
        except CharcotError as exc:
            where = self._where(case_id, exc)
            message = (f"{where}: " if where else "") + exc.message + (f" (hint: {exc.hint})" if exc.hint else "")
            self.store.fail_run(case_id, self._no_paths(case_id, message))
            log.info("case %s failed: bad input (%s)", case_id, type(exc).__name__)
        except Exception as exc:  # a bug: keep the case, say so, log only the type (no patient data)
            self.store.fail_run(case_id, f"internal error ({type(exc).__name__})")
            log.error("case %s failed: internal error %s", case_id, type(exc).__name__)

    def _where(self, case_id: str, exc: Any) -> str:
        """Where the error is, as the CLI says it (file, line, record), with the file named as uploaded; a file
        that is not an upload of this case (a server resource, a temporary copy) is not named."""
        case = self.store.get_case(case_id) or {"uploads": []}
        parts: list[str] = []
        if exc.path:
            for u in case["uploads"]:
                stored = self.store.path_of(u["stored"])
                if exc.path in (str(stored), str(stored.resolve())):
                    if u["filename"] not in exc.message:
                        parts.append(u["filename"])
                    break
        if exc.line is not None:
            parts.append(f"line {exc.line}")
        if exc.record:
            parts.append(f"record {exc.record}")
        return " ".join(parts)

    def _no_paths(self, case_id: str, message: str) -> str:
        """Error text for the page: the server's file paths replaced by the names the user uploaded."""
        case = self.store.get_case(case_id) or {"uploads": []}
        for u in case["uploads"]:
            message = message.replace(str(self.store.path_of(u["stored"])), u["filename"])
            message = message.replace(str(self.store.path_of(u["stored"]).resolve()), u["filename"])
        for root in {str(self.store.data_dir.resolve()), str(self.store.data_dir)}:
            message = message.replace(root, "<data>")
        return message

    def _run(self, case_id: str) -> None:
        from charcot.family.samplemap import sample_map_from_pairs
        from charcot.report.build import CaseInputs, build_report
        from charcot.report.write import write_report
        from charcot.web.wording import FORM

        case = self.store.get_case(case_id)
        if case is None:
            return
        if not self.store.start_run(case_id):  # finished, or taken over by another server that found this one stopped
            log.info("case %s: not built here (no longer this server's build)", case_id)
            return
        log.info("case %s: building report", case_id)
        files = {u["role"]: self.store.path_of(u["stored"]) for u in case["uploads"]}
        if "vcf" in files:
            _index_vcf(files["vcf"])
        clinical = files.get("clinical")
        phenopacket = files.get("phenopacket")
        if clinical is not None and clinical.suffix == ".json" and phenopacket is None:
            clinical, phenopacket = None, clinical  # a phenopacket given in the clinical-record field
        opts = case["options"]
        inputs = CaseInputs(
            vcf=files.get("vcf"), str_vcf=files.get("str"), ped=files.get("ped"), ages=files.get("ages"),
            proband=case["proband"], clinical=clinical, phenopacket=phenopacket, hpo=case["hpo"],
            sample=opts.get("sample") or None, str_sample=opts.get("str_sample") or None,
            sample_map=sample_map_from_pairs(opts.get("sample_map") or [], wording=FORM),
            build=opts.get("build") or None, sex=opts.get("sex") or None,
            region=opts.get("region") or None, clinvar=self.settings.clinvar, gnomad=self.settings.gnomad,
            chart=patient_chart(self.store, case) if clinical is not None or phenopacket is not None else
            patient_chart(self.store, case, record=False))

        def progress(message: str) -> None:
            self.store.set_progress(case_id, message)

        report = build_report(inputs, progress=progress)
        out = self.store.case_dir(case_id)
        write_report(report, out, pdf=self.settings.pdf, progress=progress)
        make_private(out)
        summary = "\n".join(f"{s.topic}: {s.text}" for s in report.summary)
        finished = self.store.finish_run(
            case_id, patient_key=report.header.patient_id or None, source=f"report {report.header.report_id}",
            # the record's visits go to the chart; the chart's own are there already (clinical.chart)
            visits=[{"when": v.date, "alsfrs_r": v.alsfrs_r, "fvc_percent": v.fvc_percent, "weight_kg": v.weight_kg,
                     "items": v.alsfrs_r_items} for v in report.clinical.visits if v.source != CHART_SOURCE],
            findings=_digest(report), summary=summary, report_id=report.header.report_id)
        if finished is None:
            if self.store.get_case(case_id) is not None:  # taken over by another server: its build is recorded
                log.warning("case %s: its build was taken over by another server; this build is not recorded", case_id)
                return
            # deleted while the report was built: what this run wrote goes too (its patient is not recreated)
            self.store.remove_files([out])
            log.info("case %s was deleted while its report was built; the report was removed", case_id)
            return
        patient, kept = finished  # a person's correction of a visit is not overwritten
        self.store.audit("system", "run", case_id=case_id, patient=patient,
                         detail=f"report {report.header.report_id} built (version {case['version']})"
                                + (f"; the visit(s) of {', '.join(kept)} recorded by hand in the app kept, not the "
                                   "clinical record's values" if kept else ""))
        log.info("case %s: done", case_id)


CHART_SOURCE = "patient chart"  # clinical.chart.CHART: a report visit the chart alone gave


def chart_patient(store: Store, case: dict[str, Any]) -> str | None:
    """The patient whose chart a case's build reads: the case's, or, for a case uploaded without one, the clinical
    record's id (the patient the build will file the case under); None when that record cannot be read."""
    key = case["patient"]
    if not key.startswith("case-"):
        return str(key)
    from charcot.clinical.io import load_case

    record = next((u for u in case["uploads"] if u["role"] in ("clinical", "phenopacket")), None)
    if record is None:
        return None
    try:
        return load_case(store.path_of(record["stored"])).id
    except Exception:  # the build reads it again and says what is wrong
        return None


def chart_words(v: dict[str, Any], entries: dict[str, tuple[str, Any]]) -> str:
    """Who entered a chart visit and when: the visit's own record, else its audit entry, else its source."""
    who, when = v.get("recorded_by"), v.get("recorded_at")
    if who is None and v["source"] == MANUAL_VISIT:
        who, when = entries.get(v["date"].isoformat(), (None, None))
    at = f" on {when.strftime('%Y-%m-%d %H:%M')} UTC" if when is not None else ""
    if v["source"] != MANUAL_VISIT:
        return f"copied from {v['source']}'s clinical record{at}"
    return f"entered by {who}{at}" if who else "entered in the app (who and when not recorded)"


def patient_chart(store: Store, case: dict[str, Any], *, record: bool = True) -> Any:
    """The patient's chart as a build of ``case`` reads it (clinical.chart.Chart): every visit with who entered it,
    the case's choices on conflicts, and the chart's last change."""
    from charcot.clinical.chart import Chart, ChartChoice, ChartVisit

    key = chart_patient(store, case) if record else case["patient"]
    patient = store.patient(key) if key else None
    if patient is None or key is None:
        return Chart()
    entries = store.visit_entries(key) if any(v["recorded_by"] is None for v in patient["visits"]) else {}
    visits = [ChartVisit(date=v["date"], alsfrs_r=v["alsfrs_r"], items=v["items"], fvc_percent=v["fvc_percent"],
                         weight_kg=v["weight_kg"], weight_confirmed=v["weight_confirmed"],
                         entered=chart_words(v, entries)) for v in patient["visits"]]
    choices = [ChartChoice(date=date.fromisoformat(d), fingerprint=c["fingerprint"], by=c["by"], at=c["at"])
               for d, c in sorted((case["options"].get("visit_choices") or {}).items())]
    named = next((u["filename"] for u in case["uploads"] if u["role"] in ("clinical", "phenopacket")), None)
    return Chart(visits=visits, choices=choices, last_changed=store.chart_changed_at(key), record_name=named)


# First characters that make a spreadsheet read a CSV cell as a formula (or start one after a tab/return).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _digest(report: Any) -> dict[str, Any]:
    """The searchable facts of a report: reported genes, variants and classes, repeat results, the
    King's stage, the number of trials the patient appears eligible for."""
    findings = [f for t in report.genetics.tiers for f in t.findings]
    variants = [v for f in findings for v in (f.key, f.hgvs_c, f.hgvs_p) if v]
    repeats = [f"{c.gene or c.locus}:{c.status}" for c in report.repeats.calls]
    stage = next((m.value for m in report.clinical.measures if m.name.startswith("King's stage")), None)
    trials = [i for i in report.therapies.items if i.kind == "trial"]
    # Trials the patient could join now: eligible and recorded as open to new participants.
    eligible = sum(1 for i in trials if i.verdict == "eligible" and i.open_to_new_participants) if trials else None
    return {"genes": [f.gene for f in findings if f.gene], "variants": variants,
            "classes": [f.classification for f in findings if f.classification], "repeats": repeats,
            "stage": f"King's {stage}" if stage else None, "eligible_trials": eligible,
            "identity_status": report.identity.status}


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
        if Path(f"{path}.tbi").exists():
            Path(f"{path}.tbi").chmod(0o600)


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "") and not request.url.path.startswith("/api/")


class Heartbeat:
    """This server's entry in the instance registry, kept alive: every ``heartbeat_seconds`` the lease is renewed and
    what stopped servers left is taken over (``recover``). A server found stopped by another one (its lease ran out:
    it stopped answering) registers again: its earlier sign-offs, builds and token sessions were taken over."""

    def __init__(self, store: Store, settings: Settings, recover: Callable[[], None]) -> None:
        self.store, self.settings, self.recover = store, settings, recover
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._beat, name="charcot-heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=max(5.0, 2 * self.settings.heartbeat_seconds))

    def _beat(self) -> None:
        while not self._stop.wait(self.settings.heartbeat_seconds):
            try:
                if not self.store.heartbeat(self.settings.heartbeat_expiry_seconds):
                    self.store.register_instance(self.settings.heartbeat_expiry_seconds)
                    log.warning("this server was taken for stopped by another one (no heartbeat for %g s): its "
                                "sign-offs in progress, builds and token sessions were taken over; registered again",
                                self.settings.heartbeat_expiry_seconds)
                self.recover()
            except Exception as exc:  # the database may be away for a moment: the next beat tries again
                log.error("heartbeat failed: %s", type(exc).__name__)


def create_app(settings: Settings) -> FastAPI:
    store = Store(settings.data_dir, settings.database_url)
    store.migrate()
    store.register_instance(settings.heartbeat_expiry_seconds)
    runner = Runner(store, settings)

    def recover() -> None:
        """Take over what servers no longer running left on this database (never what a running server owns)."""
        # A session opened with the shared token lasts only while the server that checked it runs: a restart is how a
        # clinic changes a leaked token, and the old token's sessions (administrator rights) must not outlive it.
        found = store.recover(auth.TOKEN_USER.username, claim_runs=not runner.stopped)
        for case_id, version in found.released:
            store.audit("system", "return", case_id=case_id, patient=(store.get_case(case_id) or {}).get("patient"),
                        detail=f"the sign-off of version {version} was cut short by a server stop: back in review, "
                               "its unrecorded signed copy removed")
        for case_id in found.runs:
            runner.submit(case_id)
        if found.released:
            log.info("%d sign-off(s) interrupted by a server stop put back in review", len(found.released))
        if found.runs:
            log.info("%d build(s) interrupted by a server stop queued again here", len(found.runs))
        if found.partial_files:
            log.info("removed %d partial upload(s) left by an interrupted request", found.partial_files)
        if found.token_sessions:
            log.info("%d session(s) opened with the shared token on a stopped server ended", found.token_sessions)
        if found.instances:
            log.info("%d stopped server(s) removed from the registry", found.instances)

    recover()
    heartbeat = Heartbeat(store, settings, recover)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        import anyio.to_thread

        if store.instance_id is None or not store.heartbeat(settings.heartbeat_expiry_seconds):
            # served again after a stop (tests do): a new registration, and what the earlier one left taken over
            store.register_instance(settings.heartbeat_expiry_seconds)
            runner.start()
            recover()
        heartbeat.start()
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(_stop_serving)

    def _stop_serving() -> None:
        # the builds running now finish under a live lease; then the registry says this server stopped, so another
        # server (or the next start) takes over the queued builds at once
        try:
            runner.stop()
        finally:
            heartbeat.stop()
            try:
                store.stop_instance()
            except Exception as exc:
                log.error("could not mark this server stopped: %s", type(exc).__name__)

    templates = _templates()
    secret = auth.server_secret(store.data_dir)
    accounts = bool(settings.token) or store.has_users()
    throttle_user = auth.LoginThrottle(max_failures=5)
    throttle_addr = auth.LoginThrottle(max_failures=30)
    app = FastAPI(title="charcot", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.store, app.state.runner, app.state.settings = store, runner, settings
    reanalysis_job: dict[str, Any] = {}  # the running (or last) re-analysis of all cases, for the case list

    def who(request: Request) -> auth.Principal:
        principal: auth.Principal | None = request.scope.get("state", {}).get("principal")
        if principal is None:
            raise HTTPException(401, "sign in first")
        return principal

    def need(request: Request, action: str) -> auth.Principal:
        principal = who(request)
        if not principal.can(action):
            raise HTTPException(403, f"your role ({auth.ROLES.get(principal.role, principal.role)}) may not {action}")
        return principal

    def csrf_for(request: Request) -> str:
        cookie = request.scope.get("state", {}).get("cookie")
        return auth.csrf_token(secret, cookie) if cookie else ""

    def csrf_valid(request: Request, supplied: str | None) -> bool:
        if not request.scope.get("state", {}).get("csrf_required"):
            return True
        return auth.csrf_ok(secret, request.scope["state"].get("cookie"), supplied)

    async def check_csrf(request: Request) -> None:
        """Every state-changing browser request proves it came from one of our pages."""
        if request.method not in _UNSAFE or getattr(request.state, "csrf_checked_by_upload", False):
            return
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("multipart/form-data") and request.url.path in UPLOAD_PATHS:
            return  # the streaming upload checks the token before the first file byte is stored
        supplied = request.headers.get(auth.CSRF_HEADER)
        if supplied is None and ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(auth.CSRF_FIELD)
            supplied = value if isinstance(value, str) else None
        if not csrf_valid(request, supplied):
            raise HTTPException(403, "this form has expired or did not come from this app: reload the page and try again")

    app.router.dependencies.append(Depends(check_csrf))

    def page(name: str, request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
        principal = request.scope.get("state", {}).get("principal")
        html = templates.get_template(name).render(
            request_path=request.url.path, user=principal, accounts=accounts, csrf=csrf_for(request),
            roles=auth.ROLES, **context)
        return HTMLResponse(html, status_code=status_code)

    def _audit_refusal(request: Request, status: int, detail: str) -> None:
        """A signed-in person refused an action (403: role or a form not from this app; 409 on a change: e.g. a
        sign-off by the author) is an audit entry: who, the route (not the address, which may hold a patient key,
        recorded in its own column) and the reason."""
        principal: auth.Principal | None = request.scope.get("state", {}).get("principal")
        if principal is None or not (status == 403 or (status == 409 and request.method in _UNSAFE)):
            return
        params = request.scope.get("path_params") or {}
        case_id = params.get("case_id")
        route = getattr(request.scope.get("route"), "path", None) or "?"
        store.audit(principal.username, "refused",
                    case_id=case_id if isinstance(case_id, str) and re.fullmatch(r"[0-9a-f-]{36}", case_id) else None,
                    patient=params.get("key") if isinstance(params.get("key"), str) else None,
                    detail=f"{request.method} {route}: {detail}")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404 and detail == "Not Found":
            detail = "There is no page at this address."
        _audit_refusal(request, exc.status_code, detail)
        if _wants_html(request):
            return page("error.html.j2", request, status_code=exc.status_code, status=exc.status_code, message=detail)
        return JSONResponse({"detail": detail}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        # in words, without echoing the value (FastAPI's default is a JSON list of 'int_parsing', 'loc', 'input')
        fields = sorted({str(e.get("loc", ("", "?"))[-1]).replace("_", " ") for e in exc.errors()})
        message = f"This request is not valid: check {', '.join(fields) or 'the address'} (whole numbers where a " \
                  "number is expected)."
        if _wants_html(request):
            return page("error.html.j2", request, status_code=422, status=422, message=message)
        return JSONResponse({"detail": message}, status_code=422)

    @app.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception) -> Response:
        log.error("internal error on %s %s: %s", request.method, request.scope.get("route") and
                  getattr(request.scope["route"], "path", "?"), type(exc).__name__)
        message = "Something went wrong on the server; the error was logged without patient data."
        if _wants_html(request):
            return page("error.html.j2", request, status_code=500, status=500, message=message)
        return JSONResponse({"detail": message}, status_code=500)

    async def _signed_out(request: Request) -> Response:
        """The answer to a form sent by a browser whose session has ended (Guard): 401, a page saying nothing was
        saved, with a sign-in link back to the page the form was on (its Referer, when it is this server's)."""
        referer = urlsplit(request.headers.get("referer") or "")
        back = None
        if referer.netloc and referer.netloc.lower() == (request.headers.get("host") or "").lower():
            back = auth.local_path(referer.path + (f"?{referer.query}" if referer.query else ""))
        html = templates.get_template("error.html.j2").render(
            request_path=request.url.path, user=None, accounts=accounts, csrf="", roles=auth.ROLES, status=401,
            message="You are not signed in any more (the session expired, was ended, or the account was disabled): "
                    "what you sent was not saved.",
            sign_in=auth.sign_in_url(back))
        return HTMLResponse(html, status_code=401, headers={"www-authenticate": "Bearer"})

    @app.exception_handler(TooLarge)
    async def _too_large(request: Request, exc: TooLarge) -> Response:
        return JSONResponse({"detail": f"upload refused: larger than the limit of {settings.max_upload_bytes} bytes"},
                            status_code=413)

    # ------------------------------------------------------------------------------ open pages
    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/static/app.js")
    def app_js() -> Response:
        js = (Path(__file__).parent / "templates" / "app.js").read_text(encoding="utf-8")
        return Response(js, media_type="text/javascript; charset=utf-8")

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> HTMLResponse:
        return page("login.html.j2", request, error=None, token_login=bool(settings.token),
                    next_path=auth.local_path(request.query_params.get("next")) or "")

    @app.post("/login")
    def login(request: Request, username: str = Form(""), password: str = Form(""),
              next_path: str = Form("", alias="next")) -> Response:
        back = auth.local_path(next_path) or ""
        addr = request.client.host if request.client else "?"
        # an account name has at most 80 characters (`charcot users add`): a longer one names no account, and only
        # that much is kept (the throttle kept every name tried, whole, for as long as the server ran)
        username = username.strip()[:MAX_USER_NAME + 1]
        keys = (f"user:{username.lower()}",)
        wait = max(throttle_user.retry_after(*keys), throttle_addr.retry_after(f"addr:{addr}"))
        if wait > 0:
            return page("login.html.j2", request, status_code=429, token_login=bool(settings.token), next_path=back,
                        error=f"too many failed sign-ins: try again in {int(wait) + 1} seconds")
        user = store.user(username.strip()) if username.strip() else None
        ok = False
        if user is not None and not user["disabled"]:
            ok = auth.verify_password(user["password_hash"], password)
        elif not username.strip() and settings.token:
            ok = auth.token_ok(settings.token, f"Bearer {password}")
            user = {"username": "api-token"} if ok else None
        else:
            auth.burn_verify_time(password)
        if not ok or user is None:
            throttle_user.failed(*keys)
            throttle_addr.failed(f"addr:{addr}")
            store.audit(username.strip()[:80] or "-", "login-failed", detail="wrong user name or password")
            return page("login.html.j2", request, status_code=401, token_login=bool(settings.token), next_path=back,
                        error="wrong user name or password")
        throttle_user.succeeded(*keys)
        if user["username"] == "api-token" and store.user("api-token") is None:
            store.add_user("api-token", "admin", None, "API token holder")
        session_id = auth.new_session_id()
        expires = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=settings.session_hours)
        store.create_session(auth.session_hash(session_id), user["username"], expires,
                             instance_id=store.instance_id if user["username"] == auth.TOKEN_USER.username else None)
        store.audit(user["username"], "login")
        resp = RedirectResponse(back or "/", status_code=303)
        resp.headers.append("set-cookie", _cookie_header(session_id, settings, int(settings.session_hours * 3600)))
        return resp

    @app.post("/logout")
    def logout(request: Request) -> Response:
        cookie = request.scope.get("state", {}).get("cookie")
        principal = who(request)
        if cookie and accounts:
            store.end_session(auth.session_hash(cookie))
        store.audit(principal.username, "logout")
        resp = RedirectResponse("/login" if accounts else "/", status_code=303)
        resp.headers.append("set-cookie", f"{auth.COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
                            + ("; Secure" if settings.tls else ""))
        return resp

    # ------------------------------------------------------------------------------ cases
    def _page_args(request: Request) -> tuple[int, int]:
        try:
            number = max(1, int(request.query_params.get("page", "1")))
            per = min(200, max(1, int(request.query_params.get("per_page", str(PAGE_SIZE)))))
        except ValueError:
            raise HTTPException(422, "page and per_page must be whole numbers") from None
        # a page far past the last is an empty page, as any page past the end (its SQL offset overflowed to a 500)
        return min(number, MAX_PAGE), per

    _FILTERS = ("gene", "variant", "acmg_class", "repeat", "state", "patient", "needs_review")

    def _list_detail(what: str, number: int, filters: dict[str, str], shown: int, total: int) -> str:
        """An audit entry's detail for a list or search of patients' records: what was asked and how much it showed
        (a search by gene or variant discloses who carries it, so it is an access to every record it lists)."""
        asked = ", ".join(f"{k}={v}" for k, v in sorted(filters.items()))
        return f"{what} page {number}{f' searched {asked}' if asked else ''}: {shown} of {total} shown"

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        number, per = _page_args(request)
        filters = {k: request.query_params.get(k, "")[:120] for k in _FILTERS if request.query_params.get(k)}
        cases, total = store.list_cases(number, per, **filters)
        principal = who(request)
        store.audit(principal.username, "list", detail=_list_detail("case list", number, filters, len(cases), total))
        return page("cases.html.j2", request, cases=cases, total=total, page_no=number, per_page=per,
                    pages=max(1, -(-total // per)), filters=filters, classes=ACMG_CLASSES,
                    states=(DRAFT, IN_REVIEW, FINAL, AMENDED), job=dict(reanalysis_job),
                    can_reanalyse=principal.can("reanalyse"))

    @app.get("/api/cases")
    def api_cases(request: Request) -> dict[str, Any]:
        number, per = _page_args(request)
        filters = {k: request.query_params.get(k, "")[:120] for k in _FILTERS if request.query_params.get(k)}
        cases, total = store.list_cases(number, per, **filters)
        store.audit(who(request).username, "list",
                    detail=_list_detail("case list (API)", number, filters, len(cases), total))
        return {"page": number, "per_page": per, "total": total,
                "cases": [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in c.items()} for c in cases]}

    @app.get("/cases/new", response_class=HTMLResponse)
    def new_case(request: Request) -> HTMLResponse:
        need(request, "upload")
        return page("new_case.html.j2", request, max_upload=settings.max_upload_bytes, error=None,
                    form_id=uuid.uuid4().hex,
                    resources=[n for n, p in (("ClinVar", settings.clinvar), ("gnomAD", settings.gnomad)) if p])

    async def _create(request: Request) -> str:
        from charcot.web.uploads import BadForm, CsrfMissing, receive_form

        principal = need(request, "upload")
        try:
            form = await receive_form(request, store.partial_dir, settings.max_upload_bytes, tuple(FILE_FIELDS),
                                      lambda fields: csrf_valid(request, fields.get(auth.CSRF_FIELD)),
                                      name_prefix=store.partial_name_prefix)
        except TooLarge as exc:
            raise HTTPException(413, f"{exc} upload is larger than the limit of {settings.max_upload_bytes} bytes") from None
        except CsrfMissing:
            raise HTTPException(403, "this form has expired or did not come from this app: reload the page") from None
        except BadForm as exc:
            raise HTTPException(422, str(exc)) from None
        try:
            if not csrf_valid(request, form.fields.get(auth.CSRF_FIELD)):
                raise HTTPException(403, "this form has expired or did not come from this app: reload the page")
            f = form.fields
            terms = [t for t in re.split(r"[\s,;]+", f.get("hpo", "").strip()) if t]
            bad = [n for n, t in enumerate(terms, start=1) if not _HPO.match(t)]
            if bad:  # by its place: what was typed there may be anything (a name typed in the wrong field)
                raise HTTPException(422, f"the HPO terms' entry {bad[0]} is not an HPO id (expected HP:0000000, the "
                                         "terms separated by spaces, commas or semicolons)")
            if not form.files:
                raise HTTPException(422, "upload at least one file (VCF, repeat VCF, PED, clinical record or phenopacket)")
            sex = f.get("sex", "").strip().lower()
            if sex not in ("", "male", "female"):
                raise HTTPException(422, "sex must be male, female or left empty")
            build = f.get("build", "").strip()
            if build not in ("", "GRCh37", "GRCh38"):
                raise HTTPException(422, "genome build must be GRCh37, GRCh38 or left empty (read from the VCF)")
            options: dict[str, Any] = {"sex": sex, "build": build, "region": f.get("region", "").strip()[:20],
                                       "sample": f.get("sample", "").strip()[:120],
                                       "str_sample": f.get("str_sample", "").strip()[:120]}
            pairs = _sample_map_field(f.get("sample_map", ""), uploaded=set(form.files))
            if pairs:
                options["sample_map"] = pairs
            # the name the case stores and shows, for the audit entry too (never the browser's '../' path); a
            # deletion removing a stored file no case uses waits, or comes after this case uses it. The wait is in a
            # worker thread: on the event loop, a deletion holding the lock stalled every request of the server.
            # the form's one-time id (new_case.html.j2): the same form sent again (a double click, a retry after
            # the upload went through) makes no second case
            form_id = f.get("form_id", "").strip()
            form_id = form_id if re.fullmatch(r"[0-9a-f]{32}", form_id) else ""

            def adopt() -> tuple[dict[str, tuple[str, Any]], str, bool]:
                with store.files_lock:
                    earlier = store.case_for_form(form_id) if form_id else None
                    if earlier is not None:
                        return {}, earlier, False
                    adopted = {FILE_FIELDS[name]: (safe_filename(r.filename),
                                                   store.adopt_upload(r.path, r.sha256, r.size, r.filename))
                               for name, r in form.files.items()}
                    try:
                        return adopted, store.create_case(f.get("patient", "").strip()[:120], adopted,
                                                          f.get("proband", "").strip()[:120] or None, terms,
                                                          created_by=principal.username, options=options,
                                                          form_id=form_id or None), True
                    except DuplicateForm as exc:  # another server took the same form at the same moment
                        store.drop_unused_uploads([s.relpath for _name, s in adopted.values()])
                        return {}, exc.case_id, False

            import anyio.to_thread

            stored, case_id, created = await anyio.to_thread.run_sync(adopt)
            if not created:
                form.discard()
        except BaseException:
            form.discard()
            raise
        if not created:
            store.audit(principal.username, "upload", case_id=case_id,
                        detail="the same new-case form sent again: nothing stored, no second case")
            log.info("case %s: its form was sent again; no second case", case_id)
            return case_id
        key = f.get("patient", "").strip()[:120] or f"case-{case_id[:8]}"
        store.audit(principal.username, "upload", case_id=case_id, patient=key,
                    detail="; ".join(f"{_input_role(role)}: {name} ({s.size} bytes, sha256 {s.sha256[:12]})"
                                     for role, (name, s) in sorted(stored.items()))
                    + (f"; sample map: {_map_words(options['sample_map'])}" if options.get("sample_map") else ""))
        runner.submit(case_id)
        log.info("case %s queued (%d files)", case_id, len(stored))
        return case_id

    def _sample_map_field(text: str, uploaded: set[str]) -> list[list[str]]:
        """The case form's sample map (one PEDIGREE_ID=VCF_SAMPLE pair per line): read with the rules of
        ``--sample-map`` (a line without '=', one ID given two samples, two IDs given one sample: 422 naming the line
        and what is wrong with it, in the form's words, never the IDs or samples typed on it: ``web.wording``);
        the pairs are checked against the PED and the VCF when the report is built, as the CLI does."""
        from charcot.errors import InputError
        from charcot.family.samplemap import read_sample_map_text
        from charcot.web.wording import FORM

        try:
            pairs = read_sample_map_text(text, wording=FORM)  # names the line, never what was typed on it
        except InputError as exc:
            raise HTTPException(422, exc.message + (f" ({exc.hint})" if exc.hint else "")) from None
        if pairs:
            missing = [what for field, what in (("vcf", "small-variant VCF"), ("ped", "pedigree (PED)"))
                       if field not in uploaded]
            if missing:
                raise HTTPException(422, f"the sample map maps the pedigree's IDs to the VCF's samples, but no "
                                         f"{' and no '.join(missing)} was uploaded (upload the family's VCF and its "
                                         "pedigree, or leave the sample map empty)")
        return [[iid, sample] for iid, sample in pairs.items()]

    @app.post("/cases")
    async def create_case(request: Request) -> Response:
        case_id = await _create(request)
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    @app.post("/api/cases", status_code=202)
    async def api_create_case(request: Request) -> dict[str, str]:
        case_id = await _create(request)
        return {"id": case_id, "status_url": f"/api/cases/{case_id}"}

    def _case_or_404(case_id: str) -> dict[str, Any]:
        case = store.get_case(case_id) if re.fullmatch(r"[0-9a-f-]{36}", case_id) else None
        if case is None:
            raise HTTPException(404, "There is no such case (it may have been deleted).")
        return case

    @app.get("/api/cases/{case_id}")
    def api_case(request: Request, case_id: str) -> dict[str, Any]:
        case = _case_or_404(case_id)
        # the case page polls this while the report is built: one entry per reader and case in ten minutes
        store.audit_once(who(request).username, "view", case_id=case_id, patient=case["patient"],
                         detail="case status (API)")
        return {"id": case["id"], "status": case["status"], "progress": case["progress"], "error": case["error"],
                "report_id": case["report_id"], "patient": case["patient"], "review_state": case["review_state"],
                "version": case["version"],
                "needs_review": next(({"id": r["id"], "changes": r["n_changes"], "knowledge": r["new_knowledge"]}
                                      for r in store.reanalyses(case_id) if r["status"] == NEEDS_REVIEW), None),
                "uploads": [{k: u[k] for k in ("role", "filename", "sha256", "size")} for u in case["uploads"]]}

    def _variants(case: dict[str, Any]) -> list[dict[str, Any]]:
        path = store.case_dir(case["id"]) / "report.json"
        if case["status"] != CASE_DONE or not path.is_file():
            return []
        data = json.loads(path.read_text(encoding="utf-8"))
        return [{"key": f["key"], "gene": f.get("gene"), "hgvs_c": f.get("hgvs_c"), "hgvs_p": f.get("hgvs_p"),
                 "classification": f.get("classification"), "tier": f.get("tier"),
                 "vrs": (f.get("vrs") or {}).get("id")}
                for t in data["genetics"]["tiers"] for f in t["findings"]]

    @app.get("/cases/{case_id}", response_class=HTMLResponse)
    def show_case(request: Request, case_id: str) -> HTMLResponse:
        principal = who(request)
        case = _case_or_404(case_id)
        store.audit(principal.username, "view", case_id=case_id, patient=case["patient"],
                    detail=f"case page (version {case['version']})")
        users = [u for u in store.users() if not u["disabled"] and u["role"] in ("reviewer", "laboratory_scientist", "admin")]
        outputs = [n for n in _OUTPUTS if (store.case_dir(case_id) / n).is_file()]
        from charcot.web.reanalysis import accept_problem, case_result

        reruns = store.reanalyses(case_id)
        chart_changes = _chart_changes(case) if case["review_state"] == IN_REVIEW else []
        audit, audit_total = store.audit_latest(case_id, 30)
        waiting = next((r for r in reruns if r["status"] == NEEDS_REVIEW), None)
        versions = store.report_versions(case_id)
        signed = {v["version"] for v in versions}
        earlier = [v for v in range(1, case["version"]) if v not in signed
                   and (store.earlier_dir(case_id, v) / "report.html").is_file()]
        return page("case.html.j2", request, case=case, outputs=outputs, comments=store.comments(case_id),
                    variants=_variants(case), versions=versions, reviewers=users, earlier=earlier,
                    audit=audit, audit_total=audit_total, classes=ACMG_CLASSES,
                    can={a: principal.can(a) for a in ("comment", "submit", "sign", "amend", "delete", "upload",
                                                       "reanalyse", "accept-reanalysis")},
                    sign_problem=_sign_problem(case, principal), reruns=reruns, waiting=waiting,
                    chart_changes=chart_changes, chart_seen=_digest_of(chart_changes),
                    visit_conflicts=_visit_conflicts(case), can_chart=principal.can("visits"),
                    waiting_result=case_result(waiting) if waiting else None,
                    accept_problem=accept_problem(store, waiting, case) if waiting else None)

    @app.get("/cases/{case_id}/audit.{fmt}")
    def case_audit(request: Request, case_id: str, fmt: str) -> Response:
        principal = who(request)
        case = _case_or_404(case_id)
        _audit_format(fmt)  # a refused format is not a download: checked before the trail records one
        store.audit(principal.username, "download", case_id=case_id, patient=case["patient"], detail=f"audit.{fmt}")
        return _audit_export(store.audit_chunks(case_id=case_id), fmt, f"audit-{case_id[:8]}")

    @app.get("/cases/{case_id}/v/{version}/{name}")
    def frozen_output(request: Request, case_id: str, version: int, name: str) -> Response:
        case = _case_or_404(case_id)
        if name not in _OUTPUTS:
            raise HTTPException(404, "no such report version")
        if version in {v["version"] for v in store.report_versions(case_id)}:
            return _serve(request, case, store.signed_dir(case_id, version) / name, name, f"signed v{version}")
        if 0 < version < case["version"] and store.earlier_dir(case_id, version).is_dir():
            return _serve(request, case, store.earlier_dir(case_id, version) / name, name, f"earlier v{version}")
        raise HTTPException(404, "no such report version")

    @app.get("/cases/{case_id}/{name}")
    def case_output(request: Request, case_id: str, name: str) -> Response:
        case = _case_or_404(case_id)
        if name not in _OUTPUTS:
            raise HTTPException(404, "no such output")
        if case["status"] != CASE_DONE:
            raise HTTPException(404, "report not ready")
        return _serve(request, case, store.case_dir(case["id"]) / name, name, f"version {case['version']}")

    def _serve(request: Request, case: dict[str, Any], path: Path, name: str, what: str) -> Response:
        principal = who(request)
        if not path.is_file():
            raise HTTPException(404, "report not ready")
        download = request.query_params.get("download") == "1" or name.endswith(".pdf")
        store.audit(principal.username, "download" if download else "view", case_id=case["id"], patient=case["patient"],
                    detail=f"{name} ({what})")
        filename = f"{case['report_id'] or 'report'}-{name}"
        return FileResponse(path, media_type=_OUTPUTS[name], filename=filename,
                            content_disposition_type="attachment" if download else "inline")

    # ------------------------------------------------------------------------------ review lifecycle
    def _sign_problem(case: dict[str, Any], principal: auth.Principal) -> str | None:
        if case["review_state"] != IN_REVIEW:
            return "only a report in review can be signed off"
        if case["status"] != CASE_DONE:
            return "the report has not been built"
        if not principal.can("sign"):
            return "your role may not sign off reports"
        if principal.username == case["created_by"] or principal.via == "local":
            return "a report is signed off by a reviewer other than its author"
        if principal.username == auth.TOKEN_USER.username:  # a Bearer header, or the token typed at sign-in
            return "the shared API token is not a person: a reviewer signs off from a personal account"
        if case["identity_status"] == "mismatch":
            return "the report carries an open identity alert (sample or sex mismatch)"
        return None

    def _chart_changes(case: dict[str, Any]) -> list[str]:
        """Where the patient's chart (the visits recorded in the app) now differs from the visits the case's report
        states: a visit of the report corrected or removed in the chart, and a visit recorded by hand in the chart,
        on or before the report's last visit, that the report lacks. A reviewer signs such a report only having
        seen this (the sign-off form carries it)."""
        path = store.case_dir(case["id"]) / "report.json"
        if case["status"] != CASE_DONE or not path.is_file():
            return []
        try:
            built = json.loads(path.read_text(encoding="utf-8"))
            reported = {date.fromisoformat(v["date"]): v for v in built["clinical"]["visits"]}
            merged = built["header"].get("chart") is not None  # the report merged the chart (schema 1.11.0)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return []
        patient = store.patient(case["patient"])
        chart = {v["date"]: v for v in (patient or {}).get("visits", [])}

        def words(v: dict[str, Any], when: date) -> str:
            return _visit_words(when, v.get("alsfrs_r"), v.get("fvc_percent"), v.get("weight_kg")).split(": ", 1)[1]

        def differs(a: float | None, b: float | None, from_chart: bool) -> bool:
            if merged and b is None and not from_chart:  # a value the chart never gave: the record's, merged
                return False
            return (a is None) != (b is None) or (a is not None and b is not None and abs(a - b) > 1e-9)

        out: list[str] = []
        for when, v in sorted(reported.items()):
            now = chart.get(when)
            from_chart = v.get("source") == CHART_SOURCE
            if now is None:
                out.append(f"the visit of {when.isoformat()} ({words(v, when)} in the report) is no longer in the "
                           "patient's chart")
            elif any(differs(v.get(k), now[k], from_chart) for k in ("alsfrs_r", "fvc_percent", "weight_kg")) or (
                    merged and now["items"] and v.get("alsfrs_r_items") and now["items"] != v["alsfrs_r_items"]):
                out.append(f"the visit of {when.isoformat()}: {words(now, when)}"
                           + (" (other ALSFRS-R items)" if now["alsfrs_r"] == v.get("alsfrs_r") else "")
                           + f" in the patient's chart, {words(v, when)} in the report")
        last = max(reported, default=None)
        for when, now in sorted(chart.items()):
            if merged and when not in reported:  # every chart visit is merged: one missing was added afterwards
                out.append(f"a visit of {when.isoformat()} recorded in the patient's chart ({words(now, when)}) "
                           "after the report was built is not in it")
            elif when not in reported and now["source"] == MANUAL_VISIT and last is not None and when <= last:
                out.append(f"a visit of {when.isoformat()} recorded in the patient's chart ({words(now, when)}) is "
                           "not in the report")
        return out

    def _record_of(case: dict[str, Any]) -> Any:
        """The case's clinical record alone (clinical.model.ClinicalCase), or None (none uploaded, or unreadable:
        the build says why)."""
        from charcot.clinical.io import load_case

        record = next((u for u in case["uploads"] if u["role"] in ("clinical", "phenopacket")), None)
        if record is None:
            return None
        try:
            return load_case(store.path_of(record["stored"]))
        except Exception:
            return None

    def _visit_conflicts(case: dict[str, Any]) -> list[tuple[Any, Any]]:
        """Each date on which the patient's chart and the case's clinical record give different values, with the
        choice made on it (None while nobody chose): the build stops on one nobody chose."""
        from charcot.clinical.chart import conflicts

        record = _record_of(case)
        if record is None:
            return []
        chart = patient_chart(store, case)
        chosen = {(c.date, c.fingerprint): c for c in chart.choices}
        return [(c, chosen.get((c.date, c.fingerprint))) for c in conflicts(record.visits, chart)]

    def _requeue(case: dict[str, Any], actor: str, why: str) -> None:
        store.set_status(case["id"], CASE_QUEUED, progress=f"queued ({why})", error="")
        runner.submit(case["id"])
        store.audit(actor, "rebuild", case_id=case["id"], patient=case["patient"],
                    detail=f"report of version {case['version']} built again: {why}")

    @app.post("/cases/{case_id}/visit-conflicts")
    async def resolve_visit(request: Request, case_id: str) -> Response:
        """A person's decision on one date the chart and the clinical record disagree on: the record's values (the
        chart is corrected to them) or the chart's (kept with the case: the report uses them and says so). The
        values decided on travel with the form: changed since, nothing is decided (409)."""
        from charcot.clinical.model import Visit as RecordVisit

        principal = need(request, "visits")
        case = _case_or_404(case_id)
        form = await request.form()
        use = _form_text(form, "use", 10)
        if use not in ("record", "chart"):
            raise HTTPException(422, "choose the clinical record's values or the patient chart's")
        if case["review_state"] not in (DRAFT, AMENDED) or case["status"] not in (CASE_DONE, CASE_FAILED):
            raise HTTPException(409, "the report is in review, signed off or being built: a conflict is decided for "
                                     "a draft or an amendment (return or amend the report first)")
        found = {c.date.isoformat(): c for c, _ in _visit_conflicts(case)}
        conflict = found.get(_form_text(form, "date", 10))
        if conflict is None or conflict.fingerprint != _form_text(form, "fingerprint", 32):
            raise HTTPException(409, "the chart or the record changed since the page was opened, or this conflict is "
                                     "decided already: reload the page (nothing was decided)")
        key = chart_patient(store, case)
        if key is None:
            raise HTTPException(409, "the case's clinical record cannot be read: see the case's error")
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        if use == "record":
            record = _record_of(case)
            rv: RecordVisit = next(v for v in record.visits if v.date == conflict.date)
            items = rv.alsfrs_r.model_dump(exclude_none=True) if rv.alsfrs_r is not None else None
            slow = rv.fvc_kind.value == "slow"
            chart = next(v for v in store.patient(key)["visits"] if v["date"] == conflict.date)  # type: ignore[index]
            store.upsert_visit(key, conflict.date, alsfrs_r=sum(items.values()) if items else chart["alsfrs_r"],
                               items=items or chart["items"],
                               fvc_percent=rv.fvc_percent_predicted if rv.fvc_percent_predicted is not None
                               and not slow else (None if slow else chart["fvc_percent"]),
                               weight_kg=rv.weight_kg if rv.weight_kg is not None else chart["weight_kg"],
                               weight_confirmed=rv.weight_confirmed, source=MANUAL_VISIT, by=principal.username,
                               create_patient=False)
            detail = (f"{conflict.date.isoformat()}: the clinical record's values kept, the patient chart corrected to "
                      f"them ({conflict.words()})")
        else:
            store.set_visit_choice(case_id, conflict.date, {"fingerprint": conflict.fingerprint,
                                                            "by": principal.username, "at": now})
            detail = f"{conflict.date.isoformat()}: the patient chart's values kept for this case ({conflict.words()})"
        store.audit(principal.username, "resolve-visit", case_id=case_id, patient=key, detail=detail)
        if not [c for c, chosen in _visit_conflicts(_case_or_404(case_id)) if chosen is None]:
            _requeue(_case_or_404(case_id), principal.username, "the patient chart's conflicts with the clinical "
                                                                "record decided")
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    @app.post("/cases/{case_id}/rebuild")
    def rebuild(request: Request, case_id: str) -> Response:
        """Build a draft's (or an amendment's) report again, with the patient chart as it is now."""
        principal = need(request, "upload")
        case = _case_or_404(case_id)
        if case["review_state"] not in (DRAFT, AMENDED) or case["status"] not in (CASE_DONE, CASE_FAILED):
            raise HTTPException(409, "only a built draft or amendment is built again (a report in review is returned "
                                     "first; a signed one is amended)")
        _requeue(case, principal.username, "with the patient chart as it is now")
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    def _digest_of(lines: list[str]) -> str:
        return hashlib.sha256(json.dumps(lines).encode()).hexdigest()[:32]

    def _form_text(form: Any, name: str, limit: int = 5000) -> str:
        value = form.get(name)
        return value.strip()[:limit] if isinstance(value, str) else ""

    @app.post("/cases/{case_id}/review")
    async def review(request: Request, case_id: str) -> Response:
        form = await request.form()
        action = _form_text(form, "action", 20)
        case = _case_or_404(case_id)
        state = case["review_state"]
        seen = _form_text(form, "version", 12)  # the version on the person's screen (the page's forms send it)
        if seen and seen != str(case["version"]):
            raise HTTPException(409, f"the case is at version {case['version']} now, not the version on your screen: "
                                     "reload the page and check it first")
        if action == "submit":
            principal = need(request, "submit")
            if state not in (DRAFT, AMENDED) or case["status"] != CASE_DONE:
                raise HTTPException(409, "only a built draft or amended report can be sent for review")
            store.set_review(case_id, state=IN_REVIEW, assigned_to=_form_text(form, "reviewer", 80) or None)
            detail = f"sent for review (version {case['version']})"
        elif action == "return":
            principal = need(request, "sign")
            if state != IN_REVIEW:
                raise HTTPException(409, "only a report in review can be returned")
            store.set_review(case_id, state=DRAFT if case["version"] == 1 else AMENDED)
            detail = "returned to the author"
        elif action == "assign":
            principal = need(request, "submit")
            store.set_review(case_id, assigned_to=_form_text(form, "reviewer", 80))
            detail = f"assigned to {_form_text(form, 'reviewer', 80) or 'nobody'}"
        elif action == "sign":
            principal = who(request)
            problem = _sign_problem(case, principal)
            if problem:
                raise HTTPException(409, f"cannot sign off: {problem}")
            # the report against the patient's chart as the reviewer saw them: a visit corrected, added or removed
            # in the chart since the page was opened is shown first, and a difference is signed over only knowingly
            changes = _chart_changes(case)
            if changes and _form_text(form, "chart_seen", 64) != _digest_of(changes):
                raise HTTPException(409, "cannot sign off: the patient's chart differs from this report, and not as "
                                         "shown on your screen (changed since you opened the page): "
                                         + "; ".join(changes) + ". Reload the page and check the report against "
                                         "the chart first (nothing was signed)")
            if changes and not _form_text(form, "chart_checked", 5):
                raise HTTPException(409, "cannot sign off: the patient's chart differs from this report: "
                                         + "; ".join(changes) + ". Tick that you have checked these differences, "
                                         "or return the report to its author (nothing was signed)")
            import anyio.to_thread

            # one sign-off per version: two reviewers signing at once both passed the check above, wrote the frozen
            # folder in turn (the second's signature over the first's checksum) and the second's row failed (500)
            if not store.move_review(case_id, case["version"], IN_REVIEW, SIGNING):
                raise HTTPException(409, "cannot sign off: the report is being signed off by someone else or has "
                                         "changed; reload the page")
            # written aside and moved to signed/<case>/v<N>/ when recorded: a sign-off refused at the end never
            # touches the signed copy another sign-off of that version may write or have recorded meanwhile
            staged = store.staged_signed_dir(case_id, case["version"])
            try:
                digest = await anyio.to_thread.run_sync(_freeze, case_id, principal, staged)
                recorded = store.add_report_version(case_id, case["version"], author=case["created_by"],
                                                    signed_by=principal.username, report_sha256=digest,
                                                    report_id=case["report_id"], staged=staged)
            except BaseException:
                store.move_review(case_id, case["version"], SIGNING, IN_REVIEW)
                store.remove_files([staged])
                raise
            if not recorded:
                # deleted while the signed copy was written (its signed folder goes too), or released meanwhile by
                # another server that found this one stopped: this copy goes
                gone = store.get_case(case_id) is None
                store.remove_files([store.signed_dir(case_id) if gone else staged])
                raise HTTPException(409, "cannot sign off: the case was deleted while it was being signed off" if gone
                                    else "cannot sign off: the case changed while it was being signed off; reload the "
                                         "page")
            detail = f"signed off version {case['version']} (report.json sha256 {digest[:12]})" + (
                f"; signed knowing the patient's chart differs from the report: {'; '.join(changes)}" if changes else "")
        elif action == "amend":
            principal = need(request, "amend")
            if state != FINAL:
                raise HTTPException(409, "only a signed-off report is amended")
            reason = _form_text(form, "reason", 2000)
            if not reason:
                raise HTTPException(422, "say why the signed report is amended")
            version = store.amend(case_id, reason)
            store.set_status(case_id, CASE_QUEUED, progress="queued (amendment)")
            runner.submit(case_id)
            detail = f"amended: version {version} started ({reason})"
        else:
            raise HTTPException(422, "unknown review action")
        store.audit(principal.username, "sign" if action == "sign" else action, case_id=case_id,
                    patient=case["patient"], detail=detail)
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

    def _freeze(case_id: str, principal: auth.Principal, dst: Path) -> str:
        """Write the signed report (its sign-off block filled: final, reviewer, role, date) to ``dst``, which
        ``Store.add_report_version`` moves to ``signed/<case>/v<version>/`` (outside the report folder a rebuild
        replaces); nothing rewrites it afterwards. Returns the SHA-256 of its report.json."""
        from charcot.report.build import sign
        from charcot.report.model import Report
        from charcot.report.write import write_report

        report = Report.model_validate_json((store.case_dir(case_id) / "report.json").read_text(encoding="utf-8"))
        report = sign(report, state="final", reviewer=principal.display_name,
                      role=auth.ROLES.get(principal.role, principal.role), on=date.today(), strict=True)
        dst.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_report(report, dst, pdf=settings.pdf)
        make_private(dst)
        for f in dst.iterdir():
            f.chmod(0o400)
        return hashlib.sha256((dst / "report.json").read_bytes()).hexdigest()

    # ------------------------------------------------------------------------------ re-analysis
    def _resource_dirs() -> list[Path]:
        return [p.parent for p in (settings.clinvar, settings.gnomad) if p is not None]

    def _reanalyse_all(actor: str) -> None:
        from charcot.web.reanalysis import reanalyse_store

        def progress(done: int, total: int) -> None:
            reanalysis_job.update(done=done, total=total)

        try:
            result = reanalyse_store(store, actor=actor, extra_dirs=_resource_dirs(), progress=progress)
            reanalysis_job["last"] = (f"knowledge {result.knowledge_version}: {len(result.needs_review)} of "
                                      f"{len(result.cases)} case(s) need review")
        except Exception as exc:  # a bug: say so on the page, log only the type (no patient data)
            log.error("re-analysis failed: %s", type(exc).__name__)
            reanalysis_job["last"] = f"re-analysis stopped by an internal error ({type(exc).__name__})"
        finally:
            reanalysis_job["running"] = False

    @app.post("/reanalyse")
    def reanalyse_all(request: Request) -> Response:
        principal = need(request, "reanalyse")
        with _JOB_LOCK:
            if reanalysis_job.get("running"):
                raise HTTPException(409, "a re-analysis of all cases is already running")
            reanalysis_job.clear()
            reanalysis_job.update(running=True, done=0, total=0, by=principal.username)
        runner.pool.submit(_reanalyse_all, principal.username)
        return RedirectResponse("/", status_code=303)

    @app.post("/cases/{case_id}/reanalyse")
    async def reanalyse_one(request: Request, case_id: str) -> Response:
        import anyio.to_thread

        from charcot.web.reanalysis import reanalyse_store

        principal = need(request, "reanalyse")
        case = _case_or_404(case_id)
        if case["status"] != CASE_DONE:
            raise HTTPException(409, "the case has no finished report to re-analyse")
        await anyio.to_thread.run_sync(lambda: reanalyse_store(store, actor=principal.username, case_ids=[case_id],
                                                                extra_dirs=_resource_dirs()))
        return RedirectResponse(f"/cases/{case_id}#reanalysis", status_code=303)

    @app.post("/cases/{case_id}/reanalysis/{reanalysis_id}/{decision}")
    async def decide(request: Request, case_id: str, reanalysis_id: int, decision: str) -> Response:
        import anyio.to_thread

        from charcot.web.reanalysis import DecisionRefused, accept, dismiss

        principal = need(request, "accept-reanalysis")
        _case_or_404(case_id)
        form = await request.form()
        try:
            if decision == "accept":
                await anyio.to_thread.run_sync(lambda: accept(store, reanalysis_id, case_id, actor=principal.username,
                                                              pdf=settings.pdf))
            elif decision == "dismiss":
                reason = _form_text(form, "reason", 2000)
                await anyio.to_thread.run_sync(lambda: dismiss(store, reanalysis_id, case_id,
                                                               actor=principal.username, reason=reason))
            else:
                raise HTTPException(404, "a re-analysis result is accepted or dismissed")
        except DecisionRefused as exc:
            raise HTTPException(409, f"cannot {decision}: {exc}") from None
        return RedirectResponse(f"/cases/{case_id}#reanalysis", status_code=303)

    @app.post("/cases/{case_id}/comments")
    async def comment(request: Request, case_id: str) -> Response:
        principal = need(request, "comment")
        case = _case_or_404(case_id)
        form = await request.form()
        text = _form_text(form, "text")
        variant = _form_text(form, "variant", 200) or None
        opinion = _form_text(form, "classification", 40)
        if opinion and opinion not in ACMG_CLASSES:
            raise HTTPException(422, "choose one of the five ACMG classes")
        if opinion and not variant:
            raise HTTPException(422, "a classification belongs to a variant")
        if not text and not opinion:
            raise HTTPException(422, "write a comment")
        if variant and variant not in {v["key"] for v in _variants(case)}:
            raise HTTPException(422, "no such variant in this report")
        body = (f"[classification: {opinion}] " if opinion else "") + text
        if not store.add_comment(case_id, principal.username, body, variant, case["version"]):
            raise HTTPException(404, "There is no such case (it may have been deleted).")
        store.audit(principal.username, "classify" if opinion else "comment", case_id=case_id, patient=case["patient"],
                    detail=(f"{variant}: " if variant else "") + body[:200])
        return RedirectResponse(f"/cases/{case_id}#comments", status_code=303)

    @app.post("/cases/{case_id}/delete")
    def delete_case(request: Request, case_id: str) -> Response:
        principal = need(request, "delete")
        case = _case_or_404(case_id)
        store.audit(principal.username, "delete", case_id=case_id, patient=case["patient"],
                    detail=f"case deleted with {len(case['uploads'])} upload(s) and its reports")
        files = store.delete_case(case_id)
        store.remove_files(files)
        return RedirectResponse("/", status_code=303)

    @app.get("/audit.{fmt}")
    def all_audit(request: Request, fmt: str) -> Response:
        principal = need(request, "audit")
        _audit_format(fmt)
        store.audit(principal.username, "download", detail=f"full audit trail as {fmt}")
        return _audit_export(store.audit_chunks(), fmt, "audit")

    def _audit_format(fmt: str) -> None:
        if fmt not in ("json", "csv"):
            raise HTTPException(404, "audit exports are .csv or .json")

    def _audit_export(chunks: Iterator[list[dict[str, Any]]], fmt: str, name: str) -> Response:
        """The whole trail, streamed a chunk at a time (complete, in bounded memory); ``fmt`` is checked by the
        route (``_audit_format``) before the download is recorded."""
        from fastapi.responses import StreamingResponse

        cols = ("id", "at", "actor", "action", "case_id", "patient", "detail")

        def cell(r: dict[str, Any], k: str) -> Any:
            return r["at"].isoformat() + "Z" if k == "at" else r[k]

        def csv_cell(r: dict[str, Any], k: str) -> Any:
            # Text typed by anyone (a user name tried at sign-in, an upload's file name, a comment) must not
            # become a formula when the trail is opened in a spreadsheet (OWASP 'CSV injection').
            value = cell(r, k)
            return "'" + value if isinstance(value, str) and value[:1] in _FORMULA_START else value

        def as_json() -> Iterator[str]:
            sep = "[\n"
            for chunk in chunks:  # one piece of body per chunk, not per row
                yield sep + ",\n".join(json.dumps({k: cell(r, k) for k in cols}) for r in chunk)
                sep = ",\n"
            yield "[]\n" if sep == "[\n" else "\n]\n"

        def as_csv() -> Iterator[str]:
            buf = io.StringIO()
            writer = csv.writer(buf)
            writer.writerow(cols)
            for chunk in chunks:
                for r in chunk:
                    writer.writerow([csv_cell(r, k) for k in cols])
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
            yield buf.getvalue()

        media = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
        return StreamingResponse(as_json() if fmt == "json" else as_csv(), media_type=media,
                                 headers={"content-disposition": f'attachment; filename="{name}.{fmt}"'})

    # ------------------------------------------------------------------------------ patients and visits
    @app.get("/patients", response_class=HTMLResponse)
    def patients(request: Request) -> HTMLResponse:
        number, per = _page_args(request)
        rows, total = store.list_patients(number, per)
        store.audit(who(request).username, "list", detail=_list_detail("patient list", number, {}, len(rows), total))
        return page("patients.html.j2", request, patients=rows, total=total, page_no=number,
                    pages=max(1, -(-total // per)), per_page=per)

    @app.get("/patients/{key:path}", response_class=HTMLResponse)
    def show_patient(request: Request, key: str) -> HTMLResponse:
        principal = who(request)
        patient = store.patient(key)
        if patient is None:
            raise HTTPException(404, "There is no such patient.")
        store.audit(principal.username, "view", patient=key, detail="patient page")
        edit_id = request.query_params.get("edit")
        editing = next((v for v in patient["visits"] if str(v["id"]) == edit_id), None)
        return page("patient.html.j2", request, patient=patient, chart=_alsfrs_svg(patient["visits"]),
                    items=ALSFRS_ITEMS, editing=editing, editing_seen=_visit_seen(editing) if editing else "", assessment=_assessment(patient["visits"]),
                    can_edit=principal.can("visits"), can_delete=principal.can("delete"))

    def _visit_from_form(form: Any) -> tuple[date, int | None, float | None, float | None, dict[str, int] | None]:
        try:
            when = date.fromisoformat(_form_text(form, "visit_date", 20))
        except ValueError:
            raise HTTPException(422, "the visit date must be a date (YYYY-MM-DD)") from None
        try:
            items = {q: int(_form_text(form, q, 3)) for q in ALSFRS_ITEMS if _form_text(form, q, 3)}
            total_text = _form_text(form, "alsfrs_r", 3)
            total = int(total_text) if total_text else None
            fvc = float(_form_text(form, "fvc_percent", 10)) if _form_text(form, "fvc_percent", 10) else None
            weight = float(_form_text(form, "weight_kg", 10)) if _form_text(form, "weight_kg", 10) else None
        except ValueError:
            raise HTTPException(422, "ALSFRS-R items and totals, FVC and weight must be numbers") from None
        if items:
            if any(not 0 <= v <= 4 for v in items.values()):
                raise HTTPException(422, "each ALSFRS-R item is scored 0 to 4")
            if "q5a" in items and "q5b" in items:
                raise HTTPException(422, "give item 5a (no gastrostomy) or 5b (with gastrostomy), not both")
            if len(items) != 12:
                raise HTTPException(422, "give all 12 ALSFRS-R items (5a or 5b), or only the total")
            item_total = sum(items.values())
            if total is not None and total != item_total:
                raise HTTPException(422, f"the items add up to {item_total}, not {total}")
            total = item_total
        if total is not None and not 0 <= total <= 48:
            raise HTTPException(422, "the ALSFRS-R total is 0 to 48")
        if weight is not None:
            from charcot.clinical.model import MAX_WEIGHT_KG

            if not 0 < weight <= MAX_WEIGHT_KG:
                raise HTTPException(422, f"a body weight of {weight:g} kg is impossible: enter the weight in kilograms "
                                         f"(more than 0, at most {MAX_WEIGHT_KG:g})")
        if fvc is not None:
            from charcot.model import fvc_percent_problem

            problem = fvc_percent_problem(fvc, how_to_confirm="record it in the case's clinical record file with "
                                                               "fvc_percent_confirmed: true")
            if problem:
                raise HTTPException(422, problem)
        return when, total, fvc, weight, items or None

    @app.post("/visits")
    async def add_visit(request: Request) -> Response:
        principal = need(request, "visits")
        form = await request.form()
        key = _form_text(form, "patient", 120)
        patient = store.patient(key)
        if patient is None:
            raise HTTPException(404, "There is no such patient.")
        when, total, fvc, weight, items = _visit_from_form(form)
        old_id = _form_text(form, "visit_id", 12)
        old = store.visit(int(old_id)) if old_id.isdigit() else None
        if old_id and (old is None or old["patient"] != key):
            raise HTTPException(404, "There is no such visit.")
        # nothing is overwritten unseen: another visit on that date, or this visit changed since the form was opened
        on_date = next((v for v in patient["visits"] if v["date"] == when), None)
        if on_date is not None and (old is None or on_date["id"] != old["id"]):
            raise HTTPException(409, f"a visit on {when.isoformat()} is recorded already: edit that visit (nothing "
                                     "was changed)")
        seen = _form_text(form, "seen", 64)
        if old is not None and seen and seen != _visit_seen(old):
            raise HTTPException(409, "this visit was changed by someone else after you opened it: reload the page "
                                     "(nothing was changed)")
        if weight is not None and not _form_text(form, "weight_confirmed", 5):
            _refuse_unit_switch(when, weight, [v for v in patient["visits"] if old is None or v["id"] != old["id"]])
        if old is not None and old["date"] != when:
            store.delete_visit(old["id"])
        if store.upsert_visit(key, when, alsfrs_r=total, fvc_percent=fvc, weight_kg=weight, source=MANUAL_VISIT,
                              items=items, create_patient=False, by=principal.username,
                              weight_confirmed=weight is not None and bool(_form_text(form, "weight_confirmed", 5))
                              ) is None:
            raise HTTPException(404, "There is no such patient (deleted while the visit was saved); nothing was "
                                     "recorded.")
        was = "" if old is None else " (was " + _visit_words(old["date"], old["alsfrs_r"], old["fvc_percent"],
                                                              old["weight_kg"]) + ")"
        store.audit(principal.username, "edit-visit" if old_id else "add-visit", patient=key,
                    detail=_visit_words(when, total, fvc, weight) + (" (12 items)" if items else "") + was)
        return RedirectResponse(f"/patients/{quote(key, safe='')}", status_code=303)

    @app.post("/visits/{visit_id}/delete")
    def delete_visit(request: Request, visit_id: int) -> Response:
        principal = need(request, "visits")
        old = store.visit(visit_id)
        if old is None:
            raise HTTPException(404, "There is no such visit.")
        store.audit(principal.username, "delete-visit", patient=old["patient"],
                    detail=_visit_words(old["date"], old["alsfrs_r"], old["fvc_percent"], old.get("weight_kg")))
        store.delete_visit(visit_id)
        return RedirectResponse(f"/patients/{quote(old['patient'], safe='')}", status_code=303)

    @app.post("/patients/{key:path}/delete")
    def delete_patient(request: Request, key: str) -> Response:
        principal = need(request, "delete")
        if store.patient(key) is None:
            raise HTTPException(404, "There is no such patient.")
        store.audit(principal.username, "delete", patient=key, detail="patient deleted with all cases and visits")
        case_ids, files = store.delete_patient(key)
        for cid in case_ids:
            store.audit(principal.username, "delete", case_id=cid, patient=key, detail="deleted with the patient")
        store.remove_files(files)
        return RedirectResponse("/", status_code=303)

    # ------------------------------------------------------------------------------ cohort
    @app.get("/dashboard", response_class=HTMLResponse)
    def dashboard(request: Request) -> HTMLResponse:
        principal = who(request)
        counts = store.cohort_counts()
        store.audit(principal.username, "view", detail="cohort dashboard (counts over every case)")
        return page("dashboard.html.j2", request, counts=counts)

    @app.get("/audit", response_class=HTMLResponse)
    def audit_page(request: Request) -> HTMLResponse:
        principal = need(request, "audit")
        number, per = _page_args(request)
        rows, total = store.audit_page(number, per)
        store.audit(principal.username, "view", detail=f"audit trail page {number}")
        return page("audit.html.j2", request, rows=rows, total=total, page_no=number, per_page=per,
                    pages=max(1, -(-total // per)))

    from charcot.web.calculators import register as register_calculators
    from charcot.web.knowledge_pages import register as register_knowledge

    register_calculators(app, page)
    register_knowledge(app, page)
    app.add_middleware(Guard, store=store, settings=settings, accounts=accounts, secret=secret, on_error=_internal_error,
                       signed_out=_signed_out)
    # Whole-request cap: every file at the per-file limit plus room for the form fields.
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes * len(UPLOAD_ROLES) + 1024 * 1024)
    return app


def _map_words(pairs: list[list[str]]) -> str:
    """A case's sample map as the audit trail states it: how many pairs, never the pedigree IDs or VCF samples (the
    append-only trail is kept after the case and its patient are deleted; the map is stored with the case, shown on
    its page and in its report's parameters). No checksum of the pairs either: short IDs are found again from one by
    trying the likely ones."""
    return f"{len(pairs)} pair{'' if len(pairs) == 1 else 's'} (pedigree ID → VCF sample), listed on the case page"


def _visit_seen(visit: dict[str, Any]) -> str:
    """A visit's recorded values as one short digest: the edit form carries it, and a save is refused when the visit
    no longer has it (someone else saved in between)."""
    values = [visit["date"].isoformat(), visit["alsfrs_r"], visit["fvc_percent"], visit["weight_kg"], visit["items"]]
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:32]


def _refuse_unit_switch(when: date, weight: float, others: list[dict[str, Any]]) -> None:
    """A weight a factor near 2.2046 (pounds per kilogram) from the weighing recorded just before or just after it is
    refused (clinical.model.unit_switch, the rule the clinical record's weights follow): read as kilograms it would
    chart a loss or gain of half the body weight. The form's 'weight confirmed' box lets a checked value through."""
    from charcot.clinical.model import KG_PER_LB, unit_switch

    weighed = sorted((v for v in others if v.get("weight_kg") is not None), key=lambda v: v["date"])
    before = [v for v in weighed if v["date"] < when][-1:]
    after = [v for v in weighed if v["date"] > when][:1]
    for near in before + after:
        other = near["weight_kg"]
        if unit_switch(weight, other):
            heavier = max(weight, other)
            raise HTTPException(422, f"the weight {weight:g} kg is {max(weight, other) / min(weight, other):.2f} times "
                                     f"the weight of {near['date'].isoformat()} ({other:g} kg): a factor this close to "
                                     f"2.2046, the pounds in a kilogram, is a weight written in pounds ({heavier:g} lb "
                                     f"= {heavier * KG_PER_LB:.1f} kg), not a weight change; enter kilograms, or tick "
                                     "'weight confirmed' if both weights are right (nothing was changed)")


def _visit_words(when: date, total: int | None, fvc: float | None, weight: float | None) -> str:
    """A visit as the audit trail states it: a value not recorded says so (never Python's None)."""
    def said(value: float | None, unit: str = "") -> str:
        return "not recorded" if value is None else f"{value:g}{unit}"

    return f"{when.isoformat()}: ALSFRS-R {said(total)}, FVC {said(fvc, '%')}, weight {said(weight, ' kg')}"


def _assessment(visits: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Clinical reading of the recorded visits: King's and MiToS stage of the latest visit with items,
    and the ALSFRS-R slope between the first and the latest total."""
    rows: list[tuple[str, str]] = []
    with_items = [v for v in visits if v.get("items")]
    if with_items:
        from charcot.clinical.model import AlsfrsR
        from charcot.clinical.staging import kings_from_alsfrs, mitos

        latest = with_items[-1]
        scores = AlsfrsR(**latest["items"])
        kings = kings_from_alsfrs(scores, latest["date"])
        mit = mitos(scores, latest["date"])
        rows.append((f"King's stage (from the items, {latest['date'].isoformat()})", _stage_text(kings)))
        rows.append((f"MiToS stage ({latest['date'].isoformat()})", _stage_text(mit)))
    totals = [v for v in visits if v["alsfrs_r"] is not None]
    if len(totals) >= 2 and totals[-1]["date"] > totals[0]["date"]:
        months = (totals[-1]["date"] - totals[0]["date"]).days / 30.4375
        slope = (totals[-1]["alsfrs_r"] - totals[0]["alsfrs_r"]) / months
        rows.append(("ALSFRS-R change", f"{slope:+.2f} points per month between {totals[0]['date'].isoformat()} "
                                        f"and {totals[-1]['date'].isoformat()}"))
    return rows


def _stage_text(result: Any) -> str:
    stage = getattr(result, "stage", result)
    return str(stage)


def _alsfrs_svg(visits: list[dict[str, Any]]) -> str | None:
    """A dependency-free inline SVG of ALSFRS-R over time with labelled axes and dates (numbers and
    ISO dates only, so nothing needs escaping)."""
    points = [(v["date"], v["alsfrs_r"]) for v in visits if v["alsfrs_r"] is not None]
    if len(points) < 2:
        return None
    t0, t1 = points[0][0], points[-1][0]
    span = max((t1 - t0).days, 1)
    w, h, left, right, top, bottom = 600, 260, 48, 44, 16, 48
    pw, ph = w - left - right, h - top - bottom

    def x(d: date) -> float:
        return float(left + (d - t0).days / span * pw)

    def y(s: float) -> float:
        return top + ph - s / 48 * ph

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" '
             f'aria-label="ALSFRS-R total over time" font-family="DejaVu Sans, Arial" font-size="11">']
    for s in (0, 12, 24, 36, 48):
        parts.append(f'<line x1="{left}" y1="{y(s):.1f}" x2="{w - right}" y2="{y(s):.1f}" stroke="#e3e6ea"/>'
                     f'<text x="{left - 6}" y="{y(s) + 4:.1f}" text-anchor="end">{s}</text>')
    ticks = sorted({points[0][0], points[-1][0], *(p[0] for p in points[1:-1][:: max(1, len(points) // 5)])})
    last_x = -100.0
    for d in ticks:
        if x(d) - last_x < 70 and d != t1:
            continue
        last_x = x(d)
        parts.append(f'<line x1="{x(d):.1f}" y1="{top + ph}" x2="{x(d):.1f}" y2="{top + ph + 4}" stroke="#555"/>'
                     f'<text x="{x(d):.1f}" y="{top + ph + 16}" text-anchor="middle">{d.isoformat()}</text>')
    parts.append(f'<line x1="{left}" y1="{top + ph}" x2="{w - right}" y2="{top + ph}" stroke="#555"/>'
                 f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#555"/>'
                 f'<text x="{left + pw / 2:.0f}" y="{h - 8}" text-anchor="middle">visit date</text>'
                 f'<text x="12" y="{top + ph / 2:.0f}" text-anchor="middle" transform="rotate(-90 12 {top + ph / 2:.0f})">'
                 f'ALSFRS-R total (0-48)</text>')
    path = " ".join(f"{x(d):.1f},{y(s):.1f}" for d, s in points)
    parts.append(f'<polyline fill="none" stroke="#a3001b" stroke-width="2" points="{path}"/>')
    parts += [f'<circle cx="{x(d):.1f}" cy="{y(s):.1f}" r="3.5" fill="#a3001b"><title>{d.isoformat()}: {s}</title></circle>'
              for d, s in points]
    parts.append("</svg>")
    return "".join(parts)
