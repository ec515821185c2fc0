"""Clinical leftovers of the probeclin review (leftclin, 2026-12-02): weights in pounds and slow vital capacities.

Every case is the fictional demo record ``tests/data/clinical/example_case.yaml`` or the fictional demo Phenopacket
``tests/data/clinical/example_phenopacket.json`` (see tests/data/SOURCES.md) with the change each test names, run
through the real command line (or, where only the reading shows it, the real reader)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from clinical.casefiles import assert_refused, edited_case

DATA = Path(__file__).resolve().parents[1] / "data" / "clinical"
EXAMPLE = DATA / "example_case.yaml"
PHENOPACKET = DATA / "example_phenopacket.json"
KG_PER_LB = 0.45359237


def _in_pounds(kg: float) -> float:
    return round(kg / KG_PER_LB, 1)


# ---------------------------------------------------------------------------------------------------- weights

def test_a_weight_in_pounds_between_visits_is_refused(run_cli: Any, tmp_path: Path) -> None:
    """Visit 3's 77.0 kg written as 169.8 (its pounds). Before: read as 169.8 kg, a 'gain' of 115% in three months;
    only values above 650 were refused. Now refused, naming the field and visit and the weight in kilograms."""
    def change(raw: dict[str, Any]) -> None:
        raw["visits"][2]["weight_kg"] = _in_pounds(raw["visits"][2]["weight_kg"])

    r = run_cli("clinical", edited_case(tmp_path, change), "--format", "json")
    assert_refused(r, "visits.3.weight_kg", "2025-05-20", "pounds", "169.8 lb = 77.0 kg", "weight_confirmed")


def test_a_premorbid_weight_in_pounds_does_not_make_a_weight_loss(run_cli: Any, tmp_path: Path) -> None:
    """The premorbid weight 82 kg written as 180.8 (pounds), the visits in kg. Before: the gastrostomy alert fired on
    a 'weight loss 59.9% from premorbid', a unit switch read as the prognostic weight loss. Now refused."""
    def change(raw: dict[str, Any]) -> None:
        raw["premorbid_weight_kg"] = _in_pounds(raw["premorbid_weight_kg"])

    r = run_cli("clinical", edited_case(tmp_path, change), "--format", "json")
    assert_refused(r, "premorbid_weight_kg", "180.8 lb = 82.0 kg", "loss of 55%")


def test_visits_all_in_pounds_beside_a_premorbid_weight_in_kg_are_refused(run_cli: Any, tmp_path: Path) -> None:
    """Every visit weighed in pounds, the premorbid weight in kg: a 'gain' of 116% at the first visit."""
    def change(raw: dict[str, Any]) -> None:
        for visit in raw["visits"]:
            visit["weight_kg"] = _in_pounds(visit["weight_kg"])

    assert_refused(run_cli("clinical", edited_case(tmp_path, change)), "visits.1.weight_kg", "2024-11-05", "pounds")


@pytest.mark.parametrize(("weight", "height", "words"), [
    (640, 1.78, "body mass index of 202.0"),   # 640 (below the old 650 limit) at 1.78 m: heavier than anyone recorded
    (21, 1.78, "body mass index of 6.6"),      # 21 kg at 1.78 m: below the lowest BMI a living adult has had
])
def test_a_weight_giving_an_impossible_bmi_is_refused(run_cli: Any, tmp_path: Path, weight: float, height: float,
                                                      words: str) -> None:
    """A weight that gives, with the visit's height, a BMI no living adult has. Before: accepted (only weights above
    650 were refused). Now refused, saying it may be pounds or a typing error."""
    def change(raw: dict[str, Any]) -> None:
        raw["visits"][1].update(weight_kg=weight, height_m=height)

    r = run_cli("clinical", edited_case(tmp_path, change))
    assert_refused(r, "visits.2.weight_kg", words, "pounds", "typing error", "7-190")


def test_a_weight_written_in_pounds_is_converted_for_the_user(run_cli: Any, tmp_path: Path) -> None:
    """``weight_kg: "174 lb"``. Before: "Input should be a valid number". Now the message gives the weight in kg
    (174 × 0.45359237 = 78.9) to write instead; a value written in kg ("79 kg") is read."""
    def pounds(raw: dict[str, Any]) -> None:
        raw["visits"][1]["weight_kg"] = "174 lb"

    assert_refused(run_cli("clinical", edited_case(tmp_path, pounds)), "visits.2.weight_kg", "in pounds", "78.9 kg",
             "weight_kg: 78.9")

    def kilograms(raw: dict[str, Any]) -> None:
        raw["visits"][1]["weight_kg"] = "79 kg"

    assert run_cli("clinical", edited_case(tmp_path, kilograms)).code == 0


def test_a_confirmed_weight_change_is_read(run_cli: Any, tmp_path: Path) -> None:
    """The control: a change by a factor near 2.2 that the clinic confirmed (``weight_confirmed: true``) is read, and
    the demo record itself (82 -> 72.5 kg over a year) is unchanged: weight loss 11.6% fires the gastrostomy alert."""
    r = run_cli("clinical", EXAMPLE, "--format", "json")
    assert r.code == 0, r.stderr
    gastrostomy = next(a for a in json.loads(r.stdout)["care_alerts"] if a["key"] == "gastrostomy")
    assert "weight loss 11.6% from premorbid" in gastrostomy["message"]

    def change(raw: dict[str, Any]) -> None:
        raw["visits"][2].update(weight_kg=169.8, weight_confirmed=True)
        raw["visits"] = raw["visits"][:3]

    assert run_cli("clinical", edited_case(tmp_path, change)).code == 0


def _phenopacket(tmp_path: Path, measurements: list[dict[str, Any]]) -> Path:
    packet = json.loads(PHENOPACKET.read_text())
    packet["measurements"] += measurements
    path = tmp_path / "packet.json"
    path.write_text(json.dumps(packet))
    return path


def _measurement(assay: str, value: float, when: str, unit: dict[str, str] | None) -> dict[str, Any]:
    quantity: dict[str, Any] = {"value": value}
    if unit is not None:
        quantity["unit"] = unit
    return {"assay": {"id": f"CHARCOT:{assay}", "label": assay.replace("_", " ")},
            "value": {"quantity": quantity}, "timeObserved": {"timestamp": f"{when}T00:00:00Z"}}


def test_a_phenopacket_weight_in_pounds_is_converted_exactly(tmp_path: Path) -> None:
    """A Phenopacket gives a weight with its unit: 138 lb (UCUM [lb_av]) and a height of 165 cm on 2025-03-10, beside
    the demo's 61.5 kg (kilogram) of 2025-07-01. Before: the unit was ignored, so 138 lb was 138 kg and 165 cm a
    height of 165 m. Now each is converted exactly (0.45359237 kg per pound)."""
    from charcot.clinical.api import load_case

    path = _phenopacket(tmp_path, [
        _measurement("weight_kg", 138, "2025-03-10", {"id": "UCUM:[lb_av]", "label": "pound"}),
        _measurement("height_m", 165, "2025-03-10", {"id": "UCUM:cm", "label": "centimetre"})])
    visit = next(v for v in load_case(path).visits if v.date == dt.date(2025, 3, 10))
    assert visit.weight_kg == pytest.approx(138 * KG_PER_LB)
    assert visit.height_m == pytest.approx(1.65)


def test_a_phenopacket_weight_in_an_unknown_unit_is_refused(run_cli: Any, tmp_path: Path) -> None:
    """A weight in stone. Before: read as kilograms (9.5 kg). Now refused, naming the measurement."""
    path = _phenopacket(tmp_path, [_measurement("weight_kg", 9.5, "2025-03-10", {"id": "UCUM:[stone_av]",
                                                                                 "label": "stone"})])
    assert_refused(run_cli("clinical", path), "CHARCOT:weight_kg at 2025-03-10", "stone", "kilograms")


# ------------------------------------------------------------------------------------------ slow vital capacity

def _slow(raw: dict[str, Any], index: int, value: float) -> None:
    raw["visits"][index].update(fvc_percent_predicted=value, fvc_kind="slow")


def _care(r: Any) -> dict[str, dict[str, Any]]:
    assert r.code == 0, r.stderr
    return {a["key"]: a for a in json.loads(r.stdout)["care_alerts"]}


def test_a_slow_vital_capacity_above_an_fvc_threshold_does_not_make_a_niv_rule_not_met(run_cli: Any,
                                                                                        tmp_path: Path) -> None:
    """The demo record cut to its first four visits, the last vital capacity a slow VC of 62% (no FVC within 92
    days). Before: read as an FVC, so the US Medicare rule was 'not met'. In ALS the FVC is on average lower than
    the slow VC (S-Hua22), so a slow VC above 50% does not show the FVC is: the rule's FVC test is not established,
    saying to measure FVC."""
    def change(raw: dict[str, Any]) -> None:
        raw["visits"] = raw["visits"][:4]
        for visit in raw["visits"][:3]:
            visit.pop("fvc_percent_predicted")
        _slow(raw, 3, 62)
        raw["visits"][3].pop("snip_cmh2o")

    cms = _care(run_cli("clinical", edited_case(tmp_path, change), "--format", "json"))["cms_medicare_rad"]
    assert cms["status"] == "insufficient_data", cms
    assert any("slow vital capacity of 62%" in m and "measure FVC" in m for m in cms["missing_data"]), cms


def test_a_slow_vital_capacity_below_an_fvc_threshold_is_named(run_cli: Any, tmp_path: Path) -> None:
    """The demo's last vital capacity (48%) recorded as slow. Before: 'FVC < 50% predicted', as if an FVC. Now the
    rule is met and says it was read from a slow vital capacity, citing why (S-Hua22); the gastrostomy note names
    it too."""
    def change(raw: dict[str, Any]) -> None:
        _slow(raw, 4, 48)

    alerts = _care(run_cli("clinical", edited_case(tmp_path, change), "--format", "json"))
    cms = alerts["cms_medicare_rad"]
    assert cms["status"] == "criteria_met"
    assert any("read from a slow vital capacity of 48%" in f for f in cms["fired"]), cms
    assert "S-Hua22" in cms["sources"]
    assert "Latest slow vital capacity 48%" in alerts["gastrostomy"]["message"]


def test_the_prognosis_says_which_vital_capacity_it_read(run_cli: Any, tmp_path: Path) -> None:
    """The vital capacity at diagnosis (92%) recorded as slow. Before: the ENCALS caveat named the kind only beside a
    reference equation ('FVC slow vital capacity, reference equation …'). Now the caveats name the measure read and
    its date, and that the model's published code takes slow or forced VC (S-PrecALS)."""
    def change(raw: dict[str, Any]) -> None:
        _slow(raw, 0, 92)
        raw["visits"][0].pop("fvc_reference_equation")

    r = run_cli("clinical", edited_case(tmp_path, change), "--format", "json")
    assert r.code == 0, r.stderr
    caveats = json.loads(r.stdout)["tricals"]["caveats"]
    assert any("slow vital capacity (SVC) 92% predicted on 2024-11-05" in c and "slow or a forced" in c
               and "reference equation not recorded" in c for c in caveats), caveats


