"""Repeat-locus records: curated facts and literature thresholds (repeats.yaml) joined with the
coordinates and catalog thresholds derived by ``scripts/derive_repeat_loci.py``
(data/derived/repeat_catalog.json).

Sources disagree on repeat thresholds, so every source keeps its own ``ThresholdSet``; each locus
names the set charcot applies by default (``default_set``) and why. Coordinates are 1-based
inclusive, chromosome without 'chr', and must agree with the ExpansionHunter catalogs (``check``).
"""

from __future__ import annotations

import itertools
import json
import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from charcot.errors import KnowledgeError
from charcot.knowledge.base import CitedRecord
from charcot.model import Build, Confidence

if TYPE_CHECKING:
    from charcot.knowledge import Knowledge
    from charcot.knowledge.loader import Problem

DERIVED_FILE = "derived/repeat_catalog.json"
#: Threshold sets every locus must carry, each with a ``comparison`` against charcot's default.
REFERENCE_SETS = ("stranger_catalog", "strchive")


class RepeatCategory(StrEnum):
    """What a repeat size means under one source's thresholds."""

    NORMAL = "normal"
    INTERMEDIATE = "intermediate"
    RISK_ALLELE = "risk_allele"
    REDUCED_PENETRANCE = "reduced_penetrance"
    PATHOGENIC = "pathogenic"
    INDETERMINATE = "indeterminate"


#: How serious each category is, for the rule that a longer allele never gets a milder category within one
#: source (``ThresholdSet.check_ranges``). INDETERMINATE ("the source names no category here") has no rank.
CATEGORY_RANK: dict[RepeatCategory, int] = {
    RepeatCategory.NORMAL: 1,
    RepeatCategory.INTERMEDIATE: 2,
    RepeatCategory.RISK_ALLELE: 3,
    RepeatCategory.REDUCED_PENETRANCE: 4,
    RepeatCategory.PATHOGENIC: 5,
}


class RepeatRole(StrEnum):
    CAUSAL = "causal"  # C9orf72: the expansion causes ALS/FTD
    RISK_FACTOR = "risk_factor"  # ATXN2, ATXN1 intermediate alleles
    MIMIC = "mimic"  # AR: Kennedy disease (SBMA) mimics ALS


class SizeRange(BaseModel):
    """Repeat counts ``min..max`` inclusive (None = unbounded) that a source puts in one category."""

    model_config = ConfigDict(extra="forbid", defer_build=True, frozen=True)

    category: RepeatCategory
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)
    label: str | None = None  # the source's own word, e.g. "pre_mutation", "indeterminate"
    sources: list[str] = Field(default_factory=list, description="where this band's limits and meaning come from, "
                                                                 "when the set combines several sources")

    @model_validator(mode="after")
    def _ordered(self) -> SizeRange:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"range min {self.min} > max {self.max}")
        return self

    def contains(self, value: int) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def render(self) -> str:
        if self.min is None and self.max is None:
            return "any size"
        if self.min is None:
            return f"≤{self.max}"
        if self.max is None:
            return f"≥{self.min}"
        return f"{self.min}–{self.max}" if self.min != self.max else f"{self.min}"


