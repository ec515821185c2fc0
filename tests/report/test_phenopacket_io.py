"""Phenopacket out (diagnosis from the case, never SOLVED by itself, HPO labels, ALSFRS-R measurements, VCF
record and HGVS) and in (variants, family and phenotypes feed the same pipeline)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from charcot.report.build import CaseInputs, build_report
from charcot.report.demo import demo_inputs
from charcot.report.model import Report
from charcot.report.phenopacket import render_phenopacket, validate_phenopacket_json


def test_export_reads_the_case(demo_report: Report) -> None:
    text = render_phenopacket(demo_report)
    validate_phenopacket_json(text)  # the phenopackets library parses it back unchanged
    packet = json.loads(text)
    assert packet["diseases"] == [{"term": {"id": "MONDO:0004976", "label": "amyotrophic lateral sclerosis"}}]
    interpretation = packet["interpretations"][0]
    assert interpretation["progressStatus"] == "IN_PROGRESS"  # a candidate awaits confirmation: never SOLVED
    statuses = {g.get("interpretationStatus", "UNKNOWN_STATUS") for g in interpretation["diagnosis"]["genomicInterpretations"]}
    assert "CAUSATIVE" not in statuses and "CANDIDATE" in statuses
    scores = [m["value"]["quantity"]["value"] for m in packet["measurements"]]
    assert scores == [float(v.alsfrs_r) for v in demo_report.clinical.visits if v.alsfrs_r is not None]
    for gi in interpretation["diagnosis"]["genomicInterpretations"]:
        desc = gi["variantInterpretation"]["variationDescriptor"]
        if not desc["id"].startswith("repeat:"):
            assert desc["vcfRecord"]["genomeAssembly"] == "GRCh37"


def test_hgvs_from_the_annotation_goes_into_the_descriptor(scout_report: Report) -> None:
    packet = json.loads(render_phenopacket(scout_report))
    findings = [f for t in scout_report.genetics.tiers if t.number in (1, 2) for f in t.findings]
    descriptors = {gi["variantInterpretation"]["variationDescriptor"]["id"]: gi["variantInterpretation"]["variationDescriptor"]
                   for i in packet.get("interpretations", []) for gi in i["diagnosis"]["genomicInterpretations"]}
    for f in findings:
        expressions = {e["syntax"]: e["value"] for e in descriptors[f.key].get("expressions", [])}
        if f.hgvs_c:
            assert expressions["hgvs.c"].endswith(f.hgvs_c)
        if f.hgvs_p:
            assert expressions["hgvs.p"] == f.hgvs_p


def test_no_diagnosis_is_never_als_and_hpo_labels_come_from_the_ontology(tmp_path: Path) -> None:
    from charcot.report.demo import demo_dir

    report = build_report(CaseInputs(vcf=demo_dir() / "demo.vcf.gz", hpo=["HP:0001369"]))
    packet = json.loads(render_phenopacket(report))
    assert "diseases" not in packet
    assert packet["interpretations"][0]["diagnosis"]["disease"]["id"] != "MONDO:0004976"
    feature = packet["phenotypicFeatures"][0]["type"]
    assert feature["id"] == "HP:0001369" and feature["label"] == "Arthritis"  # not the id repeated


def test_imported_phenopacket_variants_disease_and_phenotypes_feed_the_pipeline(demo_report: Report,
                                                                                  tmp_path: Path) -> None:
    packet = json.loads(render_phenopacket(demo_report))
    packet["diseases"] = [{"term": {"id": "HP:0001369", "label": "Arthritis"}}]  # a non-ALS diagnosis
    packet["phenotypicFeatures"] = [{"type": {"id": "HP:0001369", "label": "Arthritis"}}]
    path = tmp_path / "in.json"
    path.write_text(json.dumps(packet))
    again = build_report(CaseInputs(phenopacket=path))
    # the VCF records of the packet were interpreted (partial: the demo VCF covers chr21 only)
    assert again.genetics.status.value == "partial" and "SOD1" in again.genetics.genes_assessed
    a4v = [f for t in again.genetics.tiers for f in t.findings if f.key == "21-33032096-C-T"]
    assert a4v and a4v[0].zygosity == "heterozygous"
    assert again.header.diagnosis == "Arthritis" and again.header.hpo_terms == ["HP:0001369"]
    assert [i.role for i in again.header.inputs] == ["phenopacket"]  # no temporary file in the provenance
    out = json.loads(render_phenopacket(again))
    assert out["diseases"][0]["term"]["id"] == "HP:0001369"  # the case's diagnosis, not ALS
    assert out["interpretations"][0]["diagnosis"]["disease"]["id"] == "HP:0001369"


def test_export_without_findings_is_unsolved() -> None:
    from charcot.report.demo import demo_dir

    report = build_report(replace(demo_inputs(), vcf=None, str_vcf=None, str_sample=None, ped=None, ages=None,
                                  clinical=demo_dir() / "demo_case.yaml"))
    packet = json.loads(render_phenopacket(report))
    assert all(i["progressStatus"] != "SOLVED" for i in packet.get("interpretations", []))


def test_the_hpo_release_the_terms_were_checked_against_is_named(tmp_path: Path) -> None:
    # regression: the phenopacket gave the HPO resource version "unspecified" and the report's provenance did not name
    # the HPO release at all, although each term was checked (and PP4 decided) against one release of it
    from charcot.acmg.phenotype import ontology_version
    from charcot.report.demo import demo_dir
    from charcot.report.render_html import render_html

    release = ontology_version()
    report = build_report(CaseInputs(vcf=demo_dir() / "demo.vcf.gz", hpo=["HP:0007354"]))
    (hpo,) = [r for r in report.header.resources if r.name == "Human Phenotype Ontology"]
    assert hpo.version == release
    packet = json.loads(render_phenopacket(report))
    (hp,) = [r for r in packet["metaData"]["resources"] if r["id"] == "hp"]
    assert hp["version"] == release
    assert f"Human Phenotype Ontology</td><td>{release}" in render_html(report).replace("\n", "")
    # no HPO term given: the ontology was not used, so its release is not claimed (the phenopacket lists no HP term)
    plain = build_report(CaseInputs(vcf=demo_dir() / "demo.vcf.gz"))
    assert not [r for r in plain.header.resources if r.name == "Human Phenotype Ontology"]
