"""PP4 from the patient's phenotype: HPO terms read through the HPO ontology, or the clinical diagnosis.

ALS is genetically heterogeneous (dozens of genes, most cases without a genetic cause), so an ALS phenotype is
not "highly specific for a disease with a single genetic aetiology" (Richards et al. 2015, PP4). ClinGen's
guidance on phenotype specificity (Biesecker et al. 2024) allows PP4 above Supporting only when a phenotype is
highly specific and the diagnostic yield of testing the gene(s) is high; for ALS PP4 is therefore applied at
Supporting only, once per variant, and only in a gene whose role for ALS is causal (a risk or modifier gene
is reported in the risk-allele scheme, never with PP4; a mimic gene's disease is not ALS).

The phenotype counts as ALS when any of these holds:

1. an HPO term is Amyotrophic lateral sclerosis (HP:0007354) or one of its descendants in the ontology;
2. the terms show upper- AND lower-motor-neuron involvement together (the clinical core of ALS in the
   El Escorial / Gold Coast criteria, Brooks et al. 2000; Shefner et al. 2020): an upper-motor-neuron sign is any
   term in the ontology subtrees of :data:`UMN_ROOTS`, a lower-motor-neuron sign any term in :data:`LMN_ROOTS`;
3. the clinical record's diagnosis names ALS (text, or the HPO/MONDO/OMIM/Orphanet identifier of ALS).

The match is phenotype-specific: the gene's ALS-spectrum disease (knowledge section ``gene_specs``,
``phenotype``: its motor-neuron-disease forms and age at onset; a gene without one: ALS at any age) must be the
patient's. A juvenile-only gene (ALS2, SPG11, SETX, SIGMAR1, SPTLC1/2: onset before 25, the definition of juvenile
ALS, Lehky & Grunseich 2021; Orphanet) gets PP4 only with a juvenile onset (``onset_age`` under 25, or an HPO
onset term below 25), never for an adult onset or an unknown one. "MND" / "motor neuron disease" is the umbrella
term for ALS, progressive muscular atrophy (PMA), primary lateral sclerosis (PLS) and progressive bulbar palsy
(PBP): it does not say which, so it gives no PP4 by itself; PLS, PMA and PBP count only for a gene whose recorded
forms include them (ALS2: PLS). The evidence says what matched, or why nothing did.

A term recorded on the gene's own record (``phenotypes`` with HP: ids) still counts as before. The ontology is
hpo3 (import name ``pyhpo``), which bundles the HPO release; it is loaded on first use only (a few seconds), and
only when the caller gives HPO terms. Unknown HPO ids are an error (:func:`check_hpo_terms`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from charcot.acmg import sources as S
from charcot.acmg.context import VariantContext
from charcot.acmg.points import points_for
from charcot.errors import InputError
from charcot.model import Confidence, Evidence

ALS_TERM = "HP:0007354"  # Amyotrophic lateral sclerosis
# Subtree roots (the root and all its descendants count). Chosen from the signs the diagnostic criteria name.
UMN_ROOTS: dict[str, str] = {
    "HP:0002493": "Upper motor neuron dysfunction",  # pyramidal signs (Babinski ...), spasticity, UMN weakness
    "HP:0001347": "Hyperreflexia",
    "HP:0007372": "Atrophy/Degeneration involving the corticospinal tracts",
    "HP:0002200": "Pseudobulbar signs",
}
LMN_ROOTS: dict[str, str] = {
    "HP:0002380": "Fasciculations",  # includes tongue fasciculations
    "HP:0003202": "Skeletal muscle atrophy",  # amyotrophy of limbs, hands, ...
    "HP:0012473": "Tongue atrophy",
    "HP:0001283": "Bulbar palsy",
    "HP:0002366": "Abnormal lower motor neuron morphology",
    "HP:0006802": "Abnormal anterior horn cell morphology",
}
CRITERIA_SOURCES = [S.BROOKS_2000, S.SHEFNER_2020]
# Identifiers of ALS in the ontologies a clinical record may use for its diagnosis.
ALS_DIAGNOSIS_IDS = {"HP:0007354", "MONDO:0004976", "OMIM:105400", "ORPHA:803", "ORPHANET:803"}
# the acronyms only in capitals (a lower-case "als" is a word in other languages), the names in any case; the
# specific forms first, the umbrella "MND" last
_FORM_TEXT: dict[str, re.Pattern[str]] = {
    "als": re.compile(r"\b((?i:amyotrophic lateral sclerosis)|ALS)\b"),
    "pls": re.compile(r"\b((?i:primary lateral sclerosis)|PLS)\b"),
    "pma": re.compile(r"\b((?i:progressive muscular atrophy)|PMA)\b"),
    "pbp": re.compile(r"\b((?i:progressive bulbar palsy)|PBP)\b"),
    "mnd": re.compile(r"\b((?i:motor neuron(e)? disease)|MND)\b"),
}
FORM_NAMES = {"als": "amyotrophic lateral sclerosis (ALS)", "pls": "primary lateral sclerosis (PLS)",
              "pma": "progressive muscular atrophy (PMA)", "pbp": "progressive bulbar palsy (PBP)",
              "mnd": "motor neuron disease (MND, unspecified)"}
# Juvenile ALS: onset before age 25 (Lehky & Grunseich 2021; Orphanet ORPHA:300605)
JUVENILE_BEFORE = 25
JUVENILE_SOURCES = ["S-Lehky21", "S-Orpha300605"]
# HPO onset terms (subtree roots) that place the onset before 25 / at 25 or later; "Adult onset" (16 and over) and
# "Young adult onset" (16-40) themselves straddle 25 and say neither
ONSET_BEFORE_25 = {"HP:0410280": "Pediatric onset", "HP:0025708": "Early young adult onset",
                   "HP:0025709": "Intermediate young adult onset", "HP:0030674": "Antenatal onset",
                   "HP:0003577": "Congenital onset", "HP:0003623": "Neonatal onset"}
ONSET_FROM_25 = {"HP:0025710": "Late young adult onset", "HP:0003596": "Middle age onset",
                 "HP:0003584": "Late onset"}
# a negation or uncertainty before the ALS words ("no ALS", "suspected ALS", "ALS mimic") or after them
# ("ALS excluded") means the record does not diagnose ALS
_NEGATION_BEFORE = re.compile(r"\b(no|not|non|rule out|ruled out|excluded?|suspected|query|versus|vs|differential)\b|\?",
                              re.IGNORECASE)
_NEGATION_AFTER = re.compile(r"^\W*(excluded|ruled out|unlikely|mimic|not confirmed|\?)", re.IGNORECASE)
_HPO_ID = re.compile(r"^HP:\d{7}$")


@lru_cache(maxsize=1)
def _ontology() -> Any:
    """The HPO ontology bundled with hpo3 (loaded once; a few seconds)."""
    try:
        from pyhpo import Ontology
    except ImportError as exc:  # pragma: no cover - hpo3 is a core dependency
        raise InputError("HPO terms were given but the HPO ontology package (hpo3) is not installed",
                         hint="pip install hpo3 (or install charcot with its default dependencies)") from exc
    Ontology()
    return Ontology


def ontology_version() -> str:
    return str(_ontology().version())


def _term(term_id: str) -> Any:
    try:
        term = _ontology().get_hpo_object(term_id)
    except (RuntimeError, KeyError, ValueError, IndexError) as exc:
        raise InputError(f"HPO term {term_id} is not in the Human Phenotype Ontology (release {ontology_version()})",
                         hint="check the id on https://hpo.jax.org; obsolete ids must be replaced by the current "
                              "term") from exc
    if getattr(term, "is_obsolete", False):
        # an obsolete term has no place in the hierarchy: it would silently count for nothing
        new = getattr(term, "replaced_by", None)
        label = str(term.name).removeprefix("obsolete ").strip()
        if new:
            hint = f"use {new} {_ontology().get_hpo_object(new).name} instead"
        else:
            hint = "choose the current term that describes the sign on https://hpo.jax.org"
        raise InputError(f"HPO term {term_id} ({label}) is obsolete in the Human Phenotype Ontology (release "
                         f"{ontology_version()})", hint=hint)
    return term


def check_hpo_terms(terms: Sequence[str]) -> list[tuple[str, str]]:
    """Validate HPO ids against the ontology; return (id, label) pairs. Bad syntax or an unknown id is an
    InputError naming the term (exit 2 at the command line)."""
    out: list[tuple[str, str]] = []
    for raw in terms:
        term_id = raw.strip().upper()
        if not _HPO_ID.match(term_id):
            raise InputError(f"not an HPO term: {raw!r}", hint="HPO terms look like HP:0007354 (HP: and 7 digits)")
        out.append((term_id, str(_term(term_id).name)))
    return out


def hpo_label(term_id: str) -> str:
    return str(_term(term_id).name)


def _in_subtree(term_id: str, roots: Sequence[str]) -> str | None:
    """The root whose subtree holds ``term_id`` (the term itself or an ancestor), else None."""
    term = _term(term_id)
    ancestors = {p.id for p in term.all_parents} | {term.id}
    for root in roots:
        if root in ancestors:
            return root
    return None


def diagnosis_form(diagnosis: str | None) -> tuple[str, str] | None:
    """(form, the words that named it) of a clinical diagnosis: 'als', 'pls', 'pma', 'pbp' or the umbrella 'mnd';
    None when it names none of them or negates it ("ALS excluded", "suspected MND")."""
    if not diagnosis or not diagnosis.strip():
        return None
    text = diagnosis.strip()
    if text.upper() in ALS_DIAGNOSIS_IDS:
        return "als", text.upper()
    if _HPO_ID.match(text.upper()):
        return ("als", text.upper()) if _in_subtree(text.upper(), [ALS_TERM]) else None
    for form, pattern in _FORM_TEXT.items():
        m = pattern.search(text)
        if m is None:
            continue
        if _NEGATION_BEFORE.search(text[:m.start()]) or _NEGATION_AFTER.search(text[m.end():]):
            return None
        return form, m.group(0)
    return None


def als_diagnosis(diagnosis: str | None) -> str | None:
    """The part of a clinical diagnosis that names ALS, or None (also None when the text negates it, and for the
    umbrella 'MND', which does not say ALS)."""
    found = diagnosis_form(diagnosis)
    return found[1] if found is not None and found[0] == "als" else None


def patient_onset(hpo: Sequence[str], onset_age: float | None) -> tuple[str | None, str]:
    """('juvenile' | 'adult' | None, how it is known) from the age at onset, else the HPO onset terms."""
    if onset_age is not None:
        kind = "juvenile" if onset_age < JUVENILE_BEFORE else "adult"
        return kind, f"onset at age {onset_age:g}"
    return _hpo_onset(tuple(sorted({x.strip().upper() for x in hpo if x.strip()})))


@lru_cache(maxsize=64)
def _hpo_onset(terms: tuple[str, ...]) -> tuple[str | None, str]:
    """patient_onset from the HPO onset terms, once per run's terms (PP4 asks for every allele of an onset-specific
    gene; each term is an ontology walk)."""
    found: set[str] = set()
    named: list[str] = []
    for t in terms:
        if _in_subtree(t, list(ONSET_BEFORE_25)):
            found.add("juvenile")
            named.append(f"{t} {hpo_label(t)}")
        elif _in_subtree(t, list(ONSET_FROM_25)):
            found.add("adult")
            named.append(f"{t} {hpo_label(t)}")
    if len(found) == 1:
        return found.pop(), ", ".join(named)
    return None, ("the HPO onset terms disagree (" + ", ".join(named) + ")") if found else "age at onset not given"


def als_phenotype(hpo: Sequence[str], diagnosis: str | None) -> tuple[str, list[str]] | None:
    """Why the phenotype counts as ALS (reason, extra sources), or None (computed once per patient)."""
    found = _als_phenotype(tuple(sorted({t.strip().upper() for t in hpo if t.strip()})), diagnosis)
    return None if found is None else (found[0], list(found[1]))


@lru_cache(maxsize=64)
def _als_phenotype(terms: tuple[str, ...], diagnosis: str | None) -> tuple[str, tuple[str, ...]] | None:
    found = _mnd_phenotype(terms, diagnosis)
    return None if found is None or found[0] != "als" else (found[1], found[2])


@lru_cache(maxsize=64)
def _mnd_phenotype(terms: tuple[str, ...], diagnosis: str | None) -> tuple[str, str, tuple[str, ...]] | None:
    """(form, why, extra sources): the patient's motor-neuron-disease form from the HPO terms (ALS only: the ALS
    subtree, or upper- plus lower-motor-neuron signs) or the clinical diagnosis (ALS, PLS, PMA, PBP or 'mnd')."""
    als_terms = [t for t in terms if _in_subtree(t, [ALS_TERM])]
    if als_terms:
        shown = ", ".join(f"{t} {hpo_label(t)}" for t in als_terms)
        return "als", f"the patient's phenotype includes {shown}", ()
    umn = [t for t in terms if _in_subtree(t, list(UMN_ROOTS))]
    lmn = [t for t in terms if _in_subtree(t, list(LMN_ROOTS))]
    if umn and lmn:
        shown_u = ", ".join(f"{t} {hpo_label(t)}" for t in umn)
        shown_l = ", ".join(f"{t} {hpo_label(t)}" for t in lmn)
        return ("als", f"upper-motor-neuron signs ({shown_u}) together with lower-motor-neuron signs ({shown_l}), the "
                "combination that defines ALS clinically", tuple(CRITERIA_SOURCES))
    named = diagnosis_form(diagnosis)
    if named is not None:
        form, words = named
        return form, f"the clinical record's diagnosis {words!r} names {FORM_NAMES[form]}", ()
    return None


def _not_applied(reason: str, sources: list[str]) -> list[Evidence]:
    return [Evidence(criterion="PP4", strength="Supporting", points=0.0, applied=False, reason=reason,
                     sources=sources)]


def assess_pp4(ctx: VariantContext) -> list[Evidence]:
    if ctx.gene is None or (not ctx.hpo and not ctx.diagnosis):
        return []
    wanted = {t.strip().upper() for t in ctx.hpo if t.strip()}
    recorded = {p.strip().upper() for p in ctx.gene.phenotypes if p.upper().startswith("HP:")}
    hit = sorted(wanted & recorded)
    sources = [S.RICHARDS_2015, S.BIESECKER_2024]
    if hit:
        return [Evidence(criterion="PP4", strength="Supporting", points=points_for("PP4", "Supporting"),
                         reason=f"patient phenotype {', '.join(f'{t} {hpo_label(t)}' for t in hit)} is recorded for "
                                f"the {ctx.gene_symbol} disease; Supporting only, as the phenotype is not specific "
                                "to one gene", sources=sources)]
    if ctx.gene.role.value not in ("causal", "candidate"):
        return []
    found = _mnd_phenotype(tuple(sorted(wanted)), ctx.diagnosis)
    if found is None:
        return []
    form, reason, extra = found
    from charcot.acmg.genespecs import spec_for

    spec = spec_for(ctx.gene_symbol)
    pheno = spec.phenotype if spec is not None else None
    forms = list(pheno.forms) if pheno is not None else ["als"]
    onset = pheno.onset if pheno is not None else "any"
    gene_sources = list(pheno.sources) if pheno is not None else []
    gene_forms = " or ".join(FORM_NAMES[f] for f in forms)
    if form == "mnd":
        return _not_applied(f"{reason}: motor neuron disease is the umbrella term for ALS, progressive muscular "
                            "atrophy, primary lateral sclerosis and progressive bulbar palsy, and the record does not "
                            f"say which; {ctx.gene_symbol}'s disease is {gene_forms}, so PP4 is not applied (record "
                            "the form, or the upper- and lower-motor-neuron signs as HPO terms)",
                            [*sources, *gene_sources])
    if form not in forms:
        return _not_applied(f"{reason}, but {ctx.gene_symbol}'s disease in the knowledge base is {gene_forms}: the "
                            "phenotype does not match the gene's, so PP4 is not applied", [*sources, *gene_sources])
    timing = ""
    if onset != "any":
        kind, how = patient_onset(ctx.hpo, ctx.onset_age)
        wanted_onset = f"before {JUVENILE_BEFORE}" if onset == "juvenile" else f"at {JUVENILE_BEFORE} or later"
        if kind is None:
            return _not_applied(f"{reason}, but {ctx.gene_symbol}'s {FORM_NAMES[form]} is {onset}-onset (onset "
                                f"{wanted_onset}) and the patient's age at onset is not known ({how}), so the phenotype "
                                "match cannot be established and PP4 is not applied",
                                [*sources, *gene_sources, *JUVENILE_SOURCES])
        if kind != onset:
            return _not_applied(f"{reason}, but with {kind} onset ({how}); {ctx.gene_symbol}'s {FORM_NAMES[form]} is "
                                f"{onset}-onset (onset {wanted_onset}), so the phenotype does not match the gene's and "
                                "PP4 is not applied", [*sources, *gene_sources, *JUVENILE_SOURCES])
        timing = f", with {kind} onset ({how}) as in {ctx.gene_symbol}'s {onset}-onset form"
        extra = (*extra, *gene_sources, *JUVENILE_SOURCES)
    elif gene_sources:
        extra = (*extra, *gene_sources)
    what = "an ALS gene" if form == "als" else f"a gene whose disease includes {FORM_NAMES[form]}"
    reported = ""
    if pheno is not None and pheno.reported_onset:
        caveat = (f"; unverified: {pheno.confidence_note}"
                  if pheno.confidence == Confidence.UNVERIFIED and pheno.confidence_note else "")
        reported = f" (reported onset in {ctx.gene_symbol} carriers: {pheno.reported_onset}{caveat})"
    return [Evidence(criterion="PP4", strength="Supporting", points=points_for("PP4", "Supporting"),
                     reason=f"{reason}{timing}, and {ctx.gene_symbol} is {what}{reported}; ALS-spectrum disease is "
                            "genetically heterogeneous, so PP4 is applied at Supporting only",
                     sources=list(dict.fromkeys([*sources, *extra])))]
