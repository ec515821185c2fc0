from __future__ import annotations

from typing import Any

import pytest

from charcot.clinical.criteria import awaji, el_escorial, gold_coast
from charcot.clinical.model import Examination

FULL_EMG = {"chronic_neurogenic": True, "fibrillations_or_psw": True, "muscles_abnormal": 3}


def exam(regions: dict[str, dict[str, Any]], **flags: Any) -> Examination:
    base = {"progression_documented": True, "normal_motor_function_before": True, "other_disease_excluded": True}
    base.update(flags)
    filled = {r: {"umn": False, "lmn": False, **regions.get(r, {})}
              for r in ("bulbar", "cervical", "thoracic", "lumbosacral")}
    return Examination.model_validate({"regions": filled, **base})


def why(result: Any, category: str) -> str:
    return next(w.reason for w in result.why_not_higher if w.category == category)


UL = {"umn": True, "lmn": True}


def test_reec_definite() -> None:
    result = el_escorial(exam({"bulbar": UL, "cervical": UL, "lumbosacral": UL}))
    assert result.category == "definite" and result.why_not_higher == []


def test_reec_probable_and_why_not_definite() -> None:
    result = el_escorial(exam({"cervical": UL, "lumbosacral": UL}))
    assert result.category == "probable"
    assert "2 region(s)" in why(result, "definite") and "needs 3" in why(result, "definite")


def test_reec_lab_supported_probable() -> None:
    result = el_escorial(exam({"cervical": {**UL, "emg": {**FULL_EMG, "limbs_abnormal": 2}}}))
    assert result.category == "probable_laboratory_supported"
    assert {w.category for w in result.why_not_higher} == {"definite", "probable"}


def test_reec_lab_supported_from_umn_alone_plus_emg_in_two_limbs() -> None:
    result = el_escorial(exam({"bulbar": {"umn": True}, "cervical": {"emg": FULL_EMG},
                               "lumbosacral": {"emg": FULL_EMG}}))
    assert result.category == "probable_laboratory_supported"
    assert any("limbs with EMG evidence not recorded" in c for c in result.caveats)


def test_reec_why_not_lab_supported_one_limb() -> None:
    result = el_escorial(exam({"cervical": {**UL, "emg": {**FULL_EMG, "limbs_abnormal": 1}}}))
    assert result.category == "possible"
    assert "in 1 limb(s); needs 2" in why(result, "probable_laboratory_supported")


def test_reec_why_not_lab_supported_exclusion_not_documented() -> None:
    result = el_escorial(exam({"cervical": {**UL, "emg": {**FULL_EMG, "limbs_abnormal": 2}}},
                              other_disease_excluded=None))
    assert result.category == "possible"
    assert "exclusion" in why(result, "probable_laboratory_supported")
    assert any("not documented" in r for r in result.requirements_not_documented)


def test_reec_fasciculations_do_not_count_but_do_under_awaji() -> None:
    fasc = {"chronic_neurogenic": True, "fibrillations_or_psw": False, "fasciculation_potentials": True,
            "muscles_abnormal": 2, "limbs_abnormal": 2}
    regions = {"cervical": UL, "lumbosacral": {"umn": True, "emg": fasc}}
    assert el_escorial(exam(regions)).category == "possible"
    result = awaji(exam(regions))
    assert result.category == "probable"
    assert next(r for r in result.regions if r.region == "lumbosacral").lmn_basis == "EMG"


def test_reec_possible_umn_alone_in_two_regions() -> None:
    result = el_escorial(exam({"bulbar": {"umn": True}, "lumbosacral": {"umn": True}}))
    assert result.category == "possible"


def test_reec_possible_lmn_rostral_to_umn() -> None:
    assert el_escorial(exam({"cervical": {"lmn": True}, "lumbosacral": {"umn": True}})).category == "possible"
    # the reverse (UMN rostral to LMN, in different regions) is clinically probable: "While the regions
    # may be different, some UMN signs must be rostral (above) the LMN signs" (Brooks 2000)
    assert el_escorial(exam({"cervical": {"umn": True}, "lumbosacral": {"lmn": True}})).category == "probable"


