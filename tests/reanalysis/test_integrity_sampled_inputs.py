"""``reanalyse`` of an input the report fingerprinted by sampling (integrity review).

Inputs above ``outputs.FULL_CHECKSUM_LIMIT`` (64 MiB) get a sampled SHA-256 in the report (the size, the first and
last MiB and 64 blocks of 64 KiB); a same-size edit between the sampled blocks leaves it unchanged, and re-analysis
matched inputs by it alone. Now the first re-analysis that matches such an input takes its full SHA-256 and
remembers it with the file's identity (device, inode, size, mtime, ctime); later ones hold the file to it.

The test makes the sampled path reachable with a real VCF of test size by lowering the limit and the sampled block
size (64 MiB / 64 KiB become 64 KiB / 1 KiB, the ratio kept); the fingerprint code itself runs unchanged. The input
is NA12878's chr21 calls (tests/data) as plain text (1.07 MB)."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

from charcot import outputs

CHR21 = Path(__file__).resolve().parents[1] / "data" / "variants" / "na12878_hg38_chr21_30-35Mb.vcf.gz"


def _sampled_spans(size: int) -> list[tuple[int, int]]:
    """The byte ranges ``outputs.fingerprint_file`` reads for a sampled digest (its own arithmetic, read back)."""
    edge = min(1 << 20, size // 4)
    step = (size - 2 * edge) // (outputs.SAMPLE_BLOCKS + 1)
    spans = [(0, edge), (size - edge, size)]
    spans += [(edge + i * step, edge + i * step + min(outputs.SAMPLE_BLOCK_SIZE, step))
              for i in range(1, outputs.SAMPLE_BLOCKS + 1)]
    return spans


def _genotype_between_samples(vcf: Path) -> int:
    """The byte offset of a genotype's first allele in a record no sampled block touches."""
    data = vcf.read_bytes()
    spans = _sampled_spans(len(data))
    at = data.index(b"\n#CHROM")
    while True:
        start = data.index(b"\n", at + 1) + 1
        end = data.index(b"\n", start)
        line = data[start:end]
        if not any(s < end and start < e for s, e in spans) and line.rsplit(b"\t", 1)[-1][:3] in (b"0/1", b"0|1"):
            return start + len(line) - len(line.rsplit(b"\t", 1)[-1])
        at = end


def _reanalyse(run_cli, case: Path) -> dict:  # type: ignore[no-untyped-def]
    r = run_cli("reanalyse", str(case / "report"), "--format", "json")
    assert r.code in (0, 3), r.stderr
    return json.loads(r.stdout)["cases"][0]


def test_a_same_size_edit_between_the_sampled_blocks_is_not_reanalysed(tmp_path: Path, run_cli,  # type: ignore[no-untyped-def]
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs, "FULL_CHECKSUM_LIMIT", 64 << 10)
    monkeypatch.setattr(outputs, "SAMPLE_BLOCK_SIZE", 1 << 10)
    cache = tmp_path / "cache"  # where the full SHA-256 is remembered (the knowledge store is compiled there too)
    monkeypatch.setenv("CHARCOT_CACHE_DIR", str(cache))
    case = tmp_path / "case"
    case.mkdir()
    vcf = case / "na12878_chr21.vcf"
    with gzip.open(CHR21, "rb") as src:
        vcf.write_bytes(src.read())
    r = run_cli("report", "--no-pdf", "--outdir", str(case / "report"), "--vcf", str(vcf))
    assert r.code == 0, r.stderr
    stored = json.loads((case / "report" / "report.json").read_text())
    item = next(i for i in stored["header"]["inputs"] if i["role"] == "vcf")
    assert item["checksum_method"] == "sha256-sampled"

    first = _reanalyse(run_cli, case)
    assert first["status"] == "unchanged", first
    again = _reanalyse(run_cli, case)
    assert again["status"] == "unchanged"

    # the same file copied (another inode, another ctime): hashed again, the same content, re-analysed
    copy = tmp_path / "copy.vcf"
    shutil.copy2(vcf, copy)
    os.replace(copy, vcf)
    assert _reanalyse(run_cli, case)["status"] == "unchanged"

    # one genotype changed in place (0/1 -> 1/1), same size, the time-stamps put back (touch -r)
    st = vcf.stat()
    at = _genotype_between_samples(vcf)
    with open(vcf, "r+b") as handle:
        handle.seek(at)
        handle.write(b"1")
    os.utime(vcf, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert outputs.fingerprint_file(vcf)[0] == item["sha256"]  # the sampled digest does not see it
    # before: "unchanged", the edited genotype re-analysed as the report's own data
    edited = _reanalyse(run_cli, case)
    assert edited["status"] == "not_reanalysed"
    assert "its full SHA-256 is not that of the file first re-analysed for this report" in edited["reason"]
    # the first match said it rested on the sampled checksum; the next one (identity remembered) had nothing to say
    assert any("matched to the report by its sampled checksum only" in n for n in first["notes"])
    assert again["notes"] == []
