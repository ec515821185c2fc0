"""Reviewer probe (probeclin, 2026-12-02): how the clinical record's dates are read.

Every case is the fictional demo record ``tests/data/clinical/example_case.yaml`` (see tests/data/SOURCES.md) with
one field changed, as named in each test, and run through the real command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from clinical.casefiles import assert_refused, edited_case

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "clinical" / "example_case.yaml"


@pytest.mark.parametrize(("field", "value"), [
    (("date_of_birth",), 0),                      # read as 1970-01-01: TRICALS with an age at onset of 54, not 62
    (("diagnosis", "date"), 1730764800),          # seconds since 1970: read as 2024-11-05
    (("visits", 0, "date"), "1730764800"),        # the same, as text
])
def test_a_number_is_not_read_as_a_date(run_cli: Any, tmp_path: Path, field: tuple[Any, ...], value: Any) -> None:
    """Before: pydantic read a number (or a text of digits) as seconds since 1970, so ``date_of_birth: 0`` was
    1 January 1970 and the TRICALS risk profile was computed on that age without a word. Now refused, naming the
    field."""
    def change(raw: dict[str, Any]) -> None:
        target = raw
        for key in field[:-1]:
            target = target[key]
        target[field[-1]] = value

    r = run_cli("clinical", edited_case(tmp_path, change), "--format", "json")
    assert_refused(r, "is a number, not a date", "YYYY-MM-DD", ".".join(str(k + 1 if isinstance(k, int) else k)
                                                                 for k in field))


def test_dates_as_written_still_read(run_cli: Any, tmp_path: Path) -> None:
    """The control: the same record with its dates as written (YAML dates, ISO text, a partial onset) is assessed."""
    def change(raw: dict[str, Any]) -> None:
        raw["diagnosis"]["date"] = "2024-11-05"

    r = run_cli("clinical", edited_case(tmp_path, change), "--format", "json")
    assert r.code == 0, r.stderr
    assert json.loads(r.stdout)["tricals"]["status"] == "assessed"


@pytest.mark.parametrize("field", ["regions_involved.bulbar", "examination.date", "cognition.ecas.date"])
def test_other_dates_in_the_future_are_refused(run_cli: Any, tmp_path: Path, field: str) -> None:
    """Before: only the birth, onset, diagnosis, death and visit dates were checked against today. A bulbar involvement
    typed as 2099 (for 2025) was never reached, so King's clinical stage was 2B while the ALSFRS-R items showed
    three regions (stage 3); an examination or ECAS dated in the future was read as if done. Now refused."""
    def change(raw: dict[str, Any]) -> None:
        *parents, last = field.split(".")
        target = raw
        for key in parents:
            target = target[key]
        target[last] = dt.date(2099, 6, 10)

    r = run_cli("clinical", edited_case(tmp_path, change))
    assert_refused(r, field, "2099-06-10 is in the future")


@pytest.mark.parametrize(("field", "when", "words"), [
    ("examination.date", dt.date(1960, 1, 1), "before the date of birth"),
    ("cognition.ecas.date", dt.date(1955, 1, 1), "before the date of birth"),
])
def test_examination_and_ecas_before_birth_are_refused(run_cli: Any, tmp_path: Path, field: str, when: dt.date,
                                                        words: str) -> None:
    """An examination or ECAS dated before the patient was born (1961-03-02 in the demo) is a typing error."""
    def change(raw: dict[str, Any]) -> None:
        *parents, last = field.split(".")
        target = raw
        for key in parents:
            target = target[key]
        target[last] = when

    assert_refused(run_cli("clinical", edited_case(tmp_path, change)), field, words)


def test_ecas_after_death_is_refused(run_cli: Any, tmp_path: Path) -> None:
    """A death recorded before the ECAS date: one of the two dates is wrong (visits after death were refused already)."""
    def change(raw: dict[str, Any]) -> None:
        raw["death_date"] = dt.date(2025, 12, 1)
        raw["cognition"]["ecas"]["date"] = dt.date(2026, 1, 5)

    assert_refused(run_cli("clinical", edited_case(tmp_path, change)), "cognition.ecas.date", "after the death date")


def test_an_examination_made_after_the_assessment_date_is_not_read(run_cli: Any) -> None:
    """The demo record unchanged, assessed as of 2024-06-01, before its examination (2024-11-05) and ECAS
    (2024-12-03). Before: "Revised El Escorial criteria: clinically probable ALS" and "Gold Coast: ALS (criteria
    met)" as of a date on which nobody had examined the patient; the ECAS scores were shown without their date. Now
    the criteria are not assessed, saying why, and the ECAS carries its later date."""
    r = run_cli("clinical", EXAMPLE, "--format", "json", "--assessment-date", "2024-06-01")
    assert r.code == 0, r.stderr
    a = json.loads(r.stdout)
    assert a["criteria"] == []
    why = [n["reason"] for n in a["not_assessed"] if n["what"].startswith("diagnostic criteria")]
    assert why == ["the recorded examination is dated 2024-11-05, after the assessment date 2024-06-01"]
    assert any("ECAS is dated 2024-12-03, after the assessment date 2024-06-01" in c for c in a["cognition"]["caveats"])
    table = run_cli("clinical", EXAMPLE, "--assessment-date", "2024-06-01").stdout
    assert "clinically probable ALS" not in table and "criteria met" not in table


def test_the_examination_is_read_from_its_date_on(run_cli: Any) -> None:
    """The control: as of the examination date itself the criteria are assessed as before."""
    r = run_cli("clinical", EXAMPLE, "--format", "json", "--assessment-date", "2024-11-05")
    assert r.code == 0, r.stderr
    rees = [c for c in json.loads(r.stdout)["criteria"] if c["system"] == "revised_el_escorial"]
    assert [c["category"] for c in rees] == ["probable"]


def _niv(a: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {alert["key"]: alert for alert in a["care_alerts"] if alert["kind"] == "niv"}


def test_niv_rules_read_the_latest_measurements_not_only_the_last_visit(run_cli: Any, tmp_path: Path) -> None:
    """The demo record (FVC 48 %, SNIP 36, orthopnoea, nocturnal desaturation on 2025-11-18) with a weighing added a
    week later (2025-11-25: weight and height only). Before: the NIV rules read only that last visit, so all three
    were 'not established; not recorded: FVC < 50% predicted; …' though every rule was met a week earlier. Now each
    measurement's latest value is read and the message names the visit it came from."""
    def change(raw: dict[str, Any]) -> None:
        raw["visits"].append({"date": dt.date(2025, 11, 25), "weight_kg": 72.0, "height_m": 1.78})

    r = run_cli("clinical", edited_case(tmp_path, change), "--format", "json")
    assert r.code == 0, r.stderr
    niv = _niv(json.loads(r.stdout))
    assert {key: alert["status"] for key, alert in niv.items()} == {
        "cms_medicare_rad": "criteria_met", "aan_2009": "criteria_met", "european_consensus_2003": "criteria_met"}
    assert "FVC < 50% predicted" in niv["cms_medicare_rad"]["fired"]
    assert "FVC of 2025-11-18" in niv["cms_medicare_rad"]["message"]


