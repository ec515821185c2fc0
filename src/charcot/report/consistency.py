"""Contradictions inside a finished Report: an item reported both as measured and as not assessed, or told
differently by two sections. ``contradictions(report)`` returns one sentence per problem (empty when the
report is consistent). The tests walk every report the suite produces through it; it reads the rendered
model only, so it checks what a reader sees, not how the builder meant it.
"""

from __future__ import annotations

import re

from charcot.knowledge.schema.therapies import partial_date_start
from charcot.model import AssessmentStatus
from charcot.report.model import ItemState, Report
from charcot.variants.model import OUTSIDE_PANEL

_SOME_GENES = re.compile(r"\d+ of \d+ ALS genes not assessed")
_TRIAL_STATUS_DATE = re.compile(r"Trial status: .*? as of (\d{4}(?:-\d{2}){0,2})\b")
_GENOTYPE_MET = re.compile(r": (\w+) (?:repeat status is expanded|\S+ (?:\([^)]*\) )?(?:classified (?:Likely )?[Pp]athogenic|is on the pre-approved))")
_NOT_ASSESSED = re.compile(r"not[ _]assessed|no repeat-caller output|not tested", re.IGNORECASE)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;])\s+", text) if s]


def _mentions(name: str, text: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", text, re.IGNORECASE) is not None


def _repeat_told(report: Report, gene: str) -> list[tuple[str, str]]:
    """(where, text) of every place that tells a repeat locus's call: its item's result and page 1's repeat lines."""
    told = [("item", i.result or "") for i in report.items if i.kind == "repeat" and i.name == gene]
    return told + [("summary", s.text) for s in report.summary if s.topic == "Repeats" and _mentions(gene, s.text)]


def _diagnosis_criteria() -> tuple[str, ...]:
    """The words (description and ':') that begin a therapy or trial criterion on clinically manifest ALS in the
    report's items, from the knowledge base's criteria of that kind."""
    from charcot.knowledge import get_knowledge
    from charcot.knowledge.schema.therapies import CriterionKind
    from charcot.knowledge.schema.therapies import Record as Therapy
    from charcot.knowledge.schema.trials import Record as Trial

    kb = get_knowledge()
    criteria = [c for t in kb.typed("therapies", Therapy) for c in (t.label.criteria if t.label else [])]
    criteria += [c for t in kb.typed("trials", Trial) for c in t.criteria]
    return tuple(sorted({f"{c.description}:" for c in criteria if c.kind is CriterionKind.DIAGNOSIS}))


def contradictions(report: Report) -> list[str]:
    problems: list[str] = []
    keys = [i.key for i in report.items]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(f"item {key} has more than one status")
    items = {i.key: i for i in report.items}

    # Everything a reader sees as a statement: summary, alerts, notes of every section, the not-assessed table.
    statements: list[tuple[str, str]] = []
    statements += [("summary", s.text) for s in report.summary]
    statements += [("clinical alert", a) for a in report.clinical.alerts]
    statements += [("clinical note", n) for n in report.clinical.notes]
    statements += [("repeat note", n) for n in report.repeats.notes]
    statements += [("genetics note", n) for n in report.genetics.notes]
    statements += [("not assessed", f"{n.what}: {n.reason}") for n in report.not_assessed]

    # Repeat loci: a measured locus has an assessed item and is never said to be not assessed.
    measured = {(c.gene or c.locus): c for c in report.repeats.calls if c.status != "indeterminate"}
    for gene, call in measured.items():
        item = items.get(f"repeat:{gene}")
        if item is None or item.status != ItemState.ASSESSED:
            problems.append(f"{gene} has repeat sizes {call.alleles} but its item is not 'assessed'")
    for item in report.items:
        if item.kind not in ("repeat", "score") or item.status != ItemState.ASSESSED:
            continue
        name = item.name.split(" (")[0]
        for where, text in statements:
            for sentence in _sentences(text):
                if _mentions(name, sentence) and _NOT_ASSESSED.search(sentence):
                    problems.append(f"{item.name} is measured ({item.result}) but the {where} says: {sentence!r}")
    # A call the caller flagged (FILTER not PASS) is never told without its flag.
    for call in report.repeats.calls:
        if call.filter in (None, "", "PASS", ".") or call.status == "indeterminate":
            continue
        gene = call.gene or call.locus
        for where, text in _repeat_told(report, gene):
            if f"FILTER={call.filter}" not in text:
                problems.append(f"{gene}: the caller flagged the call FILTER={call.filter}, the {where} tells it "
                                f"without the flag: {text!r}")
    # The call's own text (the phenopacket's description and FHIR's note) says what page 1 and the item say of it: a
    # flagged call with its flag, an indeterminate one as indeterminate (never only its alleles' 'normal')
    for call in report.repeats.calls:
        gene = call.gene or call.locus
        if call.filter not in (None, "", "PASS", ".") and f"FILTER={call.filter}" not in call.interpretation:
            problems.append(f"{gene}: the caller flagged the call FILTER={call.filter}, its interpretation (exported to "
                            f"the phenopacket and FHIR) does not say so: {call.interpretation!r}")
        if call.status == "indeterminate" and "indeterminate" not in call.interpretation.lower():
            problems.append(f"{gene} is indeterminate (not assessed), its interpretation (exported to the phenopacket "
                            f"and FHIR) does not say so: {call.interpretation!r}")
    # An allele the reads show only to be at least N long is told as '≥N' everywhere, never by the caller's count.
    for call in report.repeats.calls:
        if not call.at_least:
            continue
        gene, sizes = call.gene or call.locus, call.sizes_text()
        for where, text in _repeat_told(report, gene):
            if sizes not in text:
                problems.append(f"{gene}: the repeat analysis gives {sizes} (a lower bound), the {where} says {text!r}")
    for item in report.items:
        if item.kind == "repeat" and item.status == ItemState.NOT_ASSESSED and item.name in measured:
            problems.append(f"{item.name} is 'not assessed' but the repeat table gives its sizes")

    # A section that is partial or not assessed says why in the section itself, not only in the appendix.
    for title, section in (("genetics", report.genetics), ("repeats", report.repeats), ("family", report.family),
                           ("clinical", report.clinical), ("therapies", report.therapies)):
        if section.status in (AssessmentStatus.PARTIAL, AssessmentStatus.NOT_ASSESSED) and not section.notes:
            problems.append(f"the {title} section is '{section.status.value}' but gives no reason in the section")

    # Repeats: a locus not assessed (no call, or an indeterminate one) makes the section partial.
    repeat_gaps = sorted(i.name for i in items.values() if i.kind == "repeat" and i.status == ItemState.NOT_ASSESSED)
    if repeat_gaps and report.repeats.status == AssessmentStatus.ASSESSED:
        problems.append(f"repeat loci not assessed ({', '.join(repeat_gaps)}) but the repeat section is 'assessed' "
                        "(should be partial)")

    # Genetics: the section's status, its tiers and the summary agree.
    findings = [f for t in report.genetics.tiers for f in t.findings]
    if report.genetics.status == AssessmentStatus.NOT_ASSESSED and findings:
        problems.append("genetics is 'not assessed' but lists findings")
    restriction = report.genetics.restriction
    said = [s.text for s in report.summary if s.topic == "Genetics" and _NOT_ASSESSED.search(s.text)
            and (restriction is None or s.text != restriction.statement)]
    said_all = [t for t in said if not _SOME_GENES.match(t)]
    if said_all and report.genetics.status != AssessmentStatus.NOT_ASSESSED:
        problems.append("the summary says small variants were not assessed, the genetics section says they were")
    # 'No pathogenic variant among the calls classified' is never said when the run kept none of the sample's calls
    kept = sum(len(t.findings) for t in report.genetics.tiers) + len(report.genetics.not_classified) \
        + len(report.genetics.not_reported)
    if not kept and report.genetics.excluded_calls and any(
            s.topic == "Genetics" and s.text.startswith("No pathogenic") for s in report.summary):
        problems.append(f"page 1 says no pathogenic variant was found, but the run kept none of the sample's calls "
                        f"({len(report.genetics.excluded_calls)} left out, none classified)")
    # ... nor, plainly, when some coding or splice-region variants could not be classified (consequence unknown): they
    # may be pathogenic, so the line speaks of the variants classified
    if report.genetics.not_classified:
        for s in report.summary:
            if s.topic == "Genetics" and s.text.startswith("No pathogenic") and "not classified" not in s.text:
                problems.append(f"page 1 says {s.text!r} although {len(report.genetics.not_classified)} coding or "
                                "splice-region variant(s) were not classified (consequence unknown)")
    uncovered = set(report.genetics.genes_not_covered)
    said_some = [t for t in said if _SOME_GENES.match(t)]
    if uncovered and not said_some:
        problems.append(f"{len(uncovered)} genes were not covered by the VCF but the summary does not say so")
    if said_some and not uncovered:
        problems.append("the summary says some genes were not assessed, the genetics section lists none")
    if uncovered and report.genetics.status == AssessmentStatus.ASSESSED:
        problems.append("genes were not covered by the VCF but genetics is 'assessed' (should be partial)")
    for gene in report.genetics.genes_assessed:
        item = items.get(f"gene:{gene}")
        if item is None or item.status != ItemState.ASSESSED:
            problems.append(f"{gene} is listed as assessed but its item is not 'assessed'")
    for gene in uncovered:
        item = items.get(f"gene:{gene}")
        if item is None or item.status != ItemState.NOT_ASSESSED:
            problems.append(f"{gene} was not covered by the VCF but its item is not 'not assessed'")
        why = report.genetics.not_covered_reasons.get(gene)
        if item is not None and why is not None and item.reason != why:
            problems.append(f"{gene}: the genetics section says it was not assessed because {why!r}, its item "
                            f"(read by FHIR and the appendix) says {item.reason!r}")
    for gene, why in report.genetics.genes_partly_covered.items():
        item = items.get(f"gene:{gene}")
        if gene in uncovered or item is None or item.status != ItemState.ASSESSED \
                or "not assessed" not in (item.result or ""):
            problems.append(f"{gene} is assessed only in part, but its item does not say so")
        if not all(any(part in n.reason for n in report.not_assessed) for part in why.split("; ")):
            problems.append(f"the part of {gene} that was not assessed is missing from the not-assessed table")
    for f in findings:
        gene_item = items.get(f"gene:{f.gene}") if f.gene else None
        if gene_item is not None and gene_item.status != ItemState.ASSESSED:
            problems.append(f"{f.gene} has a finding but its item is not 'assessed'")
    # A restricted analysis (--genes/--panel/--bed) says so on page 1, and its left-out genes are 'not assessed' with
    # its reason (never 'no variant found'); a run restricted without the statement is a report that reads as complete.
    outside_panel = [n for n in report.not_assessed if OUTSIDE_PANEL in n.what]
    if outside_panel and restriction is None:
        problems.append(f"the analysis was restricted ({outside_panel[0].reason}) but the report states no restriction "
                        "(genetics.restriction), so page 1 reads as a full analysis")
    if restriction is not None:
        if not any(s.topic == "Genetics" and s.text == restriction.statement for s in report.summary):
            problems.append(f"the analysis was restricted to {restriction.how} but page 1 does not say so")
        if not outside_panel:
            problems.append(f"the analysis was restricted to {restriction.how} but the not-assessed table does not "
                            "list the genes left out")
        for gene in restriction.not_assessed:
            item = items.get(f"gene:{gene}")
            if gene in report.genetics.genes_assessed or item is None or item.status != ItemState.NOT_ASSESSED \
                    or item.reason != restriction.reason:
                problems.append(f"{gene} lies outside the requested panel, but its item does not say 'not assessed' "
                                f"with the restriction: {item.result or item.reason if item else 'no item'}")

    # Family: a relative's status and death read the same in the risk table and the members table.
    members = {p.id: p for p in report.family.members}
    for r in report.family.relatives_risk:
        person = members.get(r.relative)
        if person is None:
            problems.append(f"{r.relative} has a risk row but is not among the family members")
            continue
        if (r.status or "unknown") != person.affected:
            problems.append(f"{r.relative} is '{r.status}' in the risk table but '{person.affected}' among the members")
        if bool(r.deceased) != bool(person.deceased) or r.death_age != person.death_age:
            problems.append(f"{r.relative}'s death differs between the risk table and the members table")

    # An unaffected patient's own risk of onset (a presymptomatic carrier) is told on page 1, with its number.
    for own in report.family.patient_risk:
        # with no age the risk over the next years is not assessed: page 1 must say so, never a number
        ten = "not assessed" if own.risk is None else f"{100 * own.risk:.1f}%"
        if not any(s.topic == "Family" and s.text.startswith("The patient") and ten in s.text and (own.gene or "") in s.text
                   for s in report.summary):
            problems.append(f"the family section gives the patient's own risk of onset for {own.gene} ({ten} within "
                            f"{own.horizon_years or 10:g} years), which page 1 does not state")

    # Page 1 offers counselling and testing to the living only: a deceased relative is never among those named.
    dead = {r.relative for r in report.family.relatives_risk if r.deceased}
    for s in report.summary:
        if s.topic == "Family" and "offer" in s.text and not s.text.startswith("Deceased"):
            named = {n for n in dead if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", s.text)}
            if named:
                problems.append(f"page 1 offers counselling to deceased relatives: {', '.join(sorted(named))}")

    # Clinical scores: a measure shown as a value is assessed; 'not calculated' is not.
    for m in report.clinical.measures:
        item = items.get(f"score:{m.name}")
        if item is None:
            continue
        if (m.value == "not calculated") != (item.status == ItemState.NOT_ASSESSED):
            problems.append(f"{m.name}: the clinical table says {m.value!r}, its item says {item.status.value}")

    # A model's own check that its number is no prediction is told with the number, on page 1 too.
    for m in report.clinical.measures:
        if "not a prediction" not in (m.detail or "") or m.value == "not calculated":
            continue
        told = [("clinical table", m.value)]
        told += [("summary", s.text) for s in report.summary if s.topic == "Prognosis" and m.name.split()[0] in s.text]
        for where, text in told:
            if "not a prediction" not in text:
                problems.append(f"{m.name}: its detail says the number is not a prediction, the {where} tells it "
                                f"plainly: {text!r}")

    # A patient the pedigree calls unaffected (a presymptomatic carrier) or records as deceased, with no clinical
    # course, is given no prognosis: a genotype's known course is told as the disease's in carriers who developed it, never as the
    # patient's, on page 1 and in the variant's card alike.
    proband = members.get(report.family.proband or "")
    if proband is not None and (proband.affected == "unaffected" or proband.deceased) \
            and report.clinical.status == AssessmentStatus.NOT_ASSESSED:
        told = [("page 1", s.text) for s in report.summary if s.topic == "Prognosis"]
        told += [(f"{f.gene or f.key} card", f.known_prognosis) for f in findings if f.known_prognosis]
        for where, text in told:
            if "not a prognosis for the patient" not in text and not text.startswith("No prognosis"):
                problems.append(f"the patient is {'deceased' if proband.deceased else 'unaffected'} in the pedigree (no "
                                f"clinical course), but the {where} "
                                f"tells a prognosis: {text!r}")

    # A patient the pedigree records as deceased is offered nothing (as a clinical record's death date stops the
    # matching): no therapy or trial to give now or to decide on.
    if proband is not None and proband.deceased:
        for t in report.therapies.items:
            if t.group in ("now", "check"):
                problems.append(f"the patient is deceased in the pedigree, but the therapies section offers {t.name} "
                                f"({t.group})")

    # Therapies and trials: a closed trial is never eligible; the summary names only what can be given now.
    for t in report.therapies.items:
        if t.kind == "trial" and t.open_to_new_participants is False and (t.group == "now" or t.verdict == "eligible"):
            problems.append(f"{t.name} does not recruit but is shown as eligible")
        if t.group == "now" and any(c.state == "failed" for c in t.criteria):
            problems.append(f"{t.name} is shown as available now although a criterion failed")
        if t.eligibility.startswith("meets every") and any(c.state == "failed" and c.blocking for c in t.criteria):
            problems.append(f"{t.name}: the eligibility line says every criterion is met above a failed one")
        advisory = [c for c in t.criteria if c.state == "failed" and not c.blocking]
        if advisory and "advisory criterion not met" not in t.eligibility:
            problems.append(f"{t.name}: an advisory criterion failed but the eligibility line does not say so")
        if t.group == "not_now" and t.kind == "therapy" and t.criteria and \
                not any(c.state == "failed" and c.blocking for c in t.criteria):
            problems.append(f"{t.name} is shown as not available although no required criterion failed")
        if t.summary is not None and not t.summary.startswith(t.verdict.replace("_", " ")):
            problems.append(f"{t.name}: the summary {t.summary!r} does not say the verdict {t.verdict!r}")
    # A therapy the clinical record says the patient receives is never offered to start: not in the section's
    # available-now or to-decide groups, not eligible, and not named by page 1's options.
    receiving = set(report.therapies.receiving)
    for t in report.therapies.items:
        if t.kind == "therapy" and t.name in receiving and (
                t.group in ("now", "check") or t.verdict.startswith("eligible")):
            problems.append(f"{t.name}: the clinical record says the patient already receives it, but the therapies "
                            f"section offers it ({t.group}, {t.verdict})")
    for s in report.summary:
        if s.topic == "Therapy" and not s.text.startswith("Already receives"):
            offered = [name for name in sorted(receiving) if name in s.text]
            if offered:
                problems.append(f"page 1 offers {', '.join(offered)}, which the clinical record says the patient "
                                f"already receives: {s.text!r}")
    # A trial's recruitment is told for the matching date only from a status recorded on or before it.
    on = report.therapies.as_of
    for t in report.therapies.items:
        recorded = next((hit.group(1) for n in t.notes if (hit := _TRIAL_STATUS_DATE.match(n))), None)
        if t.kind != "trial" or on is None or recorded is None or t.open_to_new_participants is None:
            continue
        if partial_date_start(recorded) > on:
            problems.append(f"{t.name} is told as {'open' if t.open_to_new_participants else 'not recruiting'} on "
                            f"{on.isoformat()} from a status recorded later ({recorded})")
    # A therapy or trial offered on the patient's genotype names a genotype page 1 states.
    genotype_told = " ".join(s.text for s in report.summary if s.topic in ("Genetics", "Repeats"))
    for t in report.therapies.items:
        if t.group not in ("now", "check"):
            continue
        for c in t.criteria:
            hit = _GENOTYPE_MET.search(c.text) if c.state == "met" else None
            if hit is not None and not _mentions(hit.group(1), genotype_told):
                problems.append(f"{t.name} is offered on the patient's {hit.group(1)} genotype ({c.text!r}), which "
                                "page 1 does not state")
    # A criterion on clinically manifest ALS is met only with an ALS diagnosis on record (the clinical record's or an
    # input phenopacket's, which the header states): a pedigree's 'affected' is not a diagnosis.
    from charcot.acmg.phenotype import als_diagnosis

    if als_diagnosis(report.header.diagnosis) is None and als_diagnosis(report.header.diagnosis_id) is None:
        wanted = _diagnosis_criteria()
        for t in report.therapies.items:
            met = next((c.text for c in t.criteria if c.state == "met" and c.text.startswith(wanted)), None)
            if met is not None:
                problems.append(f"{t.name}: {met!r} is met, but no ALS diagnosis is on record (the header states "
                                f"{report.header.diagnosis or 'none'})")
    undecided = [t.name for t in report.therapies.items if t.group == "check"]
    therapy_lines = [s.text for s in report.summary if s.topic == "Therapy"]
    if undecided and not any("to be decided by the clinician" in text for text in therapy_lines):
        problems.append(f"page 1 does not say that {len(undecided)} therapies or trials are for the clinician to "
                        f"decide ({', '.join(undecided)}): {therapy_lines}")
    now = {t.name for t in report.therapies.items if t.group == "now"}
    for s in report.summary:
        if s.topic not in ("Therapy", "Trials"):
            continue
        for t in report.therapies.items:
            short = t.name.split(":")[0] if t.kind == "trial" else t.name
            if t.group == "receiving" and s.text.startswith("Already receives"):
                continue  # page 1's line on the record's current treatment: told as taken, not offered
            if t.name not in now and _mentions(short, s.text):
                problems.append(f"the summary offers {t.name}, which the therapies section does not ({t.eligibility})")

    # Identity: the section's status follows its checks; a final report has no mismatch.
    failed = [c for c in report.identity.checks if c.status == "mismatch"]
    if bool(failed) != (report.identity.status == "mismatch"):
        problems.append(f"identity status {report.identity.status!r} does not follow its checks")
    if failed and report.signoff.state == "final":
        problems.append("the report is final although an identity check failed")
    banner = [s for s in report.summary if s.topic == "Identity"]
    if failed and not banner:
        problems.append("an identity check failed but page 1 does not say so")

    # Sex: one value for the patient.
    sexes = {c.detail.split(" in both")[0] for c in report.identity.checks
             if c.check == "stated sex vs pedigree" and c.status == "pass"}
    if report.header.sex and sexes and report.header.sex not in sexes:
        problems.append(f"the header says sex {report.header.sex}, the identity checks {sexes}")
    return problems
