"""Unindexed bgzipped VCFs (issue 20): ``variants.bgzf_scan`` selects, in one pass on both cores, every record a
region query of the whole file could return into a small indexed file, and the reader runs the same queries on
it. The result must be exactly the one of the temporary index of the whole file (the path before, kept as the
fallback): the same findings, the same chromosomes with records, the same errors. Each case runs both ways on
real NA12878 calls, and every reason to doubt the pass is shown to send the file to the old path."""

from __future__ import annotations

import gzip
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pysam
import pytest

from charcot.genome.panel import knowledge_panel
from charcot.genome.panels import select_genes
from charcot.model import Build
from charcot.variants import bgzf_scan, reader
from charcot.variants.api import interpret
from charcot.variants.prefilter import Doubt
from tests.variants.vcfbuild import edit_column, outcome

DATA = Path(__file__).resolve().parents[1] / "data" / "variants"
CHR21 = DATA / "na12878_hg38_chr21_30-35Mb.vcf.gz"  # unindexed, 6,628 records, 10 ALS-gene calls (SOD1 region)


def _lines(path: Path = CHR21) -> tuple[list[str], list[str]]:
    with gzip.open(path, "rt") as handle:
        lines = handle.read().splitlines()
    return [x for x in lines if x.startswith("#")], [x for x in lines if not x.startswith("#")]


def _bgzip(tmp_path: Path, header: list[str], records: list[str], *, end: str = "\n") -> Path:
    plain = tmp_path / "calls.vcf"
    plain.write_text(end.join(header + records) + end)
    out = tmp_path / "calls.vcf.gz"
    pysam.tabix_compress(str(plain), str(out), force=True)
    plain.unlink()
    return out


def _both(path: Path, monkeypatch: pytest.MonkeyPatch, run: Callable[[Path], Any]) -> tuple[Any, Any, list[str]]:
    """(outcome through the whole file's temporary index, outcome with the selection pass, how the selection pass
    ended: 'selected' or 'doubt')."""
    monkeypatch.setattr(reader, "TEMP_INDEX_MIN_BYTES", 0)  # small real files take the large-file path
    ends: list[str] = []
    real = reader.IndexPrefetch.selected

    def spy(self: Any, *args: Any) -> Any:
        got = real(self, *args)
        ends.append("doubt" if got is None else "selected")
        return got

    monkeypatch.setattr(reader, "SELECTION_PASS", False)
    before = outcome(path, run)
    monkeypatch.setattr(reader, "SELECTION_PASS", True)
    monkeypatch.setattr(reader.IndexPrefetch, "selected", spy)
    after = outcome(path, run)
    return before, after, ends


def _read(path: Path) -> Any:
    return reader.read_calls(path, knowledge_panel)


def _off_panel(record: str, info: str) -> str:
    """The record moved to chrY (no ALS gene there) with another INFO."""
    cols = record.split("\t")
    cols[0], cols[7] = "chrY", info
    return "\t".join(cols)


def _sod1_region() -> tuple[int, int]:
    return next((s, e) for c, s, e in knowledge_panel(Build.GRCh38).regions() if c == "21" and s < 31_700_000 < e + 50_000)


def test_same_findings_as_the_whole_file_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header, records = _lines()
    path = _bgzip(tmp_path, header, records)
    before, after, ends = _both(path, monkeypatch, lambda p: interpret(p).model_dump_json())
    assert ends == ["selected"]
    assert before == after and before[0] == "ok"


def test_record_starting_before_a_region_and_reaching_into_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a deletion whose POS is 30 bp before the SOD1 region and whose REF reaches 10 bp into it: the region query
    # returns it (htslib's overlap rule), so the selection must too; another one ending just before is left out
    start, _ = _sod1_region()
    header, records = _lines()
    k = max(i for i, r in enumerate(records) if int(r.split("\t")[1]) < start - 40)
    into = edit_column(edit_column(records, k, 1, str(start - 30)), k, 3, "A" * 41)
    into = edit_column(into, k, 4, "A")
    k2 = k - 1
    before_it = edit_column(edit_column(into, k2, 1, str(start - 60)), k2, 3, "C" * 20)
    before_it = edit_column(before_it, k2, 4, "C")
    for recs in (into, before_it):
        path = _bgzip(tmp_path, header, recs)
        before, after, ends = _both(path, monkeypatch, _read)
        assert ends == ["selected"] and before[0] == "ok" and before == after
    assert any(c.vcf_pos == start - 30 for c in after[1].calls)
    assert not any(c.vcf_pos == start - 60 for c in after[1].calls)


