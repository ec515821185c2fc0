"""Reviewer probe (probecase, 2026-12-02): ``charcot report`` exits 3 when an input it was given could assess nothing,
as ``charcot interpret`` and ``charcot repeats`` do on the same file (docs/CLI.md: exit code 3, "the run finished but
could not assess what was asked"). Before the fix a report on a VCF none of whose records lies in a panel gene (the
demo's real NA12878 calls cut to POS < 32,100,000, before SOD1) or on a repeat-caller file without any ALS locus
(the real GangSTR CEU file, chr21 loci only) exited 0, while ``interpret`` / ``repeats`` on the same file exited 3: a
pipeline reading the exit code took the report for an answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from charcot.report.demo import DEMO_STR_SAMPLE, demo_dir
from charcot.report.model import Report
from tests.report.conftest import demo_vcf_cut

GANGSTR = Path(__file__).parents[1] / "data" / "repeats" / "ceu_ex.gangstr.head.vcf.gz"


def test_a_vcf_that_assesses_no_gene_exits_3_and_still_writes_the_report(run_cli: Any, tmp_path: Path) -> None:
    vcf = demo_vcf_cut(tmp_path, 32_100_000)
    assert run_cli("interpret", vcf, "-q", "-o", tmp_path / "f.txt").code == 3
    out = tmp_path / "out"
    r = run_cli("report", "--vcf", vcf, "--no-pdf", "--outdir", out)
    assert r.code == 3, r.stderr
    assert "not assessed: the VCF" in r.stderr and "Traceback" not in r.stderr
    report = Report.model_validate_json((out / "report.json").read_text())  # the output says what was not assessed
    assert report.genetics.status.value == "not_assessed"
    # with an input that did assess something the VCF's nothing is still said by the exit code
    r = run_cli("report", "--vcf", vcf, "--str", demo_dir() / "demo.str.vcf", "--str-sample", DEMO_STR_SAMPLE,
                "--no-pdf", "-q", "--outdir", tmp_path / "out2")
    assert r.code == 3 and "the VCF" in r.stderr


def test_a_repeat_file_without_an_als_locus_exits_3(run_cli: Any, tmp_path: Path) -> None:
    assert run_cli("repeats", GANGSTR, "--sample", "NA06985", "-q", "-o", tmp_path / "r.txt").code == 3
    r = run_cli("report", "--str", GANGSTR, "--str-sample", "NA06985", "--no-pdf", "--outdir", tmp_path / "out")
    assert r.code == 3, r.stderr
    assert "the repeat-caller file" in r.stderr
    assert (tmp_path / "out" / "report.json").is_file()


def test_a_report_that_assessed_its_inputs_exits_0(run_cli: Any, tmp_path: Path) -> None:
    r = run_cli("report", "--vcf", demo_dir() / "demo.vcf.gz", "--no-pdf", "-q", "--outdir", tmp_path / "out")
    assert r.code == 0, r.stderr
    r = run_cli("report", "--clinical", demo_dir() / "demo_case.yaml", "--no-pdf", "-q", "--outdir", tmp_path / "o2")
    assert r.code == 0, r.stderr  # no VCF asked for: its absence is no failure to assess
