"""Trial records (trials.yaml): registry id, intervention, phase, status as of a dated snapshot,
genotype requirement and the main eligibility criteria in machine-checkable form (the shared
``Criterion`` model of therapies.py)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from charcot.knowledge.base import CitedRecord
from charcot.knowledge.schema.therapies import PARTIAL_DATE, Criterion
from charcot.model import Confidence

if TYPE_CHECKING:
    from charcot.knowledge.loader import Problem

NCT = re.compile(r"^NCT\d{8}$")
EAP = re.compile(r"^EAP-[a-z0-9_]+$")


class TrialStatus(StrEnum):
    NOT_YET_RECRUITING = "not_yet_recruiting"
    RECRUITING = "recruiting"
    ENROLMENT_COMPLETE = "active_not_recruiting"
    ONGOING = "ongoing"  # running; recruitment state not verified
    COMPLETED = "completed"
    TERMINATED = "terminated"
    DISCONTINUED = "discontinued"  # programme stopped by sponsor
    WITHDRAWN = "withdrawn"
    SUSPENDED = "suspended"
    ENROLLING_BY_INVITATION = "enrolling_by_invitation"  # e.g. a platform regimen: only via the master protocol
    # expanded-access programmes (ClinicalTrials.gov expanded-access statuses)
    AVAILABLE = "available"
    NO_LONGER_AVAILABLE = "no_longer_available"

    @property
    def open_to_new_participants(self) -> bool | None:
        """True only when the registry says new participants are taken now; None when not verified."""
        if self in (TrialStatus.RECRUITING, TrialStatus.AVAILABLE):
            return True
        if self in (TrialStatus.ONGOING, TrialStatus.ENROLLING_BY_INVITATION):
            return None
        return False  # not yet recruiting counts as not open: nobody can be enrolled today


class StudyKind(StrEnum):
    TRIAL = "trial"
    PLATFORM_MASTER = "platform_master"  # a master protocol: participants are randomised to its regimens
    PLATFORM_REGIMEN = "platform_regimen"  # one regimen of a platform: entered only through the master protocol
    EXPANDED_ACCESS = "expanded_access"  # treatment outside a trial (early / compassionate access)


class StatusSnapshot(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

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
    nct_id: str = Field(description="registry id; an expanded-access programme without an NCT record uses "
                                    "EAP-<therapy>, which is never shown to a clinician")
    kind: StudyKind = StudyKind.TRIAL
    protocol_id: str | None = Field(default=None, description="the sponsor's study code, e.g. AB19001")
    platform: str | None = Field(default=None, description="registry id of the master protocol of a platform regimen")
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
    other_criteria: list[str] = Field(
        default_factory=list, description="main registry criteria charcot cannot check from patient facts "
                                          "(shown to the clinician as items the site checks)")
    audit: str | None = Field(default=None, description="what was checked against the registry, when, and what differs")

    @property
    def key(self) -> str:
        return self.nct_id

    @model_validator(mode="after")
    def _ids(self) -> Record:
        if self.kind is StudyKind.EXPANDED_ACCESS and EAP.match(self.nct_id):
            return self
        if not NCT.match(self.nct_id):
            raise ValueError(f"{self.nct_id!r} is not an NCT identifier (NCT + 8 digits)"
                             + ("; an expanded-access programme without one uses EAP-<therapy>"
                                if self.kind is StudyKind.EXPANDED_ACCESS else ""))
        if self.kind is StudyKind.PLATFORM_REGIMEN and not self.platform:
            raise ValueError("a platform regimen names its master protocol ('platform')")
        return self


def check(records: list[Any], kb: Any) -> list[Problem]:
    """A trial's therapy must exist in therapies.yaml."""
    from charcot.knowledge.loader import Problem

    therapies = {t.key for t in kb.records("therapies")}
    keys = {r.key for r in records}
    path = "knowledge/data/trials.yaml"
    problems = [Problem(path, r.key, f"unknown therapy {r.therapy!r}")
                for r in records if r.therapy is not None and r.therapy not in therapies]
    problems += [Problem(path, r.key, f"platform {r.platform} is not in trials.yaml")
                 for r in records if r.platform is not None and r.platform not in keys]
    return problems
