"""Reviewer probe (probeclin, 2026-12-02): patient facts and treatment claims read as written.

Inputs: the fictional demo record ``tests/data/clinical/example_case.yaml`` and small patient-facts and claim files
written here with the field names of ``charcot.therapy.model`` (see tests/data/SOURCES.md); each test says what was
changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "clinical" / "example_case.yaml"


def _criteria(result: dict[str, Any], words: str) -> list[tuple[str, str, str]]:
    return [(m["name"], c["status"], c["reason"]) for m in [*result["therapies"], *result["trials"]]
            for c in m["criteria"] if words in c["description"] or words in c["reason"]]


def test_el_escorial_recorded_at_a_later_diagnosis_is_unknown_before_it(run_cli: Any) -> None:
    """The demo record unchanged, matched as of 2024-06-01: its diagnosis (category 'probable') and examination are
    of 2024-11-05. Before: AB19001, HEALEY, PHOENIX 'clinically probable ALS (revised El Escorial): met', and
    CENTAUR 'failed' on it, five months before anyone had diagnosed or examined the patient. Now unknown."""
    r = run_cli("therapies", EXAMPLE, "--jurisdiction", "EU", "--all", "--as-of", "2024-06-01", "--format", "json")
    assert r.code == 0, r.stderr
    found = _criteria(json.loads(r.stdout), "Escorial")
    assert found, "the knowledge base's trials read the revised El Escorial category"
    assert {status for _, status, _ in found} == {"unknown"}, found


def test_el_escorial_is_read_from_the_diagnosis_on(run_cli: Any) -> None:
    """The control: matched as of the diagnosis date, the recorded category is read (met for 'probable')."""
    r = run_cli("therapies", EXAMPLE, "--jurisdiction", "EU", "--all", "--as-of", "2024-11-05", "--format", "json")
    assert r.code == 0, r.stderr
    found = _criteria(json.loads(r.stdout), "Escorial")
    assert any(status == "met" and "clinically probable ALS" in why for _, status, why in found), found


def _facts(tmp_path: Path, clinical: str) -> Path:
    """Patient facts of a diagnosed 60-year-old with ALS (field names of ``charcot.therapy.model.Clinical``), with
    the given lines added under ``clinical``."""
    facts = tmp_path / "facts.yaml"
    facts.write_text("clinical:\n  affected: true\n  als_diagnosed: true\n  age: 60\n" + clinical)
    return facts


def _riluzole(result: dict[str, Any]) -> dict[str, Any]:
    return next(m for m in result["therapies"] if m["name"].startswith("Riluzole"))


def test_a_region_in_lower_case_is_read(run_cli: Any, tmp_path: Path) -> None:
    """``region: eu`` in patient facts. Before: no regulatory record matched 'eu', so riluzole (approved in the EU)
    was 'cannot decide: missing regulatory status in eu (not in the knowledge base)'. Now read as EU, as
    ``--jurisdiction eu`` already was."""
    r = run_cli("therapies", _facts(tmp_path, "  region: eu\n"), "--format", "json")
    assert r.code == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["region"] == "EU"
    assert _riluzole(result)["verdict"] == "eligible"


def test_a_region_that_is_no_jurisdiction_is_refused(run_cli: Any, tmp_path: Path) -> None:
    """``region: Europe``. Before: every approval 'cannot decide' with 'no regulatory record in Europe'. Now exit 2
    naming the field and the codes to use."""
    r = run_cli("therapies", _facts(tmp_path, "  region: Europe\n"))
    assert r.code == 2 and "Traceback" not in r.stderr
    assert "clinical.region" in r.stderr and "'Europe'" in r.stderr and "US, EU, EEA, UK" in r.stderr


def test_a_country_name_is_refused(run_cli: Any, tmp_path: Path) -> None:
    """``country: Germany``. Before: 'the patient's country (Germany) is not one of the jurisdictions charcot holds
    regulatory records for', though Germany is in the EU. Now exit 2 asking for the two-letter code; ``de`` is read
    as EU."""
    r = run_cli("therapies", _facts(tmp_path, "  country: Germany\n"))
    assert r.code == 2 and "clinical.country" in r.stderr and "two-letter" in r.stderr
    ok = run_cli("therapies", _facts(tmp_path, "  country: de\n"), "--format", "json")
    assert ok.code == 0, ok.stderr
    assert json.loads(ok.stdout)["region"] == "EU"


def test_a_misspelt_symptom_is_refused(run_cli: Any, tmp_path: Path) -> None:
    """``symptoms: {pseudobulbar_afect: true}``. Before: the entry was ignored and Nuedexta said 'pseudobulbar affect
    not recorded'. Now exit 2 naming the symptom and the names charcot reads; the right name decides the criterion."""
    r = run_cli("therapies", _facts(tmp_path, "  region: US\n  symptoms: {pseudobulbar_afect: true}\n"))
    assert r.code == 2 and "Traceback" not in r.stderr
    assert "pseudobulbar_afect" in r.stderr and "pseudobulbar_affect" in r.stderr
    ok = run_cli("therapies", _facts(tmp_path, "  region: US\n  symptoms: {pseudobulbar_affect: true}\n"),
                 "--format", "json")
    assert ok.code == 0, ok.stderr
    statuses = [s for _, s, _ in _criteria(json.loads(ok.stdout), "pseudobulbar affect")]
    assert statuses == ["met"]


