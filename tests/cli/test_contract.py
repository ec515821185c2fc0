"""The command-line contract (docs/CLI.md), checked mechanically over every registered command.

The commands are found by walking the real click tree (Click introspection), so a new command is
checked without being listed here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

FORMAT_NAMES = {"table", "json", "tsv"}
# spellings that the contract replaced: one concept, one name
FORBIDDEN = {
    "--json": "use --format json (-o FILE)", "--tsv": "use --format tsv (-o FILE)", "--out": "use --outdir",
    "--today": "use --assessment-date", "--str-vcf": "use --str", "--region": "use --jurisdiction (regulatory)",
    "--plots": "use --outdir", "--output-dir": "use --outdir", "--text": "use --format table",
    # the reference FASTA and the Ensembl GFF3 are --reference and --transcripts (interpret, resources build)
    "--fasta": "use --reference (the reference FASTA)", "--gff": "use --transcripts (the Ensembl GFF3)",
    # the web app's data folder is --data-dir (serve, users, reanalyse)
    "--store": "use --data-dir (the web app's data folder)",
}
SHORT_OPTIONS = {"-o": "--output", "-q": "--quiet", "-v": "--verbose"}
LONG_NAME = re.compile(r"^--[a-z][a-z0-9]*(-[a-z0-9]+)*$")
# parameter names that are a variant-call input: such a command needs --build
CALL_INPUTS = {"vcf", "str_file", "str_vcf", "str_path"}


def _walk() -> Iterator[tuple[list[str], Any]]:
    import typer

    from charcot.cli import COMMANDS, get_app

    root = typer.main.get_command(get_app())
    ctx = root.make_context("charcot", ["--help"], resilient_parsing=True)

    def visit(path: list[str], command: Any) -> Iterator[tuple[list[str], Any]]:
        subcommands = getattr(command, "commands", None)
        if isinstance(subcommands, dict) and subcommands:
            for name, sub in subcommands.items():
                yield from visit([*path, name], sub)
        else:
            yield path, command

    for name in COMMANDS:
        yield from visit([name], root.get_command(ctx, name))


COMMAND_PATHS = [(" ".join(path), command) for path, command in _walk()]
IDS = [p for p, _ in COMMAND_PATHS]


def _options(command: Any) -> list[Any]:
    return [p for p in command.params if getattr(p, "param_type_name", "") == "option"]


def _opts(command: Any) -> set[str]:
    return {o for p in _options(command) for o in (*p.opts, *p.secondary_opts)}


def test_every_command_is_walked() -> None:
    names = set(IDS)
    for expected in ("interpret", "report", "knowledge gene", "cohort burden", "epi sir", "config show", "claim check"):
        assert expected in names
    assert len(names) >= 25


@pytest.mark.parametrize(("path", "command"), COMMAND_PATHS, ids=IDS)
def test_option_names_follow_the_contract(path: str, command: Any) -> None:
    problems: list[str] = []
    for param in _options(command):
        for opt in (*param.opts, *param.secondary_opts):
            if opt.startswith("--"):
                if not LONG_NAME.match(opt):
                    problems.append(f"{opt}: long options are lower-case words joined by '-'")
                if opt in FORBIDDEN:
                    problems.append(f"{opt}: {FORBIDDEN[opt]}")
            elif opt not in SHORT_OPTIONS or SHORT_OPTIONS[opt] not in param.opts:
                problems.append(f"{opt}: the only short options are -o/--output, -q/--quiet, -v/--verbose")
        if not (param.help or "").strip():
            problems.append(f"{param.opts[0]}: no help text")
        writes = re.search(r"\b(write|output)", param.help or "", re.IGNORECASE)
        if (param.metavar or "").upper() == "DIR" and writes and "--outdir" not in param.opts:
            problems.append(f"{param.opts[0]}: a folder of outputs is --outdir DIR")
        if opt_out := [o for o in param.opts if o.startswith("--out") and o not in ("--outdir", "--output")]:
            problems.append(f"{opt_out[0]}: outputs are -o/--output FILE or --outdir DIR")
    for param in command.params:
        if getattr(param, "param_type_name", "") == "argument" and not (getattr(param, "help", "") or "").strip():
            problems.append(f"argument {param.name}: no help text")
    assert problems == [], f"charcot {path}: " + "; ".join(problems)


@pytest.mark.parametrize(("path", "command"), COMMAND_PATHS, ids=IDS)
def test_verbosity_config_and_output_options(path: str, command: Any) -> None:
    opts = _opts(command)
    assert {"-q", "--quiet", "-v", "--verbose", "--config"} <= opts, path
    has_format, has_output = "--format" in opts, "-o" in opts
    assert has_format == has_output, f"{path}: --format and -o/--output go together"
    if has_output:
        output = next(p for p in _options(command) if "-o" in p.opts)
        assert output.opts == ["-o", "--output"] and output.metavar == "FILE"
    if has_format:
        fmt = next(p for p in _options(command) if "--format" in p.opts)
        names = set(re.findall(r"\b(table|json|tsv|text|csv)\b", fmt.help.split("(")[0]))
        assert "table" in names and names <= FORMAT_NAMES, f"{path}: --format names {names}"
    names = {p.name for p in command.params}
    if names & CALL_INPUTS:
        assert "--build" in opts, f"{path} reads variant calls but has no --build"
    for param in _options(command):
        if "--hpo" in param.opts or "--genes" in param.opts:
            assert param.multiple, f"{path}: {param.opts[0]} must be repeatable (and take comma lists)"


@pytest.mark.parametrize(("path", "command"), COMMAND_PATHS, ids=IDS)
def test_help_has_no_artefacts(path: str, command: Any, run_cli) -> None:  # type: ignore[no-untyped-def]
    res = run_cli(*path.split(), "--help")
    assert res.code == 0, res.stderr
    usage = res.stdout.splitlines()[0]
    assert usage.startswith(f"Usage: charcot {path} ")
    assert "{" not in usage and "<bool>" not in res.stdout and "Traceback" not in res.stdout
    assert "╭" not in res.stdout  # plain help, no Rich boxes


FORMAT_COMMANDS = [(p, c) for p, c in COMMAND_PATHS if "--format" in _opts(c)]


@pytest.mark.parametrize(("path", "command"), FORMAT_COMMANDS, ids=[p for p, _ in FORMAT_COMMANDS])
def test_a_bad_format_is_one_error(path: str, command: Any, run_cli) -> None:  # type: ignore[no-untyped-def]
    res = run_cli(*path.split(), "--format", "text")
    assert res.code == 2
    assert res.stderr.startswith("charcot: error: --format text is not one of table, json")
    assert "hint:" in res.stderr and res.stdout == ""


OUTPUT_COMMANDS = [(p, c) for p, c in COMMAND_PATHS if "-o" in _opts(c)]


@pytest.mark.parametrize(("path", "command"), OUTPUT_COMMANDS, ids=[p for p, _ in OUTPUT_COMMANDS])
def test_o_is_a_file_checked_before_anything_runs(path: str, command: Any, run_cli,  # type: ignore[no-untyped-def]
                                                  tmp_path: Path) -> None:
    res = run_cli(*path.split(), "-o", tmp_path)
    assert res.code == 2 and "is a folder, not a file" in res.stderr and "Traceback" not in res.stderr
    assert res.stderr.count(str(tmp_path)) == 2, res.stderr  # once in the error (it named it twice), once in the hint


@pytest.mark.parametrize(("path", "command"), OUTPUT_COMMANDS, ids=[p for p, _ in OUTPUT_COMMANDS])
def test_o_ending_in_a_slash_is_refused(path: str, command: Any, run_cli,  # type: ignore[no-untyped-def]
                                        tmp_path: Path) -> None:
    # "-o newdir/" wrote a file called newdir; "-o existing.json/" would have replaced existing.json
    existing = tmp_path / "existing.json"
    existing.write_text("keep")
    for target in (f"{tmp_path / 'newdir'}/", f"{existing}/"):
        res = run_cli(*path.split(), "-o", target)
        assert res.code == 2 and "ends with '/', so it names a folder, not a file" in res.stderr, res.stderr
        assert "Traceback" not in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.json"] and existing.read_text() == "keep"


def test_usage_errors_have_the_charcot_style(run_cli) -> None:  # type: ignore[no-untyped-def]
    missing = run_cli("interpret")
    assert missing.code == 2
    assert missing.stderr == ("charcot: error: Missing argument 'VCF'.\n"
                              "  hint: run 'charcot interpret --help' for the options\n")
    typo = run_cli("interpert", "x.vcf")
    assert typo.code == 2 and "Did you mean 'interpret'?" in typo.stderr and "╭" not in typo.stderr
    unknown = run_cli("knowledge", "gene", "SOD1", "--bogus")
    assert unknown.code == 2 and unknown.stderr.startswith("charcot: error: No such option: --bogus")


@pytest.mark.parametrize(("path", "command"), COMMAND_PATHS, ids=IDS)
def test_help_names_only_real_options(path: str, command: Any) -> None:
    """A help text that sends the user to an option names one the command has, never a retired spelling
    (re-check: --repeat-covariate said 'needs --str-vcf'); a folder option shows DIR, not FILE."""
    problems: list[str] = []
    texts = [command.help or "", *((p.help or "") for p in command.params)]
    for text in texts:
        for named in re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text):
            if named in FORBIDDEN:
                problems.append(f"help names {named}: {FORBIDDEN[named]}")
    for param in _options(command):
        if (param.name or "").endswith("dir") and param.metavar == "FILE":
            problems.append(f"{param.opts[0]} is a folder but shows FILE")
    assert not problems, f"{path}: " + "; ".join(problems)


def test_an_error_names_its_file_once() -> None:
    """An error whose message already names its file printed the path twice ('/x: -o /x is a folder');
    one whose message does not name it is still located by it."""
    from charcot.errors import InputError

    named = InputError("-o /data/out is a folder, not a file", path="/data/out", hint="give a file name")
    assert named.render().splitlines()[0] == "charcot: error: -o /data/out is a folder, not a file"
    located = InputError("bad QUAL", path="/data/in.vcf", line=12)
    assert located.render() == "charcot: error: /data/in.vcf line 12: bad QUAL"
    both = InputError("/data/in.vcf has no header", path="/data/in.vcf", line=3)
    assert both.render() == "charcot: error: line 3: /data/in.vcf has no header"


def test_the_ages_file_is_described_alike_with_every_column() -> None:
    """probecase (2026-12-02): `risk` and `report` described the ages file as 'id, age[, status, onset_age, test]' and
    `segregation` as '... deceased, death_age]': the deceased and death_age columns (read by every command, and what
    stops the report's therapy matching for a deceased patient) went unnamed in two of three helps."""
    from charcot.family.pedigree import AGES_COLUMNS

    helps = {path: next(p.help for p in _options(command) if "--ages" in p.opts)
             for path, command in COMMAND_PATHS if "--ages" in _opts(command)}
    assert {"risk", "segregation", "report"} <= set(helps)
    assert len(set(helps.values())) == 1, helps
    for column in AGES_COLUMNS:
        assert re.search(rf"\b{column}\b", next(iter(helps.values()))), column
