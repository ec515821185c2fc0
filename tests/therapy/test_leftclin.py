"""Clinical leftovers of the probeclin review (leftclin, 2026-12-02): a slow vital capacity read by FVC criteria,
and countries of the EEA outside the EU (and the EU's code EL for Greece) without a jurisdiction.

Inputs: the fictional demo record ``tests/data/clinical/example_case.yaml`` and small patient-facts files written
here with the field names of ``charcot.therapy.model`` (see tests/data/SOURCES.md); each test says what changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from clinical.casefiles import edited_case

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "clinical" / "example_case.yaml"
AB19001, HEALEY = "NCT03127267", "NCT04297683"


def _criterion(result: dict[str, Any], item: str, criterion: str) -> dict[str, Any]:
    match = next(m for m in [*result["therapies"], *result["trials"]] if m["id"] == item)
    return next(c for c in match["criteria"] if c["id"] == criterion)


def _facts(tmp_path: Path, clinical: str, name: str = "facts.yaml") -> Path:
    """Patient facts of a diagnosed 60-year-old with ALS, with the given lines added under ``clinical``."""
    facts = tmp_path / name
    facts.write_text("clinical:\n  affected: true\n  als_diagnosed: true\n  age: 60\n" + clinical)
    return facts


def _run(run_cli: Any, *args: Any) -> dict[str, Any]:
    r = run_cli("therapies", *args, "--all", "--format", "json")
    assert r.code == 0, r.stderr
    result: dict[str, Any] = json.loads(r.stdout)
    return result


# ------------------------------------------------------------------------------------------ slow vital capacity

def _all_slow(raw: dict[str, Any]) -> None:
    for visit in raw["visits"]:  # the demo's vital capacities (last: 48% of 2025-11-18) measured as slow VC
        visit["fvc_kind"] = "slow"


def _last_slow(raw: dict[str, Any]) -> None:
    raw["visits"][-1]["fvc_kind"] = "slow"


def test_a_slow_vital_capacity_does_not_decide_an_fvc_criterion(run_cli: Any, tmp_path: Path) -> None:
    """The demo's vital capacities recorded as slow, matched as of 2025-11-20. Before: AB19001's 'FVC at least 60%
    predicted' failed on the last one (48%) as if an FVC, and edaravone's FVC population criterion read it too. Now
    both are unknown, saying the record has a slow vital capacity and to measure FVC."""
    result = _run(run_cli, edited_case(tmp_path, _all_slow), "--as-of", "2025-11-20")
    fvc = _criterion(result, AB19001, "fvc")
    assert fvc["status"] == "unknown", fvc
    assert "the record has a slow vital capacity (SVC 48% predicted on 2025-11-18)" in fvc["reason"]
    assert "this criterion is on forced vital capacity (FVC)" in fvc["reason"] and "measure FVC" in fvc["reason"]
    assert fvc["missing"] == "FVC (% predicted)"
    edaravone = _criterion(result, "edaravone_iv", "pivotal_fvc")
    assert edaravone["status"] == "unknown" and "measure FVC" in edaravone["reason"]


def test_a_criterion_citing_a_slow_vital_capacity_reads_it(run_cli: Any, tmp_path: Path) -> None:
    """HEALEY's master protocol measures vital capacity as slow VC (the registry copy cited, S-CTgovHEALEY): the slow
    VC of 48% decides it, and the reason names it."""
    healey = _criterion(_run(run_cli, edited_case(tmp_path, _all_slow), "--as-of", "2025-11-20"), HEALEY,
                        "vital_capacity")
    assert healey["status"] == "failed", healey
    assert healey["reason"].startswith("slow vital capacity (SVC, % predicted) is 48; needs >= 50")


def test_a_recent_fvc_decides_beside_a_later_slow_vital_capacity(run_cli: Any, tmp_path: Path) -> None:
    """Only the last vital capacity (48%, 2025-11-18) slow: AB19001 reads the latest FVC, 66% of 2025-08-26 (within
    the 92 days a screening value may be old), and says so; HEALEY reads the slow VC, the later of its two."""
    result = _run(run_cli, edited_case(tmp_path, _last_slow), "--as-of", "2025-11-20")
    assert _criterion(result, AB19001, "fvc")["reason"] == "FVC (% predicted) is 66; needs >= 60 % predicted"
    assert _criterion(result, HEALEY, "vital_capacity")["reason"].startswith("slow vital capacity (SVC, % predicted) "
                                                                           "is 48")


def test_an_fvc_still_decides_fvc_criteria(run_cli: Any) -> None:
    """The control: the demo record as it is (FVC 48%) fails AB19001's FVC criterion, naming FVC."""
    fvc = _criterion(_run(run_cli, EXAMPLE, "--as-of", "2025-11-20"), AB19001, "fvc")
    assert fvc["status"] == "failed" and fvc["reason"].startswith("FVC (% predicted) is 48; needs >= 60")


