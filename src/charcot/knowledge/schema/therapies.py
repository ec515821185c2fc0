"""Therapy records (therapies.yaml): what a therapy is, what it targets, where it is approved (a dated
history per region), how good the evidence is, and its label as machine-checkable criteria.

The ``Criterion`` and ``RegulatoryEvent`` models are shared with trials.py; the eligibility engine
(``charcot.therapy.criteria``) evaluates criteria against ``charcot.therapy.model.PatientFacts``.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from charcot.knowledge.base import CitedRecord
from charcot.model import AcmgClass, Confidence

if TYPE_CHECKING:
    from charcot.knowledge.loader import Problem

#: ISO-like dates with the precision the source gives: "2023-04-25", "2024-06" or "1995".
PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def partial_date_start(text: str) -> date:
    """The first day a partial date ('2025', '2025-09') can mean."""
    parts = [int(p) for p in text.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def partial_date_end(text: str) -> date:
    """The last day a partial date ('2025', '2025-09') can mean: a status dated so is at least this recent."""
    import calendar

    parts = [int(p) for p in text.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else 12
    return date(year, month, parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1])

#: Regions charcot records regulatory status for. EU = centralised EMA/EC procedure.
REGIONS: dict[str, str] = {
    "US": "United States (FDA)",
    "EU": "European Union (EMA/European Commission)",
    "UK": "United Kingdom (MHRA)",
    "JP": "Japan (PMDA/MHLW)",
    "CA": "Canada (Health Canada)",
    "KR": "South Korea (MFDS)",
    "CH": "Switzerland (Swissmedic)",
}


class RegulatoryStatus(StrEnum):
    APPROVED = "approved"
    ACCELERATED_APPROVAL = "accelerated_approval"
    CONDITIONAL_APPROVAL = "conditional_approval"
    EXCEPTIONAL_CIRCUMSTANCES = "exceptional_circumstances"
    APPLICATION_SUBMITTED = "application_submitted"
    APPLICATION_WITHDRAWN = "application_withdrawn"
    NEGATIVE_OPINION = "negative_opinion"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    NOT_APPROVED = "not_approved"
    INVESTIGATIONAL = "investigational"
    DISCONTINUED = "discontinued"

    @property
    def available(self) -> bool:
        """Whether the product can be prescribed on label in the region under this status."""
        return self in (RegulatoryStatus.APPROVED, RegulatoryStatus.ACCELERATED_APPROVAL,
                        RegulatoryStatus.CONDITIONAL_APPROVAL, RegulatoryStatus.EXCEPTIONAL_CIRCUMSTANCES)


class Procedure(StrEnum):
    """How an EU decision was taken: by the centralised procedure (EMA opinion, European Commission decision, valid
    in every EU and EEA state) or by a national route (one member state, or several by mutual recognition)."""

    CENTRALISED = "centralised"
    NATIONAL = "national"


class RegulatoryEvent(BaseModel):
    """One dated regulatory step in one region. The status in a region at a date is the latest
    event on or before that date."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    region: str
    status: RegulatoryStatus
    date: str | None = Field(default=None, description="ISO date at the precision the source gives")
    procedure: Procedure | None = Field(
        default=None, description="EU events: the procedure the cited source names (centralised or national); not "
                                  "given when the source does not say. Only a centralised decision applies in the "
                                  "EEA states outside the EU (jurisdictions.yaml)")
    note: str | None = None
    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if value not in REGIONS:
            raise ValueError(f"unknown region {value!r}; use one of {', '.join(REGIONS)}")
        return value

    @model_validator(mode="after")
    def _procedure_in_the_eu(self) -> RegulatoryEvent:
        if self.procedure is not None and self.region != "EU":
            raise ValueError(f"procedure {self.procedure.value!r} is recorded for EU events only (region {self.region})")
        return self

    @field_validator("date")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is not None and not PARTIAL_DATE.match(value):
            raise ValueError(f"date {value!r} must be YYYY, YYYY-MM or YYYY-MM-DD")
        return value


