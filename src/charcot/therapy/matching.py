"""Match a patient to therapies and trials: evaluate every label / trial criterion, add the
regional regulatory status as of a date, and explain through the mechanism map why a therapy fits
(or does not specifically fit) the genotype."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from charcot.knowledge import Knowledge, get_knowledge
from charcot.knowledge.schema.mechanisms import Record as Mechanism
from charcot.knowledge.schema.therapies import (
    REGIONS,
    CriterionKind,
    RegulatoryEvent,
    RegulatoryStatus,
    partial_date_end,
    partial_date_start,
)
from charcot.knowledge.schema.therapies import Record as Therapy
from charcot.knowledge.schema.trials import Record as Trial
from charcot.knowledge.schema.trials import StudyKind
from charcot.model import AcmgClass, Confidence
from charcot.therapy.criteria import _RANK, at_least, combine, evaluate, partly_tested, undecided_genes
from charcot.therapy.jurisdictions import (
    Jurisdiction,
    Undecided,
    checked_code,
    events_in,
    for_country,
    jurisdictions,
    status_in,
)
from charcot.therapy.model import (
    CriterionResult,
    CriterionStatus,
    MechanismExplanation,
    PatientFacts,
    RegionStatus,
    RepeatStatus,
    TherapyMatch,
    TherapyMatches,
    Treatment,
    Verdict,
)

#: An open trial status not confirmed within this many days of the matching date is not taken as open: the
#: registry's own rule (ClinicalTrials.gov shows a recruiting / not yet recruiting / active, not recruiting study
#: whose status has not been confirmed within the past 2 years as 'Unknown', S-CTgovUnknown).
OPEN_STATUS_MAX_AGE_DAYS = 730


def _sort_key(event: RegulatoryEvent) -> date:
    return partial_date_start(event.date) if event.date else date.min


def status_in_region(events: list[RegulatoryEvent], region: str, as_of: date) -> RegionStatus | None:
    """The latest event on or before ``as_of`` in ``region`` (undated events count as earlier)."""
    here = sorted((e for e in events if e.region == region and (e.date is None or partial_date_start(e.date) <= as_of)),
                  key=_sort_key)
    if not here:
        return None
    last = here[-1]
    history = [f"{e.date or 'undated'}: {e.status.value}" for e in here]
    srcs = sorted({s for e in here for s in e.sources})
    return RegionStatus(region=region, status=last.status.value, date=last.date, available=last.status.available,
                        note=last.note, history=history, sources=srcs,
                        unverified=last.confidence is Confidence.UNVERIFIED)


def patient_genes(facts: PatientFacts, minimum: AcmgClass = AcmgClass.LIKELY_PATHOGENIC,
                  gene_roles: dict[str, str] | None = None) -> set[str]:
    """Genes whose ALS-relevant form the patient carries. An intermediate repeat counts only for a gene whose role is
    not 'causal' (ATXN2, a risk factor: the intermediate allele is the risk form). For a causal repeat gene
    (C9orf72) the disease form is the expansion: an intermediate allele is not it, and the gene's programmes and
    trials, which enrol expansion carriers, are not the patient's (``gene_roles`` as built by :func:`match`)."""
    genes = {f.gene.upper() for f in facts.genotype.findings if at_least(f.classification, minimum)}
    genes |= {g.upper() for g, s in facts.genotype.repeats.items() if s is RepeatStatus.EXPANDED}
    genes |= {g.upper() for g, s in facts.genotype.repeats.items() if s is RepeatStatus.INTERMEDIATE
              and not (gene_roles or {}).get(g.upper(), "").startswith("causal")}
    return genes


def uncertain_genes(facts: PatientFacts) -> set[str]:
    """Genes where the patient's best variant is of uncertain significance: a therapy or trial aimed at one concerns
    the patient (a reclassification would make it fit), so it is shown with the criterion that fails, never hidden."""
    best: dict[str, AcmgClass] = {}
    for f in facts.genotype.findings:
        gene = f.gene.upper()
        if gene not in best or _RANK[f.classification] > _RANK[best[gene]]:
            best[gene] = f.classification
    return {g for g, c in best.items() if c is AcmgClass.VUS}


def _concerning(facts: PatientFacts, genes: set[str]) -> set[str]:
    """The genes a therapy or trial aimed at concerns the patient: carried (``genes``), undecided, with a VUS, or
    assessed only in part (a qualifying variant may lie in the part not assessed)."""
    return genes | undecided_genes(facts) | uncertain_genes(facts) | {g.upper() for g in facts.genotype.genes_partly_tested}


