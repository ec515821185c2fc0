"""Genotype QC in the cohort burden collapse (local backend; the Hail backend is held equal in test_hail_backend).

Defect: `cohort burden` counted every genotype call as made, whatever its GQ and DP, and ignored the caller's own
per-sample filter FORMAT/FT, while `charcot interpret` holds a patient's call to --min-gq/--min-dp and FT. On the
real 189-sample GATK joint call set a carrier called at GQ 0 counted as a carrier. Now --min-gq/--min-dp (and FT,
unless --include-filtered) set a failing call to missing, as a no-call is, in both backends, and the results say
which QC was applied and how many carrier genotypes of the reported alleles it removed.
"""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest
from cohort_build import ft_cohort_vcf

from charcot.population.api import run_burden
from charcot.population.qualifying import Criteria

DATA = Path(__file__).resolve().parents[1] / "data" / "population"
VCF = DATA / "cyvcf2_test.189samples.vcf.gz"  # real GATK HaplotypeCaller joint calls with FORMAT GQ, DP
PHENO = DATA / "cohort189.pheno.tsv"
SITES = frozenset({("1", 10172, "CCCTAA", "C"), ("1", 13302, "C", "T")})


def _criteria(**kw: int | None) -> Criteria:
    return Criteria(max_af=0.05, plp_source="sites", plp_sites=SITES, **kw)  # type: ignore[arg-type]


def _status() -> dict[str, str]:
    return dict(line.split("\t")[:2] for line in PHENO.read_text().splitlines()[1:])


def _independent(path: Path, keep) -> tuple[dict[tuple[int, str, str], set[str]], int]:  # type: ignore[no-untyped-def]
    """Carriers of each listed site whose call passes ``keep``, read with pysam; and the carriers it drops."""
    carriers: dict[tuple[int, str, str], set[str]] = {}
    dropped = 0
    with pysam.VariantFile(str(path)) as vf:
        for rec in vf.fetch("1", 10170, 13303):
            site = (rec.pos, rec.ref, rec.alts[0])
            if ("1", *site) not in SITES:
                continue
            for sample, call in rec.samples.items():
                if 1 in (call["GT"] or ()):
                    if keep(call):
                        carriers.setdefault(site, set()).add(sample)
                    else:
                        dropped += 1
    return carriers, dropped


def test_min_gq_and_min_dp_count_a_failing_call_as_missing() -> None:
    before = run_burden(VCF, PHENO, all_genes=True, criteria=_criteria(), workers=1)
    after = run_burden(VCF, PHENO, all_genes=True, criteria=_criteria(min_gq=20, min_dp=10), workers=1)
    status = _status()
    kept, dropped = _independent(VCF, lambda c: (c.get("GQ") or -1) >= 20 and (c.get("DP") or -1) >= 10)
    everyone = set().union(*kept.values())
    group = next(g for g in after.groups if g.gene == "WASH7P")
    assert group.case_carriers == sum(status[s] == "case" for s in everyone)
    assert group.control_carriers == sum(status[s] == "control" for s in everyone)
    for v in after.variants:
        mine = kept.get((v.pos, v.ref, v.alt), set())
        assert (v.case_carriers, v.control_carriers) == (sum(status[s] == "case" for s in mine),
                                                         sum(status[s] == "control" for s in mine))
    old = next(g for g in before.groups if g.gene == "WASH7P")
    assert group.case_carriers + group.control_carriers < old.case_carriers + old.control_carriers
    assert dropped > 0
    note = next(n for n in after.notes if n.startswith("genotype QC:"))
    assert "GQ >= 20" in note and "DP >= 10" in note and f"{dropped} carrier genotype(s)" in note
    assert any(n.startswith("genotype QC: none applied") for n in before.notes)


def test_the_callers_own_genotype_filter_ft_is_honoured(tmp_path: Path) -> None:
    path = ft_cohort_vcf(VCF, tmp_path / "cohort_ft.vcf.gz")
    status = _status()
    honoured = run_burden(path, PHENO, all_genes=True, criteria=_criteria(), workers=1)
    kept, dropped = _independent(path, lambda c: c.get("FT") in (None, "PASS"))
    everyone = set().union(*kept.values())
    group = next(g for g in honoured.groups if g.gene == "WASH7P")
    assert (group.case_carriers, group.control_carriers) == (sum(status[s] == "case" for s in everyone),
                                                             sum(status[s] == "control" for s in everyone))
    assert dropped > 0
    assert any("FORMAT/FT filter PASS" in n and f"{dropped} carrier" in n for n in honoured.notes)
    # --include-filtered uses every call, as it uses every record
    everything = run_burden(path, PHENO, all_genes=True, criteria=_criteria(), workers=1, include_filtered=True)
    plain = run_burden(VCF, PHENO, all_genes=True, criteria=_criteria(), workers=1, include_filtered=True)
    assert [(g.gene, g.case_carriers, g.control_carriers) for g in everything.groups] == \
        [(g.gene, g.case_carriers, g.control_carriers) for g in plain.groups]


def test_two_workers_apply_the_same_qc() -> None:
    one = run_burden(VCF, PHENO, all_genes=True, criteria=_criteria(min_gq=20, min_dp=10), workers=1)
    two = run_burden(VCF, PHENO, all_genes=True, criteria=_criteria(min_gq=20, min_dp=10), workers=2)
    assert one.groups == two.groups and one.variants == two.variants and one.notes == two.notes


def test_a_threshold_the_file_cannot_meet_is_refused(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """synthetic300 carries GT only: --min-gq would make every genotype missing and every gene carrier-free."""
    out = tmp_path / "out"
    result = run_cli("cohort", "burden", DATA / "synthetic300.vcf.gz", "--phenotypes", DATA / "synthetic300.pheno.tsv",
                     "--all-genes", "--plp-source", "clinvar", "--min-gq", "20", "--no-plots", "--outdir", out)
    assert result.code == 2
    assert "declares no FORMAT/GQ" in result.stderr and "Traceback" not in result.stderr + result.stdout
    assert not out.exists()


@pytest.mark.parametrize("value", [-1])
def test_a_negative_threshold_is_refused(run_cli, tmp_path: Path, value: int) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    result = run_cli("cohort", "burden", VCF, "--phenotypes", PHENO, "--all-genes", "--min-dp", str(value), "--no-plots",
                     "--outdir", out)
    assert result.code == 2 and "negative" in result.stderr
    assert not out.exists()


def test_records_without_filters_applied_are_counted(tmp_path: Path) -> None:
    # regression: a record with FILTER '.' (the caller's filters not applied) was kept as a PASS record is, and the
    # results did not say that some of the cohort's records were never filtered (35 of the 115 here)
    result = run_burden(VCF, PHENO, all_genes=True, criteria=_criteria(), workers=1)
    with pysam.VariantFile(str(VCF)) as vf:
        records = list(vf)
    unfiltered = sum(1 for r in records if not list(r.filter))
    assert 0 < unfiltered < len(records)
    note = next(n for n in result.notes if "FILTER '.'" in n)
    assert note.startswith(f"{unfiltered} of {len(records)} record(s) read have FILTER '.'")
    # with --include-filtered the count is the same (those records are kept either way)
    kept = run_burden(VCF, PHENO, all_genes=True, criteria=_criteria(), workers=1, include_filtered=True)
    assert note in kept.notes
