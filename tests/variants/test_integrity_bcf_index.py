"""A BCF's CSI index that no longer matches the file, whatever the time-stamps say (integrity review).

A VCF's index is checked by records sampled from the file's BGZF blocks (``reader.check_index``); a BCF's records
cross block boundaries, so an index the same age as the data or newer was asked for the file's first record only,
and an older one was not used at all (by the reader; the sex check still queried it). Now the CSI index itself is
read: the records at the chunks of bins spread over it are read from the file's bytes and must lie on the bin's
chromosome and stretch (and be found through the index), and the index's last record must end where the file does.

Real files only: tests/data's Pfeiffer panel calls, NA12878's chr21 calls and the 1000 Genomes chrX pair, converted
to BCF and indexed with Debian's bcftools (``bcftools view -Ob``, ``bcftools index``), as a pipeline re-run writes
them (the same header, ``--no-version``)."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from charcot.errors import InputError
from charcot.model import Build
from charcot.report.identity import vcf_sex
from charcot.variants.api import interpret
from tests.variants.test_probestale_index import _newer, _same_mtime

pytestmark = pytest.mark.skipif(shutil.which("bcftools") is None, reason="bcftools (Debian package) not installed")

DATA = Path(__file__).resolve().parents[1] / "data"
PANEL = DATA / "variants" / "pfeiffer_panel.vcf.gz"  # 100 records in 40 ALS genes
CHR21 = DATA / "variants" / "na12878_hg38_chr21_30-35Mb.vcf.gz"  # 6,628 records, several BGZF blocks as BCF
KG_X = DATA / "report" / "kg_phase3_chrX_HG00096_HG00097.vcf.gz"  # 1,069 chrX records, a man and a woman


def _parts(src: Path) -> tuple[list[str], list[str]]:
    with gzip.open(src, "rt") as handle:
        lines = handle.read().splitlines()
    return [x for x in lines if x.startswith("#")], [x for x in lines if not x.startswith("#")]


def _bcf(header: list[str], records: list[str], out: Path) -> Path:
    """``bcftools view -Ob`` of the VCF text (written over ``out`` in place, as a pipeline re-run does)."""
    text = out.with_suffix(".txt.vcf")
    text.write_text("\n".join(header + records) + "\n")
    subprocess.run(["bcftools", "view", "--no-version", "-Ob", "-o", str(out), str(text)], check=True)
    text.unlink()
    return out


def _indexed_then_rewritten(src: Path, out: Path, indexed: Callable[[list[str]], list[str]],
                            now: Callable[[list[str]], list[str]]) -> Path:
    """A BCF of ``indexed(records)`` indexed with bcftools, then written again from ``now(records)``, the index kept."""
    header, records = _parts(src)
    _bcf(header, indexed(records), out)
    subprocess.run(["bcftools", "index", "-f", str(out)], check=True)
    return _bcf(header, now(records), out)


def _older(index: Path, data: Path) -> None:
    st = data.stat()
    os.utime(index, ns=(st.st_atime_ns, st.st_mtime_ns - 60 * 10**9))


def _keys(result) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    return [(f.chrom, f.pos, f.alt) for f in result.findings]


@pytest.mark.parametrize("stamp", [_same_mtime, _newer], ids=["touch-r", "index-newer"])
@pytest.mark.parametrize("edit", [5, 30, 60])
def test_a_bcf_rewritten_after_indexing_is_refused_whatever_the_timestamps(tmp_path: Path, stamp, edit: int
                                                                           ) -> None:  # type: ignore[no-untyped-def]
    # before: exit 0 with 7, 8 or 14 findings of the 36 the file holds (only the first record was asked), nothing said
    def without(records: list[str]) -> list[str]:
        return records[:edit] + records[edit + 1:]

    bcf = _indexed_then_rewritten(PANEL, tmp_path / "p.bcf", list, without)
    index = Path(str(bcf) + ".csi")
    stamp(index, bcf)
    with pytest.raises(InputError, match="does not match the data file") as err:
        interpret(bcf)
    assert err.value.path is not None and err.value.path.endswith("p.bcf.csi")
    assert "bcftools index -f p.bcf" in (err.value.hint or "")
    os.unlink(index)  # read whole without it: the same findings as the same records in VCF text
    header, records = _parts(PANEL)
    bcf_whole = interpret(bcf)
    assert _keys(bcf_whole) == _keys(interpret(_bcf(header, without(records), tmp_path / "q.bcf")))
    assert len(bcf_whole.findings) > 20


def test_a_bcf_with_records_added_after_indexing_is_refused(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # the panel's last 10 records added after the index was made (every offset the index holds is still right, but it
    # lists no record after them). Before: exit 0 without the findings in those records
    bcf = _indexed_then_rewritten(PANEL, tmp_path / "p.bcf", lambda r: r[:90], list)
    _same_mtime(Path(str(bcf) + ".csi"), bcf)
    out = tmp_path / "out.json"
    proc = run_cli("interpret", str(bcf), "-o", str(out))
    assert proc.code == 2, proc.stderr
    # (here the one block the index knew is longer now: its last record's end falls inside the new block)
    assert re.search(r"the index p\.bcf\.csi does not match the data file: the (file goes on past the last record "
                     r"its index lists|last record its index lists does not end where)", " ".join(proc.stderr.split()))
    assert "bcftools index -f p.bcf" in proc.stderr and "Traceback" not in proc.stderr and not out.exists()
    subprocess.run(["bcftools", "index", "-f", str(bcf)], check=True)
    assert _keys(interpret(bcf)) == _keys(interpret(PANEL))


def test_a_bcf_of_several_blocks_cut_after_indexing_is_refused(tmp_path: Path) -> None:
    # NA12878's chr21 calls as BCF (several BGZF blocks, records across their boundaries) without one record in the
    # middle; the index made before, given a newer time-stamp
    bcf = _indexed_then_rewritten(CHR21, tmp_path / "c.bcf", list, lambda r: r[:3000] + r[3001:])
    _newer(Path(str(bcf) + ".csi"), bcf)
    with pytest.raises(InputError, match=r"the index c\.bcf\.csi does not match the data file: the index sends a "
                                         r"query for records at chr21:[\d,]+-[\d,]+ to byte [\d,]+ of the file"):
        interpret(bcf)


def test_a_right_bcf_index_older_than_the_data_is_checked_and_used(tmp_path: Path) -> None:
    # a copy or an upload writes the index first: before, the reader read the whole BCF without it ("a BCF index cannot
    # be checked cheaply"); now its records are checked through it and it is used, with the note
    bcf = _indexed_then_rewritten(PANEL, tmp_path / "p.bcf", list, list)
    _older(Path(str(bcf) + ".csi"), bcf)
    result = interpret(bcf)
    assert result.reading.indexed
    assert "found through it" in (result.reading.index_note or "")
    assert _keys(result) == _keys(interpret(PANEL))
    _newer(Path(str(bcf) + ".csi"), bcf)  # the same index, newer: used without a note
    newer = interpret(bcf)
    assert newer.reading.indexed and newer.reading.index_note is None


@pytest.mark.parametrize("stamp", [_older, _same_mtime], ids=["index-older", "touch-r"])
def test_the_sex_check_does_not_query_a_stale_bcf_index(tmp_path: Path, stamp) -> None:  # type: ignore[no-untyped-def]
    # the 1000 Genomes chrX calls of a man and a woman as BCF, without 100 of its records (the 301st to the 400th) after indexing, the old index kept.
    # Before: the sex check (which runs before the variant reader) queried it: with the index older, read the file
    # through it although the reader would not; with the same time-stamp, counted the calls the stale index found
    bcf = _indexed_then_rewritten(KG_X, tmp_path / "x.bcf", list, lambda r: r[:300] + r[400:])
    stamp(Path(str(bcf) + ".csi"), bcf)
    with pytest.raises(InputError, match=r"the index x\.bcf\.csi (is older than the data file and )?does not match"):
        vcf_sex(bcf, "HG00097", Build.GRCh37)
    os.unlink(str(bcf) + ".csi")
    assert vcf_sex(bcf, "HG00097", Build.GRCh37).inferred == "female"
    assert vcf_sex(bcf, "HG00096", Build.GRCh37).inferred == "male"