def intermediate_causal_repeats(facts: PatientFacts, gene_roles: dict[str, str]) -> list[str]:
    """Causal repeat genes (C9orf72) whose repeat is intermediate, not expanded."""
    return sorted(g for g, s in facts.genotype.repeats.items() if s is RepeatStatus.INTERMEDIATE
                  and gene_roles.get(g.upper(), "").startswith("causal"))


def _genotype_fit(gene: str, facts: PatientFacts, repeat_genes: frozenset[str]) -> tuple[bool | None, str]:
    """Whether the patient carries the ALS-causing form of ``gene`` a gene-targeted therapy is aimed at: True (an
    LP/P variant, or a repeat expansion), False (tested, none found), None (cannot be said), with the words."""
    geno = facts.genotype
    if gene.upper() in repeat_genes:
        status = next((v for k, v in geno.repeats.items() if k.upper() == gene.upper()), None)
        if status is RepeatStatus.EXPANDED:
            return True, f"the patient carries a {gene} repeat expansion"
        if status is RepeatStatus.INTERMEDIATE:
            return None, (f"the patient's {gene} repeat is intermediate, not an expansion: whether the therapy fits "
                          "an intermediate allele is not established")
        if status is RepeatStatus.NORMAL:
            return False, f"the patient's {gene} repeat is normal, so it does not fit this genotype"
        return None, f"the {gene} repeat was not assessed, so whether it fits this genotype cannot be said"
    findings = [f for f in geno.findings if f.gene.upper() == gene.upper()]
    if any(at_least(f.classification, AcmgClass.LIKELY_PATHOGENIC) for f in findings):
        return True, f"the patient carries a {gene} variant classified at least likely pathogenic"
    if gene.upper() in undecided_genes(facts):
        return None, (f"a {gene} variant was found but not classified (its consequence is unknown), so whether it "
                      "fits this genotype cannot be said yet")
    if partly_tested(facts, gene) is not None:
        return None, (f"{gene} was assessed only in part, so whether the patient carries this genotype cannot be said "
                      "yet")
    if findings:
        best = max(findings, key=lambda f: _RANK[f.classification])
        label = best.hgvs_p or best.hgvs_c or best.variant_key or "variant"
        return False, (f"the patient's {gene} {label} is classified {best.classification.value}, not at least likely "
                       "pathogenic, so it does not fit this genotype (a reclassification would change this)")
    covered = bool(geno.genetic_testing_done) and (
        geno.genes_tested is None or gene.upper() in {g.upper() for g in geno.genes_tested})
    if covered:
        return False, (f"no {gene} variant classified at least likely pathogenic was found, so it does not fit "
                       "this genotype")
    return None, f"no genetic result for {gene} was given, so whether it fits this genotype cannot be said"


