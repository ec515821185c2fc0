"""Unindexed plain-text and plain-gzip VCFs (issue 20): bcftools selects the panel records in C while charcot
learns the whole-file facts from the bytes in the same pass (``variants.prefilter``). The fast pass must give
exactly what the record-by-record pass gives: the same result on good files, and on bad ones the same error
(it hands those to the careful pass). Each case runs both ways on real NA12878 calls."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from charcot.genome.panel import knowledge_panel
from charcot.variants import prefilter, reader
from charcot.variants.api import interpret
from tests.variants.vcfbuild import edit_column, outcome

DATA = Path(__file__).resolve().parents[1] / "data" / "variants"
CHR21 = DATA / "na12878_hg38_chr21_30-35Mb.vcf.gz"  # 6,628 records, 10 ALS-gene calls (SOD1 region)
GVCF = DATA / "glnexus_na12878_gvcf_subset.g.vcf.gz"

pytestmark = pytest.mark.skipif(not prefilter.available(), reason="bcftools is part of the Debian stack")


def _lines(path: Path) -> tuple[list[str], list[str]]:
    with gzip.open(path, "rt") as handle:
        lines = handle.read().splitlines()
    return [x for x in lines if x.startswith("#")], [x for x in lines if not x.startswith("#")]


def _write(tmp_path: Path, header: list[str], records: list[str], *, gz: bool, name: str = "calls") -> Path:
    text = "\n".join(header + records) + "\n"
    if gz:
        out = tmp_path / f"{name}.vcf.gz"
        out.write_bytes(gzip.compress(text.encode()))
    else:
        out = tmp_path / f"{name}.vcf"
        out.write_text(text)
    return out


def _both(path: Path, monkeypatch: pytest.MonkeyPatch, run: Callable[[Path], Any]) -> tuple[Any, Any, list[str]]:
    """(careful outcome, fast outcome, how the fast attempt ended: 'selected' or 'doubt')."""
    ends: list[str] = []
    real = reader._read_calls

    def spy(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("select") is None:
            return real(*args, **kwargs)
        try:
            result = real(*args, **kwargs)
        except prefilter.Doubt:
            ends.append("doubt")
            raise
        ends.append("selected")
        return result

    monkeypatch.setattr(prefilter, "MIN_BYTES", 1 << 62)
    careful = outcome(path, run)
    monkeypatch.setattr(prefilter, "MIN_BYTES", 0)
    monkeypatch.setattr(reader, "_read_calls", spy)
    fast = outcome(path, run)
    return careful, fast, ends


def _read(path: Path) -> Any:
    return reader.read_calls(path, knowledge_panel)


@pytest.mark.parametrize("gz", [False, True], ids=["text", "gzip"])
def test_same_findings_through_bcftools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gz: bool) -> None:
    header, records = _lines(CHR21)
    path = _write(tmp_path, header, records, gz=gz)
    careful, fast, ends = _both(path, monkeypatch, lambda p: interpret(p).model_dump_json())
    assert ends == ["selected"]
    assert careful == fast and careful[0] == "ok"


def test_contig_changes_and_whole_file_facts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # records spread over declared contigs, alternating often (more changes than the scan follows by runs),
    # with a last line lacking its newline: records read and contigs with records must match exactly
    header, records = _lines(CHR21)
    moved = []
    for i, rec in enumerate(records):
        cols = rec.split("\t")
        if i % 7 == 3 and i < 3000:
            cols[0] = "chr22" if i % 2 else "chrX"
        moved.append("\t".join(cols))
    path = tmp_path / "mixed.vcf"
    path.write_text("\n".join(header + moved))
    careful, fast, ends = _both(path, monkeypatch, _read)
    assert ends == ["selected"] and careful[0] == "ok"
    assert careful[1] == fast[1]
    assert fast[1].records_read == 6628 and fast[1].contigs_with_records == {"21", "22", "X"}


def _sod1_index(records: list[str]) -> int:
    return next(i for i, r in enumerate(records) if 31_659_000 < int(r.split("\t")[1]) < 31_669_000)


# (id, edit of (header, records)) -> the careful pass refuses or reads each; the fast pass must agree exactly
BAD: list[tuple[str, Callable[[list[str], list[str]], tuple[list[str], list[str]]]]] = [
    ("undeclared contig off-panel", lambda h, r: (h, edit_column(r, 40, 0, "chrUnknown"))),
    ("POS beyond the contig off-panel", lambda h, r: (h, edit_column(r, 40, 1, "46709984"))),
    ("POS 0 off-panel", lambda h, r: (h, edit_column(r, 40, 1, "0"))),
    ("POS not a number off-panel", lambda h, r: (h, edit_column(r, 40, 1, "12x"))),
    ("POS with 10 digits off-panel", lambda h, r: (h, edit_column(r, 40, 1, "1000000000"))),
    ("QUAL not a number off-panel", lambda h, r: (h, edit_column(r, 40, 5, "high"))),
    ("INFO without a key off-panel", lambda h, r: (h, edit_column(r, 40, 7, "=3;;"))),
    ("undeclared INFO key off-panel", lambda h, r: (h, edit_column(r, 40, 7, "NEWKEY=1"))),
    ("FORMAT with fewer values off-panel", lambda h, r: (h, edit_column(r, 40, 9, "."))),
    ("missing sample column off-panel", lambda h, r: (h, [*r[:40], "\t".join(r[40].split("\t")[:9]), *r[41:]])),
    ("extra column off-panel", lambda h, r: (h, [*r[:40], r[40] + "\t0/1", *r[41:]])),
    ("ALT unclosed off-panel", lambda h, r: (h, edit_column(r, 40, 4, "<DEL"))),
    ("REF empty off-panel", lambda h, r: (h, edit_column(r, 40, 3, ""))),
    ("bad REF in an ALS gene", lambda h, r: (h, edit_column(r, _sod1_index(r), 3, "X"))),
    ("GT beyond the ALTs in an ALS gene", lambda h, r: (h, edit_column(r, _sod1_index(r), 9, "0/3"))),
    ("blank line among the records", lambda h, r: (h, [*r[:50], "", *r[50:]])),
    ("comment line among the records", lambda h, r: (h, [*r[:50], "# note", *r[50:]])),
    ("no records", lambda h, r: (h, [])),
    ("CRLF line ends", lambda h, r: ([x + "\r" for x in h], [x + "\r" for x in r])),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_records_give_the_careful_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             case: tuple[str, Any]) -> None:
    header, records = _lines(CHR21)
    header, records = case[1](header, records)
    path = _write(tmp_path, header, records, gz=False)
    careful, fast, ends = _both(path, monkeypatch, _read)
    assert careful == fast
    if careful[0] == "error":
        assert ends == ["doubt"]  # the fast pass never words an error itself


def test_gvcf_block_ending_before_it_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a reference block off the panel regions but on a panel chromosome: htslib's warning sends it to the careful
    # pass, which names the line
    header, records = _lines(GVCF)
    i = next(k for k, r in enumerate(records) if "END=" in r.split("\t")[7] and r.startswith("chr4\t"))
    cols = records[i].split("\t")
    cols[7] = f"END={int(cols[1]) - 5}"
    records[i] = "\t".join(cols)
    careful, fast, ends = _both(_write(tmp_path, header, records, gz=False), monkeypatch, _read)
    assert careful[0] == "error" and "before it starts" in careful[1] and careful == fast
    assert ends == ["doubt"]


def test_gvcf_selected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header, records = _lines(GVCF)
    careful, fast, ends = _both(_write(tmp_path, header, records, gz=True), monkeypatch, _read)
    assert ends == ["selected"] and careful[0] == "ok" and careful[1] == fast[1] and fast[1].blocks


@pytest.mark.parametrize("damage", ["truncated", "corrupt", "trailing garbage", "two members"])
def test_plain_gzip_damage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    header, records = _lines(CHR21)
    text = ("\n".join(header + records) + "\n").encode()
    data = gzip.compress(text)
    if damage == "truncated":
        data = data[:len(data) * 2 // 3]
    elif damage == "corrupt":
        data = data[:len(data) // 2] + bytes(b ^ 0x55 for b in data[len(data) // 2:len(data) // 2 + 64]) + \
            data[len(data) // 2 + 64:]
    elif damage == "trailing garbage":
        data += b"not gzip at all\n"
    else:
        cut = text.index(b"\n", len(text) // 2) + 1
        data = gzip.compress(text[:cut]) + gzip.compress(text[cut:])
    path = tmp_path / "calls.vcf.gz"
    path.write_bytes(data)
    careful, fast, ends = _both(path, monkeypatch, _read)
    assert careful == fast
    assert ends == (["selected"] if damage == "two members" else ["doubt"])
    if damage in ("truncated", "corrupt"):
        assert careful[0] == "error"


@pytest.mark.parametrize("damage", ["none", "corrupt", "truncated"])
def test_zlib_and_isal_inflate_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    # ISA-L (the 'fast' extra) inflates plain gzip when installed; zlib otherwise: same text, same doubts
    import zlib

    header, records = _lines(CHR21)
    data = gzip.compress(("\n".join(header + records) + "\n").encode())
    if damage == "corrupt":
        data = data[:len(data) // 2] + bytes(b ^ 0x55 for b in data[len(data) // 2:len(data) // 2 + 64]) + \
            data[len(data) // 2 + 64:]
    elif damage == "truncated":
        data = data[:len(data) - 3]
    path = tmp_path / "calls.vcf.gz"
    path.write_bytes(data)

    def text() -> Any:
        try:
            return b"".join(prefilter._inflate(path))
        except prefilter.Doubt as exc:
            return ("doubt", str(exc))

    default = text()
    monkeypatch.setattr(prefilter, "_gzip_module", lambda: zlib)
    assert text() == default
    if damage == "none":
        assert default == gzip.decompress(data)
    else:
        assert default[0] == "doubt"


def test_fewer_page_faults_without_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    # the malloc settings are an optimisation only: without mallopt (not glibc) the pass runs the same
    import ctypes

    ran = []
    with prefilter.fewer_page_faults():
        ran.append("glibc")

    def no_libc(*args: Any, **kwargs: Any) -> Any:
        raise OSError("no libc")

    monkeypatch.setattr(ctypes, "CDLL", no_libc)
    with prefilter.fewer_page_faults():
        ran.append("other")
    assert ran == ["glibc", "other"]
