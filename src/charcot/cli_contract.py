"""The command-line contract, in one place (docs/CLI.md describes it for people).

- ``LazyGroup``: the root command group; it imports a command's module only when that command runs,
  and applies the contract to every command it resolves (``-q``/``-v``/``--config`` on every command,
  upper-case argument names in usage lines, plain help without Rich boxes).
- ``run_app``: runs the typer application with one error style (``charcot: error: ...`` + hint) and
  the documented exit codes (0 done, 2 bad input or usage, 3 ran but could not assess, 1 a bug).
- ``OutputFormat``, ``emit``, ``output_option``/``format_option``: single-file output with ``-o FILE``
  (``-`` = stdout) and ``--format table|json|tsv`` with the same names everywhere.
- ``readable_input``: ``-``, ``/dev/stdin`` and process substitution as inputs (spooled to a
  temporary file, keeping BGZF, because htslib needs to seek).
- ``set_verbosity``/``verbosity``: ``-q``/``-v``; library warnings go to the log, shown from ``-v``.

Importing this module imports typer (it is used by the command modules, never by ``charcot --help``).
"""

from __future__ import annotations

import copy
import importlib
import math
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from charcot.cli_state import config_path, set_config_path, set_verbosity, verbosity
from charcot.errors import (
    EXIT_BAD_INPUT,
    EXIT_BUG,
    EXIT_NOT_ASSESSED,
    CharcotError,
    ConfigurationError,
    InputError,
)

if TYPE_CHECKING:
    from datetime import date

__all__ = ["EXIT_BAD_INPUT", "EXIT_BUG", "EXIT_NOT_ASSESSED", "STDIO", "LazyGroup", "OutputFormat", "config_path",
           "emit", "format_option", "output_option", "readable_input", "run_app", "set_config_path", "set_verbosity",
           "verbosity"]

STDIO = "-"

# ---------------------------------------------------------------------------------------------
# verbosity and --config live in charcot.cli_state (no typer import there)

# ---------------------------------------------------------------------------------------------
# outputs

class OutputFormat(StrEnum):
    """The one set of --format names: ``table`` for people, ``json``, ``tsv`` where rows exist."""

    TABLE = "table"
    JSON = "json"
    TSV = "tsv"


def output_option(what: str = "the result") -> Any:
    """``-o/--output FILE``: a single-file output; ``-`` (the default) is stdout. The target is checked
    while the command line is read (``charcot.outputs.check_output_file``), before anything runs."""

    def _preflight(value: Path | None) -> Path | None:
        from charcot.outputs import check_output_file

        check_output_file(value, option="-o")
        return value

    _preflight.charcot_output = "-o"  # type: ignore[attr-defined]
    return typer.Option(None, "-o", "--output", metavar="FILE", callback=_preflight,
                        help=f"Write {what} to FILE ('-' or omitted: stdout).")


def file_option(name: str, help_text: str, metavar: str = "FILE") -> Any:
    """A second single-file output (an image, a drawing), checked like -o before anything runs."""

    def _preflight(value: Path | None) -> Path | None:
        from charcot.outputs import check_output_file

        check_output_file(value, option=name)
        return value

    _preflight.charcot_output = name  # type: ignore[attr-defined]
    return typer.Option(None, name, metavar=metavar, callback=_preflight, help=help_text)


def file_argument(name: str, help_text: str) -> Any:
    """A required single-file output given as an argument (e.g. the archive of 'knowledge snapshot
    save'), checked like -o before anything runs."""

    def _preflight(value: Path) -> Path:
        from charcot.outputs import check_output_file

        check_output_file(value, option=name)
        return value

    _preflight.charcot_output = name  # type: ignore[attr-defined]
    return typer.Argument(..., metavar=name, callback=_preflight, help=help_text)


def workspace_option(default: Path | None, name: str, help_text: str, metavar: str = "DIR") -> Any:
    """A folder the command both reads and writes as its own workspace (the web app's ``--data-dir``):
    neither an input that outputs must avoid nor an output folder replaced as a whole, so ``command_io``
    leaves it out. Reports the web app builds inside it while ``serve`` runs are not 'written over an
    input'."""

    def _workspace(value: Path | None) -> Path | None:
        return value

    _workspace.charcot_workspace = True  # type: ignore[attr-defined]
    return typer.Option(default, name, metavar=metavar, callback=_workspace, help=help_text)


def folder_ok(value: Any) -> Any:
    """Callback of a path input that may name a folder as well as a file (a resource bundle, a report folder):
    the pre-flight check of inputs (``check_inputs``) refuses a folder given to any other path input."""
    return value


folder_ok.charcot_folder_ok = True  # type: ignore[attr-defined]


