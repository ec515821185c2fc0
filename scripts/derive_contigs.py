"""Derive primary-assembly contig lengths and accessions for GRCh37 and GRCh38.

Lengths: each UCSC liftover chain header names the source contig with its size and the target contig with its size,
so hg19ToHg38.over.chain gives both builds' lengths. Accessions: NCBI's assembly reports (scripts/sources, see
SOURCES.md) give each chromosome's RefSeq (NC_...) and GenBank (CM...) accession, the names some pipelines use for
contigs; the script refuses a report whose chromosome lengths differ from the chain's (MT aside: hg19's chrM is
another sequence). Output: src/charcot/genome/data/contigs.json.

Usage: python scripts/derive_contigs.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

PRIMARY = [str(i) for i in range(1, 23)] + ["X", "Y", "M"]
SOURCES = Path(__file__).resolve().parent / "sources"
REPORTS = {"GRCh37": "GCF_000001405.25_GRCh37.p13_assembly_report.primary.txt",
           "GRCh38": "GCF_000001405.39_GRCh38.p13_assembly_report.primary.txt"}


def accessions(lengths: dict[str, dict[str, int]]) -> dict[str, dict[str, list[str]]]:
    """build -> chromosome -> [RefSeq accession, GenBank accession], from the assembly reports' assembled molecules."""
    out: dict[str, dict[str, list[str]]] = {}
    for build, name in REPORTS.items():
        rows: dict[str, list[str]] = {}
        for line in (SOURCES / name).read_text().splitlines():
            if line.startswith("#"):
                continue
            f = line.split("\t")
            if f[1] != "assembled-molecule":
                continue
            chrom, genbank, refseq, length = f[2], f[4], f[6], int(f[8])
            if chrom != "MT" and lengths[build].get(chrom) != length:
                sys.exit(f"{name}: chromosome {chrom} is {length} bp, the chain says {lengths[build].get(chrom)}")
            rows[chrom] = [refseq, genbank]
        if set(rows) != set(lengths[build]):
            sys.exit(f"{name}: chromosomes {sorted(set(rows) ^ set(lengths[build]))} are in one source only")
        out[build] = dict(sorted(rows.items(), key=lambda kv: (len(kv[0]), kv[0])))
    return out


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
        "accessions_source": "NCBI assembly reports GCF_000001405.25 (GRCh37.p13) and GCF_000001405.39 (GRCh38.p13), "
        "assembled-molecule rows: [RefSeq-Accn, GenBank-Accn]; see scripts/sources/SOURCES.md",
        "accessions": accessions(lengths),
    }
    target = Path(__file__).resolve().parents[1] / "src" / "charcot" / "genome" / "data" / "contigs.json"
    target.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {target} ({', '.join(f'{b}: {len(v)} contigs' for b, v in lengths.items())})")


if __name__ == "__main__":
    main()