def test_an_old_normal_result_does_not_make_a_niv_rule_not_met(run_cli: Any, tmp_path: Path) -> None:
    """The control for the rule above: FVC 92 % and normal oximetry only at the first visit (2024-11-05), later visits
    without respiratory tests, assessed as of 2025-05-20 (196 days later). A normal result that old is not read:
    the rules stay 'not established', never 'not met'."""
    def change(raw: dict[str, Any]) -> None:
        raw["visits"][0]["nocturnal_desaturation"] = False
        raw["visits"] = raw["visits"][:3]
        for visit in raw["visits"][1:]:
            for key in ("fvc_percent_predicted", "fvc_reference_equation", "snip_cmh2o"):
                visit.pop(key, None)

    r = run_cli("clinical", edited_case(tmp_path, change), "--format", "json")
    assert r.code == 0, r.stderr
    niv = _niv(json.loads(r.stdout))
    assert niv["cms_medicare_rad"]["status"] == "insufficient_data"
    assert niv["european_consensus_2003"]["status"] != "criteria_not_met"


@pytest.mark.parametrize(("change", "field", "words"), [
    (lambda raw: raw["onset"].update(regoin=raw["onset"].pop("region")), "onset.regoin",
     "unknown field 'regoin' (did you mean 'region'?)"),
    (lambda raw: raw["visits"][0].update(fvc_percent_predictd=raw["visits"][0].pop("fvc_percent_predicted")),
     "visits.1.fvc_percent_predictd", "did you mean 'fvc_percent_predicted'?"),
    (lambda raw: raw["visits"][0]["alsfrs_r"].update(total=43), "visits.1.alsfrs_r.total",
     "the ALSFRS-R total is not entered"),
    (lambda raw: raw["visits"][0]["alsfrs_r"].pop("q7"), "visits.1.alsfrs_r.q7", "required field 'q7' is missing"),
])
def test_a_misspelt_or_missing_field_is_named_in_words(run_cli: Any, tmp_path: Path, change: Any, field: str,
                                                        words: str) -> None:
    """A misspelt field (onset 'regoin', 'fvc_percent_predictd'), an ALSFRS-R total beside the items, a missing item.
    Before: pydantic's 'Extra inputs are not permitted' or 'Field required', and for 'regoin' the missing 'region'
    was reported first ("onset.region: Field required (and 1 more problem)"), hiding the typo. Now the unknown field
    is reported first, with the nearest known name and the fields allowed there."""
    assert_refused(run_cli("clinical", edited_case(tmp_path, change)), field, words)