def format_option(choices: Sequence[OutputFormat] = (OutputFormat.TABLE, OutputFormat.JSON)) -> Any:
    """``--format``: the names of ``OutputFormat``; without it, the -o file's extension (.json, .tsv)
    decides, else ``table`` (``resolve_format``)."""
    names = ", ".join(c.value for c in choices)

    def _validate(value: str | None) -> str | None:
        return None if value is None else check_format(value, choices).value

    return typer.Option(None, "--format", metavar="FORMAT", callback=_validate,
                        help=f"Output format: {names} (default: the -o file's extension if it is one of these, "
                             "else table).")


def resolve_format(value: str | None, output: str | Path | None,
                   choices: Sequence[OutputFormat] = (OutputFormat.TABLE, OutputFormat.JSON)) -> OutputFormat:
    """The --format in force: as given, else from the -o file's extension, else table."""
    if value:
        return check_format(value, choices)
    if not is_stdout(output):
        suffix = Path(str(output)).suffix.lower().lstrip(".")
        if suffix in {c.value for c in choices}:
            return OutputFormat(suffix)
    return OutputFormat.TABLE


def check_format(value: str | OutputFormat, choices: Sequence[OutputFormat]) -> OutputFormat:
    """Validate a --format value: one message for every command."""
    names = [c.value for c in choices]
    text = value.value if isinstance(value, OutputFormat) else str(value).strip().lower()
    if text not in names:
        raise InputError(f"--format {value!s} is not one of {', '.join(names)}",
                         hint=f"use --format {names[0]}" + (f" or --format {names[1]}" if len(names) > 1 else ""))
    return OutputFormat(text)


def date_option(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option's day: None when not given; a malformed date is an error naming the option."""
    from datetime import date

    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} {value!r} is not a date", hint="use YYYY-MM-DD, e.g. 2026-03-14") from None


