"""Public types of charcot.therapy: the patient facts the eligibility engine reads, and its results.

``PatientFacts`` is deliberately flat and every field is optional: a missing fact never counts as a
failure, it makes a criterion ``unknown`` and the verdict ``cannot_decide`` naming what is missing.

Example (YAML accepted by ``charcot therapies CASE``)::

    genotype:
      findings:
        - {gene: SOD1, classification: Pathogenic, hgvs_p: p.Ala5Val}
      repeats: {C9orf72: normal}
      genetic_testing_done: true
    clinical:
      affected: true
      age: 54
      region: EU            # or country: DE
      alsfrs_r: 41
      fvc_percent: 88       # forced vital capacity; a slow one is svc_percent
      disease_duration_months: 14
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from charcot.clinical.model import Treatment  # one model of a treatment with the clinical record
from charcot.knowledge.schema.claims import ClaimFields, Control, Design
from charcot.model import MAX_AGE_YEARS, AcmgClass, UserRecord, fvc_percent_problem

__all__ = [
    "ClaimFields",
    "ClaimGrade",
    "Clinical",
    "Control",
    "CriterionResult",
    "CriterionStatus",
    "Design",
    "GeneFinding",
    "Genotype",
    "MechanismExplanation",
    "NaturalHistoryResult",
    "PatientFacts",
    "RedFlag",
    "RegionStatus",
    "RepeatStatus",
    "TherapyMatch",
    "TherapyMatches",
    "Treatment",
    "Verdict",
]


class RepeatStatus(StrEnum):
    EXPANDED = "expanded"
    INTERMEDIATE = "intermediate"
    NORMAL = "normal"
    NOT_ASSESSED = "not_assessed"


class GeneFinding(UserRecord):
    """One classified variant in one gene."""

    model_config = ConfigDict(extra="forbid")

    gene: str
    classification: AcmgClass
    hgvs_p: str | None = None
    hgvs_c: str | None = None
    variant_key: str | None = Field(default=None, description="charcot variant key, e.g. GRCh38:21:31659783:C:T")
    zygosity: str | None = None


class Genotype(UserRecord):
    model_config = ConfigDict(extra="forbid")

    findings: list[GeneFinding] = Field(default_factory=list)
    repeats: dict[str, RepeatStatus] = Field(default_factory=dict, description="gene -> repeat status")
    genetic_testing_done: bool | None = Field(
        default=None, description="True when genes were tested: then a gene without a finding counts as 'no finding'")
    genes_tested: list[str] | None = Field(default=None, description="genes covered by the test; None = all curated genes")
    unclassified_genes: list[str] = Field(
        default_factory=list, description="genes with a coding or splice-region variant whose consequence is unknown "
                                          "(not classified): a criterion on such a gene cannot be decided")
    genes_partly_tested: dict[str, str] = Field(
        default_factory=dict, description="gene -> what part of it the test did not assess (no-call positions, a "
                                          "part outside the records' span, calls left out): 'no variant found' there "
                                          "is not known, so a criterion on the gene cannot be decided without one")


class Clinical(UserRecord):

    affected: bool | None = Field(default=None, description="clinically manifest ALS (symptomatic)")
    als_diagnosed: bool | None = Field(
        default=None, description="ALS diagnosed by the matching date (a clinical record's diagnosis date): false for "
                                  "a symptomatic person still in the diagnostic work-up; None when not said")
    pedigree_affected: bool | None = Field(
        default=None, description="the pedigree's affection status of the patient (PED column 6 or the ages file), "
                                  "when no clinical record describes the patient: 'affected' there is not a clinical "
                                  "diagnosis (it may record FTD, another motor neuron disease or a reported status), "
                                  "so it never makes the patient 'affected' here")
    presymptomatic_carrier: bool | None = None
    age: float | None = Field(default=None, ge=0, le=MAX_AGE_YEARS)
    sex: str | None = Field(default=None, pattern=r"^(female|male|other)$")
    country: str | None = Field(default=None, description="ISO 3166 alpha-2 code, e.g. DE")
    region: str | None = Field(default=None, description="regulatory region: US, EU, UK, JP, CA, KR, CH")
    alsfrs_r: int | None = Field(default=None, ge=0, le=48)
    alsfrs_r_date: date | None = None
    # before the FVC value, so that its validator can read it
    fvc_percent_confirmed: bool = Field(
        default=False, description="fvc_percent is below 10 and really is a percentage of predicted (not litres)")
    fvc_percent: float | None = Field(
        default=None, description="forced vital capacity (FVC), % predicted (10-200; below 10 only confirmed); a slow "
                                  "vital capacity goes in svc_percent")
    fvc_date: date | None = Field(default=None, description="when fvc_percent was measured")
    # a slow vital capacity is another measurement: a criterion stated on FVC reads it only where the knowledge base
    # cites that the criterion accepts it (``Criterion.vital_capacity``)
    svc_percent_confirmed: bool = Field(
        default=False, description="svc_percent is below 10 and really is a percentage of predicted (not litres)")
    svc_percent: float | None = Field(
        default=None, description="slow vital capacity (SVC), % predicted (10-200; below 10 only confirmed)")
    svc_date: date | None = Field(default=None, description="when svc_percent was measured")
    el_escorial: Literal["definite", "probable", "probable_laboratory_supported", "possible", "not_met"] | None = Field(
        default=None, description="revised El Escorial category (at diagnosis, else from the recorded examination)")
    disease_duration_months: float | None = Field(default=None, ge=0, description="months since symptom onset")
    disease_duration_range_months: tuple[float, float] | None = Field(
        default=None, description="the shortest and longest disease duration the onset date allows, when the onset is "
                                  "known to the month or year only: a criterion on the duration is met or failed only "
                                  "when the whole range is")
    months_since_diagnosis: float | None = Field(default=None, ge=0)
    progression_rate: float | None = Field(
        default=None, ge=0, description="ALSFRS-R points lost per month since onset; computed from alsfrs_r and "
                                        "disease_duration_months when not given")
    progression_rate_range: tuple[float, float | None] | None = Field(
        default=None, description="the lowest and highest ALSFRS-R decline per month the onset date allows (highest "
                                  "None: unbounded, the onset may be just before the visit), when the onset is known "
                                  "to the month or year only: a criterion on the rate is decided only when the whole "
                                  "range decides it")
    nfl_pg_ml: float | None = Field(default=None, ge=0)
    nfl_date: date | None = None
    als_ftd: bool | None = Field(
        default=None, description="ALS with frontotemporal dementia diagnosed (the clinical record's ftd / Strong "
                                  "category): true or false; None when the record does not say")
    symptoms: dict[str, bool] = Field(
        default_factory=dict,
        description="symptoms recorded present (true) or absent (false), e.g. pseudobulbar_affect; "
        "a symptom not listed is unknown")
    treatments: list[Treatment] = Field(
        default_factory=list, description="ALS treatments received, current and earlier: a therapy the patient "
                                          "receives on the matching date is not offered to start")

    @field_validator("alsfrs_r_date", "fvc_date", "svc_date", "nfl_date", mode="before")
    @classmethod
    def _dates_as_written(cls, value: Any, info: ValidationInfo) -> Any:
        from charcot.clinical.model import dates_as_written  # one rule with the clinical record

        return dates_as_written(cls, value, info)

    @field_validator("fvc_percent", "svc_percent")
    @classmethod
    def _fvc_is_a_percentage(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None:
            name = info.field_name or "fvc_percent"
            problem = fvc_percent_problem(value, confirmed=bool(info.data.get(f"{name}_confirmed")),
                                          how_to_confirm=f"add {name}_confirmed: true next to {name}",
                                          what="SVC" if name == "svc_percent" else "FVC")
            if problem:
                raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Clinical:
        if self.affected and self.presymptomatic_carrier:
            raise ValueError("affected: true contradicts presymptomatic_carrier: true")
        if (self.months_since_diagnosis is not None and self.disease_duration_months is not None
                and self.months_since_diagnosis > self.disease_duration_months):
            raise ValueError("months_since_diagnosis is longer than disease_duration_months (diagnosis before onset)")
        span = self.disease_duration_range_months
        if span is not None and not (0 <= span[0] <= span[1] and (self.disease_duration_months is None or
                                                                   span[0] <= self.disease_duration_months <= span[1])):
            raise ValueError(f"disease_duration_range_months {list(span)} must be [shortest, longest], from 0, and "
                             "contain disease_duration_months")
        return self


class PatientFacts(UserRecord):
    """Everything the eligibility engine may use; every item optional."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    genotype: Genotype = Field(default_factory=Genotype)
    clinical: Clinical = Field(default_factory=Clinical)


