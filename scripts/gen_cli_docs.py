"""Regenerate the command reference in docs/CLI.md from the commands themselves.

Walks every registered command (``charcot.cli.COMMANDS``, resolved through the lazy group) and writes
each one's ``--help`` between the markers of docs/CLI.md. Run it after adding or changing a command:

    PYTHONPATH=src python scripts/gen_cli_docs.py          # rewrite docs/CLI.md
    PYTHONPATH=src python scripts/gen_cli_docs.py --check  # exit 1 if docs/CLI.md is out of date
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "CLI.md"
BEGIN = "<!-- BEGIN GENERATED REFERENCE (scripts/gen_cli_docs.py) -->"
END = "<!-- END GENERATED REFERENCE -->"


def command_paths() -> Iterator[list[str]]:
    import typer

    from charcot.cli import COMMANDS, get_app

    root = typer.main.get_command(get_app())
    ctx = root.make_context("charcot", ["--help"], resilient_parsing=True)

    def visit(path: list[str], command: Any) -> Iterator[list[str]]:
        subcommands = getattr(command, "commands", None)
        if isinstance(subcommands, dict) and subcommands:
            yield path
            for name in subcommands:
                yield from visit([*path, name], subcommands[name])
        else:
            yield path

    for name in COMMANDS:
        yield from visit([name], root.get_command(ctx, name))


def help_text(path: list[str]) -> str:
    from charcot.cli import main

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main([*path, "--help"])
    if code != 0:
        raise SystemExit(f"charcot {' '.join(path)} --help failed ({code})")
    return buffer.getvalue().rstrip() + "\n"


def reference() -> str:
    from charcot.cli import root_help

    parts = [BEGIN, "", "## Reference (generated)", "", "### charcot", "", "```text", root_help(width=100).rstrip(),
             "```", ""]
    for path in command_paths():
        parts += [f"### charcot {' '.join(path)}", "", "```text", help_text(path).rstrip(), "```", ""]
    parts.append(END)
    return "\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="regenerate the reference in docs/CLI.md")
    parser.add_argument("--check", action="store_true", help="only check that docs/CLI.md is up to date")
    options = parser.parse_args()
    os.environ["COLUMNS"] = "100"
    text = DOC.read_text(encoding="utf-8")
    head = text.split(BEGIN)[0].rstrip() + "\n\n"
    tail = text.split(END, 1)[1].removeprefix("\n") if END in text else ""
    updated = head + reference() + tail
    if options.check:
        if updated != text:
            print("docs/CLI.md is out of date: run PYTHONPATH=src python scripts/gen_cli_docs.py", file=sys.stderr)
            raise SystemExit(1)
        return
    DOC.write_text(updated, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
