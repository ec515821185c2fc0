"""Cohort side tables read as text, found by the adversarial re-check of issue 12: a non-UTF-8 byte in the
--plp-sites list or the --repeat-loci table was an internal error (UnicodeDecodeError, exit 1), and a BOM
made the header an unreadable row."""

from __future__ import annotations

from pathlib import Path

import pytest

from charcot.errors import InputError

DATA = Path(__file__).resolve().parents[1] / "data" / "population"


def test_plp_sites_not_utf8(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sites = tmp_path / "plp.tsv"
    sites.write_bytes(b"chr1\t100\tA\tG\t# caf\xe9\n")
    res = run_cli("cohort", "burden", DATA / "synthetic300.vcf.gz", "--phenotypes", DATA / "synthetic300.pheno.tsv",
                  "--outdir", tmp_path / "out", "--no-plots", "--plp-sites", sites)
    assert res.code == 2 and "not UTF-8" in res.stderr and "internal error" not in res.stderr, res.stderr
    assert not (tmp_path / "out").exists()


def test_repeat_loci_bom_and_latin1(tmp_path: Path) -> None:
    from charcot.population.str_cohort import read_repeat_loci

    table = (DATA / "ceu_repeat_loci.tsv").read_bytes()
    bom = tmp_path / "bom.tsv"
    bom.write_bytes(b"\xef\xbb\xbf" + table)
    assert read_repeat_loci(bom) == read_repeat_loci(DATA / "ceu_repeat_loci.tsv")
    latin = tmp_path / "latin.tsv"
    latin.write_bytes(table + b"# r\xe9gion\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_repeat_loci(latin)


def test_alphamissense_subset_with_bom_or_latin1(tmp_path: Path) -> None:
    from charcot.population.alphamissense import AlphaMissenseScores

    head = (Path(__file__).resolve().parents[1] / "data" / "variants" / "resources" / "scores"
            / "AlphaMissense_hg38.head.tsv").read_bytes()
    bom = tmp_path / "bom.tsv"
    bom.write_bytes(b"\xef\xbb\xbf" + head)
    assert AlphaMissenseScores(bom).score("1", 69094, "G", "T") is not None  # was "not an AlphaMissense TSV"
    latin = tmp_path / "latin.tsv"
    latin.write_bytes(head + b"chr1\t69094\tG\tA\thg38\tQ8NH21\tENST\tV2L\t0.3\tlikely_b\xe9nign\n")
    with pytest.raises(InputError, match="not UTF-8"):
        AlphaMissenseScores(latin)
