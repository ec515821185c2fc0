"""The bundled demo case: real NA12878 calls with one documented spiked SOD1 variant, a real
ExpansionHunter VCF, a fictional clinical history and a pedigree (see demo_data/SOURCES.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path

from charcot.report.build import CaseInputs

# The assessment date is fixed so the demo's content does not drift with the calendar; it is the
# date of the last visit in the fictional history.
DEMO_AS_OF = date(2026, 8, 20)
DEMO_PROBAND = "NA12878"
DEMO_HPO = ["HP:0007354", "HP:0003394", "HP:0002380"]  # ALS; muscle cramps; fasciculations


def demo_dir() -> Path:
    return Path(str(resources.files("charcot.report") / "demo_data"))


def demo_inputs() -> CaseInputs:
    d = demo_dir()
    return CaseInputs(
        vcf=d / "demo.vcf.gz", str_vcf=d / "demo.str.vcf", ped=d / "demo.ped", ages=d / "demo.ages.tsv",
        proband=DEMO_PROBAND,
        clinical=d / "demo_case.yaml", hpo=list(DEMO_HPO), build="GRCh37", region="EU", as_of=DEMO_AS_OF,
    )


def run_demo(outdir: str | Path, *, pdf: bool = True,
             progress: Callable[[str], None] | None = None) -> dict[str, Path]:
    from charcot.report.build import build_report
    from charcot.report.write import write_report

    report = build_report(demo_inputs(), progress=progress)
    return write_report(report, outdir, pdf=pdf, progress=progress)
