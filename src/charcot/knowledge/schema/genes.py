"""Gene records: curated facts (genes.yaml) joined with coordinates derived by
``scripts/derive_gene_tables.py`` from the Ensembl/GENCODE/MANE/HGNC tables.

This module is the contract other packages read (variants, acmg, repeats, family, therapy).
Field names here are stable; add fields rather than renaming them.
"""

from __future__ import annotations

import json
import math
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from charcot.errors import KnowledgeError
from charcot.knowledge.base import CitedRecord
from charcot.model import Build, Confidence

if TYPE_CHECKING:
    from charcot.knowledge import Knowledge
    from charcot.knowledge.loader import Problem


class GeneRole(StrEnum):
    CAUSAL = "causal"
    RISK_FACTOR = "risk_factor"
    MODIFIER = "modifier"
    DISPUTED = "disputed"
    REFUTED = "refuted"
    MIMIC = "mimic"
    # Added: a gene claimed as causal whose evidence is insufficient (ClinGen "Limited", or an ALS link
    # reported without a ClinGen ALS assertion). Its variants cannot be more than "uncertain significance".
    CANDIDATE = "candidate"


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

    model_config = ConfigDict(extra="forbid", defer_build=True, frozen=True)

    chrom: str
    start: int = Field(ge=1)
    end: int = Field(ge=1)
    strand: str = Field(pattern=r"^[+-]$")

    def contains(self, chrom: str, pos: int) -> bool:
        return chrom == self.chrom and self.start <= pos <= self.end


class Exon(BaseModel):
    """One exon of the canonical transcript; ``number`` counts in transcript direction (exon 1 = 5')."""

    model_config = ConfigDict(extra="forbid", defer_build=True, frozen=True)

    number: int = Field(ge=1)
    start: int = Field(ge=1)
    end: int = Field(ge=1)


class UtrPiece(BaseModel):
    """A 5' or 3' UTR piece of the MANE Select transcript, with the MANE exon it lies in (1-based inclusive)."""

    model_config = ConfigDict(extra="forbid", defer_build=True, frozen=True)

    number: int = Field(ge=1)
    start: int = Field(ge=1)
    end: int = Field(ge=1)


class ManeUtrCheck(BaseModel):
    """What the MANE Select UTR pieces tell about the MANE exons, checked against the exon table (GRCh38 only;
    derived by scripts/derive_gene_tables.py). Offsets are MANE exon number minus table exon number at each UTR end;
    None where not comparable. The coding exons between the UTRs are not in the input and are not compared."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    source: str
    exon_count: int | None = None
    transcript: dict[str, int]
    five_prime_utr: list[UtrPiece] = Field(default_factory=list)
    three_prime_utr: list[UtrPiece] = Field(default_factory=list)
    table_exon_count: int = Field(ge=0)
    numbering_offset_5p: int | None = None
    numbering_offset_3p: int | None = None
    splice_edges_known: int = Field(ge=0)
    splice_edges_in_table: int = Field(ge=0)

    @property
    def numbers_agree(self) -> bool:
        """The table's exon numbers equal MANE's at both UTR ends and the exon counts are equal."""
        return (self.numbering_offset_5p == 0 and self.numbering_offset_3p == 0
                and self.exon_count == self.table_exon_count)


class GeneCoordinates(BaseModel):
    """Coordinates of a gene in one build, derived from the real tables (never typed by hand)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    build: Build
    span: Span
    transcript: str | None = None  # the canonical GENCODE transcript the exon table comes from
    exons: list[Exon] = Field(default_factory=list)
    source_table: str
    # Added: span of the canonical (SpliceAI/GENCODE) transcript the exons come from, and on GRCh38 the
    # span of the MANE Select transcript (MANE v1.0 summary), so callers can see when the two differ.
    transcript_span: Span | None = None
    mane_span: Span | None = None
    # GRCh38: where and why the exon table differs from the MANE Select transcript (derive_gene_tables.py)
    mane_comparison: str | None = None
    # GRCh38: the MANE Select exon count, UTR exons and exon numbering at both UTR ends vs the table
    mane_utr: ManeUtrCheck | None = None

    def exon_at(self, chrom: str, pos: int) -> Exon | None:
        """The canonical exon containing a 1-based position, or None (intronic or outside the gene)."""
        if chrom != self.span.chrom:
            return None
        for exon in self.exons:
            if exon.start <= pos <= exon.end:
                return exon
        return None


