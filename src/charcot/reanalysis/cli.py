"""``charcot reanalyse``: re-run stored reports with today's knowledge and list what changed."""

from __future__ import annotations

from pathlib import Path

import typer

from charcot.cli_contract import format_option, output_option


def register(app: typer.Typer) -> None:
    @app.command("reanalyse")
    def reanalyse_cmd(
        cases: Path = typer.Argument(..., metavar="CASES", help="A report folder (with report.json) or a folder of "
                                                                "report folders."),
        inputs: list[Path] = typer.Option([], "--inputs", metavar="DIR",
                                          help="Another folder to look for the reports' input files in "
                                               "(repeatable; default: beside each report.json)."),
        fmt: str | None = format_option(),
        output: str | None = output_option("the re-analysis"),
    ) -> None:
        """Re-run stored reports with the knowledge in force and list, per case, what changed."""
        from charcot.cli_contract import OutputFormat, emit, resolve_format
        from charcot.reanalysis.api import describe, reanalyse

        chosen = resolve_format(fmt, output)
        result = reanalyse(cases, inputs)
        emit(result.model_dump_json(indent=1) if chosen == OutputFormat.JSON else describe(result), output)