def _claim(tmp_path: Path, text: str) -> Path:
    claim = tmp_path / "claim.yaml"
    claim.write_text(text)
    return claim


def test_a_blank_claim_is_refused(run_cli: Any, tmp_path: Path) -> None:
    """A claim whose text and intervention are blanks. Before: graded ("claim: ", AAN class IV, five red flags, the
    natural-history check). Now exit 2: the claim's text is empty."""
    r = run_cli("claim", "check", _claim(tmp_path, 'text: "   "\nintervention: "  "\n'))
    assert r.code == 2 and "Traceback" not in r.stderr
    assert "text is empty" in r.stderr


def test_a_claim_for_other_diseases_is_not_compared_with_als(run_cli: Any, tmp_path: Path) -> None:
    """A claim for hypertension and diabetes, not ALS (``diseases_treated``, a field of the claim schema). Before:
    compared with a simulated untreated ALS series ("mean ALSFRS-R decline 5.13 points") as if it were an ALS claim.
    Now the ALS natural-history check is not run and the grade says why; the design grade stands."""
    r = run_cli("claim", "check", _claim(tmp_path, "text: Green tea lowered blood pressure in 30 patients.\n"
                                                   "intervention: green tea\nn: 30\n"
                                                   "diseases_treated: [hypertension, diabetes]\n"), "--format", "json")
    assert r.code == 0, r.stderr
    grade = json.loads(r.stdout)
    assert grade["natural_history"] is None
    assert "does not mention ALS" in grade["scope"] and "hypertension, diabetes" in grade["scope"]
    assert grade["aan_class"] == "IV"


def test_a_claim_naming_no_disease_says_it_is_read_as_an_als_claim(run_cli: Any, tmp_path: Path) -> None:
    """A claim naming no disease. Before: compared with untreated ALS without a word. Now the comparison is kept (the
    claim is brought to charcot for ALS) and the grade says it assumes so; a claim naming ALSFRS-R has no such note."""
    r = run_cli("claim", "check", _claim(tmp_path, "text: Our patients felt stronger after the infusions.\n"
                                                   "intervention: infusion\n"))
    assert r.code == 0, r.stderr
    assert "scope: the claim does not say which disease it concerns" in r.stdout
    assert "natural-history check" in r.stdout
    named = run_cli("claim", "check", _claim(tmp_path, "text: Patients lost fewer ALSFRS-R points after infusions.\n"
                                                       "intervention: infusion\n"), "--format", "json")
    assert named.code == 0 and json.loads(named.stdout)["scope"] is None


def test_an_unknown_jurisdiction_names_the_option(run_cli: Any) -> None:
    """``--jurisdiction DE`` (a country, not a jurisdiction) on the demo record. Before: "unknown region 'DE'",
    naming neither the option nor how a country is given. Now the option is named and the hint says the country
    goes in the case; nothing is printed on standard output."""
    r = run_cli("therapies", EXAMPLE, "--jurisdiction", "DE")
    assert r.code == 2 and r.stdout == "" and "Traceback" not in r.stderr
    assert "--jurisdiction 'DE'" in r.stderr and "country" in r.stderr


_YEAR_ONSET = """id: probe-year-onset
sex: female
date_of_birth: 1960-01-01
onset: {date: "2025", region: bulbar}
diagnosis: {date: 2025-09-01}
"""