def test_chromosomes_with_records_and_no_panel_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # records moved to chr22 and chrX (whole runs), none left in a panel region: the chromosomes with records
    # decide 'not assessed', and a file without panel records is counted by streaming, both as before
    header, records = _lines()
    start, end = _sod1_region()
    kept = [r for r in records if not start - 500 <= int(r.split("\t")[1]) <= end + 500]
    moved = [("chr22" + r[5:]) if i >= 3000 else r for i, r in enumerate(kept)]
    moved = moved[:3000] + moved[3000:5000] + [("chrX" + r[5:]) for r in kept[5000:]]
    path = _bgzip(tmp_path, header, moved)
    before, after, ends = _both(path, monkeypatch, _read)
    assert ends == ["selected"] and before[0] == "ok" and before == after
    assert after[1].contigs_with_records == before[1].contigs_with_records
    assert after[1].records_read == len(moved)


def test_header_only_and_gene_selection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # no records at all (the same refusal), and a gene selection without chr21 genes (no query has a region there)
    header, records = _lines()
    before, after, ends = _both(_bgzip(tmp_path, header, []), monkeypatch, _read)
    assert before[0] == "error" and before == after and ends == ["selected"]
    path = _bgzip(tmp_path, header, records)
    before, after, ends = _both(path, monkeypatch, lambda p: interpret(p, genes=select_genes(genes=["TARDBP"]))
                                .model_dump_json())
    assert before[0] == "ok" and before == after and ends == ["selected"]


def test_unindexed_bcf_is_not_scanned_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a BCF is BGZF too; its decompressed bytes hold the header text and then binary records
    import subprocess

    path = tmp_path / "calls.bcf"
    subprocess.run(["bcftools", "view", "--no-version", "-Ob", "-o", str(path), str(_bgzip(tmp_path, *_lines()))],
                   check=True)
    before, after, ends = _both(path, monkeypatch, _read)
    assert ends == ["doubt"] and before == after


# (id, edit of (header, records)): each is a reason for the selection pass to step aside
DOUBTS: list[tuple[str, Callable[[list[str], list[str]], tuple[list[str], list[str]]]]] = [
    ("unsorted positions", lambda h, r: (h, [*r[:100], r[101], r[100], *r[102:]])),
    ("contig in two runs", lambda h, r: (h, [*r[:100], *[("chr22" + x[5:]) for x in r[100:200]], *r[200:]])),
    ("POS 0 off-panel", lambda h, r: (h, edit_column(r, 40, 1, "0"))),
    ("POS with a leading zero off-panel", lambda h, r: (h, edit_column(r, 40, 1, "0" + r[40].split("\t")[1]))),
    ("POS not a number off-panel", lambda h, r: (h, edit_column(r, 40, 1, "12x"))),
    ("INFO/END on a panel contig", lambda h, r: (h, edit_column(r, 40, 7, r[40].split("\t")[7] + ";END=40000000"))),
    ("SVLEN on a panel contig", lambda h, r: (h, edit_column(r, 40, 7, "SVLEN=-5000000"))),
    ("symbolic ALT on a panel contig", lambda h, r: (h, edit_column(r, 40, 4, "<DEL>"))),
    ("INFO/END past a .tbi index off the panel contigs", lambda h, r: (h, [*r, _off_panel(r[-1], "END=600000000")])),
    ("blank line among the records", lambda h, r: (h, [*r[:50], "", *r[50:]])),
    ("comment line among the records", lambda h, r: (h, [*r[:50], "# note", *r[50:]])),
    ("one-column line", lambda h, r: (h, [*r[:50], "chr21", *r[50:]])),
    ("position past a .tbi index", lambda h, r: (h, [*r, r[-1].replace(r[-1].split("\t")[1], "600000000", 1)])),
]


