"""Mechanism map (mechanisms.yaml): disease mechanisms, the genes that act through each, and (via
therapies.yaml ``mechanisms``) the therapies that target them. A report uses it to explain why a
therapy fits a genotype."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from charcot.knowledge.base import CitedRecord
from charcot.model import Confidence

if TYPE_CHECKING:
    from charcot.knowledge.loader import Problem


class GeneLink(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    gene: str
    role: str = Field(description="how the gene acts through this mechanism, one short phrase")
    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED


class Record(CitedRecord):
    id: str
    name: str
    description: str
    genes: list[GeneLink] = Field(default_factory=list)

    @property
    def key(self) -> str:
        return self.id


def check(records: list[Any], kb: Any) -> list[Problem]:
    from charcot.knowledge.loader import Problem

    problems: list[Problem] = []
    if not kb.records("genes"):
        return problems
    for record in records:
        for link in record.genes:
            if kb.find_gene(link.gene) is None:
                problems.append(Problem("knowledge/data/mechanisms.yaml", record.key, f"gene {link.gene!r} not in genes.yaml"))
    return problems
