"""One status per item: no report the suite produces says an item was measured and not assessed, or tells
two sections different things (issue: AR/ATXN1/ATXN2 'no repeat-caller output' beside their sizes; 'C9orf72
not assessed: offer testing' beside a 2/2 normal result; closed trials shown as eligible)."""

from __future__ import annotations

import pytest

from charcot.model import AssessmentStatus, NotAssessed
from charcot.report.consistency import contradictions
from charcot.report.model import ItemState, Report


def test_no_report_contradicts_itself(every_report: dict[str, Report]) -> None:
    found = {name: contradictions(r) for name, r in every_report.items()}
    assert found == {name: [] for name in every_report}


def test_every_knowledge_base_repeat_locus_has_one_status(every_report: dict[str, Report]) -> None:
    for name, report in every_report.items():
        repeat_items = [i for i in report.items if i.kind == "repeat"]
        assert {i.name for i in repeat_items} >= {"C9orf72", "ATXN2", "ATXN1", "AR"}, name
        # an indeterminate call is 'not assessed' everywhere (the checker's own rule)
        measured = {c.gene for c in report.repeats.calls if c.status != "indeterminate"}
        for item in repeat_items:
            assert (item.status == ItemState.ASSESSED) == (item.name in measured), (name, item)


def test_demo_repeat_loci_are_not_listed_as_not_assessed(demo_report: Report) -> None:
    # regression: the builder filtered only items starting with "c9orf72". The demo's AR call is haploid in a woman
    # (indeterminate: her second X allele was never sized), so AR alone is listed, with why.
    whats = " ".join(n.what for n in demo_report.not_assessed)
    for gene in ("ATXN1", "ATXN2", "C9orf72"):
        assert gene not in whats.split()
    ar = [n for n in demo_report.not_assessed if n.what.split()[0] == "AR"]
    assert len(ar) == 1 and ar[0].reason.startswith("indeterminate: one allele was not called")
    # regression: the care alert said "C9orf72 status not assessed" next to a 2/2 normal call
    assert not [a for a in demo_report.clinical.alerts if "C9orf72" in a]


def test_closed_trials_are_never_eligible(demo_report: Report) -> None:
    closed = [t for t in demo_report.therapies.items if t.kind == "trial" and t.open_to_new_participants is False]
    assert closed  # VALOR and ALSpire are in the knowledge base as completed/discontinued
    for t in closed:
        assert t.group == "not_now" and t.verdict == "not_recruiting" and "not recruiting" in t.eligibility


def test_eligibility_line_names_what_failed(demo_report: Report) -> None:
    iv = next(t for t in demo_report.therapies.items if t.name.startswith("Edaravone intravenous"))
    # FVC 66% is outside the pivotal trial's population, an advisory criterion (blocking: false in the knowledge
    # base, as the therapy engine and `charcot therapies` read it): the clinician decides; never "available now",
    # never "not available" (regression: the report alone called it not available)
    assert iv.group == "check" and iv.verdict == "eligible_where_approved"
    assert "advisory criterion not met" in iv.eligibility and "FVC" in iv.eligibility
    assert iv.summary is not None and iv.summary.startswith("eligible where approved")


def test_withdrawn_approval_is_not_available_in_the_engine_either() -> None:
    from datetime import date

    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.therapies import Record as Therapy
    from charcot.therapy.matching import _availability

    amx = next(t for t in get_knowledge().typed("therapies", Therapy) if t.id == "amx0035")
    # approved in the US in 2022, withdrawn in 2024: with no region given it is not 'cannot decide'
    assert _availability(amx, None, date(2026, 8, 20)).status.value == "failed"
    assert _availability(amx, None, date(2023, 1, 1)).status.value == "unknown"


@pytest.mark.parametrize("mutation", ["not_assessed", "alert", "closed_trial", "member_status", "member_death",
                                      "gene_coverage", "undecided_therapy"])
def test_the_checker_finds_each_kind_of_contradiction(demo_report: Report, mutation: str) -> None:
    broken = demo_report.model_copy(deep=True)
    if mutation == "not_assessed":
        broken.not_assessed.append(NotAssessed(what="ATXN2 CAG repeat", reason="no repeat-caller output was given"))
    elif mutation == "alert":
        broken.clinical.alerts.append("C9orf72 status not assessed: offer genetic counselling and testing")
    elif mutation == "member_status":
        broken.family.members[-1].affected = "unknown"  # the PED column instead of the ages file's status
    elif mutation == "member_death":
        next(m for m in broken.family.members if m.deceased).deceased = None
    elif mutation == "undecided_therapy":  # page 1 said this beside riluzole 'cannot decide' (no clinical record)
        therapy = next(s for s in broken.summary if s.topic == "Therapy")
        therapy.text = "No approved therapy matched."
    elif mutation == "gene_coverage":
        moved = broken.genetics.genes_not_covered.pop()
        broken.genetics.genes_assessed.append(moved)
    else:
        trial = next(t for t in broken.therapies.items if t.open_to_new_participants is False)
        trial.verdict, trial.group = "eligible", "now"
    assert contradictions(broken)