class CriterionStatus(StrEnum):
    MET = "met"
    FAILED = "failed"
    UNKNOWN = "unknown"
    REVIEW = "review"  # qualifies, but needs a committee / sponsor decision
    PENDING = "pending"  # a later stage of the trial (e.g. the randomisation trigger): not reached yet, not a failure


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    CANNOT_DECIDE = "cannot_decide"
    COMMITTEE_REVIEW = "committee_review"
    NOT_OPEN = "not_open"  # the recorded criteria do not exclude the patient, but the study takes no one new now
    ALREADY_RECEIVING = "already_receiving"  # the clinical record says the patient receives it on the matching date


class CriterionResult(BaseModel):
    id: str
    description: str
    status: CriterionStatus
    reason: str
    blocking: bool = True
    applies_to: str = "enrolment"
    missing: str | None = Field(default=None, description="the patient fact that is missing, when unknown")
    sources: list[str] = Field(default_factory=list)
    unverified: bool = False


class RegionStatus(BaseModel):
    region: str
    status: str
    date: str | None = None
    available: bool
    note: str | None = None
    history: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    unverified: bool = False


class MechanismExplanation(BaseModel):
    mechanism: str
    mechanism_name: str
    action: str
    genes: list[str] = Field(default_factory=list, description="patient genes acting through this mechanism")
    text: str


