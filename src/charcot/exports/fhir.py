"""A FHIR R4 bundle in the shape of the HL7 Genomics Reporting implementation guide.

One ``DiagnosticReport`` (LOINC 81247-9, the genetic variant reporting panel) with, for each reported variant,
a *variant* Observation (LOINC 69548-6 with the components the guide uses: gene, c./p. HGVS, transcript,
assembly, coordinates, alleles, allelic state, germline) and a *diagnostic implication* Observation
(LOINC 53037-8 answer codes for the ACMG class) derived from it; each repeat locus is a variant Observation
whose repeat sizes are given as components. Every panel gene and repeat locus of the report's item list is also a
*region studied* Observation (LOINC 53041-0, the guide's RegionStudied: gene studied 48018-6, region description
81293-3) saying whether it was assessed, so a receiving system can tell "no variant reported" from "not looked
at": a gene the run could not assess is stated as not assessed, never left out. The DiagnosticReport's
conclusion names the genes and loci not assessed. Codes were checked against the guide's own examples
(HL7/genomics-reporting). The bundle is parsed by the ``fhir.resources`` R4B models (a maintained FHIR
library) before it is written; profile-level conformance (the IG's invariants) needs the HL7 validator, which
charcot does not run.
"""

from __future__ import annotations

import hashlib
from typing import Any

from charcot.exports.clinvar import hgvs_c
from charcot.report.model import (
    Item,
    ItemState,
    RecordedTreatment,
    RelativeRisk,
    RepeatCall,
    Report,
    VariantFinding,
)
from charcot.report.phenopacket import excluded_words, identity_words, unclassified_words

LOINC = "http://loinc.org"
HGNC = "http://www.genenames.org/geneId"
HGVS = "http://varnomen.hgvs.org"
NUCCORE = "http://www.ncbi.nlm.nih.gov/nuccore"
GR_TBD = "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs"
GR = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition"
MONDO = "http://purl.obolibrary.org/obo/mondo.owl"  # the system URI FHIR users give MONDO codes
UCUM = "http://unitsofmeasure.org"
THERAPY = "urn:charcot:therapy"  # charcot's knowledge-base therapy ids (no RxNorm or ATC code is recorded)
CATEGORY = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "laboratory"}]}
_ASSEMBLY = {"GRCh37": ("LA14029-5", "GRCh37"), "GRCh38": ("LA26806-2", "GRCh38")}
_ALLELIC_STATE = {"heterozygous": ("LA6706-1", "heterozygous"), "homozygous": ("LA6705-3", "homozygous"),
                  "hemizygous": ("LA6707-9", "hemizygous")}
_SIGNIFICANCE = {"Pathogenic": ("LA6668-3", "Pathogenic"), "Likely pathogenic": ("LA26332-9", "Likely pathogenic"),
                 "Uncertain significance": ("LA26333-7", "Uncertain significance"),
                 "Likely benign": ("LA26334-5", "Likely benign"), "Benign": ("LA6675-8", "Benign")}


