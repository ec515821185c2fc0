"""Trial records (trials.yaml): registry id, intervention, phase, status as of a dated snapshot,
genotype requirement and the main eligibility criteria in machine-checkable form (the shared
``Criterion`` model of therapies.py)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from charcot.knowledge.base import CitedRecord
from charcot.knowledge.schema.therapies import PARTIAL_DATE, Criterion
from charcot.model import Confidence

if TYPE_CHECKING:
    from charcot.knowledge.loader import Problem

NCT = re.compile(r"^NCT\d{8}$")


class TrialStatus(StrEnum):
    NOT_YET_RECRUITING = "not_yet_recruiting"
    RECRUITING = "recruiting"
    ENROLMENT_COMPLETE = "active_not_recruiting"
    ONGOING = "ongoing"  # running; recruitment state not verified
    COMPLETED = "completed"
    TERMINATED = "terminated"
    DISCONTINUED = "discontinued"  # programme stopped by sponsor
    WITHDRAWN = "withdrawn"

    @property
    def open_to_new_participants(self) -> bool | None:
        if self in (TrialStatus.RECRUITING, TrialStatus.NOT_YET_RECRUITING):
            return True
        if self is TrialStatus.ONGOING:
            return None
        return False


class StatusSnapshot(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: TrialStatus
    as_of: str
    note: str | None = None
    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED

    @field_validator("as_of")
    @classmethod
    def _date(cls, value: str) -> str:
        if not PARTIAL_DATE.match(value):
            raise ValueError(f"date {value!r} must be YYYY, YYYY-MM or YYYY-MM-DD")
        return value


class Record(CitedRecord):
    nct_id: str
    acronym: str | None = None
    title: str
    sponsor: str | None = None
    therapy: str | None = Field(default=None, description="id of the therapy record tested")
    intervention: str
    phase: str
    status: StatusSnapshot
    target_genes: list[str] = Field(default_factory=list)
    genotype_requirement: str
    population: str = Field(pattern=r"^(symptomatic|presymptomatic|any)$")
    criteria: list[Criterion] = Field(default_factory=list)
    parent_study_only: bool = Field(default=False, description="extension study: only participants of a parent study")
    key_result: str | None = None
    related: list[str] = Field(default_factory=list)

    @property
    def key(self) -> str:
        return self.nct_id

    @field_validator("nct_id")
    @classmethod
    def _nct(cls, value: str) -> str:
        if not NCT.match(value):
            raise ValueError(f"{value!r} is not an NCT identifier (NCT + 8 digits)")
        return value


def check(records: list[Any], kb: Any) -> list[Problem]:
    """A trial's therapy must exist in therapies.yaml."""
    from charcot.knowledge.loader import Problem

    therapies = {t.key for t in kb.records("therapies")}
    return [Problem("knowledge/data/trials.yaml", r.key, f"unknown therapy {r.therapy!r}")
            for r in records if r.therapy is not None and r.therapy not in therapies]
