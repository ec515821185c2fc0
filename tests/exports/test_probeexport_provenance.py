"""The Phenopacket and FHIR exports carry the provenance the HTML/PDF report carries (probeexport review).

Before: the phenopacket's MetaData named charcot's version and the knowledge base but no ClinVar/gnomAD release, no
input file and not the clinical-judgement statement; the FHIR bundle had no Provenance or Device at all, so a
receiving system could not tell which files and which releases a result came from. Now, in the fields the standards
provide: Phenopacket MetaData.resources (each resource of the report's table with its version) and
MetaData.externalReferences (each input's digest, name, size; the report with its software, knowledge snapshot and
statement); FHIR a Device (charcot, its version, the knowledge base and resources as versions) and a Provenance for
the DiagnosticReport (recorded, the device as assembler, the reviewer as verifier, every input as a source entity
identified by its digest, the statement as the reason).

Inputs: the demo case (real NA12878 calls, real ExpansionHunter file) and a ClinVar VCF with ClinVar's real release
header and fileDate (tests/data/variants/resources/SOURCES.md) holding the demo's SOD1 allele.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from variants.resourcebuild import clinvar_vcf

from charcot.exports.fhir import fhir_bundle
from charcot.model import Build
from charcot.report.build import build_report, sign
from charcot.report.demo import demo_inputs
from charcot.report.model import Report
from charcot.report.phenopacket import render_phenopacket, validate_phenopacket_json

REVIEWED = {"CLNSIG": "Pathogenic", "CLNREVSTAT": "criteria_provided,_multiple_submitters,_no_conflicts"}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    folder = tmp_path_factory.mktemp("clinvar")
    cv = clinvar_vcf(folder / "clinvar_20240107.vcf.gz", [("21", 33032096, "C", "T", "900010", REVIEWED)],
                     build=Build.GRCh37, file_date="2024-01-07")
    built = build_report(replace(demo_inputs(), clinvar=cv, str_vcf=None, str_sample=None))
    return sign(built, state="final", reviewer="A. Reviewer", role="clinical geneticist", on=date(2026, 12, 2))


def test_report_has_what_the_exports_must_carry(report: Report) -> None:
    roles = {i.role for i in report.header.inputs}
    assert {"vcf", "clinvar", "ped", "clinical", "ages"} <= roles
    assert any(r.name == "ClinVar" and "2024-01-07" in r.version for r in report.header.resources)


def test_phenopacket_metadata_carries_the_report_provenance(report: Report) -> None:
    text = render_phenopacket(report)
    validate_phenopacket_json(text)  # the real schema: unknown fields are errors
    meta = json.loads(text)["metaData"]
    assert meta["createdBy"] == f"charcot {report.header.software_version}"
    resources = {r["id"]: r for r in meta["resources"]}
    assert resources["charcot-kb"]["version"] == report.header.knowledge_version
    assert report.header.knowledge_snapshot.isoformat() in resources["charcot-kb"]["name"]
    assert "2024-01-07" in resources["clinvar"]["version"]
    refs = {r["id"]: r for r in meta["externalReferences"]}
    for i in report.header.inputs:
        ref = refs[f"{i.checksum_method}:{i.sha256}"]
        assert ref["reference"] == i.path and f"{i.size_bytes:,} bytes" in ref["description"]
    about = refs[f"charcot:report/{report.header.report_id}"]["description"]
    assert report.statement in about and report.header.knowledge_snapshot.isoformat() in about
    assert "/" not in "".join(r["reference"] for r in meta["externalReferences"])  # file names, never paths


def test_fhir_bundle_has_provenance_and_device(report: Report) -> None:
    bundle = fhir_bundle(report)  # parsed by fhir.resources R4B: no invented field survives
    resources = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    (prov,) = [r for r in resources.values() if r["resourceType"] == "Provenance"]
    (device,) = [r for r in resources.values() if r["resourceType"] == "Device"]
    (diag_url,) = [u for u, r in resources.items() if r["resourceType"] == "DiagnosticReport"]
    assert prov["target"] == [{"reference": diag_url}]
    assert prov["recorded"] == report.run.run_time.isoformat()
    who = {a["type"]["coding"][0]["code"]: a["who"] for a in prov["agent"]}
    assert resources[who["assembler"]["reference"]] is device and "A. Reviewer" in who["verifier"]["display"]
    entities = {e["what"]["identifier"]["value"]: e["what"]["display"] for e in prov["entity"]}
    for i in report.header.inputs:
        assert i.path in entities[f"{i.checksum_method}:{i.sha256}"]
    assert report.statement in prov["reason"][0]["text"]
    versions = {v["type"]["text"]: v["value"] for v in device["version"]}
    assert versions["software"] == report.header.software_version
    assert versions["charcot knowledge base"].startswith(report.header.knowledge_version)
    assert "2024-01-07" in versions["ClinVar"]


def test_export_command_writes_them(report: Report, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "report.json"
    source.write_text(report.model_dump_json())
    r = run_cli("export", "fhir", str(source), "-o", str(tmp_path / "b.json"))
    assert r.code == 0, r.stderr
    kinds = [e["resource"]["resourceType"] for e in json.loads((tmp_path / "b.json").read_text())["entry"]]
    assert kinds.count("Provenance") == 1 and kinds.count("Device") == 1