@pytest.mark.parametrize("case", DOUBTS, ids=[c[0] for c in DOUBTS])
def test_doubt_gives_the_old_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: tuple[str, Any]) -> None:
    header, records = _lines()
    header, records = case[1](header, records)
    path = _bgzip(tmp_path, header, records)
    before, after, ends = _both(path, monkeypatch, _read)
    assert ends == ["doubt"]
    assert before == after


def test_crlf_and_missing_last_newline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header, records = _lines()
    for end in ("\r\n",):
        path = _bgzip(tmp_path, header, records, end=end)
        before, after, ends = _both(path, monkeypatch, _read)
        assert ends == ["doubt"] and before == after
    plain = tmp_path / "nolast.vcf"
    plain.write_text("\n".join(header + records))
    path = tmp_path / "nolast.vcf.gz"
    pysam.tabix_compress(str(plain), str(path), force=True)
    before, after, ends = _both(path, monkeypatch, _read)
    assert ends == ["doubt"] and before == after and before[0] == "ok"


def _blocks(data: bytes) -> list[tuple[int, int]]:
    out, at = [], 0
    while at < len(data):
        size = int.from_bytes(data[at + 16:at + 18], "little") + 1
        out.append((at, size))
        at += size
    return out


@pytest.mark.parametrize("damage", ["corrupt block", "checksum", "no end-of-file block", "trailing bytes"])
def test_damaged_bgzf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    header, records = _lines()
    path = _bgzip(tmp_path, header, records)
    data = path.read_bytes()
    blocks = _blocks(data)
    at, size = blocks[len(blocks) // 2]
    if damage == "corrupt block":
        data = data[:at + 30] + bytes(b ^ 0x5A for b in data[at + 30:at + 60]) + data[at + 60:]
    elif damage == "checksum":
        data = data[:at + size - 8] + bytes(b ^ 1 for b in data[at + size - 8:at + size - 4]) + data[at + size - 4:]
    elif damage == "no end-of-file block":
        data = data[:blocks[-1][0]]
    else:
        data = data + b"\x00" * 10
    path.write_bytes(data)
    before, after, ends = _both(path, monkeypatch, _read)
    assert before == after
    if damage in ("no end-of-file block", "trailing bytes"):
        assert before[0] == "error" and ends == []  # refused before any reading (reader._check_gzip_intact)
    else:
        # the whole-file index path reads only the panel's blocks, so an off-panel damaged block may pass there;
        # the selection pass, which reads every block, steps aside rather than judge it differently
        assert ends == ["doubt"]


def test_lines_split_anywhere_between_chunks() -> None:
    # the text fed in pieces cut at random bytes (inside lines, at newlines, inside the header) selects the same
    # lines as the text fed at once
    header, records = _lines()
    text = ("\n".join(header + records) + "\n").encode()
    regions = {"chr21": [(s, e) for c, s, e in knowledge_panel(Build.GRCh38).regions() if c == "21"]}

    def run(pieces: list[bytes]) -> tuple[bytes, int]:
        scan = bgzf_scan.LineScan()
        scan.regions = bgzf_scan.Regions(regions)
        for piece in pieces:
            if scan.header is None:
                piece = scan.take_header(piece)
            scan.feed(piece)
        scan.finish()
        assert scan.header is not None
        return scan.header + b"".join(scan.selected), scan.records

    whole = run([text])
    assert whole[1] == len(records)
    rng = random.Random(20)
    for _ in range(5):
        cuts = sorted(rng.sample(range(1, len(text)), 40))
        pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        assert run(pieces) == whole


def test_pos_parsed_in_64_bit_words() -> None:
    rng = random.Random(5)
    values = [rng.randint(1, 10 ** rng.randint(1, 9) - 1) for _ in range(3000)] + [1, 9, 10, 99999999, 100000000,
                                                                                       999999999, 123456789]
    text = b"".join(b"%d\t.\tA\tC\t.\t.\t.\n" % v for v in values)
    starts = np.array([0, *np.cumsum([len(b"%d\t.\tA\tC\t.\t.\t.\n" % v) for v in values])[:-1]], dtype=np.int64)
    words = bgzf_scan._words(text, len(text))
    assert bgzf_scan.parse_pos(words[starts], words[starts + 2]).tolist() == values
    for bad in (b"0\t", b"012\t", b"1234567890\t", b"12a\t", b"\t", b"5 \t", b"-5\t", b"1.5\t"):
        line = bad + b"xxxxxxxxxxxxxxxx\n"
        words = bgzf_scan._words(line, len(line))
        with pytest.raises(Doubt):
            bgzf_scan.parse_pos(words[[0]], words[[2]])


def test_inflated_alike_by_htslib_libdeflate_and_zlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header, records = _lines()
    path = _bgzip(tmp_path, header, records)
    monkeypatch.setattr(bgzf_scan, "_READ", 1 << 16)  # many reads: their order is restored
    assert bgzf_scan._htslib() is not None  # Debian's libhts comes with bcftools (Makefile DEBIAN_PACKAGES)
    by_htslib = [(bytes(t), e.tolist(), s.tolist()) for t, e, s in bgzf_scan.inflated(path)]
    monkeypatch.setattr(bgzf_scan, "HTSLIB_READER", False)
    with_lib = b"".join(bytes(t) for t, _, _ in bgzf_scan.inflated(path))
    monkeypatch.setattr(bgzf_scan, "_LIB", None)
    monkeypatch.setattr(bgzf_scan, "_LIB_TRIED", True)
    with_zlib = b"".join(bytes(t) for t, _, _ in bgzf_scan.inflated(path))
    text = b"".join(t for t, _, _ in by_htslib)
    assert text == with_lib == with_zlib == gzip.decompress(path.read_bytes())
    assert all(e == bgzf_scan.marks(t)[0].tolist() for t, e, _ in by_htslib)


@pytest.mark.parametrize("damage", ["corrupt block", "checksum"])
def test_damaged_bgzf_without_htslib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    monkeypatch.setattr(bgzf_scan, "HTSLIB_READER", False)
    test_damaged_bgzf(tmp_path, monkeypatch, damage)


def test_same_findings_without_htslib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bgzf_scan, "HTSLIB_READER", False)
    test_same_findings_as_the_whole_file_index(tmp_path, monkeypatch)


