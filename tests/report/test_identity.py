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
    assert checks["sex from the VCF (X heterozygosity, Y calls)"].status == "pass"
    assert scout_report.header.sex == "male"  # from the PED when nothing else states it
    assert scout_report.identity.status == "pass"


def test_stated_sex_contradicting_the_ped_is_a_mismatch() -> None:
    from dataclasses import replace

    from charcot.report.build import build_report
    from tests.report.conftest import scout_trio_inputs

    report = build_report(replace(scout_trio_inputs(), sex="female", str_vcf=None))
    failed = {c.check for c in report.identity.checks if c.status == "mismatch"}
    assert {"stated sex vs pedigree", "sex from the VCF (X heterozygosity, Y calls)"} <= failed