def _explain(therapy: Therapy, mechanisms: dict[str, Mechanism], facts: PatientFacts,
             gene_roles: dict[str, str]) -> list[MechanismExplanation]:
    """Why a therapy concerns this patient. A therapy aimed at a gene 'fits this genotype' only when the patient
    carries that gene's ALS-causing form (the same facts the genotype criteria read); otherwise the text says that
    it does not, or that it cannot be said, and never calls a gene-targeted therapy 'not specific to a genotype'."""
    out: list[MechanismExplanation] = []
    targets = {g.upper() for g in therapy.target_genes}
    repeat_genes = frozenset(g for g, role in gene_roles.items() if role.endswith("+repeat"))
    fits = {g: _genotype_fit(g, facts, repeat_genes) for g in therapy.target_genes}
    carried = {g.upper() for g, (fit, _) in fits.items() if fit} | patient_genes(facts, gene_roles=gene_roles)
    for link in therapy.mechanisms:
        mech = mechanisms.get(link.mechanism)
        if mech is None:
            continue
        hits = [g for g in mech.genes if g.gene.upper() in carried]
        names = [g.gene for g in hits]
        aimed = [g for g in mech.genes if g.gene.upper() in targets]
        aimed = [g for g in aimed if g.gene.upper() in gene_roles]  # every mechanism gene is in genes.yaml (validated)
        causal = [g for g in aimed if gene_roles[g.gene.upper()].startswith("causal")]
        if aimed and not causal:  # a risk or modifier gene: its genotype does not decide whether the therapy fits
            g = aimed[0]
            role = gene_roles[g.gene.upper()].split("+")[0].replace("_", " ")
            text = (f"{therapy.name}: {link.action} ({mech.name}); it targets {g.gene} ({g.role}), an ALS {role} gene, "
                    f"not a cause of ALS, so the patient's {g.gene} genotype does not decide whether it fits.")
        elif causal:  # the therapy targets a gene that causes ALS through this mechanism: does the patient carry it?
            aimed = causal
            fit_of = {g.gene: next(v for k, v in fits.items() if k.upper() == g.gene.upper()) for g in aimed}
            g = next((g for g in aimed if fit_of[g.gene][0]), aimed[0])
            fit, words = fit_of[g.gene]
            if fit:
                text = (f"{therapy.name}: {link.action}. {g.gene} causes ALS through {mech.name} ({g.role}); "
                        f"the therapy is aimed at this gene and {words}, so it fits this genotype.")
            else:
                text = f"{therapy.name}: {link.action} ({mech.name}); aimed at {g.gene}: {words}."
        elif hits:
            g = hits[0]
            text = (f"{therapy.name}: {link.action} ({mech.name}). {g.gene} also acts through this mechanism "
                    f"({g.role}), but the therapy was not shown to work specifically in {g.gene} carriers.")
        else:
            text = f"{therapy.name}: {link.action} ({mech.name}); not specific to a genotype."
        out.append(MechanismExplanation(mechanism=mech.id, mechanism_name=mech.name, action=link.action, genes=names,
                                        text=text))
    return out


def _availability(therapy: Therapy, jurisdiction: Jurisdiction | None, as_of: date,
                  country: str | None = None) -> CriterionResult:
    sources = sorted({s for e in therapy.regulatory for s in e.sources}) or list(therapy.sources)
    approved_anywhere = any(e.status.available for e in therapy.regulatory
                            if e.date is None or partial_date_start(e.date) <= as_of)
    base = {"id": "approved_in_region", "description": "approved (marketed) in the patient's region", "sources": sources}
    later = sorted((e for e in therapy.regulatory if e.status.available and e.date is not None
                    and partial_date_start(e.date) > as_of), key=_sort_key)
    if therapy.label is not None and not approved_anywhere and later:
        # the development status is the snapshot's ('approved'): on an earlier date it was not yet
        first = later[0]
        return CriterionResult(**base, status=CriterionStatus.FAILED,
                               reason=f"not yet approved for ALS in any region on {as_of.isoformat()} (first "
                                      f"approval on record: {REGIONS.get(first.region, first.region)}, {first.date})")
    if therapy.label is None or not approved_anywhere:
        when = f" ({therapy.development_status_date})" if therapy.development_status_date else ""
        return CriterionResult(**base, status=CriterionStatus.FAILED,
                               reason=f"not approved for ALS in any region; development status: "
                                      f"{therapy.development_status.replace('_', ' ')}{when}")
    if jurisdiction is None:
        # marketed somewhere on ``as_of``? each region's latest event decides: an approval later withdrawn (Relyvrio,
        # 2024) makes it unavailable whatever the patient's region, so the missing region decides nothing
        latest = [s for r in sorted({e.region for e in therapy.regulatory})
                  if (s := status_in_region(therapy.regulatory, r, as_of)) is not None]
        if not any(s.available for s in latest):
            return CriterionResult(**base, status=CriterionStatus.FAILED,
                                   reason="not marketed for ALS in any region on record: " + "; ".join(
                                       f"{s.region}: {s.status.replace('_', ' ')}" + (f" on {s.date}" if s.date else "")
                                       for s in latest))
        if country:  # given, but no jurisdiction charcot holds records for: not "not given"
            return CriterionResult(**base, status=CriterionStatus.UNKNOWN,
                                   reason=f"the patient's country ({country.strip().upper()}) is not one of the "
                                          f"jurisdictions charcot holds regulatory records for ({', '.join(jurisdictions())})",
                                   missing=f"regulatory status in {country.strip().upper()} (not in the knowledge base)")
        return CriterionResult(**base, status=CriterionStatus.UNKNOWN, reason="the patient's country/region was not given",
                               missing="country or region")
    region, name = jurisdiction.id, jurisdiction.name
    status = status_in(jurisdiction, therapy.regulatory, as_of)
    if isinstance(status, Undecided):
        return CriterionResult(**{**base, "sources": status.sources}, status=CriterionStatus.UNKNOWN,
                               reason=f"{name}: {status.reason}", missing=f"regulatory status in {region} ({name})")
    here_later = sorted((e for e in events_in(jurisdiction, therapy.regulatory) if e.status.available
                         and e.date is not None and partial_date_start(e.date) > as_of), key=_sort_key)
    if status is None and here_later:
        # the region's record starts with a later approval: on this date the therapy was not yet marketed there,
        # which charcot does know (not 'no regulatory record')
        first = here_later[0]
        return CriterionResult(**{**base, "sources": sorted(first.sources) or base["sources"]},
                               status=CriterionStatus.FAILED,
                               reason=f"{name}: not yet approved on {as_of.isoformat()} "
                                      f"({first.status.value.replace('_', ' ')} on {first.date})")
    if status is None:
        return CriterionResult(**base, status=CriterionStatus.UNKNOWN,
                               reason=f"charcot has no regulatory record for {therapy.name} in {name}",
                               missing=f"regulatory status in {region} (not in the knowledge base)")
    when = f" on {status.date}" if status.date else ""
    text = f"{name}: {status.status.replace('_', ' ')}{when}"
    if status.unverified:
        text += " (unverified)"
    return CriterionResult(**{**base, "sources": status.sources}, status=CriterionStatus.MET if status.available else CriterionStatus.FAILED,
                           reason=text, unverified=status.unverified)