def past_date(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option that names a day that has happened (an assessment, a sign-off): None when not
    given; a malformed or future date is an error naming the option."""
    from datetime import date

    day = date_option(value, option)
    if day is not None and day > date.today():
        raise InputError(f"{option} {day.isoformat()} is in the future",
                         hint=f"give the day it happened (today at the latest), or leave {option} out")
    return day


def note(text: str) -> None:
    """A message for the person at the terminal that is not the result (what was written where): on stderr,
    and not at all with -q, which leaves only errors there."""
    if verbosity() >= 0:
        typer.echo(text, err=True)


def is_stdout(output: str | Path | None) -> bool:
    """True when a command's output goes to standard output: ``-``, or None (an optional -o not given).
    ``charcot.outputs.is_stdout`` answers False for None, where None means no output at all."""
    return output is None or str(output) == STDIO


def emit(text: str, output: str | Path | None) -> Path | None:
    """Write a single-file output: stdout for None or '-', otherwise FILE safely
    (``charcot.outputs.write_text``). Returns the path written (None for stdout)."""
    from charcot.outputs import write_text

    if not text.endswith("\n"):
        text += "\n"
    if is_stdout(output):
        sys.stdout.flush()
        write_text(STDIO, text)
        return None
    assert output is not None
    return write_text(Path(output), text)


def tsv_cell(value: Any) -> str:
    """One TSV field: a missing or non-finite value is an empty field (never nan, NA or inf)."""
    if value is None:
        return ""
    if isinstance(value, float):
        import math

        return f"{value:.6g}" if math.isfinite(value) else ""
    return str(value).replace("\t", " ").replace("\n", " ")


# ---------------------------------------------------------------------------------------------
# inputs

_GZIP_MAGIC = b"\x1f\x8b"


def _needs_spool(path: Path) -> bool:
    from charcot.outputs import is_stream  # standard input, a FIFO or a process substitution

    return is_stream(path)


@contextmanager
def readable_input(path: Path, *, kind: str = "VCF") -> Iterator[Path]:
    """Yield a seekable regular file for ``path``: the path itself, or a temporary copy of stdin
    (``-``), ``/dev/stdin`` or a pipe (process substitution). gzip/BGZF streams keep their bytes and
    get a ``.gz`` name; the copy is removed afterwards."""
    if not _needs_spool(path):
        yield path
        return
    source = sys.stdin.buffer if str(path) == STDIO else None
    handle = source if source is not None else open(path, "rb")  # noqa: SIM115 - closed below
    try:
        head = handle.read(2)
        if not head:
            where = "standard input" if source is not None else str(path)
            raise InputError(f"nothing was received on {where}", path=None if source is not None else path,
                             hint=f"pipe a {kind} into charcot, e.g. 'bcftools view in.bcf | charcot interpret -'")
        # the readers recognise gzip/BGZF by content; the suffix tells a JSON caller file from a VCF
        suffix = ".vcf.gz" if head == _GZIP_MAGIC else ".json" if head.lstrip()[:1] in (b"{", b"[") else ".vcf"
        fd, tmp = tempfile.mkstemp(prefix="charcot-stdin-", suffix=suffix)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(head)
                while block := handle.read(1 << 20):
                    out.write(block)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    finally:
        if source is None:
            handle.close()
    try:
        yield Path(tmp)
    except CharcotError as exc:
        # the temporary copy is charcot's business: name what the user gave
        given = "standard input" if source is not None else str(path)
        exc.message = exc.message.replace(tmp, given)
        if exc.path == tmp:
            exc.path = given
        raise
    finally:
        Path(tmp).unlink(missing_ok=True)


def hpo_option() -> Any:
    return typer.Option([], "--hpo", metavar="TERM",
                        help="HPO term(s) of the patient, repeatable or comma-separated, e.g. HP:0007354.")


def build_option(default: str = "auto") -> Any:
    return typer.Option(default, "--build", metavar="BUILD",
                        help="Genome build: auto (from the file's header), GRCh37 or GRCh38.")


def sex_option() -> Any:
    return typer.Option(None, "--sex", metavar="SEX", help="female, male or unknown (X-linked genes and loci).")


def ages_option() -> Any:
    """``--ages FILE``: the pedigree's ages file, in the same words for every command that reads it (its columns are
    ``charcot.family.pedigree.AGES_COLUMNS``, which the contract test checks this help names)."""
    return typer.Option(None, "--ages", metavar="FILE",
                        help="TSV of the pedigree members' ages and status, with a header: id, age[, status, "
                             "onset_age, test, deceased, death_age].")


def sample_map_option() -> Any:
    """``--sample-map PEDIGREE_ID=VCF_SAMPLE``: which VCF sample holds a pedigree member (charcot.family.samplemap)."""
    return typer.Option([], "--sample-map", metavar="ID=SAMPLE",
                        help="A pedigree member's sample in the VCF, PEDIGREE_ID=VCF_SAMPLE (repeatable), when the VCF "
                             "names the family otherwise than the PED; members not mapped are read from the sample of "
                             "their own name, or are not genotyped.")


def sample_map_file_option() -> Any:
    return typer.Option(None, "--sample-map-file", metavar="FILE",
                        help="The --sample-map pairs as a file: one line per member, pedigree ID, a tab, VCF sample.")


def panel_options_help() -> dict[str, str]:
    return {
        "genes": "Restrict to these genes (repeatable or comma-separated; aliases accepted).",
        "panel": "Restrict to a named panel: causal, causal-mimics, als or all (docs/CLI.md).",
        "bed": "Restrict to the knowledge-base genes overlapping this BED file's regions (needs --build).",
    }


def genes_option() -> Any:
    return typer.Option([], "--genes", metavar="GENE", help=panel_options_help()["genes"])


def panel_option() -> Any:
    return typer.Option(None, "--panel", metavar="NAME", help=panel_options_help()["panel"])


def bed_option() -> Any:
    return typer.Option(None, "--bed", metavar="FILE", help=panel_options_help()["bed"])


def split_terms(values: Sequence[str]) -> list[str]:
    """A repeatable option that also accepts comma (or space) lists: ``--hpo A --hpo "B,C D"`` -> [A, B, C, D]."""
    return [t for v in values for t in v.replace(";", ",").replace(",", " ").split()]


# ---------------------------------------------------------------------------------------------
# the lazy group

_COMMON_HELP = {
    "quiet": "Only errors on stderr.",
    "verbose": "More detail on stderr (repeat for debug); library warnings are shown from -v.",
    "config": "Configuration file (charcot.toml) for this run.",
}


def _on_quiet(ctx: Any, param: Any, value: Any) -> Any:
    if value:
        set_verbosity(-1)
    return value


def _on_verbose(ctx: Any, param: Any, value: Any) -> Any:
    if value:
        set_verbosity(max(verbosity(), 0) + int(value))
    return value


def _on_config(ctx: Any, param: Any, value: Any) -> Any:
    if value is not None:
        set_config_path(str(value))
    return value


_TEMPLATE: list[Any] = []


def _common_params() -> list[Any]:
    """Fresh copies of ``-q``, ``-v`` and ``--config`` (built once by typer from a template command)."""
    if not _TEMPLATE:
        template_app = typer.Typer()

        @template_app.command()
        def template(
            quiet: bool = typer.Option(False, "-q", "--quiet", help=_COMMON_HELP["quiet"]),
            verbose: int = typer.Option(0, "-v", "--verbose", count=True, help=_COMMON_HELP["verbose"]),
            config: str | None = typer.Option(None, "--config", metavar="FILE", help=_COMMON_HELP["config"]),
        ) -> None:
            """template"""

        command = typer.main.get_command(template_app)
        callbacks: dict[str, Callable[[Any, Any, Any], Any]] = {
            "quiet": _on_quiet, "verbose": _on_verbose, "config": _on_config}
        for param in command.params:
            if param.name in callbacks:
                param.expose_value = False
                param.show_default = False  # type: ignore[attr-defined]
                param.callback = callbacks[param.name]
                _TEMPLATE.append(param)
    return [copy.copy(p) for p in _TEMPLATE]


def _format_callback(help_text: str) -> Callable[[Any, Any, Any], Any]:
    import re

    names = [n for n in re.findall(r"\b(table|json|tsv)\b", help_text.split("(")[0]) if n]
    choices = tuple(OutputFormat(n) for n in dict.fromkeys(names)) or (OutputFormat.TABLE, OutputFormat.JSON)

    def _check(ctx: Any, param: Any, value: Any) -> Any:
        return None if value is None else check_format(value, choices).value

    return _check


_PLAIN_TYPES: dict[Any, str] = {str: "text", int: "integer", float: "number", bool: "boolean", Path: "path"}


def _plain_type(annotation: Any) -> tuple[Any, bool] | None:
    """(element type, is_list) for str/int/float/bool/Path, optionally ``X | None`` or ``list[X]``;
    None for anything else (left to typer)."""
    from types import NoneType, UnionType
    from typing import Union, get_args, get_origin

    origin = get_origin(annotation)
    if origin in (UnionType, Union):
        members = [a for a in get_args(annotation) if a is not NoneType]
        return _plain_type(members[0]) if len(members) == 1 else None
    if origin is list:
        items = get_args(annotation)
        inner = _plain_type(items[0]) if len(items) == 1 else None
        return (inner[0], True) if inner is not None and not inner[1] else None
    return (annotation, False) if annotation in _PLAIN_TYPES else None


def _plain_coercion(param: Any) -> None:
    """Coerce plain option types (text, numbers, paths, flags) without building a pydantic
    TypeAdapter per parameter, which typer 0.29 does on first use (most of a small command's
    start-up). Other annotations (enums, files) keep typer's own coercion."""
    from typer._click.exceptions import BadParameter
    from typer._coercion import RuntimeParam

    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or getattr(param, "_runtime_param", "absent") is not None:
        return
    plain = _plain_type(descriptor.annotation)
    if plain is None or descriptor.file_annotation is not None:
        return
    kind, is_list = plain

    def convert(value: Any, ctx: Any) -> Any:
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return value
        if kind is Path and isinstance(value, str):
            output = getattr(param.callback, "charcot_output", None)
            if output is not None:  # a single-file output: its trailing '/' is lost once it is a Path
                from charcot.outputs import refuse_folder_name

                refuse_folder_name(value, option=str(output))
        try:
            if kind is bool:
                text = str(value).strip().lower()
                if text in ("1", "true", "yes", "y", "on"):
                    return True
                if text in ("0", "false", "no", "n", "off"):
                    return False
                raise ValueError(value)
            converted = kind(value)
            if kind is float and not math.isfinite(converted):  # float() reads 'nan'/'inf': no option means them
                raise ValueError(value)
            return converted
        except (TypeError, ValueError):
            raise BadParameter(f"{value!r} is not a valid {_PLAIN_TYPES[kind]}.", ctx=ctx, param=param) from None

    class _Plain(RuntimeParam):
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if is_list:
                return [convert(v, ctx) for v in value]
            return convert(value, ctx)

    param._runtime_param = _Plain(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation)


