"""Report → GA4GH Phenopacket v2 JSON (phenopackets library, imported lazily).

Gaps in the schema are filled as genetics-anchors §4.1 suggests: ACMG criteria and points go in
``VariationDescriptor.extensions`` (name + string value; evidence items as JSON text); repeat sizes,
which have no field, go in extensions of a descriptor whose ``structural_type`` is SO tandem_repeat.
The output is validated by round-tripping through the protobuf (JSON → message → JSON).
"""

from __future__ import annotations

import json
from datetime import datetime, time
from typing import Any

from charcot.errors import CharcotError
from charcot.report.model import (
    COGNITION_MEASURE,
    FTD_HPO,
    FTD_YES,
    RecordedTreatment,
    RepeatCall,
    Report,
    VariantFinding,
)
from charcot.report.provenance import HPO_RESOURCE, KNOWN_RESOURCES
from charcot.variants.model import ExcludedCall

ALS_DISEASE = ("MONDO:0004976", "amyotrophic lateral sclerosis")
# A diagnosis recorded without an ontology id (the clinical record's) keeps its words under charcot's prefix.
UNKNOWN_DISEASE = ("NCIT:C17998", "Unknown")
_ACMG = {
    "pathogenic": "PATHOGENIC", "likely pathogenic": "LIKELY_PATHOGENIC",
    "uncertain significance": "UNCERTAIN_SIGNIFICANCE", "likely benign": "LIKELY_BENIGN", "benign": "BENIGN",
}
# charcot never calls a finding causative by itself: a P/LP variant is a candidate until a clinician confirms it.
_STATUS = {1: "CANDIDATE", 2: "UNKNOWN_STATUS", 3: "REJECTED"}
_ZYGOSITY = {
    "heterozygous": ("GENO:0000135", "heterozygous"), "het": ("GENO:0000135", "heterozygous"),
    "homozygous": ("GENO:0000136", "homozygous"), "hom": ("GENO:0000136", "homozygous"),
    "hemizygous": ("GENO:0000134", "hemizygous"), "hemi": ("GENO:0000134", "hemizygous"),
}


def _ext(pp: Any, name: str, value: str) -> Any:
    return pp.Extension(name=name, value=value)


def _gene(pp: Any, symbol: str | None) -> Any | None:
    if not symbol:
        return None
    from charcot.knowledge import get_knowledge

    try:
        rec = get_knowledge().gene(symbol)
    except Exception:  # an unknown symbol (or no gene section yet) is not an error for the export
        rec = None
    value_id = getattr(rec, "hgnc_id", None) or f"symbol:{symbol}"
    return pp.GeneDescriptor(value_id=value_id, symbol=symbol)


def _citations(report: Report, keys: list[str]) -> list[str]:
    """Each source as the report's reference list cites it (citation, then its PubMed/DOI/URL link), never as
    charcot's internal bibliography key."""
    cited = {r.key: r for r in report.references}
    out: list[str] = []
    for key in keys:
        ref = cited.get(key)
        if ref is None:
            from charcot.knowledge import get_knowledge

            entry = get_knowledge().bibliography.get(key)
            text = entry.citation if entry is not None else "(a source not in the bibliography)"
        else:
            text = ref.citation + (f" {ref.url}" if ref.url else "")
        if text not in out:
            out.append(text)
    return out


def unclassified_words(f: VariantFinding) -> str:
    """Why a variant has no class, as every export says it (the finding's own sentence, starting 'Not classified')."""
    why = (f.not_classified or "the consequence is unknown").strip()
    return why[:1].upper() + why[1:] if why.lower().startswith("not classified") else f"Not classified: {why}"


def excluded_words(e: ExcludedCall) -> str:
    """A call the run left out, as every export names it: where, why, and the knowledge base's entry."""
    return (f"{e.gene} {e.chrom}:{e.pos} {e.ref}>{e.alt} ({e.genotype}) left out by the run ({e.why}) and not "
            "classified" + (f"; listed in the knowledge base as {e.known}" if e.known else ""))


