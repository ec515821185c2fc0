"""Every released knowledge snapshot stays loadable, and the current data is a released snapshot.

A change to src/charcot/knowledge/data without a new version, a 'changes' entry in meta.yaml and a run of
scripts/release_knowledge.py fails here (docs/KNOWLEDGE.md, "Releasing a snapshot")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from charcot.knowledge import Knowledge
from charcot.knowledge.sections import SECTIONS
from charcot.knowledge.snapshots import SNAPSHOTS_DIR, content_hash, open_snapshot

REPO = Path(__file__).resolve().parents[2]


def _index() -> list[dict[str, str]]:
    lines = (SNAPSHOTS_DIR / "index.tsv").read_text(encoding="utf-8").splitlines()
    keys = lines[0].split("\t")
    return [dict(zip(keys, line.split("\t"), strict=True)) for line in lines[1:] if line.strip()]


@pytest.mark.parametrize("row", _index(), ids=lambda r: r["version"])
def test_released_snapshot_loads_with_todays_code(row: dict[str, str], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    data = open_snapshot(SNAPSHOTS_DIR / row["archive"])
    assert content_hash(data) == row["content_hash"]
    kb = Knowledge(data)
    assert kb.meta.version == row["version"] and kb.meta.snapshot_date.isoformat() == row["snapshot_date"]
    for section in SECTIONS:  # every section still validates against today's schemas
        kb.records(section)


def test_versions_are_unique_and_increasing() -> None:
    versions = [tuple(int(x) for x in r["version"].split(".")) for r in _index()]
    assert versions == sorted(set(versions))


def test_current_knowledge_is_a_released_snapshot() -> None:
    """Any change to knowledge/data needs a new version, a 'changes' line and scripts/release_knowledge.py."""
    r = subprocess.run([sys.executable, str(REPO / "scripts" / "release_knowledge.py"), "--check"],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