def test_a_phenopacket_slow_vital_capacity_is_read_as_slow(run_cli: Any, tmp_path: Path) -> None:
    """``CHARCOT:svc_percent_predicted``. Before: an unknown assay (a Phenopacket could only give an FVC). Now the
    visit's vital capacity of kind slow; an FVC at the same time as well is refused (one vital capacity a visit)."""
    from charcot.clinical.api import load_case

    path = _phenopacket(tmp_path, [_measurement("svc_percent_predicted", 70, "2025-09-01",
                                                {"id": "UO:0000187", "label": "percent"})])
    visit = next(v for v in load_case(path).visits if v.date == dt.date(2025, 9, 1))
    assert (visit.fvc_percent_predicted, visit.fvc_kind.value) == (70, "slow")
    both = _phenopacket(tmp_path, [_measurement("svc_percent_predicted", 84, "2025-03-10", None)])
    assert_refused(run_cli("clinical", both), "FVC and a slow vital capacity are both measured at 2025-03-10")


def test_an_fvc_reads_as_before(run_cli: Any) -> None:
    """The control: the demo record (forced VCs) gives the same NIV results and an FVC caveat."""
    r = run_cli("clinical", EXAMPLE, "--format", "json")
    alerts = _care(r)
    assert "FVC < 50% predicted" in alerts["cms_medicare_rad"]["fired"]
    assert "S-Hua22" not in alerts["cms_medicare_rad"]["sources"]
    caveats = json.loads(r.stdout)["encals"]["caveats"]
    assert "vital capacity read: FVC 92% predicted on 2024-11-05, reference equation GLI-2012" in caveats


def test_weight_checks_leave_the_record_unchanged() -> None:
    """The reader does not alter weights it accepts (no silent conversion of a number)."""
    from charcot.clinical.model import ClinicalCase

    raw = yaml.safe_load(EXAMPLE.read_text())
    case = ClinicalCase.model_validate(copy.deepcopy(raw))
    assert [v.weight_kg for v in case.visits] == [v["weight_kg"] for v in raw["visits"]]