def test_the_table_states_units_and_scales(run_cli: Any) -> None:
    """The demo record's terminal table. Before: 'dx 5.43' without a unit, 'ECAS total: 108' without its maximum,
    'slope (two point first last)' (an internal method id with spaces) and '[niv]' (an alert id). Now each number
    carries its unit or scale and the labels are words."""
    table = run_cli("clinical", EXAMPLE).stdout
    assert "dx 5.43 months" in table
    assert "ECAS total: 108 (borderline; abnormal at or below 105; scale 0-136)" in table
    assert "ECAS ALS-specific: 80 (borderline; abnormal at or below 77; scale 0-100)" in table
    assert "ECAS ALS-non-specific: 28 (normal; abnormal at or below 24; scale 0-36)" in table
    assert "items 0-4, total 0-48" in table
    assert "slope (first to last visit): -1.61 ALSFRS-R points/month" in table
    assert "[NIV] criteria met" in table and "[niv]" not in table and "two point first last" not in table


@pytest.mark.parametrize(("field", "name"), [("snip_cmh2o", "SNIP"), ("mip_cmh2o", "MIP")])
def test_a_negative_inspiratory_pressure_says_how_to_write_it(run_cli: Any, tmp_path: Path, field: str,
                                                               name: str) -> None:
    """SNIP or MIP written as the negative pressure the device shows (-58 cmH2O) at the demo's third visit. Before:
    "Input should be greater than or equal to 0", not saying how to write it. Now the error says it is recorded as
    a magnitude and gives the number to write."""
    def change(raw: dict[str, Any]) -> None:
        raw["visits"][2][field] = -58

    assert_refused(run_cli("clinical", edited_case(tmp_path, change)), f"visits.3.{field}", f"{name} is recorded as a magnitude",
             "write 58")


def test_a_phenopacket_problem_names_the_measurement(run_cli: Any, tmp_path: Path) -> None:
    """The fictional demo Phenopacket ``tests/data/clinical/example_phenopacket.json`` with its first ALSFRS-R item 3
    measurement set to 5. Before: "record visits.1.alsfrs_r.q3", a path that does not exist in a Phenopacket (its
    visits are built from measurements). Now the measurement is named by its place, assay and time."""
    packet = json.loads((EXAMPLE.parent / "example_phenopacket.json").read_text())
    place, measurement = next((i, m) for i, m in enumerate(packet["measurements"], start=1)
                              if m["assay"]["id"] == "CHARCOT:alsfrs_r_q3")
    measurement["value"]["quantity"]["value"] = 5
    when = measurement["timeObserved"]["timestamp"][:10]
    case = tmp_path / "packet.json"
    case.write_text(json.dumps(packet))
    r = run_cli("clinical", case)
    assert_refused(r, f"measurements.{place} (CHARCOT:alsfrs_r_q3 at {when})", "less than or equal to 4")
    assert "visits.1" not in r.stderr


def test_an_old_weight_and_swallowing_score_do_not_make_the_gastrostomy_alert_not_met(run_cli: Any,
                                                                                      tmp_path: Path) -> None:
    """The demo record cut to its first two visits (weights 80.5 and 79.0 kg of a premorbid 82, swallowing 4), assessed
    as of 2025-11-18, 280 days after the last of them. Before: "criteria not met: no gastrostomy trigger recorded"
    from values nine months old. Now 'insufficient data', naming the date and asking for new values; assessed as of
    the last visit itself it is still 'criteria not met'."""
    def change(raw: dict[str, Any]) -> None:
        raw["visits"] = raw["visits"][:2]

    case = edited_case(tmp_path, change)
    r = run_cli("clinical", case, "--format", "json", "--assessment-date", "2025-11-18")
    assert r.code == 0, r.stderr
    alert = next(a for a in json.loads(r.stdout)["care_alerts"] if a["kind"] == "gastrostomy")
    assert alert["status"] == "insufficient_data" and "2025-02-11" in alert["message"]
    fresh = run_cli("clinical", case, "--format", "json", "--assessment-date", "2025-02-11")
    assert next(a for a in json.loads(fresh.stdout)["care_alerts"]
                if a["kind"] == "gastrostomy")["status"] == "criteria_not_met"


def test_an_onset_precision_written_by_the_user_is_refused(run_cli: Any, tmp_path: Path) -> None:
    """``onset: {date: 2024-02-15, precision: year}``: the precision is derived from how the date is written.
    Before: accepted, and the note read "onset date known to the year only; taken as 2024-02-15 (the middle of the
    part of the year before the record's first dated event)", a completion nobody made. Now refused, saying to
    write the date as precisely as it is known."""
    def change(raw: dict[str, Any]) -> None:
        raw["onset"] = {"date": dt.date(2024, 2, 15), "precision": "year", "region": "upper_limb"}

    assert_refused(run_cli("clinical", edited_case(tmp_path, change)), "onset", "'precision' is not written")