def test_patient_facts_give_a_slow_vital_capacity_apart(run_cli: Any, tmp_path: Path) -> None:
    """Patient facts with ``svc_percent: 70`` (and no FVC): AB19001 cannot decide its FVC criterion from it, HEALEY's
    is met. An SVC below 10% is refused as litres, as an FVC is."""
    result = _run(run_cli, _facts(tmp_path, "  svc_percent: 70\n"))
    assert _criterion(result, AB19001, "fvc")["status"] == "unknown"
    assert _criterion(result, HEALEY, "vital_capacity")["status"] == "met"
    r = run_cli("therapies", _facts(tmp_path, "  svc_percent: 3.1\n", "litres.yaml"))
    assert r.code == 2 and "SVC % predicted 3.1 looks like litres" in r.stderr and "svc_percent_confirmed" in r.stderr


def test_accepting_a_slow_vital_capacity_is_cited_data() -> None:
    """A criterion may read a slow vital capacity only where it names that in ``vital_capacity`` with its sources;
    the field belongs to FVC criteria only."""
    from pydantic import ValidationError

    from charcot.knowledge.schema.therapies import Criterion

    base = {"id": "vc", "kind": "fvc", "min": 50, "description": "vital capacity at least 50%"}
    assert Criterion.model_validate({**base, "vital_capacity": ["slow"], "sources": ["S-CTgovHEALEY"]}
                                    ).vital_capacities == ("slow",)
    assert Criterion.model_validate(base).vital_capacities == ("forced",)
    with pytest.raises(ValidationError, match="needs the sources"):
        Criterion.model_validate({**base, "vital_capacity": ["slow"]})
    with pytest.raises(ValidationError, match="kind fvc only"):
        Criterion.model_validate({**base, "kind": "age", "vital_capacity": ["slow"], "sources": ["S-x"]})


# -------------------------------------------------------------------------------------------------- jurisdictions

EEA_NAME = "Iceland, Liechtenstein and Norway (EEA; EU centralised authorisations)"


@pytest.mark.parametrize("country", ["NO", "IS", "LI", "no"])
def test_an_eea_country_outside_the_eu_reads_eu_centralised_authorisations(run_cli: Any, tmp_path: Path,
                                                                           country: str) -> None:
    """Patient facts with ``country: NO`` (also IS, LI). Before: every approval 'cannot decide' ("not one of the
    jurisdictions"), and a bare ``NO`` was read by YAML as false, so the facts were refused. Now the EEA jurisdiction:
    the EU's centralised authorisations (riluzole 1996, tofersen 2024) are valid there (S-EMAcentral)."""
    result = _run(run_cli, _facts(tmp_path, f"  country: {country}\n"))
    assert result["region"] == "EEA"
    riluzole = _criterion(result, "riluzole", "approved_in_region")
    assert riluzole["status"] == "met" and riluzole["reason"] == f"{EEA_NAME}: approved on 1996-06-10"
    assert _criterion(result, "tofersen", "approved_in_region")["status"] == "met"
    assert _criterion(result, "amx0035", "approved_in_region")["status"] == "failed"  # the Commission's refusal


