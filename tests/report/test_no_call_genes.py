"""A gene whose records are no-calls for the sample is not "assessed: no reportable variant".

Unseen case: the demo's real NA12878 chr21 calls with the sample's genotype set to a no-call ('./.') in the
records of one gene only (as a joint call set writes a sample whose capture missed that gene, or that failed there),
the other chr21 gene keeping its calls. Before the fix the whole-file check (every panel record a no-call) did not
fire, so the gene read "assessed: no reportable variant" and page 1 counted it among the genes with no pathogenic
variant; with some of its records no-calls it read "assessed" with nothing said of those positions."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from charcot.genome.panel import knowledge_panel
from charcot.model import Build
from charcot.report.consistency import contradictions
from charcot.report.demo import demo_dir
from charcot.report.model import ItemState, Report
from charcot.variants.model import NO_CALL_SITES_PREFIX, NO_SAMPLE_CALL_IN_GENE


def _gene_no_calls(folder: Path, gene: str, every: int = 1) -> tuple[Path, list[int]]:
    """The demo VCF with the sample's genotype a no-call at every ``every``-th record inside ``gene``'s region
    (the spiked SOD1 record kept called when ``every`` > 1); returns the file and the no-called positions."""
    g = next(x for x in knowledge_panel(Build.GRCh37, [gene]).genes)
    lines, blanked, seen = [], [], 0
    with gzip.open(demo_dir() / "demo.vcf.gz", "rt") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if not line.startswith("#") and g.region_start <= int(fields[1]) <= g.region_end:
                seen += 1
                if (every == 1 or "SPIKED" not in fields[7]) and seen % every == 0:
                    fields[8], fields[9] = "GT", "./."
                    blanked.append(int(fields[1]))
            lines.append("\t".join(fields) + "\n")
    out = folder / "gene_no_calls.vcf"
    out.write_text("".join(lines))
    assert blanked
    return out, blanked


def _report(run_cli: Any, vcf: Path, out: Path) -> Report:
    r = run_cli("report", "--vcf", vcf, "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    return Report.model_validate_json((out / "report.json").read_text())


def test_gene_with_only_no_calls_is_not_assessed(run_cli: Any, tmp_path: Path) -> None:
    vcf, _ = _gene_no_calls(tmp_path, "SOD1")
    report = _report(run_cli, vcf, tmp_path / "out")
    assert "SOD1" not in report.genetics.genes_assessed
    assert report.genetics.not_covered_reasons["SOD1"] == NO_SAMPLE_CALL_IN_GENE
    assert "CFAP410" in report.genetics.genes_assessed  # its calls were kept
    sod1 = next(i for i in report.items if i.key == "gene:SOD1")
    assert sod1.status == ItemState.NOT_ASSESSED and sod1.reason == NO_SAMPLE_CALL_IN_GENE
    assert not any(f.gene == "SOD1" for t in report.genetics.tiers for f in t.findings)
    assert any("SOD1" in n.what and "no-call" in n.reason for n in report.not_assessed)
    html = (tmp_path / "out" / "report.html").read_text()
    assert "SOD1 not assessed" in html
    assert contradictions(report) == []


def test_gene_with_some_no_calls_names_them(run_cli: Any, tmp_path: Path) -> None:
    vcf, blanked = _gene_no_calls(tmp_path, "SOD1", every=3)
    report = _report(run_cli, vcf, tmp_path / "out")
    assert "SOD1" in report.genetics.genes_assessed
    why = report.genetics.genes_partly_covered["SOD1"]
    assert why.startswith(NO_CALL_SITES_PREFIX) and f"{len(blanked)} of the" in why
    assert f"(chromosome 21, positions {blanked[0]:,}, " in why
    sod1 = next(i for i in report.items if i.key == "gene:SOD1")
    assert sod1.status == ItemState.ASSESSED and "no-call" in (sod1.result or "")
    assert any(why in n.reason for n in report.not_assessed)
    page1 = " ".join(s.text for s in report.summary if s.topic == "Genetics")
    assert "SOD1: the sample has a no-call" in page1
    assert any(f.gene == "SOD1" for t in report.genetics.tiers for f in t.findings)  # the spiked call still read
    assert contradictions(report) == []


def test_interpret_json_carries_the_gene_status(run_cli: Any, tmp_path: Path) -> None:
    import json

    vcf, _ = _gene_no_calls(tmp_path, "SOD1")
    r = run_cli("interpret", vcf, "-o", tmp_path / "f.json")
    assert r.code == 0, r.stderr
    data = json.loads((tmp_path / "f.json").read_text())
    assert "SOD1" in data["genes_not_covered"] and data["not_covered_reasons"]["SOD1"] == NO_SAMPLE_CALL_IN_GENE
    assert data["status"] == "partial"
