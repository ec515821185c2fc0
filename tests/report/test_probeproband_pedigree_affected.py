"""Reviewer probe (proband, 2026-12-02): a pedigree's 'affected' is not an ALS diagnosis for therapy matching.

Unseen cases, through the real command line and without a clinical record:
- the real GIAB Ashkenazi trio (`tests/data/family/ashk_trio_subset.vcf.gz`, `ashk_trio.ped`: HG002 PED status 2);
- the demo's real NA12878 calls with the spiked SOD1 p.Ala5Val, the pedigree saying NA12878 is affected.
Before the fix the report's patient facts took the PED column as "clinically manifest ALS": page 1 said "Eligible where
approved: Riluzole (Rilutek) (US, EU); Edaravone ..." (with --country US: "Can receive now in US: Riluzole ...", and
tofersen's label criterion 'met'), and told SOD1 A4V's course as the patient's prognosis, although nothing on record
says ALS (a PED 'affected' may be FTD, another motor neuron disease or a relative's report). Now the label criterion is
unknown as for a clinical record without a diagnosis, the item says 'affected according to the pedigree', page 1 says
what to add, and the checker names a label criterion met without an ALS diagnosis on record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from charcot.report.consistency import contradictions
from charcot.report.demo import demo_dir
from charcot.report.model import Report

DATA = Path(__file__).parents[1] / "data"
TRIO_VCF = DATA / "family" / "ashk_trio_subset.vcf.gz"
TRIO_PED = DATA / "family" / "ashk_trio.ped"
AFFECTED_PED = ("#family_id\tindividual_id\tpaternal_id\tmaternal_id\tsex\tphenotype\n"
                "FAM\tFATHER\t0\t0\t1\t1\nFAM\tMOTHER\t0\t0\t2\t1\nFAM\tNA12878\tFATHER\tMOTHER\t2\t2\n")
#: the words the clinical record path and the pedigree path share for a label's ALS criterion without a diagnosis
LABEL_CRITERION = "clinically manifest ALS"


def _report(run_cli: Any, out: Path, *args: Any) -> Report:
    r = run_cli("report", *args, "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    return Report.model_validate_json((out / "report.json").read_text())


def _trio(run_cli: Any, tmp_path: Path, *extra: Any) -> Report:
    return _report(run_cli, tmp_path / "out", "--vcf", TRIO_VCF, "--ped", TRIO_PED, "--proband", "HG002", *extra)


def _demo_affected(run_cli: Any, tmp_path: Path, *extra: Any) -> Report:
    (tmp_path / "family.ped").write_text(AFFECTED_PED)
    return _report(run_cli, tmp_path / "out", "--vcf", demo_dir() / "demo.vcf.gz", "--ped", tmp_path / "family.ped",
                   "--proband", "NA12878", *extra)


def _label_criterion(item: Any) -> Any:
    return next(c for c in item.criteria if c.text.startswith(LABEL_CRITERION + ":"))


def _page1_therapy(report: Report) -> str:
    return " ".join(s.text for s in report.summary if s.topic in ("Therapy", "Trials"))


@pytest.mark.parametrize("country", [(), ("--country", "US")])
def test_a_pedigree_affected_proband_is_not_offered_a_label_therapy(run_cli: Any, tmp_path: Path,
                                                                      country: tuple[str, ...]) -> None:
    report = _trio(run_cli, tmp_path, *country)
    riluzole = next(t for t in report.therapies.items if t.name.startswith("Riluzole"))
    assert riluzole.group == "check" and riluzole.verdict == "cannot_decide", riluzole
    crit = _label_criterion(riluzole)
    assert crit.state == "unknown", crit
    assert "affected according to the pedigree" in crit.text and "no ALS diagnosis" in crit.text, crit
    page1 = _page1_therapy(report)
    assert "Riluzole" not in page1 and "Can receive now" not in page1 and "Eligible where approved" not in page1, page1
    # page 1 says why, and what to add
    assert "no ALS diagnosis is on record" in page1 and "clinical record" in page1, page1
    assert contradictions(report) == []


def test_the_json_analysis_reads_the_same_status(run_cli: Any, tmp_path: Path) -> None:
    _trio(run_cli, tmp_path)
    data = json.loads((tmp_path / "out" / "report.json").read_text())
    riluzole = next(m for m in data["analyses"]["therapy"]["therapies"] if m["id"] == "riluzole")
    assert riluzole["verdict"] == "cannot_decide"
    crit = next(c for c in riluzole["criteria"] if c["id"] == "als_diagnosis")
    assert crit["status"] == "unknown" and crit["missing"].startswith("ALS diagnosis"), crit


def test_a_pedigree_affected_sod1_carrier(run_cli: Any, tmp_path: Path) -> None:
    """Tofersen's label needs clinically manifest ALS; ATLAS needs a presymptomatic carrier: with the pedigree's word
    alone neither is decided, and the variant's course is not told as the patient's prognosis."""
    report = _demo_affected(run_cli, tmp_path, "--country", "US")
    tofersen = next(t for t in report.therapies.items if t.name.startswith("Tofersen (Qalsody)"))
    assert _label_criterion(tofersen).state == "unknown" and tofersen.group == "check", tofersen
    atlas = next(t for t in report.therapies.items if t.name.startswith("ATLAS"))
    pre = next(c for c in atlas.criteria if c.text.startswith("no clinically manifest ALS"))
    assert pre.state == "unknown" and "affected according to the pedigree" in pre.text, pre
    assert "Can receive now" not in _page1_therapy(report)
    prognosis = [s for s in report.summary if s.topic == "Prognosis"]
    assert prognosis and all(s.text.startswith("No prognosis: the patient is affected according to the pedigree")
                             and s.level == "info" for s in prognosis), prognosis
    assert contradictions(report) == []


def test_a_diagnosis_on_record_still_matches(run_cli: Any, tmp_path: Path) -> None:
    """The same trio with the clinical record giving the ALS diagnosis: riluzole is offered (the record decides)."""
    record = tmp_path / "case.yaml"
    record.write_text("id: HG002\nsex: male\ndate_of_birth: 1960-05-01\n"
                      "onset: {date: 2024-01-10, region: lower_limb}\ndiagnosis: {date: 2024-06-01}\ncountry: US\n"
                      "visits:\n  - date: 2024-09-01\n    alsfrs_r: {q1: 4, q2: 4, q3: 4, q4: 4, q5a: 4, q6: 3, q7: 3, "
                      "q8: 2, q9: 2, q10: 4, q11: 4, q12: 4}\n")
    report = _trio(run_cli, tmp_path, "--clinical", record)
    riluzole = next(t for t in report.therapies.items if t.name.startswith("Riluzole"))
    assert _label_criterion(riluzole).state == "met" and riluzole.group == "now", riluzole
    assert "no ALS diagnosis is on record" not in _page1_therapy(report)


def test_the_checker_names_a_label_criterion_met_without_a_diagnosis(run_cli: Any, tmp_path: Path) -> None:
    report = _trio(run_cli, tmp_path)
    told = report.model_copy(deep=True)
    riluzole = next(t for t in told.therapies.items if t.name.startswith("Riluzole"))
    crit = _label_criterion(riluzole)
    crit.state, crit.text = "met", f"{LABEL_CRITERION}: {LABEL_CRITERION}"
    problems = contradictions(told)
    assert any("Riluzole" in p and "no ALS diagnosis" in p for p in problems), problems


def _phenopacket_with_als(folder: Path) -> Path:
    """The repository's example phenopacket (MONDO:0004976 as its disease) cut to a subject and its disease: no onset,
    no visits, so the report reads no clinical course from it, only the diagnosis."""
    packet = json.loads((DATA / "clinical" / "example_phenopacket.json").read_text())
    cut = {"id": "HG002-phenopacket", "subject": {"id": "HG002", "sex": "MALE"},
           "diseases": [{"term": packet["diseases"][0]["term"]}], "metaData": packet["metaData"]}
    path = folder / "hg002.json"
    path.write_text(json.dumps(cut))
    return path


@pytest.mark.parametrize("pedigree", [True, False])
def test_a_phenopackets_als_diagnosis_is_a_diagnosis_on_record(run_cli: Any, tmp_path: Path, pedigree: bool) -> None:
    """An input phenopacket's disease ALS (no clinical course) is a diagnosis on record, which the header states: the
    label criterion is met, with or without a pedigree (before: 'not given' without one)."""
    packet = _phenopacket_with_als(tmp_path)
    family = ("--ped", TRIO_PED, "--proband", "HG002") if pedigree else ("--sample", "HG002")
    report = _report(run_cli, tmp_path / "out", "--vcf", TRIO_VCF, *family, "--phenopacket", packet)
    assert report.header.diagnosis == "amyotrophic lateral sclerosis"
    riluzole = next(t for t in report.therapies.items if t.name.startswith("Riluzole"))
    assert _label_criterion(riluzole).state == "met", riluzole
    assert "no ALS diagnosis" not in _page1_therapy(report)
    assert contradictions(report) == []


def test_page_1_says_what_an_undiagnosed_record_waits_for(run_cli: Any, tmp_path: Path) -> None:
    """The clinical record path's one status (symptoms dated, no diagnosis): page 1 says why nothing is offered and
    what to add, in the therapy section's words."""
    record = tmp_path / "case.yaml"
    record.write_text("id: probe-undiagnosed\nsex: female\ndate_of_birth: 1960-05-01\n"
                      "onset: {date: 2024-01-10, region: lower_limb}\ncountry: US\n"
                      "visits:\n  - date: 2024-09-01\n    alsfrs_r: {q1: 4, q2: 4, q3: 4, q4: 4, q5a: 4, q6: 3, q7: 3, "
                      "q8: 2, q9: 2, q10: 4, q11: 4, q12: 4}\n")
    report = _report(run_cli, tmp_path / "out", "--clinical", record)
    note = next(n for n in report.therapies.notes if n.startswith("No ALS diagnosis is on record by the matching date"))
    page1 = _page1_therapy(report)
    assert note[0].lower() + note[1:].rstrip(".") in page1 and "add the diagnosis date" in page1, page1
    assert contradictions(report) == []


