"""Derive primary-assembly contig lengths for GRCh37 and GRCh38 from the UCSC liftover chains.

Each chain header names the source contig with its size and the target contig with its size, so
hg19ToHg38.over.chain gives both builds' lengths. Output: src/charcot/genome/data/contigs.json.

Usage: python scripts/derive_contigs.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

PRIMARY = [str(i) for i in range(1, 23)] + ["X", "Y", "M"]


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"
    chain = shared / "liftover" / "hg19ToHg38.over.chain.gz"
    lengths: dict[str, dict[str, int]] = {"GRCh37": {}, "GRCh38": {}}
    with gzip.open(chain, "rt") as handle:
        for line in handle:
            if not line.startswith("chain"):
                continue
            f = line.split()
            for build, name, size in (("GRCh37", f[2], f[3]), ("GRCh38", f[7], f[8])):
                short = name.removeprefix("chr")
                if short in PRIMARY:
                    lengths[build][short if short != "M" else "MT"] = int(size)
    out = {
        "source": "UCSC hg19ToHg38.over.chain.gz chain headers (tName/tSize = hg19, qName/qSize = hg38); "
        "see ../shared/data/MANIFEST.tsv",
        "note": "chrM of hg19 is the Yoruba sequence (16571 bp), not the rCRS MT of GRCh37 (16569 bp); "
        "MT length is not used for build detection",
        "lengths": {b: dict(sorted(v.items(), key=lambda kv: (len(kv[0]), kv[0]))) for b, v in lengths.items()},
    }
    target = Path(__file__).resolve().parents[1] / "src" / "charcot" / "genome" / "data" / "contigs.json"
    target.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {target} ({', '.join(f'{b}: {len(v)} contigs' for b, v in lengths.items())})")


if __name__ == "__main__":
    main()
