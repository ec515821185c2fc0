from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from charcot.clinical.alerts import gastrostomy_alerts, niv_alerts, reminders
from charcot.clinical.mimics import check
from charcot.clinical.model import ClinicalCase

TODAY = date(2025, 6, 1)


def case(visit: dict[str, Any], **extra: Any) -> ClinicalCase:
    raw: dict[str, Any] = {"id": "T", "onset": {"date": "2024-01-10", "region": "lower_limb"},
                           "visits": [{"date": "2025-05-01", **visit}]}
    raw.update(extra)
    return ClinicalCase.model_validate(raw)


def rule(alerts: list[Any], key: str) -> Any:
    return next(a for a in alerts if a.key == key)


@pytest.mark.parametrize(("visit", "cms"), [
    ({"fvc_percent_predicted": 49.9}, "criteria_met"), ({"fvc_percent_predicted": 50}, "insufficient_data"),
    ({"mip_cmh2o": 59}, "criteria_met"), ({"mip_cmh2o": 60}, "insufficient_data"),
    ({"nocturnal_spo2_le88_minutes": 5}, "criteria_met"), ({"nocturnal_spo2_le88_minutes": 4.9}, "insufficient_data"),
    ({"paco2_mmhg": 45}, "criteria_met"), ({"paco2_mmhg": 44.9}, "insufficient_data"),
    ({"fvc_percent_predicted": 70, "mip_cmh2o": 80, "nocturnal_spo2_le88_minutes": 0, "paco2_mmhg": 40},
     "criteria_not_met"),
])
def test_cms_boundaries(visit: dict[str, Any], cms: str) -> None:
    assert rule(niv_alerts(case(visit), TODAY), "cms_medicare_rad").status == cms


def test_aan_adds_snip_and_orthopnoea() -> None:
    snip = niv_alerts(case({"snip_cmh2o": 39}), TODAY)
    assert rule(snip, "aan_2009").status == "criteria_met"
    assert rule(snip, "cms_medicare_rad").status != "criteria_met"
    assert rule(niv_alerts(case({"snip_cmh2o": 40}), TODAY), "aan_2009").status != "criteria_met"
    ortho = niv_alerts(case({"respiratory_symptoms": ["orthopnoea"]}), TODAY)
    assert "orthopnoea" in rule(ortho, "aan_2009").fired


def test_european_consensus_needs_all_three() -> None:
    base = {"respiratory_symptoms": ["morning_headache"], "fvc_percent_predicted": 80, "nocturnal_desaturation": True}
    assert rule(niv_alerts(case(base), TODAY), "european_consensus_2003").status == "criteria_met"
    assert rule(niv_alerts(case({**base, "fvc_percent_predicted": 81}), TODAY),
                "european_consensus_2003").status == "criteria_not_met"
    no_symptom = {k: v for k, v in base.items() if k != "respiratory_symptoms"}
    assert rule(niv_alerts(case(no_symptom), TODAY), "european_consensus_2003").status == "insufficient_data"
    pco2 = {**base, "nocturnal_desaturation": None, "morning_earlobe_pco2_kpa": 6.5}
    assert rule(niv_alerts(case(pco2), TODAY), "european_consensus_2003").status == "criteria_met"


def test_already_on_niv() -> None:
    alerts = niv_alerts(case({"niv": "in_use", "fvc_percent_predicted": 30}), TODAY)
    assert [a.status for a in alerts] == ["already_in_place"]


def test_gastrostomy_weight_loss_edge_and_sources() -> None:
    at = gastrostomy_alerts(case({"weight_kg": 90.0}, premorbid_weight_kg=100.0), TODAY)[0]
    assert at.status == "criteria_met" and at.confidence == "unverified" and at.sources
    below = gastrostomy_alerts(case({"weight_kg": 90.5, "alsfrs_r": None}, premorbid_weight_kg=100.0), TODAY)[0]
    assert below.status == "insufficient_data"  # swallowing item missing, weight loss 9.5%


def test_reminders() -> None:
    keys = {a.key for a in reminders(case({}), TODAY)}
    assert {"multidisciplinary_clinic", "cognitive_screening", "respiratory_monitoring", "genetic_counselling"} <= keys
    recent = case({"fvc_percent_predicted": 90}, cognition={"strong_category": "als_cn"},
                  genotype={"c9orf72_status": "normal"})
    assert {a.key for a in reminders(recent, TODAY)} == {"multidisciplinary_clinic"}


def test_mimic_checklist() -> None:
    checks = {m.key: m for m in check(case({}))}
    assert all(m.status == "not_excluded" for m in checks.values())
    assert checks["kennedy_disease"].missing
    done = case({}, genotype={"ar_cag_status": "normal"},
                investigations={"nerve_conduction_studies": "normal", "anti_gm1_antibodies": "abnormal"},
                examination={"parkinsonism": False})
    checks = {m.key: m for m in check(done)}
    assert checks["kennedy_disease"].status == "excluded"
    assert checks["motor_cidp"].status == "excluded"
    assert checks["multifocal_motor_neuropathy"].status == "not_excluded_abnormal_result"
    assert checks["parkinsonism"].status == "excluded"
    expanded = {m.key: m for m in check(case({}, genotype={"ar_cag_status": "expanded"}))}
    assert expanded["kennedy_disease"].status == "not_excluded_abnormal_result"


def test_niv_messages_name_rule_sets_in_words_not_identifiers() -> None:
    alerts = niv_alerts(case({"fvc_percent_predicted": 40, "paco2_mmhg": 45}), TODAY)
    text = " ".join(a.message for a in alerts)
    assert "cms_medicare_rad" not in text and "aan_2009" not in text and "_" not in text
    cms = rule(alerts, "cms_medicare_rad")
    assert cms.title.startswith("US Medicare") and "PaCO2 >= 45 mmHg" in cms.fired
