"""Identity and sex checks on real files (Scout trio exome calls, ExpansionHunter VCFs)."""

from __future__ import annotations

from pathlib import Path

from charcot.model import Build
from charcot.report.identity import vcf_sex
from charcot.report.model import Report

DATA = Path(__file__).parents[1] / "data" / "report"
TRIO = DATA / "scout_643594_trio.vcf.gz"


def test_y_calls_tell_the_trio_sexes() -> None:
    # PED: ADM1059A1 father (male), ADM1059A2 son (male), ADM1059A3 mother (female)
    assert vcf_sex(TRIO, "ADM1059A1", Build.GRCh37).inferred == "male"
    assert vcf_sex(TRIO, "ADM1059A2", Build.GRCh37).inferred == "male"
    mother = vcf_sex(TRIO, "ADM1059A3", Build.GRCh37)
    assert mother.inferred == "female" and mother.y_calls == 0 and mother.y_sites >= 5


def test_panel_vcf_without_sex_chromosomes_is_not_assessed(demo_report: Report) -> None:
    check = next(c for c in demo_report.identity.checks if c.check.startswith("sex from the VCF"))
    assert check.status == "not_assessed" and "too few" in check.detail


def test_demo_repeat_file_of_another_person_is_a_red_banner(demo_report: Report) -> None:
    failed = {c.check: c.detail for c in demo_report.identity.checks if c.status == "mismatch"}
    # the file's other name is attributed only because --str-sample names it (without it: refused, exit 2), and the
    # report says so (info, never 'pass'); its X ploidy still gives another sex than the patient's
    named = next(c for c in demo_report.identity.checks if c.check == "sample name: VCF vs repeat-caller file")
    assert named.status == "info" and "--str-sample" in named.detail
    # a haploid AR call is what ExpansionHunter writes for a male sample; the record says female
    assert "male by the data" in failed["sex from the repeat caller's X ploidy"]
    assert demo_report.identity.status == "mismatch"
    # the red banner keeps the check's own capitals (Jinja's capitalize printed 'vcf' and 'x ploidy')
    from charcot.report.render_html import render_html

    banner = render_html(demo_report).split("Identity check failed", 1)[1].split("</ul>", 1)[0]
    assert "X ploidy" in banner


def test_scout_trio_passes_names_and_sex(scout_report: Report) -> None:
    checks = {c.check: c for c in scout_report.identity.checks}
    assert checks["sample name: VCF vs repeat-caller file"].status == "pass"
    assert checks["sample name: VCF vs pedigree proband"].status == "pass"
    assert checks["sex from the VCF (X heterozygosity or ploidy, Y calls)"].status == "pass"
    assert scout_report.header.sex == "male"  # from the PED when nothing else states it
    assert scout_report.identity.status == "pass"


def test_stated_sex_contradicting_the_ped_is_a_mismatch() -> None:
    from dataclasses import replace

    from charcot.report.build import build_report
    from tests.report.conftest import scout_trio_inputs

    report = build_report(replace(scout_trio_inputs(), sex="female", str_vcf=None))
    failed = {c.check for c in report.identity.checks if c.status == "mismatch"}
    assert {"stated sex vs pedigree", "sex from the VCF (X heterozygosity or ploidy, Y calls)"} <= failed


# 1000 Genomes phase 3 chrX (GRCh37), two samples: HG00096 (male, haploid outside the PARs as 1000 Genomes released
# him) and HG00097 (female); tests/data/report/SOURCES.md says how the file was cut
KG_X = DATA / "kg_phase3_chrX_HG00096_HG00097.vcf.gz"


def test_haploid_x_calls_say_the_caller_treated_the_sample_as_male() -> None:
    # before: haploid calls were not counted, so a male called with his true ploidy was "too few calls to tell"
    male = vcf_sex(KG_X, "HG00096", Build.GRCh37)
    assert male.inferred == "male", male.reason
    assert male.x_haploid >= 10 and male.x_calls == 0
    assert "haploid" in male.reason and "one X" in male.reason
    female = vcf_sex(KG_X, "HG00097", Build.GRCh37)
    assert female.inferred == "female" and female.x_haploid == 0 and female.x_het >= 10


def test_a_haploid_x_call_set_against_a_stated_female_is_a_mismatch() -> None:
    from charcot.report.identity import check_identity

    section = check_identity(vcf=KG_X, vcf_sample="HG00096", build="GRCh37", str_sample=None, repeats=None,
                             ped_proband=None, ped_sex=None, stated_sex="female", stated_from="clinical record",
                             record_id=None, record_kind=None)
    check = next(c for c in section.checks if c.check.startswith("sex from the VCF"))
    assert check.status == "mismatch" and "haploid" in check.detail, check


def test_half_calls_on_x_are_not_read_as_haploid(tmp_path: Path) -> None:
    # '1/.' is one allele not called (unknown genotype), not a haploid call: it tells nothing about the sex
    import subprocess

    half = tmp_path / "half.vcf"
    text = subprocess.run(["bcftools", "view", "-s", "HG00096", str(KG_X)], capture_output=True, text=True,
                          check=True).stdout
    lines = [ln if ln.startswith("#") else "\t".join([*ln.split("\t")[:9], ln.split("\t")[9] + "/."])
             for ln in text.splitlines()]
    half.write_text("\n".join(lines) + "\n")
    result = vcf_sex(half, "HG00096", Build.GRCh37)
    assert result.inferred is None and result.x_haploid == 0 and "too few" in result.reason


def test_the_x_rule_on_mixed_and_few_haploid_calls() -> None:
    from charcot.report.identity import _x_says

    assert _x_says(0, 0, 9)[0] is None  # fewer than MIN_X_CALLS
    assert _x_says(1, 0, 19)[0] == "male"  # 95 % haploid
    assert _x_says(10, 5, 10)[0] is None and "mixed" in _x_says(10, 5, 10)[1]
    assert _x_says(30, 12, 1)[0] == "female"  # one stray haploid call among diploid ones
    assert _x_says(20, 0, 0)[0] == "male" and _x_says(5, 0, 0)[0] is None
