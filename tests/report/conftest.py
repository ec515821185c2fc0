"""Reports shared by the report tests (each built once per session: building is the slow part)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from charcot.report.build import CaseInputs, build_report
from charcot.report.demo import DEMO_STR_SAMPLE, demo_dir, demo_inputs
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


def demo_vcf_cut(folder: Path, below: int) -> Path:
    """The demo's VCF (real NA12878 chr21 calls and the spiked SOD1 A5V at 33,032,096) cut to POS < ``below``,
    as ``bcftools view -r chr21:1-N`` cuts a genome: bgzipped and indexed with pysam."""
    import pysam

    with pysam.VariantFile(str(demo_dir() / "demo.vcf.gz")) as source:
        text = str(source.header) + "".join(str(r) for r in source if r.pos < below)
    plain = folder / f"demo_below_{below}.vcf"
    plain.write_text(text)
    out = folder / f"demo_below_{below}.vcf.gz"
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return out


@pytest.fixture(scope="session")
def every_report(demo_report: Report, scout_report: Report, tmp_path_factory: pytest.TempPathFactory
                 ) -> dict[str, Report]:
    """Every kind of report the suite produces: full demo, trio, VCF only, a VCF cut to a region (its records end
    inside SOD1, after the spiked call; CFAP410 lies past them), clinical record only."""
    d = demo_dir()
    cut = demo_vcf_cut(tmp_path_factory.mktemp("cut"), 33_036_000)
    return {
        "demo (= README command)": demo_report,
        "Scout trio": scout_report,
        "VCF only": build_report(CaseInputs(vcf=d / "demo.vcf.gz", run_time=FIXED)),
        "VCF cut inside SOD1": build_report(CaseInputs(vcf=cut, str_vcf=d / "demo.str.vcf", str_sample=DEMO_STR_SAMPLE,
                                                       run_time=FIXED)),
        "STR + clinical record": build_report(CaseInputs(str_vcf=d / "demo.str.vcf", clinical=d / "demo_case.yaml",
                                                         run_time=FIXED)),
        "STR only": build_report(CaseInputs(str_vcf=d / "demo.str.vcf", run_time=FIXED)),
    }
