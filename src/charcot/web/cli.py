"""Commands of charcot.web: ``serve`` (the web app; FastAPI/uvicorn imported only when it runs)."""

from __future__ import annotations

import os
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""

    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default: this machine only)."),
        port: int = typer.Option(8000, "--port", help="Port to listen on."),
        data_dir: Path = typer.Option(Path("charcot-data"), "--data-dir", help="Uploads, reports and the SQLite database."),
        database_url: str | None = typer.Option(None, "--database-url", envvar="CHARCOT_DATABASE_URL",
                                                help="SQLAlchemy URL, e.g. postgresql+psycopg2://... (default: SQLite in --data-dir)."),
        token: str | None = typer.Option(None, "--token", envvar="CHARCOT_TOKEN",
                                         help="Require this access token (required when binding beyond 127.0.0.1)."),
        max_upload_mb: int = typer.Option(200, "--max-upload-mb", help="Largest accepted upload, in MiB."),
        workers: int = typer.Option(2, "--workers", help="Reports built in parallel."),
    ) -> None:
        """Run the web app: upload cases, follow progress, view and download reports."""
        import logging

        import uvicorn

        from charcot.errors import ConfigurationError
        from charcot.web import auth
        from charcot.web.app import Settings, create_app

        if auth.needs_token(host) and not token:
            raise ConfigurationError(f"binding to {host} exposes patient data to the network",
                                     hint="give --token (or CHARCOT_TOKEN), or bind 127.0.0.1")
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        for noisy in ("weasyprint", "fontTools", "alembic", "matplotlib", "PIL"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        settings = Settings(data_dir=data_dir, database_url=database_url, token=token,
                            max_upload_bytes=max_upload_mb * 1024 * 1024, workers=workers)
        application = create_app(settings)
        typer.echo(f"charcot web app on http://{host}:{port} (data in {os.fspath(data_dir)})")
        # access_log off: URLs carry patient pseudonyms, which must not reach the logs.
        uvicorn.run(application, host=host, port=port, access_log=False, log_level="info")
