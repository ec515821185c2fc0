"""ClinVar submission and FHIR bundle exports, validated by ClinVar's own schema and by fhir.resources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from charcot.exports.clinvar import clinvar_submission, validation_errors
from charcot.exports.fhir import fhir_bundle, validate_bundle
from charcot.report.model import Report

DEMO = Path(__file__).resolve().parents[2] / "src" / "charcot" / "report" / "demo_data"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from charcot.cli import main

    root = tmp_path_factory.mktemp("exports")
    common = ["report", "--no-pdf", "--vcf", str(DEMO / "demo.vcf.gz"), "--clinical", str(DEMO / "demo_case.yaml")]
    sign = ["--sign-off", "final", "--reviewer", "A. Reviewer", "--role", "clinical geneticist", "--signed-on",
            "2026-11-30"]
    assert main([*common, "--outdir", str(root / "draft")]) == 0
    assert main([*common, *sign, "--outdir", str(root / "final")]) == 0
    # the demo's repeat file belongs to another person (named with --str-sample, its X ploidy gives another sex):
    # asked to be final, the report stays a draft
    assert main([*common, "--str", str(DEMO / "demo.str.vcf"), "--str-sample", "hugelymodelbat_lanes_1_sorted_md",
                 *sign, "--outdir", str(root / "mismatch")]) == 0
    return {"draft": root / "draft" / "report.json", "final": root / "final" / "report.json",
            "mismatch": root / "mismatch" / "report.json"}


def test_clinvar_submission_validates_and_carries_the_evidence(reports: dict[str, Path], run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "clinvar.json"
    r = run_cli("export", "clinvar", str(reports["final"]), "--affected", "yes", "-o", str(out))
    assert r.code == 0, r.stderr
    payload = json.loads(out.read_text())
    assert validation_errors(payload) == []
    report = Report.model_validate_json(reports["final"].read_text())
    classified = [f for t in report.genetics.tiers for f in t.findings if f.classification]
    subs = payload["germlineSubmission"]
    assert len(subs) == len(classified) >= 1
    sod1 = next(s for s in subs if s["variantSet"]["variant"][0].get("gene") == [{"symbol": "SOD1"}])
    finding = next(f for f in classified if f.gene == "SOD1")
    assert sod1["germlineClassification"]["germlineClassificationDescription"] == finding.classification
    coords = sod1["variantSet"]["variant"][0]["chromosomeCoordinates"]
    assert (coords["chromosome"], coords["start"], coords["referenceAllele"], coords["alternateAllele"]) == \
        (finding.chrom, finding.pos, finding.ref, finding.alt)
    for e in finding.evidence:
        if e.applied:
            assert e.criterion in sod1["germlineClassification"]["comment"]
    assert payload["assertionCriteria"] == {"db": "PubMed", "id": "25741868"}
    assert sod1["observedIn"][0]["affectedStatus"] == "yes"
    assert sod1["conditionSet"]["condition"][0]["db"] == "MONDO"
    # the date the lab last evaluated the classification is the reviewer's sign-off (--signed-on 2026-11-30), not the
    # day the report was computed (regression: the run date was submitted)
    assert report.signoff.signed_on is not None and report.run.run_time.date() != report.signoff.signed_on
    assert {s["germlineClassification"]["dateLastEvaluated"] for s in subs} == {"2026-11-30"}


def test_a_draft_report_is_never_submitted(reports: dict[str, Path], run_cli) -> None:  # type: ignore[no-untyped-def]
    for kind in ("draft", "mismatch"):  # a report with an identity mismatch cannot be final, so never submitted
        r = run_cli("export", "clinvar", str(reports[kind]))
        assert r.code == 2 and "draft" in r.stderr and "Traceback" not in r.stderr


def test_schema_catches_a_broken_payload(reports: dict[str, Path]) -> None:
    report = Report.model_validate_json(reports["final"].read_text())
    payload = clinvar_submission(report)
    payload["germlineSubmission"][0]["germlineClassification"]["germlineClassificationDescription"] = "Probably bad"
    assert any("Probably bad" in e for e in validation_errors(payload))


def test_fhir_bundle_parses_and_links_implications_to_variants(reports: dict[str, Path], run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "bundle.json"
    r = run_cli("export", "fhir", str(reports["final"]), "-o", str(out))
    assert r.code == 0, r.stderr
    bundle = json.loads(out.read_text())
    validate_bundle(bundle)
    resources = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    diag = next(r for r in resources.values() if r["resourceType"] == "DiagnosticReport")
    assert diag["status"] == "final"
    assert all(ref["reference"] in resources for ref in diag["result"])
    implications = [r for r in resources.values() if r.get("code", {}).get("coding", [{}])[0].get("code")
                    == "diagnostic-implication"]
    assert implications, "the SOD1 classification must be stated"
    for imp in implications:
        assert resources[imp["derivedFrom"][0]["reference"]]["code"]["coding"][0]["code"] == "69548-6"
    texts = json.dumps(bundle)
    assert "c.14C>T" in texts or "SOD1" in texts
    # each variant carries its GA4GH VRS Allele id, the same as report.json's (an identifier whose value is a URI)
    stored = Report.model_validate_json(reports["final"].read_text())
    findings = [f for t in stored.genetics.tiers for f in t.findings]
    assert findings and all(f.vrs is not None and f.vrs.status == "computed" for f in findings)
    variant_ids = {i["value"] for r in resources.values() if r.get("code", {}).get("coding", [{}])[0].get("code")
                   == "69548-6" for i in r.get("identifier", []) if i["system"] == "urn:ietf:rfc:3986"}
    assert variant_ids == {f.vrs.id for f in findings if f.vrs is not None}
    draft = fhir_bundle(Report.model_validate_json(reports["draft"].read_text()))
    assert next(e["resource"] for e in draft["entry"] if e["resource"]["resourceType"] == "DiagnosticReport")[
        "status"] == "preliminary"


def test_fhir_validation_rejects_a_malformed_bundle(reports: dict[str, Path]) -> None:
    from pydantic import ValidationError

    bundle = fhir_bundle(Report.model_validate_json(reports["final"].read_text()))
    bundle["entry"][0]["resource"]["birthDate"] = "not a date"
    with pytest.raises(ValidationError):
        validate_bundle(bundle)


def test_exports_carry_the_reports_status_and_words_not_internal_ids(reports: dict[str, Path]) -> None:
    """Re-check: a draft's results were 'final' Observations under a 'preliminary' DiagnosticReport; repeat
    categories and evidence sources left as charcot's internal ids (expanded_at_least_n, S-Cud97)."""
    from charcot.report.phenopacket import render_phenopacket

    for name, expected in (("final", "final"), ("draft", "preliminary"), ("mismatch", "preliminary")):
        bundle = fhir_bundle(Report.model_validate_json(reports[name].read_text()))
        statuses = {e["resource"]["status"] for e in bundle["entry"] if "status" in e["resource"]}
        assert statuses == {expected}, (name, statuses)
    report = Report.model_validate_json(reports["mismatch"].read_text())
    assert report.repeats.calls
    report.repeats.calls[0].status = "expanded_at_least_n"
    texts = [e["resource"]["valueCodeableConcept"].get("text") for e in fhir_bundle(report)["entry"]
             if e["resource"].get("note") and "repeat" in e["resource"]["note"][0]["text"]]
    assert "expanded" in texts and not any("_" in (t or "") for t in texts)
    packet = json.loads(render_phenopacket(report))
    extensions = [x for i in packet["interpretations"] for g in i["diagnosis"]["genomicInterpretations"]
                  for x in g["variantInterpretation"]["variationDescriptor"].get("extensions", [])]
    assert {"name": "repeat_status", "value": "expanded"} in extensions
    final = json.loads(render_phenopacket(Report.model_validate_json(reports["final"].read_text())))
    evidence = [json.loads(x["value"]) for i in final["interpretations"] for g in i["diagnosis"]["genomicInterpretations"]
                for x in g["variantInterpretation"]["variationDescriptor"].get("extensions", [])
                if x["name"] == "acmg_evidence"]
    cited = [s for e in evidence for s in e["sources"]]
    assert cited and not any(s.startswith("S-") for s in cited)
    assert any("https://pubmed.ncbi.nlm.nih.gov/25741868/" in s for s in cited)  # Richards 2015, behind PP4


