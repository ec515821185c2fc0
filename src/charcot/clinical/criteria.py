"""Diagnostic criteria from per-region findings: revised El Escorial (Brooks 2000), Awaji-shima
(de Carvalho 2008) and Gold Coast (Shefner 2020). Each returns its category, the regions that
counted and why, and for every higher category the reason it was not reached.

Regions, rostral to caudal: bulbar, cervical, thoracic, lumbosacral. A region not examined
(``None``) counts as "no sign" and is listed in the caveats; exclusion of other disease is never
assumed: when it is not documented the result says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from charcot.clinical.model import BodyRegion, EmgRegion, Examination, RegionFindings

REGIONS = tuple(BodyRegion)
# rEEC EMG region rule: bulbar and thoracic >= 1 muscle, cervical and lumbosacral >= 2 muscles
# (different roots and nerves). Not found in a stored copy of the WFN text; a study testing "the EMG criteria
# proposed at El Escorial" describes the same counts (S-EMG07, PubMed 17294439), so the rule is secondary-sourced.
MIN_MUSCLES = {BodyRegion.BULBAR: 1, BodyRegion.THORACIC: 1, BodyRegion.CERVICAL: 2, BodyRegion.LUMBOSACRAL: 2}

DEFINITE, PROBABLE, PROBABLE_LAB, POSSIBLE, NOT_MET = (
    "definite", "probable", "probable_laboratory_supported", "possible", "not_met")


class WhyNot(BaseModel):
    category: str
    reason: str


class RegionBasis(BaseModel):
    region: str
    umn: bool
    lmn: bool
    lmn_basis: str | None  # "clinical", "EMG" or "clinical+EMG"


SYSTEM_TITLES = {"revised_el_escorial": "Revised El Escorial criteria (Brooks 2000)",
                 "awaji": "Awaji-shima criteria (de Carvalho 2008)",
                 "gold_coast": "Gold Coast criteria (Shefner 2020)"}
CATEGORY_TITLES = {DEFINITE: "clinically definite ALS", PROBABLE: "clinically probable ALS",
                   PROBABLE_LAB: "clinically probable, laboratory-supported ALS", POSSIBLE: "clinically possible ALS",
                   NOT_MET: "criteria not met", "als": "ALS (criteria met)",
                   "undetermined": "undetermined (a required item is not documented)"}


class CriteriaResult(BaseModel):
    system: str  # identifier (JSON); ``name`` and ``category_title`` are what a clinician reads
    category: str
    regions: list[RegionBasis]
    why_not_higher: list[WhyNot]
    requirements_not_documented: list[str]
    caveats: list[str]
    sources: list[str]
    confidence: str = "verified"

    @property
    def name(self) -> str:
        return SYSTEM_TITLES.get(self.system, self.system)

    @property
    def category_title(self) -> str:
        return CATEGORY_TITLES.get(self.category, self.category)

    @property
    def reasons(self) -> list[str]:
        """Why each higher category was not reached, then what is not documented (for display)."""
        return [f"not {CATEGORY_TITLES.get(w.category, w.category)}: {w.reason}" for w in self.why_not_higher] + \
            list(self.requirements_not_documented)


def _muscles_ok(region: BodyRegion, emg: EmgRegion, caveats: list[str]) -> bool:
    if emg.muscles_abnormal is None:
        caveats.append(f"{region.value}: number of abnormal muscles not recorded; region EMG finding accepted")
        return True
    return emg.muscles_abnormal >= MIN_MUSCLES[region]


def emg_lmn_reec(region: BodyRegion, emg: EmgRegion | None, caveats: list[str]) -> bool:
    """rEEC: active denervation (fibrillations/PSW) plus chronic neurogenic change."""
    return emg is not None and emg.chronic_neurogenic and emg.fibrillations_or_psw and _muscles_ok(region, emg, caveats)


def emg_lmn_awaji(region: BodyRegion, emg: EmgRegion | None, caveats: list[str]) -> bool:
    """Awaji/Gold Coast: chronic neurogenic change plus fibrillations/PSW or fasciculation potentials."""
    return (emg is not None and emg.chronic_neurogenic
            and (emg.fibrillations_or_psw or emg.fasciculation_potentials) and _muscles_ok(region, emg, caveats))


def _findings(exam: Examination, caveats: list[str]) -> dict[BodyRegion, RegionFindings]:
    out = {}
    for region in REGIONS:
        findings = exam.regions.get(region, RegionFindings())
        missing = [name for name in ("umn", "lmn") if getattr(findings, name) is None]
        if missing:
            caveats.append(f"{region.value}: {' and '.join(m.upper() for m in missing)} not examined (counted as absent)")
        out[region] = findings
    return out


def _names(regions: list[BodyRegion]) -> str:
    return ", ".join(r.value for r in regions) or "none"


def _rostral(upper: set[BodyRegion], lower: set[BodyRegion]) -> bool:
    """Some region of ``upper`` lies rostral to some region of ``lower``."""
    return any(u.rank < low.rank for u in upper for low in lower)


def _grade(umn: set[BodyRegion], lmn: set[BodyRegion]) -> tuple[str, list[WhyNot], bool]:
    """Shared definite/probable/possible logic (Brooks 2000; Awaji keeps the wording with "clinical
    or electrophysiological evidence"). Returns (category, why-not list so far, possible_met).

    Definite: UMN and LMN signs together in 3 regions (bulbar + 2 spinal, or 3 spinal).
    Probable: "UMN and LMN signs in at least two regions. While the regions may be different, some
    UMN signs must be rostral (above) the LMN signs" — UMN and LMN signs need not share a region.
    Possible: UMN and LMN together in only one region, or UMN alone in >= 2 regions, or LMN signs
    rostral to UMN signs."""
    both = [r for r in REGIONS if r in umn and r in lmn]
    umn_alone = [r for r in REGIONS if r in umn and r not in lmn]
    involved = sorted(umn | lmn, key=lambda r: r.rank)
    why: list[WhyNot] = []
    if len(both) >= 3:
        return DEFINITE, why, True
    why.append(WhyNot(category=DEFINITE, reason=f"UMN and LMN signs together in {len(both)} region(s) "
                      f"({_names(both)}); definite needs 3 (bulbar and 2 spinal regions, or 3 spinal regions)"))
    if umn and lmn and len(involved) >= 2 and _rostral(umn, lmn):
        return PROBABLE, why, True
    if not umn or not lmn:
        reason = f"no {'UMN' if not umn else 'LMN'} signs in any region; probable needs UMN and LMN signs"
    elif len(involved) < 2:
        reason = (f"UMN and LMN signs in only one region ({_names(involved)}); probable needs signs in at least "
                  "2 regions")
    else:
        reason = (f"no UMN signs rostral to LMN signs (UMN: {_names(sorted(umn, key=lambda r: r.rank))}; "
                  f"LMN: {_names(sorted(lmn, key=lambda r: r.rank))}); probable needs some UMN signs above the "
                  "LMN signs")
    why.append(WhyNot(category=PROBABLE, reason=reason))
    possible = len(both) == 1 or len(umn_alone) >= 2 or _rostral(lmn, umn)
    return (POSSIBLE if possible else NOT_MET), why, possible


def _basis(umn: set[BodyRegion], clin: set[BodyRegion], emg: set[BodyRegion]) -> list[RegionBasis]:
    out = []
    for r in REGIONS:
        kinds = [k for k, s in (("clinical", clin), ("EMG", emg)) if r in s]
        out.append(RegionBasis(region=r.value, umn=r in umn, lmn=bool(kinds), lmn_basis="+".join(kinds) or None))
    return out


def _exclusion(exam: Examination, open_mimics: Sequence[str]) -> tuple[bool | None, str | None]:
    """Whether the record shows other disease excluded: True, False (recorded as not excluded) or None (not
    documented, with the words). 'Excluded' recorded beside an abnormal result that leaves a mimic open (an abnormal
    MRI, an expanded AR repeat, parkinsonism on examination) is contradicted by the record: not documented."""
    if exam.other_disease_excluded is False:
        return False, "other disease is recorded as not excluded"
    if exam.other_disease_excluded is None:
        return None, "exclusion of other disease by neuroimaging and laboratory tests not documented"
    if open_mimics:
        return None, ("other disease is recorded as excluded, but the record holds abnormal results that leave a "
                      "mimic open: " + "; ".join(open_mimics) + " (an investigation recorded abnormal is read as "
                      "showing that mimic; if it does not, e.g. an incidental finding, record it as normal)")
    return True, None


def _requirements(exam: Examination, open_mimics: Sequence[str] = ()) -> list[str]:
    out = []
    if exam.progression_documented is not True:
        out.append("progression (spread within or between regions) not documented" if exam.progression_documented
                   is None else "progression is recorded as absent")
    excluded, words = _exclusion(exam, open_mimics)
    if excluded is not True and words:
        out.append(words)
    for field, text in (("sensory_signs", "sensory signs"), ("sphincter_disturbance", "sphincter disturbance"),
                        ("parkinsonism", "parkinsonism")):
        if getattr(exam, field) is True:
            out.append(f"{text} present: an exclusion feature in the revised El Escorial criteria")
    return out


def el_escorial(exam: Examination, open_mimics: Sequence[str] = ()) -> CriteriaResult:
    caveats: list[str] = []
    findings = _findings(exam, caveats)
    umn = {r for r, f in findings.items() if f.umn}
    clin = {r for r, f in findings.items() if f.lmn}
    emg = {r for r, f in findings.items() if emg_lmn_reec(r, f.emg, caveats)}
    category, why, _ = _grade(umn, clin)  # rEEC categories use clinical LMN signs
    requirements = _requirements(exam, open_mimics)
    if category in (POSSIBLE, NOT_MET):
        # Laboratory-supported probable: clinical UMN+LMN in 1 region or UMN alone in 1 region, and
        # EMG LMN signs in >= 2 limbs, with neuroimaging/laboratory exclusion of other causes.
        limbs = 0
        for r in (BodyRegion.CERVICAL, BodyRegion.LUMBOSACRAL):
            region_emg = findings[r].emg
            if r in emg and region_emg is not None:
                given = region_emg.limbs_abnormal
                if given is None:
                    caveats.append(f"{r.value}: limbs with EMG evidence not recorded; counted as 1")
                limbs += 1 if given is None else given
        clinical_ok = len(umn & clin) == 1 or len(umn) >= 1
        exclusion, exclusion_words = _exclusion(exam, open_mimics)
        excluded = exclusion is True
        if clinical_ok and limbs >= 2 and excluded:
            category = PROBABLE_LAB
        else:
            parts = []
            if not clinical_ok:
                parts.append("no region with clinical UMN signs")
            if limbs < 2:
                parts.append(f"EMG LMN evidence (fibrillations/PSW with chronic neurogenic change) in {limbs} limb(s); needs 2")
            if not excluded:
                parts.append("neuroimaging and laboratory exclusion of other causes not documented" if exclusion is None
                             and exam.other_disease_excluded is None else str(exclusion_words))
            why.append(WhyNot(category=PROBABLE_LAB, reason="; ".join(parts)))
    if category == NOT_MET:
        why.append(WhyNot(category=POSSIBLE, reason=f"UMN+LMN in no region, UMN alone in fewer than 2 regions "
                          f"(UMN: {_names(sorted(umn, key=lambda r: r.rank))}), and no LMN signs rostral to UMN signs"))
    return CriteriaResult(system="revised_el_escorial", category=category, regions=_basis(umn, clin, emg),
                          why_not_higher=why, requirements_not_documented=requirements,
                          caveats=[*caveats, "EMG muscle-count rule per region (1 muscle bulbar or thoracic, 2 "
                                   "cervical or lumbosacral) is taken from a study of the El Escorial EMG criteria, "
                                   "not from the criteria's own text"],
                          sources=["S-Bro00", "S-EMG07"])


def awaji(exam: Examination, open_mimics: Sequence[str] = ()) -> CriteriaResult:
    caveats: list[str] = []
    findings = _findings(exam, caveats)
    umn = {r for r, f in findings.items() if f.umn}
    clin = {r for r, f in findings.items() if f.lmn}
    emg = {r for r, f in findings.items() if emg_lmn_awaji(r, f.emg, caveats)}
    category, why, _ = _grade(umn, clin | emg)  # EMG evidence is equivalent to clinical LMN signs
    if category == NOT_MET:
        why.append(WhyNot(category=POSSIBLE, reason="UMN+LMN (clinical or EMG) in no region, UMN alone in fewer "
                          "than 2 regions, and no LMN signs rostral to UMN signs"))
    return CriteriaResult(system="awaji", category=category, regions=_basis(umn, clin, emg), why_not_higher=why,
                          requirements_not_documented=_requirements(exam, open_mimics),
                          caveats=[*caveats, "the laboratory-supported probable category does not exist in Awaji"],
                          sources=["S-deC08"])


def gold_coast(exam: Examination, open_mimics: Sequence[str] = ()) -> CriteriaResult:
    caveats: list[str] = []
    findings = _findings(exam, caveats)
    umn = {r for r, f in findings.items() if f.umn}
    clin = {r for r, f in findings.items() if f.lmn}
    emg = {r for r, f in findings.items() if emg_lmn_awaji(r, f.emg, caveats)}
    lmn = clin | emg
    fasc_only = [r for r in REGIONS if r in emg and r not in clin
                 and not (findings[r].emg or EmgRegion(chronic_neurogenic=False, fibrillations_or_psw=False))
                 .fibrillations_or_psw]
    if fasc_only:
        caveats.append("LMN by EMG relied on fasciculation potentials in " + _names(fasc_only)
                       + "; the Gold Coast fasciculation clause is recalled, not re-verified")
    # Criterion 2 (Shefner 2020): "upper and lower motor neuron dysfunction in at least 1 body region
    # (with upper and lower motor neuron dysfunction noted in the same body region if only one body
    # region is involved) or lower motor neuron dysfunction in at least 2 body regions".
    both = [r for r in REGIONS if r in umn and r in lmn]
    involved = umn | lmn
    anatomic = bool(umn and lmn and (both or len(involved) >= 2)) or len(lmn) >= 2
    problems: list[str] = []
    undocumented: list[str] = []
    if not anatomic:
        if umn:  # (UMN and LMN anywhere always satisfy the criterion: same region, or two regions)
            detail = f"UMN dysfunction only ({_names(sorted(umn, key=lambda r: r.rank))}), no LMN dysfunction"
        else:
            detail = f"no UMN dysfunction and LMN dysfunction in {len(lmn)} region(s)"
        problems.append(f"{detail}; needs UMN and LMN dysfunction (in the same region if only one region is "
                        "involved) or LMN dysfunction in at least 2 regions")
    for flag, text in ((exam.progression_documented, "progressive motor impairment"),
                       (exam.normal_motor_function_before, "normal motor function before the impairment")):
        if flag is False:
            problems.append(f"{text} recorded as absent")
        elif flag is None:
            undocumented.append(f"{text} not documented")
    excluded, words = _exclusion(exam, open_mimics)
    if excluded is False:
        problems.append("other disease recorded as not excluded")
    elif excluded is None:
        undocumented.append("investigations excluding other disease not documented" if exam.other_disease_excluded
                            is None else str(words))
    if problems:
        category = "not_met"
    elif undocumented:
        category = "undetermined"
    else:
        category = "als"
    why = [] if category == "als" else [WhyNot(category="als", reason="; ".join(problems + undocumented))]
    return CriteriaResult(system="gold_coast", category=category, regions=_basis(umn, clin, emg),
                          why_not_higher=why, requirements_not_documented=undocumented,
                          caveats=[*caveats, "Gold Coast is dichotomous (ALS / not ALS); 'undetermined' means an "
                                   "anatomic criterion is met but a required item is not documented"],
                          sources=["S-She20", "S-Tur22"])
