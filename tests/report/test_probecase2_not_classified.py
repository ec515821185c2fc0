"""Reviewer probe (probecase, 2026-12-02): page 1 never says "no pathogenic variant" of variants it could not classify.

Unseen case: Exomiser's real Pfeiffer exome VCF (GRCh37, no VEP/SnpEff/bcftools annotation), so most coding and
splice-region variants in the panel genes have no known consequence and are not classified. Before the fix page 1
read "No pathogenic or likely pathogenic small variant in the 39 genes assessed" above "23 coding or splice-region
variant(s) not classified (consequence unknown) in ALS2, ..., TBK1": a variant whose consequence is unknown may be
pathogenic, so the first line is more certain than its evidence (a call left out by its FILTER already read "among
the calls classified")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from charcot.report.consistency import contradictions
from charcot.report.model import Report

PFEIFFER = Path(__file__).parents[1] / "data" / "variants" / "pfeiffer_panel.vcf.gz"


def test_no_pathogenic_variant_is_said_of_the_classified_variants_only(run_cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = run_cli("report", "--vcf", PFEIFFER, "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    report = Report.model_validate_json((out / "report.json").read_text())
    n = len(report.genetics.not_classified)
    assert n > 0
    line = next(s.text for s in report.summary if s.topic == "Genetics" and s.text.startswith("No pathogenic"))
    assert "among the variants classified" in line and f"{n} coding or splice-region variant" in line, line
    assert contradictions(report) == []
    told = report.model_copy(deep=True)
    said = next(s for s in told.summary if s.topic == "Genetics" and s.text.startswith("No pathogenic"))
    said.text = "No pathogenic or likely pathogenic small variant in the 39 genes assessed; this does not exclude a genetic cause."
    assert any("not classified" in p for p in contradictions(told)), contradictions(told)
