"""Grade a treatment claim: AAN class (I-IV), OCEBM level, ALSUntangled-style Trials/Cases grades,
red flags, the controlled evidence charcot holds for the intervention, and a natural-history check.

The AAN therapeutic scheme (S-AANcls), paraphrased:
* Class I: randomised controlled trial with masked or objective outcome assessment, concealed
  allocation, pre-specified primary outcome, inclusion/exclusion defined, dropouts accounted for.
* Class II: a randomised trial missing one of those elements, or a prospective matched cohort with
  masked outcome assessment.
* Class III: any other controlled study (including natural-history or self-controls) whose outcome is
  objective or independently assessed.
* Class IV: everything else: uncontrolled series, case reports, testimonials, expert opinion.
A controlled design the claim states without a trial registration or a peer-reviewed publication cannot be checked:
it is graded as a claim of unknown design (``checkable_design``), so a clinic's own "randomised, placebo-controlled
study" is Class IV.
ALSUntangled grades Trials and Cases A-F (U = no usable data); its published definitions used here:
a flawed trial reporting benefit is Trials D (S-ALSU-D); with no controlled trial Trials is U; a
clinic's subjective, brief improvements were graded Cases D (S-ALSU-PSC; applying it to another claim is
charcot's inference). Grades A-C need a reviewer and are not assigned automatically.
"""

from __future__ import annotations

import re

from charcot.knowledge import Knowledge, get_knowledge
from charcot.knowledge.schema.claims import ClaimFields, Control, Design
from charcot.knowledge.schema.claims import Record as KnownClaim
from charcot.knowledge.schema.therapies import Record as Therapy
from charcot.knowledge.schema.trials import NCT
from charcot.knowledge.schema.trials import Record as Trial
from charcot.therapy.model import ClaimGrade, NaturalHistoryResult, RedFlag

_CONTROLLED = {Control.HISTORICAL, Control.CONCURRENT, Control.PLACEBO}
_UNCONTROLLED_DESIGNS = {Design.TESTIMONIAL, Design.CASE_REPORT, Design.CASE_SERIES, Design.OPEN_LABEL}


def aan_class(c: ClaimFields) -> tuple[str, str]:
    controlled = c.control in _CONTROLLED and c.design not in _UNCONTROLLED_DESIGNS
    objective = bool(c.outcome_validated) or bool(c.blinded_assessment)
    if not controlled:
        if c.control is Control.HISTORICAL:  # the claim states a comparison: say which, never "no control group"
            return "IV", (f"a single-arm {c.design.value.replace('_', ' ')} design compared with historical "
                          "(external) controls only, graded as uncontrolled (the knowledge base reads open-label "
                          "studies against historical controls as Class IV)")
        return "IV", "no control group (uncontrolled series, case report, testimonial or unknown design)"
    if c.design is Design.RCT or c.randomised:
        elements = {"masked outcome assessment": c.blinded_assessment, "concealed allocation": c.allocation_concealed,
                    "pre-specified primary outcome": c.primary_outcome_prespecified,
                    "dropouts accounted for": c.dropouts_reported}
        lacking = [k for k, v in elements.items() if not v]
        if not lacking:
            return "I", "randomised, masked, pre-specified primary outcome, allocation concealed, dropouts reported"
        if len(lacking) == 1:
            return "II", f"randomised trial lacking: {lacking[0]}"
        if objective:
            return "III", f"randomised but lacking: {', '.join(lacking)} (unknown counts as lacking)"
        return "IV", "randomised but neither masked nor objective outcome"
    if c.design is Design.COHORT and c.blinded_assessment:
        return "II", "prospective controlled cohort with masked outcome assessment"
    if objective:
        return "III", "controlled, non-randomised study with an objective or independently assessed outcome"
    return "IV", "controlled but the outcome is subjective and not independently assessed"


def ocebm_level(c: ClaimFields) -> str:
    # OCEBM 2011 levels for treatment benefit (S-OCEBM): RCT 2, non-randomised controlled 3, series/historical 4.
    if c.design is Design.RCT or c.randomised:
        return "2"
    if c.design is Design.COHORT and c.control in _CONTROLLED:
        return "3"
    if c.design in (Design.TESTIMONIAL,):
        return "5"
    return "4"


