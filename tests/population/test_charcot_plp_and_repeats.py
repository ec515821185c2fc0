"""P/LP from charcot's own ACMG classification, and repeat expansions at the knowledge base's loci.

Cohorts are built at test time from real records (see cohort_build.py): the real Pfeiffer ALS-panel
records plus spiked alleles at knowledge-base coordinates; an ExpansionHunter VCF from real EH v5
records with one C9orf72 allele set to an expanded genotype.
"""

from __future__ import annotations

import json
from pathlib import Path

import pysam
import pytest
from cohort_build import N_CASES, SAMPLES, eh_cohort_vcf, panel_cohort_vcf, pheno_tsv, spikes

from charcot.errors import InputError
from charcot.population.acmg_sites import classify_panel_sites
from charcot.population.api import run_burden
from charcot.population.qualifying import Criteria

DATA = Path(__file__).resolve().parents[1] / "data" / "population"


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("cohort")
    return panel_cohort_vcf(d / "cohort.vcf.gz"), pheno_tsv(d / "pheno.tsv")


def _carriers(vcf: Path, sites: set[tuple[str, int, str, str]]) -> set[str]:
    out: set[str] = set()
    with pysam.VariantFile(str(vcf)) as vf:
        for rec in vf:
            if (rec.chrom, rec.pos, rec.ref, rec.alts[0]) in sites:
                out |= {s for s, v in rec.samples.items() if 1 in (v["GT"] or ())}
    return out


def test_plp_sites_equal_single_patient_interpretation(cohort: tuple[Path, Path]) -> None:
    """The cohort's P/LP set is what `charcot interpret` says for a sample carrying every allele."""
    from charcot.variants.api import interpret

    vcf, _ = cohort
    sites = classify_panel_sites(vcf)
    assert sites.build == "GRCh37" and sites.alleles_classified > 100  # 100 real records + 4 spikes
    single = interpret(vcf, sample="S00")
    expected = {(f.chrom, f.pos, f.ref, f.alt, f.gene) for f in single.findings
                if f.classification is not None and f.classification.at_least_likely_pathogenic}
    assert {s for s in sites.site_genes} == expected
    by_name = {s.name: (s.chrom, s.pos, s.ref, s.alt, "TBK1") for s in spikes()}
    # the annotated TBK1 stop and the unannotated canonical splice site are LP; the common stop is not
    assert by_name["tbk1_stop"] in expected and by_name["tbk1_splice_unannotated"] in expected
    assert by_name["tbk1_common_stop"] not in expected
    assert dict(sites.counts).get("Benign") == 1


def test_default_plp_class_counts_carriers_of_charcot_lp_sites(cohort: tuple[Path, Path]) -> None:
    vcf, pheno = cohort
    res = run_burden(vcf, pheno, covariates=["sex"], workers=1)
    groups = {(g.gene, g.cls): g for g in res.groups}
    lp = {(s.chrom, s.pos, s.ref, s.alt) for s in spikes() if s.name in ("tbk1_stop", "tbk1_splice_unannotated")}
    carriers = _carriers(vcf, lp)
    g = groups[("TBK1", "plp")]
    assert (g.case_carriers, g.control_carriers) == (
        sum(SAMPLES.index(s) < N_CASES for s in carriers), sum(SAMPLES.index(s) >= N_CASES for s in carriers))
    assert g.n_variants == 2 and g.case_carriers > 0
    # SOD1 truncation: rare lof allele, but not P/LP (loss of function is not the SOD1 mechanism)
    assert ("SOD1", "lof") in groups and ("SOD1", "plp") not in groups
    assert any("charcot's ACMG/AMP classification" in n for n in res.notes)


def test_two_workers_and_plp_sources(cohort: tuple[Path, Path], tmp_path: Path) -> None:
    vcf, pheno = cohort
    one = run_burden(vcf, pheno, workers=1)
    two = run_burden(vcf, pheno, workers=2)
    assert one.groups == two.groups and one.variants == two.variants
    # the real Pfeiffer header has no CLNSIG: the ClinVar source says P/LP was not assessed
    clin = run_burden(vcf, pheno, criteria=Criteria(plp_source="clinvar"), workers=1)
    assert not [g for g in clin.groups if g.cls == "plp"]
    assert any(item["what"] == "plp class" for item in clin.not_assessed)
    # a site list naming the SOD1 stop makes it P/LP in the annotated gene
    sod = next(s for s in spikes() if s.name == "sod1_stop")
    listed = run_burden(vcf, pheno, workers=1, criteria=Criteria(
        plp_source="sites", plp_sites=frozenset({(sod.chrom, sod.pos, sod.ref, sod.alt)})))
    assert {(g.gene, g.cls) for g in listed.groups if g.cls == "plp"} == {("SOD1", "plp")}