def test_reec_not_met_pure_lmn_and_why_not_possible() -> None:
    result = el_escorial(exam({"cervical": {"lmn": True}, "lumbosacral": {"lmn": True}}))
    assert result.category == "not_met"
    assert "rostral" in why(result, "possible")
    assert gold_coast(exam({"cervical": {"lmn": True}, "lumbosacral": {"lmn": True}})).category == "als"


def test_awaji_definite_with_emg_and_no_lab_supported_category() -> None:
    regions = {"bulbar": UL, "cervical": {"umn": True, "emg": FULL_EMG}, "lumbosacral": {"umn": True, "emg": FULL_EMG}}
    assert awaji(exam(regions)).category == "definite"
    assert el_escorial(exam(regions)).category != "definite"
    single = awaji(exam({"cervical": {**UL, "emg": {**FULL_EMG, "limbs_abnormal": 2}}}))
    assert single.category == "possible"
    assert "probable_laboratory_supported" not in {w.category for w in single.why_not_higher}


def test_emg_muscle_count_rule() -> None:
    few = {"chronic_neurogenic": True, "fibrillations_or_psw": True, "muscles_abnormal": 1}
    result = awaji(exam({"cervical": UL, "lumbosacral": {"umn": True, "emg": few}}))
    assert result.category == "possible"  # one lumbosacral muscle is not enough
    thoracic = awaji(exam({"cervical": UL, "thoracic": {"umn": True, "emg": few}}))
    assert thoracic.category == "probable"  # one thoracic muscle is enough


def test_gold_coast_categories_and_why_not() -> None:
    assert gold_coast(exam({"cervical": UL})).category == "als"
    undetermined = gold_coast(exam({"cervical": UL}, other_disease_excluded=None))
    assert undetermined.category == "undetermined"
    assert "not documented" in why(undetermined, "als")
    umn_only = gold_coast(exam({"bulbar": {"umn": True}, "cervical": {"umn": True}}))
    assert umn_only.category == "not_met" and "UMN dysfunction only" in why(umn_only, "als")
    no_progression = gold_coast(exam({"cervical": UL}, progression_documented=False))
    assert no_progression.category == "not_met" and "recorded as absent" in why(no_progression, "als")


def test_unexamined_regions_are_flagged() -> None:
    result = el_escorial(Examination.model_validate({"regions": {"cervical": {"umn": True, "lmn": True}}}))
    assert any("bulbar" in c and "not examined" in c for c in result.caveats)


def test_display_helpers() -> None:
    result = el_escorial(exam({"cervical": UL, "lumbosacral": UL}, other_disease_excluded=None))
    assert result.system == "revised_el_escorial" and result.name.startswith("Revised El Escorial")
    assert result.reasons[0].startswith("not clinically definite ALS:") and any("not documented" in r for r in result.reasons)


# --- issue 15: one case per category and per "why not", against each system's published wording ---

UMN = {"umn": True}
LMN = {"lmn": True}


def test_umn_bulbar_lmn_cervical_in_all_three_systems() -> None:
    # UMN signs rostral to LMN signs in a different region: probable (rEEC, Awaji); Gold Coast: UMN and
    # LMN dysfunction in two body regions need not share a region.
    regions = {"bulbar": UMN, "cervical": LMN}
    assert el_escorial(exam(regions)).category == "probable"
    assert awaji(exam(regions)).category == "probable"
    assert gold_coast(exam(regions)).category == "als"