def test_a_phenopacket_stating_als_beside_an_unaffected_pedigree_is_an_identity_mismatch(run_cli: Any,
                                                                                        tmp_path: Path) -> None:
    """proband's finding: a PED marking the proband unaffected beside a phenopacket stating ALS kept the presymptomatic
    path with no word of the disagreement (a clinical record's onset was already checked against the pedigree)."""
    ped = tmp_path / "trio_unaffected.ped"
    ped.write_text(TRIO_PED.read_text().replace("HG002\tHG003\tHG004\t1\t2", "HG002\tHG003\tHG004\t1\t1"))
    packet = _phenopacket_with_als(tmp_path)
    report = _report(run_cli, tmp_path / "out", "--vcf", TRIO_VCF, "--ped", ped, "--proband", "HG002",
                     "--phenopacket", packet)
    check = next(c for c in report.identity.checks if c.check == "affection status: phenopacket vs pedigree")
    assert check.status == "mismatch" and "unaffected" in check.detail
    agreeing = _report(run_cli, tmp_path / "out2", "--vcf", TRIO_VCF, "--ped", TRIO_PED, "--proband", "HG002",
                       "--phenopacket", packet)
    assert next(c for c in agreeing.identity.checks
                if c.check == "affection status: phenopacket vs pedigree").status == "pass"