def identity_words(report: Report) -> str | None:
    """The report's sample-identity checks in the report's words, as every export says them: a failed one first (the
    report is then never final), those that could not be made, and the links to confirm; a passed check by name."""
    from charcot.report.identity import INFO, MISMATCH, NOT_ASSESSED, PASS

    checks = report.identity.checks
    failed = [f"{c.check}: {c.detail}" for c in checks if c.status == MISMATCH]
    unknown = [f"{c.check}: {c.detail}" for c in checks if c.status == NOT_ASSESSED]
    confirm = [c.detail for c in checks if c.status == INFO]
    passed = [c.check for c in checks if c.status == PASS]
    said = []
    if failed:
        said.append("Sample identity check failed (these results may not be this patient's; resolve it before acting "
                    "on them): " + "; ".join(failed) + ".")
    if unknown:
        said.append("Sample identity not confirmed: " + "; ".join(unknown) + ".")
    if confirm:
        said.append("To confirm: " + "; ".join(confirm) + ".")
    if passed:
        said.append("Sample identity checks passed: " + "; ".join(passed) + ".")
    return " ".join(said) or None


def _excluded_gi(pp: Any, report: Report, e: ExcludedCall) -> Any:
    """A call in an exon or splice region that the run left out: exported as such (no class, status unknown)."""
    desc = pp.VariationDescriptor(
        id=f"excluded:{e.chrom}-{e.pos}-{e.ref}-{e.alt}", label=f"{e.gene} {e.chrom}:{e.pos} {e.ref}>{e.alt}",
        description=excluded_words(e) + ": review the call and confirm it by an orthogonal method",
        vcf_record=pp.VcfRecord(genome_assembly=report.header.build or "unknown", chrom=e.chrom, pos=e.pos,
                                ref=e.ref, alt=e.alt),
        molecule_context=pp.MoleculeContext.Value("genomic"))
    gene = _gene(pp, e.gene)
    if gene is not None:
        desc.gene_context.CopyFrom(gene)
    desc.extensions.append(_ext(pp, "left_out", e.why))
    return pp.GenomicInterpretation(
        subject_or_biosample_id=report.header.patient_id,
        interpretation_status=pp.GenomicInterpretation.InterpretationStatus.Value("UNKNOWN_STATUS"),
        variant_interpretation=pp.VariantInterpretation(
            acmg_pathogenicity_classification=pp.AcmgPathogenicityClassification.Value("NOT_PROVIDED"),
            variation_descriptor=desc))


def _variant_gi(pp: Any, report: Report, f: VariantFinding) -> Any:
    assembly = report.header.build or "unknown"
    desc = pp.VariationDescriptor(
        id=f.key, label=" ".join(x for x in (f.gene, f.hgvs_c, f.hgvs_p) if x) or f.key,
        vcf_record=pp.VcfRecord(genome_assembly=assembly, chrom=f.chrom, pos=f.pos, ref=f.ref, alt=f.alt),
        molecule_context=pp.MoleculeContext.Value("genomic"),
    )
    gene = _gene(pp, f.gene)
    if gene is not None:
        desc.gene_context.CopyFrom(gene)
    if f.hgvs_c:
        desc.expressions.append(pp.Expression(syntax="hgvs.c", value=(f"{f.transcript}:" if f.transcript and ":" not in f.hgvs_c else "") + f.hgvs_c))
    if f.hgvs_p:
        desc.expressions.append(pp.Expression(syntax="hgvs.p", value=f.hgvs_p))
    if f.vrs is not None and f.vrs.id:
        # the GA4GH VRS 2.0 Allele id (a CURIE): the schema's cross-references; its `variation` field holds
        # VRS 1.x objects, whose identifiers differ, so it is left empty rather than filled with another version
        desc.xrefs.append(f.vrs.id)
    if f.zygosity and f.zygosity.lower() in _ZYGOSITY:
        term_id, label = _ZYGOSITY[f.zygosity.lower()]
        desc.allelic_state.CopyFrom(pp.OntologyClass(id=term_id, label=label))
    if f.points is not None:
        desc.extensions.append(_ext(pp, "acmg_points", f"{f.points:g}"))
    if f.classification is None and f.not_classified:
        desc.description = unclassified_words(f)
    if f.known_prognosis:
        # the knowledge base's note on the course of disease with this variant, as the report words it (for an
        # unaffected or deceased patient: the disease's course in carriers, never the patient's prognosis)
        desc.extensions.append(_ext(pp, "known_course", f.known_prognosis))
    if f.risk_allele:
        # the schema's ACMG classes have no risk-allele term (ClinGen low-penetrance framework): stated beside them
        desc.extensions.append(_ext(pp, "risk_allele", f"{f.risk_allele}: {f.risk_allele_reason or ''}".strip()))
    for e in f.evidence:
        item = e.model_dump(mode="json")
        item["sources"] = _citations(report, e.sources)  # the receiver cannot resolve charcot's bibliography keys
        desc.extensions.append(_ext(pp, "acmg_evidence", json.dumps(item, sort_keys=True)))
    vi = pp.VariantInterpretation(
        acmg_pathogenicity_classification=pp.AcmgPathogenicityClassification.Value(
            _ACMG.get((f.classification or "").lower(), "NOT_PROVIDED")),
        therapeutic_actionability=pp.TherapeuticActionability.Value("UNKNOWN_ACTIONABILITY"),
        variation_descriptor=desc,
    )
    return pp.GenomicInterpretation(
        subject_or_biosample_id=report.header.patient_id,
        interpretation_status=pp.GenomicInterpretation.InterpretationStatus.Value(_STATUS.get(f.tier, "CANDIDATE")),
        variant_interpretation=vi,
    )


