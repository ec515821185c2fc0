"""``charcot reanalyse``: re-run stored reports with today's knowledge and list what changed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from charcot.cli_contract import folder_ok, format_option, output_option, workspace_option

if TYPE_CHECKING:
    from charcot.reanalysis.api import ReanalysisResult


def register(app: typer.Typer) -> None:
    @app.command("reanalyse")
    def reanalyse_cmd(
        cases: Path | None = typer.Argument(None, metavar="CASES", callback=folder_ok,
                                            help="A report folder (with report.json), its report.json, or a folder "
                                                 "of report folders (or give --data-dir)."),
        # the web app's data folder, named as 'charcot serve' and 'charcot users' name it (one spelling per concept)
        store_dir: Path | None = workspace_option(None, "--data-dir", "The web app's data folder (as 'charcot serve "
                                                  "--data-dir'): re-analyse its finished cases and mark the changed "
                                                  "ones 'needs review' there."),
        database_url: str | None = typer.Option(None, "--database-url", envvar="CHARCOT_DATABASE_URL",
                                                help="With --data-dir: the web app's database URL (default: SQLite in "
                                                     "the data folder)."),
        inputs: list[Path] = typer.Option([], "--inputs", metavar="DIR", callback=folder_ok,
                                          help="Another folder to look for the reports' input files in "
                                               "(repeatable; default: beside each report.json)."),
        fmt: str | None = format_option(),
        output: str | None = output_option("the re-analysis"),
    ) -> None:
        """Re-run stored reports with the knowledge in force and list, per case, what changed."""
        from charcot.cli_contract import OutputFormat, emit, resolve_format
        from charcot.errors import InputError
        from charcot.reanalysis.api import describe, reanalyse

        chosen = resolve_format(fmt, output)
        if (cases is None) == (store_dir is None):
            raise InputError("give either a folder of report folders or --data-dir DIR, not both or neither",
                             hint="charcot reanalyse CASES, or charcot reanalyse --data-dir charcot-data")
        if store_dir is not None:
            result = _reanalyse_store(store_dir, database_url, inputs)
        else:
            assert cases is not None
            result = reanalyse(cases, inputs)
        emit(result.model_dump_json(indent=1) if chosen == OutputFormat.JSON else describe(result), output)
        if result.cases and all(c.status == "not_reanalysed" for c in result.cases):
            from charcot.errors import NothingAssessed

            raise NothingAssessed(f"none of the {len(result.cases)} case(s) could be re-analysed",
                                  hint="the output says why for each case")


def _reanalyse_store(data_dir: Path, database_url: str | None, inputs: list[Path]) -> ReanalysisResult:
    import getpass

    from charcot.errors import InputError
    from charcot.web.reanalysis import reanalyse_store
    from charcot.web.store import Store

    if not data_dir.is_dir() or (database_url is None and not (data_dir / "charcot.sqlite3").is_file()):
        raise InputError(f"{data_dir} is not a charcot web data folder (no charcot.sqlite3 in it)",
                         path=str(data_dir), hint="give the folder 'charcot serve --data-dir' uses, and "
                                                  "--database-url when the app keeps its cases in PostgreSQL")
    store = Store(data_dir, database_url)
    store.migrate()
    try:
        actor = f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):
        actor = "command line"
    return reanalyse_store(store, actor=actor, extra_dirs=inputs)