def test_demo_runs_the_readme_report_command() -> None:
    import re
    from pathlib import Path

    from charcot.report.demo import README_FLAGS, demo_args

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    command = re.search(r"`charcot report (--vcf [^`]*)`", readme)
    assert command is not None
    assert tuple(re.findall(r"(?<!\S)(--[a-z-]+|-o)(?=\s)", command.group(1))) == README_FLAGS
    args = demo_args("OUT")
    assert args[0] == "report" and tuple(args[1::2]) == README_FLAGS
    assert "--hpo" not in args and "--region" not in args  # nothing the README command lacks


def test_the_clinical_record_country_sets_the_jurisdiction(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from charcot.report.build import CaseInputs, build_report
    from charcot.report.demo import demo_dir

    case = tmp_path / "case.yaml"
    case.write_text((demo_dir() / "demo_case.yaml").read_text() + "country: DE\n")
    report = build_report(CaseInputs(clinical=case))
    assert report.therapies.region == "EU"
    riluzole = next(t for t in report.therapies.items if t.name.startswith("Riluzole"))
    assert riluzole.group == "now" and riluzole.verdict == "eligible"
    assert any(s.text.startswith("Can receive now in EU") for s in report.summary if s.topic == "Therapy")


def test_a_given_jurisdiction_beside_a_country_of_another_is_said(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # proband review: a jurisdiction given (--jurisdiction, or the configuration's default) beside a clinical record
    # whose country is in another jurisdiction was used silently
    from charcot.report.build import CaseInputs, build_report
    from charcot.report.demo import demo_dir

    case = tmp_path / "case.yaml"
    case.write_text((demo_dir() / "demo_case.yaml").read_text() + "country: US\n")
    report = build_report(CaseInputs(clinical=case, region="EU"))
    assert report.therapies.region == "EU"
    said = [n for n in report.therapies.notes if "country US is in US" in n]
    assert said and "--jurisdiction US" in said[0] and report.therapies.jurisdiction_differs == said[0]
    assert said[0] in [s.text for s in report.summary if s.topic == "Therapy"]  # on page 1 too
    assert contradictions(report) == []
    same = build_report(CaseInputs(clinical=case, region="US"))  # the same jurisdiction: nothing to say
    assert not any("the jurisdiction given" in n for n in same.therapies.notes)


def test_gvcf_genes_without_a_callable_exon_are_not_assessed_in_every_section() -> None:
    # probe-gen review: a real gVCF whose panel exons have no callable base (GQ <= 3 throughout) gave 'assessed:
    # no reportable variant' for every gene and "no P/LP small variant in the 80 genes assessed" on page 1, while
    # the appendix said the exons were not callable
    from pathlib import Path

    from charcot.report.build import CaseInputs, build_report
    from charcot.report.model import AssessmentStatus
    gvcf = Path(__file__).parents[1] / "data" / "variants" / "glnexus_na12878_gvcf_subset.g.vcf.gz"
    report = build_report(CaseInputs(vcf=gvcf))
    assert contradictions(report) == []
    genes = [i for i in report.items if i.kind == "gene" and i.key != "gene:panel"]
    assert genes and all(i.status == ItemState.NOT_ASSESSED for i in genes)
    assert {i.reason for i in genes} == {"the gVCF has no callable base in the gene's exons"}
    (panel,) = [i for i in report.items if i.key == "gene:panel"]  # a VCF was given: never "no small-variant VCF"
    assert panel.status == ItemState.NOT_ASSESSED and panel.reason and "gVCF" in panel.reason
    assert report.genetics.status == AssessmentStatus.NOT_ASSESSED
    page1 = " ".join(s.text for s in report.summary if s.topic == "Genetics")
    assert "genes assessed" not in page1 and "no callable base" in page1


def test_an_indeterminate_repeat_locus_makes_the_section_partial_and_says_why(demo_report: Report) -> None:
    # The demo's AR call is haploid in a woman: indeterminate. The repeat section read "Assessed" beside page 1's
    # "AR not assessed: the caller's result was indeterminate", which said nothing of why.
    assert demo_report.repeats.status == AssessmentStatus.PARTIAL
    ar = next(i for i in demo_report.items if i.key == "repeat:AR")
    assert ar.status == ItemState.NOT_ASSESSED and "one allele was not called" in (ar.reason or "")
    assert any(n.startswith("AR not assessed: one allele was not called") for n in demo_report.repeats.notes)
    call = next(c for c in demo_report.repeats.calls if c.gene == "AR")
    assert call.status == "indeterminate" and call.indeterminate_reason == ar.reason.removeprefix("indeterminate: ")
    assert contradictions(demo_report) == []


def test_checker_names_a_status_told_for_a_date_before_it_was_recorded(demo_report: Report) -> None:
    """The checker reads the rendered model: a trial told as open on a date before its status was recorded."""
    trial = next(t for t in demo_report.therapies.items if t.kind == "trial" and t.open_to_new_participants is not None)
    early = demo_report.therapies.model_copy(update={"as_of": demo_report.therapies.as_of.replace(year=2015)})
    problems = contradictions(demo_report.model_copy(update={"therapies": early}))
    assert any(trial.name in p and "from a status recorded later" in p for p in problems), problems