def _summary(verdict: Verdict, results: list[CriterionResult]) -> tuple[str, list[str], list[str]]:
    failed = [f"{r.id}: {r.reason}" for r in results if r.blocking and r.status is CriterionStatus.FAILED]
    missing = [r.missing for r in results if r.blocking and r.status is CriterionStatus.UNKNOWN and r.missing]
    review = [r.reason for r in results if r.blocking and r.status is CriterionStatus.REVIEW]
    if verdict is Verdict.NOT_ELIGIBLE:
        text = "not eligible: " + "; ".join(f"{r.description}: {r.reason}" for r in results
                                            if r.blocking and r.status is CriterionStatus.FAILED)
    elif verdict is Verdict.CANNOT_DECIDE:
        text = "cannot decide: missing " + ", ".join(missing)
    elif verdict is Verdict.COMMITTEE_REVIEW:
        text = "committee review needed: " + "; ".join(review)
    else:
        # an advisory criterion not met (blocking: false: the label or the pivotal trial's population) does not change
        # the verdict, but is said with it, in the report's words: never 'every checked criterion' above a failed one
        advisory = [f"{r.description} ({r.reason})" for r in results
                    if not r.blocking and r.status is CriterionStatus.FAILED]
        text = ("eligible on every required criterion; advisory criterion not met (the label does not require it): "
                + "; ".join(advisory)) if advisory else "eligible on every checked criterion"
    return text, failed, missing


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def therapy_names(therapy: Therapy) -> set[str]:
    """The names a record may give a therapy by: its id, its name, the name before the brackets, each name inside
    them ('Tofersen (Qalsody)': tofersen, qalsody), and its aliases."""
    head, _, rest = therapy.name.partition("(")
    inside = [p.strip().removeprefix("formerly ").removeprefix("e.g. ") for p in re.split(r"[,;]", rest.rstrip(")"))]
    return {n for n in (therapy.id, therapy.name, head.strip(), *inside, *therapy.aliases) if n.strip()}


def resolve_treatment(name: str, therapies: Iterable[Therapy]) -> list[Therapy]:
    """The knowledge base's therapies a recorded treatment names: by id, name or alias (case, spaces and punctuation
    aside), else those whose name begins with the words written ('edaravone': both edaravone forms); [] when none."""
    items = list(therapies)
    key = _key(name)
    exact = [t for t in items if key in {_key(n) for n in therapy_names(t)}]
    if exact or len(key) < 4:
        return exact
    words = name.lower().split()
    return [t for t in items if t.name.partition("(")[0].lower().split()[:len(words)] == words]