def test_an_eu_record_of_no_stated_procedure_is_not_extended_to_the_eea(run_cli: Any, tmp_path: Path) -> None:
    """Oral edaravone's EU record ('not approved') names no procedure: for Norway charcot cannot tell, and says so;
    for an EU country it is 'not approved' as before."""
    norway = _criterion(_run(run_cli, _facts(tmp_path, "  country: NO\n")), "edaravone_oral", "approved_in_region")
    assert norway["status"] == "unknown"
    assert "does not say it was decided by the centralised procedure" in norway["reason"]
    germany = _criterion(_run(run_cli, _facts(tmp_path, "  country: DE\n")), "edaravone_oral", "approved_in_region")
    assert germany["status"] == "failed"


def test_a_national_authorisation_is_not_extended_to_the_eea() -> None:
    """An EU approval recorded as national (one member state's) applies in the EU record's reading but not in
    Iceland, Liechtenstein and Norway; the same approval recorded as centralised does."""
    from datetime import date

    from charcot.knowledge.schema.therapies import RegulatoryEvent
    from charcot.therapy.jurisdictions import Undecided, jurisdictions, status_in

    known = jurisdictions()
    national = RegulatoryEvent(region="EU", status="approved", date="2020-01-01", procedure="national",
                               sources=["S-EMAcentral"])
    assert isinstance(status_in(known["EEA"], [national], date(2025, 1, 1)), Undecided)
    eu = status_in(known["EU"], [national], date(2025, 1, 1))
    assert not isinstance(eu, Undecided) and eu is not None and eu.available
    centralised = national.model_copy(update={"procedure": "centralised"})
    eea = status_in(known["EEA"], [centralised], date(2025, 1, 1))
    assert not isinstance(eea, Undecided) and eea is not None and eea.available and eea.region == "EEA"


def test_a_commission_decision_applies_in_the_eea_after_30_days(run_cli: Any, tmp_path: Path) -> None:
    """Tofersen's Commission authorisation of 2024-05-31, matched for Norway 10 days later: the EEA EFTA states
    issue the corresponding authorisation within 30 days (S-IMAma), so it is not yet known to apply; 45 days later
    it does. An EU country has it from the decision on."""
    early = _criterion(_run(run_cli, _facts(tmp_path, "  country: NO\n"), "--as-of", "2024-06-10"), "tofersen",
                       "approved_in_region")
    assert early["status"] == "unknown" and "within 30 days" in early["reason"], early
    later = _run(run_cli, _facts(tmp_path, "  country: NO\n"), "--as-of", "2024-07-15")
    assert _criterion(later, "tofersen", "approved_in_region")["status"] == "met"
    eu = _run(run_cli, _facts(tmp_path, "  country: DE\n"), "--as-of", "2024-06-10")
    assert _criterion(eu, "tofersen", "approved_in_region")["status"] == "met"


def test_el_is_read_as_greece(run_cli: Any, tmp_path: Path) -> None:
    """``country: EL``, the EU's own code for Greece. Before: no jurisdiction, every approval 'cannot decide'. Now
    Greece (GR), an EU member."""
    result = _run(run_cli, _facts(tmp_path, "  country: EL\n"))
    assert result["region"] == "EU" and result["country"] == "EL"
    assert _criterion(result, "riluzole", "approved_in_region")["status"] == "met"


def test_the_record_country_the_facts_and_the_option_agree(run_cli: Any, tmp_path: Path) -> None:
    """The same EEA jurisdiction three ways: the demo record with ``country: NO``, the demo record with
    ``--jurisdiction EEA``, and patient facts with ``region: EEA``: every therapy's availability is the same."""
    def norway(raw: dict[str, Any]) -> None:
        raw["country"] = "NO"

    def availability(result: dict[str, Any]) -> dict[str, tuple[str, str]]:
        return {m["id"]: (c["status"], c["reason"]) for m in result["therapies"] for c in m["criteria"]
                if c["id"] == "approved_in_region"}

    by_record = _run(run_cli, edited_case(tmp_path, norway))
    by_option = _run(run_cli, EXAMPLE, "--jurisdiction", "EEA")
    by_facts = _run(run_cli, _facts(tmp_path, "  region: EEA\n"))
    assert by_record["region"] == by_option["region"] == by_facts["region"] == "EEA"
    assert availability(by_record) == availability(by_option) == availability(by_facts)
    riluzole = next(m for m in by_option["therapies"] if m["id"] == "riluzole")
    assert any(r["region"] == "EEA" and r["available"] for r in riluzole["regions"])