def alsuntangled(c: ClaimFields, aan: str) -> tuple[str, str | None, str]:
    controlled = c.control in _CONTROLLED and c.design not in _UNCONTROLLED_DESIGNS
    cases: str | None = None
    if c.design in (Design.TESTIMONIAL, Design.CASE_REPORT, Design.CASE_SERIES, Design.OPEN_LABEL, Design.UNKNOWN):
        subjective = c.outcome_validated is not True
        cases = "D" if subjective else "C-D (reviewer)"
    if not controlled:
        return "U", cases, "no controlled trial: Trials U (no usable data); " + (
            "subjective, brief improvements in uncontrolled cases were graded Cases D by ALSUntangled" if cases == "D"
            else "case evidence needs a reviewer")
    if aan in ("III", "IV") or c.blinded_assessment is not True or not (c.design is Design.RCT or c.randomised):
        return "D", cases, "a controlled study with high or unclear risk of bias reporting benefit: Trials D"
    return "A-C (reviewer)", cases, "a low-risk-of-bias trial: the A-C grade needs a reviewer and replication"


_TEXT_FLAGS: list[tuple[str, str, str, list[str]]] = [
    ("cure", r"\bcur(e|es|ed|ing)\b", "promises a cure", ["S-ALSU-56"]),
    ("guaranteed", r"\bguarantee", "guaranteed results", ["S-ALSU-56"]),
    ("clinically_proven", r"clinically proven|scientifically proven", "'clinically proven' without a trial", ["S-ALSU-56"]),
    ("no_risk", r"no risk|risk[- ]free|no side[- ]effects|completely safe", "claims no risk", ["S-ALSU-56"]),
    ("reversal", r"revers|regress|stopped completely|stop(s|ped)? (the )?progression|halt",
     "claims to stop or reverse ALS, which no controlled trial has shown", ["S-Bed16", "S-ALSU-56"]),
    ("testimonial", r"testimonial|patients? (say|report)|feel(s|ing)? (better|stronger)", "relies on testimonials",
     ["S-ALSU-PSC", "S-ALSU-56"]),
]


def red_flags(c: ClaimFields, kb: Knowledge | None = None) -> list[RedFlag]:
    kb = kb or get_knowledge()
    flags: list[RedFlag] = []

    def add(ident: str, label: str, reason: str, sources: list[str]) -> None:
        if all(f.id != ident for f in flags):
            flags.append(RedFlag(id=ident, label=label, reason=reason, sources=sources))

    if c.control is Control.HISTORICAL and c.design in _UNCONTROLLED_DESIGNS:
        add("no_control", "historical controls only (no concurrent control group)",
            "the treated patients are compared with patients from another time or registry, not with patients "
            "followed alongside them: differences in selection, era, care and measurement cannot be told apart from "
            "a treatment effect", ["S-AANcls", "S-NBT16"])
    elif c.control in (Control.NONE, Control.UNKNOWN) or c.design in _UNCONTROLLED_DESIGNS:
        stated = c.control is not Control.UNKNOWN or c.design in _UNCONTROLLED_DESIGNS
        add("no_control", "no control group" if stated else "control group not stated",
            ("" if stated else "the claim names no control group; ") + "without a control group, natural plateaus, "
            "measurement noise, regression to the mean and placebo response cannot be told apart from a treatment "
            "effect", ["S-AANcls", "S-NBT16"])
    if c.patient_pays or (c.cost_to_patient or 0) > 0:
        cost = f" ({c.cost_to_patient:g} {c.currency or ''}".rstrip() + ")" if c.cost_to_patient else ""
        add("patient_pays", "patient pays", f"patients are charged for an unproven treatment{cost}",
            ["S-ALSU-56", "S-FDAwarn"])
    mismatch = registration_problem(c, kb)
    if mismatch:  # a real registration of another treatment's trial is no registration of this one
        add("registration_mismatch", "registration does not match the intervention", mismatch, ["S-ALSU-56"])
    elif not registered(c):
        add("not_registered", "no trial registration", "no public trial registration (e.g. ClinicalTrials.gov NCT id)",
            ["S-ALSU-56", "S-Thieme18"])
    # a flag raised because the claim does not say (None) is worded as such, never as a fact about the study
    if c.outcome_validated is not True:
        add("subjective_outcome", "no validated outcome" if c.outcome_validated is False else
            "validated outcome not stated", ("the outcome is not a validated measure" if c.outcome_validated is False
                                             else "the claim does not say the outcome was a validated measure")
            + " (ALSFRS-R, dynamometry, vital capacity, survival)", ["S-AANcls", "S-NBT16"])
    if c.n is None:
        add("no_denominator", "no denominator", "the number of patients treated and followed is not given", ["S-AANcls"])
    if c.blinded_assessment is not True:
        add("unblinded", "unblinded assessment" if c.blinded_assessment is False else "blinded assessment not stated",
            "outcome assessed by people who know the treatment" if c.blinded_assessment is False else
            "the claim does not say the outcome was assessed by people unaware of the treatment", ["S-AANcls"])
    if c.peer_reviewed is False:
        add("not_peer_reviewed", "no peer-reviewed publication", "results not published in a peer-reviewed journal",
            ["S-ALSU-D"])
    if len(c.diseases_treated) > 2:
        add("many_diseases", "one treatment for many diseases", f"offered for {len(c.diseases_treated)} different diseases",
            ["S-ALSU-XC"])
    if c.design is Design.TESTIMONIAL:
        add("testimonial", "testimonials", "evidence is patient testimonials", ["S-ALSU-PSC", "S-ALSU-56"])
    for ident, pattern, label, sources in _TEXT_FLAGS:
        found = re.search(pattern, c.text, flags=re.IGNORECASE)
        if found:
            add(ident, label, f"the claim text contains {found.group(0)!r}", sources)
    return flags