def _plain_help_option(command: Any) -> None:
    """--help is built per context; give it the plain coercion too."""
    original = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = original(ctx)
        if option is not None:
            _plain_coercion(option)
        return option

    command.get_help_option = get_help_option


def _metavar_for(param: Any) -> str | None:
    """FILE / TEXT / N / NUMBER instead of typer's <path> / <str> / <int> / <float>."""
    from typing import get_args

    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    for candidate in (annotation, *get_args(annotation)):
        if candidate is None or candidate is type(None):
            continue
        if isinstance(candidate, type) and issubclass(candidate, Path):
            return "DIR" if (getattr(param, "name", "") or "").endswith("dir") else "FILE"
        if candidate is bool:
            return None
        if candidate is int:
            return "N"
        if candidate is float:
            return "NUMBER"
        if candidate is str:
            return "TEXT"
    return None


def _output_callback(ctx: Any, param: Any, value: Any) -> Any:
    from charcot.outputs import check_output_file

    check_output_file(value, option="-o")
    return value


_output_callback.charcot_output = "-o"  # type: ignore[attr-defined]


def _option_label(param: Any) -> str:
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("--")] or list(getattr(param, "opts", ()))
    if isinstance(param, TyperArgument) or not opts:
        return str(param.metavar or (param.name or "").upper())
    return str(opts[0])