class ThresholdSet(BaseModel):
    """One source's sizing of one locus. ``derived_from`` sets are filled from the derived catalog
    table (numbers read by the derivation script); curated sets list their ranges here."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    label: str
    context: str  # the question the thresholds answer: "ALS/FTD", "ALS risk", "SCA2", "SBMA", ...
    derived_from: str | None = None
    ranges: list[SizeRange] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED
    note: str | None = None
    comparison: str | None = Field(
        default=None, description="for the catalogs the field uses (Stranger, STRchive): where they disagree with "
                                  "charcot's default and why")

    def check_ranges(self) -> str | None:
        """None when the ranges are sorted and do not overlap; otherwise what is wrong."""
        if not self.ranges:
            return f"threshold set {self.id!r} has no ranges"
        previous_max: int | None = -1
        for rng in self.ranges:
            low = rng.min if rng.min is not None else 0
            if previous_max is None or low <= previous_max:
                return f"threshold set {self.id!r}: ranges overlap or are not in increasing order"
            previous_max = rng.max
        return None

    def check_monotone(self) -> str | None:
        """None when no longer allele gets a milder category than a shorter one; otherwise what is wrong.
        (A validation rule, not a load error: released snapshots made before the rule still load.)"""
        ranked = [r for r in self.ranges if r.category in CATEGORY_RANK]
        for shorter, longer in itertools.pairwise(ranked):
            if CATEGORY_RANK[longer.category] < CATEGORY_RANK[shorter.category]:
                return (f"threshold set {self.id!r}: {longer.render()} repeats are {longer.category.value} but the "
                        f"shorter {shorter.render()} are {shorter.category.value}: a longer allele must not get a "
                        "milder category")
        return None

    def classify(self, value: int) -> SizeRange | None:
        """The range containing ``value``; None when the value falls in a gap the source leaves open."""
        for rng in self.ranges:
            if rng.contains(value):
                return rng
        return None

    def classify_at_least(self, value: int) -> SizeRange | None:
        """The single range containing every size ≥ ``value`` (for 'expanded, at least N'); None when
        sizes ≥ N still span more than one category of this source."""
        found = self.classify(value)
        if found is not None and found.max is None:
            return found
        return None

    def describe(self) -> str:
        return "; ".join(f"{r.category.value.replace('_', ' ')} {r.render()}" for r in self.ranges)


class LengthRisk(BaseModel):
    """The ALS risk a source measured for alleles of ``min..max`` repeats (one allele carried)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    min: int = Field(ge=0)
    max: int = Field(ge=0)
    odds_ratio: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    significant: bool | None = None
    text: str = Field(description="what the source found at this length, in charcot's words")
    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED

    def contains(self, value: int) -> bool:
        return self.min <= value <= self.max


