"""Jurisdictions (jurisdictions.yaml): which regulatory records of therapies.yaml apply to a patient, chosen by a
jurisdiction code (``--jurisdiction``, the patient facts' ``region``) or by the patient's country.

Each record is one jurisdiction a user can name: the regulatory region of therapies.yaml whose events it reads
(``regulatory_region``), the countries in it (ISO 3166-1 alpha-2), and, where only some of that region's decisions
apply in it, the procedures whose decisions do (``procedures``) and how long they take to apply there
(``takes_effect_within_days``). Example: the EU's centralised marketing authorisations are valid in Iceland,
Liechtenstein and Norway too, which adopt them within 30 days; an EU member state's national authorisation is not.
Other codes in use for a country (the EU writes Greece EL) are listed with their source (``other_codes``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from charcot.knowledge.base import CitedRecord
from charcot.knowledge.schema.therapies import REGIONS, Procedure
from charcot.model import Confidence

if TYPE_CHECKING:
    from charcot.knowledge.loader import Problem

_ISO_ALPHA2 = re.compile(r"^[A-Z]{2}$")


class OtherCode(BaseModel):
    """A two-letter code that is not the country's ISO 3166-1 code but is used for it (EL for Greece)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    code: str
    country: str = Field(description="the ISO 3166-1 alpha-2 code it stands for")
    note: str | None = None
    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED

    @field_validator("code", "country")
    @classmethod
    def _two_letters(cls, value: str) -> str:
        if not _ISO_ALPHA2.match(value):
            raise ValueError(f"{value!r} is not a two-letter upper-case code")
        return value


class Record(CitedRecord):
    id: str = Field(description="the code a user gives for this jurisdiction (--jurisdiction, the facts' region)")
    name: str
    regulatory_region: str = Field(description="the region of therapies.yaml whose regulatory events apply here")
    procedures: list[Procedure] = Field(
        default_factory=list, description="only the region's events of these procedures apply here (empty: every "
                                          "event of the region)")
    takes_effect_within_days: int | None = Field(
        default=None, ge=1, description="a decision of the region applies here within this many days of its date: "
                                        "before then it may not apply yet")
    countries: list[str] = Field(min_length=1, description="ISO 3166-1 alpha-2 codes of the countries in it")
    other_codes: list[OtherCode] = Field(default_factory=list)
    note: str | None = None

    @property
    def key(self) -> str:
        return self.id

    @field_validator("id")
    @classmethod
    def _code(cls, value: str) -> str:
        if not re.match(r"^[A-Z]{2,3}$", value):
            raise ValueError(f"jurisdiction code {value!r} must be 2-3 upper-case letters")
        return value

    @field_validator("regulatory_region")
    @classmethod
    def _region(cls, value: str) -> str:
        if value not in REGIONS:
            raise ValueError(f"unknown regulatory region {value!r}; use one of {', '.join(REGIONS)}")
        return value

    @field_validator("countries")
    @classmethod
    def _countries(cls, value: list[str]) -> list[str]:
        bad = [c for c in value if not _ISO_ALPHA2.match(c)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not an ISO 3166-1 alpha-2 code (two upper-case letters)")
        if len(set(value)) != len(value):
            raise ValueError("a country is listed twice")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Record:
        for other in self.other_codes:
            if other.country not in self.countries:
                raise ValueError(f"other code {other.code} stands for {other.country}, which is not one of this "
                                 "jurisdiction's countries")
            if other.code in self.countries:
                raise ValueError(f"other code {other.code} is itself one of the countries")
        if self.takes_effect_within_days is not None and not self.procedures:
            raise ValueError("takes_effect_within_days belongs to a jurisdiction that reads some procedures only")
        return self


def check(records: list[Any], kb: Any) -> list[Problem]:
    """A country (or another code for one) belongs to one jurisdiction only, so a patient's country selects one."""
    from charcot.knowledge.loader import Problem

    problems: list[Problem] = []
    path = "knowledge/data/jurisdictions.yaml"
    whole = {r.id for r in records if not r.procedures and r.id == r.regulatory_region}
    if records:
        for region in REGIONS:
            if region not in whole:
                problems.append(Problem(path, None, f"regulatory region {region} has no jurisdiction of its own code "
                                                    "reading all its records"))
    seen: dict[str, str] = {}
    for record in records:
        for code in [*record.countries, *(o.code for o in record.other_codes)]:
            if code in seen:
                problems.append(Problem(path, record.key, f"country code {code} is also in jurisdiction {seen[code]}"))
            seen.setdefault(code, record.key)
    return problems
