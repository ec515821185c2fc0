"""Commands of charcot.clinical (registered on the main app by charcot.cli)."""

from __future__ import annotations

from pathlib import Path

import typer

from charcot.cli_contract import OutputFormat, format_option, output_option, resolve_format


def _clinical(
    case_file: Path = typer.Argument(..., metavar="CASE", help="Clinical record: case YAML, JSON or Phenopacket v2."),
    output_format: str | None = format_option(),
    output: Path | None = output_option("the assessment"),
    outdir: Path | None = typer.Option(None, "--outdir", metavar="DIR", help="Also write the PNG plots into DIR."),
    assessment_date: str | None = typer.Option(None, "--assessment-date", metavar="DATE",
                                               help="Date of the assessment, YYYY-MM-DD (default: the last visit)."),
    c9orf72: str | None = typer.Option(None, "--c9orf72",
                                       help="Assume C9orf72 'normal' or 'expanded' when the case has no result."),
) -> None:
    """Clinical assessment: ALSFRS-R, progression, staging, ENCALS prognosis, criteria, mimics, care alerts."""
    from charcot.cli_contract import emit, note, past_date
    from charcot.clinical.api import assess, load_case, render_plots
    from charcot.clinical.report_text import table
    from charcot.outputs import check_output_dir, when_written

    if outdir is not None:
        check_output_dir(outdir, option="--outdir", exclusive=False)
    when = past_date(assessment_date, "--assessment-date")
    case = load_case(case_file)
    assessment = assess(case, today=when, c9orf72_status=c9orf72)
    if outdir is not None:
        written = render_plots(case, assessment, outdir)
        lines = [f"plot {name}: {path}" for name, path in sorted(written.items())]

        def say() -> None:  # once the plots are written: a run whose outputs fail never says it wrote them
            for line in lines:
                note(line)

        when_written(say)
    if resolve_format(output_format, output) is OutputFormat.JSON:
        emit(assessment.to_json(), output)
    else:
        emit(table(assessment), output)


def register(app: typer.Typer) -> None:
    """Add this package's commands to the main app."""
    app.command("clinical")(_clinical)
