"""The bundled demo case: real NA12878 calls with one documented spiked SOD1 variant, a real
ExpansionHunter VCF (from another person, on purpose: the identity checks must catch it; the command names its
sample with --str-sample, without which the file is refused), a fictional
clinical history and a pedigree (see demo_data/SOURCES.md).

``charcot demo`` runs exactly the README's ``charcot report`` command on these files (``demo_args``):
same inputs, same answer. Nothing here adds HPO terms, a region or a date the README command lacks.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # charcot.report.build (the analyses' imports) is not needed to spell the command line: `charcot
    # demo` forks its report helper before importing it, so the helper starts its own imports sooner (issue 20)
    from charcot.report.build import CaseInputs

DEMO_PROBAND = "NA12878"
# The README's report command, flag by flag (tests/report checks the README says the same).
README_FLAGS = ("--vcf", "--str", "--str-sample", "--ped", "--proband", "--ages", "--clinical", "--outdir")
# The demo's repeat-caller file is another person's (a real ExpansionHunter file): charcot refuses a repeat-caller file
# whose sample is not the patient unless the user names it, so the README command names it; the identity checks still
# catch it (the AR ploidy gives another sex than the patient's).
DEMO_STR_SAMPLE = "hugelymodelbat_lanes_1_sorted_md"


def demo_dir() -> Path:
    return Path(str(resources.files("charcot.report") / "demo_data"))


def demo_args(outdir: str | Path) -> list[str]:
    """The README's ``charcot report`` command line with the bundled files."""
    d = demo_dir()
    values = (d / "demo.vcf.gz", d / "demo.str.vcf", DEMO_STR_SAMPLE, d / "demo.ped", DEMO_PROBAND, d / "demo.ages.tsv",
              d / "demo_case.yaml", outdir)
    args = ["report"]
    for flag, value in zip(README_FLAGS, values, strict=True):
        args += [flag, str(value)]
    return args


def demo_inputs() -> CaseInputs:
    """The same inputs as ``demo_args`` (for in-process callers: tests, the web app's demo case)."""
    from charcot.report.build import CaseInputs

    d = demo_dir()
    return CaseInputs(vcf=d / "demo.vcf.gz", str_vcf=d / "demo.str.vcf", str_sample=DEMO_STR_SAMPLE,
                      ped=d / "demo.ped", proband=DEMO_PROBAND,
                      ages=d / "demo.ages.tsv", clinical=d / "demo_case.yaml")
