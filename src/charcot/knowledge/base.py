"""Building blocks every knowledge record shares: sources, confidence, snapshot metadata."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from charcot.model import Confidence


class Source(BaseModel):
    """One bibliography entry. ``key`` is what records cite in their ``sources`` list."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    key: str
    citation: str
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    accessed: date | None = None
    note: str | None = None


class CitedRecord(BaseModel):
    """A knowledge record: it names at least one bibliography key; unverified facts say so."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED
    confidence_note: str | None = None

    @property
    def key(self) -> str:
        """Unique identifier of the record inside its section (overridden by each schema)."""
        raise NotImplementedError


class KnowledgeMeta(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    version: str
    snapshot_date: date
    description: str
    changes: list[str] = Field(default_factory=list)
