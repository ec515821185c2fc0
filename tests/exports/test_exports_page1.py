"""The phenopacket and the FHIR bundle carry what page 1 of the report says, with the same status (exports review).

Before: an unaffected carrier's own risk of onset (page 1 since report schema 1.9.0) and the variant's known course
(page 1's Prognosis line) were in neither export; the clinical record's treatments (page 1's "Already receives")
were in neither; the phenopacket's MetaData listed six ontologies with version "unspecified", whether or not a term
of theirs was used, and none for a diagnosis id the input gave under another prefix. Inputs: the demo's real NA12878
VCF with its spiked SOD1 p.Ala5Val, the presymptomatic pedigree of tests/report/test_probecase2_presymptomatic.py, the
demo's clinical record given a ``treatments`` list (as tests/report/test_treatments.py).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from charcot.clinical.io import _phenopacket_treatments
from charcot.exports.fhir import fhir_bundle
from charcot.report.build import CaseInputs, build_report, patient_risk_line
from charcot.report.demo import demo_dir, demo_inputs
from charcot.report.model import Report
from charcot.report.phenopacket import render_phenopacket, validate_phenopacket_json

FIXED = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
PED = ("#family_id\tindividual_id\tpaternal_id\tmaternal_id\tsex\tphenotype\n"
       "FAM\tFATHER\t0\t0\t1\t2\nFAM\tMOTHER\t0\t0\t2\t1\nFAM\tNA12878\tFATHER\tMOTHER\t2\t1\n")
AGES = ("id\tage\tstatus\tonset_age\ttest\tdeceased\tdeath_age\n"
        "FATHER\t60\taffected\t52\tuntested\tyes\t60\nMOTHER\t62\tunaffected\t\tuntested\t\t\n"
        "NA12878\t34\tunaffected\t\tcarrier\t\t\n")
TREATMENTS = ("treatments:\n  - {therapy: tofersen, started: 2026-01-15}\n"
              "  - {therapy: Rilutek, started: 2025-12-01, stopped: 2026-02-01}\n"
              "  - {therapy: Vitamin E 800 IU}\n")


def _presymptomatic(folder: Path, ages: str = AGES) -> Report:
    (folder / "family.ped").write_text(PED)
    (folder / "ages.tsv").write_text(ages)
    return build_report(CaseInputs(vcf=demo_dir() / "demo.vcf.gz", ped=folder / "family.ped", proband="NA12878",
                                   ages=folder / "ages.tsv", region="US", run_time=FIXED))


@pytest.fixture(scope="module")
def presymptomatic(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return _presymptomatic(tmp_path_factory.mktemp("presymptomatic"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return build_report(replace(demo_inputs(), run_time=FIXED))


@pytest.fixture(scope="module")
def treated(tmp_path_factory: pytest.TempPathFactory) -> Report:
    path = tmp_path_factory.mktemp("treated") / "demo_case.yaml"
    path.write_text((demo_dir() / "demo_case.yaml").read_text() + TREATMENTS)
    return build_report(replace(demo_inputs(), clinical=path, run_time=FIXED))


def _resources(report: Report, kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in fhir_bundle(report)["entry"] if e["resource"]["resourceType"] == kind]


def _packet(report: Report) -> dict[str, Any]:
    return json.loads(render_phenopacket(report))


def _descriptors(packet: dict[str, Any], gene: str) -> list[dict[str, Any]]:
    return [gi["variantInterpretation"]["variationDescriptor"] for i in packet.get("interpretations", [])
            for gi in i["diagnosis"]["genomicInterpretations"]
            if gi["variantInterpretation"]["variationDescriptor"].get("geneContext", {}).get("symbol") == gene]


def _extensions(descriptor: dict[str, Any], name: str) -> list[str]:
    return [e["value"] for e in descriptor.get("extensions", []) if e["name"] == name]


# ---------------------------------------------------------------- an unaffected carrier's own risk of onset


def test_presymptomatic_carriers_risk_of_onset_is_a_fhir_risk_assessment(presymptomatic: Report) -> None:
    (own,) = presymptomatic.family.patient_risk
    assert own.risk is not None and own.risk_lifetime is not None and own.age == 34
    bundle = fhir_bundle(presymptomatic)
    urls = {e["resource"]["resourceType"] + ":" + str(e["resource"].get("code", {}).get("coding", [{}])[0].get("code")):
            e["fullUrl"] for e in bundle["entry"]}
    (risk,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "RiskAssessment"]
    assert risk["status"] == "preliminary"  # the draft report's one status
    assert risk["subject"]["reference"] == bundle["entry"][0]["fullUrl"]
    variant_refs = {e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
                    and e["resource"]["meta"]["profile"][0].endswith("/variant")
                    and any(c.get("valueCodeableConcept", {}).get("coding", [{}])[0].get("display") == "SOD1"
                            for c in e["resource"]["component"])}
    assert variant_refs and {b["reference"] for b in risk["basis"]} == variant_refs, (risk["basis"], urls)
    within, lifetime = risk["prediction"]
    assert within["probabilityDecimal"] == pytest.approx(own.risk, abs=5e-5)
    assert within["whenRange"]["low"]["value"] == 34 and within["whenRange"]["high"]["value"] == 44
    assert within["whenRange"]["low"]["code"] == "a" and within["whenRange"]["low"]["system"] == \
        "http://unitsofmeasure.org"
    assert lifetime["probabilityDecimal"] == pytest.approx(own.risk_lifetime, abs=5e-5)
    assert lifetime["whenRange"]["low"]["value"] == 34 and "high" not in lifetime["whenRange"]
    for p in (within, lifetime):
        assert p["outcome"]["coding"][0]["code"] == "MONDO:0004976"
    # the page-1 words (an estimate, not a diagnosis; counselling) travel with the numbers
    assert risk["note"][0]["text"] == patient_risk_line(own)
    assert patient_risk_line(own) in bundle["entry"][1]["resource"]["conclusion"]


def test_presymptomatic_carriers_risk_of_onset_is_in_the_phenopacket(presymptomatic: Report) -> None:
    (own,) = presymptomatic.family.patient_risk
    packet = _packet(presymptomatic)
    sod1 = _descriptors(packet, "SOD1")
    assert sod1 and all(_extensions(d, "risk_of_onset") == [patient_risk_line(own)] for d in sod1)
    assert patient_risk_line(own) in packet["interpretations"][0]["summary"]
    assert "diseases" not in packet  # still no disease for an unaffected person


def test_a_risk_the_report_does_not_state_is_never_exported_as_a_number(presymptomatic: Report) -> None:
    """The report's row without a remaining lifetime risk (the model gives none, e.g. past the curve's end): page 1
    says only the 10-year risk, and so do the exports: no lifetime prediction, never a 0."""
    report = presymptomatic.model_copy(deep=True)
    report.family.patient_risk[0].risk_lifetime = None
    (own,) = report.family.patient_risk
    assert "lifetime" not in patient_risk_line(own)
    (risk,) = _resources(report, "RiskAssessment")
    (within,) = risk["prediction"]
    assert within["probabilityDecimal"] == pytest.approx(own.risk, abs=5e-5)
    assert risk["note"][0]["text"] == patient_risk_line(own)
    packet = _packet(report)
    assert all(_extensions(d, "risk_of_onset") == [patient_risk_line(own)] for d in _descriptors(packet, "SOD1"))


def test_a_carrier_without_an_age_is_told_her_risk_is_not_assessed_never_left_out(tmp_path: Path) -> None:
    # probeepi's finding, followed: with no age in the ages file the patient's own risk row was dropped, so page 1
    # said nothing of an unaffected carrier's risk; it is now said as not assessed (and the lifetime risk as the one
    # from birth) on page 1, in the family section, and in both exports, which give no number the report does not
    from charcot.report.consistency import contradictions
    from charcot.report.render_html import render_html

    report = _presymptomatic(tmp_path, AGES.replace("NA12878\t34\t", "NA12878\t\t"))
    (own,) = report.family.patient_risk
    assert own.age is None and own.risk is None and own.risk_lifetime is not None
    line = patient_risk_line(own)
    assert "not assessed, as the patient's age is not given" in line and "lifetime risk from birth" in line
    assert line in [s.text for s in report.summary if s.topic == "Family"]
    html = render_html(report)
    assert "not assessed, as the patient&#39;s age is not given" in html or "not assessed, as the patient's age" in html
    assert contradictions(report) == []
    for risk in _resources(report, "RiskAssessment"):
        assert all("whenRange" not in p or p.get("probabilityDecimal") is None or "low" in p["whenRange"]
                   for p in risk.get("prediction", []))
        assert not any(p.get("probabilityDecimal") == 0 for p in risk.get("prediction", []))
        said = " ".join(p["rationale"] for p in risk["prediction"])
        assert "remaining lifetime" not in said and "from birth" in said and "not assessed" in said
    _packet(report)  # valid phenopacket


def test_an_affected_patient_gets_no_risk_assessment(demo: Report) -> None:
    assert demo.family.patient_risk == []
    assert _resources(demo, "RiskAssessment") == []


# ---------------------------------------------------------------- the known course (page 1's Prognosis line)


def test_known_course_is_in_both_exports(demo: Report, presymptomatic: Report) -> None:
    for report in (demo, presymptomatic):
        sod1 = next(f for t in report.genetics.tiers for f in t.findings if f.gene == "SOD1")
        assert sod1.known_prognosis
        prognosis = [s.text for s in report.summary if s.topic == "Prognosis"]
        assert prognosis
        packet = _packet(report)
        for d in _descriptors(packet, "SOD1"):
            assert _extensions(d, "known_course") == [sod1.known_prognosis]
        assert all(p in packet["interpretations"][0]["summary"] for p in prognosis)
        bundle = fhir_bundle(report)
        conclusion = bundle["entry"][1]["resource"]["conclusion"]
        assert all(p in conclusion for p in prognosis), conclusion
        notes = [n["text"] for e in bundle["entry"] for n in e["resource"].get("note", [])
                 if e["resource"]["resourceType"] == "Observation"]
        assert f"Known course: {sod1.known_prognosis}" in notes
    # for the unaffected carrier the course is the disease's in carriers, never her prognosis, in the export too
    told = next(f for t in presymptomatic.genetics.tiers for f in t.findings if f.gene == "SOD1").known_prognosis
    assert told is not None and "not a prognosis for the patient" in told


def test_page_1s_stage_therapy_trial_and_care_lines_are_in_the_fhir_conclusion(demo: Report) -> None:
    # exports review: the FHIR bundle carried none of page 1's clinical lines (King's stage, ALSFRS-R, the therapy and
    # trial options, the care alerts); the conclusion now says each in page 1's words
    lines = [s.text for s in demo.summary if s.topic in ("Stage", "Therapy", "Trials", "Care")]
    assert {s.topic for s in demo.summary} >= {"Stage", "Therapy", "Trials", "Care"}
    conclusion = fhir_bundle(demo)["entry"][1]["resource"]["conclusion"]
    assert all(line.rstrip(".") in conclusion for line in lines), conclusion


# ---------------------------------------------------------------- the clinical record's treatments


def test_treatments_are_phenopacket_medical_actions_read_back_alike(treated: Report, tmp_path: Path) -> None:
    recorded = treated.therapies.record_treatments
    assert [(t.written, t.started, t.stopped, t.state) for t in recorded] == [
        ("tofersen", datetime(2026, 1, 15).date(), None, "receiving"),
        ("Rilutek", datetime(2025, 12, 1).date(), datetime(2026, 2, 1).date(), "stopped"),
        ("Vitamin E 800 IU", None, None, "receiving")]
    assert [t.therapies for t in recorded] == [["tofersen"], ["riluzole"], []]
    packet = _packet(treated)
    actions = [a["treatment"] for a in packet["medicalActions"]]
    assert [a["agent"] for a in actions] == [
        {"id": "charcot:therapy/tofersen", "label": "Tofersen (Qalsody)"},
        {"id": "charcot:therapy/riluzole", "label": "Riluzole (Rilutek)"},
        {"id": "charcot:treatment-as-recorded", "label": "Vitamin E 800 IU"}]
    assert actions[0]["doseIntervals"] == [{"interval": {"start": "2026-01-15T00:00:00Z"}}]
    assert actions[1]["doseIntervals"] == [{"interval": {"start": "2025-12-01T00:00:00Z",
                                                         "end": "2026-02-01T00:00:00Z"}}]
    assert "doseIntervals" not in actions[2]  # no date recorded: none exported
    # charcot's phenopacket reader (its clinical-record input) reads the export's treatments back alike
    read = [item for item, _ in _phenopacket_treatments(packet, tmp_path / "phenopacket.json")]
    assert [(t["therapy"], t.get("started"), t.get("stopped")) for t in read] == [
        ("Tofersen (Qalsody)", recorded[0].started, None), ("Riluzole (Rilutek)", recorded[1].started,
                                                            recorded[1].stopped), ("Vitamin E 800 IU", None, None)]
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.therapies import Record
    from charcot.therapy.matching import resolve_treatment

    known = get_knowledge().typed("therapies", Record)
    assert [[f.id for f in resolve_treatment(t["therapy"], known)] for t in read] == [t.therapies for t in recorded]


def test_treatments_are_fhir_medication_statements(treated: Report) -> None:
    statements = _resources(treated, "MedicationStatement")
    assert [s["status"] for s in statements] == ["active", "stopped", "active"]
    assert [s["medicationCodeableConcept"]["text"] for s in statements] == [
        "Tofersen (Qalsody)", "Riluzole (Rilutek)", "Vitamin E 800 IU"]
    assert statements[0]["medicationCodeableConcept"]["coding"] == [
        {"system": "urn:charcot:therapy", "code": "tofersen", "display": "Tofersen (Qalsody)"}]
    assert "coding" not in statements[2]["medicationCodeableConcept"]  # not in the knowledge base: words only
    assert statements[0]["effectivePeriod"] == {"start": "2026-01-15"}
    assert statements[1]["effectivePeriod"] == {"start": "2025-12-01", "end": "2026-02-01"}
    assert "effectivePeriod" not in statements[2]
    assert all(s["informationSource"]["display"] == "clinical record" for s in statements)


def test_no_treatment_recorded_none_exported(demo: Report) -> None:
    assert demo.therapies.record_treatments == []
    assert "medicalActions" not in _packet(demo)
    assert _resources(demo, "MedicationStatement") == []


# ---------------------------------------------------------------- the phenopacket's ontologies and their versions


def _ontology_prefixes(message: Any) -> set[str]:
    """Every prefix of an OntologyClass id anywhere in a protobuf message."""
    from phenopackets import OntologyClass

    found: set[str] = set()
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        for item in (value if field.is_repeated else [value]):
            if field.message_type.GetOptions().map_entry:
                continue
            if isinstance(item, OntologyClass):
                found.add(item.id.split(":", 1)[0])
            else:
                found |= _ontology_prefixes(item)
    return found


def test_metadata_names_each_ontology_used_with_its_version(demo: Report, presymptomatic: Report,
                                                             treated: Report) -> None:
    from charcot.acmg.phenotype import ontology_version

    with_hpo = demo.model_copy(deep=True)
    with_hpo.header.hpo_terms = ["HP:0007354"]
    with_omim = demo.model_copy(deep=True)
    with_omim.header.diagnosis, with_omim.header.diagnosis_id = "Amyotrophic lateral sclerosis 1", "OMIM:105400"
    for report in (demo, presymptomatic, treated, with_hpo, with_omim):
        message = validate_phenopacket_json(render_phenopacket(report))
        used = _ontology_prefixes(message)
        listed = {r.namespace_prefix: r for r in message.meta_data.resources}
        assert used <= set(listed), (used - set(listed), report.header.diagnosis_id)
        for prefix in used:
            version = listed[prefix].version
            assert version and version != "unspecified", (prefix, version)
        ontologies = {"HP", "MONDO", "GENO", "SO", "NCIT", "UCUM", "OMIM"}
        assert set(listed) & ontologies == used & ontologies, (set(listed) & ontologies, used)
    packet = validate_phenopacket_json(render_phenopacket(with_hpo))
    hp = next(r for r in packet.meta_data.resources if r.namespace_prefix == "HP")
    assert hp.version == ontology_version()


def test_metadata_hpo_release_is_the_one_its_ftd_term_was_read_from(demo: Report) -> None:
    """ALS-FTD exported as HP:0002145 without any HPO term given: its release is the ontology's charcot reads."""
    from charcot.acmg.phenotype import _term, ontology_version
    from charcot.report.model import COGNITION_MEASURE, FTD_YES, Measure

    ftd = demo.model_copy(deep=True)
    ftd.header.hpo_terms = []
    ftd.clinical.measures = [m for m in ftd.clinical.measures if m.name != COGNITION_MEASURE]
    ftd.clinical.measures.append(Measure(name=COGNITION_MEASURE, value="ALS-FTD", detail=f"{FTD_YES}; recorded"))
    packet = validate_phenopacket_json(render_phenopacket(ftd))
    assert [f.type.id for f in packet.phenotypic_features] == ["HP:0002145"]
    hp = next(r for r in packet.meta_data.resources if r.namespace_prefix == "HP")
    assert hp.version == ontology_version()
    assert str(_term("HP:0002145").name) == packet.phenotypic_features[0].type.label  # the term is in that release