def _is_path_param(param: Any) -> bool:
    from typing import get_args

    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    stack = [annotation]
    while stack:
        candidate = stack.pop()
        if isinstance(candidate, type) and issubclass(candidate, Path):
            return True
        stack.extend(get_args(candidate))
    return False


def _values(value: Any) -> list[Any]:
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, (list, tuple)):
        return [v for v in value if v is not None]
    return [value]


def command_io(command: Any, params: dict[str, Any]) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]],
                                                                 list[tuple[str, Any]]]:
    """(output files, output folders, inputs) of one command line, each as (option, value).

    Output files are the options made by ``output_option``/``file_option``/``file_argument``; output
    folders are ``--outdir``; inputs are every other path-typed value, every argument, and ``--config``
    (a text value counts when it names an existing file). A ``workspace_option`` folder is none of these."""
    files: list[tuple[str, Any]] = []
    folders: list[tuple[str, Any]] = []
    inputs: list[tuple[str, Any]] = []
    for param in command.params:
        values = _values(params.get(param.name))
        if not values:
            continue
        label = _option_label(param)
        output = getattr(param.callback, "charcot_output", None)
        if getattr(param.callback, "charcot_workspace", False):
            continue
        if output is not None:
            files.extend((str(output), v) for v in values)
        elif "--outdir" in getattr(param, "opts", ()):
            folders.extend((label, v) for v in values)
        elif _is_path_param(param):
            inputs.extend((label, v) for v in values)
        elif isinstance(param, TyperArgument) or "--config" in getattr(param, "opts", ()) or isinstance(
                values[0], str):
            inputs.extend((label, v) for v in values if isinstance(v, str) and os.path.isfile(v))
    return files, folders, inputs


