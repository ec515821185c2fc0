"""Build a whole-genome-scale single-sample VCF from real records, for bench_interpret.py.

The 65,402 Platinum Genomes NA12878 chr21 truth records (hg19) are tiled over chromosomes 1-22, X and
Y: each copy is shifted by a multiple of the chr21 record span and kept while it fits in the target
chromosome's hg19 length. Records, genotypes and INFO are the real ones; only CHROM and POS change.
The result (bgzipped, with a tabix index, and an unindexed copy) goes to benchmarks/scratch/ (gitignored).

usage: python benchmarks/make_wgs_vcf.py [SHARED_DATA_DIR] [--min-records N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "benchmarks" / "scratch"
CHROMS = [str(i) for i in range(1, 23)] + ["X", "Y"]


def build(shared: Path, min_records: int) -> tuple[Path, int]:
    src = shared / "vcf" / "sample" / "PG_NA12878_hg19-chr21.vcf.gz"
    lengths = json.loads((REPO / "src" / "charcot" / "genome" / "data" / "contigs.json").read_text())["lengths"]
    hg19 = lengths["GRCh37"]
    header: list[str] = []
    records: list[tuple[int, str]] = []
    with gzip.open(src, "rt") as handle:
        for line in handle:
            if line.startswith("##contig"):
                continue
            if line.startswith("#"):
                header.append(line)
                continue
            _chrom, pos, rest = line.split("\t", 2)
            records.append((int(pos), rest))
    first, last = records[0][0], records[-1][0]
    span = last - first + 1000
    out = WORK / "wgs_tiled.vcf.gz"
    WORK.mkdir(parents=True, exist_ok=True)
    contigs = [f"##contig=<ID=chr{c},length={hg19[c]}>\n" for c in CHROMS]
    n = 0
    with open(out, "wb") as raw:
        bgzip = subprocess.Popen(["bgzip", "-@", "2", "-c"], stdin=subprocess.PIPE, stdout=raw)
        assert bgzip.stdin is not None
        pipe = bgzip.stdin
        pipe.write("".join(header[:-1] + contigs + header[-1:]).encode())
        for c in CHROMS:
            length = hg19[c]
            copies = max(1, (length - 10_000) // span)
            chunk = []
            for k in range(copies):
                offset = 10_000 + k * span - first
                for pos, rest in records:
                    p = pos + offset
                    if p >= length:
                        break
                    chunk.append(f"chr{c}\t{p}\t{rest}")
                n += len(records)
                if len(chunk) > 200_000:
                    pipe.write("".join(chunk).encode())
                    chunk = []
            pipe.write("".join(chunk).encode())
        pipe.close()
        bgzip.wait()
    subprocess.run(["tabix", "-f", "-p", "vcf", str(out)], check=True)
    unindexed = WORK / "wgs_tiled_noindex.vcf.gz"
    shutil.copy(out, unindexed)
    count = int(subprocess.run(["bash", "-c", f"bcftools index -n {out}"], capture_output=True, text=True,
                               check=True).stdout.strip())
    if count < min_records:
        sys.exit(f"only {count} records (< {min_records})")
    return out, count


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("shared", nargs="?", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--min-records", type=int, default=4_000_000)
    args = ap.parse_args()
    path, count = build(Path(args.shared), args.min_records)
    print(f"{path}: {count} records")


if __name__ == "__main__":
    main()
