"""Cognition and behaviour: ECAS cut-offs (Abrahams 2014; borderline band Niven 2015) and the
ALS-FTSD category of Strong 2017 derived from structured findings."""

from __future__ import annotations

from pydantic import BaseModel

from charcot.clinical.model import Cognition, CognitiveFindings, Ecas, RascovskyFeature, StrongCategory

# Healthy-control cut-offs (Abrahams 2014): scores at or below are abnormal (the '<=' reading is
# recalled, clinical-algorithms.md §6.3). Borderline upper bounds from Niven 2015.
ECAS_CUTOFFS = {"total": (105, 110), "als_specific": (77, 82), "als_nonspecific": (24, None)}


class EcasInterpretation(BaseModel):
    score: str
    value: int
    cutoff: int
    result: str  # "abnormal", "borderline", "normal"


class CognitionAssessment(BaseModel):
    ecas: list[EcasInterpretation]
    strong_category_recorded: StrongCategory | None
    strong_category_derived: StrongCategory | None
    derivation: list[str]
    ftd: bool | None
    caveats: list[str]
    sources: list[str] = ["S-Abr14", "S-Niv15", "S-Str17"]
    confidence: str = "unverified"


def interpret_ecas(ecas: Ecas) -> list[EcasInterpretation]:
    out = []
    for name, (cutoff, borderline) in ECAS_CUTOFFS.items():
        value = getattr(ecas, name)
        if value is None:
            continue
        if value <= cutoff:
            result = "abnormal"
        elif borderline is not None and value <= borderline:
            result = "borderline"
        else:
            result = "normal"
        out.append(EcasInterpretation(score=name, value=value, cutoff=cutoff, result=result))
    return out


# each category in the words a clinician reads (text never shows the enum's value)
STRONG_WORDS: dict[StrongCategory, str] = {
    StrongCategory.ALS_CN: "cognitively and behaviourally normal (ALScn)",
    StrongCategory.ALS_CI: "cognitive impairment (ALSci)",
    StrongCategory.ALS_BI: "behavioural impairment (ALSbi)",
    StrongCategory.ALS_CBI: "cognitive and behavioural impairment (ALScbi)",
    StrongCategory.ALS_FTD: "ALS with frontotemporal dementia (ALS-FTD)",
}

def strong_category(f: CognitiveFindings) -> tuple[StrongCategory, list[str]]:
    """Strong 2017 categories from structured findings."""
    why: list[str] = []
    behavioural = [x for x in f.rascovsky_features if x is not RascovskyFeature.EXECUTIVE_PROFILE]
    features = len(set(f.rascovsky_features))
    bi = f.apathy or len(set(behavioural)) >= 2
    if bi:
        why.append("ALSbi: apathy, or >= 2 non-overlapping supportive bvFTD features")
    ci = f.letter_fluency_impaired or f.executive_tests_impaired >= 2 or f.language_tests_impaired >= 2
    if ci:
        why.append("ALSci: impaired letter fluency, or 2 executive tests, or 2 language tests")
    ftd = f.progressive_deterioration and (
        features >= 3 or (features >= 2 and (f.loss_of_insight or f.psychotic_symptoms)) or f.meets_ppa_criteria)
    if ftd:
        why.append("ALS-FTD: progressive deterioration with >= 3 Rascovsky features, or 2 plus loss of insight "
                   "or psychosis, or svPPA/nfvPPA")
        return StrongCategory.ALS_FTD, why
    if ci and bi:
        return StrongCategory.ALS_CBI, why
    if ci:
        return StrongCategory.ALS_CI, why
    if bi:
        return StrongCategory.ALS_BI, why
    return StrongCategory.ALS_CN, ["no ALSci/ALSbi/ALS-FTD criterion met by the recorded findings"]


def assess_cognition(cognition: Cognition | None, ftd_flag: bool | None) -> CognitionAssessment | None:
    if cognition is None and ftd_flag is None:
        return None
    caveats = ["ECAS cut-offs are healthy-control derived, not age/education adjusted; the 2017 impairment "
               "threshold (percentile) is not applied here: the findings record impairment as judged"]
    ecas = interpret_ecas(cognition.ecas) if cognition is not None and cognition.ecas is not None else []
    recorded = cognition.strong_category if cognition is not None else None
    derived, why = (strong_category(cognition.findings) if cognition is not None and cognition.findings is not None
                    else (None, []))
    if recorded is not None and derived is not None and recorded is not derived:
        caveats.append(f"recorded category {STRONG_WORDS[recorded]} differs from the one derived from findings "
                       f"({STRONG_WORDS[derived]}); the recorded one is used")
    if ftd_flag is not None and recorded is None and derived is not None \
            and ftd_flag != (derived is StrongCategory.ALS_FTD):
        caveats.append(f"the category derived from the findings ({STRONG_WORDS[derived]}) "
                       f"{'is' if derived is StrongCategory.ALS_FTD else 'is not'} ALS-FTD, but the record says "
                       f"ftd: {str(ftd_flag).lower()}; the recorded flag is used (ENCALS reads it)")
    chosen = recorded or derived
    ftd = ftd_flag if ftd_flag is not None else (None if chosen is None else chosen is StrongCategory.ALS_FTD)
    return CognitionAssessment(ecas=ecas, strong_category_recorded=recorded, strong_category_derived=derived,
                               derivation=why, ftd=ftd, caveats=caveats)
