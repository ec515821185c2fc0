"""Test helpers: the example clinical record with one change, and the refusal every bad record must get."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "clinical" / "example_case.yaml"


def edited_case(tmp_path: Path, change: Callable[[Any], object]) -> Path:
    """tests/data/clinical/example_case.yaml with ``change`` applied to its parsed form, written to tmp_path."""
    raw = yaml.safe_load(EXAMPLE.read_text())
    change(raw)
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(raw, sort_keys=False))
    return case


def assert_refused(r: Any, *words: str) -> None:
    """A bad-input refusal: exit 2, the error in words on stderr (no traceback), each of ``words`` in it."""
    assert r.code == 2, r.stdout
    assert r.stderr.startswith("charcot: error:") and "Traceback" not in r.stderr
    for word in words:
        assert word in r.stderr, r.stderr