def _repeat_gi(pp: Any, report: Report, c: RepeatCall) -> Any:
    from charcot.repeats.interpret import category_words

    desc = pp.VariationDescriptor(
        id=f"repeat:{c.locus}", label=f"{c.gene or c.locus} repeat {c.sizes_text()}",
        description=c.interpretation, molecule_context=pp.MoleculeContext.Value("genomic"),
        structural_type=pp.OntologyClass(id="SO:0000705", label="tandem_repeat"),
    )
    gene = _gene(pp, c.gene)
    if gene is not None:
        desc.gene_context.CopyFrom(gene)
    desc.extensions.append(_ext(pp, "repeat_unit", c.repeat_unit or ""))
    desc.extensions.append(_ext(pp, "repeat_counts", json.dumps(c.alleles)))
    if c.at_least:  # per allele: the reads show only that it is at least this long (its count is then no size)
        desc.extensions.append(_ext(pp, "repeat_at_least", json.dumps(c.at_least)))
    desc.extensions.append(_ext(pp, "repeat_status", category_words(c.status)))
    if c.thresholds:
        desc.extensions.append(_ext(pp, "repeat_thresholds", c.thresholds))
    flagged = c.filter not in (None, "", "PASS", ".")
    if flagged:  # the caller's own flag on the call (low confidence), as page 1 and the repeat item tell it
        desc.extensions.append(_ext(pp, "caller_filter", c.filter or ""))
    expanded = c.status.lower() in ("pathogenic", "expanded_at_least_n", "reduced_penetrance")
    # a normal size from a call its caller flagged rules nothing out: status unknown, never REJECTED
    status = "CANDIDATE" if expanded else ("REJECTED" if c.status.lower() == "normal" and not flagged
                                           else "UNKNOWN_STATUS")
    return pp.GenomicInterpretation(
        subject_or_biosample_id=report.header.patient_id,
        interpretation_status=pp.GenomicInterpretation.InterpretationStatus.Value(status),
        variant_interpretation=pp.VariantInterpretation(
            acmg_pathogenicity_classification=pp.AcmgPathogenicityClassification.Value("NOT_PROVIDED"),
            variation_descriptor=desc),
    )


