"""Lazy sub-command registration: ``charcot --help``/``--version`` import no command module, the help
table agrees with the commands themselves, and every command in the table resolves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"


def _modules_after(args: list[str]) -> tuple[str, list[str]]:
    code = ("import sys, json; from charcot.cli import main; rc = main(" + repr(args) + "); "
            "sys.stderr.write(json.dumps(sorted(sys.modules)))")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("_CHARCOT_COMPLETE", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return done.stdout, json.loads(done.stderr)


@pytest.mark.parametrize("args", [[], ["--help"], ["--version"]])
def test_help_and_version_import_no_command_module(args: list[str]) -> None:
    out, modules = _modules_after(args)
    assert out.strip()
    heavy = [m for m in modules if m.split(".")[0] in {"typer", "click", "rich", "pydantic", "cyvcf2", "numpy"}]
    charcot = [m for m in modules if m.startswith("charcot.")]
    assert heavy == [] and charcot == ["charcot.cli"], (heavy, charcot)


def test_version_agrees_with_the_knowledge_base(run_cli) -> None:  # type: ignore[no-untyped-def]
    from charcot import __version__
    from charcot.knowledge import get_knowledge

    meta = get_knowledge().meta
    res = run_cli("--version")
    assert res.code == 0
    assert res.stdout.strip() == (f"charcot {__version__} (knowledge base {meta.version}, "
                                  f"snapshot {meta.snapshot_date.isoformat()})")


def test_version_verbose_lists_the_libraries(run_cli) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("--version", "-v")
    assert res.code == 0
    for name in ("pydantic", "htslib (cyvcf2)", "bcftools", "knowledge base"):
        assert f"  {name}: " in res.stdout


def test_table_summaries_are_the_commands_short_help() -> None:
    import typer

    from charcot.cli import COMMANDS, get_app
    from charcot.cli_contract import LazyGroup

    group = typer.main.get_command(get_app())
    assert isinstance(group, LazyGroup)
    ctx = group.make_context("charcot", ["--help"], resilient_parsing=True)
    assert group.list_commands(ctx) == list(COMMANDS)
    for name, (_module, summary) in COMMANDS.items():
        command = group.get_command(ctx, name)
        assert command is not None, name
        assert command.get_short_help_str(limit=10_000) == summary, name
        assert (command.help or "").strip(), f"{name} has no help text of its own"


def test_root_help_lists_every_command_and_root_option(run_cli) -> None:  # type: ignore[no-untyped-def]
    import typer

    from charcot.cli import COMMANDS, get_app

    res = run_cli("--help")
    assert res.code == 0
    for name in COMMANDS:
        assert f"\n  {name} " in res.stdout
    group = typer.main.get_command(get_app())
    for param in group.params:
        for opt in param.opts:
            assert opt in res.stdout, opt


def test_version_follows_charcot_knowledge() -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC), "CHARCOT_KNOWLEDGE": "2026.11.0"}
    done = subprocess.run([sys.executable, "-c", "from charcot.cli import run; run()", "--version"],
                          capture_output=True, text=True, env=env, check=True)
    assert "knowledge base 2026.11.0, snapshot 2026-11-21, from CHARCOT_KNOWLEDGE" in done.stdout


def test_python_dash_m_charcot_is_the_command() -> None:
    # 'python -m charcot' failed ("No module named charcot.__main__"), though the docs for helpers used it
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    via_m = subprocess.run([sys.executable, "-m", "charcot", "--version"], capture_output=True, text=True, env=env)
    via_cli = subprocess.run([sys.executable, "-m", "charcot.cli", "--version"], capture_output=True, text=True, env=env)
    assert via_m.returncode == 0 and via_m.stdout == via_cli.stdout and via_m.stdout.startswith("charcot ")