def treatments_on(treatments: list[Treatment], therapies: Iterable[Therapy],
                  as_of: date) -> tuple[dict[str, str], dict[str, str], list[str], dict[str, date]]:
    """The record's treatments on ``as_of``: (therapy id -> 'since when' of one received on that date, therapy id ->
    'stopped when' of one received before, notes on treatments read as written, therapy id -> the date one received
    before was stopped). The two 'when's are the words inside the parentheses (``since 2025-01-10; clinical record:
    'tofersen'``), which :func:`match_therapy` and :func:`match_trial` each put in their own sentence. Received on
    ``as_of``: started on or before it (or no start date), and not stopped on or before it. A name the knowledge base
    does not hold is kept and said, never dropped."""
    items = list(therapies)
    receiving: dict[str, str] = {}
    previous: dict[str, str] = {}
    stopped: dict[str, date] = {}
    notes: list[str] = []
    for t in treatments:
        found = resolve_treatment(t.therapy, items)
        if not found:
            notes.append(f"Recorded treatment {t.therapy!r} is not a therapy in charcot's knowledge base: kept as "
                         "written and not matched to any therapy or trial; check it against the options by hand.")
            continue
        if len(found) > 1:
            notes.append(f"Recorded treatment {t.therapy!r} names more than one therapy in charcot's knowledge base ("
                         + ", ".join(f.name for f in found) + "): read as each of them; give the exact form to tell "
                         "them apart.")
        since = f"since {t.started.isoformat()}" if t.started else "start date not recorded"
        written = f"clinical record: {t.therapy!r}"
        if t.started is not None and t.started > as_of:
            notes.append(f"Recorded treatment {t.therapy!r} started on {t.started.isoformat()}, after the matching "
                         f"date {as_of.isoformat()}: not counted as received on that date.")
            continue
        for f in found:
            if t.stopped is not None and t.stopped <= as_of:
                began = f"started {t.started.isoformat()}, " if t.started else ""
                previous[f.id] = f"{began}stopped on {t.stopped.isoformat()}; {written}"
                stopped[f.id] = t.stopped
            else:
                receiving[f.id] = f"{since}; {written}"
    return receiving, previous, notes, stopped


def match_therapy(therapy: Therapy, facts: PatientFacts, jurisdiction: Jurisdiction | None, as_of: date,
                  mechanisms: dict[str, Mechanism], gene_roles: dict[str, str], *, receiving: str | None = None,
                  previously: str | None = None, stopped_on: date | None = None) -> TherapyMatch:
    """One therapy's match. ``receiving`` (the patient receives it on ``as_of``: its 'since when' from
    :func:`treatments_on`) makes the verdict ``already_receiving``: a therapy the patient takes is never offered to
    start; the criteria and the regional status are still shown. ``previously`` (received before, stopped: its
    'stopped when') is said beside the normal verdict: whether to restart is the clinician's decision."""
    receives = f"receives it ({receiving})" if receiving is not None else None
    received = f"previously received ({previously})" if previously is not None else None
    results = [evaluate(c, facts, as_of) for c in (therapy.label.criteria if therapy.label else [])]
    results.append(_availability(therapy, jurisdiction, as_of, facts.clinical.country))
    verdict = combine(results)
    summary, failed, missing = _summary(verdict, results)
    if receiving is not None:
        verdict = Verdict.ALREADY_RECEIVING
        summary = f"already receiving: the patient {receives}; not an option to start (criteria shown for reference)"
    genes = patient_genes(facts, gene_roles=gene_roles)
    targets = {g.upper() for g in therapy.target_genes}
    genotype_ids = {c.id for c in (therapy.label.criteria if therapy.label else [])
                    if c.kind in (CriterionKind.GENE, CriterionKind.VARIANT, CriterionKind.REPEAT)}
    gene_failed = any(r.status is CriterionStatus.FAILED for r in results if r.id in genotype_ids)
    relevant = bool(targets & _concerning(facts, genes)) if targets else \
        therapy.label is not None and not gene_failed
    regions = [s for r in REGIONS if (s := status_in_region(therapy.regulatory, r, as_of)) is not None]
    if jurisdiction is not None and jurisdiction.id not in REGIONS:
        # a jurisdiction that reads part of a region's records (the EEA outside the EU): its own status, when decided
        derived = status_in(jurisdiction, therapy.regulatory, as_of)
        if isinstance(derived, RegionStatus):
            regions.append(derived)
    notes = []
    for r in regions:
        if r.status in (RegulatoryStatus.WITHDRAWN, RegulatoryStatus.REFUSED, RegulatoryStatus.APPLICATION_WITHDRAWN):
            notes.append(f"{r.region}: {r.status.replace('_', ' ')} on {r.date or 'an unrecorded date'}")
    if therapy.purpose == "symptomatic":
        notes.append("treats a symptom, not ALS progression")
    if received is not None:
        notes.insert(0, f"{received[0].upper()}{received[1:]}: whether to restart is the clinician's decision")
    return TherapyMatch(
        kind="therapy", id=therapy.id, name=therapy.name, verdict=verdict, summary=summary,
        relevant=relevant or receiving is not None or previously is not None,  # the record's own treatment is shown
        criteria=results, failed=failed, missing=missing, regions=regions,
        development_status=therapy.development_status, development_status_date=therapy.development_status_date,
        mechanisms=_explain(therapy, mechanisms, facts, gene_roles), evidence_level=therapy.evidence_level,
        receiving=receives, receiving_since=receiving, previously_received=received, previously_stopped=stopped_on, notes=notes,
        sources=list(therapy.sources), unverified=therapy.confidence is Confidence.UNVERIFIED)


