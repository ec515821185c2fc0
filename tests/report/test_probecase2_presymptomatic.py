"""Reviewer probe (probecase, 2026-12-02): a presymptomatic carrier is never given a prognosis.

Unseen case: the demo's real NA12878 calls with the spiked SOD1 p.Ala5Val (A4V), read as a relative tested after her
affected father: the pedigree's proband is unaffected (PED status 1, ages file 'unaffected', tested carrier) and
there is no clinical record. Before the fix page 1 read "Prognosis: SOD1 p.(Ala5Val) (A4V) is known for its course:
... median survival about 1.2 years" for a woman without ALS, and the variant's card added "The survival model takes
no genotype other than the C9orf72 repeat status into account" of a survival model the report never ran."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from charcot.report.consistency import contradictions
from charcot.report.demo import demo_dir
from charcot.report.model import Report

PED = ("#family_id\tindividual_id\tpaternal_id\tmaternal_id\tsex\tphenotype\n"
       "FAM\tFATHER\t0\t0\t1\t2\nFAM\tMOTHER\t0\t0\t2\t1\nFAM\tNA12878\tFATHER\tMOTHER\t2\t1\n")
AGES = ("id\tage\tstatus\tonset_age\ttest\tdeceased\tdeath_age\n"
        "FATHER\t60\taffected\t52\tuntested\tyes\t60\nMOTHER\t62\tunaffected\t\tuntested\t\t\n"
        "NA12878\t34\tunaffected\t\tcarrier\t\t\n")


def _presymptomatic_report(run_cli: Any, tmp_path: Path, *extra: str) -> tuple[Report, Path, int]:
    (tmp_path / "family.ped").write_text(PED)
    (tmp_path / "ages.tsv").write_text(AGES)
    out = tmp_path / "out"
    r = run_cli("report", "--vcf", demo_dir() / "demo.vcf.gz", "--ped", tmp_path / "family.ped", "--proband",
                "NA12878", "--ages", tmp_path / "ages.tsv", "--country", "US", "--no-pdf", "-q", "--outdir", out,
                *extra)
    assert r.code == 0, r.stderr
    return Report.model_validate_json((out / "report.json").read_text()), out, r.code


def test_a_presymptomatic_carrier_gets_no_prognosis(run_cli: Any, tmp_path: Path) -> None:
    report, out, _ = _presymptomatic_report(run_cli, tmp_path)
    sod1 = next(f for t in report.genetics.tiers for f in t.findings if f.gene == "SOD1")
    assert sod1.known_prognosis is not None
    # the course is the disease's in carriers who developed it, said as such, never the patient's prognosis
    assert "not a prognosis for the patient" in sod1.known_prognosis, sod1.known_prognosis
    assert "survival model" not in sod1.known_prognosis  # none was run: no clinical record
    lines = [s for s in report.summary if s.topic == "Prognosis"]
    assert lines and all(s.text.startswith("No prognosis: the patient is unaffected") for s in lines), lines
    assert all(s.level == "info" for s in lines)
    html = (out / "report.html").read_text()
    told = html.count("is known for its course")
    assert told and told == html.count("In carriers who developed ALS, SOD1 p.(Ala5Val) (A4V) is known for its course")
    assert html.count("No prognosis: the patient is unaffected") == 1
    assert contradictions(report) == []


def test_the_checker_names_a_prognosis_told_for_an_unaffected_patient(run_cli: Any, tmp_path: Path) -> None:
    report, _, _ = _presymptomatic_report(run_cli, tmp_path)
    told = report.model_copy(deep=True)
    next(s for s in told.summary if s.topic == "Prognosis").text = (
        "SOD1 p.(Ala5Val) (A4V) is known for its course: median survival about 1.2 years.")
    problems = contradictions(told)
    assert any("unaffected" in p and "prognosis" in p for p in problems), problems
    told = report.model_copy(deep=True)
    f = next(f for t in told.genetics.tiers for f in t.findings if f.gene == "SOD1")
    f.known_prognosis = "SOD1 p.(Ala5Val) (A4V) is known for its course: median survival about 1.2 years."
    problems = contradictions(told)
    assert any("unaffected" in p and "SOD1" in p for p in problems), problems


def test_an_affected_patient_keeps_the_course_as_her_prognosis(demo_report: Report) -> None:
    sod1 = next(f for t in demo_report.genetics.tiers for f in t.findings if f.gene == "SOD1")
    assert sod1.known_prognosis is not None and sod1.known_prognosis.startswith("SOD1 p.(Ala5Val) (A4V) is known for its course")
    assert "survival model takes no genotype" in sod1.known_prognosis
    line = next(s for s in demo_report.summary if s.topic == "Prognosis")
    assert "median survival about 1.2 years" in line.text and line.level == "finding"


def test_the_matching_reads_the_age_the_family_section_shows(run_cli: Any, tmp_path: Path) -> None:
    """The ages file gives the patient's age (34), which the pedigree figure and the family table show; before the fix
    the therapy matching said 'age (years) not given' for tofersen's and ATLAS's adult criterion in the same report."""
    report, _, _ = _presymptomatic_report(run_cli, tmp_path)
    member = next(m for m in report.family.members if m.id == "NA12878")
    assert member.age == 34
    adult = [(t.name, c) for t in report.therapies.items for c in t.criteria if c.text.startswith("adult (18 years")]
    assert adult, [t.name for t in report.therapies.items]
    for name, c in adult:
        assert c.state == "met" and "is 34" in c.text, (name, c)
    assert not any("age (years)" in n for n in report.therapies.notes), report.therapies.notes


def test_a_patient_the_ages_file_records_as_deceased_is_offered_no_therapy(run_cli: Any, tmp_path: Path) -> None:
    """The same family with the patient affected and recorded in the ages file as died at 56 (a report made for the
    relatives, no clinical record). Before the fix page 1 read "Can receive now in US: Riluzole (Rilutek), Edaravone
    ..." for her and "Prognosis: SOD1 p.(Ala5Val) (A4V) is known for its course: ... median survival about 1.2 years",
    while the family section drew her as deceased (a clinical record's death date was the only death the report
    read)."""
    (tmp_path / "family.ped").write_text(PED.replace("NA12878\tFATHER\tMOTHER\t2\t1", "NA12878\tFATHER\tMOTHER\t2\t2"))
    (tmp_path / "ages.tsv").write_text(AGES.replace("NA12878\t34\tunaffected\t\tcarrier\t\t",
                                                    "NA12878\t56\taffected\t54\tcarrier\tyes\t56"))
    out = tmp_path / "out"
    r = run_cli("report", "--vcf", demo_dir() / "demo.vcf.gz", "--ped", tmp_path / "family.ped", "--proband",
                "NA12878", "--ages", tmp_path / "ages.tsv", "--country", "US", "--no-pdf", "-q", "--outdir", out)
    assert r.code == 0, r.stderr
    report = Report.model_validate_json((out / "report.json").read_text())
    assert next(m for m in report.family.members if m.id == "NA12878").deceased
    assert report.therapies.status.value == "not_assessed" and not report.therapies.items
    assert any("died at 56" in n for n in report.therapies.notes), report.therapies.notes
    therapy_lines = [s.text for s in report.summary if s.topic in ("Therapy", "Trials")]
    assert therapy_lines == ["Therapies and trials not assessed (the patient died at 56 (pedigree ages file): therapies "
                             "and trials are not matched for a deceased patient)."], therapy_lines
    # nor a prognosis: the variant's known course is the disease's in carriers, not hers
    lines = [s.text for s in report.summary if s.topic == "Prognosis"]
    assert lines and all(t.startswith("No prognosis: the patient died at 56 (pedigree ages file).") for t in lines), lines
    assert contradictions(report) == []
    offered = report.model_copy(deep=True)
    offered.therapies = report.model_copy(deep=True).therapies
    from charcot.model import AssessmentStatus
    from charcot.report.model import TherapyItem
    offered.therapies.status = AssessmentStatus.ASSESSED
    offered.therapies.items = [TherapyItem(name="Riluzole (Rilutek)", kind="therapy", verdict="eligible", relevant=True,
                                           group="now", eligibility="meets every checked criterion")]
    assert any("deceased" in p and "Riluzole" in p for p in contradictions(offered)), contradictions(offered)


def test_a_presymptomatic_carrier_is_told_her_own_risk_of_onset(run_cli: Any, tmp_path: Path) -> None:
    """The question a genetic counsellor answers for a presymptomatic carrier is her own risk of onset. Before the fix
    it appeared only as a label in the pedigree drawing ("10-y risk 19.9%"): page 1, the family table and the JSON
    spoke of the relatives alone."""
    report, out, _ = _presymptomatic_report(run_cli, tmp_path)
    own = report.family.patient_risk
    assert [r.gene for r in own] == ["SOD1"] and own[0].relative == "NA12878" and own[0].risk is not None
    ten = f"{100 * own[0].risk:.1f}%"
    line = next(s.text for s in report.summary if s.topic == "Family" and s.text.startswith("The patient"))
    assert ten in line and "SOD1" in line and "not a diagnosis" in line, line
    assert f"{100 * own[0].risk_lifetime:.1f}%" in line, line
    assert ten in (out / "report.html").read_text()
    assert contradictions(report) == []
    told = report.model_copy(deep=True)
    told.summary = [s for s in told.summary if not s.text.startswith("The patient")]
    assert any("own risk" in p for p in contradictions(told)), contradictions(told)


def test_an_affected_patient_has_no_risk_of_onset_row(demo_report: Report) -> None:
    assert demo_report.family.patient_risk == []
