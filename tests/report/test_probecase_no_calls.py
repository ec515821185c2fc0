"""Reviewer probe (probe-case): a sample with only no-calls is not 'assessed: no reportable variant'.

Unseen case: the demo's real NA12878 chr21 calls (and the spiked SOD1 A5V) with the sample's genotype set to a
no-call ('./.') in every record, as a joint call set writes a sample that failed. Before the fix SOD1 and CFAP410
were "assessed: no reportable variant" and page 1 read "No pathogenic or likely pathogenic small variant in the 2
genes assessed", from a file that said nothing of this sample; `interpret` exited 0."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from charcot.report.consistency import contradictions
from charcot.report.demo import demo_dir
from charcot.report.model import ItemState, Report
from charcot.variants.model import NO_SAMPLE_CALL


def _no_calls(folder: Path, keep_called: int = 0) -> Path:
    lines = []
    called = 0
    with gzip.open(demo_dir() / "demo.vcf.gz", "rt") as handle:
        for line in handle:
            if line.startswith("#"):
                lines.append(line)
                continue
            fields = line.rstrip("\n").split("\t")
            if "SPIKED" in fields[7] and called < keep_called:  # the SOD1 A5V record keeps its call
                called += 1
            else:
                fields[8], fields[9] = "GT", "./."
            lines.append("\t".join(fields) + "\n")
    out = folder / "no_calls.vcf"
    out.write_text("".join(lines))
    return out


def test_only_no_calls_is_not_assessed(run_cli: Any, tmp_path: Path) -> None:
    vcf = _no_calls(tmp_path)
    out = tmp_path / "out"
    r = run_cli("report", "--vcf", vcf, "--no-pdf", "-q", "--outdir", out)
    # the report is written and exits 3, as `interpret` does on the same file (probecase, 2026-12-02)
    assert r.code == 3, r.stderr
    report = Report.model_validate_json((out / "report.json").read_text())
    assert report.genetics.genes_assessed == []
    assert report.genetics.not_covered_reasons["SOD1"] == NO_SAMPLE_CALL
    sod1 = next(i for i in report.items if i.key == "gene:SOD1")
    assert sod1.status == ItemState.NOT_ASSESSED and sod1.reason == NO_SAMPLE_CALL
    page1 = " ".join(s.text for s in report.summary if s.topic == "Genetics")
    assert "No pathogenic" not in page1 and "no called genotype" in page1
    assert any("no-call ('./.') at every one" in n.reason for n in report.not_assessed)
    assert contradictions(report) == []
    r = run_cli("interpret", vcf, "-o", tmp_path / "findings.json")
    assert r.code == 3, r.stderr


def test_one_called_record_among_no_calls_is_assessed(run_cli: Any, tmp_path: Path) -> None:
    vcf = _no_calls(tmp_path, keep_called=1)
    out = tmp_path / "out"
    r = run_cli("report", "--vcf", vcf, "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    report = Report.model_validate_json((out / "report.json").read_text())
    assert "SOD1" in report.genetics.genes_assessed
    assert any(f.gene == "SOD1" for t in report.genetics.tiers for f in t.findings)