def test_fhir_bundle_states_every_panel_gene_and_locus_assessed_or_not(reports: dict[str, Path]) -> None:
    """A gene the run could not assess was simply absent from the bundle, which a receiving system cannot tell
    from "no variant": each gene and repeat locus of the report's items is a RegionStudied with its one status."""
    report = Report.model_validate_json(reports["final"].read_text())
    bundle = fhir_bundle(report)
    validate_bundle(bundle)
    resources = [e["resource"] for e in bundle["entry"]]
    regions = [r for r in resources if r.get("code", {}).get("coding", [{}])[0].get("code") == "53041-0"]
    described = {}
    for r in regions:
        assert r["meta"]["profile"] == ["http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/region-studied"]
        text = next(c["valueString"] for c in r["component"] if c["code"]["coding"][0]["code"] == "81293-3")
        described[text.split(": ")[0], text.split(": ")[1]] = (text, r)
    what = {"gene": "small variants (SNVs, indels)", "repeat": "repeat expansion"}
    items = [i for i in report.items if i.kind in what]
    not_assessed = [i for i in items if i.status == "not_assessed"]
    assert not_assessed and len(not_assessed) < len(items), "the demo has items of both states"
    assert len(regions) == len(items) == len(described)
    for item in not_assessed:
        text, resource = described[item.name, what[item.kind]]
        assert "not assessed" in text and item.reason and item.reason in text
        assert "neither reported nor excluded" in resource["note"][0]["text"]
    sod1, _ = described["SOD1", what["gene"]]
    assert sod1.startswith("SOD1: small variants (SNVs, indels): assessed: p.(Ala5Val)")
    diag = next(r for r in resources if r["resourceType"] == "DiagnosticReport")
    assert "neither reported nor excluded" in diag["conclusion"] and "small variants (SNVs, indels) in " in diag["conclusion"] and "TARDBP" in diag["conclusion"]
    assert report.statement in diag["conclusion"]
    gene_ids = [c["valueCodeableConcept"]["coding"][0]["code"] for r in regions for c in r["component"]
                if c["code"]["coding"][0]["code"] == "48018-6"]
    assert all(g.startswith("HGNC:") for g in gene_ids) and len(gene_ids) == len(items)