def claim_names(therapy: Therapy, genes: set[str]) -> set[str]:
    """The names a claim's intervention may give a therapy by: its id, its name without the bracketed part, its
    aliases, and each single name inside the brackets that is a proper name or code ('Qalsody', 'ION363'), never a
    gene symbol ('SOD1' in 'CRISPR/Cas gene editing (SOD1, C9orf72)') nor a plain word ('subcutaneous')."""
    inner = [p.strip().removeprefix("formerly ").removeprefix("e.g. ").strip()
             for part in re.findall(r"\(([^)]*)\)", therapy.name) for p in re.split(r"[,;]", part)]
    plain = re.sub(r"\s+", " ", re.sub(r"\([^)]*\)", " ", therapy.name)).strip(" -")
    names = {therapy.id.replace("_", " "), plain, *therapy.aliases}
    names |= {n for n in inner if " " not in n and re.search(r"[A-Z0-9]", n)}
    return {n for n in names if n.upper() not in genes and len(re.sub(r"[^0-9a-z]", "", n.lower())) >= 4}


def _names_in(words: str, therapy: Therapy, genes: set[str]) -> bool:
    """The intervention's words name the therapy: one of its claim names as whole words, or the words are the start
    of its name ('edaravone': both forms)."""
    from charcot.therapy.matching import resolve_treatment

    if resolve_treatment(words, [therapy]):
        return True
    text = words.lower()
    return any(re.search(r"(?<![0-9a-z])" + r"[\s_-]+".join(map(re.escape, re.split(r"[\s_-]+", n.lower())))
                         + r"(?![0-9a-z])", text) for n in claim_names(therapy, genes))


def _genes(kb: Knowledge) -> set[str]:
    return {g.upper() for t in kb.typed("therapies", Therapy) for g in t.target_genes}


def registration_id(c: ClaimFields) -> str | None:
    """The claim's trial registration as a ClinicalTrials.gov id (upper case, no spaces), None when it gives none or
    one that is not an NCT id."""
    reg = re.sub(r"\s+", "", c.registration or "").upper()
    return reg if NCT.match(reg) else None


def registration_problem(c: ClaimFields, kb: Knowledge) -> str | None:
    """Why the claim's registration is not shown to be a trial of its intervention (None: it is, or charcot does not
    hold the trial): a registration charcot holds is the trial of a known treatment, and a claim that names neither
    that treatment (by its name: a product of the same class is another treatment) borrows another study's
    registration."""
    reg = registration_id(c)
    if reg is None:
        return None
    owners = [t for t in kb.typed("therapies", Therapy) if reg in t.trials]
    if not owners:
        return None
    cls = (c.intervention_class or "").lower()
    genes = _genes(kb)
    # the treatment's own name, never its class: a clinic's stem cells are not the registered stem-cell product
    if any(_names_in(c.intervention, t, genes) for t in owners):
        return None
    trial = {t.key: t for t in kb.typed("trials", Trial)}.get(reg)
    what = f"the trial {trial.title!r}" if trial is not None else "a trial"
    return (f"the registration {reg} is {what} of {', '.join(t.name for t in owners)} in charcot's knowledge base; "
            f"the claim's intervention {c.intervention.strip()!r}"
            + (f" (class {cls})" if cls else "") + " does not name it, so the registration does not show that this "
            "treatment was studied")