@pytest.mark.parametrize(("args", "field"), [
    (("--jurisdiction", "NO"), "--jurisdiction 'NO'"),
    (("--jurisdiction", "el"), "--jurisdiction 'el'"),
])
def test_a_country_given_as_a_jurisdiction_names_its_jurisdiction(run_cli: Any, args: tuple[str, ...],
                                                                  field: str) -> None:
    """``--jurisdiction NO`` (a country). The refusal says which jurisdiction the country belongs to."""
    r = run_cli("therapies", EXAMPLE, *args)
    assert r.code == 2 and "Traceback" not in r.stderr
    assert f"{field} is not a jurisdiction" in r.stderr
    assert ("its jurisdiction, EEA" if "NO" in args else "EL (read as GR) is a country") in r.stderr


def test_a_country_given_as_the_facts_region_gets_the_same_words(run_cli: Any, tmp_path: Path) -> None:
    """``region: NO`` in patient facts: the same refusal and hint as ``--jurisdiction NO``, naming the field."""
    r = run_cli("therapies", _facts(tmp_path, "  region: NO\n"))
    assert r.code == 2 and "record clinical.region" in r.stderr
    assert "region 'NO' is not a jurisdiction" in r.stderr and "its jurisdiction, EEA" in r.stderr


def test_a_withdrawn_eu_authorisation_is_not_available(run_cli: Any, tmp_path: Path) -> None:
    """Nuedexta's EU authorisation (2013) was withdrawn at the holder's request in 2016 (S-Nued16). Before: 'approved
    on 2013-06', so a German patient with pseudobulbar affect was eligible. Now not available, from 2016 on."""
    facts = _facts(tmp_path, "  country: DE\n  symptoms: {pseudobulbar_affect: true}\n")
    now = _criterion(_run(run_cli, facts), "dextromethorphan_quinidine", "approved_in_region")
    assert now["status"] == "failed" and "withdrawn on 2016-03" in now["reason"]
    then = _criterion(_run(run_cli, facts, "--as-of", "2015-01-01"), "dextromethorphan_quinidine",
                      "approved_in_region")
    assert then["status"] == "met"


def test_the_knowledge_listing_reads_a_jurisdiction_as_the_matching_does(run_cli: Any) -> None:
    """``charcot knowledge therapies --jurisdiction EEA`` lists the statuses the matching reads for Norway."""
    r = run_cli("knowledge", "therapies", "--jurisdiction", "EEA")
    assert r.code == 0, r.stderr
    lines = r.stdout.splitlines()
    riluzole = lines.index(next(line for line in lines if line.startswith("riluzole:")))
    assert "  EEA: approved 1996-06-10" in lines[riluzole:riluzole + 5]
    assert any(line.startswith("  EEA: cannot tell: the latest European Union") for line in lines)


def test_a_country_belongs_to_one_jurisdiction() -> None:
    """The knowledge base's jurisdictions are checked: a country in two of them is a problem (a patient's country
    must select one), and every regulatory region has a jurisdiction of its own."""
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.jurisdictions import Record, check

    records = list(get_knowledge().typed("jurisdictions", Record))
    assert check(records, None) == []
    twice = [*records, Record.model_validate({"id": "XX", "name": "test", "regulatory_region": "EU",
                                              "procedures": ["centralised"], "countries": ["DE"],
                                              "sources": ["S-EMAcentral"]})]
    assert any("DE is also in jurisdiction EU" in p.message for p in check(twice, None))
    assert any("region US has no jurisdiction" in p.message
               for p in check([r for r in records if r.id != "US"], None))
