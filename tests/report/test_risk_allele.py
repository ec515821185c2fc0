"""A risk-gene variant's low-penetrance category (ClinGen) reaches every output that states the variant's class.

Regression: the findings JSON said "established risk allele" for NEK1 p.(Arg261His), while the report (and the
ClinVar export built from it) carried only the Mendelian class, so the variant read as uncertain or benign."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from acmg.test_gene_specs import _csq
from variants.vcfbuild import Rec, exon, write_vcf

from charcot.exports.clinvar import clinvar_submission
from charcot.report.build import CaseInputs, build_report
from charcot.report.render_html import render_html


def _nek1_r261h(tmp_path: Path) -> Path:
    chrom, start, end, _ = exon("NEK1", 8)
    pos = (start + end) // 2
    return write_vcf(tmp_path / "nek1.vcf.gz", [Rec(chrom, pos, "C", "T", info={"CSQ": _csq(
        "T", "NEK1", "missense_variant", "p.(Arg261His)", "261")})], csq=True)


def test_report_states_the_risk_allele_category(tmp_path: Path) -> None:
    report = build_report(CaseInputs(vcf=_nek1_r261h(tmp_path)))
    f = next(f for t in report.genetics.tiers for f in t.findings if f.gene == "NEK1")
    assert f.risk_allele == "established risk allele"
    assert f.risk_allele_reason and "genome-wide significance" in f.risk_allele_reason
    assert "S-Ken16" in f.sources
    assert "NEK1-R261H" not in f.risk_allele_reason  # the knowledge-base class id is not reader text
    assert "S-Ken16" in f.risk_allele_sources
    # page 1 names it, whatever the Mendelian class's tier
    assert any(s.topic == "Genetics" and "established risk allele" in s.text for s in report.summary)
    html = render_html(report)
    assert "NEK1 p.Arg261His is associated" in html and "Kenna" in html  # stated with its citation
    assert html.count("established risk allele") >= 2  # key findings and the variant's row
    # the JSON of the report says it once, on the finding
    data = json.loads(report.model_dump_json())
    row = next(x for t in data["genetics"]["tiers"] for x in t["findings"] if x["gene"] == "NEK1")
    assert row["risk_allele"] == "established risk allele"


def test_clinvar_export_submits_the_risk_allele_term(tmp_path: Path) -> None:
    report = build_report(CaseInputs(vcf=_nek1_r261h(tmp_path)))
    payload = clinvar_submission(report, evaluated=date(2026, 11, 30))
    sub = next(s for s in payload["germlineSubmission"] if s["variantSet"]["variant"][0].get("gene") == [{"symbol": "NEK1"}])
    assert sub["germlineClassification"]["germlineClassificationDescription"] == "Established risk allele"
    assert "Mendelian class" in sub["germlineClassification"]["comment"]


def test_fhir_and_phenopacket_state_the_risk_allele(tmp_path: Path) -> None:
    from charcot.exports.fhir import fhir_bundle
    from charcot.report.phenopacket import render_phenopacket

    report = build_report(CaseInputs(vcf=_nek1_r261h(tmp_path)))
    notes = [n["text"] for e in fhir_bundle(report)["entry"] for n in e["resource"].get("note", [])]
    assert any("established risk allele" in n for n in notes)
    packet = json.loads(render_phenopacket(report))
    extensions = [x for i in packet["interpretations"] for g in i["diagnosis"]["genomicInterpretations"]
                  for x in g.get("variantInterpretation", {}).get("variationDescriptor", {}).get("extensions", [])]
    assert any(x["name"] == "risk_allele" and x["value"].startswith("established risk allele") for x in extensions)
