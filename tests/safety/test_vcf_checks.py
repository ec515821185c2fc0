"""Regression tests for issue 12's VCF findings: an index, a record or a damaged block must never make a
finding disappear silently. Each case starts from a real fixture and changes one thing."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pysam
import pytest

from charcot.errors import InputError
from charcot.variants.api import interpret

DATA = Path(__file__).resolve().parents[1] / "data" / "variants"
PANEL38 = DATA / "na12878_hg38_panel.vcf.gz"
PANEL37 = DATA / "na12878_hg19_panel.vcf.gz"
GVCF = DATA / "glnexus_na12878_gvcf_subset.g.vcf.gz"


def _lines(path: Path) -> list[str]:
    with gzip.open(path, "rt") as handle:
        return handle.read().splitlines()


def _panel_snv_pos(path: Path) -> int:
    """Position of a panel SNV in the clean file (found by charcot itself, not typed)."""
    snv = next(f for f in interpret(path).findings if len(f.ref) == 1 and len(f.alt) == 1)
    return snv.pos


def _mutate(path: Path, out: Path, pos: int, column: int, value: str, *, bgzip: bool = False) -> Path:
    lines = _lines(path)
    for i, line in enumerate(lines):
        cols = line.split("\t")
        if not line.startswith("#") and cols[1] == str(pos):
            cols[column] = value
            lines[i] = "\t".join(cols)
            break
    else:
        raise AssertionError(f"no record at {pos}")
    text = "\n".join(lines) + "\n"
    if bgzip:
        plain = out.with_suffix("")
        plain.write_text(text)
        pysam.tabix_compress(str(plain), str(out), force=True)
        plain.unlink()
    else:
        out.write_text(text)
    return out


@pytest.fixture(scope="module")
def pos38() -> int:
    return _panel_snv_pos(PANEL38)


def test_foreign_index_is_refused(tmp_path: Path) -> None:
    vcf = tmp_path / "patient.vcf.gz"
    shutil.copy(PANEL38, vcf)
    shutil.copy(Path(str(PANEL37) + ".tbi"), Path(str(vcf) + ".tbi"))  # another file's index
    with pytest.raises(InputError, match="does not belong to this file") as err:
        interpret(vcf)
    assert err.value.path is not None and err.value.path.endswith(".tbi") and "tabix" in (err.value.hint or "")


def test_index_older_than_data_is_checked_not_trusted(tmp_path: Path, pos38: int) -> None:
    # An index older than the data is checked, not refused on its mtime (issue 20: uploads and 'cp' write
    # the two files in either order). The index of an earlier version of the file is refused.
    vcf = tmp_path / "p.vcf.gz"
    shutil.copy(PANEL38, vcf)
    pysam.tabix_index(str(vcf), preset="vcf", force=True, keep_original=True)
    index = Path(str(vcf) + ".tbi")
    _mutate(PANEL38, vcf, pos38, 2, "edited" * 40, bgzip=True)  # the data changed after indexing
    st = vcf.stat()
    os.utime(index, ns=(st.st_atime_ns, st.st_mtime_ns - 10**9))
    with pytest.raises(InputError, match=r"older than the data file and does not match it|does not belong"):
        interpret(vcf)
    pysam.tabix_index(str(vcf), preset="vcf", force=True, keep_original=True)  # the right index, made older
    os.utime(index, ns=(st.st_atime_ns, st.st_mtime_ns - 10**9))
    result = interpret(vcf)
    assert result.reading.indexed and "found through it" in (result.reading.index_note or "")


def test_stale_index_with_fresh_mtime_still_caught(tmp_path: Path, pos38: int) -> None:
    # The index of an earlier version of the same file (its mtime touched): region queries land on the
    # wrong blocks. Before the fix this read 0 records and reported nothing found, exit 0.
    vcf = tmp_path / "p.vcf.gz"
    shutil.copy(PANEL38, vcf)
    pysam.tabix_index(str(vcf), preset="vcf", force=True, keep_original=True)
    index = Path(str(vcf) + ".tbi")
    lines = _lines(PANEL38)
    header = [x for x in lines if x.startswith("#")]
    body = [x for x in lines if not x.startswith("#")]
    padded = header[:1] + [f"##charcot_test_padding={'N' * 200}"] * 300 + header[1:] + body
    plain = tmp_path / "p.vcf"
    plain.write_text("\n".join(padded) + "\n")
    pysam.tabix_compress(str(plain), str(vcf), force=True)
    os.utime(index)  # index now newer than the data
    assert index.stat().st_mtime_ns >= vcf.stat().st_mtime_ns
    with pytest.raises(InputError, match=r"does not belong to this file|finds no record"):
        interpret(vcf)


@pytest.mark.parametrize(("column", "value", "words"), [
    (1, "0", "POS 0 is not a position"),
    (3, "X", "REF 'X' is not a sequence of bases"),
    (4, "<>", "ALT '<>' is not an allele"),
    (9, "1/7", "names allele 7"),
    (4, ".", "names allele 1"),
])
def test_dropped_records_are_errors(tmp_path: Path, pos38: int, column: int, value: str, words: str) -> None:
    vcf = _mutate(PANEL38, tmp_path / "p.vcf", pos38, column, value)
    with pytest.raises(InputError, match=words) as err:
        interpret(vcf)
    assert err.value.line is not None and err.value.record is not None


def test_gvcf_block_end_before_pos(tmp_path: Path) -> None:
    lines = _lines(GVCF)
    for i, line in enumerate(lines):
        cols = line.split("\t")
        if not line.startswith("#") and "END=" in cols[7]:
            cols[7] = ";".join(f"END={int(cols[1]) - 5}" if kv.startswith("END=") else kv for kv in cols[7].split(";"))
            lines[i] = "\t".join(cols)
            break
    out = tmp_path / "g.vcf"
    out.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"ends .* before it starts"):
        interpret(out)


def test_bit_flip_in_bgzf_block_named_not_zlib(tmp_path: Path) -> None:
    data = bytearray(PANEL38.read_bytes())
    data[len(data) // 2] ^= 0x04
    vcf = tmp_path / "flip.vcf.gz"
    vcf.write_bytes(bytes(data))
    with pytest.raises(InputError, match="truncated or corrupt: the BGZF block at byte") as err:
        interpret(vcf)
    assert "zlib" not in str(err.value)


def test_unparsable_record_names_line(tmp_path: Path, pos38: int) -> None:
    vcf = _mutate(PANEL38, tmp_path / "p.vcf", pos38, 1, "-5")
    with pytest.raises(InputError, match="POS '-5' is not a positive whole number") as err:
        interpret(vcf)
    assert err.value.line is not None