def _cc(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _component(code: str, display: str, **value: Any) -> dict[str, Any]:
    return {"code": _cc(LOINC, code, display), **value}


def _uuid(*parts: str) -> str:
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"urn:uuid:{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def _variant_observation(f: VariantFinding, report: Report, patient_ref: str, status: str) -> dict[str, Any]:
    comps: list[dict[str, Any]] = []
    from charcot.knowledge import get_knowledge

    gene = get_knowledge().find_gene(f.gene) if f.gene else None
    if gene is not None:
        comps.append(_component("48018-6", "Gene studied [ID]", valueCodeableConcept=_cc(HGNC, gene.hgnc_id, gene.symbol)))
    if f.transcript:
        comps.append(_component("51958-7", "Transcript reference sequence [ID]",
                                valueCodeableConcept=_cc(NUCCORE, f.transcript)))
    c_expr = hgvs_c(f)
    if c_expr:
        comps.append(_component("48004-6", "DNA change (c.HGVS)", valueCodeableConcept=_cc(HGVS, c_expr)))
    if f.hgvs_p:
        comps.append(_component("48005-3", "Amino acid change (pHGVS)", valueCodeableConcept=_cc(HGVS, f.hgvs_p)))
    if report.header.build in _ASSEMBLY:
        code, label = _ASSEMBLY[report.header.build]
        comps.append(_component("62374-4", "Human reference sequence assembly version",
                                valueCodeableConcept=_cc(LOINC, code, label)))
    comps += [
        _component("48000-4", "Chromosome (narrative)", valueString=f.chrom),
        _component("92822-6", "Genomic coordinate system", valueCodeableConcept=_cc(LOINC, "LA30102-0",
                                                                                      "1-based character counting")),
        _component("81254-5", "Genomic allele start-end",
                   valueRange={"low": {"value": f.pos}, "high": {"value": f.pos + len(f.ref) - 1}}),
        _component("69547-8", "Genomic ref allele [ID]", valueString=f.ref),
        _component("69551-0", "Genomic alt allele [ID]", valueString=f.alt),
        _component("48002-0", "Genomic source class [Type]", valueCodeableConcept=_cc(LOINC, "LA6683-2", "Germline")),
    ]
    if f.zygosity in _ALLELIC_STATE:
        code, label = _ALLELIC_STATE[f.zygosity]
        comps.append(_component("53034-5", "Allelic state", valueCodeableConcept=_cc(LOINC, code, label)))
    if f.total_reads and f.allele_reads is not None:
        # the Genomics Reporting IG's sample VAF (a fraction, UCUM "1") and allelic read depth, from FORMAT/AD
        comps.append(_component("81258-6", "Sample VAF", valueQuantity={
            "value": round(f.allele_reads / f.total_reads, 4), "system": "http://unitsofmeasure.org", "code": "1",
            "unit": "relative frequency of a particular allele in the specimen"}))
        comps.append(_component("82121-5", "Allelic read depth", valueQuantity={"value": f.allele_reads}))
    observation = {"resourceType": "Observation", "meta": {"profile": [f"{GR}/variant"]}, "status": status,
                   "category": [CATEGORY], "code": _cc(LOINC, "69548-6", "Genetic variant assessment"),
                   "subject": {"reference": patient_ref},
                   "valueCodeableConcept": _cc(LOINC, "LA9633-4", "Present"), "component": comps}
    if f.known_prognosis:
        # the knowledge base's note on the course of disease with this variant, in the report's words (for an
        # unaffected or deceased patient it says it is the disease's course in carriers, not the patient's prognosis)
        observation["note"] = [{"text": f"Known course: {f.known_prognosis}"}]
    if f.vrs is not None and f.vrs.id:
        # The GA4GH VRS 2.0 Allele id is a CURIE (``ga4gh:VA.…``), i.e. a URI: FHIR's system for an identifier
        # whose value is itself a URI is urn:ietf:rfc:3986.
        observation["identifier"] = [{"system": "urn:ietf:rfc:3986", "value": f.vrs.id,
                                      "type": {"text": f"GA4GH VRS Allele ({f.vrs.build})"}}]
    return observation


def _implication(f: VariantFinding, variant_ref: str, patient_ref: str, status: str) -> dict[str, Any] | None:
    if f.classification not in _SIGNIFICANCE:
        return None  # not classified, or a risk-allele statement: no ACMG significance to state
    code, label = _SIGNIFICANCE[f.classification]
    note = "; ".join(f"{e.criterion} ({e.strength})" for e in f.evidence if e.applied)
    obs: dict[str, Any] = {
        "resourceType": "Observation", "meta": {"profile": [f"{GR}/diagnostic-implication"]}, "status": status,
        "category": [CATEGORY], "code": _cc(GR_TBD, "diagnostic-implication", "Diagnostic Implication"),
        "subject": {"reference": patient_ref}, "derivedFrom": [{"reference": variant_ref}],
        "component": [_component("53037-8", "Genetic variation clinical significance",
                                 valueCodeableConcept=_cc(LOINC, code, label))],
    }
    notes = [f"ACMG/AMP criteria applied: {note}"] if note else []
    if f.clinvar_discordance:  # page 1's ClinVar alert: charcot's class against a ClinVar assertion of >= 2 stars
        notes.append(f"ClinVar: {f.clinvar_discordance}")
    if f.risk_allele:
        notes.append(f"ALS risk-allele category (ClinGen low-penetrance/risk allele framework): {f.risk_allele}. "
                     f"{f.risk_allele_reason or ''}".strip())
    if notes:
        obs["note"] = [{"text": text} for text in notes]
    return obs


def _repeat_observation(call: RepeatCall, patient_ref: str, status: str) -> dict[str, Any]:
    from charcot.repeats.interpret import category_words

    comps: list[dict[str, Any]] = []
    from charcot.knowledge import get_knowledge

    gene = get_knowledge().find_gene(call.gene) if call.gene else None
    if gene is not None:
        comps.append(_component("48018-6", "Gene studied [ID]", valueCodeableConcept=_cc(HGNC, gene.hgnc_id, gene.symbol)))
    for i, (size, low) in enumerate(zip(call.alleles, call.lower_bounds(), strict=False), start=1):
        if size is not None:
            # an allele the reads show only to be at least N long is '>= N' (FHIR's comparator), not the caller's count
            quantity: dict[str, Any] = ({"value": low, "comparator": ">=", "unit": "repeat units"} if low is not None
                                        else {"value": size, "unit": "repeat units"})
            comps.append({"code": {"text": f"repeat units, allele {i}"
                                   + (f" ({call.repeat_unit})" if call.repeat_unit else "")},
                          "valueQuantity": quantity})
    comps.append(_component("48002-0", "Genomic source class [Type]", valueCodeableConcept=_cc(LOINC, "LA6683-2", "Germline")))
    return {"resourceType": "Observation", "meta": {"profile": [f"{GR}/variant"]}, "status": status,
            "category": [CATEGORY], "code": _cc(LOINC, "69548-6", "Genetic variant assessment"),
            "subject": {"reference": patient_ref}, "valueCodeableConcept": {"text": category_words(call.status)},
            "note": [{"text": f"{call.locus} repeat: {call.interpretation}"}], "component": comps}


# the report's item kinds that are genomic regions, and what was looked for in each
_REGION_KINDS = {"gene": "small variants (SNVs, indels)", "repeat": "repeat expansion"}


def _region_observation(item: Item, patient_ref: str, status: str) -> dict[str, Any]:
    """RegionStudied for one gene or repeat locus of the report's item list, with its one status."""
    from charcot.knowledge import get_knowledge

    comps: list[dict[str, Any]] = []
    gene = get_knowledge().find_gene(item.name)
    if gene is not None:
        comps.append(_component("48018-6", "Gene studied [ID]", valueCodeableConcept=_cc(HGNC, gene.hgnc_id, gene.symbol)))
    looked_for = f"{item.name}: {_REGION_KINDS[item.kind]}"
    if item.status == ItemState.NOT_ASSESSED:
        state = f"not assessed ({item.reason})" if item.reason else "not assessed"
        note = ("Not assessed: a variant in this region is neither reported nor excluded"
                + (f"; {item.reason}." if item.reason else "."))
    elif item.status == ItemState.NOT_APPLICABLE:
        state = f"not applicable ({item.reason})" if item.reason else "not applicable"
        note = None
    else:
        state = f"assessed: {item.result}" if item.result else "assessed"
        note = None
    comps.append(_component("81293-3", "Description of ranges of DNA sequences examined",
                            valueString=f"{looked_for}: {state}"))
    observation: dict[str, Any] = {
        "resourceType": "Observation", "meta": {"profile": [f"{GR}/region-studied"]}, "status": status,
        "category": [CATEGORY], "code": _cc(LOINC, "53041-0", "DNA Region of interest panel"),
        "subject": {"reference": patient_ref}, "component": comps}
    if note:
        observation["note"] = [{"text": note}]
    return observation


def _not_assessed_sentence(report: Report) -> str | None:
    parts = []
    for kind, looked_for in _REGION_KINDS.items():
        names = [i.name for i in report.items if i.kind == kind and i.status == ItemState.NOT_ASSESSED]
        if names:
            where = f"{len(names)} genes" if kind == "gene" and len(names) > 1 else \
                "gene" if kind == "gene" else "loci" if len(names) > 1 else "locus"
            parts.append(f"{looked_for} in {where}: {', '.join(names)}")
    return ("Not assessed, so neither reported nor excluded: " + "; ".join(parts) + ".") if parts else None


def _record_sentence(report: Report) -> str | None:
    """The clinical record's own genetic results (a laboratory's), as page 1 states them: never left out of the
    conclusion beside a 'not assessed' for the same locus."""
    said = [f.text for f in report.genetics.record_findings]
    said += [f"{gene} repeat {status}" for gene, status in sorted(report.repeats.record_statuses.items())]
    return ("Stated by the clinical record (laboratory results, not assessed by charcot from data): "
            + "; ".join(said) + ".") if said else None


def _years(value: float) -> dict[str, Any]:
    return {"value": round(value, 2), "unit": "years", "system": UCUM, "code": "a"}


def _risk_assessment(report: Report, own: RelativeRisk, basis: list[str], patient_ref: str,
                     status: str) -> dict[str, Any]:
    """An unaffected patient's own risk of ALS onset (page 1's line) as a RiskAssessment (the shape of the CodeX
    GenomeX examples: basis the variant Observation, prediction outcome and probabilityDecimal): one prediction
    for the next N years (whenRange: the age now to N years on), one for the remaining lifetime (whenRange from the
    age now). A risk or an age the report does not state is not given: no probability, no range."""
    from charcot.report.build import patient_risk_line

    outcome = {"coding": [{"system": MONDO, "code": "MONDO:0004976", "display": "amyotrophic lateral sclerosis"}],
               "text": "onset of ALS"}
    horizon = own.horizon_years or 10
    predictions: list[dict[str, Any]] = []
    aged = own.age is not None
    for probability, high, what in ((own.risk, horizon, f"within the next {horizon:g} years" + (
                                        "" if aged else " (not assessed: the patient's age is not given)")),
                                    (own.risk_lifetime, None, "over the remaining lifetime" if aged else
                                     "over the lifetime from birth (the age is not given, so the years already "
                                     "lived without ALS are not counted)")):
        if probability is None and high is None:
            continue  # page 1 says no lifetime risk: neither does the export
        prediction: dict[str, Any] = {"outcome": outcome, "rationale": f"risk of ALS onset {what}: {own.basis}"}
        if probability is not None:
            prediction["probabilityDecimal"] = round(probability, 4)
        if own.age is not None and probability is not None:
            prediction["whenRange"] = {"low": _years(own.age)} | ({"high": _years(own.age + high)} if high else {})
        predictions.append(prediction)
    out: dict[str, Any] = {
        "resourceType": "RiskAssessment", "status": status, "subject": {"reference": patient_ref},
        "occurrenceDateTime": report.run.run_time.isoformat(),
        "method": {"text": "age-dependent penetrance model conditioned on the pedigree (charcot family module): an "
                           "estimate, not a diagnosis"},
        "prediction": predictions, "note": [{"text": patient_risk_line(own)}]}
    if basis:
        out["basis"] = [{"reference": ref} for ref in basis]
    return out


def _medication_statement(report: Report, t: RecordedTreatment, patient_ref: str) -> dict[str, Any]:
    """One treatment the clinical record states as a MedicationStatement: active while received on the matching date,
    stopped once the record's stop date is passed; the knowledge base's therapy as a coding when the record's words
    name exactly one, else the words only; the recorded dates as effectivePeriod (none recorded, none given)."""
    medication: dict[str, Any] = {"text": t.names[0] if len(t.therapies) == 1 else t.written}
    if len(t.therapies) == 1:
        medication["coding"] = [{"system": THERAPY, "code": t.therapies[0], "display": t.names[0]}]
    status = {"receiving": "active", "stopped": "stopped"}.get(t.state, "unknown")
    out: dict[str, Any] = {"resourceType": "MedicationStatement", "status": status,
                           "medicationCodeableConcept": medication, "subject": {"reference": patient_ref},
                           "informationSource": {"display": "clinical record"},
                           "note": [{"text": f"clinical record: {t.written!r}"
                                     + (f"; read as each of: {', '.join(t.names)}" if len(t.therapies) > 1 else "")
                                     + ("; not a therapy in charcot's knowledge base" if not t.therapies else "")
                                     + ("; started after the matching date" if t.state == "not_started" else "")}]}
    period = {k: v.isoformat() for k, v in (("start", t.started), ("end", t.stopped)) if v is not None}
    if period:
        out["effectivePeriod"] = period
    return out


def _device(report: Report) -> dict[str, Any]:
    """charcot as the FHIR Device that produced the report: its version, and the knowledge base and resources it
    read as further versions (Device.version with a type), as the report's header and provenance table name them."""
    from charcot.report.provenance import software

    sw = software(report)
    versions: list[dict[str, Any]] = [{"type": {"text": "software"}, "value": sw.version},
                                      {"type": {"text": "charcot knowledge base"}, "value": sw.knowledge}]
    for res in report.header.resources:
        if res.name == "charcot knowledge base":
            continue
        versions.append({"type": {"text": res.name}, "value": res.version + (f" ({res.note})" if res.note else "")})
    return {"resourceType": "Device", "deviceName": [{"name": sw.name, "type": "manufacturer-name"}],
            "version": versions, "note": [{"text": report.statement}]}


def _provenance(report: Report, report_ref: str, device_ref: str) -> dict[str, Any]:
    """A Provenance resource for the DiagnosticReport: recorded at the run's time, charcot as the assembling device,
    and each input file as a source entity identified by its digest (the report's own, as its provenance table
    gives it); the reviewer when the report is signed off; the clinical-judgement statement in the reason."""
    from charcot.report.provenance import input_description, input_id, report_description

    agents: list[dict[str, Any]] = [{
        "type": _cc("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "assembler", "Assembler"),
        "who": {"reference": device_ref, "display": f"{report.header.software} {report.header.software_version}"}}]
    if report.signoff.state == "final" and report.signoff.reviewer:
        agents.append({"type": _cc("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "verifier",
                                   "Verifier"),
                       "who": {"display": report.signoff.reviewer + (f" ({report.signoff.role})"
                                                                     if report.signoff.role else "")}})
    entities = [{"role": "source", "what": {
        "identifier": {"system": "urn:ietf:rfc:3986", "value": input_id(i)},
        "display": input_description(i)}} for i in report.header.inputs]
    out: dict[str, Any] = {"resourceType": "Provenance", "target": [{"reference": report_ref}],
                           "recorded": report.run.run_time.isoformat(),
                           "reason": [{"text": report_description(report)}], "agent": agents}
    if entities:
        out["entity"] = entities
    return out


def fhir_bundle(report: Report) -> dict[str, Any]:
    """The report as a FHIR R4 collection bundle (JSON-ready dict), parsed by fhir.resources before return."""
    rid = report.header.report_id
    patient_ref = _uuid(rid, "patient")
    patient: dict[str, Any] = {"resourceType": "Patient",
                               "identifier": [{"system": "urn:charcot:patient-id", "value": report.header.patient_id}]}
    # the sex and death the report's header states (FHIR administrative gender; the record's death date)
    gender = {"male": "male", "m": "male", "female": "female", "f": "female", "other": "other"}.get(
        (report.header.sex or "").lower())
    patient["gender"] = gender or "unknown"
    if report.header.death_date is not None:
        patient["deceasedDateTime"] = report.header.death_date.isoformat()
    entries: list[dict[str, Any]] = [{"fullUrl": patient_ref, "resource": patient}]
    results: list[dict[str, str]] = []
    # one status for the report and every result in it: a draft's classifications are preliminary too
    status = "final" if report.signoff.state == "final" else "preliminary"
    for tier in report.genetics.tiers:
        for f in tier.findings:
            vref = _uuid(rid, "variant", f.key)
            entries.append({"fullUrl": vref, "resource": _variant_observation(f, report, patient_ref, status)})
            results.append({"reference": vref})
            imp = _implication(f, vref, patient_ref, status)
            if imp is not None:
                iref = _uuid(rid, "implication", f.key)
                entries.append({"fullUrl": iref, "resource": imp})
                results.append({"reference": iref})
    for f in report.genetics.not_classified:
        # a coding or splice-region variant charcot could not classify: a variant Observation (present) with the
        # reason and no diagnostic implication, never left out (which would read as no variant) nor given a class
        vref = _uuid(rid, "variant", f.key)
        obs = _variant_observation(f, report, patient_ref, status)
        obs["note"] = [{"text": unclassified_words(f)}, *obs.get("note", [])]
        entries.append({"fullUrl": vref, "resource": obs})
        results.append({"reference": vref})
    for call in report.repeats.calls:
        ref = _uuid(rid, "repeat", call.locus)
        entries.append({"fullUrl": ref, "resource": _repeat_observation(call, patient_ref, status)})
        results.append({"reference": ref})
    for item in report.items:
        if item.kind in _REGION_KINDS:
            ref = _uuid(rid, "region", item.key)
            entries.append({"fullUrl": ref, "resource": _region_observation(item, patient_ref, status)})
            results.append({"reference": ref})
    for own in report.family.patient_risk:
        # the basis: the variant and repeat Observations of the gene whose finding the risk is calculated for
        basis = [e["fullUrl"] for e in entries if e["resource"]["resourceType"] == "Observation"
                 and e["resource"]["meta"]["profile"][0].endswith("/variant") and e["fullUrl"] in _finding_refs(
                     report, rid, own.gene)]
        entries.append({"fullUrl": _uuid(rid, "risk", own.gene or ""),
                        "resource": _risk_assessment(report, own, basis, patient_ref, status)})
    for index, t in enumerate(report.therapies.record_treatments):
        entries.append({"fullUrl": _uuid(rid, "treatment", str(index), t.written),
                        "resource": _medication_statement(report, t, patient_ref)})
    left_out = [excluded_words(e) for e in report.genetics.excluded_calls if e.coding_or_splice]
    left_out_sentence = ("Calls in exons or splice regions left out and not classified (review and confirm them): "
                         + "; ".join(left_out) + ".") if left_out else None
    # page 1's lines on what the genotype means for the patient: an unaffected patient's own risk of onset, the
    # prognosis and known course, in page 1's words
    meaning = " ".join(s.text.rstrip(".") + "." for s in report.summary if s.topic == "Prognosis" or (
        s.topic == "Family" and any(s.text == _risk_line(own) for own in report.family.patient_risk))) or None
    # page 1's clinical lines (stage, therapy and trial options, care alerts), in page 1's words: a receiving system
    # reads what the clinician read, with the same status (e.g. "No therapy confirmed for now: ...")
    clinical = " ".join(s.text.rstrip(".") + "." for s in report.summary if s.topic in _CLINICAL_TOPICS) or None
    conclusion = " ".join(t for t in (report.statement, identity_words(report), _record_sentence(report),
                                      meaning, clinical, _not_assessed_sentence(report), left_out_sentence) if t)
    diagnostic = {
        "resourceType": "DiagnosticReport", "meta": {"profile": [f"{GR}/genomic-report"]},
        "identifier": [{"system": "urn:charcot:report-id", "value": rid}],
        "status": status,
        "category": [_cc("http://terminology.hl7.org/CodeSystem/v2-0074", "GE", "Genetics")],
        "code": _cc(LOINC, "81247-9", "Master HL7 genetic variant reporting panel"),
        "subject": {"reference": patient_ref}, "issued": report.run.run_time.isoformat(),
        "result": results, "conclusion": conclusion,
    }
    report_ref = _uuid(rid, "report")
    device_ref = _uuid(rid, "device")
    entries.insert(1, {"fullUrl": report_ref, "resource": diagnostic})
    entries.append({"fullUrl": device_ref, "resource": _device(report)})
    entries.append({"fullUrl": _uuid(rid, "provenance"), "resource": _provenance(report, report_ref, device_ref)})
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "collection",
                              "identifier": {"system": "urn:charcot:report-id", "value": rid},
                              "timestamp": report.run.run_time.isoformat(), "entry": entries}
    validate_bundle(bundle)
    return bundle


# page 1's topics that the conclusion carries as text (the findings, repeats and family have their own resources)
_CLINICAL_TOPICS = ("Stage", "Therapy", "Trials", "Care")


def _risk_line(own: RelativeRisk) -> str:
    from charcot.report.build import patient_risk_line

    return patient_risk_line(own)


def _finding_refs(report: Report, rid: str, gene: str | None) -> set[str]:
    """The fullUrls of the variant Observations of ``gene``'s findings the family risk is calculated for (tier 1:
    pathogenic or likely pathogenic; an expanded repeat), as ``fhir_bundle`` names them."""
    if not gene:
        return set()
    refs = {_uuid(rid, "variant", f.key) for t in report.genetics.tiers if t.number == 1 for f in t.findings
            if (f.gene or "").upper() == gene.upper()}
    refs |= {_uuid(rid, "repeat", c.locus) for c in report.repeats.calls if (c.gene or c.locus).upper() == gene.upper()
             and c.status.lower() in ("pathogenic", "expanded_at_least_n", "reduced_penetrance")}
    return refs


def validate_bundle(bundle: dict[str, Any]) -> None:
    """Parse with the fhir.resources R4B models; raises pydantic's ValidationError on any structural error."""
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)