_STDIN_NAMES = ("/dev/stdin", "/dev/fd/0", "/proc/self/fd/0", "/proc/thread-self/fd/0")
_STDOUT_NAMES = ("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "/proc/thread-self/fd/1")


def _is_standard_output(value: Any) -> bool:
    """True when writing ``value`` writes this process's standard output: ``-``, ``/dev/stdout`` (and its spellings),
    or the very pipe or file that standard output is (``>(cmd)`` of the same pipe, ``-o out.txt > out.txt``)."""
    text = str(value)
    if text == STDIO or text in _STDOUT_NAMES or text == f"/proc/{os.getpid()}/fd/1":
        return True
    try:
        target, out = os.stat(value), os.fstat(1)
    except (OSError, ValueError):
        return False
    # a shared device (/dev/null, a terminal) takes any number of writers without harm
    return (target.st_dev, target.st_ino) == (out.st_dev, out.st_ino) and not stat.S_ISCHR(target.st_mode)


def _check_io(files: list[tuple[str, Any]], stdout_default: str | None = None) -> None:
    """Before the command runs: no output file is an input (``charcot.outputs.protect_inputs`` holds
    them), no two outputs are the same file, and at most one output is standard output (``stdout_default``
    names an -o left out, which is standard output)."""
    from charcot.errors import OutputError
    from charcot.outputs import check_output_file

    seen: dict[str, str] = {}
    on_stdout = [f"the result (no {stdout_default})"] if stdout_default else []
    for option, value in files:
        check_output_file(value, option=option)
        if _is_standard_output(value):
            on_stdout.append(f"{option} {value}")
        if is_stdout(value):
            continue
        key = os.path.realpath(value)
        if key in seen and not key.startswith(("/dev/", "/proc/")):
            raise OutputError(f"{seen[key]} and {option} name the same file {value}", path=value,
                              hint="give each output its own file name")
        seen[key] = option
    if len(on_stdout) > 1:
        raise OutputError(f"{' and '.join(on_stdout)} would both go to standard output, mixed into one stream",
                          hint="give all but one of them a file name (e.g. -o result.txt)")


def _check_folders(folders: list[tuple[str, Any]]) -> None:
    """Before the command runs: every --outdir is a folder charcot can make or add to (not a file, a device or
    standard output; its parent exists and is writable; not an input). A command that replaces its folder as a
    whole also checks what the folder holds (``check_output_dir`` with its names)."""
    from charcot.outputs import check_output_dir

    for option, value in folders:
        check_output_dir(value, option=option, exclusive=False)


def _path_inputs(command: Any, params: dict[str, Any]) -> list[tuple[str, Any, bool]]:
    """(option, value, may be a folder) of every path-typed input of a command line, and of every text value that
    names a file charcot may not read (a text option such as 'epi expected --rates' takes a file or an id)."""
    found: list[tuple[str, Any, bool]] = []
    for param in command.params:
        callback = param.callback
        if (getattr(callback, "charcot_output", None) is not None or getattr(callback, "charcot_workspace", False)
                or "--outdir" in getattr(param, "opts", ()) or "--config" in getattr(param, "opts", ())):
            continue
        path_typed = _is_path_param(param)
        for value in _values(params.get(param.name)):
            if path_typed:
                found.append((_option_label(param), value, bool(getattr(callback, "charcot_folder_ok", False))))
            elif isinstance(value, str) and value and _unreadable(value):
                found.append((_option_label(param), value, True))
    return found


def _unreadable(value: str) -> bool:
    """True when ``value`` names something on disk that charcot may not read (not for a name that is not a path)."""
    try:
        mode = os.stat(value).st_mode
    except PermissionError:
        return True
    except (OSError, ValueError):
        return False
    if stat.S_ISREG(mode):
        return not os.access(value, os.R_OK)
    return stat.S_ISDIR(mode) and not os.access(value, os.R_OK | os.X_OK)


def check_inputs(inputs: list[tuple[str, Any, bool]]) -> None:
    """Before the command runs: each path input exists, is readable and is a file (or a folder where the option
    takes one). One message for every command; the readers then check what the file holds."""
    from_stdin = [option for option, value, _ in inputs if str(value) in (STDIO, *_STDIN_NAMES)]
    if len(from_stdin) > 1:
        raise InputError(f"{' and '.join(from_stdin)} are both given as standard input, which holds one stream",
                         hint="give all but one of them as a file name")
    for option, value, folder_allowed in inputs:
        text = str(value)
        if text == STDIO:
            continue
        where = option if option.startswith("-") else f"the {option}"
        try:
            mode = os.stat(value).st_mode
        except FileNotFoundError:
            broken = " (a symbolic link to nothing)" if os.path.islink(value) else ""
            kind = "file or folder" if folder_allowed else "file"
            raise InputError(f"{where} {kind} not found{broken}", path=value,
                             hint="check the path (and the current folder for a relative path)") from None
        except PermissionError:
            raise InputError(f"cannot read {where}: permission denied on a folder of its path", path=value,
                             hint="check the permissions of the folders above it, or copy it somewhere readable") from None
        except OSError as exc:
            raise InputError(f"cannot read {where}: {(exc.strerror or str(exc)).lower()}", path=value,
                             hint="check the path") from None
        if stat.S_ISDIR(mode):
            if not folder_allowed:
                raise InputError(f"{where} is a folder (a directory), not a file", path=value,
                                 hint="give the file inside it")
            try:
                with os.scandir(value):
                    pass
            except PermissionError:
                raise InputError(f"cannot read {where}: permission denied", path=value,
                                 hint="check the folder's permissions, or copy it somewhere readable") from None
        elif stat.S_ISREG(mode):
            try:
                with open(value, "rb"):
                    pass
            except PermissionError:
                raise InputError(f"cannot read {where}: permission denied", path=value,
                                 hint="check the file's permissions, or copy it somewhere readable") from None
        elif stat.S_ISSOCK(mode):
            raise InputError(f"{where} is a socket, not a file", path=value, hint="give a file, or - for standard input")


_PACKAGE_DIR = Path(__file__).resolve().parent


def _omitted_stdout(command: Any, params: dict[str, Any]) -> str | None:
    """'-o' when the command has an -o that was left out (its result then goes to standard output)."""
    for param in command.params:
        if "-o" in getattr(param, "opts", ()) and params.get(param.name) is None:
            return "-o"
    return None


def _guard_invoke(command: Any) -> None:
    """Wrap ``command.invoke``: declare the inputs, check the outputs against them and each other, and
    write the output files together once the command has finished (``charcot.outputs``)."""
    if getattr(command, "_charcot_io", False):
        return
    original = command.invoke

    def invoke(ctx: Any) -> Any:
        from charcot.config import load_config
        from charcot.outputs import outputs_together, protect_inputs

        structured = sys.modules.get("charcot.structured")  # not imported for it: commands start fast (issue 20)
        if structured is not None:
            structured.forget_stdin()  # '-' read by an earlier command of this process is not this command's input
        config = load_config()  # a --config (or CHARCOT_CONFIG) that is missing or broken is refused by every command
        files, folders, inputs = command_io(command, ctx.params)
        # charcot's own files (the knowledge base, demo data, templates) and the configuration files in force
        # (the user's charcot.toml, CHARCOT_CONFIG) are read by every command without being named on its line
        protect_inputs([*inputs, ("charcot installation", _PACKAGE_DIR),
                        *(("configuration file", f) for f in config.files)])
        try:
            check_inputs(_path_inputs(command, ctx.params))
            _check_io(files, stdout_default=_omitted_stdout(command, ctx.params))
            _check_folders(folders)
            with outputs_together((v for _o, v in files), (v for _o, v in folders)):
                return original(ctx)
        finally:
            protect_inputs(())

    command.invoke = invoke
    command._charcot_io = True


class ContractArgument(TyperArgument):
    """An argument shown the usual Unix way in usage lines: ``VCF`` (required), ``[KEY]`` (optional),
    ``FILE...`` (several), instead of typer's ``{vcf}``."""

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        if self.nargs != 1:
            name += "..."
        return name if self.required else f"[{name}]"


def apply_contract(command: Any) -> Any:
    """Mechanical parts of the contract, applied to a resolved command and all its sub-commands."""
    if isinstance(command, (TyperCommand, TyperGroup)):
        command.rich_markup_mode = None
    _plain_help_option(command)
    subcommands = getattr(command, "commands", None)
    if isinstance(subcommands, dict):
        for sub in subcommands.values():
            apply_contract(sub)
        return command
    taken = {opt for p in command.params for opt in (*getattr(p, "opts", ()), *getattr(p, "secondary_opts", ()))}
    names = {p.name for p in command.params}
    for param in _common_params():
        if param.name not in names and not (set(param.opts) & taken):
            command.params.append(param)
    for param in command.params:
        opts = getattr(param, "opts", ())
        # a command that declared --format or -o without the shared helpers still gets the same checks
        if "--format" in opts and param.callback is None:
            param.callback = _format_callback(param.help or "")
        if "-o" in opts and param.callback is None:
            param.callback = _output_callback
        _plain_coercion(param)
        if isinstance(param, TyperOption) and not param.metavar and not param.is_flag and not param.count:
            param.metavar = _metavar_for(param)
        if isinstance(param, TyperArgument):
            if not param.metavar and param.name:
                param.metavar = param.name.upper()
            param.__class__ = ContractArgument
    _guard_invoke(command)
    return command


class LazyGroup(TyperGroup):
    """The root group: resolves each top-level command from ``table`` by importing its module and
    calling that module's ``register(app)`` on a scratch typer app."""

    table: ClassVar[dict[str, tuple[str, str]]] = {}
    root_help: ClassVar[Callable[[], str] | None] = None
    _modules: ClassVar[dict[str, Any]] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self.table, *(n for n in self.commands if n not in self.table)]

    @classmethod
    def _module_group(cls, module_name: str) -> Any:
        group = cls._modules.get(module_name)
        if group is None:
            module = importlib.import_module(module_name)
            scratch = typer.Typer(rich_markup_mode=None)

            @scratch.callback()
            def _scratch() -> None:
                """scratch"""

            module.register(scratch)
            group = typer.main.get_group(scratch)
            cls._modules[module_name] = group
        return group

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if command is not None:
            return command
        entry = self.table.get(cmd_name)
        if entry is None:
            return None
        group = self._module_group(entry[0])
        command = group.commands.get(cmd_name)
        if command is None:
            raise RuntimeError(f"{entry[0]}.register() did not add the command {cmd_name!r}")
        apply_contract(command)
        command.short_help = entry[1]  # the table's summary: 'charcot --help' and completion agree
        self.commands[cmd_name] = command
        return command

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        for param in self.params:
            _plain_coercion(param)
        return list(super().parse_args(ctx, args))

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            _plain_coercion(option)
        return option

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return self._click_resolve_command(ctx, args)
        except typer._click.exceptions.UsageError as exc:
            if args:
                from difflib import get_close_matches

                matches = get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    exc.message = exc.message.rstrip(".") + ". Did you mean " + ", ".join(
                        repr(m) for m in matches) + "?"
            raise

    def get_help(self, ctx: Any) -> str:
        render = type(self).root_help
        if render is None:
            return str(super().get_help(ctx))
        return render().rstrip("\n")