# ---------------------------------------------------------------- page 1's identity banner and ClinVar alert


def test_a_failed_identity_check_is_said_in_the_phenopacket_as_in_fhir(demo: Report) -> None:
    """The demo's repeat file gives another sex than the record (page 1's red banner: the report cannot be final).
    FHIR's conclusion said it; the phenopacket carried the findings without a word of it."""
    assert demo.identity.status == "mismatch"
    summary = _packet(demo)["interpretations"][0]["summary"]
    conclusion = fhir_bundle(demo)["entry"][1]["resource"]["conclusion"]
    assert summary.startswith("Sample identity check failed (these results may not be this patient's")
    failed = summary.split(". ", 1)[0]
    assert failed in conclusion
    assert all(c.detail in summary for c in demo.identity.checks if c.status == "mismatch")


def test_a_clinvar_discordance_on_page_1_is_in_both_exports(demo: Report) -> None:
    """Page 1's ClinVar alert (charcot's class disagrees with a ClinVar assertion of two stars or more)."""
    told = demo.model_copy(deep=True)
    sod1 = next(f for t in told.genetics.tiers for f in t.findings if f.gene == "SOD1")
    from charcot.report.build import _summary

    sod1.clinvar_discordance = "ClinVar (2 stars) says Benign; charcot's class is Pathogenic: review"
    told.summary = _summary(told.genetics, told.repeats, told.family, told.clinical, told.therapies, told.items,
                            told.identity)
    line = next(s.text for s in told.summary if s.topic == "ClinVar")
    assert line in _packet(told)["interpretations"][0]["summary"]
    implications = [r for r in _resources(told, "Observation") if r["meta"]["profile"][0].endswith(
        "/diagnostic-implication")]
    assert any(n["text"] == f"ClinVar: {sod1.clinvar_discordance}" for r in implications for n in r.get("note", []))