class CriterionKind(StrEnum):
    DIAGNOSIS = "diagnosis"  # clinically manifest ALS (affected / symptomatic)
    PRESYMPTOMATIC = "presymptomatic"  # no clinically manifest ALS
    GENE = "gene"  # a finding in ``gene`` classified at least ``min_class``
    VARIANT = "variant"  # one of ``variants`` (HGVS p./c. or charcot variant key) in ``gene``
    NO_GENE = "no_gene"  # no finding at least ``min_class`` in ``gene`` (exclusion)
    REPEAT = "repeat"  # repeat status of ``gene`` is one of ``repeat_status``
    AGE = "age"
    ALSFRS_R = "alsfrs_r"
    FVC = "fvc"
    DURATION = "duration"  # months from symptom onset
    TIME_SINCE_DIAGNOSIS = "time_since_diagnosis"  # months from diagnosis
    PROGRESSION_RATE = "progression_rate"  # ALSFRS-R points lost per month since onset ((48 - total) / months)
    NFL = "nfl"  # plasma neurofilament light, pg/mL
    SEX = "sex"
    SYMPTOM = "symptom"  # a symptom the treatment is for (e.g. pseudobulbar affect), recorded present/absent
    NO_DEMENTIA = "no_dementia"  # exclusion: fails when the record gives ALS with frontotemporal dementia (ALS-FTD)


_NUMERIC = {CriterionKind.AGE, CriterionKind.ALSFRS_R, CriterionKind.FVC, CriterionKind.DURATION, CriterionKind.NFL,
            CriterionKind.TIME_SINCE_DIAGNOSIS, CriterionKind.PROGRESSION_RATE}


class Criterion(BaseModel):
    """One machine-checkable eligibility criterion.

    ``blocking: false`` criteria are shown with their result but do not change the verdict (for
    example a randomisation trigger that applies later, or the population in which a drug's benefit
    was shown). For VARIANT/GENE criteria, ``preapproved_variants`` lists variants accepted without
    review; a qualifying variant outside that list gets verdict ``committee_review``.

    Numeric bounds are inclusive unless ``min_exclusive`` / ``max_exclusive`` (a registry's "less than
    the threshold" or "> 0.3 per month"). A criterion whose ``applies_to`` is a later stage of the trial
    (e.g. ``randomisation``) and is not yet met is *pending*, never *failed*."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    kind: CriterionKind
    description: str
    gene: str | None = None
    min_class: AcmgClass | None = None
    variants: list[str] = Field(default_factory=list)
    preapproved_variants: list[str] | None = None
    review_note: str | None = None
    repeat_status: list[str] = Field(default_factory=list)
    diagnostic_categories: list[Literal["definite", "probable", "probable_laboratory_supported", "possible"]] = Field(
        default_factory=list, description="kind diagnosis: the revised El Escorial categories the trial accepts "
        "(empty: any clinically manifest ALS)")
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    max_exclusive: bool = False
    unit: str | None = None
    sexes: list[str] = Field(default_factory=list)
    symptom: str | None = None  # key in PatientFacts.clinical.symptoms, e.g. "pseudobulbar_affect"
    vital_capacity: list[Literal["forced", "slow"]] = Field(
        default_factory=list, description="kind fvc: the vital capacities the criterion is stated on, the protocol's "
        "own first (forced: FVC, slow: SVC); empty: FVC only. A slow vital capacity is read only for a criterion whose "
        "cited sources say it accepts one")
    blocking: bool = True
    applies_to: str = "enrolment"
    outside_range: Literal["failed", "review"] = Field(
        default="failed", description="what a numeric value outside the bounds gives: 'failed', or 'review' when "
        "the protocol itself decides for such patients (``review_note`` says how)")
    sources: list[str] = Field(default_factory=list)
    confidence: Confidence = Confidence.VERIFIED

    @model_validator(mode="after")
    def _fields_for_kind(self) -> Criterion:
        kind = self.kind
        if kind in (CriterionKind.GENE, CriterionKind.NO_GENE, CriterionKind.VARIANT, CriterionKind.REPEAT) and not self.gene:
            raise ValueError(f"criterion {self.id}: kind {kind} needs 'gene'")
        if kind in (CriterionKind.GENE, CriterionKind.NO_GENE) and self.min_class is None:
            raise ValueError(f"criterion {self.id}: kind {kind} needs 'min_class'")
        if kind is CriterionKind.VARIANT and not self.variants:
            raise ValueError(f"criterion {self.id}: kind variant needs 'variants'")
        if kind is CriterionKind.REPEAT and not self.repeat_status:
            raise ValueError(f"criterion {self.id}: kind repeat needs 'repeat_status'")
        if kind in _NUMERIC and self.min is None and self.max is None:
            raise ValueError(f"criterion {self.id}: kind {kind} needs 'min' and/or 'max'")
        if kind is CriterionKind.SYMPTOM and not self.symptom:
            raise ValueError(f"criterion {self.id}: kind symptom needs 'symptom'")
        if self.outside_range == "review" and (kind not in _NUMERIC or not self.review_note):
            raise ValueError(f"criterion {self.id}: outside_range 'review' needs a numeric kind and a 'review_note'")
        if kind is CriterionKind.SEX and not self.sexes:
            raise ValueError(f"criterion {self.id}: kind sex needs 'sexes'")
        if self.vital_capacity and kind is not CriterionKind.FVC:
            raise ValueError(f"criterion {self.id}: 'vital_capacity' belongs to kind fvc only")
        if len(set(self.vital_capacity)) != len(self.vital_capacity):
            raise ValueError(f"criterion {self.id}: 'vital_capacity' names a kind twice")
        if self.vital_capacity != [] and not self.sources:
            # which vital capacity a protocol measures is a fact of the protocol: it is cited, never assumed
            raise ValueError(f"criterion {self.id}: 'vital_capacity' needs the sources that state it")
        return self

    @property
    def vital_capacities(self) -> tuple[str, ...]:
        """Kind fvc: the vital capacities the criterion reads, the protocol's own first (FVC when none is named)."""
        return tuple(self.vital_capacity) or ("forced",)


