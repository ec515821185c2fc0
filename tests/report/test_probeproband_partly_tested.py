"""Reviewer probe (proband, 2026-12-02): a gene assessed only in part is not 'no variant found' for a therapy.

Unseen case: the demo's real NA12878 calls with the spiked SOD1 p.Ala5Val, its genotype made a no-call ('./.', as a
caller writes a site it could not genotype), through the real command line, country US. The report said for SOD1 "the
sample has a no-call ('./.') at 1 of the 11 VCF records in SOD1 (position 33,032,096): a variant at that position cannot
be told apart from no variant", while the therapy matching read the gene as tested: tofersen "no SOD1 variant
classified at least LP was found by the genetic test", not eligible and not shown, for a person whose A4V was right
there. The matching now reads a gene assessed in part as what it is: its gene criteria are unknown, naming the part."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from charcot.report.consistency import contradictions
from charcot.report.demo import demo_dir
from charcot.report.model import Report

A4V_POS = 33_032_096


def _no_call_at_a4v(folder: Path) -> Path:
    import pysam

    with pysam.VariantFile(str(demo_dir() / "demo.vcf.gz")) as source:
        header = str(source.header)
        lines = []
        for record in source:
            if record.pos == A4V_POS:
                for sample in record.samples:
                    record.samples[sample]["GT"] = (None, None)
            lines.append(str(record))
    plain = folder / "demo_a4v_nocall.vcf"
    plain.write_text(header + "".join(lines))
    out = folder / "demo_a4v_nocall.vcf.gz"
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return out


def test_a_gene_assessed_in_part_leaves_its_therapy_undecided(run_cli: Any, tmp_path: Path) -> None:
    vcf = _no_call_at_a4v(tmp_path)
    out = tmp_path / "out"
    r = run_cli("report", "--vcf", vcf, "--country", "US", "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    report = Report.model_validate_json((out / "report.json").read_text())
    assert "SOD1" in report.genetics.genes_partly_covered
    tofersen = next((t for t in report.therapies.items if t.name.startswith("Tofersen (Qalsody)")), None)
    assert tofersen is not None, "tofersen is not shown"
    crit = next(c for c in tofersen.criteria if c.text.startswith("SOD1"))
    assert crit.state == "unknown" and "assessed only in part" in crit.text, crit
    assert "was found by the genetic test" not in crit.text
    assert tofersen.group == "check", tofersen
    assert contradictions(report) == []


def test_a_gene_assessed_whole_still_says_no_variant(run_cli: Any, tmp_path: Path) -> None:
    """The same calls with the A4V record removed altogether: SOD1 is assessed whole and has no variant, so tofersen's
    gene criterion fails as before (a VCF without a record at a covered position is the reference there)."""
    import pysam

    with pysam.VariantFile(str(demo_dir() / "demo.vcf.gz")) as source:
        text = str(source.header) + "".join(str(rec) for rec in source if rec.pos != A4V_POS)
    plain = tmp_path / "no_a4v.vcf"
    plain.write_text(text)
    vcf = tmp_path / "no_a4v.vcf.gz"
    pysam.tabix_compress(str(plain), str(vcf), force=True)
    pysam.tabix_index(str(vcf), preset="vcf", force=True)
    out = tmp_path / "out"
    r = run_cli("report", "--vcf", vcf, "--country", "US", "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    report = Report.model_validate_json((out / "report.json").read_text())
    assert "SOD1" not in report.genetics.genes_partly_covered and "SOD1" in report.genetics.genes_assessed
    tofersen = next(m for m in report.analyses["therapy"]["therapies"] if m["id"] == "tofersen")
    crit = next(c for c in tofersen["criteria"] if c["id"] == "sod1_plp")
    assert crit["status"] == "failed" and "was found by the genetic test" in crit["reason"], crit
