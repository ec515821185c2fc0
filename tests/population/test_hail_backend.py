"""Hail backend equals the local backend (run in .venv-hail: pytest -m hail)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from charcot.population.api import run_burden
from charcot.population.model import BurdenResults, QualifyingVariant
from charcot.population.qualifying import Criteria

DATA = Path(__file__).resolve().parents[1] / "data" / "population"
pytestmark = pytest.mark.hail


def _close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b or abs(a - b) <= 1e-8


@pytest.mark.parametrize("vcf,pheno,kwargs", [
    ("synthetic300.vcf.gz", "synthetic300.pheno.tsv", {"covariates": ["sex", "PC1"], "all_genes": True}),
    ("cyvcf2_test.189samples.vcf.gz", "cohort189.pheno.tsv",
     {"covariates": ["sex"], "all_genes": True,
      "criteria": Criteria(max_af=0.05, plp_source="sites", plp_sites=frozenset({("1", 10172, "CCCTAA", "C"), ("1", 13302, "C", "T")}))}),
])
def test_hail_equals_local(vcf: str, pheno: str, kwargs: dict) -> None:  # type: ignore[type-arg]
    _assert_equal(DATA / vcf, DATA / pheno, kwargs)


def test_hail_equals_local_with_genotype_qc(tmp_path: Path) -> None:
    """--min-gq/--min-dp and the caller's own FORMAT/FT (GATK VariantFiltration style) set the same calls missing in
    both backends: the same carriers, p-values, notes (with the count of carrier genotypes QC removed) and masks."""
    from cohort_build import ft_cohort_vcf

    sites = frozenset({("1", 10172, "CCCTAA", "C"), ("1", 13302, "C", "T")})
    qc = _assert_equal(DATA / "cyvcf2_test.189samples.vcf.gz", DATA / "cohort189.pheno.tsv", {
        "covariates": ["sex"], "all_genes": True,
        "criteria": Criteria(max_af=0.05, plp_source="sites", plp_sites=sites, min_gq=20, min_dp=10)})
    assert any(n.startswith("genotype QC: GQ >= 20, DP >= 10") for n in qc.notes)
    ft = ft_cohort_vcf(DATA / "cyvcf2_test.189samples.vcf.gz", tmp_path / "cohort_ft.vcf.gz")
    honoured = _assert_equal(ft, DATA / "cohort189.pheno.tsv", {
        "covariates": ["sex"], "all_genes": True,
        "criteria": Criteria(max_af=0.05, plp_source="sites", plp_sites=sites)})
    assert any("FORMAT/FT filter PASS" in n for n in honoured.notes)
    # missing genotypes per allele, and an allele missing far more often in cases (cases = the samples QC leaves
    # missing at 1:13302): the same counts, p-values and named alleles in both backends
    from test_missingness import differential_pheno

    differ = _assert_equal(DATA / "cyvcf2_test.189samples.vcf.gz", differential_pheno(tmp_path / "differ.tsv"), {
        "all_genes": True, "criteria": Criteria(max_af=0.05, plp_source="sites", plp_sites=sites, min_gq=20,
                                                min_dp=10)})
    assert any("missing at different rates in cases and controls" in n and "1:13302 C>T" in n for n in differ.notes)


@pytest.mark.parametrize("number,values", [("R", "0.79999,0.2,0.00001"), ("1", "0.2")])
def test_hail_equals_local_on_a_multiallelic_frequency(tmp_path: Path, number: str, values: str) -> None:
    """A multi-allelic record's INFO frequency read by its header Number (test_info_number_cohort): the same ALT
    frequencies, classes and carriers in both backends."""
    from test_info_number_cohort import multiallelic_cohort

    vcf, pheno = multiallelic_cohort(tmp_path, number, values, n_t=1)
    local = _assert_equal(vcf, pheno, {"criteria": Criteria(plp_source="sites", max_af=0.01)})
    assert [v.alt for v in local.variants if v.gene == "TBK1" and v.cls == "lof"] == ["T"]


@pytest.mark.parametrize("builder,lof", [("padded_substitution_cohort", ["C", "CT"]), ("shared_text_cohort", ["CC"])])
def test_hail_equals_local_on_vep_alleles_beside_an_indel(tmp_path: Path, builder: str, lof: list[str]) -> None:
    """A multi-allelic record with an indel: each ALT's VEP entries found by the Allele VEP wrote for the whole
    record (test_vep_allele_cohort), the same in both backends."""
    import test_vep_allele_cohort as cohorts

    vcf, pheno = getattr(cohorts, builder)(tmp_path)
    local = _assert_equal(vcf, pheno, {"criteria": Criteria(plp_source="sites", max_af=0.05)})
    spike_pos = next(s.pos for s in cohorts.spikes() if s.name == "tbk1_common_stop")
    assert sorted(v.alt for v in local.variants if v.gene == "TBK1" and v.pos == spike_pos and v.cls == "lof") == lof


def test_hail_equals_local_with_charcot_plp_and_kb_repeats(tmp_path: Path) -> None:
    """Default P/LP source (charcot ACMG, sites classified once in Python) and knowledge-base repeat loci,
    on the cohort built from real Pfeiffer panel records + KB-placed spikes and real EH v5 records."""
    from cohort_build import SAMPLES, eh_cohort_vcf, panel_cohort_vcf, pheno_tsv

    vcf = panel_cohort_vcf(tmp_path / "cohort.vcf.gz")
    eh = eh_cohort_vcf(tmp_path / "eh.vcf", SAMPLES[:58], expanded={"S01", "S04", "S40"})
    local = _assert_equal(vcf, pheno_tsv(tmp_path / "pheno.tsv"), {"covariates": ["sex"], "str_vcf": eh})
    assert {("TBK1", "plp"), ("C9orf72", "repeat"), ("SOD1", "lof")} <= {(g.gene, g.cls) for g in local.groups}


def test_hail_equals_local_with_alphamissense(tmp_path: Path) -> None:
    """AlphaMissense masks (the official TSV, bgzipped + tabix-indexed: position queries in the local backend, a
    Hail Table join in the Hail backend) give the same rows in both backends."""
    from cohort_build import alphamissense_tsv

    vcf = DATA / "synthetic300.vcf.gz"
    alphamissense_tsv(vcf, tmp_path / "am.tsv.gz")
    local = _assert_equal(vcf, DATA / "synthetic300.pheno.tsv", {
        "covariates": ["sex"], "all_genes": True,
        "criteria": Criteria(plp_source="sites", alphamissense=str(tmp_path / "am.tsv.gz"))})
    assert any(m.mask.startswith("alphamissense|") and m.n_variants > 0 for m in local.masks)
    import hail as hl
    import hailtop.fs as hfs

    left = [f.path for f in hfs.ls(hl.tmp_dir()) if "alphamissense" in f.path.rsplit("/", 1)[-1]]
    assert not left, f"the AlphaMissense checkpoint outlived the collapse: {left}"


def _assert_equal(vcf: Path, pheno: Path, kwargs: dict) -> BurdenResults:  # type: ignore[type-arg]
    local = run_burden(vcf, pheno, backend="local", **kwargs)
    hail = run_burden(vcf, pheno, backend="hail", **kwargs)
    assert [(g.gene, g.cls) for g in local.groups] == [(g.gene, g.cls) for g in hail.groups]
    assert local.groups, "fixture must produce at least one qualifying group"
    for a, b in zip(local.groups, hail.groups, strict=True):
        assert (a.case_carriers, a.control_carriers, a.n_variants) == (b.case_carriers, b.control_carriers, b.n_variants)
        for name in ("fisher_p", "firth_log_or", "firth_p", "firth_ci_low", "firth_ci_high", "acat_v_p"):
            assert _close(getattr(a, name), getattr(b, name)), name
    assert _same(local.variants, hail.variants) and local.oligogenic == hail.oligogenic
    assert local.notes == hail.notes and local.not_assessed == hail.not_assessed
    # gene x mask tests: the same sets, counts and p-values; SKAT also equals Hail's own hl.skat (Davies)
    assert [(m.gene, m.mask, m.n_variants, m.case_carriers, m.control_carriers) for m in local.masks] == \
        [(m.gene, m.mask, m.n_variants, m.case_carriers, m.control_carriers) for m in hail.masks]
    for a, b in zip(local.masks, hail.masks, strict=True):
        for name in ("burden_p", "odds_ratio", "skat_p", "skato_p", "acato_p", "skat_p_unadjusted"):
            assert _close(getattr(a, name), getattr(b, name)), name
        if b.mask != "ACAT-O" and math.isfinite(b.skat_p_hail):
            # hl.skat has no small-sample adjustment: it recomputes the asymptotic p-value
            assert b.skat_p_hail == pytest.approx(b.skat_p_unadjusted, rel=2e-3, abs=1e-6), (b.gene, b.mask)
    if any(m.n_variants >= 2 and m.mask != "ACAT-O" for m in hail.masks):
        assert any(math.isfinite(m.skat_p_hail) for m in hail.masks if m.n_variants >= 2 and m.mask != "ACAT-O")
    return local


def _same(a: list[QualifyingVariant], b: list[QualifyingVariant]) -> bool:
    # repeat rows carry af = nan, which is not equal to itself
    return len(a) == len(b) and all(
        x.key == y.key and (x.case_carriers, x.control_carriers, x.af_source) == (y.case_carriers, y.control_carriers,
                                                                                 y.af_source) and _close(x.af, y.af)
        and (x.case_missing, x.control_missing) == (y.case_missing, y.control_missing)
        and (x.missingness_p is None) == (y.missingness_p is None)
        and (x.missingness_p is None or _close(x.missingness_p, y.missingness_p))
        for x, y in zip(a, b, strict=True))


def test_hail_fisher_matches_scipy() -> None:
    from charcot.population.burden_hail import fisher_in_hail
    from charcot.population.stats import fisher_2x2

    tables = [(47, 16, 99, 27), (3, 1, 1, 3), (0, 87, 5, 208)]
    for (a, b, c, d), p in zip(tables, fisher_in_hail(tables), strict=True):
        assert abs(p - fisher_2x2(a, a + b, c, c + d).p_value) <= 1e-8



def test_hl_skat_cross_check_runs_without_covariates() -> None:
    """Re-check: with no --covariates, the hl.skat cross-check crashed after the whole run ('cannot impute dict
    values': an empty covariate list per sample); it must give the asymptotic SKAT p-values of the Python SKAT."""
    import numpy as np

    from charcot.population.burden_hail import skat_in_hail
    from charcot.population.burden_local import collapse_local
    from charcot.population.masks import analyse_masks
    from charcot.population.phenotypes import read_phenotypes

    vcf = DATA / "synthetic300.vcf.gz"
    pheno = read_phenotypes(DATA / "synthetic300.pheno.tsv")
    from cyvcf2 import VCF

    samples = list(VCF(str(vcf)).samples)
    is_case = [pheno.status[s] for s in samples]
    collapse = collapse_local(str(vcf), list(range(len(samples))), is_case, Criteria(plp_source="sites"), None,
                              workers=1)
    design = np.ones((len(samples), 1))
    rows, _ = analyse_masks(collapse.mask_variants, design, np.asarray(is_case), small_sample_adjustment=False)
    hail_p = skat_in_hail(str(vcf), collapse.mask_variants, rows, design, samples, is_case)
    tested = [m for m in rows if m.mask != "ACAT-O"]
    assert tested and set(hail_p) == {(m.gene, m.mask) for m in tested}
    for m in tested:
        if math.isfinite(hail_p[(m.gene, m.mask)]):
            assert hail_p[(m.gene, m.mask)] == pytest.approx(m.skat_p, rel=2e-3, abs=1e-6), (m.gene, m.mask)