def _record_gis(pp: Any, report: Report) -> list[Any]:
    """The clinical record's own genetic results (a laboratory's), as page 1 states them: exported with what the
    record says and that charcot did not assess them (no ACMG class of charcot's, status unknown)."""
    out = []
    stated: list[tuple[str, str, str, str, str | None]] = [
        (f"record:{f.gene}:{f.variant}", f"{f.gene} {f.variant}", f.gene, f.text, None)
              for f in report.genetics.record_findings]
    stated += [(f"record:repeat:{gene}", f"{gene} repeat {status}", gene,
                report.repeats.record_status_text(gene), status) for gene, status in sorted(report.repeats.record_statuses.items())]
    for key, label, symbol, text, repeat in stated:
        desc = pp.VariationDescriptor(id=key, label=label, description=text,
                                      molecule_context=pp.MoleculeContext.Value("genomic"))
        if repeat is not None:
            desc.structural_type.CopyFrom(pp.OntologyClass(id="SO:0000705", label="tandem_repeat"))
            desc.extensions.append(_ext(pp, "repeat_status", repeat))
        gene = _gene(pp, symbol)
        if gene is not None:
            desc.gene_context.CopyFrom(gene)
        desc.extensions.append(_ext(pp, "source", "clinical record (laboratory result), not assessed by charcot"))
        out.append(pp.GenomicInterpretation(
            subject_or_biosample_id=report.header.patient_id,
            interpretation_status=pp.GenomicInterpretation.InterpretationStatus.Value("UNKNOWN_STATUS"),
            variant_interpretation=pp.VariantInterpretation(
                acmg_pathogenicity_classification=pp.AcmgPathogenicityClassification.Value("NOT_PROVIDED"),
                variation_descriptor=desc)))
    return out


def build_phenopacket(report: Report) -> Any:
    try:
        import phenopackets as pp
        from google.protobuf.timestamp_pb2 import Timestamp
    except ImportError as exc:  # pragma: no cover
        raise CharcotError("Phenopacket output needs the phenopackets library",
                           hint="pip install 'charcot[phenopacket]'") from exc
    h = report.header
    sex = {"male": "MALE", "female": "FEMALE", "m": "MALE", "f": "FEMALE", "other": "OTHER_SEX"}.get(
        (h.sex or "").lower(), "UNKNOWN_SEX")
    created = Timestamp()
    created.FromDatetime(report.run.run_time.replace(tzinfo=None))
    packet = pp.Phenopacket(
        id=f"{h.report_id}",
        subject=pp.Individual(id=h.patient_id, sex=pp.Sex.Value(sex)),
        meta_data=pp.MetaData(
            created=created, created_by=f"charcot {h.software_version}", phenopacket_schema_version="2.0",
        ),
    )
    if h.death_date is not None:  # the record's death (the report stages it King's 5): never left out of the export
        died = Timestamp()
        died.FromDatetime(datetime.combine(h.death_date, time()))
        packet.subject.vital_status.CopyFrom(pp.VitalStatus(status=pp.VitalStatus.Status.DECEASED,
                                                            time_of_death=pp.TimeElement(timestamp=died)))
    for term in h.hpo_terms:
        # the label comes from the HPO ontology; an id the ontology did not label keeps no label, never itself
        packet.phenotypic_features.append(pp.PhenotypicFeature(type=pp.OntologyClass(id=term, label=h.hpo_labels.get(term, ""))))
    cognition = next((m for m in report.clinical.measures if m.name == COGNITION_MEASURE), None)
    if cognition is not None and FTD_YES in (cognition.detail or "").split("; ") and FTD_HPO[0] not in h.hpo_terms:
        # ALS-FTD, which the report's clinical table and page 1 state, is exported as the HPO feature it is
        packet.phenotypic_features.append(pp.PhenotypicFeature(type=pp.OntologyClass(id=FTD_HPO[0], label=FTD_HPO[1])))
    disease = _disease(h.diagnosis, h.diagnosis_id)
    if disease is not None:
        packet.diseases.append(pp.Disease(term=pp.OntologyClass(id=disease[0], label=disease[1])))
    for v in report.clinical.visits:
        if v.alsfrs_r is None:
            continue
        when = Timestamp()
        when.FromDatetime(datetime.combine(v.date, time()))
        packet.measurements.append(pp.Measurement(
            assay=pp.OntologyClass(id="charcot:alsfrs_r_total", label="ALSFRS-R total score"),
            value=pp.Value(quantity=pp.Quantity(unit=pp.OntologyClass(id="UCUM:{score}", label="score"),
                                                value=float(v.alsfrs_r),
                                                reference_range=pp.ReferenceRange(
                                                    unit=pp.OntologyClass(id="UCUM:{score}", label="score"),
                                                    low=0, high=48))),
            time_observed=pp.TimeElement(timestamp=when)))
    findings = [f for t in report.genetics.tiers for f in t.findings if t.number in (1, 2)]
    # a coding or splice-region variant charcot could not classify is exported as such (no ACMG class, status
    # unknown, the reason), never left out: the gene would read as having nothing
    unclassified = [_variant_gi(pp, report, f) for f in report.genetics.not_classified]
    unclassified += [_excluded_gi(pp, report, e) for e in report.genetics.excluded_calls if e.coding_or_splice]
    for gi in unclassified:
        gi.interpretation_status = pp.GenomicInterpretation.InterpretationStatus.Value("UNKNOWN_STATUS")
    gis = [_variant_gi(pp, report, f) for f in findings] + unclassified + \
        [_repeat_gi(pp, report, c) for c in report.repeats.calls]
    stated = _record_gis(pp, report)
    gis += stated
    own_risk = _own_risk(pp, report, gis)
    if gis or report.genetics.status.value != "not_assessed":
        # Never SOLVED by itself: candidates await a clinician's confirmation (IN_PROGRESS), as do the record's own
        # results; nothing found is UNSOLVED.
        candidate = bool(stated) or bool(unclassified) or any(
            g.interpretation_status == pp.GenomicInterpretation.InterpretationStatus.Value("CANDIDATE") for g in gis)
        packet.interpretations.append(pp.Interpretation(
            id=f"{h.report_id}-interpretation",
            progress_status=pp.Interpretation.ProgressStatus.Value("IN_PROGRESS" if candidate else "UNSOLVED"),
            diagnosis=pp.Diagnosis(disease=pp.OntologyClass(id=(disease or UNKNOWN_DISEASE)[0],
                                                            label=(disease or UNKNOWN_DISEASE)[1]),
                                   genomic_interpretations=gis),
            # page 1's lines on the genotype and what it means for the patient: the findings, an unaffected
            # patient's own risk of onset and the known course (Prognosis), in page 1's words
            # page 1's identity banner first (a failed check: these results may not be this patient's)
            summary=" ".join(x for x in (identity_words(report), "; ".join(
                s.text for s in report.summary if s.topic in ("Genetics", "ClinVar", "Repeats", "Prognosis")
                or (s.topic == "Family" and s.text in own_risk))) if x),
        ))
    for t in report.therapies.record_treatments:
        packet.medical_actions.append(pp.MedicalAction(treatment=_treatment(pp, t)))
    # MetaData names each ontology whose terms the packet uses (the schema's rule), with the release read, then the
    # report's own resources (knowledge base, ClinVar, gnomAD ...) and inputs
    packet.meta_data.resources.extend(_ontology_resources(pp, packet, report))
    _provenance(pp, packet.meta_data, report)
    return packet


