"""Cut the MANE Select UTR rows of the knowledge-base genes from pzweuj/ManeSelectBed's GRCh38 UTR tables.

Why this source: NCBI's MANE exon files (MANE.GRCh38.v1.x.ensembl_genomic.gtf.gz, refseq_genomic.gff.gz) are not in
the shared data and no readable copy was found in the public repositories searched (docs/KNOWLEDGE.md, "Exons vs
MANE"). ManeSelectBed cuts GENCODE's own GFF3 (release in its release.txt) to the transcripts NCBI's current MANE
GFF tags "MANE Select"; its exon and CDS tables are over the size the repository mirror keeps, its 5' and 3' UTR
tables are not. Columns (its header): #chrom, start, end, location (GENCODE exon_number, 5'->3'), symbol, refseq,
ensembl, strand; start/end are copied from the GFF3 columns 4/5, i.e. **1-based inclusive** (not BED's 0-based).

A row is kept only when its versioned RefSeq *and* Ensembl ids both equal the gene's MANE v1.0 Select pair of the
shared MANE summary: the same ENST version is the same exon structure, so the rows describe the transcript that
reports name. Rows are copied unmodified, header included.

Usage: python scripts/cut_mane_utr.py UTR5_BED UTR3_BED [SHARED]
  UTR5_BED/UTR3_BED: GRCh38/Gencode.GRCh38.utr5.bed and .utr3.bed of ManeSelectBed (e.g. `git show COMMIT:PATH`)
  SHARED: the shared data directory (default <repo>/../shared/data), for the MANE v1.0 summary
Writes scripts/sources/maneselectbed.GRCh38.utr5.panel.bed and .utr3.panel.bed (record the commit and sha256 of
the upstream files in scripts/sources/SOURCES.md).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE = REPO / "src" / "charcot" / "knowledge" / "data"
OUT = REPO / "scripts" / "sources"
MANE_SUMMARY = "genes/mane/MANE.GRCh38.v1.0.summary.txt.gz"


def mane_pairs(shared: Path, hgnc_ids: set[str]) -> set[tuple[str, str]]:
    """(RefSeq_nuc, Ensembl_nuc) of the MANE Select rows of the given HGNC ids."""
    pairs: set[tuple[str, str]] = set()
    with gzip.open(shared / MANE_SUMMARY, "rt", encoding="utf-8") as handle:
        header = handle.readline().lstrip("#").rstrip("\n").split("\t")
        for line in handle:
            row = dict(zip(header, line.rstrip("\n").split("\t"), strict=True))
            if row["MANE_status"] == "MANE Select" and row["HGNC_ID"] in hgnc_ids:
                pairs.add((row["RefSeq_nuc"], row["Ensembl_nuc"]))
    return pairs


def cut(source: Path, pairs: set[tuple[str, str]]) -> list[str]:
    kept: list[str] = []
    with open(source, encoding="utf-8") as handle:
        header = handle.readline()
        if not header.startswith("#chrom\tstart\tend\tlocation\tsymbol\trefseq\tensembl\tstrand"):
            raise SystemExit(f"error: {source} does not start with ManeSelectBed's header")
        kept.append(header)
        for line in handle:
            f = line.rstrip("\n").split("\t")
            if (f[5], f[6]) in pairs:
                kept.append(line)
    return kept


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    shared = Path(argv[2]) if len(argv) > 2 else REPO.parent / "shared" / "data"
    genes = yaml.safe_load((KNOWLEDGE / "genes.yaml").read_text(encoding="utf-8"))["records"]
    pairs = mane_pairs(shared, {str(g["hgnc_id"]) for g in genes})
    for source, kind in ((Path(argv[0]), "utr5"), (Path(argv[1]), "utr3")):
        lines = cut(source, pairs)
        target = OUT / f"maneselectbed.GRCh38.{kind}.panel.bed"
        target.write_text("".join(lines), encoding="utf-8")
        print(f"wrote {target.relative_to(REPO)}: {len(lines) - 1} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
