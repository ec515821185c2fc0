"""The FHIR bundle and the phenopacket say what the report says of each variant and of the patient
(probeexport review).

Before: a coding SOD1 variant charcot could not classify (consequence unknown; the HTML lists it and page 1 says
to annotate and re-run) had no variant Observation in FHIR and no GenomicInterpretation in the phenopacket, whose
progress read UNSOLVED; the demo's known pathogenic SOD1 call left out by its FILTER (page 1: an alert to review and
confirm it) was absent from both but for a region sentence, and the phenopacket read UNSOLVED; the FHIR Patient had
no sex and no death although the report's header states both. Inputs: the demo's real NA12878 VCF, its spiked SOD1
record moved to an exon-2 position no knowledge-base entry names (as tests/report/test_unclassified_therapy.py) or
given a FILTER its header declares (as tests/report/test_excluded_calls.py).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from variants.resourcebuild import write_indexed

from charcot.exports.clinvar import clinvar_submission
from charcot.exports.fhir import fhir_bundle
from charcot.report.build import CaseInputs, build_report
from charcot.report.demo import demo_dir, demo_inputs
from charcot.report.model import Report
from charcot.report.phenopacket import render_phenopacket

D = demo_dir()


def _demo_lines() -> list[str]:
    with gzip.open(D / "demo.vcf.gz", "rt") as handle:
        return handle.read().splitlines()


def _unclassified_sod1(tmp_path: Path) -> Path:
    out = [line.replace("chr21\t33032096\t.\tC\tT\t", "chr21\t33036150\t.\tG\tA\t") for line in _demo_lines()]
    head = [x for x in out if x.startswith("#")]
    body = sorted((x for x in out if not x.startswith("#")), key=lambda x: (x.split("\t")[0], int(x.split("\t")[1])))
    return write_indexed(tmp_path / "unclassified.vcf.gz", head, body)


def _filtered_sod1(tmp_path: Path) -> Path:
    lines = []
    for line in _demo_lines():
        fields = line.split("\t")
        if not line.startswith("#") and "SPIKED" in fields[7]:
            fields[6] = "LowConfidence"
        lines.append("\t".join(fields))
    out = tmp_path / "filtered.vcf"
    out.write_text("\n".join(lines) + "\n")
    return out


def _fhir(report: Report) -> list[dict]:  # type: ignore[type-arg]
    return [e["resource"] for e in fhir_bundle(report)["entry"]]


def _variant_observations(resources: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    return [r for r in resources if r["resourceType"] == "Observation"
            and r["meta"]["profile"][0].endswith("/variant") and r.get("code", {}).get("coding", [{}])[0].get("code")
            == "69548-6" and any(c.get("valueString") for c in r["component"])]


def test_unclassified_variant_is_in_both_exports_without_a_class(tmp_path: Path) -> None:
    report = build_report(CaseInputs(vcf=_unclassified_sod1(tmp_path), clinical=D / "demo_case.yaml"))
    (f,) = report.genetics.not_classified
    resources = _fhir(report)
    (obs,) = [o for o in _variant_observations(resources)
              if any(c.get("valueRange", {}).get("low", {}).get("value") == f.pos for c in o["component"])]
    assert obs["note"][0]["text"].startswith("Not classified")
    implications = [r for r in resources if r.get("code", {}).get("coding", [{}])[0].get("code") ==
                    "diagnostic-implication"]
    assert implications == []  # never a class (VUS, benign) for a variant charcot did not classify
    packet = json.loads(render_phenopacket(report))
    (interp,) = packet["interpretations"]
    gis = interp["diagnosis"]["genomicInterpretations"]
    (gi,) = [g for g in gis if g["variantInterpretation"]["variationDescriptor"].get("vcfRecord", {}).get("pos")
             == str(f.pos)]
    assert gi.get("interpretationStatus", "UNKNOWN_STATUS") == "UNKNOWN_STATUS"  # protobuf JSON omits the default
    assert gi["variantInterpretation"].get("acmgPathogenicityClassification", "NOT_PROVIDED") == "NOT_PROVIDED"
    assert gi["variantInterpretation"]["variationDescriptor"]["description"].startswith("Not classified")
    assert interp["progressStatus"] == "IN_PROGRESS"  # not UNSOLVED: a variant awaits classification


def test_left_out_coding_call_is_in_both_exports(tmp_path: Path) -> None:
    report = build_report(CaseInputs(vcf=_filtered_sod1(tmp_path), clinical=D / "demo_case.yaml"))
    (ex,) = report.genetics.excluded_calls
    assert ex.known_pathogenic and ex.coding_or_splice
    diag = next(r for r in _fhir(report) if r["resourceType"] == "DiagnosticReport")
    assert f"SOD1 {ex.chrom}:{ex.pos} {ex.ref}>{ex.alt}" in diag["conclusion"] and ex.why in diag["conclusion"]
    packet = json.loads(render_phenopacket(report))
    (interp,) = packet["interpretations"]
    descs = [g["variantInterpretation"]["variationDescriptor"] for g in interp["diagnosis"]["genomicInterpretations"]]
    (left,) = [d for d in descs if d["id"] == f"excluded:{ex.chrom}-{ex.pos}-{ex.ref}-{ex.alt}"]
    assert "left out by the run (FILTER LowConfidence)" in left["description"]
    assert interp["progressStatus"] == "IN_PROGRESS"


def test_fhir_patient_has_the_reports_sex_and_death() -> None:
    demo_report = build_report(demo_inputs())
    patient = next(r for r in _fhir(demo_report) if r["resourceType"] == "Patient")
    assert demo_report.header.sex == "female" and patient["gender"] == "female"
    dead = demo_report.model_copy(deep=True)
    dead.header.death_date = dead.run.run_time.date()
    patient = next(r for r in _fhir(dead) if r["resourceType"] == "Patient")
    assert patient["deceasedDateTime"] == dead.header.death_date.isoformat()


def test_clinvar_never_submits_an_unclassified_or_left_out_call(tmp_path: Path) -> None:
    for vcf in (_unclassified_sod1(tmp_path), _filtered_sod1(tmp_path)):
        report = build_report(CaseInputs(vcf=vcf))
        try:
            payload = clinvar_submission(report)
        except Exception as exc:  # nothing classified to submit: refused in words
            assert "no classified variant" in str(exc)
            continue
        positions = {s["variantSet"]["variant"][0]["chromosomeCoordinates"]["start"]
                     for s in payload["germlineSubmission"]}
        assert 33036150 not in positions and 33032096 not in positions