def test_early_doubt_starts_the_whole_file_index_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a reason to doubt that needs no panel (an INFO/END) is found before the knowledge base would be loaded, and
    # the whole file's temporary index starts then, overlapping it as the old path did
    import time

    header, records = _lines()
    path = _bgzip(tmp_path, header, edit_column(records, 40, 7, "END=40000000"))
    prefetch = reader.IndexPrefetch(path)
    try:
        deadline = time.monotonic() + 60
        while prefetch._thread is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert prefetch._thread is not None  # started by the pass's doubt, before selected() or index()
        assert prefetch.index() is not None
    finally:
        prefetch.cleanup()


def test_text_of_only_the_end_of_file_block_without_htslib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a read holding only the 28-byte end-of-file block inflates to no text: its marks are empty (numpy refused to
    # view two-byte words at offset 1 of no bytes, and the pass gave up with "failed (ValueError)")
    assert [m.tolist() for m in bgzf_scan.marks(b"")] == [[], []]
    monkeypatch.setattr(bgzf_scan, "HTSLIB_READER", False)
    path = tmp_path / "eof_only.vcf.gz"
    path.write_bytes(bgzf_scan._EOF)
    with pytest.raises(Doubt, match="no '#CHROM' line"):
        bgzf_scan.Selection(path).select({})


def test_a_header_without_contig_lines_doubts_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the reader names the panel's contigs from the ##contig lines; without them it reads through the whole file's
    # index and never asks the pass for a selection: the pass says so when it has the header (the index starts then)
    # instead of reading the whole file in vain and then waiting for regions that never come
    header, records = _lines()
    path = _bgzip(tmp_path, [h for h in header if not h.startswith("##contig=")], records)
    selection = bgzf_scan.Selection(path)
    selection._thread.join(30)
    assert not selection._thread.is_alive()
    with pytest.raises(Doubt, match="no ##contig lines"):
        selection.select({})
    # the reader's answer is the one it gave before (no build from the header: it is given)
    before, after, ends = _both(path, monkeypatch, lambda p: reader.read_calls(p, knowledge_panel, build=Build.GRCh38))
    assert ends == [] and before[0] == "ok" and before == after
