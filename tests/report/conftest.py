"""Reports shared by the report tests (each built once per session: building is the slow part)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from charcot.report.build import CaseInputs, build_report
from charcot.report.demo import demo_dir, demo_inputs
from charcot.report.model import Report

FIXED = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
DATA = Path(__file__).parents[1] / "data" / "report"


def scout_trio_inputs() -> CaseInputs:
    """The Scout demo trio (real GATK exome calls, ExpansionHunter + Stranger STR calls, PED)."""
    return CaseInputs(vcf=DATA / "scout_643594_trio.vcf.gz", str_vcf=DATA / "scout_643594.str.vcf.gz",
                      ped=DATA / "scout_643594.ped", proband="ADM1059A2", run_time=FIXED)


@pytest.fixture(scope="session")
def demo_report() -> Report:
    return build_report(replace(demo_inputs(), run_time=FIXED))


@pytest.fixture(scope="session")
def scout_report() -> Report:
    return build_report(scout_trio_inputs())


@pytest.fixture(scope="session")
def every_report(demo_report: Report, scout_report: Report) -> dict[str, Report]:
    """Every kind of report the suite produces: full demo, trio, VCF only, clinical record only."""
    d = demo_dir()
    return {
        "demo (= README command)": demo_report,
        "Scout trio": scout_report,
        "VCF only": build_report(CaseInputs(vcf=d / "demo.vcf.gz", run_time=FIXED)),
        "STR + clinical record": build_report(CaseInputs(str_vcf=d / "demo.str.vcf", clinical=d / "demo_case.yaml",
                                                         run_time=FIXED)),
        "STR only": build_report(CaseInputs(str_vcf=d / "demo.str.vcf", run_time=FIXED)),
    }
