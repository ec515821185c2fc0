"""Local backend on real multi-sample files (cyvcf2 189-sample cohort, TRTools GangSTR CEU cohort)."""

from __future__ import annotations

import json
from pathlib import Path

from charcot.population.api import run_burden
from charcot.population.qualifying import Criteria, read_plp_sites

DATA = Path(__file__).resolve().parents[1] / "data" / "population"
VCF = DATA / "cyvcf2_test.189samples.vcf.gz"
PHENO = DATA / "cohort189.pheno.tsv"


def _plp(tmp_path: Path) -> Criteria:
    path = tmp_path / "plp.tsv"
    path.write_text("chrom\tpos\tref\talt\n1\t10172\tCCCTAA\tC\n1\t13302\tC\tT\n", encoding="utf-8")
    return Criteria(plp_source="sites", plp_sites=read_plp_sites(str(path)), max_af=0.05)


def test_real_cohort_counts_match_bcftools_genotypes(tmp_path: Path) -> None:
    res = run_burden(VCF, PHENO, covariates=["sex", "PC1"], all_genes=True, criteria=_plp(tmp_path), workers=1)
    groups = {(g.gene, g.cls): g for g in res.groups}
    assert set(groups) == {("DDX11L1", "plp"), ("WASH7P", "plp")}
    # independent count: samples with a non-reference genotype at either listed site, via pysam
    import pysam

    status = dict(line.split("\t")[:2] for line in PHENO.read_text().splitlines()[1:])
    carriers: set[str] = set()
    with pysam.VariantFile(str(VCF)) as vf:
        for rec in vf.fetch("1", 10170, 13303):
            if (rec.pos, rec.ref, rec.alts[0]) in ((10172, "CCCTAA", "C"), (13302, "C", "T")):
                carriers |= {s for s, v in rec.samples.items() if 1 in (v["GT"] or ())}
    g = groups[("WASH7P", "plp")]
    assert g.case_carriers == sum(status[s] == "case" for s in carriers)
    assert g.control_carriers == sum(status[s] == "control" for s in carriers)
    assert g.n_cases + g.n_controls == 189


def test_two_workers_give_identical_results(tmp_path: Path) -> None:
    one = run_burden(VCF, PHENO, all_genes=True, criteria=_plp(tmp_path), workers=1)
    two = run_burden(VCF, PHENO, all_genes=True, criteria=_plp(tmp_path), workers=2)
    assert one.groups == two.groups and one.variants == two.variants


def test_no_worker_is_forked_while_another_thread_runs(tmp_path: Path) -> None:
    # probeepi's hang: a combined test run stopped with a forked worker waiting on a lock (futex) that a thread of the
    # parent held when it forked. With a second thread alive the work runs in this process (counted by Python's own
    # at-fork hook), with the same result; with one thread the two workers are forked as before.
    import os
    import threading

    forks = []
    os.register_at_fork(before=lambda: forks.append(1))
    serial = run_burden(VCF, PHENO, all_genes=True, criteria=_plp(tmp_path), workers=1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        before = len(forks)
        with_thread = run_burden(VCF, PHENO, all_genes=True, criteria=_plp(tmp_path), workers=2)
        assert len(forks) == before  # no fork while the thread runs
    finally:
        stop.set()
        other.join()
    assert with_thread.groups == serial.groups and with_thread.variants == serial.variants
    before = len(forks)
    forked = run_burden(VCF, PHENO, all_genes=True, criteria=_plp(tmp_path), workers=2)
    assert len(forks) > before and forked.groups == serial.groups  # one thread: the workers are forked


def test_synthetic_csq_classes_and_cli_outputs(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "res"
    res = run_cli("cohort", "burden", DATA / "synthetic300.vcf.gz", "--phenotypes", DATA / "synthetic300.pheno.tsv",
                  "--covariates", "sex,PC1..PC2", "--genes", "GENE1,GENE2,GENE3", "--outdir", out)
    assert res.code == 0, res.stderr
    rows = (out / "burden.tsv").read_text().splitlines()
    assert rows[0].startswith("gene\tclass") and len(rows) > 1
    assert {r.split("\t")[0] for r in rows[1:]} <= {"GENE1", "GENE2", "GENE3"}
    payload = json.loads((out / "results.json").read_text())
    assert payload["covariates"] == ["sex", "PC1", "PC2"] and "provenance" in payload
    assert (out / "qq.png").stat().st_size > 1000 and (out / "forest.png").exists()
    assert (out / "manhattan.png").stat().st_size > 1000
    masks = [line.split("\t") for line in (out / "masks.tsv").read_text().splitlines()]
    assert masks[0][:4] == ["gene", "mask", "n_variants", "case_carriers"] and "p_skato" in masks[0]
    assert {r[1] for r in masks[1:]} >= {"ACAT-O", "lof+missense|af<=1%"}
    # 300 samples (< 2,000): SKAT/SKAT-O moment-adjusted, as the SKAT package does for a binary trait; said
    # per row and in the summary
    col = masks[0].index("skat_adjustment")
    assert {r[col] for r in masks[1:] if r[1] != "ACAT-O"} == {"moment-adjusted"}
    assert "small-sample moment adjustment" in res.stdout + res.stderr + (out / "results.json").read_text()
    import pyarrow.parquet as pq

    table = pq.read_table(out / "masks.parquet")
    assert table.num_rows == len(masks) - 1 and table.column_names == masks[0]
    # every qualifying variant respects the rarity rule
    for line in (out / "variants.tsv").read_text().splitlines()[1:]:
        cells = line.split("\t")
        assert float(cells[6]) < 0.001


def test_repeat_expansions_from_real_gangstr_cohort(tmp_path: Path) -> None:
    vcf = DATA / "ceu_ex.gangstr.first15.vcf.gz"
    res = run_burden(vcf, DATA / "ceu98.pheno.tsv", all_genes=True, str_vcf=vcf,
                     repeat_loci=DATA / "ceu_repeat_loci.tsv")
    (g,) = res.groups
    assert (g.gene, g.cls) == ("LOCUSA", "repeat")
    # independent count of larger REPCN >= 9 from pysam
    import pysam

    status = dict(line.split("\t")[:2] for line in (DATA / "ceu98.pheno.tsv").read_text().splitlines()[1:])
    with pysam.VariantFile(str(vcf)) as vf:
        rec = next(r for r in vf if r.pos == 34349071)
        big = {s for s, v in rec.samples.items() if v["REPCN"] and max(x for x in v["REPCN"] if x is not None) >= 9}
    assert g.case_carriers == sum(status[s] == "1" for s in big)
    assert g.control_carriers == sum(status[s] == "0" for s in big)


def test_mask_tests_in_a_second_process_give_the_same_results(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Large cohorts run the gene x mask tests in a forked process beside the Firth fits: same numbers."""
    import charcot.population.api as api

    vcf, pheno = DATA / "synthetic300.vcf.gz", DATA / "synthetic300.pheno.tsv"
    serial = run_burden(vcf, pheno, covariates=["sex", "PC1"], all_genes=True, workers=1)
    monkeypatch.setattr(api, "PARALLEL_MIN_CELLS", 0)
    forked = run_burden(vcf, pheno, covariates=["sex", "PC1"], all_genes=True, workers=2)
    # repr: every field exactly (NaN fields too, which are never == after crossing a process boundary)
    assert serial.masks and [repr(m) for m in forked.masks] == [repr(m) for m in serial.masks]
    assert forked.groups == serial.groups and forked.variants == serial.variants
