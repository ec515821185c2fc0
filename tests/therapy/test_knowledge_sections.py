"""The therapy-owned knowledge sections load, cite known sources and cross-check."""

from __future__ import annotations

import importlib

import pytest

from charcot.knowledge import get_knowledge
from charcot.knowledge.loader import load_bibliography, unknown_source_problems
from charcot.knowledge.schema.therapies import Record as Therapy
from charcot.knowledge.schema.trials import Record as Trial
from charcot.model import Confidence

SECTIONS = ("mechanisms", "therapies", "trials", "claims")


@pytest.mark.parametrize("section", SECTIONS)
def test_section_loads_cites_known_sources_and_cross_checks(section: str) -> None:
    kb = get_knowledge()
    records = kb.records(section)
    assert records
    assert unknown_source_problems(section, records, kb.bibliography) == []
    module = importlib.import_module(f"charcot.knowledge.schema.{section}")
    assert [p.render() for p in module.check(records, kb)] == []


def test_therapy_bibliography_defines_no_key_twice() -> None:
    # load_bibliography raises on a duplicate key across files
    assert "S-Ata14" in load_bibliography()


def test_unverified_reference_items_are_marked() -> None:
    kb = get_knowledge()
    trials = {t.key: t for t in kb.typed("trials", Trial)}
    # NCT numbers the 2026-11-30 registry audit could not confirm in a stored registry copy
    for nct in ("NCT00781872", "NCT04436510", "NCT05842941", "EAP-tofersen"):
        assert trials[nct].confidence is Confidence.UNVERIFIED, nct
    # ... and the ones it confirmed are no longer marked (regimens A and D found in registry copies in the
    # second audit)
    for nct in ("NCT03127514", "NCT05021536", "NCT03127267", "NCT02588677", "NCT04322149", "NCT01640067",
                "NCT01348451", "NCT01730716", "NCT04436497", "NCT04615923"):
        assert trials[nct].confidence is Confidence.VERIFIED, nct
    # a status resting on a company report while the registry copy says otherwise stays marked
    for nct in ("NCT03981536", "NCT05039099", "NCT01730716"):
        assert trials[nct].status.confidence is Confidence.UNVERIFIED, nct
    assert trials["NCT01348451"].status.confidence is Confidence.VERIFIED  # the trial report says it is complete
    # every trial record says what the audit checked
    assert all(t.audit and t.audit.startswith("2026-11-30") for t in trials.values())
    therapies = {t.key: t for t in kb.typed("therapies", Therapy)}
    assert therapies["aav_sod1_programmes"].confidence is Confidence.UNVERIFIED
    # riluzole's EU approval was unverified (a Cochrane review's "approved in most countries"); the EPAR now
    # dates it and names its route (leftclin, 2026-12-02): the centralised procedure, valid in the whole EEA
    eu_riluzole = next(e for e in therapies["riluzole"].regulatory if e.region == "EU")
    assert eu_riluzole.confidence is Confidence.VERIFIED and eu_riluzole.sources == ["S-EMArilutek"]
    assert eu_riluzole.procedure == "centralised" and eu_riluzole.date == "1996-06-10"


def test_registry_audit_corrections() -> None:
    # issue 15: NCT03127267 is study AB19001 (not AB23005); AB10015 is NCT02588677 (not NCT01894633)
    trials = {t.key: t for t in get_knowledge().typed("trials", Trial)}
    assert trials["NCT03127267"].protocol_id == "AB19001" and trials["NCT03127267"].acronym == "AB19001"
    assert "NCT01894633" not in trials and trials["NCT02588677"].protocol_id == "AB10015"
    kinds = {c.kind.value for c in trials["NCT03127267"].criteria}
    assert {"time_since_diagnosis", "fvc", "alsfrs_r", "progression_rate", "age"} <= kinds
    healey = [t for t in trials.values() if t.platform == "NCT04297683"]
    assert len(healey) == 7 and trials["NCT04297683"].kind.value == "platform_master"


def test_reference_traps() -> None:
    therapies = {t.key: t for t in get_knowledge().typed("therapies", Therapy)}
    tof = {(e.region, e.status.value): e.date for e in therapies["tofersen"].regulatory}
    assert tof[("US", "accelerated_approval")] == "2023-04-25"
    assert tof[("EU", "exceptional_circumstances")] == "2024-05-31"  # not "conditional"
    amx = {(e.region, e.status.value): e.date for e in therapies["amx0035"].regulatory}
    assert amx[("US", "withdrawn")] == "2024-04-04" and amx[("EU", "refused")] == "2024-01-05"
    assert not any(e.status.available for e in therapies["masitinib"].regulatory)
    assert {t.development_status for t in (therapies["biib078"], therapies["wve004"])} == {"discontinued"}


def test_trophic_gene_delivery_and_sma_precedent_records() -> None:
    # issue 15: gene therapy as the seed texts describe it, and the SMA precedent, linked from the mechanism map
    from charcot.knowledge.schema.mechanisms import Record as Mechanism

    kb = get_knowledge()
    therapies = {t.key: t for t in kb.typed("therapies", Therapy)}
    mechanisms = {m.key: m for m in kb.typed("mechanisms", Mechanism)}
    for tid in ("gdnf_engineered_progenitors", "vegf_icv", "igf1_subcutaneous"):
        t = therapies[tid]
        assert [m.mechanism for m in t.mechanisms] == ["neurotrophic_support"] and t.evidence_summary and t.sources
        assert tid in mechanisms["neurotrophic_support"].description
    for tid, gene in (("nusinersen", "SMN2"), ("onasemnogene_abeparvovec", "SMN1"), ("risdiplam", "SMN2")):
        t = therapies[tid]
        assert t.therapy_class.value == "precedent" and t.disease.startswith("spinal muscular atrophy")
        assert t.target_genes == [gene] and t.development_status == "approved" and t.development_status_date
        assert [m.mechanism for m in t.mechanisms] == ["smn_deficiency"] and tid in mechanisms["smn_deficiency"].description
    assert therapies["onasemnogene_abeparvovec"].development_status_date == "2019-05-24"


def test_sma_precedents_are_never_offered_to_an_als_patient() -> None:
    from charcot.therapy.api import match
    from charcot.therapy.model import Clinical, PatientFacts

    result = match(PatientFacts(clinical=Clinical(affected=True, age=50)))
    ids = {m.id for m in result.therapies}
    assert not ids & {"nusinersen", "onasemnogene_abeparvovec", "risdiplam"}
    assert "gdnf_engineered_progenitors" in ids  # ALS gene-delivery records are shown, with their status


def test_second_registry_audit() -> None:
    trials = {t.key: t for t in get_knowledge().typed("trials", Trial)}
    # HEALEY master protocol: onset of weakness <= 24 months in the registry copy of 2024-12-26 (was 36, unverified)
    duration = next(c for c in trials["NCT04297683"].criteria if c.id == "duration")
    assert duration.max == 24 and duration.confidence is Confidence.VERIFIED
    # the motor-cortex GDNF study: active, not recruiting, registry phase 1 (was "ongoing", unverified)
    cortex = trials["NCT05306457"]
    assert cortex.status.status.value == "active_not_recruiting" and cortex.phase == "1"
    assert cortex.status.confidence is Confidence.VERIFIED
    assert trials["NCT04436497"].status.status.value == "completed"
