"""A repeat-caller file or VCF of another sample is refused unless the user names it (probeexport review).

Before: `charcot report --str demo.str.vcf --ped demo.ped --proband NA12878` (the demo's real ExpansionHunter file,
sample hugelymodelbat_lanes_1_sorted_md, another person) reported that person's C9orf72/ATXN2/AR sizes as the
proband's with no identity check at all (the name check compared the VCF's sample only); with a VCF, the mismatch was
a banner on a report that was written anyway; `charcot interpret VCF --str FILE` attributed any single-sample repeat
file to the VCF's sample without a word; a single-sample VCF whose sample is not the pedigree's proband likewise
(banner only). Now each is exit 2 with what, where and how to fix, nothing written; naming the file's sample
explicitly (--str-sample, --sample) accepts it, and the report says the link was made by hand (info, never 'pass').
Inputs: the demo's real files, the real ExpansionHunter example JSON (SampleId 'variants') and the real Scout trio.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from charcot.report.build import CaseInputs, build_report
from charcot.report.demo import DEMO_STR_SAMPLE, demo_dir

D = demo_dir()
DATA = Path(__file__).parents[1] / "data"
EH_JSON = DATA / "repeats" / "eh_example_repeats.json"  # real EH output, SampleId "variants"


def _refused(r: Any, out: Path, *words: str) -> None:
    assert r.code == 2, (r.code, r.stderr)
    assert "charcot: error:" in r.stderr and "Traceback" not in r.stderr
    for w in words:
        assert w in r.stderr, (w, r.stderr)
    assert not out.exists()


@pytest.mark.parametrize("inputs", [
    ("--ped", D / "demo.ped", "--proband", "NA12878"),  # no VCF: before, no name check ran at all
    ("--vcf", D / "demo.vcf.gz"),
    ("--vcf", D / "demo.vcf.gz", "--ped", D / "demo.ped", "--proband", "NA12878", "--clinical", D / "demo_case.yaml"),
], ids=["pedigree only", "VCF", "VCF + pedigree + record"])
def test_report_refuses_a_repeat_file_of_another_sample(run_cli, tmp_path: Path, inputs: tuple[Any, ...]) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    r = run_cli("report", "--str", D / "demo.str.vcf", *inputs, "--no-pdf", "--outdir", out)
    _refused(r, out, "demo.str.vcf", f"sample {DEMO_STR_SAMPLE} is not this patient", "NA12878",
             f"--str-sample {DEMO_STR_SAMPLE}")


def test_named_repeat_file_is_accepted_and_the_link_is_stated(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    r = run_cli("report", "--str", D / "demo.str.vcf", "--str-sample", DEMO_STR_SAMPLE, "--ped", D / "demo.ped",
                "--proband", "NA12878", "--no-pdf", "--outdir", out)
    assert r.code == 0, r.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["header"]["str_sample_id"] == DEMO_STR_SAMPLE
    assert report["header"]["parameters"]["str_sample"] == DEMO_STR_SAMPLE  # re-analysis runs the same mapping
    wrong = run_cli("report", "--str", D / "demo.str.vcf", "--str-sample", "NA12878", "--no-pdf", "--outdir",
                    tmp_path / "wrong")
    _refused(wrong, tmp_path / "wrong", "sample 'NA12878' is not in the file")
    alone = run_cli("report", "--vcf", D / "demo.vcf.gz", "--str-sample", "x", "--no-pdf", "--outdir", tmp_path / "a")
    _refused(alone, tmp_path / "a", "--str-sample", "no --str file")


def test_expansionhunter_json_sample_id_is_checked(tmp_path: Path) -> None:
    from charcot.errors import InputError

    with pytest.raises(InputError, match="sample variants is not this patient"):
        build_report(CaseInputs(vcf=D / "demo.vcf.gz", str_vcf=EH_JSON))
    # the same real file without its SampleId names nobody: accepted, with a warning to confirm it
    data = json.loads(EH_JSON.read_text())
    del data["SampleParameters"]["SampleId"]
    unnamed = tmp_path / "unnamed.json"
    unnamed.write_text(json.dumps(data))
    report = build_report(CaseInputs(vcf=D / "demo.vcf.gz", str_vcf=unnamed))
    assert any("names no sample" in n and "confirm it belongs" in n for n in report.repeats.notes)


def test_family_repeat_file_without_the_patient_is_refused() -> None:
    from charcot.errors import InputError

    trio = DATA / "report"
    with pytest.raises(InputError, match="do not include this patient"):
        # the real Scout trio's repeat file (ADM1059A1-3) for the demo's NA12878
        build_report(CaseInputs(vcf=D / "demo.vcf.gz", str_vcf=trio / "scout_643594.str.vcf.gz"))


def test_interpret_refuses_a_repeat_file_of_another_sample(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "f.json"
    r = run_cli("interpret", D / "demo.vcf.gz", "--str", D / "demo.str.vcf", "--format", "json", "-o", out)
    _refused(r, out, f"sample {DEMO_STR_SAMPLE} is not this patient", "the VCF's sample is NA12878", "--str-sample")
    ok = run_cli("interpret", D / "demo.vcf.gz", "--str", D / "demo.str.vcf", "--str-sample", DEMO_STR_SAMPLE,
                 "--format", "json", "-o", out)
    assert ok.code == 0, ok.stderr
    assert json.loads(out.read_text())["repeats"]["sample"] == DEMO_STR_SAMPLE


def test_vcf_sample_that_is_not_the_proband_is_refused_unless_named(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # the demo's VCF is NA12878's; the pedigree's brother DEMO-S given as the proband
    out = tmp_path / "out"
    r = run_cli("report", "--vcf", D / "demo.vcf.gz", "--ped", D / "demo.ped", "--proband", "DEMO-S", "--no-pdf",
                "--outdir", out)
    _refused(r, out, "demo.vcf.gz", "sample NA12878 is not the pedigree's proband DEMO-S", "--sample NA12878")
    report = build_report(CaseInputs(vcf=D / "demo.vcf.gz", ped=D / "demo.ped", proband="DEMO-S", sample="NA12878"))
    check = next(c for c in report.identity.checks if c.check == "sample name: VCF vs pedigree proband")
    assert check.status == "info" and "by --sample" in check.detail


def test_matching_names_need_no_mapping() -> None:
    trio = DATA / "report"
    report = build_report(CaseInputs(vcf=trio / "scout_643594_trio.vcf.gz", str_vcf=trio / "scout_643594.str.vcf.gz",
                                     ped=trio / "scout_643594.ped", proband="ADM1059A2"))
    assert report.header.str_sample_id == "ADM1059A2"
    assert replace(CaseInputs()).str_sample is None


def test_another_sample_of_a_family_vcf_stays_a_mismatch() -> None:
    """--sample names the link for a one-sample VCF only: in the real Scout trio VCF, choosing the father's sample
    for the proband ADM1059A2 is a relative's data, a red banner as before, never an 'info' link."""
    trio = DATA / "report"
    report = build_report(CaseInputs(vcf=trio / "scout_643594_trio.vcf.gz", ped=trio / "scout_643594.ped",
                                     proband="ADM1059A2", sample="ADM1059A1"))
    check = next(c for c in report.identity.checks if c.check == "sample name: VCF vs pedigree proband")
    assert check.status == "mismatch" and report.identity.status == "mismatch"
