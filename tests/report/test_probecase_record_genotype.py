"""Reviewer probe (probe-case): the clinical record's own genetic results (an outside laboratory's) reach the report.

Unseen case: ALS-FTD with bulbar onset, one visit, whose record states a C9orf72 expansion and SOD1 p.Ala5Val
(Pathogenic) from a laboratory, with no VCF or repeat-caller file. Before the fix the report's ENCALS prognosis used
the record's C9orf72 expansion while page 1 and the repeat item said "C9orf72 repeat NOT assessed ... test C9orf72 by
repeat-primed PCR", page 1 said the prognosis included no genotype, the SOD1 result appeared nowhere, and tofersen
was missing from the therapies, while `charcot therapies` on the same record listed it as eligible."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from charcot.report.consistency import contradictions
from charcot.report.model import Report

_RECORD = """id: CASE-LAB-01
sex: female
date_of_birth: 1961-07-19
onset: {date: 2025-10-01, region: bulbar}
diagnosis: {date: 2026-06-15, el_escorial_at_diagnosis: definite}
premorbid_weight_kg: 60.0
ftd: true
genotype:
  c9orf72_status: expanded
  findings:
    - {gene: SOD1, variant: p.Ala5Val, classification: Pathogenic}
visits:
  - date: 2026-07-01
    alsfrs_r: {q1: 2, q2: 3, q3: 2, q4: 4, q5a: 4, q6: 4, q7: 4, q8: 4, q9: 4, q10: 4, q11: 4, q12: 4}
    fvc_percent_predicted: 71
    weight_kg: 55.0
"""


def _report(run_cli: Any, tmp_path: Path) -> tuple[Report, Path]:
    record = tmp_path / "record.yaml"
    record.write_text(_RECORD)
    out = tmp_path / "out"
    r = run_cli("report", "--clinical", record, "--country", "US", "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    return Report.model_validate_json((out / "report.json").read_text()), record


def test_record_genotype_is_stated_and_used_once(run_cli: Any, tmp_path: Path) -> None:
    report, record = _report(run_cli, tmp_path)
    page1 = {s.topic: [] for s in report.summary}
    for s in report.summary:
        page1[s.topic].append(s.text)
    assert any(t.startswith("SOD1 p.Ala5Val: Pathogenic (clinical record") for t in page1["Genetics"]), page1
    assert page1["Repeats"] == ["C9orf72 repeat expanded according to the clinical record (a laboratory result; "
                                "charcot did not assess it from data)."]
    assert "genotype not included" not in " ".join(page1["Prognosis"])
    c9 = next(i for i in report.items if i.key == "repeat:C9orf72")
    assert "the clinical record gives C9orf72 expanded" in (c9.reason or "")
    assert report.repeats.record_statuses == {"C9orf72": "expanded"}
    tofersen = next(t for t in report.therapies.items if t.name.startswith("Tofersen (Qalsody)"))
    assert tofersen.group == "now", tofersen.eligibility
    assert contradictions(report) == []
    # the exported phenopacket carries the same two results, as the record's, not charcot's (before: no
    # interpretation at all)
    packet = json.loads((record.parent / "out" / "phenopacket.json").read_text())
    interpretation = packet["interpretations"][0]
    labels = {g["variantInterpretation"]["variationDescriptor"]["label"]
              for g in interpretation["diagnosis"]["genomicInterpretations"]}
    assert labels == {"SOD1 p.Ala5Val", "C9orf72 repeat expanded"}
    assert interpretation["progressStatus"] == "IN_PROGRESS"
    fhir = tmp_path / "bundle.json"
    assert run_cli("export", "fhir", record.parent / "out" / "report.json", "-o", fhir).code == 0
    conclusion = next(e["resource"]["conclusion"] for e in json.loads(fhir.read_text())["entry"]
                      if e["resource"]["resourceType"] == "DiagnosticReport")
    assert "Stated by the clinical record (laboratory results, not assessed by charcot from data): SOD1 p.Ala5Val" \
           in conclusion and "C9orf72 repeat expanded." in conclusion, conclusion

    # the same record through 'charcot therapies' on the report's matching date: the same verdict
    assert report.therapies.as_of is not None
    r = run_cli("therapies", record, "--as-of", report.therapies.as_of.isoformat(), "--jurisdiction", "US",
                "--format", "json")
    assert r.code == 0, r.stderr
    assert next(t for t in json.loads(r.stdout)["therapies"] if t["id"] == "tofersen")["verdict"] == "eligible"


def test_checker_names_a_genotype_offer_page_one_does_not_state(run_cli: Any, tmp_path: Path) -> None:
    report, _ = _report(run_cli, tmp_path)
    without = [s for s in report.summary if not s.text.startswith("SOD1 p.Ala5Val")]
    problems = contradictions(report.model_copy(update={"summary": without}))
    assert any("Tofersen (Qalsody) is offered on the patient's SOD1 genotype" in p for p in problems), problems


def test_record_and_caller_disagreeing_on_c9orf72_is_named_in_the_report_words(run_cli: Any, tmp_path: Path) -> None:
    """The record states an expansion, the real ExpansionHunter v5 file gives C9orf72 2/2. Before: exit 2 with
    "c9orf72_status 'normal' contradicts the case record ... drop the option", an option the user never gave."""
    record = tmp_path / "record.yaml"
    record.write_text(_RECORD)
    eh = Path(__file__).parents[1] / "data" / "repeats" / "justhusky_exphun_hugelymodelbat.eh5.vcf"
    out = tmp_path / "out"
    r = run_cli("report", "--clinical", record, "--str", eh, "--no-pdf", "-q", "--outdir", out)
    assert r.code == 2 and not out.exists()
    assert "the repeat-caller file gives C9orf72 normal, but the clinical record states genotype.c9orf72_status: " \
           "expanded" in r.stderr, r.stderr
    assert "option" not in r.stderr and "Traceback" not in r.stderr
