"""Rebuild the bundled demo case's genome files from the shared real data (run by hand, not at run time).

    python -m charcot.report.demo_data.build_demo_data [SHARED_DATA_DIR]

SHARED_DATA_DIR defaults to ``<repo>/../shared/data``. What it does (see SOURCES.md):

1. lifts SOD1 c.14C>T p.(Ala5Val) (legacy A4V) from GRCh38 chr21:31659783 (GeneBe, key S-GeneBeA4V) to
   GRCh37 through the UCSC hg38ToHg19 chain (no coordinate is typed for GRCh37);
2. cuts the Platinum Genomes NA12878 GRCh37 chr21 truth calls to the windows around the chr21 ALS genes;
3. adds ONE record, the lifted A4V as a heterozygous call, flagged ``SPIKED`` in INFO;
4. writes ``demo.vcf.gz`` (bgzip) + ``.tbi`` with pysam, and copies the real ExpansionHunter v5 VCF.
"""

from __future__ import annotations

import gzip
import shutil
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
A4V_GRCH38 = ("chr21", 31659783, "C", "T")
# Windows (GRCh37, 1-based inclusive) kept from chr21: ±1 Mb around SOD1 and the CFAP410 (C21orf2) region.
WINDOWS_GRCH37 = [(32_000_000, 34_100_000), (45_700_000, 45_800_000)]


def lift_position(chain_gz: Path, chrom: str, pos1: int) -> tuple[str, int, str]:
    """Lift a 1-based position through a UCSC chain file; returns (chrom, pos1, strand)."""
    p0 = pos1 - 1
    with gzip.open(chain_gz, "rt") as handle:
        header: list[str] | None = None
        t_pos = q_pos = 0
        for line in handle:
            fields = line.split()
            if not fields:
                header = None
                continue
            if fields[0] == "chain":
                header = fields
                t_pos, q_pos = int(fields[5]), int(fields[10])
                continue
            if header is None or header[2] != chrom:
                continue
            size = int(fields[0])
            if t_pos <= p0 < t_pos + size:
                q = q_pos + (p0 - t_pos)
                if header[9] == "-":
                    q = int(header[8]) - q - 1
                return header[7], q + 1, header[9]
            if len(fields) == 3:
                t_pos += size + int(fields[1])
                q_pos += size + int(fields[2])
    raise SystemExit(f"{chrom}:{pos1} does not lift over")


def main(argv: list[str]) -> int:
    import pysam

    shared = Path(argv[0]) if argv else HERE.parents[4] / "shared" / "data"
    chrom, pos, strand = lift_position(shared / "liftover" / "hg38ToHg19.over.chain.gz", *A4V_GRCH38[:2])
    if strand != "+" or chrom != "chr21":
        raise SystemExit(f"unexpected liftover result {chrom}:{pos}{strand}")
    print(f"A4V GRCh38 chr21:{A4V_GRCH38[1]} -> GRCh37 {chrom}:{pos}")
    source = pysam.VariantFile(str(shared / "vcf" / "sample" / "PG_NA12878_hg19-chr21.vcf.gz"))
    header = source.header.copy()
    header.add_line(
        '##INFO=<ID=SPIKED,Number=0,Type=Flag,Description="Record added to the real NA12878 calls for the '
        'charcot demo (SOD1 p.Ala5Val, lifted from GRCh38 chr21:31659783); not an NA12878 variant">'
    )
    header.add_line("##charcot_demo=NA12878 Platinum Genomes chr21 GRCh37 subset with one spiked SOD1 variant")
    tmp = HERE / "demo.vcf"
    records: list[Any] = []
    for start, end in WINDOWS_GRCH37:
        records.extend(source.fetch("chr21", start - 1, end))
    if any(r.pos == pos for r in records):
        raise SystemExit("NA12878 already has a call at the spike position")
    with pysam.VariantFile(str(tmp), "w", header=header) as out:
        spiked = False
        for rec in records:
            if not spiked and rec.pos > pos:
                new = out.new_record(contig=chrom, start=pos - 1, alleles=(A4V_GRCH38[2], A4V_GRCH38[3]),
                                     filter="PASS")
                new.info["SPIKED"] = True
                new.samples["NA12878"]["GT"] = (0, 1)
                out.write(new)
                spiked = True
            out.write(rec)
    pysam.tabix_compress(str(tmp), str(HERE / "demo.vcf.gz"), force=True)
    pysam.tabix_index(str(HERE / "demo.vcf.gz"), preset="vcf", force=True)
    tmp.unlink()
    shutil.copyfile(shared / "str" / "scout" / "justhusky_exphun_hugelymodelbat.eh5.vcf", HERE / "demo.str.vcf")
    print(f"wrote {HERE / 'demo.vcf.gz'} ({len(records) + 1} records)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