def _duration_criteria(result: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {c["description"]: (c["status"], c["reason"]) for m in result["trials"] for c in m["criteria"]
            if c["id"] == "duration" or "since symptom onset" in c["description"]}


def test_an_onset_known_to_the_year_does_not_decide_a_close_duration(run_cli: Any, tmp_path: Path) -> None:
    """A clinical record written here (field names of docs/CLINICAL.md) whose onset is known to the year only (2025)
    and diagnosed 2025-09-01, matched as of 2026-09-01: symptoms began between 2025-01-01 and 2025-09-01, so the
    disease duration is 12 to 20 months. Before: the completed onset (1 July) gave 14 months and CENTAUR's
    "18 months or less since symptom onset" was 'met'. Now it is unknown, with the range; a limit the whole range
    meets (HEALEY's 24 months) stays met."""
    case = tmp_path / "case.yaml"
    case.write_text(_YEAR_ONSET)
    r = run_cli("therapies", case, "--all", "--as-of", "2026-09-01", "--format", "json")
    assert r.code == 0, r.stderr
    found = _duration_criteria(json.loads(r.stdout))
    status, why = found["18 months or less since symptom onset"]
    assert status == "unknown" and "12.0 to 20.0" in why
    assert any(s == "met" and "24" in d for d, (s, _) in found.items())


def test_an_onset_known_to_the_year_decides_when_the_whole_range_does(run_cli: Any, tmp_path: Path) -> None:
    """The control: the same record matched as of 2026-06-01 (9 to 17 months) meets the 18-month limit."""
    case = tmp_path / "case.yaml"
    case.write_text(_YEAR_ONSET)
    r = run_cli("therapies", case, "--all", "--as-of", "2026-06-01", "--format", "json")
    assert r.code == 0, r.stderr
    assert _duration_criteria(json.loads(r.stdout))["18 months or less since symptom onset"][0] == "met"


def test_the_assumed_time_frame_of_a_claim_is_stated(run_cli: Any, tmp_path: Path) -> None:
    """A claim giving no time frame ("70% of our ALS patients improved"). Before: compared with 6 months of untreated
    ALS, the 6 months shown only as a parameter while the series size, also assumed, was listed as an assumption.
    Now the time frame is listed as assumed too; a claim that gives one (3 months) has no such line."""
    r = run_cli("claim", "check", _claim(tmp_path, 'text: "70% of our ALS patients improved"\n'
                                                   "intervention: stem cells\nresponder_fraction: 0.7\n"))
    assert r.code == 0, r.stderr
    assert "assumption: the claim gives no time frame: 6 months assumed" in r.stdout
    given = run_cli("claim", "check", _claim(tmp_path, 'text: "70% of our ALS patients improved"\n'
                                                       "intervention: stem cells\nresponder_fraction: 0.7\n"
                                                       "timeframe_months: 3\n"))
    assert given.code == 0 and "no time frame" not in given.stdout and "3 months" in given.stdout


def test_the_claim_check_shows_no_internal_therapy_keys(run_cli: Any, data_dir: Path) -> None:
    """The synthetic stem-cell testimonial claim ``tests/data/therapy/claim_testimonial_cure.yaml`` (unchanged).
    Before: the controlled-evidence lines ended in charcot's own keys ("[msc_academic_phase1]",
    "[unregulated_stem_cell_products]"), which the therapies listing already hides. Now only registry ids (NCT…) are
    shown; the JSON keeps the keys."""
    r = run_cli("claim", "check", data_dir / "therapy" / "claim_testimonial_cure.yaml")
    assert r.code == 0, r.stderr
    section = r.stdout.split("controlled evidence in the knowledge base")[1].split("natural-history check")[0]
    assert "[msc_academic_phase1]" not in section and "[unregulated_stem_cell_products]" not in section
    assert "[NCT" in section and "Autologous bone-marrow mesenchymal stem cells" in section
    grade = json.loads(run_cli("claim", "check", data_dir / "therapy" / "claim_testimonial_cure.yaml",
                               "--format", "json").stdout)
    assert "msc_academic_phase1" in {e["id"] for e in grade["controlled_evidence"]}


def test_an_onset_known_to_the_year_does_not_decide_a_close_decline_rate(run_cli: Any, tmp_path: Path) -> None:
    """The year-only onset record above with one visit on its diagnosis date (2025-09-01, ALSFRS-R 46), matched as of
    2025-10-01. The decline since onset is 2 points over 0 to 8 months: at least 0.25 points/month, with no upper
    bound. Before: the completed onset (1 July) gave 0.98 and AB19001's "ALSFRS-R decline from onset to screening
    above 0.3 points/month" was 'met'. Now unknown, with the range."""
    case = tmp_path / "case.yaml"
    case.write_text(_YEAR_ONSET + "visits:\n  - date: 2025-09-01\n    alsfrs_r: {q1: 3, q2: 4, q3: 3, q4: 4, q5a: 4, "
                                  "q6: 4, q7: 4, q8: 4, q9: 4, q10: 4, q11: 4, q12: 4}\n")
    r = run_cli("therapies", case, "--all", "--as-of", "2025-10-01", "--format", "json")
    assert r.code == 0, r.stderr
    rate = [(c["status"], c["reason"]) for m in json.loads(r.stdout)["trials"] for c in m["criteria"]
            if "decline" in c["description"] and "points/month" in c["description"]]
    assert rate and all(status == "unknown" for status, _ in rate), rate
    assert "0.25 to any higher value" in rate[0][1]
