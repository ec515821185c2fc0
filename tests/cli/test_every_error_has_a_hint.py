"""Every bad-input error says how to fix it (the CLI contract: what, where, how to fix).

``cli_contract.run_app`` gives an error raised without a hint a generic one ("see charcot COMMAND --help"); that is a
safety net, not a hint. This test reads the source: every ``InputError(...)`` names its own ``hint=`` (or passes its
keywords on with ``**``), so a new error cannot fall back to the generic words unnoticed. 67 of 395 did on
2026-12-02."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "charcot"


def _errors_without_a_hint(root: Path = SRC) -> list[str]:
    missing = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name != "InputError":
                continue
            if any(k.arg == "hint" or k.arg is None for k in node.keywords):
                continue
            missing.append(f"{path.relative_to(root.parent)}:{node.lineno}")
    return missing


def test_every_input_error_names_its_own_hint() -> None:
    assert _errors_without_a_hint() == []


def test_the_check_sees_an_error_without_a_hint(tmp_path: Path) -> None:
    # the scan itself can fail: a module with one hintless error is found
    fake = tmp_path / "charcot"
    fake.mkdir()
    (fake / "m.py").write_text("from charcot.errors import InputError\n"
                               "def f():\n    raise InputError('bad', hint='fix it')\n"
                               "def g():\n    raise InputError('bad')\n")
    assert _errors_without_a_hint(fake) == ["charcot/m.py:5"]
