"""Commands of charcot.web: ``serve`` (the web app) and ``users add/disable/list`` (accounts).

FastAPI/uvicorn are imported only when ``serve`` runs.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import typer

from charcot.cli_contract import workspace_option
from charcot.web import auth

_HTSLIB_LINE = re.compile(rb"^\[[A-Z]::")


def filter_native_stderr() -> None:
    """htslib (in cyvcf2 and pysam) writes warnings straight to file descriptor 2, with sample names
    and positions in them. Route fd 2 through a pipe and drop those lines (counted instead), so the
    server log carries no patient data; everything else passes through unchanged."""
    original = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)

    def pump() -> None:
        dropped = 0
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            pending = b""
            while chunk := pipe.read(65536):
                pending += chunk
                *lines, pending = pending.split(b"\n")
                out = []
                for line in lines:
                    if _HTSLIB_LINE.match(line):
                        dropped += 1
                        if dropped in (1, 10, 100, 1000) or dropped % 10000 == 0:
                            out.append(f"charcot: {dropped} htslib message(s) withheld from the log "
                                       "(they can name samples and positions)".encode())
                    else:
                        out.append(line)
                if out:
                    os.write(original, b"\n".join(out) + b"\n")

    threading.Thread(target=pump, name="stderr-filter", daemon=True).start()


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""

    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default: this machine only)."),
        port: int = typer.Option(8000, "--port", help="Port to listen on."),
        data_dir: Path = workspace_option(Path("charcot-data"), "--data-dir", "Uploads, reports and the SQLite database."),
        database_url: str | None = typer.Option(None, "--database-url", envvar="CHARCOT_DATABASE_URL",
                                                help="SQLAlchemy URL, e.g. postgresql+psycopg2://... (default: SQLite in --data-dir)."),
        token: str | None = typer.Option(None, "--token", envvar="CHARCOT_TOKEN",
                                         help="API access token for scripts (at least 24 characters beyond 127.0.0.1)."),
        allowed_host: list[str] = typer.Option([], "--allowed-host",
                                               help="Host name clients use to reach the server (repeatable); loopback names always work."),
        certfile: Path | None = typer.Option(None, "--certfile", help="TLS certificate (PEM): serve HTTPS."),
        keyfile: Path | None = typer.Option(None, "--keyfile", help="TLS private key (PEM)."),
        plain_http: bool = typer.Option(False, "--plain-http",
                                        help="Serve plain HTTP on a network address (only behind a TLS proxy on a "
                                             "trusted network; refused by default)."),
        max_upload_mb: int = typer.Option(2048, "--max-upload-mb", help="Largest accepted file, in MiB (default fits a whole-genome VCF)."),
        workers: int = typer.Option(2, "--workers", help="Reports built in parallel."),
        session_hours: float = typer.Option(auth.SESSION_HOURS, "--session-hours", help="Sign-ins expire after this many hours."),
        clinvar: Path | None = typer.Option(None, "--clinvar", help="ClinVar VCF used for every case (the server's resource bundle)."),
        gnomad: Path | None = typer.Option(None, "--gnomad", help="gnomAD sites VCF used for every case."),
        no_pdf: bool = typer.Option(False, "--no-pdf", help="Skip the PDF of every report and signed copy (faster)."),
        heartbeat_seconds: float = typer.Option(
            auth.HEARTBEAT_SECONDS, "--heartbeat-seconds", envvar="CHARCOT_HEARTBEAT_SECONDS",
            help="How often this server renews its entry in the database's server registry (several servers may "
                 "share one database)."),
        heartbeat_expiry_seconds: float = typer.Option(
            auth.HEARTBEAT_EXPIRY_SECONDS, "--heartbeat-expiry-seconds", envvar="CHARCOT_HEARTBEAT_EXPIRY_SECONDS",
            help="A server not heard from for this long is taken for stopped: its sign-off in progress goes back in "
                 "review, its queued builds move to a running server, its token sessions end."),
    ) -> None:
        """Run the web app: upload cases, review and sign off reports, follow patients."""
        import logging

        from charcot.errors import ConfigurationError
        public = auth.needs_token(host)
        if os.path.exists(data_dir) and not data_dir.is_dir():
            raise ConfigurationError(f"--data-dir {data_dir} is a file, not a folder", path=data_dir,
                                     hint="give a folder for the app's uploads, reports and database (it is created)")
        if (certfile is None) != (keyfile is None):
            raise ConfigurationError("TLS needs both --certfile and --keyfile")
        if not heartbeat_seconds > 0 or not heartbeat_expiry_seconds >= 2 * heartbeat_seconds:
            raise ConfigurationError(
                f"--heartbeat-expiry-seconds ({heartbeat_expiry_seconds:g}) must be at least twice "
                f"--heartbeat-seconds ({heartbeat_seconds:g}), which must be above 0",
                hint="a server missing one heartbeat must not be taken for stopped; the defaults are "
                     f"{auth.HEARTBEAT_SECONDS:g} and {auth.HEARTBEAT_EXPIRY_SECONDS:g}")
        for path in (certfile, keyfile, clinvar, gnomad):
            if path is not None and not path.is_file():
                raise ConfigurationError(f"{path.name}: no such file", path=path)
        if public and token is not None and len(token) < auth.MIN_PUBLIC_TOKEN:
            raise ConfigurationError(f"the --token is too short for a server reachable from the network "
                                     f"({len(token)} characters)",
                                     hint=f"use at least {auth.MIN_PUBLIC_TOKEN} random characters, e.g. "
                                          "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`")
        if public:
            from charcot.web.store import Store

            if not token and not Store(data_dir, database_url).has_users_safely():
                raise ConfigurationError(f"binding to {host} exposes patient data to the network",
                                         hint="add accounts with `charcot users add`, or give --token "
                                              "(or CHARCOT_TOKEN), or bind 127.0.0.1")
            if certfile is None and not plain_http:
                raise ConfigurationError(f"serving on {host} without TLS sends passwords, session cookies and patient "
                                         "data unencrypted over the network",
                                         hint="give --certfile and --keyfile, or bind 127.0.0.1 behind a TLS proxy "
                                              "(or pass --plain-http when a TLS proxy on a trusted network fronts it)")
        import uvicorn

        from charcot.web.app import Settings, create_app

        os.umask(0o077)  # everything the server writes is readable by its own user only
        filter_native_stderr()
        try:
            import pysam

            pysam.set_verbosity(0)
        except ImportError:  # pragma: no cover - pysam is a core dependency
            pass
        from charcot.cli_state import log_as_server, verbosity

        # a server logs at INFO (-q: errors only, -v: debug), with the time and the logger's name
        level = logging.ERROR if verbosity() < 0 else logging.DEBUG if verbosity() > 0 else logging.INFO
        log_as_server(level, "%(asctime)s %(levelname)s %(name)s: %(message)s")
        for noisy in ("weasyprint", "fontTools", "alembic", "matplotlib", "PIL"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        hosts = tuple(dict.fromkeys([*auth.LOOPBACK, *(h.lower() for h in allowed_host),
                                     *([host.lower()] if public and host not in ("0.0.0.0", "::") else [])]))
        settings = Settings(data_dir=data_dir, database_url=database_url, token=token,
                            max_upload_bytes=max_upload_mb * 1024 * 1024, workers=workers, allowed_hosts=hosts,
                            tls=certfile is not None, session_hours=session_hours, clinvar=clinvar, gnomad=gnomad,
                            pdf=not no_pdf,
                            heartbeat_seconds=heartbeat_seconds, heartbeat_expiry_seconds=heartbeat_expiry_seconds)
        application = create_app(settings)
        scheme = "https" if certfile else "http"
        typer.echo(f"charcot web app on {scheme}://{host}:{port} (data in {os.fspath(data_dir)})")
        # access_log off: URLs carry patient pseudonyms, which must not reach the logs.
        uvicorn.run(application, host=host, port=port, access_log=False, log_level="info",
                    ssl_certfile=str(certfile) if certfile else None, ssl_keyfile=str(keyfile) if keyfile else None,
                    h11_max_incomplete_event_size=64 * 1024)

    users = typer.Typer(help="Accounts of the web app: add, disable, list.", no_args_is_help=True)
    app.add_typer(users, name="users")

    def _store(data_dir: Path, database_url: str | None, *, create: bool = False):  # type: ignore[no-untyped-def]
        from charcot.errors import InputError
        from charcot.web.store import Store

        if os.path.exists(data_dir) and not data_dir.is_dir():
            raise InputError(f"--data-dir {data_dir} is a file, not a folder", path=data_dir,
                             hint="give the folder 'charcot serve --data-dir' uses")
        if not create and database_url is None and not (data_dir / "charcot.sqlite3").is_file():
            # listing or disabling accounts never creates a data folder (a mistyped path would look empty)
            raise InputError(f"{data_dir} is not a charcot web data folder (no charcot.sqlite3 in it)", path=data_dir,
                             hint="give the folder 'charcot serve --data-dir' uses, and --database-url when the app "
                                  "keeps its cases in PostgreSQL")
        store = Store(data_dir, database_url)
        store.migrate()
        return store

    @users.command("add")
    def users_add(
        username: str = typer.Argument(..., help="Sign-in name (letters, digits, . _ -)."),
        role: str = typer.Option(..., "--role", help="clinician, genetic_counsellor, laboratory_scientist, reviewer or admin."),
        name: str = typer.Option("", "--name", help="Full name shown in the app and the audit trail."),
        password_env: str | None = typer.Option(None, "--password-env",
                                                help="Read the password from this environment variable (else prompt)."),
        data_dir: Path = workspace_option(Path("charcot-data"), "--data-dir", "The web app's data folder."),
        database_url: str | None = typer.Option(None, "--database-url", envvar="CHARCOT_DATABASE_URL",
                                                help="The web app's database URL (default: SQLite in --data-dir)."),
    ) -> None:
        """Create an account (the password is stored as an argon2id hash)."""
        from charcot.errors import InputError
        if not re.fullmatch(r"[A-Za-z0-9._-]{2,80}", username) or username in ("local", "api-token", "system"):
            raise InputError(f"user name {username[:40]!r} is not allowed",
                             hint="2-80 letters, digits, '.', '_' or '-'; not local, api-token or system")
        if role not in auth.ROLES:
            raise InputError(f"unknown role {role!r}", hint="one of " + ", ".join(auth.ROLES))
        if password_env is not None:
            password = os.environ.get(password_env, "")
        else:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        if len(password) < 12:
            raise InputError("the password is too short", hint="use at least 12 characters")
        store = _store(data_dir, database_url, create=True)  # the first account may come before the first start
        if store.user(username) is not None:
            raise InputError(f"user {username!r} exists already", hint="choose another name, or disable the old account")
        store.add_user(username, role, auth.hash_password(password), name)
        store.audit("cli", "add-user", detail=f"{username} ({role})")
        typer.echo(f"added {username} ({auth.ROLES[role]}); a running server picks up accounts when restarted")

    @users.command("disable")
    def users_disable(
        username: str = typer.Argument(..., help="The account to disable."),
        data_dir: Path = workspace_option(Path("charcot-data"), "--data-dir", "The web app's data folder."),
        database_url: str | None = typer.Option(None, "--database-url", envvar="CHARCOT_DATABASE_URL",
                                                help="The web app's database URL (default: SQLite in --data-dir)."),
    ) -> None:
        """Disable an account and end its sessions at once (nothing is deleted)."""
        from charcot.errors import InputError

        store = _store(data_dir, database_url)
        if not store.set_user_disabled(username, True):
            raise InputError(f"no user {username!r}", hint="list the accounts with 'charcot users list', or add one with "
                                                         "'charcot users add'")
        store.audit("cli", "disable-user", detail=username)
        typer.echo(f"disabled {username}; their sessions have ended")

    @users.command("list")
    def users_list(
        data_dir: Path = workspace_option(Path("charcot-data"), "--data-dir", "The web app's data folder."),
        database_url: str | None = typer.Option(None, "--database-url", envvar="CHARCOT_DATABASE_URL",
                                                help="The web app's database URL (default: SQLite in --data-dir)."),
    ) -> None:
        """List accounts."""
        for u in _store(data_dir, database_url).users():
            typer.echo(f"{u['username']}\t{auth.ROLES.get(u['role'], u['role'])}\t"
                       f"{'disabled' if u['disabled'] else 'active'}\t{u['display_name']}")