class TherapyMatch(BaseModel):
    kind: str = Field(pattern=r"^(therapy|trial)$")
    id: str
    name: str
    verdict: Verdict
    summary: str
    relevant: bool = Field(description="shown by default: fits the patient's genotype or is a general option")
    criteria: list[CriterionResult] = Field(default_factory=list)
    failed: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    regions: list[RegionStatus] = Field(default_factory=list)
    development_status: str | None = None
    development_status_date: str | None = None
    trial_status: str | None = None
    trial_status_as_of: str | None = None
    open_to_new_participants: bool | None = None
    phase: str | None = None
    genotype_requirement: str | None = None
    mechanisms: list[MechanismExplanation] = Field(default_factory=list)
    evidence_level: str | None = None
    receiving: str | None = Field(
        default=None, description="the record's treatment with it on the matching date (therapy as written, since)")
    receiving_since: str | None = Field(
        default=None, description="that treatment's detail alone: since when, and the therapy as the record writes it")
    previously_received: str | None = Field(
        default=None, description="the record's earlier treatment with it (therapy as written, stopped on)")
    previously_stopped: date | None = Field(default=None, description="the date that earlier treatment was stopped")
    notes: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    unverified: bool = False


class TherapyMatches(BaseModel):
    patient_id: str | None = None
    region: str | None = None
    country: str | None = Field(default=None, description="the patient's country as given (ISO 3166 alpha-2)")
    as_of: date
    knowledge_version: str
    knowledge_snapshot: date
    status_statement: str
    therapies: list[TherapyMatch]
    trials: list[TherapyMatch]
    not_assessed: list[str] = Field(default_factory=list)
    gene_notes: list[str] = Field(default_factory=list, description="per patient gene: current and stopped programmes")
    treatment_notes: list[str] = Field(
        default_factory=list, description="the record's treatments as read: a name not in the knowledge base is kept "
                                          "as written and said here")
    jurisdiction_differs: str | None = Field(
        default=None, description="a jurisdiction given (option, configuration or facts) other than the one of the "
                                  "patient's country: which was used, and how to match for the other")
    statement: str

    def get(self, ident: str) -> TherapyMatch:
        for item in [*self.therapies, *self.trials]:
            if item.id == ident:
                return item
        raise KeyError(ident)


class RedFlag(BaseModel):
    id: str
    label: str
    reason: str
    sources: list[str]


class NaturalHistoryResult(BaseModel):
    """Outcome of simulating an untreated, uncontrolled series (see natural_history.py)."""

    n: int
    months: float
    seed: int
    parameters: dict[str, float | int | str]
    mean_decline: float = Field(description="mean ALSFRS-R points lost over the period (positive = decline)")
    mean_slope_per_month: float
    share_improved: float = Field(description="final score above baseline")
    share_no_decline: float = Field(description="final score at or above baseline ('stabilised')")
    share_any_visit_above_baseline: float
    share_improved_4_points: float
    share_improved_4_sustained_12m: float | None = None
    claim_responder_fraction: float | None = None
    share_series_reaching_claim: float | None = Field(
        default=None, description="fraction of simulated series of size n where the 'no decline' share reaches the claim")
    series_probability_exact: float | None = Field(
        default=None, description="exact binomial P(an untreated series of the claim's size reaches the claimed share)")
    series_probability_range: tuple[float, float] | None = Field(
        default=None, description="min and max of that probability over the seeds checked (seed-to-seed spread)")
    no_decline_range: tuple[float, float] | None = None
    seeds_checked: list[int] = Field(default_factory=list)
    outcome_definition: str | None = None
    interpretation: str | None = Field(
        default=None, description="what the series probability shows and does not show (never proof that a "
                                  "treatment works: the simulation cannot see how a claimed series was selected)")
    change_histogram: dict[str, int] = Field(
        default_factory=dict, description="ALSFRS-R change (points, as text) -> number of simulated patients, all n")
    change_quantiles: dict[str, float] = Field(default_factory=dict)
    changes: list[int] = Field(default_factory=list, repr=False)
    sources: list[str] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)


class ClaimGrade(BaseModel):
    claim_text: str
    intervention: str
    aan_class: str
    aan_reason: str
    ocebm_level: str
    alsuntangled_trials: str
    alsuntangled_cases: str | None
    alsuntangled_reason: str
    certainty: str
    red_flags: list[RedFlag]
    controlled_evidence: list[dict[str, str]]
    known_claims: list[str] = Field(default_factory=list)
    natural_history: NaturalHistoryResult | None = None
    scope: str | None = Field(default=None, description="what the grade assumes about the disease the claim concerns, "
                                                        "when the claim does not name ALS")
    verdict: str
    advice: str
    sources: list[str]
    statement: str
