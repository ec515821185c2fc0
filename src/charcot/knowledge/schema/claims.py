"""Treatment claims (claims.yaml) as they are made to patients, with their structured fields and
the controlled evidence about the intervention. ``ClaimFields`` is also the input format of
``charcot claim check CLAIM.yaml``."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field

from charcot.knowledge.base import CitedRecord
from charcot.model import UserRecord

if TYPE_CHECKING:
    from charcot.knowledge.loader import Problem


class Design(StrEnum):
    TESTIMONIAL = "testimonial"
    CASE_REPORT = "case_report"
    CASE_SERIES = "case_series"  # uncontrolled, retrospective or prospective
    OPEN_LABEL = "open_label"  # prospective single-arm trial
    HISTORICAL_CONTROL = "historical_control"  # e.g. matched natural-history or registry controls
    COHORT = "cohort"  # prospective concurrent controlled, not randomised
    RCT = "rct"
    UNKNOWN = "unknown"


class Control(StrEnum):
    NONE = "none"
    HISTORICAL = "historical"
    CONCURRENT = "concurrent"
    PLACEBO = "placebo"
    UNKNOWN = "unknown"


class ClaimFields(UserRecord):
    """A treatment claim: the words used, plus what can be read out of them. Unknown = null."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    text: str = Field(min_length=1)
    intervention: str
    intervention_class: str | None = Field(default=None, description="e.g. stem_cell, msc, aso, supplement")
    design: Design = Design.UNKNOWN
    n: int | None = Field(default=None, ge=1, description="patients treated and followed (null: not given)")
    control: Control = Control.UNKNOWN
    randomised: bool | None = None
    blinded_assessment: bool | None = None
    allocation_concealed: bool | None = None
    primary_outcome_prespecified: bool | None = None
    dropouts_reported: bool | None = None
    outcome: str | None = None
    outcome_validated: bool | None = Field(default=None, description="ALSFRS-R, dynamometry, vital capacity, survival")
    effect: str | None = None
    responder_fraction: float | None = Field(default=None, ge=0, le=1)
    timeframe_months: float | None = Field(default=None, gt=0, le=60)
    cost_to_patient: float | None = Field(default=None, ge=0)
    currency: str | None = None
    patient_pays: bool | None = None
    registration: str | None = Field(default=None, description="trial registry id, e.g. NCT01234567")
    peer_reviewed: bool | None = None
    diseases_treated: list[str] = Field(default_factory=list)
    source: str | None = None


class Record(CitedRecord):
    id: str
    claim: ClaimFields
    controlled_evidence: list[str] = Field(default_factory=list, description="therapy ids and NCT ids")
    assessment: str

    @property
    def key(self) -> str:
        return self.id


def check(records: list[Any], kb: Any) -> list[Problem]:
    from charcot.knowledge.loader import Problem

    known = {t.key for t in kb.records("therapies")} | {t.key for t in kb.records("trials")}
    return [Problem("knowledge/data/claims.yaml", r.key, f"unknown evidence reference {ref!r}")
            for r in records for ref in r.controlled_evidence if ref not in known]
