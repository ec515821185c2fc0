"""The charcot command line: a thin typer app. Each package registers its own commands in its
``cli.py`` (parse, call, print; no logic); heavy libraries are imported inside the commands."""

from __future__ import annotations

import sys

import typer

from charcot import __version__
from charcot.errors import CharcotError

app = typer.Typer(
    name="charcot",
    help="ALS clinical genomics: cited knowledge, VCF and repeat interpretation, family risk, "
    "clinical assessment, therapy matching and reports. Supports, does not replace, clinical judgement.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        from charcot.knowledge import get_knowledge

        meta = get_knowledge().meta
        typer.echo(f"charcot {__version__} (knowledge base {meta.version}, snapshot {meta.snapshot_date.isoformat()})")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show versions and exit."),
) -> None:
    """charcot command line."""


def _register_all() -> None:
    from charcot.clinical import cli as clinical_cli
    from charcot.family import cli as family_cli
    from charcot.knowledge import cli as knowledge_cli
    from charcot.population import cli as population_cli
    from charcot.repeats import cli as repeats_cli
    from charcot.report import cli as report_cli
    from charcot.therapy import cli as therapy_cli
    from charcot.variants import cli as variants_cli
    from charcot.web import cli as web_cli

    for module in (knowledge_cli, variants_cli, repeats_cli, family_cli, clinical_cli, therapy_cli,
                   report_cli, web_cli, population_cli):
        module.register(app)


_register_all()


def main(argv: list[str] | None = None) -> int:
    """Entry point. Returns the exit code: 0 ok, 2 bad input (message, no traceback), 1 internal error."""
    args = sys.argv[1:] if argv is None else argv
    try:
        app(args=args, prog_name="charcot", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except CharcotError as exc:
        typer.echo(exc.render(), err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        typer.echo("charcot: interrupted", err=True)
        return 130
    return 0


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