@pytest.mark.parametrize("command", ["clinvar", "fhir"])
def test_a_file_that_is_not_a_report_is_named_once(run_cli, tmp_path: Path, command: str) -> None:  # type: ignore[no-untyped-def]
    """The error named the file twice ('x.json: x.json is not a charcot report.json ...')."""
    bad = tmp_path / "other.json"
    bad.write_text('{"x": 1}')
    r = run_cli("export", command, str(bad), "-o", str(tmp_path / "out.json"))
    assert r.code == 2 and "Traceback" not in r.stderr
    assert r.stderr.count(str(bad)) == 1, r.stderr
    assert "not a charcot report.json" in r.stderr and not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("command", ["clinvar", "fhir"])
@pytest.mark.parametrize("edit", ["no reviewer", "no date", "identity mismatch", "unknown state"])
def test_a_sign_off_charcot_did_not_write_is_never_exported_as_final(reports: dict[str, Path], run_cli,  # type: ignore[no-untyped-def]
                                                                     tmp_path: Path, command: str, edit: str) -> None:
    """A report.json marked final by hand (no reviewer, no date, over an identity mismatch, or a state that is
    neither draft nor final) was submitted to ClinVar and exported as a 'final' FHIR report (rc 0)."""
    source = reports["mismatch"] if edit == "identity mismatch" else reports["final"]
    data = json.loads(source.read_text())
    data["signoff"].update({"state": "final", "reviewer": "A. Reviewer", "signed_on": "2026-11-30"})
    if edit == "no reviewer":
        data["signoff"]["reviewer"] = None
    elif edit == "no date":
        data["signoff"]["signed_on"] = None
    elif edit == "unknown state":
        data["signoff"]["state"] = "FINAL"
    edited = tmp_path / "report.json"
    edited.write_text(json.dumps(data))
    out = tmp_path / "out.json"
    r = run_cli("export", command, str(edited), "-o", str(out))
    assert r.code == 2 and "Traceback" not in r.stderr, r.stderr
    assert "sign-off is not valid" in r.stderr and not out.exists()
    for kind in ("final", "draft"):  # what charcot signs (or leaves a draft) still exports
        assert run_cli("export", "fhir", str(reports[kind]), "-o", str(tmp_path / f"{kind}.json")).code == 0


def test_fhir_conclusion_carries_the_sample_identity_checks(reports: dict[str, Path]) -> None:
    # regression: the FHIR bundle said nothing of the report's identity checks, so a receiving system saw a
    # preliminary report whose repeat file gave another sex than the record as any other preliminary report
    for kind in ("mismatch", "final"):
        report = Report.model_validate_json(reports[kind].read_text())
        bundle = fhir_bundle(report)
        (diag,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "DiagnosticReport"]
        conclusion = diag["conclusion"]
        checks = report.identity.checks
        assert checks
        if report.identity.status == "mismatch":
            assert "Sample identity check failed" in conclusion
            for c in checks:
                if c.status == "mismatch":
                    assert f"{c.check}: {c.detail}" in conclusion
        else:
            assert "Sample identity check failed" not in conclusion
        for c in checks:
            if c.status == "not_assessed":
                assert f"{c.check}: {c.detail}" in conclusion and "not confirmed" in conclusion
            if c.status == "info":
                assert c.detail in conclusion