class ClinGenAssertion(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    disease: str
    mondo: str | None = None
    moi: str
    classification: str
    date: date
    gcep: str
    report: str | None = None  # added: the ClinGen online report (CGGV assertion) URL


class ResidueRange(BaseModel):
    """A protein region (1-based residues on the MANE protein) used by PM1 or an exception."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str
    start: int = Field(ge=1)
    end: int = Field(ge=1)
    sources: list[str] = Field(min_length=1)
    note: str | None = None
    confidence: Confidence = Confidence.VERIFIED  # added
    confidence_note: str | None = None  # added


class RuleException(BaseModel):
    """A gene-specific exception to the generic ACMG rules (e.g. FUS C-terminal truncations)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    description: str
    applies_to: str  # e.g. "PVS1", "inheritance", "PM1"
    region: ResidueRange | None = None
    effect: str
    sources: list[str] = Field(min_length=1)
    # Added: exons (canonical transcript numbering) and/or variants (HGVS p.) the exception covers.
    exons: list[int] = Field(default_factory=list)
    variants: list[str] = Field(default_factory=list)
    confidence: Confidence = Confidence.VERIFIED
    confidence_note: str | None = None


class MaxCredibleAf(BaseModel):
    """Inputs of the maximum credible population allele frequency (Whiffin et al. 2017 framework).

    dominant:  max AF = lifetime_risk x genetic_share x allelic_share / penetrance / 2 (one allele per carrier)
    recessive: max AF = sqrt(lifetime_risk x genetic_share x allelic_share / penetrance)
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)

    lifetime_risk: float = Field(gt=0, le=1)
    genetic_share: float = Field(gt=0, le=1)  # largest credible share of all ALS explained by the gene
    allelic_share: float = Field(gt=0, le=1)  # largest credible share of the gene's cases from one variant
    penetrance: float = Field(gt=0, le=1)  # smallest credible penetrance
    mode: Literal["dominant", "recessive"]

    @property
    def max_af(self) -> float:
        base = self.lifetime_risk * self.genetic_share * self.allelic_share / self.penetrance
        return base / 2 if self.mode == "dominant" else math.sqrt(base)


def _two_significant(value: float) -> float:
    return float(f"{value:.2g}")


class FrequencyThresholds(BaseModel):
    """Allele-frequency thresholds for BA1 / BS1 / PM2_Supporting with how they were derived."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    ba1: float = Field(gt=0, le=1)
    bs1: float = Field(gt=0, le=1)
    pm2_max: float = Field(ge=0, le=1)
    derivation: str
    sources: list[str] = Field(min_length=1)
    # Added: when ``model`` is given, bs1 (= max credible AF) and pm2_max (= a tenth of it) are computed from it
    # (two significant figures) unless written, and written values must agree with it.
    model: MaxCredibleAf | None = None
    confidence: Confidence = Confidence.VERIFIED
    confidence_note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _fill_from_model(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("model"), dict):
            return data
        model = MaxCredibleAf.model_validate(data["model"])
        bs1 = _two_significant(model.max_af)
        pm2 = _two_significant(model.max_af / 10)
        data = dict(data)
        for name, value in (("bs1", bs1), ("pm2_max", pm2)):
            given = data.setdefault(name, value)
            if not isinstance(given, int | float) or abs(float(given) - value) > 1e-12 + 0.01 * value:
                raise ValueError(f"{name}={given!r} disagrees with the max-credible-AF model ({value:g})")
        data.setdefault("ba1", 0.05)
        return data


class AcmgGeneRules(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    lof_is_mechanism: bool  # PVS1 applicable only when True
    lof_note: str
    critical_domains: list[ResidueRange] = Field(default_factory=list)
    hotspots: list[ResidueRange] = Field(default_factory=list)
    frequency: FrequencyThresholds
    exceptions: list[RuleException] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)


class Mane(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

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

    @property
    def als_clingen(self) -> list[ClinGenAssertion]:
        """ClinGen ALS Spectrum Disorders GCEP assertions (possibly for a non-ALS disease label)."""
        return [a for a in self.clingen if a.gcep == ALS_GCEP]

    @property
    def clingen_classification(self) -> str | None:
        """The strongest ALS GCEP classification, or None when the panel has not curated the gene."""
        found = [a.classification for a in self.als_clingen]
        return min(found, key=lambda c: CLINGEN_ORDER.get(c, 99)) if found else None


ALS_GCEP = "Amyotrophic Lateral Sclerosis Spectrum Disorders Gene Curation Expert Panel"
CLINGEN_ORDER = {"Definitive": 0, "Strong": 1, "Moderate": 2, "Limited": 3, "Disputed": 4, "Refuted": 5,
                 "No Known Disease Relationship": 6}
DERIVED_FILE = Path("derived") / "genes.json"

_derived_cache: dict[tuple[str, int, int, int, int], dict[str, Any]] = {}


def load_derived(data_dir: Path) -> dict[str, Any] | None:
    """The derived gene tables (scripts/derive_gene_tables.py output), or None when the file is absent.

    Kept per process by the file's identity and change time (inode, size, mtime and ctime): the mtime alone comes
    back after 'touch -r', 'cp -p' or on a coarse file-system clock, and an edited table would then be joined as
    the old one; the ctime changes with every write and cannot be set."""
    path = data_dir / DERIVED_FILE
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    stamp = (str(path), info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    if stamp not in _derived_cache:
        try:
            _derived_cache[stamp] = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise KnowledgeError(f"derived gene table is not valid JSON: {exc.msg}", path=path, line=exc.lineno,
                                 hint="re-run scripts/derive_gene_tables.py") from exc
    return _derived_cache[stamp]


def attach(records: list[Record], data_dir: Path) -> None:
    """Join the derived identifiers, MANE transcript, coordinates and ClinGen rows onto each curated gene.

    Curated aliases are kept and the HGNC aliases/previous symbols added; coordinates are only ever taken from
    the derived file. A gene missing from the derived file keeps empty coordinates (the validator reports it).
    """
    derived = load_derived(data_dir)
    if derived is None:
        return
    genes: dict[str, Any] = derived.get("genes", {})
    for record in records:
        entry = genes.get(record.symbol)
        if entry is None or entry.get("hgnc_id") != record.hgnc_id:
            continue
        record.name = record.name or entry.get("name")
        record.aliases = _merge(record.aliases, entry.get("aliases", []))
        record.previous_symbols = _merge(record.previous_symbols, entry.get("previous_symbols", []))
        record.ensembl_gene = record.ensembl_gene or entry.get("ensembl_gene")
        if record.mane is None and entry.get("mane"):
            record.mane = Mane.model_validate(entry["mane"])
        record.coordinates = {Build(b): GeneCoordinates.model_validate(c) for b, c in entry["coordinates"].items()}
        if not record.clingen:
            record.clingen = [ClinGenAssertion.model_validate(_clingen_fields(a)) for a in entry.get("clingen", [])]


def _merge(first: list[str], second: list[str]) -> list[str]:
    seen: dict[str, None] = dict.fromkeys(first)
    for item in second:
        seen.setdefault(item, None)
    return list(seen)


def _clingen_fields(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: raw.get(k) for k in ClinGenAssertion.model_fields}


# The mechanism categories a gene may name (reviews S-Mej19 / S-MN22 / S-TIG18 group ALS genes this way).
MECHANISM_CATEGORIES = frozenset({
    "rna_metabolism", "proteostasis", "oxidative_stress", "mitochondrial", "autophagy",
    "cytoskeleton_axonal_transport", "nucleocytoplasmic_transport", "dna_damage", "excitotoxicity",
    "neuroinflammation", "endosomal_trafficking", "er_stress", "lipid_metabolism", "synaptic",
    "neurotrophic_signalling", "axon_degeneration", "unknown",
})

# Which roles an ALS GCEP classification allows (the curated role must not be more certain than ClinGen).
_ROLE_FOR_CLASSIFICATION: dict[str, set[GeneRole]] = {
    "Definitive": {GeneRole.CAUSAL, GeneRole.RISK_FACTOR, GeneRole.MIMIC, GeneRole.CANDIDATE},
    "Strong": {GeneRole.CAUSAL, GeneRole.RISK_FACTOR, GeneRole.CANDIDATE},
    "Moderate": {GeneRole.CAUSAL, GeneRole.RISK_FACTOR, GeneRole.MIMIC, GeneRole.CANDIDATE},
    "Limited": {GeneRole.CANDIDATE, GeneRole.RISK_FACTOR, GeneRole.MIMIC},
    "Disputed": {GeneRole.DISPUTED},
    "Refuted": {GeneRole.REFUTED},
}


def check(records: list[Record], kb: Knowledge) -> list[Problem]:
    """Cross-checks against the derived tables: every gene derived, identifiers agree, curated ClinGen rows
    (when written) equal the export's, the role is no more certain than ClinGen, every ALS GCEP gene curated."""
    from charcot.knowledge.loader import Problem

    path = "knowledge/data/genes.yaml"
    problems: list[Problem] = []
    derived = load_derived(kb.data_dir)
    if derived is None:
        return [Problem(f"knowledge/data/{DERIVED_FILE}", None,
                        "derived gene table is missing: run scripts/derive_gene_tables.py")]
    genes: dict[str, Any] = derived.get("genes", {})
    for record in records:
        entry = genes.get(record.symbol)
        if entry is None:
            problems.append(Problem(path, record.symbol, "gene is not in derived/genes.json (re-run the derive script)"))
            continue
        if entry.get("hgnc_id") != record.hgnc_id:
            problems.append(Problem(path, record.symbol, f"hgnc_id {record.hgnc_id} but the HGNC table gives "
                                                         f"{entry.get('hgnc_id')}"))
        for build in Build:
            if build not in record.coordinates:
                problems.append(Problem(path, record.symbol, f"no derived {build} coordinates"))
        export = sorted((_clingen_fields(a) for a in entry.get("clingen", [])), key=lambda a: (str(a["date"]), a["moi"]))
        curated = sorted((a.model_dump(mode="json") for a in record.clingen), key=lambda a: (str(a["date"]), a["moi"]))
        if curated != export:
            problems.append(Problem(path, record.symbol, "ClinGen assertions differ from the ClinGen export: "
                                    f"curated {[(a['classification'], a['moi'], a['date']) for a in curated]} vs "
                                    f"export {[(a['classification'], a['moi'], a['date']) for a in export]}"))
        for category in record.mechanism_categories:
            if category not in MECHANISM_CATEGORIES:
                problems.append(Problem(path, record.symbol, f"unknown mechanism category {category!r} (allowed: "
                                                             f"{', '.join(sorted(MECHANISM_CATEGORIES))})"))
        best = record.clingen_classification
        if best is not None and best in _ROLE_FOR_CLASSIFICATION and record.role not in _ROLE_FOR_CLASSIFICATION[best]:
            problems.append(Problem(path, record.symbol, f"role {record.role.value!r} is not compatible with the "
                                                         f"ClinGen ALS GCEP classification {best!r}"))
    curated_ids = {r.hgnc_id for r in records}
    for row in derived.get("meta", {}).get("clingen_als_gcep_rows", []):
        if row["hgnc_id"] not in curated_ids:
            problems.append(Problem(path, row["symbol"], "gene curated by the ClinGen ALS GCEP is missing from genes.yaml"))
    return problems