class GenotypeRule(BaseModel):
    """A finding about the genotype (both alleles together), e.g. bi-allelic intermediate ATXN2."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    min: int = Field(ge=0, description="both alleles at least this many repeats")
    max: int = Field(ge=0, description="both alleles at most this many repeats")
    category: RepeatCategory
    label: str
    finding: str = Field(description="what the genotype means, in charcot's words")
    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED
    confidence_note: str | None = None

    def matches(self, sizes: list[int]) -> bool:
        return len(sizes) == 2 and all(self.min <= s <= self.max for s in sizes)


class LocusCoordinates(BaseModel):
    """Repeat region in one build, 1-based inclusive, derived from the ExpansionHunter catalog."""

    model_config = ConfigDict(extra="forbid", defer_build=True, frozen=True)

    chrom: str
    start: int = Field(ge=1)
    end: int = Field(ge=1)
    reference_region: str  # the catalog's own 0-based half-open text, kept for the cross-check
    catalog: str


class OtherRegion(BaseModel):
    """The region another catalog uses for the same locus (callers run with that catalog report it)."""

    model_config = ConfigDict(extra="forbid", defer_build=True, frozen=True)

    chrom: str
    start: int
    end: int
    reference_region: str
    locus_id: str
    trid: str | None = None


class Record(CitedRecord):
    id: str  # ExpansionHunter catalog LocusId (C9ORF72, ATXN2, ATXN1, AR)
    gene: str
    hgnc_id: str = Field(pattern=r"^HGNC:\d+$")
    display_motif: str  # motif as clinicians write it (GGGGCC, CAG)
    region: str  # where the repeat lies in the gene
    role: RepeatRole
    diseases: list[str] = Field(min_length=1)
    inheritance: str
    x_linked: bool = False
    caller_ids: list[str] = Field(default_factory=list)  # other LocusId/TRID/REPID spellings
    threshold_sets: list[ThresholdSet] = Field(min_length=1)
    default_set: str
    default_rationale: str
    also_report: list[str] = Field(default_factory=list)  # set ids shown beside the default (e.g. SCA2 range)
    short_read_note: str
    confirmation: str
    notes: list[str] = Field(default_factory=list)
    risk_by_length: list[LengthRisk] = Field(default_factory=list)
    genotype_rules: list[GenotypeRule] = Field(default_factory=list)
    # filled by attach() from data/derived/repeat_catalog.json
    reference_motif: str | None = None
    eh_variant_type: str | None = None
    coordinates: dict[Build, LocusCoordinates] = Field(default_factory=dict)
    other_regions: dict[str, dict[Build, OtherRegion]] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.id

    @model_validator(mode="after")
    def _default_exists(self) -> Record:
        ids = [s.id for s in self.threshold_sets]
        if len(set(ids)) != len(ids):
            raise ValueError("threshold set ids must be unique within a locus")
        for name in [self.default_set, *self.also_report]:
            if name not in ids:
                raise ValueError(f"threshold set {name!r} is not defined for this locus")
        return self

    def threshold_set(self, set_id: str) -> ThresholdSet:
        for item in self.threshold_sets:
            if item.id == set_id:
                return item
        raise KeyError(set_id)

    @property
    def default(self) -> ThresholdSet:
        return self.threshold_set(self.default_set)

    def length_risk(self, size: int) -> LengthRisk | None:
        return next((r for r in self.risk_by_length if r.contains(size)), None)

    def coords(self, build: Build) -> LocusCoordinates | None:
        return self.coordinates.get(build)


def _ranges_from_catalog(values: dict[str, Any]) -> list[SizeRange]:
    """NormalMax / PathogenicMin (+ optional IntermediateRange) -> ranges. Sizes between the two that
    the source does not name are 'intermediate' (label says the source leaves them unnamed)."""
    normal_max = int(values["normal_max"])
    pathogenic_min = int(values["pathogenic_min"])
    ranges = [SizeRange(category=RepeatCategory.NORMAL, max=normal_max, label="≤ NormalMax")]
    if pathogenic_min > normal_max + 1:
        intermediate = values.get("intermediate")
        if intermediate:
            low, high = int(intermediate[0]), int(intermediate[1])
            if low > normal_max + 1:
                ranges.append(SizeRange(category=RepeatCategory.INDETERMINATE, min=normal_max + 1, max=low - 1,
                                        label="not named by the source"))
            ranges.append(SizeRange(category=RepeatCategory.INTERMEDIATE, min=low, max=high, label="IntermediateRange"))
            if high < pathogenic_min - 1:
                ranges.append(SizeRange(category=RepeatCategory.INDETERMINATE, min=high + 1, max=pathogenic_min - 1,
                                        label="not named by the source"))
        else:
            ranges.append(SizeRange(category=RepeatCategory.INTERMEDIATE, min=normal_max + 1, max=pathogenic_min - 1,
                                    label="between NormalMax and PathogenicMin (not named by the source)"))
    ranges.append(SizeRange(category=RepeatCategory.PATHOGENIC, min=pathogenic_min, label="≥ PathogenicMin"))
    return ranges


def load_derived(data_dir: Path) -> dict[str, Any]:
    path = data_dir / DERIVED_FILE
    try:
        loaded: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise KnowledgeError("derived repeat catalog is missing", path=path,
                             hint="run scripts/derive_repeat_loci.py") from exc
    except json.JSONDecodeError as exc:
        raise KnowledgeError(f"not valid JSON: {exc.msg}", path=path, line=exc.lineno,
                             hint="re-run scripts/derive_repeat_loci.py") from exc
    return loaded


def attach(records: list[CitedRecord], data_dir: Path) -> None:
    """Join derived coordinates, other catalogs' regions and catalog thresholds into the records."""
    derived = load_derived(data_dir)["loci"]
    path = data_dir / "repeats.yaml"
    for record in records:
        assert isinstance(record, Record)
        entry = derived.get(record.id)
        if entry is None:
            raise KnowledgeError(f"locus {record.id!r} is not in the derived repeat catalog", path=path,
                                 record=record.id, hint="add it to LOCI in scripts/derive_repeat_loci.py and re-run")
        record.reference_motif = entry["reference_motif"]
        record.eh_variant_type = entry["eh_variant_type"]
        record.coordinates = {Build(b): LocusCoordinates(**c) for b, c in entry["coordinates"].items()}
        record.other_regions = {name: {Build(b): OtherRegion(**c) for b, c in per_build.items()}
                                for name, per_build in entry["other_regions"].items()}
        for tset in record.threshold_sets:
            if tset.derived_from is not None:
                values = entry["thresholds"].get(tset.derived_from)
                if values is None:
                    raise KnowledgeError(f"threshold set {tset.id!r} names unknown derived source {tset.derived_from!r}",
                                         path=path, record=record.id)
                if tset.ranges:
                    raise KnowledgeError(f"threshold set {tset.id!r} is derived: do not type ranges for it",
                                         path=path, record=record.id)
                tset.ranges = _ranges_from_catalog(values)
            problem = tset.check_ranges()
            if problem:
                raise KnowledgeError(problem, path=path, record=record.id)