def _own_risk(pp: Any, report: Report, gis: list[Any]) -> list[str]:
    """An unaffected patient's own risk of onset (page 1's line, one per gene), which the schema has no field for:
    an extension ``risk_of_onset`` on the descriptor of each finding in that gene the risk is calculated for (a
    P/LP variant or expansion, or the record's laboratory result), never on a variant of uncertain significance.
    Returns the lines (the interpretation's summary says them too)."""
    from charcot.report.build import patient_risk_line

    lines = []
    candidate = pp.GenomicInterpretation.InterpretationStatus.Value("CANDIDATE")
    for own in report.family.patient_risk:
        line = patient_risk_line(own)
        lines.append(line)
        for gi in gis:
            desc = gi.variant_interpretation.variation_descriptor
            from_record = any(e.name == "source" for e in desc.extensions)
            if (desc.gene_context.symbol or "").upper() == (own.gene or "").upper() and (
                    gi.interpretation_status == candidate or from_record):
                desc.extensions.append(_ext(pp, "risk_of_onset", line))
    return lines


def _treatment(pp: Any, t: RecordedTreatment) -> Any:
    """One treatment the clinical record states, as a Phenopacket Treatment: the knowledge base's therapy as the
    agent (charcot's id and name) when the record's words name exactly one, else the words as recorded; its recorded
    dates as a dose interval's interval (the field charcot's own phenopacket reader takes them from). No dose,
    route or schedule is recorded, so none is exported; no date recorded, no dose interval."""
    from google.protobuf.timestamp_pb2 import Timestamp

    agent = (pp.OntologyClass(id=f"charcot:therapy/{t.therapies[0]}", label=t.names[0]) if len(t.therapies) == 1
             else pp.OntologyClass(id="charcot:treatment-as-recorded", label=t.written))
    treatment = pp.Treatment(agent=agent)
    if t.started is not None or t.stopped is not None:
        interval = pp.TimeInterval()
        for when, field in ((t.started, interval.start), (t.stopped, interval.end)):
            if when is not None:
                stamp = Timestamp()
                stamp.FromDatetime(datetime.combine(when, time()))
                field.CopyFrom(stamp)
        treatment.dose_intervals.append(pp.DoseInterval(interval=interval))
    return treatment


