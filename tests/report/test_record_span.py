"""A VCF cut to a region: every section reads the genes' one status (regression: a panel gene outside the span of
the file's records on its chromosome read 'assessed: no reportable variant' on page 1, in the genetics table, the
appendix, report.json, FHIR RegionStudied and the phenopacket). The report is the suite's 'VCF cut inside SOD1'
(tests/report/conftest.py): the demo's real NA12878 chr21 calls (hg19) cut to POS < 33,036,000, so the records end
inside SOD1, after its spiked A5V call, and CFAP410 (45.7 Mb) lies past them."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pysam

from charcot.exports.fhir import fhir_bundle
from charcot.report.build import CaseInputs, build_report
from charcot.report.consistency import contradictions
from charcot.report.demo import demo_dir
from charcot.report.model import ItemState, Report
from charcot.report.phenopacket import render_phenopacket
from charcot.report.render_html import render_html
from charcot.report.render_json import render_json
from tests.report.conftest import FIXED, demo_vcf_cut


def _region_text(bundle: dict[str, object], gene: str) -> str:
    for entry in bundle["entry"]:  # type: ignore[attr-defined]
        resource = entry["resource"]
        for comp in resource.get("component", []):
            text = comp.get("valueString", "")
            if text.startswith(f"{gene}: "):
                return str(text) + " " + " ".join(n["text"] for n in resource.get("note", []))
    raise AssertionError(f"no RegionStudied for {gene}")


def test_every_section_says_a_gene_outside_the_records_is_not_assessed(every_report: dict[str, Report]) -> None:
    report = every_report["VCF cut inside SOD1"]
    assert contradictions(report) == []
    genetics = report.genetics
    why = genetics.not_covered_reasons["CFAP410"]
    assert "CFAP410" in genetics.genes_not_covered and "CFAP410" not in genetics.genes_assessed
    # first record's POS to the end of the last one (a deletion of the sample in SOD1: its end, not its POS)
    with pysam.VariantFile(str(demo_dir() / "demo.vcf.gz")) as vcf:
        kept = [(r.pos, r.stop) for r in vcf if r.pos < 33_036_000]
    assert kept[-1][1] > kept[-1][0]
    assert why.startswith(f"the VCF's records on chromosome 21 span {kept[0][0]:,}-{kept[-1][1]:,} only: CFAP410 (")
    assert why.endswith("lies outside them")
    items = {i.key: i for i in report.items}
    assert items["gene:CFAP410"].status == ItemState.NOT_ASSESSED and items["gene:CFAP410"].reason == why
    # page 1
    page1 = [s.text for s in report.summary if s.topic == "Genetics"]
    assert any("ALS genes not assessed" in t and "outside the stretch of their chromosome" in t for t in page1)
    # the rendered report: genetics status line, the item list and the appendix
    text = html.unescape(render_html(report))
    genetics_html = text.split('<section id="genetics"', 1)[1].split("</section>", 1)[0]
    assert "they lie outside the stretch of their chromosome that the VCF's records span" in genetics_html
    assert why in text
    # report.json
    data = json.loads(render_json(report))
    (item,) = [i for i in data["items"] if i["key"] == "gene:CFAP410"]
    assert item["status"] == "not_assessed" and item["reason"] == why
    assert data["genetics"]["not_covered_reasons"]["CFAP410"] == why
    # FHIR RegionStudied and the phenopacket's interpretation summary
    bundle = fhir_bundle(report)
    assert f"CFAP410: small variants (SNVs, indels): not assessed ({why})" in _region_text(bundle,
                                                                                                      "CFAP410")
    packet = json.loads(render_phenopacket(report))
    summary = packet["interpretations"][0]["summary"]
    assert "ALS genes not assessed" in summary and "outside the stretch of their chromosome" in summary


def test_every_section_says_the_part_of_a_gene_past_the_records_was_not_assessed(
        every_report: dict[str, Report]) -> None:
    report = every_report["VCF cut inside SOD1"]
    genetics = report.genetics
    why = genetics.genes_partly_covered["SOD1"]
    assert "SOD1" in genetics.genes_assessed and "lies partly outside them" in why
    # the spiked A5V call, read inside the span, is still a tier-1 finding
    assert any(f.gene == "SOD1" for f in genetics.tiers[0].findings)
    item = {i.key: i for i in report.items}["gene:SOD1"]
    assert item.status == ItemState.ASSESSED and "its part outside them was not assessed" in (item.result or "")
    assert any(t.startswith("SOD1: the VCF's records end inside this gene") for t in
               (s.text for s in report.summary))
    assert any(why in n.reason and "SOD1" in n.what for n in report.not_assessed)
    assert "its part outside them was not assessed" in _region_text(fhir_bundle(report), "SOD1")
    assert why in html.unescape(render_html(report))


def test_a_file_ending_before_the_only_genes_it_could_speak_for_assesses_nothing(tmp_path: Path) -> None:
    """The demo cut before SOD1: chr21 is the only chromosome with records, and both its panel genes lie past them."""
    report = build_report(CaseInputs(vcf=demo_vcf_cut(tmp_path, 33_000_000), run_time=FIXED))
    assert contradictions(report) == []
    assert report.genetics.status.value == "not_assessed" and not report.genetics.genes_assessed
    items = {i.key: i for i in report.items}
    for gene in ("SOD1", "CFAP410"):
        assert items[f"gene:{gene}"].status == ItemState.NOT_ASSESSED
        assert "lies outside them" in (items[f"gene:{gene}"].reason or "")
    assert "no panel gene could be assessed" in (items["gene:panel"].reason or "")


def test_page_one_groups_the_genes_outside_the_records_into_one_alert() -> None:
    # A real targeted-panel VCF (tests/data/variants/pfeiffer_panel.vcf.gz, 100 records on 19 chromosomes): 29 panel
    # genes lie outside the stretch of their chromosome its records span. Page 1's alerts gave each its own line
    # (its coordinates), 29 lines before the first clinical alert; they now share one line naming them, and each
    # gene's own sentence stays in What was not assessed.
    report = build_report(CaseInputs(vcf=Path(__file__).parents[1] / "data" / "variants" / "pfeiffer_panel.vcf.gz"))
    reasons = report.genetics.not_covered_reasons
    outside = sorted(g for g, why in reasons.items() if why.endswith("lies outside them"))
    assert len(outside) > 12
    text = html.unescape(render_html(report))
    alerts = text.split('<ul class="alerts">', 1)[1].split("</ul>", 1)[0]
    lines = [line for line in alerts.split("<li>") if "ALS genes not assessed" in line or " not assessed: " in line]
    grouped = [line for line in lines if "outside the stretch" in line or "lies outside them" in line]
    assert len(grouped) == 1 and grouped[0].startswith(f"{len(outside)} ALS genes not assessed: they lie outside")
    assert all(g in grouped[0] for g in outside[:12]) and f"and {len(outside) - 12} more" in grouped[0]
    appendix = text.split('id="not-assessed"', 1)[1]
    assert all(reasons[g] in text for g in outside) and reasons[outside[0]] not in alerts
    assert "What was not assessed" in text and appendix
    assert contradictions(report) == []
