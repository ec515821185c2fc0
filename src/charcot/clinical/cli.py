"""Commands of charcot.clinical (registered on the main app by charcot.cli)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path

import typer

from charcot.errors import InputError


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def _clinical(
    case_file: Path = typer.Argument(..., help="clinical record: YAML, JSON or Phenopacket v2"),
    output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", help="table or json"),
    plots: Path | None = typer.Option(None, "--plots", help="write PNG plots into this directory"),
    today: str | None = typer.Option(None, "--today", help="assessment date YYYY-MM-DD (default: last visit)"),
    c9orf72: str | None = typer.Option(None, "--c9orf72",
                                       help="assume C9orf72 'normal' or 'expanded' when the case has no result"),
) -> None:
    """Clinical assessment: ALSFRS-R, progression, staging, ENCALS prognosis, criteria, mimics, care alerts."""
    from charcot.clinical.api import assess, load_case, render_plots
    from charcot.clinical.report_text import table

    when = None
    if today is not None:
        try:
            when = date.fromisoformat(today)
        except ValueError as exc:
            raise InputError(f"--today must be YYYY-MM-DD, got {today!r}") from exc
    case = load_case(case_file)
    assessment = assess(case, today=when, c9orf72_status=c9orf72)
    if plots is not None:
        written = render_plots(case, assessment, plots)
        for name, path in sorted(written.items()):
            typer.echo(f"plot {name}: {path}", err=True)
    if output_format is OutputFormat.JSON:
        typer.echo(assessment.to_json(), nl=False)
    else:
        typer.echo(table(assessment))


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""
    app.command("clinical")(_clinical)
