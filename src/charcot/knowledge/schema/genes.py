"""Gene records: curated facts (genes.yaml) joined with coordinates derived by
``scripts/derive_gene_tables.py`` from the Ensembl/GENCODE/MANE/HGNC tables.

This module is the contract other packages read (variants, acmg, repeats, family, therapy).
Field names here are stable; add fields rather than renaming them.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from charcot.knowledge.base import CitedRecord
from charcot.model import Build


class GeneRole(StrEnum):
    CAUSAL = "causal"
    RISK_FACTOR = "risk_factor"
    MODIFIER = "modifier"
    DISPUTED = "disputed"
    REFUTED = "refuted"
    MIMIC = "mimic"


class Inheritance(StrEnum):
    AD = "AD"
    AR = "AR"
    XLD = "XLD"
    XLR = "XLR"
    XL = "XL"
    SD = "SD"  # semidominant
    UD = "UD"  # undetermined
    RISK = "risk"  # association / susceptibility, not Mendelian


class DiseaseMechanism(StrEnum):
    LOSS_OF_FUNCTION = "loss_of_function"
    GAIN_OF_FUNCTION = "gain_of_function"
    DOMINANT_NEGATIVE = "dominant_negative"
    REPEAT_EXPANSION = "repeat_expansion"
    UNKNOWN = "unknown"


class Span(BaseModel):
    """A genomic interval, 1-based inclusive (the project-wide convention), chromosome without 'chr'."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    chrom: str
    start: int = Field(ge=1)
    end: int = Field(ge=1)
    strand: str = Field(pattern=r"^[+-]$")

    def contains(self, chrom: str, pos: int) -> bool:
        return chrom == self.chrom and self.start <= pos <= self.end


class Exon(BaseModel):
    """One exon of the canonical transcript; ``number`` counts in transcript direction (exon 1 = 5')."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int = Field(ge=1)
    start: int = Field(ge=1)
    end: int = Field(ge=1)


class GeneCoordinates(BaseModel):
    """Coordinates of a gene in one build, derived from the real tables (never typed by hand)."""

    model_config = ConfigDict(extra="forbid")

    build: Build
    span: Span
    transcript: str | None = None  # the canonical GENCODE transcript the exon table comes from
    exons: list[Exon] = Field(default_factory=list)
    source_table: str


class ClinGenAssertion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    disease: str
    mondo: str | None = None
    moi: str
    classification: str
    date: date
    gcep: str


class ResidueRange(BaseModel):
    """A protein region (1-based residues on the MANE protein) used by PM1 or an exception."""

    model_config = ConfigDict(extra="forbid")

    name: str
    start: int = Field(ge=1)
    end: int = Field(ge=1)
    sources: list[str] = Field(min_length=1)
    note: str | None = None


class RuleException(BaseModel):
    """A gene-specific exception to the generic ACMG rules (e.g. FUS C-terminal truncations)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    description: str
    applies_to: str  # e.g. "PVS1", "inheritance", "PM1"
    region: ResidueRange | None = None
    effect: str
    sources: list[str] = Field(min_length=1)


class FrequencyThresholds(BaseModel):
    """Allele-frequency thresholds for BA1 / BS1 / PM2_Supporting with how they were derived."""

    model_config = ConfigDict(extra="forbid")

    ba1: float = Field(gt=0, le=1)
    bs1: float = Field(gt=0, le=1)
    pm2_max: float = Field(ge=0, le=1)
    derivation: str
    sources: list[str] = Field(min_length=1)


class AcmgGeneRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lof_is_mechanism: bool  # PVS1 applicable only when True
    lof_note: str
    critical_domains: list[ResidueRange] = Field(default_factory=list)
    hotspots: list[ResidueRange] = Field(default_factory=list)
    frequency: FrequencyThresholds
    exceptions: list[RuleException] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)


class Mane(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refseq_nm: str
    refseq_np: str | None = None
    ensembl_transcript: str
    ensembl_protein: str | None = None


class Record(CitedRecord):
    symbol: str
    hgnc_id: str = Field(pattern=r"^HGNC:\d+$")
    name: str | None = None
    aliases: list[str] = Field(default_factory=list)
    previous_symbols: list[str] = Field(default_factory=list)
    ensembl_gene: str | None = None
    mane: Mane | None = None
    role: GeneRole
    inheritance: list[Inheritance] = Field(min_length=1)
    clingen: list[ClinGenAssertion] = Field(default_factory=list)
    alsod_category: str | None = None
    disease_mechanism: list[DiseaseMechanism] = Field(min_length=1)
    mechanism_categories: list[str] = Field(default_factory=list)
    phenotypes: list[str] = Field(default_factory=list)
    familial_share: str | None = None
    sporadic_share: str | None = None
    acmg: AcmgGeneRules | None = None
    notes: str | None = None
    coordinates: dict[Build, GeneCoordinates] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.symbol

    def coords(self, build: Build) -> GeneCoordinates | None:
        return self.coordinates.get(build)

    @property
    def pvs1_applicable(self) -> bool:
        return bool(self.acmg and self.acmg.lof_is_mechanism)