def test_plp_not_assessed_without_a_build() -> None:
    # synthetic300 declares every contig as 250 Mb: no build, so charcot's P/LP class is not assessed
    res = run_burden(DATA / "synthetic300.vcf.gz", DATA / "synthetic300.pheno.tsv", all_genes=True, workers=1)
    assert any(item["what"] == "plp class" and "--build" in item["reason"] for item in res.not_assessed)
    assert not [g for g in res.groups if g.cls == "plp"]
    with pytest.raises(InputError):
        Criteria(plp_source="omim")


def test_c9orf72_expansion_eh_cohort_built_from_real_eh5_records(cohort: tuple[Path, Path], tmp_path: Path) -> None:
    vcf, pheno = cohort
    expanded = {"S01", "S04", "S40"}  # two cases, one control
    eh = eh_cohort_vcf(tmp_path / "eh.vcf", SAMPLES[:58], expanded=expanded, no_call={"S50"})
    res = run_burden(vcf, pheno, str_vcf=eh, workers=1)
    groups = {(g.gene, g.cls): g for g in res.groups}
    c9 = groups[("C9orf72", "repeat")]
    assert (c9.case_carriers, c9.control_carriers) == (2, 1)
    # S58, S59 absent from the STR file and S50 without a C9orf72 call are not tested
    assert (c9.n_cases, c9.n_controls) == (N_CASES, len(SAMPLES) - N_CASES - 3)
    # the real justhusky alleles are normal at ATXN1/AR and below expansion at ATXN2: no carriers
    for gene in ("ATXN1", "ATXN2", "AR"):
        assert groups[(gene, "repeat")].case_carriers + groups[(gene, "repeat")].control_carriers == 0
    assert any("knowledge-base repeat loci" in n for n in res.notes)


def test_c9orf72_expansion_as_covariate_of_the_mask_tests(cohort: tuple[Path, Path], tmp_path: Path) -> None:
    vcf, pheno = cohort
    eh = eh_cohort_vcf(tmp_path / "eh.vcf", SAMPLES, expanded={"S01", "S04", "S40"})
    plain = run_burden(vcf, pheno, str_vcf=eh, workers=1)
    adjusted = run_burden(vcf, pheno, str_vcf=eh, workers=1, repeat_covariate=True)
    assert plain.masks and [(m.gene, m.mask) for m in plain.masks] == [(m.gene, m.mask) for m in adjusted.masks]
    assert any("adjusted for C9orf72 repeat expansion" in n for n in adjusted.notes)
    assert any(a.skat_p != b.skat_p for a, b in zip(plain.masks, adjusted.masks, strict=True) if a.mask != "ACAT-O")
    assert plain.groups == adjusted.groups  # the gene x class table is not changed by this option
    without = run_burden(vcf, pheno, workers=1, repeat_covariate=True)
    assert any(i["what"] == "C9orf72 repeat covariate" for i in without.not_assessed)


def test_repeat_loci_override_and_kb_default_on_real_gangstr_cohort() -> None:
    vcf = DATA / "ceu_ex.gangstr.first15.vcf.gz"  # TRTools CEU, chr21 only: no knowledge-base locus
    default = run_burden(vcf, DATA / "ceu98.pheno.tsv", all_genes=True, str_vcf=vcf, workers=1)
    assert not [g for g in default.groups if g.cls == "repeat"]
    assert any("repeat class not assessed" in n or "not assessed" in n for n in default.notes)
    override = run_burden(vcf, DATA / "ceu98.pheno.tsv", all_genes=True, str_vcf=vcf,
                          repeat_loci=DATA / "ceu_repeat_loci.tsv", workers=1)
    assert [(g.gene, g.cls) for g in override.groups] == [("LOCUSA", "repeat")]


def test_cli_end_to_end_with_defaults(cohort: tuple[Path, Path], tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    vcf, pheno = cohort
    eh = eh_cohort_vcf(tmp_path / "eh.vcf", SAMPLES, expanded={"S01", "S04", "S40"})
    out = tmp_path / "res"
    res = run_cli("cohort", "burden", vcf, "--phenotypes", pheno, "--covariates", "sex", "--str", eh,
                  "--outdir", out, "--no-plots")
    assert res.code == 0, res.stderr
    rows = {tuple(r.split("\t")[:2]) for r in (out / "burden.tsv").read_text().splitlines()[1:]}
    assert {("TBK1", "plp"), ("C9orf72", "repeat"), ("SOD1", "lof")} <= rows
    payload = json.loads((out / "results.json").read_text())
    assert any("charcot's ACMG/AMP" in n for n in payload["notes"])
    # --plp-sites without --plp-source means the list; contradicting options are refused (exit 2)
    bad = run_cli("cohort", "burden", vcf, "--phenotypes", pheno, "--plp-source", "clinvar",
                  "--plp-sites", DATA / "ceu_repeat_loci.tsv", "--outdir", tmp_path / "bad")
    assert bad.code == 2 and "--plp-sites" in bad.stderr and not (tmp_path / "bad").exists()
