#!/usr/bin/env python3
"""Release the current knowledge snapshot: archive it and record its identity.

    python scripts/release_knowledge.py            # archive src/charcot/knowledge/data as released/<version>.tar.gz
    python scripts/release_knowledge.py --check    # only check that the current data is a released snapshot

The index (src/charcot/knowledge/released/index.tsv: version, snapshot date, content hash, archive) is what
tests/knowledge/test_release.py reads: any change to knowledge/data without a new version, a changes entry in
meta.yaml and a run of this script fails the tests. See docs/KNOWLEDGE.md, "Releasing a snapshot".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from charcot.knowledge import Knowledge  # noqa: E402
from charcot.knowledge.loader import DATA_DIR  # noqa: E402
from charcot.knowledge.snapshots import SNAPSHOTS_DIR, content_hash, save_snapshot  # noqa: E402

INDEX = SNAPSHOTS_DIR / "index.tsv"
HEADER = "version\tsnapshot_date\tcontent_hash\tarchive\n"


def read_index() -> list[dict[str, str]]:
    if not INDEX.exists():
        return []
    lines = INDEX.read_text(encoding="utf-8").splitlines()
    keys = lines[0].split("\t")
    return [dict(zip(keys, line.split("\t"), strict=True)) for line in lines[1:] if line.strip()]


def problems() -> list[str]:
    meta = Knowledge(DATA_DIR).meta
    digest = content_hash(DATA_DIR)
    rows = {r["version"]: r for r in read_index()}
    found: list[str] = []
    if not any(c.startswith(f"{meta.version}:") for c in meta.changes):
        found.append(f"meta.yaml has no 'changes' entry starting with '{meta.version}:'")
    row = rows.get(meta.version)
    if row is None:
        found.append(f"knowledge {meta.version} is not released (run scripts/release_knowledge.py)")
    elif row["content_hash"] != digest:
        found.append(f"knowledge data changed after {meta.version} was released: bump version and snapshot_date "
                     "in meta.yaml, add a 'changes' entry, then run scripts/release_knowledge.py")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check; write nothing")
    args = parser.parse_args()
    found = problems()
    if args.check or not found:
        for p in found:
            print(f"error: {p}", file=sys.stderr)
        if not found:
            print("the current knowledge snapshot is released")
        return 1 if found else 0
    meta = Knowledge(DATA_DIR).meta
    rows = {r["version"]: r for r in read_index()}
    if meta.version in rows:
        print(f"error: {found[0]}", file=sys.stderr)
        return 1
    if not any(c.startswith(f"{meta.version}:") for c in meta.changes):
        print(f"error: meta.yaml needs a 'changes' entry starting with '{meta.version}:'", file=sys.stderr)
        return 1
    archive = f"{meta.version}.tar.gz"
    digest = save_snapshot(DATA_DIR, SNAPSHOTS_DIR / archive)
    text = INDEX.read_text(encoding="utf-8") if INDEX.exists() else HEADER
    INDEX.write_text(text + f"{meta.version}\t{meta.snapshot_date.isoformat()}\t{digest}\t{archive}\n", encoding="utf-8")
    print(f"released knowledge {meta.version} ({digest[:12]}) as {SNAPSHOTS_DIR / archive}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