class MechanismLink(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    mechanism: str
    action: str = Field(description="how the therapy acts on the mechanism, one short phrase")


class Label(BaseModel):
    """The approved indication (or, for investigational products, the population studied)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    indication: str
    criteria: list[Criterion] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED


class TherapyClass(StrEnum):
    APPROVED = "approved"
    WITHDRAWN_OR_REFUSED = "withdrawn_or_refused"
    GENE_TARGETED = "gene_targeted"
    IMMUNOTHERAPY = "immunotherapy"
    CELL_THERAPY = "cell_therapy"
    SYMPTOMATIC = "symptomatic"
    INVESTIGATIONAL = "investigational"
    GENE_THERAPY = "gene_therapy"  # a vector or engineered cells deliver a gene (e.g. a trophic factor) to ALS patients
    PRECEDENT = "precedent"  # a genetic treatment of another motor-neuron disease (SMA): shown as proof of concept only


class Record(CitedRecord):
    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    disease: str = Field(default="ALS", description="the disease the therapy treats; only ALS therapies are matched to a patient")
    therapy_class: TherapyClass
    purpose: str = Field(pattern=r"^(disease_modifying|symptomatic)$")
    modality: str
    intervention_classes: list[str] = Field(default_factory=list,
                                            description="tags a claim's intervention is matched on, e.g. stem_cell, msc")
    mechanisms: list[MechanismLink] = Field(default_factory=list)
    target_genes: list[str] = Field(default_factory=list)
    development_status: str
    development_status_date: str | None = None
    evidence_level: str
    evidence_summary: str
    trials: list[str] = Field(default_factory=list)
    regulatory: list[RegulatoryEvent] = Field(default_factory=list)
    label: Label | None = None

    @property
    def key(self) -> str:
        return self.id

    @field_validator("development_status_date")
    @classmethod
    def _dev_date(cls, value: str | None) -> str | None:
        if value is not None and not PARTIAL_DATE.match(value):
            raise ValueError(f"date {value!r} must be YYYY, YYYY-MM or YYYY-MM-DD")
        return value


def check(records: list[Any], kb: Any) -> list[Problem]:
    """Mechanism ids and trial ids a therapy names must exist; target genes must be curated genes."""
    from charcot.knowledge.loader import Problem

    problems: list[Problem] = []
    path = "knowledge/data/therapies.yaml"
    mechanisms = {m.key for m in kb.records("mechanisms")}
    trials = {t.key for t in kb.records("trials")}
    genes = kb.records("genes")
    for record in records:
        for link in record.mechanisms:
            if link.mechanism not in mechanisms:
                problems.append(Problem(path, record.key, f"unknown mechanism {link.mechanism!r}"))
        for nct in record.trials:
            if nct not in trials:
                problems.append(Problem(path, record.key, f"trial {nct} is not in trials.yaml"))
        if record.therapy_class in (TherapyClass.GENE_THERAPY, TherapyClass.PRECEDENT) and not record.mechanisms:
            problems.append(Problem(path, record.key, "a gene-therapy or precedent record must link the mechanism map"))
        if (record.therapy_class is TherapyClass.PRECEDENT) != (record.disease != "ALS"):
            problems.append(Problem(path, record.key, "precedent records are exactly the non-ALS therapies"))
        if genes:
            for gene in record.target_genes:
                if kb.find_gene(gene) is None:
                    problems.append(Problem(path, record.key, f"target gene {gene!r} is not in genes.yaml"))
    return problems
