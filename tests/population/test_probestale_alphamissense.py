"""An AlphaMissense TSV for `cohort` whose tabix index is of the file before it changed (probestale review).

Before, the index beside the table was used unchecked: a table cut again (a row dropped, as a subset re-made for
another panel) with its old index kept read "no score" for rows after the change, so alleles fell out of the
AlphaMissense masks without a word. The table: AlphaMissense's released header and column line with one row per SNV
of NA12878's real chr21 calls (30-35 Mb; the rows' scores are drawn at random, as in cohort_build.alphamissense_tsv:
these sites have no real score), so its rows span many tabix windows and BGZF blocks."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import pysam
import pytest

from charcot.errors import InputError
from charcot.population.alphamissense import AlphaMissenseScores

DATA = Path(__file__).resolve().parents[1] / "data"
CHR21 = DATA / "variants" / "na12878_hg38_chr21_30-35Mb.vcf.gz"
AM_REAL = DATA / "variants" / "resources" / "scores" / "AlphaMissense_hg38.head.tsv"


def _rows() -> list[str]:
    rng = np.random.default_rng(7)
    out = []
    with gzip.open(CHR21, "rt") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            chrom, pos, _id, ref, alt = line.split("\t", 5)[:5]
            if len(ref) == 1 and len(alt) == 1:
                score = round(float(rng.uniform(0.05, 1.0)), 4)
                cls = "likely_pathogenic" if score > 0.564 else "likely_benign" if score < 0.34 else "ambiguous"
                out.append("\t".join([chrom, pos, ref, alt, "hg38", ".", ".", ".", f"{score:.4f}", cls]))
    return out


def _write(path: Path, rows: list[str]) -> None:
    head = [x for x in AM_REAL.read_text(encoding="utf-8").splitlines() if x.startswith("#")]
    with pysam.BGZFile(str(path), "wb") as out:
        out.write(("\n".join(head + rows) + "\n").encode())


@pytest.mark.parametrize("newer", [False, True], ids=["touch-r", "index-newer"])
def test_an_alphamissense_table_cut_again_with_its_old_index_is_refused(tmp_path: Path, newer: bool) -> None:
    rows = _rows()
    table = tmp_path / "AlphaMissense_hg38.tsv.gz"
    _write(table, rows)
    pysam.tabix_index(str(table), seq_col=0, start_col=1, end_col=1, meta_char="#", force=True, keep_original=True)
    _write(table, rows[:100] + rows[101:])  # one row fewer, the old index kept
    st = table.stat()
    os.utime(str(table) + ".tbi", ns=(st.st_atime_ns, st.st_mtime_ns + (60 * 10**9 if newer else 0)))
    with pytest.raises(InputError, match=r"AlphaMissense file's index AlphaMissense_hg38\.tsv\.gz\.tbi does not "
                                         r"match it: the row at chr21:\d+, read from the file itself"):
        AlphaMissenseScores(table)
    # rebuilt, the same table answers for its last row
    pysam.tabix_index(str(table), seq_col=0, start_col=1, end_col=1, meta_char="#", force=True, keep_original=True)
    chrom, pos, ref, alt, *_rest, score, _cls = rows[-1].split("\t")
    assert AlphaMissenseScores(table).score(chrom, int(pos), ref, alt) == float(score)


def test_resources_build_refuses_a_score_table_whose_index_no_longer_matches(tmp_path: Path) -> None:
    # 'charcot resources build --alphamissense' reads an indexed table by region through its index: before, the
    # stale index sent a region query into the middle of a row: internal error (ValueError: iteration failed), with
    # htslib's "The offending line was ..." on stderr
    from charcot.model import Build
    from charcot.variants.bundle import build_bundle

    rows = _rows()
    table = tmp_path / "AlphaMissense_hg38.tsv.gz"
    _write(table, rows)
    pysam.tabix_index(str(table), seq_col=0, start_col=1, end_col=1, meta_char="#", force=True, keep_original=True)
    _write(table, rows[:100] + rows[101:])
    st = table.stat()
    os.utime(str(table) + ".tbi", ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(InputError, match=r"tabix index AlphaMissense_hg38\.tsv\.gz\.tbi does not match it"):
        build_bundle(tmp_path / "b", Build.GRCh38, scores={"alphamissense": table},
                     regions=[("21", 31_000_000 + k * 400_000, 31_050_000 + k * 400_000) for k in range(10)])
    assert not (tmp_path / "b").exists()
