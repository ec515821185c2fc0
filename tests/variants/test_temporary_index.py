"""The temporary index of an unindexed bgzipped VCF (issue 20): built by the system's bcftools when there is one (its
htslib inflates with libdeflate), else by pysam; either finds exactly the records a streaming read finds, and an
unsorted file gets none (it is then streamed). Real NA12878 chr21 records."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pysam
import pytest
from cyvcf2 import VCF

from charcot.variants.reader import temporary_index

DATA = Path(__file__).resolve().parents[1] / "data" / "variants"
CHR21 = DATA / "na12878_hg38_chr21_30-35Mb.vcf.gz"  # unindexed on purpose, 6,628 records
REGIONS = [("chr21", 31_659_572, 31_668_981), ("chr21", 30_000_000, 30_200_000), ("chr21", 34_900_000, 35_000_000)]


def _through(index: Path) -> list[tuple[str, int, str, str]]:
    vcf = VCF(str(CHR21))
    vcf.set_index(str(index))
    return [(v.CHROM, v.POS, v.REF, ",".join(v.ALT)) for c, s, e in REGIONS for v in vcf(f"{c}:{s}-{e}")]


def _streamed() -> list[tuple[str, int, str, str]]:
    out = [(v.CHROM, v.POS, v.REF, ",".join(v.ALT)) for v in VCF(str(CHR21))]
    return [r for c, s, e in REGIONS for r in out if r[0] == c and s <= r[1] <= e]


def test_built_by_bcftools_finds_what_streaming_finds(tmp_path: Path) -> None:
    assert shutil.which("bcftools") is not None  # a Debian package of the project (Makefile DEBIAN_PACKAGES)
    index = temporary_index(CHR21, tmp_path)
    assert index is not None and index.exists()
    found = _through(index)
    assert found == _streamed() and len(found) > 100


def test_built_by_pysam_without_bcftools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no bcftools on the PATH: the pysam fallback builds it
    index = temporary_index(CHR21, tmp_path)
    assert index is not None
    assert _through(index) == _streamed()


def test_unsorted_file_gets_no_index(tmp_path: Path) -> None:
    with gzip.open(CHR21, "rt") as handle:
        lines = handle.read().splitlines()
    header = [x for x in lines if x.startswith("#")]
    records = [x for x in lines if not x.startswith("#")]
    plain = tmp_path / "unsorted.vcf"
    plain.write_text("\n".join(header + records[100:] + records[:100]) + "\n")
    bgz = tmp_path / "unsorted.vcf.gz"
    pysam.tabix_compress(str(plain), str(bgz))
    assert temporary_index(bgz, tmp_path) is None
    assert not (tmp_path / "input.tbi").exists()


def test_a_header_without_contig_lines_is_read_through_the_temporary_index(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A large unindexed bgzip VCF whose header has no ##contig lines got its temporary index, but the region queries
    were asked by header names (none): every gene was 'not assessed: no record on its chromosome' while the same
    records as plain text were interpreted."""
    from charcot.genome.panel import knowledge_panel
    from charcot.variants import reader

    source = Path(__file__).resolve().parents[1] / "data" / "variants" / "na12878_hg38_panel.vcf.gz"
    with gzip.open(source, "rt") as handle:
        text = "".join(line for line in handle if not line.startswith("##contig"))
    plain = tmp_path / "nocontig.vcf"
    plain.write_text(text)
    packed = tmp_path / "nocontig.vcf.gz"
    pysam.tabix_compress(str(plain), str(packed))
    monkeypatch.setattr(reader, "TEMP_INDEX_MIN_BYTES", 0)  # a small real file takes the large-file path

    def calls(path: Path) -> tuple[list[tuple[str, int, str, str]], set[str]]:
        got = reader.read_calls(path, knowledge_panel, build="GRCh38")
        return [(c.chrom, c.allele.pos, c.allele.ref, c.allele.alt) for c in got.calls], got.contigs_with_records

    through_index, streamed = calls(packed), calls(plain)
    assert streamed[0] and through_index == streamed
