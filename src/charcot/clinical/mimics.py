"""ALS mimic checklist: which conditions the recorded investigations have not yet excluded.

The list is compiled (clinical-algorithms.md §5.5; [R] unless noted), not one canonical published
list, so every item carries ``confidence: unverified``. A mimic is "excluded" only when every listed
investigation is recorded as normal; an abnormal result marks it "not excluded: abnormal result";
anything missing leaves it "not excluded". It never decides a diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from charcot.clinical.model import C9orf72Status, ClinicalCase, InvestigationResult, Sex

INVESTIGATIONS: dict[str, str] = {
    "ar_cag_repeat": "AR CAG repeat length (Kennedy disease)",
    "nerve_conduction_studies": "nerve conduction studies (conduction block, sensory responses)",
    "anti_gm1_antibodies": "anti-GM1 antibodies",
    "mri_brain": "MRI brain",
    "mri_cervical_spine": "MRI cervical spine",
    "mri_lumbar_spine": "MRI lumbar spine",
    "serum_protein_electrophoresis": "serum protein electrophoresis / immunofixation",
    "tsh": "thyroid function (TSH)",
    "pth_calcium": "parathyroid hormone and calcium",
    "vitamin_b12": "vitamin B12",
    "copper": "serum copper",
    "hiv_serology": "HIV serology",
    "htlv1_serology": "HTLV-1 serology",
    "lyme_serology": "Lyme serology",
    "ck": "creatine kinase",
    "muscle_biopsy": "muscle biopsy",
    "achr_antibodies": "acetylcholine-receptor antibodies",
    "repetitive_nerve_stimulation": "repetitive nerve stimulation",
    "vgcc_antibodies": "voltage-gated calcium channel antibodies",
    "hexosaminidase_a": "hexosaminidase A activity",
    "vlcfa": "very-long-chain fatty acids",
    "smn1_testing": "SMN1 copy number",
    "heavy_metals": "lead / heavy metals",
}


@dataclass(frozen=True)
class _Mimic:
    key: str
    name: str
    investigations: tuple[str, ...]
    note: str = ""


MIMICS: tuple[_Mimic, ...] = (
    _Mimic("kennedy_disease", "Kennedy disease (spinal and bulbar muscular atrophy)", ("ar_cag_repeat",),
           "X-linked; AR CAG expansion (interpreted by charcot.repeats)"),
    _Mimic("multifocal_motor_neuropathy", "multifocal motor neuropathy with conduction block",
           ("nerve_conduction_studies", "anti_gm1_antibodies")),
    _Mimic("motor_cidp", "motor-predominant CIDP", ("nerve_conduction_studies",)),
    _Mimic("paraproteinaemic_neuropathy", "paraproteinaemic neuropathy", ("serum_protein_electrophoresis",)),
    _Mimic("cervical_myelopathy", "cervical spondylotic myelopathy / radiculopathy, cord lesions",
           ("mri_cervical_spine",)),
    _Mimic("lumbar_canal_stenosis", "lumbar canal stenosis", ("mri_lumbar_spine",)),
    _Mimic("multiple_sclerosis", "multiple sclerosis", ("mri_brain", "mri_cervical_spine")),
    _Mimic("parkinsonism", "Parkinson's disease and atypical parkinsonism", (),
           "clinical: excluded when the examination records no parkinsonism"),
    _Mimic("myasthenia_gravis", "myasthenia gravis (bulbar presentation)",
           ("achr_antibodies", "repetitive_nerve_stimulation")),
    _Mimic("lambert_eaton", "Lambert-Eaton myasthenic syndrome", ("vgcc_antibodies", "repetitive_nerve_stimulation")),
    _Mimic("inclusion_body_myositis", "inclusion body myositis / other myopathy", ("ck", "muscle_biopsy")),
    _Mimic("adult_sma", "adult spinal muscular atrophy", ("smn1_testing",)),
    _Mimic("hexosaminidase_a_deficiency", "adult GM2 gangliosidosis (hexosaminidase A deficiency)",
           ("hexosaminidase_a",)),
    _Mimic("adrenomyeloneuropathy", "adrenomyeloneuropathy", ("vlcfa",)),
    _Mimic("b12_copper_myelopathy", "vitamin B12 or copper deficiency myelopathy", ("vitamin_b12", "copper")),
    _Mimic("infectious_myelopathy", "HIV / HTLV-1 myelopathy", ("hiv_serology", "htlv1_serology")),
    _Mimic("lyme", "Lyme neuroborreliosis", ("lyme_serology",)),
    _Mimic("thyrotoxicosis", "thyrotoxicosis", ("tsh",)),
    _Mimic("hyperparathyroidism", "hyperparathyroidism", ("pth_calcium",)),
    _Mimic("lead_neuropathy", "lead / heavy-metal neuropathy", ("heavy_metals",)),
)


class MimicCheck(BaseModel):
    key: str
    name: str
    status: str  # "excluded", "not_excluded", "not_excluded_abnormal_result"
    missing: list[str]
    abnormal: list[str]
    note: str
    confidence: str = "unverified"
    sources: list[str] = ["S-Bro00"]


def _result(case: ClinicalCase, investigation: str) -> InvestigationResult:
    if investigation == "ar_cag_repeat" and case.genotype.ar_cag_status is not C9orf72Status.NOT_ASSESSED:
        return (InvestigationResult.ABNORMAL if case.genotype.ar_cag_status is C9orf72Status.EXPANDED
                else InvestigationResult.NORMAL)
    return case.investigations.get(investigation, InvestigationResult.NOT_DONE)


def check(case: ClinicalCase) -> list[MimicCheck]:
    out: list[MimicCheck] = []
    for mimic in MIMICS:
        note = mimic.note
        if mimic.key == "parkinsonism":
            exam = case.examination.parkinsonism if case.examination is not None else None
            status = {None: "not_excluded", False: "excluded", True: "not_excluded_abnormal_result"}[exam]
            out.append(MimicCheck(key=mimic.key, name=mimic.name, status=status,
                                  missing=["examination for parkinsonism"] if exam is None else [],
                                  abnormal=["parkinsonism on examination"] if exam else [], note=note))
            continue
        results = {i: _result(case, i) for i in mimic.investigations}
        abnormal = [INVESTIGATIONS[i] for i, r in results.items() if r is InvestigationResult.ABNORMAL]
        missing = [INVESTIGATIONS[i] for i, r in results.items() if r is InvestigationResult.NOT_DONE]
        if abnormal:
            status = "not_excluded_abnormal_result"
        elif missing:
            status = "not_excluded"
        else:
            status = "excluded"
        if mimic.key == "kennedy_disease" and case.sex is Sex.FEMALE:
            note += "; women with an expansion are usually not clinically affected"
        out.append(MimicCheck(key=mimic.key, name=mimic.name, status=status, missing=missing, abnormal=abnormal,
                              note=note))
    return out
