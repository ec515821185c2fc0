"""The README follows the contract: its examples run as written, and every option it names exists on
its command."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _examples() -> list[str]:
    block = README.split("### Examples", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


EXAMPLES = _examples()


def test_the_examples_section_exists() -> None:
    assert len(EXAMPLES) >= 10 and all("charcot " in e for e in EXAMPLES)


@pytest.fixture
def repo_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch working folder where ``tests/data`` resolves as in the repository."""
    (tmp_path / "tests").symlink_to(REPO / "tests")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("example", EXAMPLES)
def test_readme_example_runs(example: str, repo_cwd: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    if "|" in example:  # a pipe: run it in the shell as written
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        line = example.replace("charcot ", f"{sys.executable} -c 'from charcot.cli import run; run()' ")
        done = subprocess.run(["bash", "-o", "pipefail", "-c", line], capture_output=True, text=True, env=env,
                              timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        stderr = done.stderr
    else:
        args = shlex.split(example)
        assert args[0] == "charcot"
        res = run_cli(*args[1:])
        assert res.code == 0, res.stderr
        assert res.stdout or "-o" in args or "--outdir" in args
        stderr = res.stderr
    assert "Traceback" not in stderr
    for target in re.findall(r"(?:-o|--outdir) (\S+)", example):
        assert (repo_cwd / target).exists(), target
    if "--format json -o findings.json" in example:
        assert json.loads((repo_cwd / "findings.json").read_text())["sample"] == "NA12878"


def _inline_commands() -> list[str]:
    found = re.findall(r"`(charcot [^`]+)`", README)
    return [c.replace("\\|", "|") for c in found]


def _command_for(tokens: list[str]) -> tuple[Any, list[str]]:
    import typer

    from charcot.cli import get_app

    command: Any = typer.main.get_command(get_app())
    ctx = command.make_context("charcot", ["--help"], resilient_parsing=True)
    rest = tokens
    while rest and hasattr(command, "get_command"):
        if rest[0].startswith("-"):
            break
        sub = command.get_command(ctx, rest[0])
        if sub is None:
            break
        command, rest = sub, rest[1:]
    return command, rest


@pytest.mark.parametrize("inline", _inline_commands())
def test_every_option_the_readme_names_exists(inline: str) -> None:
    tokens = [t.strip("[]") for t in inline.split()[1:] if t not in ("...",)]
    command, rest = _command_for(tokens)
    known = {o for p in command.params for o in (*getattr(p, "opts", ()), *getattr(p, "secondary_opts", ()))}
    for token in rest:
        if token.startswith("-") and token != "-":
            assert token.split("=")[0] in known, f"{inline}: {token} is not an option of {command.name}"


def test_the_generated_reference_lists_every_command() -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        from gen_cli_docs import command_paths
    finally:
        sys.path.pop(0)
    doc = (REPO / "docs" / "CLI.md").read_text(encoding="utf-8")
    missing = [" ".join(p) for p in command_paths() if f"### charcot {' '.join(p)}\n" not in doc]
    assert missing == [], f"run 'PYTHONPATH=src python scripts/gen_cli_docs.py': {missing}"