def match_trial(trial: Trial, facts: PatientFacts, therapies: dict[str, Therapy],
                mechanisms: dict[str, Mechanism], on: date | None = None,
                *, gene_roles: dict[str, str], receiving: dict[str, str] | None = None,
                previously: dict[str, str] | None = None) -> TherapyMatch:
    results = [evaluate(c, facts, on) for c in trial.criteria]
    verdict = combine(results)
    summary, failed, missing = _summary(verdict, results)
    if not results:
        verdict, summary = Verdict.CANNOT_DECIDE, "cannot decide: charcot records no eligibility criteria for this trial"
    status = trial.status
    open_ = status.status.open_to_new_participants
    if trial.parent_study_only:
        open_ = False
    unverified = status.confidence is Confidence.UNVERIFIED or trial.confidence is Confidence.UNVERIFIED
    state = status.status.value.replace("_", " ")
    status_text = f"status {state} as of {status.as_of}{' (unverified)' if unverified else ''}; check clinicaltrials.gov"
    stale = (open_ is True and on is not None
             and (on - partial_date_end(status.as_of)).days > OPEN_STATUS_MAX_AGE_DAYS)
    # a status first recorded after the matching date says nothing about that date (the study may not have started,
    # or may still have been recruiting before it closed): open or closed, it is not known to hold on it
    recorded_later = (on is not None and not trial.parent_study_only
                      and partial_date_start(status.as_of) > on)
    if stale:
        # 'open' observed more than two years before the matching date is not known to hold on it
        open_ = None
        state = (f"{state} as of {status.as_of}, not confirmed within the 2 years before the matching date "
                 f"{on.isoformat() if on else ''}; the registry shows such a status as 'Unknown'")
        status_text = f"status {state}; check clinicaltrials.gov"
    elif recorded_later:
        open_ = None
        state = (f"{state} as of {status.as_of}, recorded after the matching date {on.isoformat() if on else ''}; "
                 "charcot has no record of the study's status on that date")
        status_text = f"status {state}; check clinicaltrials.gov"
    # A study that takes no one new can never be 'eligible': the criteria are shown, the verdict says it is closed.
    if open_ is False:
        if verdict is not Verdict.NOT_ELIGIBLE:
            verdict = Verdict.NOT_OPEN
            summary = f"not open to new participants ({state}); " + summary.replace("eligible on", "would meet")
        else:
            summary += f"; in any case NOT open to new participants: {state}"
    elif open_ is None or (status.confidence is Confidence.UNVERIFIED and verdict is Verdict.ELIGIBLE):
        # 'eligible' needs a verified open status: an unverified 'recruiting'/'available' is not enough
        if verdict is Verdict.ELIGIBLE:
            verdict = Verdict.CANNOT_DECIDE
            summary = "cannot decide: every checked criterion is met, but whether the study takes new participants " \
                      f"was not verified ({state})"
        else:
            summary += f" (criteria only); recruitment state not verified: {state}"
    notes = [status_text]
    if trial.parent_study_only:
        notes.append("extension study: open only to participants of its parent study")
    if trial.kind is StudyKind.PLATFORM_REGIMEN:
        notes.append(f"platform regimen: participants enter through the master protocol ({trial.platform}) and are "
                     "randomised to a regimen; nobody enrols in a regimen directly")
    if trial.kind is StudyKind.EXPANDED_ACCESS:
        notes.append("expanded access: treatment outside a trial, requested by the treating physician")
    if trial.protocol_id:
        notes.append(f"sponsor study code {trial.protocol_id}")
    if trial.other_criteria:
        notes.append("the site also checks: " + "; ".join(trial.other_criteria))
    if status.note:
        notes.append(status.note)
    # the trial's own rules on prior or concurrent treatment are not in charcot's records: said for review, deciding
    # nothing
    studied = therapies.get(trial.therapy or "")
    for when, held in (("receives", receiving or {}), ("received", previously or {})):
        if trial.therapy and trial.therapy in held:
            notes.insert(0, f"The patient already {when} {studied.name if studied else trial.therapy} "
                            f"({held[trial.therapy]}): "
                            "check the trial's rules on prior or concurrent treatment")
            break
    genes = patient_genes(facts, gene_roles=gene_roles)
    targets = {g.upper() for g in trial.target_genes}
    relevant = bool(targets & _concerning(facts, genes)) if targets else \
        (open_ is not False and verdict is not Verdict.NOT_ELIGIBLE)
    therapy = therapies.get(trial.therapy or "")
    return TherapyMatch(
        kind="trial", id=trial.nct_id, name=f"{trial.acronym + ': ' if trial.acronym else ''}{trial.title}",
        verdict=verdict, summary=summary, relevant=relevant, criteria=results, failed=failed, missing=missing,
        trial_status=status.status.value, trial_status_as_of=status.as_of, open_to_new_participants=open_,
        phase=trial.phase, genotype_requirement=trial.genotype_requirement,
        mechanisms=_explain(therapy, mechanisms, facts, gene_roles) if therapy else [],
        evidence_level=trial.key_result, notes=notes,
        sources=sorted({*trial.sources, *status.sources, *(["S-CTgovUnknown"] if stale else [])}),
        unverified=unverified)


