"""Unseen variants of the issue-12 input defects, found by the adversarial re-check.

- A BGZF file cut at a block boundary (every block whole, the end-of-file block missing) read as a
  shorter file: `interpret` reported fewer variants with exit 0.
- `segregation` opened VCFs with cyvcf2 directly, past the reader's checks: a file cut inside a block
  was an internal error (exit 1), a cut at a block boundary silently dropped records, a non-VCF gave
  htslib's words.
- An error in a VCF read from standard input named charcot's temporary copy (/tmp/charcot-stdin-...).
"""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
TRIO = DATA / "family" / "ashk_trio_subset.vcf.gz"
TRIO_PED = DATA / "family" / "ashk_trio.ped"
SRC = Path(__file__).resolve().parents[2] / "src"


def _block_starts(data: bytes) -> list[int]:
    starts, i = [], 0
    while i < len(data):
        starts.append(i)
        i += struct.unpack("<H", data[i + 16:i + 18])[0] + 1
    return starts


def _cut_at_block(tmp_path: Path) -> Path:
    data = TRIO.read_bytes()
    starts = _block_starts(data)
    assert len(starts) >= 4
    cut = tmp_path / "trio.vcf.gz"
    cut.write_bytes(data[:starts[len(starts) // 2]])
    return cut


@pytest.mark.parametrize("command", [("interpret", "--sample", "HG002"), ("segregation", "--ped", str(TRIO_PED))])
def test_bgzf_cut_at_a_block_boundary_is_refused(run_cli, tmp_path: Path, command: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    cut = _cut_at_block(tmp_path)
    res = run_cli(command[0], cut, *command[1:])
    assert res.code == 2, res.stderr
    assert "end-of-file marker" in res.stderr and str(cut) in res.stderr
    assert "Traceback" not in res.stderr


def test_segregation_reads_through_the_vcf_checks(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = TRIO.read_bytes()
    inside = tmp_path / "inside.vcf.gz"
    inside.write_bytes(data[:len(data) * 2 // 3])  # ends inside a BGZF block
    res = run_cli("segregation", inside, "--ped", TRIO_PED, "--proband", "HG002")
    assert res.code == 2, res.stderr
    assert "truncated" in res.stderr and "internal error" not in res.stderr
    garbage = tmp_path / "garbage.vcf"
    garbage.write_bytes(b"\x00\x01binary\xff" * 40)
    res = run_cli("segregation", garbage, "--ped", TRIO_PED)
    assert res.code == 2 and "not a VCF file" in res.stderr, res.stderr
    res = run_cli("segregation", TRIO, "--ped", TRIO_PED)
    assert res.code == 0, res.stderr


def test_stdin_errors_name_standard_input(tmp_path: Path) -> None:
    for body in (TRIO.read_bytes()[:5000],):  # a cut BGZF stream: the copy gets a .vcf.gz name
        done = subprocess.run([sys.executable, "-m", "charcot.cli", "interpret", "-"], input=body, capture_output=True,
                              env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"}, timeout=120, check=False)
        err = done.stderr.decode()
        assert done.returncode == 2, err
        assert "standard input" in err and "charcot-stdin" not in err and "/tmp/" not in err


def test_repeat_caller_file_bom_and_cut_bgzf(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import gzip as _gzip

    src = DATA / "repeats" / "643594.clinical.str.vcf"
    bom = tmp_path / "bom.vcf"
    bom.write_bytes(b"\xef\xbb\xbf" + src.read_bytes())
    res, plain = run_cli("repeats", bom), run_cli("repeats", src)
    assert res.code == plain.code == 0, res.stderr  # was "not a VCF": the BOM is dropped as for every text input
    assert res.stdout.replace(str(bom), "X") == plain.stdout.replace(str(src), "X")
    bgzf = DATA / "repeats" / "643594.clinical.str.annotated.limits.vcf.gz"
    cut = tmp_path / "cut.vcf.gz"
    cut.write_bytes(bgzf.read_bytes()[:-28])  # the end-of-file block removed
    assert _gzip.decompress(cut.read_bytes())  # every remaining block is whole
    res = run_cli("repeats", cut)
    assert res.code == 2 and "end-of-file marker" in res.stderr, res.stderr


def test_bed_with_bom_or_binary(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vcf = DATA / "variants" / "na12878_hg38_panel.vcf.gz"
    bom = tmp_path / "panel.bed"
    bom.write_bytes(b"\xef\xbb\xbfchr21\t31659000\t31669000\n")  # SOD1, GRCh38
    res = run_cli("interpret", vcf, "--bed", bom, "--build", "GRCh38")
    assert res.code in (0, 3), res.stderr  # was "no knowledge-base gene overlaps": the BOM hid chr21
    assert "SOD1" in res.stdout or "1 ALS genes" in res.stdout
    binary = tmp_path / "binary.bed"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xfc\xfd")
    res = run_cli("interpret", vcf, "--bed", binary, "--build", "GRCh38")
    assert res.code == 2 and "not UTF-8" in res.stderr and "codec" not in res.stderr, res.stderr


@pytest.mark.parametrize(("option", "value", "words"), [("--min-gq", "20", "declares no FORMAT/GQ"),
                                                        ("--min-dp", "10", "declares no FORMAT/DP"),
                                                        ("--min-gq", "-5", "negative")])
def test_quality_threshold_the_calls_cannot_meet(run_cli, option: str, value: str, words: str) -> None:  # type: ignore[no-untyped-def]
    # The demo VCF carries GT only: any threshold dropped every call (SOD1 A4V included) and the run said
    # "0 variant(s) in 2 ALS genes", exit 0.
    from charcot.report.demo import demo_dir

    res = run_cli("interpret", demo_dir() / "demo.vcf.gz", option, value)
    assert res.code == 2 and words in res.stderr, res.stderr


def test_foreign_bcf_index_hint_names_a_tool_that_indexes_bcf(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from charcot.report.demo import demo_dir

    bcfs = []
    for name, src in (("a", demo_dir() / "demo.vcf.gz"), ("b", DATA / "variants" / "pfeiffer_panel.vcf.gz")):
        out = tmp_path / f"{name}.bcf"
        subprocess.run(["bcftools", "view", "-Ob", "-o", str(out), str(src)], check=True, capture_output=True)
        subprocess.run(["bcftools", "index", str(out)], check=True, capture_output=True)
        bcfs.append(out)
    (tmp_path / "a.bcf.csi").write_bytes((tmp_path / "b.bcf.csi").read_bytes())  # another file's index
    res = run_cli("interpret", bcfs[0])
    assert res.code == 2 and "does not belong" in res.stderr, res.stderr
    assert "bcftools index -f a.bcf" in res.stderr and "tabix" not in res.stderr  # tabix cannot index a BCF
