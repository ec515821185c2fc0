"""The family section names the variant of each de novo / segregation criterion (probe-fam review).

Before: report.json's family.segregation was the flat list of PS2/PP1/BS4 entries of every variant, without the
variant, and the HTML printed "PS2 (Strong): not a de novo call ..." (a strength for a criterion not applied). With
two variants in a trio the reader could not tell which verdict was whose. Real Scout trio (GATK exome calls)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from charcot.cli import app

DATA = Path(__file__).resolve().parents[1] / "data" / "report"


def test_family_evidence_names_its_variant_and_matches_the_finding(tmp_path: Path) -> None:
    out = tmp_path / "rep"
    result = CliRunner().invoke(app, ["report", "--vcf", str(DATA / "scout_643594_trio.vcf.gz"), "--ped",
                                      str(DATA / "scout_643594.ped"), "--proband", "ADM1059A2", "--sample",
                                      "ADM1059A2", "--no-pdf", "--outdir", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    seg = report["family"]["segregation"]
    assert seg
    genetics = report["genetics"]
    findings = genetics["not_reported"] + [f for t in genetics["tiers"] for f in t["findings"]]
    by_key = {f"{f['chrom']}-{f['pos']}-{f['ref']}-{f['alt']}": f for f in findings}
    html = (out / "report.html").read_text()
    for e in seg:
        finding = by_key[e["variant_key"]]  # every family criterion belongs to a reported variant
        assert e["variant"].startswith(finding["gene"])
        same = [x for x in finding["evidence"] if x["criterion"] == e["criterion"]]
        assert same and same[0]["applied"] == e["applied"] and same[0]["reason"] == e["reason"]  # one status
        state = f"applied ({e['strength']})" if e["applied"] else "not applied"
        assert f"{e['criterion']} {state}:" in html
    assert "PS2 (Strong): not a de novo" not in html


def test_relative_missing_from_the_vcf_is_said_in_the_family_section(tmp_path: Path) -> None:
    """Before: a PED naming the father 'adm1059a1' (the VCF: ADM1059A1) left him silently untested in the report;
    the family section said nothing, and the de novo line said 'both parents ... are not in the VCF'."""
    ped = tmp_path / "case.ped"
    ped.write_text((DATA / "scout_643594.ped").read_text().replace("ADM1059A1", "adm1059a1"))
    out = tmp_path / "rep"
    result = CliRunner().invoke(app, ["report", "--vcf", str(DATA / "scout_643594_trio.vcf.gz"), "--ped", str(ped),
                                      "--proband", "ADM1059A2", "--sample", "ADM1059A2", "--no-pdf", "--outdir",
                                      str(out)])
    assert result.exit_code == 0, result.output
    family = json.loads((out / "report.json").read_text())["family"]
    assert any("never as non-carriers: adm1059a1" in n and "(the VCF has ADM1059A1)" in n for n in family["notes"])
    ps2 = next(e for e in family["segregation"] if e["criterion"] == "PS2")
    assert not ps2["applied"] and "the father (adm1059a1) is not a sample of the VCF" in ps2["reason"]


def test_single_sample_vcf_with_a_pedigree_says_de_novo_was_not_assessed(tmp_path: Path) -> None:
    """Before: a PED with a single-sample VCF gave a family section with no de novo/segregation line at all (read as
    'nothing found'); the evidence needs the relatives' genotypes."""
    import pysam

    single = tmp_path / "proband.vcf"
    with pysam.VariantFile(str(DATA / "scout_643594_trio.vcf.gz")) as src:
        src.subset_samples(["ADM1059A2"])
        with pysam.VariantFile(str(single), "w", header=src.header) as dst:
            for rec in src:
                dst.write(rec)
    out = tmp_path / "rep"
    result = CliRunner().invoke(app, ["report", "--vcf", str(single), "--ped", str(DATA / "scout_643594.ped"),
                                      "--proband", "ADM1059A2", "--no-pdf", "--outdir", str(out)])
    assert result.exit_code == 0, result.output
    family = json.loads((out / "report.json").read_text())["family"]
    assert not family["segregation"]
    assert any("PS2/PM6" in n and "not assessed" in n for n in family["notes"])