_STOPPED = {"discontinued", "withdrawn", "preclinical", "case_report", "unknown"}


def _gene_notes(facts: PatientFacts, therapies: Iterable[Therapy], latest: str,
                gene_roles: dict[str, str]) -> list[str]:
    """Per patient gene: the gene-targeted programmes, with a plain statement when none is current."""
    notes: list[str] = []
    items = list(therapies)
    for gene in intermediate_causal_repeats(facts, gene_roles):
        notes.append(f"{gene}: the repeat is intermediate, not an expansion. Therapies and trials aimed at the {gene} "
                     "expansion enrol expansion carriers only, so they are not listed for this genotype.")
    carried = patient_genes(facts, gene_roles=gene_roles)
    for gene in sorted(uncertain_genes(facts) - carried):
        if any(gene in {g.upper() for g in t.target_genes} for t in items):
            name = next((g for t in items for g in t.target_genes if g.upper() == gene), gene)
            notes.append(f"{name}: the variant found is of uncertain significance. Therapies and trials aimed at "
                         f"{name} need a variant classified at least likely pathogenic, so they are listed as not "
                         "eligible; a reclassification would change this.")
    for gene in sorted(carried):
        targeted = [t for t in items if gene in {g.upper() for g in t.target_genes}]
        if not targeted:
            notes.append(f"{gene}: no therapy targeting this gene is in charcot's knowledge base (as of {latest}).")
            continue
        gene = next((g for t in targeted for g in t.target_genes if g.upper() == gene), gene)
        current = [t.name for t in targeted if t.development_status not in _STOPPED]
        stopped = [f"{t.name} ({t.development_status.replace('_', ' ')}"
                   + (f" {t.development_status_date})" if t.development_status_date else ")")
                   for t in targeted if t.development_status in _STOPPED]
        listed = ", ".join(current) if current else "none in charcot's knowledge base"
        text = f"{gene}: current programmes: {listed}"
        if stopped:
            text += f"; discontinued or not in clinical development: {', '.join(stopped)}"
        notes.append(text + f" (as of {latest}).")
    return notes


def latest_status_date(kb: Knowledge) -> str:
    dates = [t.status.as_of for t in kb.typed("trials", Trial)]
    dates += [e.date for t in kb.typed("therapies", Therapy) for e in t.regulatory if e.date]
    return max(dates, key=partial_date_start)


_VERDICT_ORDER = {Verdict.ALREADY_RECEIVING: -1, Verdict.ELIGIBLE: 0, Verdict.COMMITTEE_REVIEW: 1, Verdict.CANNOT_DECIDE: 2, Verdict.NOT_OPEN: 3,
                  Verdict.NOT_ELIGIBLE: 4}


