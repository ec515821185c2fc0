"""Differential missingness between cases and controls in the cohort burden collapse (both backends; the Hail one is
held equal in test_hail_backend).

Defect: a missing genotype (a no-call, or a call genotype QC sets missing) counts as not carrying, and nothing
compared how often the qualifying alleles were missing in cases and in controls. An allele called less often in
one group (another sequencing batch, capture kit or depth) makes or hides a burden signal, and the results did not
say so. Now each qualifying allele carries its missing case and control genotypes and a Fisher p of missing vs
called (PLINK --test-missing's test), variants.tsv writes them, and a note gives the totals and names every allele
below p 1e-5. Data: the real 189-sample GATK joint calls (tests/data/population, FORMAT GQ/DP)."""

from __future__ import annotations

from pathlib import Path

import pysam
from scipy.stats import fisher_exact

from charcot.population.api import MISSINGNESS_P, run_burden, write_results
from charcot.population.qualifying import Criteria

DATA = Path(__file__).resolve().parents[1] / "data" / "population"
VCF = DATA / "cyvcf2_test.189samples.vcf.gz"
PHENO = DATA / "cohort189.pheno.tsv"
SITES = frozenset({("1", 10172, "CCCTAA", "C"), ("1", 13302, "C", "T")})


def _criteria() -> Criteria:
    return Criteria(max_af=0.05, plp_source="sites", plp_sites=SITES, min_gq=20, min_dp=10)


def _missing_after_qc() -> dict[tuple[int, str, str], set[str]]:
    """Independently, with pysam: the samples whose call at each listed site is missing or fails GQ 20 / DP 10."""
    out: dict[tuple[int, str, str], set[str]] = {}
    with pysam.VariantFile(str(VCF)) as vf:
        for rec in vf.fetch("1", 10170, 13303):
            site = (rec.pos, rec.ref, rec.alts[0])
            if ("1", *site) not in SITES:
                continue
            out[site] = {s for s, c in rec.samples.items()
                         if None in (c["GT"] or (None,)) or (c.get("GQ") or -1) < 20 or (c.get("DP") or -1) < 10}
    return out


def differential_pheno(path: Path) -> Path:
    """The cohort's phenotype file with the cases replaced by the samples missing at 1:13302 after QC (56), plus the
    first controls of the file to keep 63 cases: that allele is then missing in cases far more often."""
    lines = PHENO.read_text().splitlines()
    missing = _missing_after_qc()[(13302, "C", "T")]
    rows = [line.split("\t") for line in lines[1:]]
    extra = 63 - len(missing)
    for row in rows:
        if row[0] in missing:
            row[1] = "case"
        elif extra > 0:
            row[1] = "case"
            extra -= 1
        else:
            row[1] = "control"
    path.write_text("\n".join([lines[0], *("\t".join(r) for r in rows)]) + "\n")
    return path


def _status(pheno: Path) -> dict[str, str]:
    return dict(line.split("\t")[:2] for line in pheno.read_text().splitlines()[1:])


def test_missing_genotypes_are_counted_per_group_and_tested(tmp_path: Path) -> None:
    for pheno in (PHENO, differential_pheno(tmp_path / "differ.tsv")):
        result = run_burden(VCF, pheno, all_genes=True, criteria=_criteria(), workers=1)
        status = _status(pheno)
        n_cases = sum(v == "case" for v in status.values())
        n_controls = len(status) - n_cases
        expected = _missing_after_qc()
        assert result.variants
        for v in result.variants:
            gone = expected[(v.pos, v.ref, v.alt)]
            cases = sum(status[s] == "case" for s in gone)
            assert (v.case_missing, v.control_missing) == (cases, len(gone) - cases)
            p = fisher_exact([[cases, n_cases - cases], [len(gone) - cases, n_controls - len(gone) + cases]]).pvalue
            assert v.missingness_p is not None and abs(v.missingness_p - min(1.0, p)) <= 1e-12 * max(1.0, p)
        (note,) = [n for n in result.notes if n.startswith("missing genotypes at the")]
        total_cases = sum(sum(status[s] == "case" for s in gone) for gone in expected.values())
        assert f"cases {total_cases} of {n_cases * len(expected)}" in note
        if pheno == PHENO:
            assert "no allele is missing at different rates" in note
        else:
            p13302 = {v.missingness_p for v in result.variants if v.pos == 13302}
            assert all(p < MISSINGNESS_P for p in p13302)  # type: ignore[operator]
            assert "1 allele(s) are missing at different rates" in note and "1:13302 C>T" in note
            assert "DDX11L1/WASH7P 1:13302 C>T (cases 56/63, controls 0/126)" in note
    # variants.tsv carries the counts and p of each allele
    out = tmp_path / "out"
    write_results(result, out, plots=False)
    rows = [line.split("\t") for line in (out / "variants.tsv").read_text().splitlines()]
    head = rows[0]
    assert head[-3:] == ["case_missing", "control_missing", "missingness_p"]
    by_pos = {r[head.index("pos")]: r for r in rows[1:]}
    assert by_pos["13302"][head.index("case_missing")] == "56"
    assert by_pos["13302"][head.index("control_missing")] == "0"
