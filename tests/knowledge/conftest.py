"""Fixtures of the knowledge tests: a writable copy of the data directory and the real-table subsets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO / "src" / "charcot" / "knowledge" / "data"
SUBSET = REPO / "tests" / "data" / "knowledge" / "shared"


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A copy of the knowledge data directory that a test may corrupt."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture
def subset() -> Path:
    return SUBSET