@pytest.mark.parametrize(("system", "regions", "category"), [
    (el_escorial, {"bulbar": UL, "cervical": UL, "thoracic": UL}, "definite"),
    (el_escorial, {"cervical": UL, "thoracic": UL, "lumbosacral": UL}, "definite"),  # 3 spinal regions
    (el_escorial, {"bulbar": UMN, "lumbosacral": LMN}, "probable"),
    (el_escorial, {"cervical": UL}, "possible"),  # together in only one region
    (el_escorial, {"cervical": UMN, "thoracic": UMN}, "possible"),  # UMN alone in 2 regions
    (el_escorial, {"cervical": LMN, "lumbosacral": UMN}, "possible"),  # LMN rostral to UMN
    (el_escorial, {"cervical": UMN}, "not_met"),
    (awaji, {"bulbar": UL, "cervical": UL, "lumbosacral": {"umn": True, "emg": FULL_EMG}}, "definite"),
    (awaji, {"bulbar": UMN, "cervical": {"emg": FULL_EMG}}, "probable"),  # EMG LMN, UMN rostral
    (awaji, {"lumbosacral": UL}, "possible"),
    (awaji, {"bulbar": UMN, "cervical": UMN}, "possible"),
    (awaji, {"bulbar": {"emg": FULL_EMG}, "cervical": UMN}, "possible"),
    (awaji, {"thoracic": LMN}, "not_met"),
    (gold_coast, {"cervical": UL}, "als"),
    (gold_coast, {"bulbar": UMN, "lumbosacral": LMN}, "als"),
    (gold_coast, {"cervical": LMN, "lumbosacral": {"emg": FULL_EMG}}, "als"),  # LMN in 2 regions
    (gold_coast, {"cervical": LMN}, "not_met"),
    (gold_coast, {"cervical": UMN, "lumbosacral": UMN}, "not_met"),
])
def test_each_category(system: Any, regions: dict[str, dict[str, Any]], category: str) -> None:
    assert system(exam(regions)).category == category


@pytest.mark.parametrize(("regions", "category", "fragment"), [
    ({"cervical": UL, "lumbosacral": UL}, "definite", "together in 2 region(s)"),
    ({"cervical": UL}, "probable", "only one region"),
    ({"cervical": UMN, "thoracic": UMN}, "probable", "no LMN signs"),
    ({"cervical": LMN, "lumbosacral": LMN}, "probable", "no UMN signs"),
    ({"cervical": LMN, "lumbosacral": UMN}, "probable", "no UMN signs rostral to LMN signs"),
    ({"cervical": LMN, "lumbosacral": UMN}, "probable_laboratory_supported", "limb(s)"),
    ({"cervical": LMN, "lumbosacral": LMN}, "possible", "no LMN signs rostral to UMN signs"),
])
def test_each_why_not_revised_el_escorial(regions: dict[str, dict[str, Any]], category: str, fragment: str) -> None:
    assert fragment in why(el_escorial(exam(regions)), category)


def test_each_why_not_gold_coast() -> None:
    assert "UMN dysfunction only" in why(gold_coast(exam({"bulbar": UMN, "cervical": UMN})), "als")
    assert "LMN dysfunction in 1 region(s)" in why(gold_coast(exam({"cervical": LMN})), "als")
    before = gold_coast(exam({"cervical": UL}, normal_motor_function_before=False))
    assert before.category == "not_met" and "normal motor function before" in why(before, "als")
    excluded = gold_coast(exam({"cervical": UL}, other_disease_excluded=False))
    assert excluded.category == "not_met" and "not excluded" in why(excluded, "als")


@pytest.mark.parametrize(("regions", "category", "fragment"), [
    ({"cervical": UL, "lumbosacral": {"umn": True, "emg": FULL_EMG}}, "definite", "together in 2 region(s)"),
    ({"lumbosacral": {"umn": True, "emg": FULL_EMG}}, "probable", "only one region"),
    ({"cervical": {"emg": FULL_EMG}, "lumbosacral": UMN}, "probable", "no UMN signs rostral to LMN signs"),
    ({"thoracic": {"emg": FULL_EMG}}, "probable", "no UMN signs"),
    ({"thoracic": {"emg": FULL_EMG}}, "possible", "LMN signs rostral to UMN"),
])
def test_each_why_not_awaji(regions: dict[str, dict[str, Any]], category: str, fragment: str) -> None:
    assert fragment in why(awaji(exam(regions)), category)