# Ontologies whose terms the export writes: (Phenopacket id, name, URL, IRI prefix). HP's release is the one the terms
# were read from; the others' terms are fixed in charcot's code (no release file is read), said as such.
_ONTOLOGIES: dict[str, tuple[str, str, str, str]] = {
    "HP": ("hp", "human phenotype ontology", "http://purl.obolibrary.org/obo/hp.owl", "http://purl.obolibrary.org/obo/HP_"),
    "MONDO": ("mondo", "Mondo Disease Ontology", "http://purl.obolibrary.org/obo/mondo.obo",
              "http://purl.obolibrary.org/obo/MONDO_"),
    "GENO": ("geno", "Genotype Ontology", "http://purl.obolibrary.org/obo/geno.owl", "http://purl.obolibrary.org/obo/GENO_"),
    "SO": ("so", "Sequence Ontology", "http://purl.obolibrary.org/obo/so.owl", "http://purl.obolibrary.org/obo/SO_"),
    "NCIT": ("ncit", "NCI Thesaurus", "http://purl.obolibrary.org/obo/ncit.owl", "http://purl.obolibrary.org/obo/NCIT_"),
    "UCUM": ("ucum", "Unified Code for Units of Measure", "https://ucum.org", "https://ucum.org/ucum#"),
    "OMIM": ("omim", "Online Mendelian Inheritance in Man", "https://omim.org", "https://omim.org/entry/"),
    "ORPHA": ("orpha", "Orphanet Rare Disease Ontology", "http://www.orpha.net/ORDO", "http://www.orpha.net/ORDO/Orphanet_"),
}
# charcot's own fixed terms: the release each was checked in (GENO:0000134/5/6 hemizygous/heterozygous/homozygous in
# monarch-initiative/GENO-ontology geno.obo, data-version releases/2023-10-08, commit 1153f584; SO:0000705
# tandem_repeat in The-Sequence-Ontology/SO-Ontologies Ontology_Files/so.obo, data-version 2024-11-18, commit
# 01c33c6d); MONDO and NCIT, whose releases charcot has not read, say where the id was taken from instead
_FIXED_TERMS = {
    "GENO": "2023-10-08",
    "SO": "2024-11-18",
    "MONDO": "no MONDO release read: MONDO:0004976 as the ClinGen gene-disease validity summary of 2025-07-01 names it "
             "(charcot's knowledge base genes)",
    "NCIT": "no NCIt release read: NCIT:C17998 (Unknown) fixed in charcot",
    "UCUM": "2.1",
}


def _ontology_classes(message: Any) -> list[Any]:
    """Every OntologyClass anywhere in a protobuf message."""
    import phenopackets as pp

    found: list[Any] = []
    for field, value in message.ListFields():
        if field.message_type is None or field.message_type.GetOptions().map_entry:
            continue
        for item in (value if field.is_repeated else [value]):
            found += [item] if isinstance(item, pp.OntologyClass) else _ontology_classes(item)
    return found