def match(facts: PatientFacts, *, region: str | None = None, as_of: date | None = None,
          kb: Knowledge | None = None) -> TherapyMatches:
    from charcot import CLINICAL_JUDGEMENT_STATEMENT

    kb = kb or get_knowledge()
    when = as_of or kb.meta.snapshot_date
    # the option's or the facts' code (checked in the words the command line and the facts file use), else the
    # jurisdiction of the patient's country
    codes = [checked_code(given, what="region", kb=kb) for given in (region, facts.clinical.region) if given is not None]
    jurisdiction = jurisdictions(kb)[codes[0]] if codes else for_country(facts.clinical.country, kb)
    home = for_country(facts.clinical.country, kb) if codes else None
    differs = None
    if jurisdiction is not None and home is not None and home.id != jurisdiction.id:
        # the given jurisdiction is used (where the clinic prescribes), never silently over the patient's country
        differs = (f"Approvals are matched for {jurisdiction.id}, the jurisdiction given (--jurisdiction, the "
                   f"configuration's default or the facts' region), but the patient's country "
                   f"{facts.clinical.country.strip().upper() if facts.clinical.country else ''} is in {home.id}: where "
                   f"the patient is treated there, match with --jurisdiction {home.id}.")
    mechanisms = {m.id: m for m in kb.typed("mechanisms", Mechanism)}
    therapies = {t.id: t for t in kb.typed("therapies", Therapy)}
    # SMA precedents (disease != ALS) are knowledge, never a treatment option for an ALS patient
    from charcot.knowledge.schema.repeats import Record as Locus

    # each gene's role ('causal', 'risk_factor', ...; '+repeat' for a repeat locus, whose ALS-causing form is an
    # expansion read from its repeat status, never a small-variant finding): decides what a gene-targeted therapy's
    # 'why' may say about the patient's genotype
    repeat_genes = {locus.gene.upper() for locus in kb.typed("repeats", Locus)}
    gene_roles = {g.symbol.upper(): g.role.value + ("+repeat" if g.symbol.upper() in repeat_genes else "")
                  for g in kb.genes}
    receiving, previously, treatment_notes, stopped = treatments_on(facts.clinical.treatments, therapies.values(),
                                                                    when)
    t_matches = [match_therapy(t, facts, jurisdiction, when, mechanisms, gene_roles, receiving=receiving.get(t.id),
                               previously=previously.get(t.id), stopped_on=stopped.get(t.id))
                 for t in therapies.values() if t.disease == "ALS"]
    # Trial records hold one dated status snapshot (no history), so for trials ``as_of`` only dates the patient's
    # measurements (a value measured long before it is not used).
    trials = [match_trial(t, facts, therapies, mechanisms, when, gene_roles=gene_roles, receiving=receiving,
                          previously=previously) for t in kb.typed("trials", Trial)]
    t_matches.sort(key=lambda m: (not m.relevant, _VERDICT_ORDER[m.verdict]))
    trials.sort(key=lambda m: (not m.relevant, m.open_to_new_participants is False, _VERDICT_ORDER[m.verdict]))
    missing = sorted({x for m in [*t_matches, *trials] if m.relevant for x in m.missing})
    latest = latest_status_date(kb)
    gene_notes = _gene_notes(facts, [t for t in therapies.values() if t.disease == "ALS"], latest, gene_roles)
    statement = (f"Regulatory and trial statuses are as of {latest} (latest verified in charcot's sources; knowledge "
                 f"snapshot {kb.meta.snapshot_date.isoformat()}); check clinicaltrials.gov and the regulator before acting.")
    later = sum(1 for m in trials if m.trial_status_as_of and partial_date_start(m.trial_status_as_of) > when)
    if later:
        statement += (f" {later} trial statuses were recorded after the matching date {when.isoformat()}: what they "
                      "say does not tell whether those studies took new participants on that date.")
    return TherapyMatches(patient_id=facts.id, region=jurisdiction.id if jurisdiction is not None else None,
                          country=facts.clinical.country.strip().upper() if facts.clinical.country else None, as_of=when, knowledge_version=kb.meta.version,
                          knowledge_snapshot=kb.meta.snapshot_date, status_statement=statement, therapies=t_matches,
                          trials=trials, not_assessed=missing, gene_notes=gene_notes, treatment_notes=treatment_notes,
                          jurisdiction_differs=differs, statement=CLINICAL_JUDGEMENT_STATEMENT)
