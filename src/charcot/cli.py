"""The charcot command line: a thin typer app whose sub-commands are resolved on demand.

``COMMANDS`` below is the table of every top-level command: its name, the module whose
``register(app)`` adds it, and the one-line summary shown by ``charcot --help`` (and used as the
command's short help, so the two listings agree). Nothing in a
command module is imported until that command (or its ``--help``) runs, so ``charcot --help`` and
``charcot --version`` start in a few tens of milliseconds (see docs/CLI.md, "How to add a command",
and benchmarks/bench_startup.py). ``tests/cli/test_contract.py`` walks every command's options against
the contract.
"""

# No ``from __future__ import annotations``: typer reads the root callback's annotations, and typer is
# imported inside build_app (so the names must be evaluated there).
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from charcot import __version__

if TYPE_CHECKING:
    import typer

PROG = "charcot"
HELP = ("ALS clinical genomics: cited knowledge, VCF and repeat interpretation, family risk, clinical "
        "assessment, therapy matching and reports. Supports, does not replace, clinical judgement.")

# name -> (module providing ``register(app)``, summary for ``charcot --help``). Keep the table order:
# it is the order of the help listing.
COMMANDS: dict[str, tuple[str, str]] = {
    "interpret": ("charcot.variants.cli", "Interpret a patient's VCF in the ALS genes: annotation, ACMG/AMP "
                                          "classification, inheritance."),
    "repeats": ("charcot.repeats.cli", "Interpret C9orf72, ATXN2, ATXN1 and AR repeat sizes against cited ALS "
                                       "thresholds."),
    "risk": ("charcot.family.cli", "Carrier probability and age-dependent disease risk for every relative "
                                   "(exact peeling)."),
    "segregation": ("charcot.family.cli", "Per-variant de novo / segregation / phase evidence (PS2/PM6, PP1/BS4, "
                                          "PM3) for ALS panel genes."),
    "clinical": ("charcot.clinical.cli", "Clinical assessment: ALSFRS-R, progression, staging, ENCALS prognosis, "
                                         "criteria, mimics, care alerts."),
    "therapies": ("charcot.therapy.cli", "Therapies and trials this patient can receive or join, criterion by "
                                         "criterion."),
    "claim": ("charcot.therapy.cli", "Grade treatment claims."),
    "report": ("charcot.report.cli", "One case → report.html, report.pdf, report.json and phenopacket.json in "
                                     "OUTDIR."),
    "demo": ("charcot.report.cli", "Run the README's 'charcot report' command on the bundled demo case (NA12878 + "
                                   "spiked SOD1 A4V, fictional history)."),
    "cohort": ("charcot.population.cli", "Cohort case-control analyses (gene burden)."),
    "epi": ("charcot.population.cli", "Population epidemiology: expected cases, SIR, prevalence, cluster check."),
    "resources": ("charcot.variants.resources_cli", "Build and inspect the local panel resource bundle (gnomAD, "
                                                    "ClinVar, FASTA, GFF3, predictor scores)."),
    "knowledge": ("charcot.knowledge.cli", "The cited ALS knowledge base: genes, variants, sources, validation."),
    "export": ("charcot.exports.cli", "Export a report's results: ClinVar submission, FHIR bundle."),
    "reanalyse": ("charcot.reanalysis.cli", "Re-run stored reports with the knowledge in force and list, per case, "
                                            "what changed."),
    "serve": ("charcot.web.cli", "Run the web app: upload cases, review and sign off reports, follow patients."),
    "users": ("charcot.web.cli", "Accounts of the web app: add, disable, list."),
    "config": ("charcot.config", "The configuration in force (charcot.toml, CHARCOT_* variables) and where each "
                                 "value comes from."),
}