def shared_data_dir() -> Path | None:
    """``<repo>/../shared/data`` (or $CHARCOT_SHARED_DATA) when present; None in an installed package."""
    env = os.environ.get("CHARCOT_SHARED_DATA")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[4].parent / "shared" / "data")
    for candidate in candidates:
        if (candidate / "str" / "expansionhunter").is_dir():
            return candidate
    return None


def _catalog_regions(data_dir: Path) -> tuple[dict[Build, dict[str, str]], str]:
    """LocusId -> ReferenceRegion per build: from the shared EH catalogs when present, else from the
    copy of their text kept in the derived table."""
    shared = shared_data_dir()
    regions: dict[Build, dict[str, str]] = {}
    if shared is not None:
        for build, stem in ((Build.GRCh37, "grch37"), (Build.GRCh38, "grch38")):
            entries = json.loads((shared / "str" / "expansionhunter" / f"variant_catalog_{stem}.json").read_text())
            regions[build] = {
                e["LocusId"]: (e["ReferenceRegion"][0] if isinstance(e["ReferenceRegion"], list) else e["ReferenceRegion"])
                for e in entries
            }
        return regions, f"{shared}/str/expansionhunter"
    derived = load_derived(data_dir)["loci"]
    for locus, entry in derived.items():
        for build, coords in entry["coordinates"].items():
            regions.setdefault(Build(build), {})[locus] = coords["reference_region"]
    return regions, f"{DERIVED_FILE} (copy of the EH catalog regions)"


def check(records: list[CitedRecord], kb: Knowledge) -> list[Problem]:
    """Each locus's stored 1-based coordinates must equal its ExpansionHunter catalog region converted
    from 0-based half-open; every threshold set must be ordered and non-overlapping."""
    from charcot.knowledge.loader import Problem

    problems: list[Problem] = []
    path = "knowledge/data/repeats.yaml"
    regions, origin = _catalog_regions(kb.data_dir)
    for record in records:
        assert isinstance(record, Record)
        for build in (Build.GRCh37, Build.GRCh38):
            coords = record.coords(build)
            if coords is None:
                problems.append(Problem(path, record.id, f"no {build.value} coordinates"))
                continue
            text = regions.get(build, {}).get(record.id)
            if text is None:
                problems.append(Problem(path, record.id, f"locus not in the ExpansionHunter {build.value} catalog ({origin})"))
                continue
            chrom_part, span = text.rsplit(":", 1)
            start0, end = (int(x) for x in span.split("-"))
            chrom = chrom_part[3:] if chrom_part.lower().startswith("chr") else chrom_part
            if (coords.chrom, coords.start, coords.end) != (chrom, start0 + 1, end):
                problems.append(Problem(
                    path, record.id,
                    f"{build.value} coordinates {coords.chrom}:{coords.start}-{coords.end} (1-based) disagree with the "
                    f"ExpansionHunter catalog {text} (0-based half-open = {chrom}:{start0 + 1}-{end}) in {origin}"))
        for tset in record.threshold_sets:
            for problem in (tset.check_ranges(), tset.check_monotone()):
                if problem:
                    problems.append(Problem(path, record.id, problem))
        ids = {t.id for t in record.threshold_sets}
        for reference in REFERENCE_SETS:
            if reference not in ids:
                problems.append(Problem(path, record.id, f"no {reference!r} threshold set: Stranger's and STRchive's "
                                                         "thresholds are the comparison the field knows"))
            elif record.threshold_set(reference).comparison is None:
                problems.append(Problem(path, record.id, f"threshold set {reference!r} does not say where it "
                                                         "disagrees with charcot's default and why ('comparison')"))
        for rule in record.genotype_rules:
            if rule.min > rule.max:
                problems.append(Problem(path, record.id, f"genotype rule {rule.id!r}: min > max"))
    return problems
