"""Build benchmark inputs that look like real whole-genome calls, for bench_interpret.py.

A single-sample GATK4 HaplotypeCaller/GenotypeGVCFs VCF on GRCh38 (chr1-22, chrX; about 4.8 M records,
about 60 bytes per record bgzipped, like a real 30x genome's call set):

* positions, REF, ALT and genotype come from the 65,370 real Platinum Genomes NA12878 chr21 hg38 calls,
  tiled over every chromosome with their real spacing (only CHROM and POS change); phased truth genotypes
  are written unphased, as HaplotypeCaller writes them;
* QUAL, FILTER, INFO and the FORMAT values (GT:AD:DP:GQ:PL, and PGT/PID/PS where HaplotypeCaller
  phased) come from the real GATK4 calls of NA24143 in the nf-cmgg Ashkenazim joint VCF (GenotypeGVCFs
  output, AS_ annotations, soft filters), drawn at random (fixed seed) among the calls of the same kind
  (SNV or indel, heterozygous or homozygous), so bgzip sees the field mix and entropy of real output;
* the header is that file's real GATK4 header with the GRCh38 contig lines.

Written to benchmarks/scratch/ (gitignored): wgs_gatk.vcf.gz (+ .tbi), an unindexed byte-identical copy
wgs_gatk_noindex.vcf.gz, the same records as plain gzip (wgs_gatk.plain.vcf.gz) and as plain text
(wgs_gatk.vcf). The exome (Pfeiffer, 37,709 real calls) and the gVCF (GLnexus NA12878 GATK 3.5
HaplotypeCaller gVCF, 301,244 records) are read from the shared data as they are.

usage: python benchmarks/make_wgs_vcf.py [SHARED_DATA_DIR] [--min-records N] [--no-plain]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "benchmarks" / "scratch"
CHROMS = [str(i) for i in range(1, 23)] + ["X"]  # NA12878 and NA24143 are female: no chrY calls
HEADER_CONTIGS = [*CHROMS, "Y", "M"]
WGS = WORK / "wgs_gatk.vcf.gz"
NOINDEX = WORK / "wgs_gatk_noindex.vcf.gz"
PLAIN_GZ = WORK / "wgs_gatk.plain.vcf.gz"
PLAIN = WORK / "wgs_gatk.vcf"


def _kind(ref: str, alts: list[str], gt: str) -> tuple[bool, bool, int]:
    alleles = [a for a in gt.replace("|", "/").split("/") if a not in (".", "")]
    hom = len(set(alleles)) == 1
    snv = len(ref) == 1 and all(len(a) == 1 for a in alts)
    return snv, hom, len(alts)


def _template_pool(joint: Path) -> tuple[list[str], dict[tuple[bool, bool, int], list[tuple[str, str, str, str, str]]]]:
    """The real header (without contig lines and #CHROM) and the real calls of the first sample, keyed by
    kind: (QUAL, FILTER, INFO, FORMAT, sample value without GT)."""
    header: list[str] = []
    pool: dict[tuple[bool, bool, int], list[tuple[str, str, str, str, str]]] = {}
    with gzip.open(joint, "rt") as handle:
        for line in handle:
            if line.startswith("##"):
                if not line.startswith("##contig"):
                    header.append(line)
                continue
            if line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            value = cols[9]
            gt = value.split(":", 1)[0]
            if gt in (".", "./.", "0/0", "0|0"):
                continue
            key = _kind(cols[3], cols[4].split(","), gt)
            rest = value.split(":", 1)[1] if ":" in value else ""
            pool.setdefault(key, []).append((cols[5], cols[6], cols[7], cols[8], rest))
    return header, pool


def build(shared: Path, min_records: int, plain: bool) -> tuple[Path, int]:
    started = time.perf_counter()
    truth = shared / "vcf" / "sample" / "PG_NA12878_hg38-chr21.vcf.gz"
    joint = shared / "vcf" / "trio" / "nfcmgg_Ashkenazim.joint.vcf.gz"
    lengths = json.loads((REPO / "src" / "charcot" / "genome" / "data" / "contigs.json").read_text())["lengths"]
    grch38 = lengths["GRCh38"]
    header, pool = _template_pool(joint)
    rng = random.Random(20)
    # The truth calls: spacing, alleles and genotype; the template for each is drawn now (fixed seed).
    calls: list[tuple[int, str]] = []  # (gap to the previous call, "REF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tvalue")
    previous = None
    with gzip.open(truth, "rt") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            pos, ref, alt, gt = int(cols[1]), cols[3], cols[4], cols[9].split(":", 1)[0]
            alts = alt.split(",")
            snv, hom, n_alt = _kind(ref, alts, gt)
            choices = pool.get((snv, hom, n_alt)) or pool.get((snv, hom, 1)) or pool[(True, False, 1)]
            qual, filt, info, fmt, rest = rng.choice(choices)
            if n_alt > 1 and not pool.get((snv, hom, n_alt)):
                fmt, rest = "GT:DP:GQ", ":".join(rest.split(":")[1:3])  # AD/PL would not fit the ALT count
            gt = gt.replace("|", "/")
            gap = 0 if previous is None else max(1, pos - previous)
            previous = pos
            calls.append((gap, f"{ref}\t{alt}\t{qual}\t{filt}\t{info}\t{fmt}\t{gt}:{rest}\n" if rest
                          else f"{ref}\t{alt}\t{qual}\t{filt}\t{info}\t{fmt}\t{gt}\n"))
    WORK.mkdir(parents=True, exist_ok=True)
    contigs = [f"##contig=<ID=chr{c},length={grch38[c]},assembly=GRCh38>\n" for c in HEADER_CONTIGS if c in grch38]
    head = "".join(header[:1] + contigs + header[1:]) + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNA24143\n"
    n = 0
    text_out = open(PLAIN, "wb") if plain else None  # noqa: SIM115 - closed below
    with open(WGS, "wb") as raw:
        bgzip = subprocess.Popen(["bgzip", "-@", "2", "-c"], stdin=subprocess.PIPE, stdout=raw)
        assert bgzip.stdin is not None
        pipe = bgzip.stdin
        pipe.write(head.encode())
        if text_out is not None:
            text_out.write(head.encode())
        i = 0
        for c in CHROMS:
            length = grch38[c]
            pos = 10_000
            chunk: list[str] = []
            while True:
                gap, rest = calls[i % len(calls)]
                i += 1
                pos += gap if gap else 500
                if pos >= length - 10_000:
                    break
                chunk.append(f"chr{c}\t{pos}\t.\t{rest}")
                if len(chunk) >= 100_000:
                    data = "".join(chunk).encode()
                    pipe.write(data)
                    if text_out is not None:
                        text_out.write(data)
                    n += len(chunk)
                    chunk = []
            data = "".join(chunk).encode()
            pipe.write(data)
            if text_out is not None:
                text_out.write(data)
            n += len(chunk)
        pipe.close()
        bgzip.wait()
    if text_out is not None:
        text_out.close()
        with open(PLAIN, "rb") as src, open(PLAIN_GZ, "wb") as dst:
            subprocess.run(["gzip", "-6", "-c"], stdin=src, stdout=dst, check=True)
    subprocess.run(["tabix", "-f", "-p", "vcf", str(WGS)], check=True)
    shutil.copy(WGS, NOINDEX)
    if n < min_records:
        sys.exit(f"only {n} records (< {min_records})")
    size = WGS.stat().st_size
    print(f"{WGS}: {n:,} records, {size / 1e6:.0f} MB bgzipped, {size / n:.1f} bytes per record "
          f"({time.perf_counter() - started:.0f} s)")
    return WGS, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("shared", nargs="?", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--min-records", type=int, default=4_000_000)
    ap.add_argument("--no-plain", action="store_true", help="skip the plain-gzip and plain-text copies")
    args = ap.parse_args()
    build(Path(args.shared), args.min_records, plain=not args.no_plain)


if __name__ == "__main__":
    main()