# Options of the root command (rendered by ``root_help`` without importing typer).
ROOT_OPTIONS: tuple[tuple[str, str], ...] = (
    ("--version", "Show the charcot and knowledge-base versions and exit (with -v: the libraries too)."),
    ("--config FILE", "Configuration file (default: $XDG_CONFIG_HOME/charcot/charcot.toml; or CHARCOT_CONFIG)."),
    ("-q, --quiet", "Only errors on stderr."),
    ("-v, --verbose", "More detail on stderr (repeat for debug); library warnings are shown from -v."),
    ("--install-completion", "Install completion for the current shell."),
    ("--show-completion", "Show completion for the current shell, to copy it or customize the installation."),
    ("--help", "Show this message and exit."),
)

_COMPLETE_VAR = "_CHARCOT_COMPLETE"


def root_help(width: int | None = None) -> str:
    """``charcot --help``: built from the tables above, so it needs no command module."""
    import textwrap

    if width is None:
        try:
            width = min(max(os.get_terminal_size().columns, 60), 110)
        except OSError:
            width = 80
    lines = [f"Usage: {PROG} [OPTIONS] COMMAND [ARGS]...", ""]
    lines += textwrap.wrap(HELP, width - 2, initial_indent="  ", subsequent_indent="  ")
    lines += ["", "  Exit codes: 0 done, 2 bad input or usage, 3 ran but could not assess what was asked, "
                  "1 a bug.", ""]

    def block(title: str, rows: Sequence[tuple[str, str]]) -> None:
        lines.append(f"{title}:")
        left = min(max(len(name) for name, _ in rows) + 2, 26)
        for name, text in rows:
            wrapped = textwrap.wrap(text, max(width - left - 2, 20)) or [""]
            if len(name) + 2 > left:
                lines.append(f"  {name}")
                lines.extend(" " * (left + 2) + part for part in wrapped)
            else:
                lines.append(f"  {name.ljust(left)}{wrapped[0]}")
                lines.extend(" " * (left + 2) + part for part in wrapped[1:])
        lines.append("")

    block("Options", ROOT_OPTIONS)
    block("Commands", [(name, summary) for name, (_, summary) in COMMANDS.items()])
    lines.append(f"Run '{PROG} COMMAND --help' for a command's options; docs/CLI.md describes the contract.")
    return "\n".join(lines) + "\n"


def version_line() -> str:
    """``charcot --version``: the program and the knowledge snapshot (meta.yaml read directly, no
    pydantic), the same values as ``get_knowledge().meta`` (tested)."""
    import yaml

    meta_file = Path(__file__).parent / "knowledge" / "data" / "meta.yaml"
    with meta_file.open(encoding="utf-8") as handle:
        meta = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    snapshot = meta["snapshot_date"]
    return (f"{PROG} {__version__} (knowledge base {meta['version']}, snapshot "
            f"{snapshot.isoformat() if hasattr(snapshot, 'isoformat') else snapshot})")


def _fast_path(args: Sequence[str]) -> int | None:
    """Answer ``charcot``, ``charcot --help``, ``charcot --version`` and ``charcot knowledge gene NAME`` (from
    the stored gene cards, charcot.knowledge.cards) without importing typer or any command module. Returns
    None when the full command line must run."""
    if _COMPLETE_VAR in os.environ:
        return None
    if list(args) in ([], ["--help"], ["-h"]):
        sys.stdout.write(root_help())
        return 0
    if list(args) == ["--version"] and not os.environ.get("CHARCOT_KNOWLEDGE"):
        # (with CHARCOT_KNOWLEDGE the snapshot is resolved by charcot.knowledge, on the full path)
        sys.stdout.write(version_line() + "\n")
        return 0
    if len(args) == 3 and args[:2] == ["knowledge", "gene"]:
        from charcot.knowledge.cards import answer

        return answer(args[2])  # None (the full command) unless the stored gene cards answer
    return None