# The clauses of the published wording as checked on 2026-11-30 (docs/CLINICAL.md, "Diagnostic criteria"),
# one case each, so a change of reading shows up as a failing clause.
LIMB_EMG = {"chronic_neurogenic": True, "fibrillations_or_psw": True, "muscles_abnormal": 2, "limbs_abnormal": 1}


@pytest.mark.parametrize(("clause", "system", "regions", "category"), [
    ("rEEC definite: UMN as well as LMN signs in three regions", el_escorial,
     {"bulbar": UL, "thoracic": UL, "lumbosacral": UL}, "definite"),
    ("rEEC probable: some UMN signs necessarily rostral to the LMN signs", el_escorial,
     {"cervical": UMN, "thoracic": LMN}, "probable"),
    ("rEEC lab-supported: UMN signs alone in one region, EMG LMN signs in at least two limbs", el_escorial,
     {"bulbar": UMN, "cervical": {"emg": LIMB_EMG}, "lumbosacral": {"emg": LIMB_EMG}}, "probable_laboratory_supported"),
    ("rEEC lab-supported: clinical UMN and LMN in only one region, EMG LMN in two limbs", el_escorial,
     {"cervical": {"umn": True, "lmn": True, "emg": LIMB_EMG}, "lumbosacral": {"emg": LIMB_EMG}},
     "probable_laboratory_supported"),
    ("rEEC lab-supported read as UMN in one or more regions (more UMN evidence never lowers the category)",
     el_escorial, {"bulbar": UMN, "thoracic": UMN, "cervical": {"emg": LIMB_EMG}, "lumbosacral": {"emg": LIMB_EMG}},
     "probable_laboratory_supported"),
    ("rEEC possible: EMG in only one limb is not laboratory support", el_escorial,
     {"bulbar": UMN, "thoracic": UMN, "cervical": {"emg": LIMB_EMG}}, "possible"),
    ("Awaji definite: bulbar and at least two spinal regions, by clinical or electrophysiological evidence", awaji,
     {"bulbar": UL, "cervical": {"umn": True, "emg": FULL_EMG}, "thoracic": {"umn": True, "emg": FULL_EMG}},
     "definite"),
    ("Awaji: fasciculation potentials equivalent to fibrillations/PSW with chronic neurogenic change", awaji,
     {"bulbar": UMN, "cervical": {"emg": {"chronic_neurogenic": True, "fibrillations_or_psw": False,
                                         "fasciculation_potentials": True, "muscles_abnormal": 2}}}, "probable"),
    ("Awaji possible: UMN and LMN dysfunction found in only one region", awaji,
     {"thoracic": {"umn": True, "emg": FULL_EMG}}, "possible"),
    ("Gold Coast: LMN dysfunction in at least two body regions", gold_coast,
     {"bulbar": LMN, "thoracic": LMN}, "als"),
    ("Gold Coast: UMN and LMN in the same region if only one region is involved", gold_coast,
     {"bulbar": UL}, "als"),
])
def test_published_wording_cases(clause: str, system: Any, regions: dict[str, dict[str, Any]],
                                 category: str) -> None:
    assert system(exam(regions)).category == category, clause


def test_every_criteria_source_is_in_the_bibliography() -> None:
    from charcot.knowledge import get_knowledge

    bib = get_knowledge().bibliography
    regions = {"cervical": UL}
    for result in (el_escorial(exam(regions)), awaji(exam(regions)), gold_coast(exam(regions))):
        assert result.sources and all(key in bib for key in result.sources), result.sources
    # the EMG muscle-count rule names where it comes from (a study of the El Escorial EMG criteria)
    reec = el_escorial(exam(regions))
    assert "S-EMG07" in reec.sources and any("study of the El Escorial EMG criteria" in c for c in reec.caveats)