def controlled_evidence(c: ClaimFields, kb: Knowledge) -> tuple[list[dict[str, str]], list[str]]:
    """The therapies and trials in the knowledge base the claim concerns, each with how it was found (``matched_by``):
    the claim's registration, the intervention's name (generic, brand or code name), or its intervention class (ALS
    therapies only: another disease's trial is no evidence about an ALS claim); plus known claims."""
    cls = (c.intervention_class or "").lower()
    therapies = kb.typed("therapies", Therapy)
    trials = {t.key: t for t in kb.typed("trials", Trial)}
    reg = registration_id(c)
    found: list[tuple[Therapy, str]] = []
    if reg is not None:  # shown even when the intervention does not name it: the reader sees whose trial it is
        by_reg = f"registration {reg}" + ("" if registration_problem(c, kb) is None else
                                          " (a trial of this treatment, which the claim's intervention does not name)")
        found += [(t, by_reg) for t in therapies if reg in t.trials]
    genes = _genes(kb)
    found += [(t, "name") for t in therapies if _names_in(c.intervention, t, genes)]
    found += [(t, f"intervention class {cls}") for t in therapies
              if cls and cls in t.intervention_classes and t.disease == "ALS"]
    out: list[dict[str, str]] = []
    seen: set[str] = set()

    def add(entry: dict[str, str]) -> None:
        if entry["id"] not in seen:
            seen.add(entry["id"])
            out.append(entry)

    for t, how in found:
        add({"id": t.id, "kind": "therapy", "name": t.name, "evidence_level": t.evidence_level,
             "summary": t.evidence_summary.strip(), "sources": ", ".join(t.sources), "matched_by": how})
        for nct in t.trials:
            trial = trials.get(nct)
            if trial is not None and trial.key_result:
                add({"id": nct, "kind": "trial", "name": trial.title, "evidence_level": f"phase {trial.phase}",
                     "summary": trial.key_result, "sources": ", ".join(trial.sources), "matched_by": how})
    if reg is not None and reg in trials and reg not in seen:
        trial = trials[reg]  # a trial charcot holds that no therapy record lists
        add({"id": reg, "kind": "trial", "name": trial.title, "evidence_level": f"phase {trial.phase}",
             "summary": trial.key_result or "no result recorded", "sources": ", ".join(trial.sources),
             "matched_by": f"registration {reg}"})
    known = [k.id for k in kb.typed("claims", KnownClaim)
             if (cls and k.claim.intervention_class == cls) or k.claim.text.strip() == c.text.strip()]
    return out, known


def registered(c: ClaimFields, kb: Knowledge | None = None) -> bool:
    """The claim names a public trial registration (a ClinicalTrials.gov NCT id) that is not, by charcot's knowledge
    base, another treatment's trial."""
    if registration_id(c) is None:
        return False
    return kb is None or registration_problem(c, kb) is None


def checkable_design(c: ClaimFields, kb: Knowledge | None = None) -> tuple[ClaimFields, str | None]:
    """The claim as its study design can be graded, and why it was changed (None: unchanged). AAN classes and
    ALSUntangled grades read a study that can be checked: a registered trial or a peer-reviewed publication. A design
    stated by a claim with neither (a clinic's 'randomised, double-blind, placebo-controlled study', unregistered and
    unpublished) is the claimant's word, so it is graded as a claim of unknown design and control."""
    if registered(c, kb or get_knowledge()) or c.peer_reviewed is True:
        return c, None
    if c.design in (Design.UNKNOWN, *_UNCONTROLLED_DESIGNS) and c.control in (Control.NONE, Control.UNKNOWN) \
            and not c.randomised:
        return c, None
    mismatch = registration_problem(c, kb or get_knowledge())
    stated = ", ".join(x for x in (c.design.value.replace("_", " ") if c.design is not Design.UNKNOWN else "",
                                   f"{c.control.value} control" if c.control in _CONTROLLED else "",
                                   "randomised" if c.randomised else "") if x)
    why = (f"the study design ({stated}) is the claim's own description, with "
           + ("a registration that is not this treatment's trial" if mismatch else "no trial registration")
           + " and no peer-reviewed publication to check it against, so it is graded as a claim of unknown design")
    return c.model_copy(update={"design": Design.UNKNOWN, "control": Control.UNKNOWN, "randomised": None}), why


_ALS_WORDS = re.compile(r"\bALS\b|ALSFRS|\bMND\b|(?i:amyotrophic|motor[ -]?neurone?s?[ -]disease|lou gehrig)")


def als_scope(c: ClaimFields) -> tuple[bool, str | None]:
    """Whether the ALS natural-history check applies to the claim, and what the grade must say about its scope (None:
    the claim names ALS). The check simulates untreated people with ALS; a claim naming only other diseases is not
    compared with them, and a claim naming no disease is compared with them on the understanding that it is brought
    for ALS, which the grade says."""
    if any(_ALS_WORDS.search(d) for d in c.diseases_treated) or any(
            _ALS_WORDS.search(t) for t in (c.text, c.intervention, c.outcome or "", c.effect or "")):
        return True, None
    if c.diseases_treated:
        return False, (f"the claim is for {', '.join(c.diseases_treated)} and does not mention ALS: the ALS "
                       "natural-history check was not run, and ALS trials say nothing about it")
    return True, ("the claim does not say which disease it concerns (it does not mention ALS, MND or ALSFRS-R): "
                  "the natural-history check below assumes it is made for people with ALS")