def build_app() -> "typer.Typer":
    """The full typer application (root options; sub-commands resolved lazily by ``LazyGroup``)."""
    import typer

    from charcot.cli_contract import LazyGroup, set_config_path, set_verbosity

    LazyGroup.table = COMMANDS
    LazyGroup.root_help = staticmethod(root_help)
    application = typer.Typer(name=PROG, cls=LazyGroup, help=HELP, no_args_is_help=True,
                              rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=True)

    @application.callback(invoke_without_command=True)
    def _root(
        ctx: typer.Context,
        version: bool = typer.Option(False, "--version", help=ROOT_OPTIONS[0][1]),
        config: str | None = typer.Option(None, "--config", metavar="FILE", help=ROOT_OPTIONS[1][1]),
        quiet: bool = typer.Option(False, "-q", "--quiet", help=ROOT_OPTIONS[2][1]),
        verbose: int = typer.Option(0, "-v", "--verbose", count=True, help=ROOT_OPTIONS[3][1]),
    ) -> None:
        set_verbosity(-1 if quiet else verbose)
        if config is not None:
            set_config_path(config)
        if version:
            if os.environ.get("CHARCOT_KNOWLEDGE"):
                from charcot.knowledge import get_knowledge

                meta = get_knowledge().meta
                typer.echo(f"{PROG} {__version__} (knowledge base {meta.version}, snapshot "
                           f"{meta.snapshot_date.isoformat()}, from CHARCOT_KNOWLEDGE)")
            else:
                typer.echo(version_line())
            if verbose:
                from charcot.cli_contract import library_versions

                for name, value in library_versions():
                    typer.echo(f"  {name}: {value}")
            raise typer.Exit(0)
        if ctx.invoked_subcommand is None:
            typer.echo(root_help(), nl=False)
            raise typer.Exit(0)

    return application


_APP: "typer.Typer | None" = None


def get_app() -> "typer.Typer":
    global _APP
    if _APP is None:
        _APP = build_app()
    return _APP


def __getattr__(name: str) -> Any:
    # ``from charcot.cli import app`` (tests, typer's CliRunner) builds the application on first use.
    if name == "app":
        return get_app()
    raise AttributeError(name)


def no_pydantic_plugins() -> None:
    """charcot's process loads no pydantic plugin. A plugin is any installed package that declares a ``pydantic``
    entry point (an observability SDK is one): pydantic calls it on every validation, so it would see every patient
    record charcot validates and could send it off the machine. ``PYDANTIC_DISABLE_PLUGINS`` (pydantic's own switch,
    inherited by charcot's subprocesses) turns them off; pydantic's loader module, which imports
    ``importlib.metadata`` and scans every installed package's entry points (~25 ms of each command's start-up, issue
    20), is replaced by one that finds none when it has not been imported yet."""
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    name = "pydantic.plugin._loader"
    if name not in sys.modules:
        import types

        loader = types.ModuleType(name, "charcot: no pydantic plugin is loaded (charcot.cli.no_pydantic_plugins)")
        loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
        sys.modules[name] = loader


def one_blas_thread() -> None:
    """One OpenBLAS thread for the command's process unless the user set OPENBLAS_NUM_THREADS (issue 20).

    numpy (imported by cyvcf2 for every VCF) and scipy start OpenBLAS's thread pool when they load, one thread per
    core, and those threads spin while waiting: on the indexed genome ``interpret`` spent ~0.19 s more CPU with the
    pool (2 cores) than with one thread, for no matrix work. The cohort tests already run BLAS on one thread
    (population.api._one_blas_thread: its products are tall and skinny). Read when the library loads, so it is set
    before anything imports numpy; a process that imported it already keeps its pool."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point. Returns the exit code: 0 done, 2 bad input or usage (one message, no traceback),
    3 ran but could not assess what was asked, 1 an internal error (a bug)."""
    args = list(sys.argv[1:] if argv is None else argv)
    fast = _fast_path(args)
    if fast is not None:
        return fast
    one_blas_thread()
    no_pydantic_plugins()
    from charcot.cli_contract import run_app

    return run_app(get_app(), args, prog_name=PROG)


def run() -> NoReturn:
    code = main()
    # The process ends here: whatever is alive is left out of the collector's scans at interpreter exit (after
    # `charcot demo` they took ~0.45 s); atexit handlers and the flushing of standard streams still run.
    import gc

    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