def _ontology_resources(pp: Any, packet: Any, report: Report) -> list[Any]:
    """A Resource for each ontology prefix the packet's terms use (charcot's own prefix is the knowledge base's,
    listed by the provenance), with its version: HP the release the report read its terms from (else the ontology
    charcot reads, whose release is the one its fixed terms are checked against); a prefix the input's diagnosis id
    brought, 'as given by the input'; charcot's fixed terms, where they were taken from."""
    from charcot.acmg.phenotype import ontology_version

    given = (report.header.diagnosis_id or "").split(":", 1)[0]
    out = []
    for prefix in sorted({c.id.split(":", 1)[0] for c in _ontology_classes(packet)} - {"charcot"}):
        rid, name, url, iri = _ONTOLOGIES.get(prefix, (prefix.lower(), prefix, f"https://identifiers.org/{prefix}",
                                                        f"https://identifiers.org/{prefix}:"))
        if prefix == "HP":
            version = next((r.version for r in report.header.resources if r.name == HPO_RESOURCE), None) \
                or ontology_version()
        elif prefix == given:
            version = "as given by the input (its release not stated)"
        else:
            version = _FIXED_TERMS.get(prefix, "not stated")
        out.append(pp.Resource(id=rid, name=name, namespace_prefix=prefix, url=url, version=version, iri_prefix=iri))
    return out


def _provenance(pp: Any, meta: Any, report: Report) -> None:
    """The report's provenance in MetaData's own fields: each resource of the report's provenance table (knowledge
    base, ClinVar/gnomAD releases, the resource bundle) as a Resource with its version; each input file's digest as
    an ExternalReference (id ``sha256:…``, reference the file name, description role, size and digest kind); the
    report itself with its software, knowledge snapshot, sign-off and the clinical-judgement statement."""
    from charcot.report.provenance import input_description, input_id, report_description

    used = {r.id for r in meta.resources}  # the ontologies listed with MetaData (HPO with its release)
    for res in report.header.resources:
        known = KNOWN_RESOURCES.get(res.name) or ("charcot-" + "-".join(res.name.lower().split()), res.name, "", "")
        rid, prefix, url, iri = known[:4]
        if rid in used:
            continue
        used.add(rid)
        name = (known[4] if len(known) > 4 else res.name) + (f" ({res.note})" if res.note else "")
        meta.resources.append(pp.Resource(id=rid, name=name, namespace_prefix=prefix, url=url, version=res.version,
                                          iri_prefix=iri))
    meta.external_references.append(pp.ExternalReference(
        id=f"charcot:report/{report.header.report_id}", reference="report.json",
        description=report_description(report)))
    for i in report.header.inputs:
        meta.external_references.append(pp.ExternalReference(id=input_id(i), reference=i.path,
                                                             description=input_description(i)))


def _disease(label: str | None, term_id: str | None) -> tuple[str, str] | None:
    """The case's diagnosis as an ontology class: the id the input gave, MONDO for ALS words, else the words
    under charcot's prefix (never ALS unless the record says so)."""
    if not label and not term_id:
        return None
    if term_id:
        return term_id, label or term_id
    from charcot.acmg.phenotype import als_diagnosis

    if als_diagnosis(label) is not None:
        return ALS_DISEASE
    return "charcot:diagnosis", str(label)


def render_phenopacket(report: Report) -> str:
    from google.protobuf import json_format

    packet = build_phenopacket(report)
    text = str(json_format.MessageToJson(packet, indent=2, sort_keys=True))
    validate_phenopacket_json(text)
    return text + "\n"


def validate_phenopacket_json(text: str) -> Any:
    """Parse JSON into the v2 Phenopacket message (unknown fields are errors) and check it survives a
    round trip unchanged. Returns the message."""
    import phenopackets as pp
    from google.protobuf import json_format

    try:
        message = json_format.Parse(text, pp.Phenopacket())
    except json_format.ParseError as exc:
        raise CharcotError(f"not a valid GA4GH Phenopacket v2: {exc}") from None
    again = json_format.MessageToJson(message, indent=2, sort_keys=True)
    if json.loads(again) != json.loads(text):
        raise CharcotError("phenopacket did not survive a protobuf round trip")
    if not message.id or not message.HasField("meta_data") or not message.meta_data.phenopacket_schema_version:
        raise CharcotError("phenopacket lacks id or meta_data.phenopacketSchemaVersion")
    return message