_SURVIVAL_WORDS = re.compile(r"surviv|\balive\b|\bdeaths?\b|\bdied\b|\bdying\b|mortality|tracheostomy|"
                             r"ventilation[- ]free|life expectancy", re.IGNORECASE)


def survival_share(c: ClaimFields) -> str | None:
    """The words that make the claim's share one of survival (alive, death, tracheostomy-free ...), None when it is
    not: the natural-history check simulates ALSFRS-R, so a share of survivors is no 'improved' share to compare with
    untreated patients without decline. The outcome and effect fields are read first, the text when both are empty."""
    fields = [x for x in (c.outcome, c.effect) if x and x.strip()] or [c.text]
    for text in fields:
        found = _SURVIVAL_WORDS.search(text)
        if found:
            return found.group(0)
    return None


def grade_claim(claim: ClaimFields, *, seed: int = 0, kb: Knowledge | None = None,
                simulate: bool = True, n_simulated: int = 20000) -> ClaimGrade:
    from charcot import CLINICAL_JUDGEMENT_STATEMENT
    from charcot.therapy.natural_history import simulate_natural_history

    kb = kb or get_knowledge()
    graded, unchecked = checkable_design(claim, kb)
    aan, aan_reason = aan_class(graded)
    trials_grade, cases_grade, alsu_reason = alsuntangled(graded, aan)
    if unchecked:
        aan_reason = f"{unchecked}: {aan_reason}"
    flags = red_flags(claim, kb)
    evidence, known = controlled_evidence(claim, kb)
    nh: NaturalHistoryResult | None = None
    about_als, scope = als_scope(claim)
    if simulate and about_als:
        months = claim.timeframe_months or 6.0
        survival = survival_share(claim) if claim.responder_fraction is not None else None
        nh = simulate_natural_history(n_simulated, months, seed, baseline_worst_of=2,
                                      claim_responder_fraction=None if survival else claim.responder_fraction,
                                      claim_series_size=claim.n)
        if survival:  # before: '80% alive at 24 months' was compared with untreated ALSFRS-R 'no decline' (~18%)
            nh.interpretation = (f"the claim's {claim.responder_fraction:.0%} is a share of survival ({survival!r}): "
                                 "this check simulates ALSFRS-R, not survival, so the share was not compared with "
                                 "untreated patients; many untreated people with ALS are alive years after "
                                 "diagnosis, and only a control group can show a survival benefit")
        if claim.timeframe_months is None:  # the period compared is charcot's choice, and the grade says so
            nh.assumptions.insert(0, f"the claim gives no time frame: {months:g} months assumed (timeframe_months)")
    certainty = {"I": "moderate to high (one Class I study; needs replication)", "II": "low to moderate",
                 "III": "low", "IV": "very low"}[aan]
    if aan == "IV":
        verdict = "unproven: this claim cannot show that the treatment works"
    elif aan == "III":
        verdict = "weak: controlled but at high risk of bias"
    else:
        verdict = "testable evidence: judge it with the controlled trials below"
    advice = ("Ask for a registered trial (ClinicalTrials.gov), a control group, validated outcomes (ALSFRS-R, vital "
              "capacity, survival) and blinded assessment; do not pay for an unproven treatment: a 'trial' that "
              "charges patients is itself a red flag.") if aan in ("III", "IV") else (
              "Weigh the controlled evidence below; one trial needs independent replication.")
    # every key the grade cites: its flags, the natural-history check and each controlled-evidence entry
    sources = sorted({"S-AANcls", "S-OCEBM", "S-ALSU-method", *(s for f in flags for s in f.sources),
                      *(nh.sources if nh else []),
                      *(k.strip() for e in evidence for k in e["sources"].split(",") if k.strip())})
    return ClaimGrade(claim_text=claim.text.strip(), intervention=claim.intervention, aan_class=aan, aan_reason=aan_reason,
                      ocebm_level=ocebm_level(graded), alsuntangled_trials=trials_grade, alsuntangled_cases=cases_grade,
                      alsuntangled_reason=alsu_reason, certainty=certainty, red_flags=flags, controlled_evidence=evidence,
                      known_claims=known, natural_history=nh, scope=scope, verdict=verdict, advice=advice,
                      sources=sources,
                      statement=CLINICAL_JUDGEMENT_STATEMENT)
