"""An indexed VCF opened with its tabix index loaded once (``reader._open_indexed_once``, issue 20) reads exactly as the
ordinary opening does, and a header that lacks a chromosome the index lists (htslib then adds it from the index) is
opened the ordinary way."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

from charcot.variants import reader
from charcot.variants.api import interpret
from charcot.variants.findings_json import dump

DATA = Path(__file__).resolve().parents[1] / "data" / "variants"
INDEXED = ["na12878_hg38_panel.vcf.gz", "na12878_hg19_panel.vcf.gz", "pfeiffer_panel.vcf.gz",
           "scout_643594_subset.vcf.gz"]


def _copy(name: str, folder: Path) -> Path:
    path = folder / name
    shutil.copy(DATA / name, path)
    shutil.copy(DATA / (name + ".tbi"), Path(str(path) + ".tbi"))
    return path


@pytest.mark.parametrize("name", INDEXED)
def test_the_same_findings_and_header_with_the_index_loaded_once(name: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy(name, tmp_path)
    once = reader._open_indexed_once(path, 1)
    assert once is not None  # these headers declare every chromosome their index lists
    ordinary = reader.open_vcf(path)
    assert once.raw_header == ordinary.raw_header and list(once.seqnames) == list(ordinary.seqnames)
    sample = next(iter(ordinary.samples))
    fast = dump(interpret(path, sample=sample))
    monkeypatch.setattr(reader, "_open_indexed_once", lambda path, threads: None)
    assert dump(interpret(path, sample=sample)) == fast


def test_a_chromosome_only_the_index_lists_opens_the_ordinary_way(tmp_path: Path) -> None:
    source = DATA / "na12878_hg38_panel.vcf.gz"
    header = subprocess.run(["bcftools", "view", "-h", str(source)], capture_output=True, text=True,
                            check=True).stdout
    # the file's only chromosome with records is not declared: htslib adds it to the header from the index
    assert "##contig=<ID=chr21," in header
    (tmp_path / "header.txt").write_text("".join(line + "\n" for line in header.splitlines()
                                                 if not line.startswith("##contig=<ID=chr21,")))
    path = tmp_path / "undeclared.vcf.gz"
    subprocess.run(["bcftools", "reheader", "-h", str(tmp_path / "header.txt"), "-o", str(path), str(source)],
                   check=True)
    subprocess.run(["tabix", "-p", "vcf", str(path)], check=True)
    assert "chr21" in (reader._tbi_names(Path(str(path) + ".tbi")) or [])
    assert reader._open_indexed_once(path, 1) is None
    vcf = reader.open_vcf(path, index_once=True)
    assert "chr21" in vcf.seqnames and "##contig=<ID=chr21>" in vcf.raw_header  # added by htslib from the index
    assert interpret(path).findings


def test_tabix_names_read_from_the_index() -> None:
    names = reader._tbi_names(DATA / "na12878_hg38_panel.vcf.gz.tbi")
    listed = subprocess.run(["bcftools", "index", "-s", str(DATA / "na12878_hg38_panel.vcf.gz")],
                            capture_output=True, text=True, check=True).stdout
    assert names == [line.split("\t")[0] for line in listed.splitlines()]
    assert reader._tbi_names(DATA / "na12878_hg38_panel.vcf.gz") is None  # not an index


def test_first_record_at_or_after_a_position_by_window_and_by_open_query(tmp_path: Path) -> None:
    # reader._record_at_or_after asks a 1 Mb window first and the rest of the chromosome only when the window is empty:
    # the answer is the first record starting at or after the position, as a scan of the file gives it (the panel
    # file's records lie near a few genes, so many positions have their next record more than 1 Mb away)
    path = _copy("na12878_hg38_panel.vcf.gz", tmp_path)
    vcf = reader.open_vcf(path, index_once=True)
    starts: dict[str, list[int]] = {}
    for record in reader.open_vcf(path):
        starts.setdefault(record.CHROM, []).append(int(record.POS))
    far = 0
    for chrom, positions in starts.items():
        asked = sorted({1, *positions, *(p + 1 for p in positions), *(p - 1 for p in positions if p > 1),
                        *(p + 2_500_000 for p in positions[::50])})
        for pos in asked:
            expected = next((p for p in positions if p >= pos), None)
            far += expected is None or expected - pos >= reader._AFTER_WINDOW
            assert reader._record_at_or_after(vcf, chrom, pos) == expected, (chrom, pos)
    assert far > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cyvcf2: no intervals found
        assert reader._record_at_or_after(vcf, "chrUn_not_there", 1) is None


def test_no_temporary_folder_opens_the_ordinary_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy("na12878_hg38_panel.vcf.gz", tmp_path)

    def no_folder(*args: object, **kwargs: object) -> str:
        raise OSError("no space left on device")

    monkeypatch.setattr(reader.tempfile, "mkdtemp", no_folder)
    assert reader._open_indexed_once(path, 1) is None
    assert reader.open_vcf(path, index_once=True).raw_header == reader.open_vcf(path).raw_header
