"""Eligibility engine and matching against the shipped knowledge base (issue 7 examples)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from charcot.errors import InputError
from charcot.knowledge.schema.therapies import Criterion
from charcot.model import AcmgClass
from charcot.therapy.api import load_facts, match
from charcot.therapy.criteria import combine, evaluate
from charcot.therapy.model import (
    Clinical,
    CriterionStatus,
    GeneFinding,
    Genotype,
    PatientFacts,
    RepeatStatus,
    Verdict,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "therapy"


def facts(name: str) -> PatientFacts:
    return load_facts(DATA / f"{name}.yaml")


def test_sod1_plp_gets_tofersen_per_label_in_us_and_eu() -> None:
    for region, status in (("US", "accelerated_approval"), ("EU", "exceptional_circumstances")):
        result = match(facts("sod1_patient"), region=region)
        tof = result.get("tofersen")
        assert tof.verdict is Verdict.ELIGIBLE, tof.summary
        assert {c.id: c.status for c in tof.criteria}["sod1_plp"] is CriterionStatus.MET
        assert next(r for r in tof.regions if r.region == region).status == status
        assert any("fits this genotype" in e.text for e in tof.mechanisms)


def test_tofersen_not_eligible_without_sod1_and_names_failed_criterion() -> None:
    tof = match(facts("no_finding_eu")).get("tofersen")
    assert tof.verdict is Verdict.NOT_ELIGIBLE
    assert any(f.startswith("sod1_plp") for f in tof.failed)
    assert tof.relevant is False


def test_tofersen_vus_fails_with_reclassification_note() -> None:
    f = facts("sod1_patient").model_copy(deep=True)
    f.genotype.findings[0].classification = AcmgClass.VUS
    tof = match(f, region="US").get("tofersen")
    assert tof.verdict is Verdict.NOT_ELIGIBLE
    assert "Uncertain significance" in tof.failed[0]


def test_tofersen_not_yet_approved_in_eu_before_may_2024() -> None:
    tof = match(facts("sod1_patient"), region="EU", as_of=date(2024, 3, 1)).get("tofersen")
    # the EU record starts with the approval of 2024-05-31: before it tofersen was not yet marketed in the EU, which
    # charcot knows (probe-clin: it was 'cannot decide: no regulatory record in EU')
    assert tof.verdict is Verdict.NOT_ELIGIBLE and "not yet approved on 2024-03-01" in tof.failed[0]
    tof_us = match(facts("sod1_patient"), region="US", as_of=date(2023, 1, 1)).get("tofersen")
    assert tof_us.verdict is Verdict.NOT_ELIGIBLE  # before the first approval anywhere (2023-04-25)
    assert "not yet approved for ALS in any region" in tof_us.failed[0]


def test_presymptomatic_sod1_carrier_gets_atlas_with_nfl_requirement() -> None:
    result = match(facts("sod1_presymptomatic"))
    atlas = result.get("NCT04856982")
    assert atlas.relevant
    # the sponsor's variant list decides, and ATLAS no longer recruits: never 'eligible'
    assert atlas.verdict is Verdict.NOT_OPEN and atlas.open_to_new_participants is False
    assert "committee review" in atlas.summary
    nfl = next(c for c in atlas.criteria if c.id == "nfl_randomisation_trigger")
    assert not nfl.blocking and nfl.applies_to == "randomisation"
    assert "44" in nfl.reason and nfl.status is CriterionStatus.PENDING  # NfL 12 < 44: not yet randomised
    entry = next(c for c in atlas.criteria if c.id == "nfl_below_threshold")
    assert entry.blocking and entry.status is CriterionStatus.MET
    assert "check clinicaltrials.gov" in " ".join(atlas.notes)
    # a presymptomatic carrier has no ALS: tofersen's label does not apply
    assert match(facts("sod1_presymptomatic")).get("tofersen").verdict is Verdict.NOT_ELIGIBLE


def test_atlas_low_nfl_carrier_is_not_failed_on_nfl() -> None:
    # issue 15: NfL 8 pg/mL read "failed" although ATLAS enrols carriers below the threshold
    f = facts("sod1_presymptomatic").model_copy(deep=True)
    f.clinical.nfl_pg_ml = 8
    atlas = match(f).get("NCT04856982")
    statuses = {c.id: c.status for c in atlas.criteria}
    assert statuses["nfl_below_threshold"] is CriterionStatus.MET
    assert statuses["nfl_randomisation_trigger"] is CriterionStatus.PENDING
    assert CriterionStatus.FAILED not in statuses.values() and atlas.failed == []
    # a carrier whose NfL is already at the threshold is outside Part A entry; the criterion itself says the
    # protocol decides for such a carrier, so it is a site decision (review), not a failure (was: 'failed',
    # contradicting its own description)
    f.clinical.nfl_pg_ml = 44
    high = match(f).get("NCT04856982")
    nfl = next(c for c in high.criteria if c.id == "nfl_below_threshold")
    assert nfl.status is CriterionStatus.REVIEW and "protocol" in nfl.reason and "not < 44" in nfl.reason
    assert {c.id: c.status for c in high.criteria}["nfl_randomisation_trigger"] is CriterionStatus.MET
    assert high.failed == []


def test_outside_range_review_needs_a_numeric_kind_and_a_note() -> None:
    with pytest.raises(ValueError, match="review_note"):
        Criterion(id="x", kind="nfl", max=44, description="d", outside_range="review")
    with pytest.raises(ValueError, match="numeric kind"):
        Criterion(id="x", kind="symptom", symptom="s", description="d", outside_range="review", review_note="n")


def _als(**clinical: object) -> PatientFacts:
    return PatientFacts(clinical=Clinical(affected=True, **clinical))  # type: ignore[arg-type]


def test_ab19001_late_severe_patient_is_not_eligible() -> None:
    # issue 15: FVC 40%, 10 years, ALSFRS-R 20 was shown ELIGIBLE for NCT03127267 (labelled AB23005)
    m = match(_als(age=60, fvc_percent=40, disease_duration_months=120, alsfrs_r=20)).get("NCT03127267")
    assert m.verdict is Verdict.NOT_ELIGIBLE
    failed = {f.split(":")[0] for f in m.failed}
    assert {"fvc", "alsfrs_r"} <= failed
    assert "AB19001" in m.name and "AB23005" not in m.name
    # with the diagnosis date known, the 24-month limit fails too
    m = match(_als(age=60, fvc_percent=40, disease_duration_months=120, months_since_diagnosis=110,
                   alsfrs_r=20)).get("NCT03127267")
    assert "time_since_diagnosis" in {f.split(":")[0] for f in m.failed}


def test_ab19001_early_patient_is_eligible_and_bounds_are_the_registry_ones() -> None:
    fit = dict(age=55, fvc_percent=80, disease_duration_months=14, alsfrs_r=40, el_escorial="probable", als_ftd=False)
    m = match(_als(**fit)).get("NCT03127267")  # recruiting: the only open study such a patient can be eligible for
    assert m.verdict is Verdict.ELIGIBLE, m.summary
    by_id = {c.id: c for c in m.criteria}
    # diagnosis comes after onset: 14 months since onset means at most 14 since diagnosis
    assert by_id["time_since_diagnosis"].status is CriterionStatus.MET
    assert by_id["progression"].status is CriterionStatus.MET and "from ALSFRS-R" in by_id["progression"].reason
    for key, value, status in (("fvc_percent", 60, CriterionStatus.MET), ("fvc_percent", 59.9, CriterionStatus.FAILED),
                               ("alsfrs_r", 26, CriterionStatus.MET), ("alsfrs_r", 25, CriterionStatus.FAILED),
                               ("age", 81, CriterionStatus.MET), ("age", 82, CriterionStatus.FAILED)):
        crit = {"fvc_percent": "fvc", "alsfrs_r": "alsfrs_r", "age": "age"}[key]
        got = match(_als(**{**fit, key: value})).get("NCT03127267")
        assert {c.id: c.status for c in got.criteria}[crit] is status, (key, value)
    # progression exactly 0.3/month is not "> 0.3"
    slow = match(_als(age=55, fvc_percent=80, disease_duration_months=20, alsfrs_r=42)).get("NCT03127267")
    assert {c.id: c.status for c in slow.criteria}["progression"] is CriterionStatus.FAILED


def test_a_study_that_takes_no_one_new_is_never_eligible() -> None:
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.trials import Record as Trial

    trials = {t.nct_id: t for t in get_knowledge().typed("trials", Trial)}
    patients = [_als(age=55, fvc_percent=80, disease_duration_months=14, months_since_diagnosis=6, alsfrs_r=40),
                facts("sod1_patient"), facts("fus_patient"), facts("c9_patient"), facts("sod1_presymptomatic")]
    for patient in patients:
        for m in match(patient).trials:
            if trials[m.id].status.status.open_to_new_participants is not True or trials[m.id].parent_study_only:
                assert m.verdict is not Verdict.ELIGIBLE, (m.id, m.summary)


def test_atlas_excludes_symptomatic_patient() -> None:
    atlas = match(facts("sod1_patient")).get("NCT04856982")
    assert atlas.verdict is Verdict.NOT_ELIGIBLE
    assert any(f.startswith("presymptomatic") for f in atlas.failed)


def test_fus_plp_gets_fusion_with_committee_review_and_closed_enrolment() -> None:
    fusion = match(facts("fus_patient")).get("NCT04768972")
    assert fusion.relevant
    assert fusion.verdict is Verdict.NOT_OPEN  # fully enrolled: a qualifying variant still needs review
    assert "Variant Classification Manual" in fusion.summary
    assert fusion.open_to_new_participants is False
    assert fusion.trial_status_as_of == "2025"


def test_preapproved_variant_list_met_and_outside_needs_review() -> None:
    crit = Criterion(id="fus", kind="gene", gene="FUS", min_class=AcmgClass.LIKELY_PATHOGENIC,
                     preapproved_variants=["p.Pro525Leu"], description="FUS P/LP", review_note="committee")
    inside = PatientFacts(genotype=Genotype(findings=[GeneFinding(gene="FUS", classification=AcmgClass.PATHOGENIC,
                                                                  hgvs_p="p.Pro525Leu")]))
    outside = PatientFacts(genotype=Genotype(findings=[GeneFinding(gene="FUS", classification=AcmgClass.LIKELY_PATHOGENIC,
                                                                   hgvs_p="p.Arg521Cys")]))
    assert evaluate(crit, inside).status is CriterionStatus.MET
    res = evaluate(crit, outside)
    assert res.status is CriterionStatus.REVIEW and "committee" in res.reason
    assert combine([res]) is Verdict.COMMITTEE_REVIEW


def test_c9orf72_expansion_lists_programmes_discontinued_marked() -> None:
    result = match(facts("c9_patient"))
    for nct, status in (("NCT03626012", "completed"), ("NCT04931862", "discontinued")):
        trial = result.get(nct)
        assert trial.relevant and trial.open_to_new_participants is False
        assert trial.trial_status == status  # BIIB078 phase 1: completed in the registry, programme discontinued
    assert result.get("biib078").development_status == "discontinued"
    assert result.get("wve004").development_status_date == "2023-05-23"
    note = next(n for n in result.gene_notes if n.startswith("C9orf72"))
    assert "discontinued 2022-03-28" in note and "WVE-004" in note


def test_c9orf72_not_assessed_is_cannot_decide_naming_the_assay() -> None:
    f = facts("c9_patient").model_copy(deep=True)
    f.genotype.repeats = {"C9orf72": RepeatStatus.NOT_ASSESSED}
    trial = match(f).get("NCT03626012")
    assert trial.verdict is Verdict.NOT_OPEN  # completed: closed whatever the criteria say
    assert any("C9orf72 repeat status" in m for m in trial.missing) and "cannot decide" in trial.summary


def test_no_finding_riluzole_and_edaravone_per_region() -> None:
    eu = match(facts("no_finding_eu"))
    assert eu.region == "EU"  # from country FR
    assert eu.get("riluzole").verdict is Verdict.ELIGIBLE
    # the EU approval is dated and verified by the EPAR (leftclin): it was 'date not retrieved', unverified
    assert not eu.get("riluzole").criteria[-1].unverified and "1996-06-10" in eu.get("riluzole").criteria[-1].reason
    edav = eu.get("edaravone_iv")
    assert edav.verdict is Verdict.NOT_ELIGIBLE
    assert "application withdrawn on 2019-05-24" in edav.failed[0]
    us = match(facts("no_finding_eu"), region="US")
    assert us.get("edaravone_iv").verdict is Verdict.ELIGIBLE
    assert us.get("edaravone_oral").verdict is Verdict.ELIGIBLE
    jp = match(facts("no_finding_eu"), region="JP")
    assert jp.get("edaravone_iv").verdict is Verdict.ELIGIBLE
    assert jp.get("riluzole").verdict is Verdict.CANNOT_DECIDE  # no Japanese record in the knowledge base


def test_edaravone_evidence_population_criteria_do_not_block() -> None:
    us = match(facts("no_finding_eu"), region="US").get("edaravone_iv")  # FVC 72, 30 months
    informative = [c for c in us.criteria if not c.blocking]
    assert {c.status for c in informative} == {CriterionStatus.FAILED}
    assert us.verdict is Verdict.ELIGIBLE


def test_withdrawn_products_show_withdrawal_dates() -> None:
    us = match(facts("no_finding_eu"), region="US").get("amx0035")
    assert us.verdict is Verdict.NOT_ELIGIBLE
    assert "withdrawn on 2024-04-04" in us.failed[0]
    eu = match(facts("no_finding_eu"), region="EU").get("amx0035")
    assert "refused on 2024-01-05" in eu.failed[0]
    before = match(facts("no_finding_eu"), region="US", as_of=date(2023, 6, 1)).get("amx0035")
    assert before.verdict is Verdict.ELIGIBLE  # approved 2022-09-29, not yet withdrawn
    ca = match(facts("no_finding_eu"), region="CA", as_of=date(2022, 7, 1)).get("amx0035")
    assert ca.regions[0].status == "conditional_approval"


def test_masitinib_not_approved_anywhere() -> None:
    for region in ("EU", "CA", "US"):
        m = match(facts("no_finding_eu"), region=region).get("masitinib")
        assert m.verdict is Verdict.NOT_ELIGIBLE
        assert "not approved for ALS in any region" in m.failed[0]


def test_missing_data_gives_cannot_decide_naming_each_item() -> None:
    result = match(facts("missing_data"))
    tof = result.get("tofersen")
    assert tof.verdict is Verdict.CANNOT_DECIDE
    assert set(tof.missing) == {"affected status (clinically manifest ALS or not)", "age (years)", "country or region"}
    # the SOD1 finding itself is known and met
    assert {c.id: c.status for c in tof.criteria}["sod1_plp"] is CriterionStatus.MET


def test_gene_without_result_is_unknown_unless_tested() -> None:
    crit = Criterion(id="g", kind="gene", gene="SOD1", min_class=AcmgClass.LIKELY_PATHOGENIC, description="SOD1")
    assert evaluate(crit, PatientFacts()).status is CriterionStatus.UNKNOWN
    tested = PatientFacts(genotype=Genotype(genetic_testing_done=True))
    assert evaluate(crit, tested).status is CriterionStatus.FAILED
    other_panel = PatientFacts(genotype=Genotype(genetic_testing_done=True, genes_tested=["FUS"]))
    assert evaluate(crit, other_panel).status is CriterionStatus.UNKNOWN


@pytest.mark.parametrize(("kind", "field", "value", "expected"), [
    ("alsfrs_r", "alsfrs_r", 30, CriterionStatus.FAILED), ("alsfrs_r", "alsfrs_r", 36, CriterionStatus.MET),
    ("fvc", "fvc_percent", 59.9, CriterionStatus.FAILED), ("duration", "disease_duration_months", 24, CriterionStatus.MET),
    ("age", "age", 17, CriterionStatus.FAILED), ("nfl", "nfl_pg_ml", None, CriterionStatus.UNKNOWN),
])
def test_numeric_criteria(kind: str, field: str, value: float | None, expected: CriterionStatus) -> None:
    bounds = {"alsfrs_r": {"min": 35}, "fvc": {"min": 60}, "duration": {"max": 24}, "age": {"min": 18}, "nfl": {"min": 44}}
    crit = Criterion(id=kind, kind=kind, description=kind, **bounds[kind])
    result = evaluate(crit, PatientFacts(clinical=Clinical(**{field: value})))
    assert result.status is expected
    if expected is CriterionStatus.UNKNOWN:
        assert result.missing


def test_bad_region_and_bad_case_file() -> None:
    with pytest.raises(InputError):
        match(facts("sod1_patient"), region="Mars")
    with pytest.raises(InputError) as err:
        load_facts(DATA / "bad_case.yaml")
    assert "classification" in err.value.message
    with pytest.raises(InputError):
        load_facts(DATA / "does_not_exist.yaml")


def test_contradictory_affected_status_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("clinical: {affected: true, presymptomatic_carrier: true}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_facts(bad)
    assert "contradicts" in err.value.message


def test_symptomatic_treatment_needs_its_symptom_recorded() -> None:
    """Dextromethorphan/quinidine treats pseudobulbar affect: unknown symptom -> cannot decide."""
    base = facts("sod1_patient")
    unknown = match(base, region="US").get("dextromethorphan_quinidine")
    assert unknown.verdict is Verdict.CANNOT_DECIDE
    assert any("pseudobulbar affect" in m for m in unknown.missing)
    present = base.model_copy(deep=True)
    present.clinical.symptoms["pseudobulbar_affect"] = True
    assert match(present, region="US").get("dextromethorphan_quinidine").verdict is Verdict.ELIGIBLE
    absent = base.model_copy(deep=True)
    absent.clinical.symptoms["pseudobulbar_affect"] = False
    assert match(absent, region="US").get("dextromethorphan_quinidine").verdict is Verdict.NOT_ELIGIBLE


def test_unverified_open_status_is_not_enough_for_eligible() -> None:
    # the tofersen early-access record is "available" but unverified: a clinic must check, never "eligible"
    m = match(facts("sod1_patient")).get("EAP-tofersen")
    assert m.verdict is Verdict.CANNOT_DECIDE and "not verified" in m.summary


def test_healey_vital_capacity_is_checked() -> None:
    # FVC 40% read "would meet every checked criterion" for the HEALEY master protocol (VC >= 50% was site-only)
    def healey(fvc: float) -> Any:
        return match(_als(age=55, fvc_percent=fvc, disease_duration_months=12, alsfrs_r=40)).get("NCT04297683")

    low = {c.id: c.status for c in healey(40).criteria}
    assert low["vital_capacity"] is CriterionStatus.FAILED
    assert {c.id: c.status for c in healey(50).criteria}["vital_capacity"] is CriterionStatus.MET
