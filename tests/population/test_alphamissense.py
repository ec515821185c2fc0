"""AlphaMissense masks (issue 19): the official TSV read by column name, the 0.564 cut-off, the masks alone
and in union with the pLoF / REVEL masks, and the existing masks unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from cohort_build import AM_REAL, alphamissense_tsv
from cyvcf2 import VCF

from charcot.errors import InputError
from charcot.population.alphamissense import AM_LIKELY_PATHOGENIC, AlphaMissenseScores, read_columns
from charcot.population.api import run_burden
from charcot.population.qualifying import Criteria

DATA = Path(__file__).resolve().parents[1] / "data" / "population"
VCF_PATH = DATA / "synthetic300.vcf.gz"
GENES = frozenset({"GENE1", "GENE2"})


def test_reads_the_released_header_and_rows() -> None:
    columns = read_columns(AM_REAL)
    assert columns["am_pathogenicity"] == 8 and columns["#CHROM"] == 0
    scores = AlphaMissenseScores(AM_REAL)  # unindexed: read whole
    assert scores.score("chr1", 69094, "G", "A") == pytest.approx(0.3296)
    assert scores.score("1", 69094, "G", "T") == pytest.approx(0.2937)
    assert scores.score("1", 69094, "G", "G") is None and AM_LIKELY_PATHOGENIC == 0.564


def test_not_an_alphamissense_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "am.tsv"
    bad.write_text("#CHROM\tPOS\tREF\tALT\tgenome\n1\t5\tA\tG\thg38\n", encoding="utf-8")
    with pytest.raises(InputError, match="am_pathogenicity"):
        read_columns(bad)
    with pytest.raises(InputError, match="AlphaMissense column line lacks am_pathogenicity"):
        read_columns(VCF_PATH)  # a VCF's #CHROM line
    (tmp_path / "scores.csv").write_text("chr,pos,ref,alt,score\n1,5,A,G,0.9\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an AlphaMissense TSV"):
        read_columns(tmp_path / "scores.csv")


def _expected(scores: dict[tuple[str, int, str, str], float], gene: str) -> dict[str, int]:
    """Independent count from the VCF: alleles with carriers, af <= 1% (gnomAD_AF of the CSQ), per mask."""
    out = {"alphamissense": 0, "lof+alphamissense": 0, "lof+missense+alphamissense": 0}
    for rec in VCF(str(VCF_PATH)):
        _, csq, _, symbol, _, af, revel = str(rec.INFO.get("CSQ")).split("|")
        if symbol != gene or float(af) > 0.01 or (not (rec.gt_types == 1).any() and not (rec.gt_types == 3).any()):
            continue
        is_mis = csq == "missense_variant"
        am = is_mis and scores.get((rec.CHROM.removeprefix("chr"), rec.POS, rec.REF, rec.ALT[0]), 0.0) > 0.564
        lof = csq in ("stop_gained", "frameshift_variant", "splice_donor_variant")
        out["alphamissense"] += am
        out["lof+alphamissense"] += am or lof
        out["lof+missense+alphamissense"] += am or lof or (is_mis and float(revel) >= 0.5)
    return out


def test_alphamissense_masks_local(tmp_path: Path) -> None:
    scores = alphamissense_tsv(VCF_PATH, tmp_path / "am.tsv.gz")
    kwargs = {"covariates": ["sex", "PC1"], "genes": GENES}
    base = run_burden(VCF_PATH, DATA / "synthetic300.pheno.tsv",
                      criteria=Criteria(plp_source="sites"), **kwargs)  # type: ignore[arg-type]
    with_am = run_burden(VCF_PATH, DATA / "synthetic300.pheno.tsv", criteria=Criteria(
        plp_source="sites", alphamissense=str(tmp_path / "am.tsv.gz")), **kwargs)  # type: ignore[arg-type]
    rows = {(m.gene, m.mask): m for m in with_am.masks}
    for gene in sorted(GENES):
        for mask, count in _expected(scores, gene).items():
            assert count > 0 and rows[(gene, f"{mask}|af<=1%")].n_variants == count, (gene, mask)
    # AlphaMissense-only alleles (REVEL below its cut-off) widen the union beyond lof+missense
    def size(gene: str, mask: str) -> int:
        return rows[(gene, mask)].n_variants if (gene, mask) in rows else 0

    assert any(size(g, "lof+missense+alphamissense|af<=1%") > size(g, "lof+missense|af<=1%") for g in sorted(GENES))
    # the existing masks and burden.tsv are unchanged by the new masks
    old = [m for m in base.masks if m.mask != "ACAT-O"]
    assert old == [m for m in with_am.masks if "alphamissense" not in m.mask and m.mask != "ACAT-O"]
    assert base.groups == with_am.groups
    assert "AlphaMissense masks not run: no --alphamissense file" in base.notes
    # the same file unindexed (read whole) gives the same rows
    alphamissense_tsv(VCF_PATH, tmp_path / "am_plain.tsv", bgzip=False)
    plain = run_burden(VCF_PATH, DATA / "synthetic300.pheno.tsv", criteria=Criteria(
        plp_source="sites", alphamissense=str(tmp_path / "am_plain.tsv")), **kwargs)  # type: ignore[arg-type]
    assert [repr(m) for m in plain.masks] == [repr(m) for m in with_am.masks]


def test_malformed_row_of_an_indexed_file_names_no_line_0(tmp_path: Path) -> None:
    """A row read by a tabix position query has no line number: the error must not claim 'line 0'."""
    import pysam

    plain = tmp_path / "am.tsv"
    plain.write_text("#CHROM\tPOS\tREF\tALT\tgenome\tuniprot_id\ttranscript_id\tprotein_variant\tam_pathogenicity\t"
                     "am_class\nchr1\t100\tA\tG\thg38\tP1\tT1\tM1V\tnot-a-number\tlikely_pathogenic\n",
                     encoding="utf-8")
    indexed = pysam.tabix_index(str(plain), seq_col=0, start_col=1, end_col=1, meta_char="#", force=True)
    scores = AlphaMissenseScores(indexed)
    try:
        with pytest.raises(InputError, match="malformed AlphaMissense row") as caught:
            scores.score("1", 100, "A", "G")
    finally:
        scores.close()
    assert caught.value.line is None and "line 0" not in str(caught.value)