# ---------------------------------------------------------------------------------------------
# running the application: one error style, documented exit codes

# Optional dependencies: import name -> the extra that provides it.
_EXTRAS = {"hail": "hail", "weasyprint": "pdf", "matplotlib": "clinical", "fastapi": "web", "uvicorn": "web",
           "sqlalchemy": "web", "alembic": "web", "multipart": "web", "psycopg2": "web",
           "phenopackets": "phenopacket"}


def _command_path(exc: Any) -> str:
    ctx = getattr(exc, "ctx", None)
    return str(ctx.command_path) if ctx is not None else "charcot"


def run_app(application: Any, args: Sequence[str], *, prog_name: str = "charcot") -> int:
    """Run ``application`` on ``args``; return the exit code (never raise for a user mistake)."""
    from typer._click import exceptions as click_exc

    set_verbosity(0)
    set_config_path(None)
    try:
        result = application(args=list(args), prog_name=prog_name, standalone_mode=False)
    except click_exc.NoArgsIsHelpError as exc:
        sys.stdout.write(exc.ctx.get_help() + "\n")
        return 0
    except click_exc.UsageError as exc:
        path = _command_path(exc)
        sys.stderr.write(f"charcot: error: {exc.format_message()}\n"
                         f"  hint: run '{path} --help' for the options\n")
        return EXIT_BAD_INPUT
    except click_exc.ClickException as exc:
        sys.stderr.write(f"charcot: error: {exc.format_message()}\n")
        return EXIT_BAD_INPUT
    except typer.Abort as exc:
        if isinstance(exc.__cause__, EOFError):
            # click turns an EOFError that escaped a command into Abort (it takes it for Ctrl-D at a prompt): here it
            # came from an input that ends too early (a cut gzip stream), not from the user
            cut = InputError(f"an input ended before its end: {exc.__cause__}",
                             hint="a compressed input is truncated or damaged: check each with 'gzip -t FILE' and "
                                  "copy it again")
            sys.stderr.write(cut.render() + "\n")
            return EXIT_BAD_INPUT
        sys.stderr.write("charcot: interrupted\n")
        return 130
    except CharcotError as exc:
        if not exc.hint and exc.exit_code == EXIT_BAD_INPUT:  # the contract: an error line and a hint, every time
            exc.hint = _fallback_hint(args)
        sys.stderr.write(exc.render() + "\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("charcot: interrupted\n")
        return 130
    except BrokenPipeError:
        # the reader (e.g. `| head`) stopped reading: not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except ModuleNotFoundError as exc:
        top = (exc.name or "").split(".")[0]
        if top in _EXTRAS:
            error = ConfigurationError(f"this needs the optional package {top!r}, which is not installed",
                                       hint=f"install it with: pip install 'charcot[{_EXTRAS[top]}]'")
            sys.stderr.write(error.render() + "\n")
            return error.exit_code
        return _internal_error(exc)
    except Exception as exc:  # a bug: short message, traceback with -v
        return _internal_error(exc)
    if isinstance(result, int) and not isinstance(result, bool):
        return result
    return 0


def _fallback_hint(args: Sequence[str]) -> str:
    """The hint of an error raised without one: where the command's inputs and options are described."""
    words: list[str] = []
    if args and args[0] in LazyGroup.table:  # the command path: the top-level command, then its sub-commands
        words.append(args[0])
        group = LazyGroup._modules.get(LazyGroup.table[args[0]][0])
        node = group.commands.get(args[0]) if group is not None else None
        for arg in args[1:]:
            children = getattr(node, "commands", None)
            if not isinstance(children, dict) or arg not in children:
                break
            words.append(arg)
            node = children[arg]
    command = " ".join(["charcot", *words])
    return f"run '{command} --help' for what each input and option takes (docs/CLI.md)"


def _internal_error(exc: BaseException) -> int:
    if verbosity() >= 1:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    sys.stderr.write(f"charcot: internal error (a bug in charcot): {type(exc).__name__}: {exc}\n"
                     "  hint: re-run with -v for the traceback and report it with the command line used\n")
    return EXIT_BUG


# ---------------------------------------------------------------------------------------------
# versions

def library_versions() -> list[tuple[str, str]]:
    """The versions of the libraries that shape a result (``charcot --version -v``)."""
    from importlib import metadata

    rows: list[tuple[str, str]] = [("python", sys.version.split()[0])]
    for dist in ("pydantic", "cyvcf2", "pysam", "numpy", "scipy", "typer", "PyYAML"):
        try:
            rows.append((dist, metadata.version(dist)))
        except metadata.PackageNotFoundError:
            rows.append((dist, "not installed"))
    try:
        import cyvcf2

        rows.append(("htslib (cyvcf2)", str(getattr(cyvcf2, "__htslib_version__", None) or _htslib_version())))
    except ImportError:
        rows.append(("htslib (cyvcf2)", "not installed"))
    try:
        from pysam import version as pysam_version

        rows.append(("htslib (pysam)", str(getattr(pysam_version, "__htslib_version__", "unknown"))))
    except (ImportError, AttributeError):
        rows.append(("htslib (pysam)", "not installed"))
    import shutil
    import subprocess

    bcftools = shutil.which("bcftools")
    if bcftools is None:
        rows.append(("bcftools", "not found on PATH"))
    else:
        try:
            first = subprocess.run([bcftools, "--version"], capture_output=True, text=True, timeout=10,
                                   check=False).stdout.splitlines()
            rows.append(("bcftools", first[0].split()[-1] if first else "unknown"))
        except (OSError, subprocess.SubprocessError):
            rows.append(("bcftools", "unknown"))
    from charcot.knowledge import get_knowledge

    meta = get_knowledge().meta
    rows.append(("knowledge base", f"{meta.version} (snapshot {meta.snapshot_date.isoformat()})"))
    return rows


def _htslib_version() -> str:
    try:
        import ctypes

        import cyvcf2.cyvcf2 as ext

        lib = ctypes.CDLL(ext.__file__)
        lib.hts_version.restype = ctypes.c_char_p
        return str(lib.hts_version().decode())
    except (OSError, AttributeError, ImportError):
        return "unknown"
