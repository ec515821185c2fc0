"""Adversarial re-check of `charcot cohort burden` on inputs the first tests did not try (issue 9/19 re-check)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pysam

DATA = Path(__file__).resolve().parents[1] / "data" / "population"
VCF = DATA / "synthetic300.vcf.gz"
PHENO = DATA / "synthetic300.pheno.tsv"


def _pheno_with(tmp_path: Path, name: str, value) -> Path:  # type: ignore[no-untyped-def]
    """The synthetic300 phenotype file plus one column computed from each row."""
    lines = PHENO.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]
    out = ["\t".join([*header, name])] + ["\t".join([*(r[h] for h in header), str(value(r))]) for r in rows]
    path = tmp_path / "pheno.tsv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def test_a_covariate_that_repeats_another_is_a_clear_error(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # PC1 doubled, and sex coded a second time as 0/1: the null model was singular (exit 1, LinAlgError)
    for name, value, given in (("PC1x2", lambda r: float(r["PC1"]) * 2, "PC1,PC1x2"),
                               ("female", lambda r: int(r["sex"] == "F"), "sex,female")):
        pheno = _pheno_with(tmp_path, name, value)
        res = run_cli("cohort", "burden", VCF, "--phenotypes", pheno, "--covariates", given, "--all-genes",
                      "--no-plots", "--outdir", tmp_path / "out")
        assert res.code == 2, res.stderr
        assert f"covariate '{name}' is a linear combination" in res.stderr and "Traceback" not in res.stderr
        assert not (tmp_path / "out").exists()


def test_a_covariate_named_twice_is_one_covariate() -> None:
    from charcot.population.phenotypes import expand_covariates

    assert expand_covariates("PC1..PC3,PC2,sex,sex") == ["PC1", "PC2", "PC3", "sex"]


def test_a_cohort_vcf_naming_a_sample_twice_is_a_clear_error(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # htslib refuses the header ("Duplicated sample name"): was exit 1 "internal error: cannot parse VCF header"
    with gzip.open(VCF, "rt") as handle:
        text = handle.read().splitlines()
    out = []
    for line in text:
        if line.startswith("#CHROM"):
            cols = line.split("\t")
            cols[10] = cols[9]
            line = "\t".join(cols)
        out.append(line)
    plain = tmp_path / "dup.vcf"
    plain.write_text("\n".join(out) + "\n", encoding="utf-8")
    pysam.tabix_compress(str(plain), str(plain) + ".gz")
    res = run_cli("cohort", "burden", str(plain) + ".gz", "--phenotypes", PHENO, "--all-genes", "--no-plots",
                  "--outdir", tmp_path / "out")
    assert res.code == 2, res.stderr
    assert "appears twice in the #CHROM line" in res.stderr and "internal error" not in res.stderr


def test_a_requested_gene_with_nothing_to_test_is_named_not_dropped() -> None:
    # GENE9 and SOD1 have no record in the cohort: they were missing from every table and from 'not assessed'
    from charcot.population.api import run_burden
    from charcot.population.qualifying import Criteria

    res = run_burden(VCF, PHENO, genes=frozenset({"GENE5", "GENE9", "SOD1"}), criteria=Criteria(plp_source="sites"),
                     workers=1)
    assert {g.gene for g in res.groups} == {"GENE5"}  # its qualifying alleles are carried by nobody: a measured zero
    (item,) = [i for i in res.not_assessed if "requested gene" in i["what"]]
    assert item["what"] == "2 requested gene(s)" and item["reason"].endswith(": GENE9, SOD1")
    every = run_burden(VCF, PHENO, all_genes=True, criteria=Criteria(plp_source="sites"), workers=1)
    assert not [i for i in every.not_assessed if "requested gene" in i["what"]]


def test_an_indexed_bcf_cohort_streams_on_two_workers_like_its_vcf(tmp_path: Path) -> None:
    # the work plan read the index with pysam.TabixFile, which cannot open a BCF's CSI index: exit 1, OSError
    import pytest

    from charcot.errors import InputError
    from charcot.population.api import run_burden
    from charcot.population.qualifying import Criteria

    bcf = tmp_path / "cohort.bcf"
    with pysam.VariantFile(str(VCF)) as source, pysam.VariantFile(str(bcf), "wb", header=source.header) as out:
        for record in source:
            out.write(record)
    import subprocess

    subprocess.run(["bcftools", "index", str(bcf)], check=True)  # cohort.bcf.csi (bcftools: a Debian dependency)
    criteria = Criteria(plp_source="sites")
    from_bcf = run_burden(bcf, PHENO, all_genes=True, criteria=criteria, workers=2)
    from_vcf = run_burden(VCF, PHENO, all_genes=True, criteria=criteria, workers=2)
    assert from_bcf.groups == from_vcf.groups and from_bcf.variants == from_vcf.variants and from_bcf.groups
    # Hail's import_vcf has no BCF reader: refused before Spark starts
    with pytest.raises(InputError, match="reads VCF text, not BCF"):
        run_burden(bcf, PHENO, all_genes=True, criteria=criteria, backend="hail")


def test_a_phenotype_file_saved_with_a_byte_order_mark_reads_like_without(tmp_path: Path) -> None:
    # Excel's UTF-8 BOM made the first header name '\ufeffstatus': "no status column in the header (status, ...)"
    from charcot.population.phenotypes import read_phenotypes

    lines = PHENO.read_text(encoding="utf-8").splitlines()
    moved = ["\t".join([c[1], c[0], *c[2:]]) for c in (line.split("\t") for line in lines)]  # status first
    path = tmp_path / "excel.tsv"
    path.write_bytes(b"\xef\xbb\xbf" + ("\n".join(moved) + "\n").encode())
    with_bom = read_phenotypes(path, ["sex"])
    plain = read_phenotypes(PHENO, ["sex"])
    assert with_bom.status == plain.status and with_bom.covariates == plain.covariates
