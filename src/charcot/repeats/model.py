"""Result types of repeat interpretation (rendered by the report, read by interpret and cohort tools).

The models are built when first used (``defer_build``), not at import (issue 20: ``interpret`` start-up)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from charcot.model import AssessmentStatus, Build, NotAssessed


class _Model(BaseModel):
    """Every repeat result model: its schema built on first use (issue 20: start-up)."""

    model_config = ConfigDict(defer_build=True)


class SupportType(StrEnum):
    """What kind of read evidence sized an allele (decides whether the size is exact or a lower bound)."""

    SPANNING = "spanning"  # reads cover the whole repeat and both flanks: size measured
    FLANKING = "flanking"  # reads enter the repeat from one flank: allele longer than they show
    IN_REPEAT = "in_repeat"  # reads made only of repeat: allele longer than a read
    FRAGMENT = "fragment"  # sized from fragment length / read pairs (GangSTR): an estimate
    LONG_READ = "long_read"  # long reads spanning the repeat (TRGT, LongTR)
    UNKNOWN = "unknown"  # the caller does not say

    @property
    def words(self) -> str:
        """The kind of reads as a reader says it ('in-repeat'), for person-read text."""
        return self.value.replace("_", "-")


class AlleleCategory(StrEnum):
    NORMAL = "normal"
    INTERMEDIATE = "intermediate"
    RISK_ALLELE = "risk_allele"
    REDUCED_PENETRANCE = "reduced_penetrance"
    PATHOGENIC = "pathogenic"
    EXPANDED_AT_LEAST_N = "expanded_at_least_n"
    INDETERMINATE = "indeterminate"


# Most serious first: the locus's overall category is the most serious of its alleles.
SEVERITY: dict[AlleleCategory, int] = {
    AlleleCategory.EXPANDED_AT_LEAST_N: 6,
    AlleleCategory.PATHOGENIC: 6,
    AlleleCategory.REDUCED_PENETRANCE: 5,
    AlleleCategory.RISK_ALLELE: 4,
    AlleleCategory.INTERMEDIATE: 3,
    AlleleCategory.INDETERMINATE: 2,
    AlleleCategory.NORMAL: 1,
}


class SourceClassification(_Model):
    """How one source's thresholds classify an allele."""

    set_id: str
    label: str
    context: str
    category: str | None  # a RepeatCategory value; None when the size falls where the source is silent
    range: str | None = None  # the source's range that contains the size, e.g. "24–30"
    range_label: str | None = None  # that range's own words (e.g. "intermediate, ALS risk (...)")
    range_sources: list[str] = Field(default_factory=list)  # where that range comes from, when the set names it
    thresholds: str  # the whole set, e.g. "normal ≤23; intermediate 24–30; pathogenic ≥31"
    sources: list[str] = Field(default_factory=list)
    confidence: str = "verified"
    is_default: bool = False
    comparison: str | None = None  # Stranger / STRchive: where and why the source differs from charcot's default


class LengthRiskNote(_Model):
    """What a source measured about ALS risk at this allele's length (e.g. a per-length odds ratio)."""

    text: str
    odds_ratio: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    significant: bool | None = None
    sources: list[str] = Field(default_factory=list)
    unverified: bool = False


class GenotypeFinding(_Model):
    """A finding about both alleles together (e.g. bi-allelic intermediate ATXN2)."""

    rule_id: str
    label: str
    category: AlleleCategory
    finding: str
    sources: list[str] = Field(default_factory=list)
    unverified: bool = False
    unverified_note: str | None = None


class AlleleCall(_Model):
    size: int  # repeat units (point estimate; for a lower-bound allele, the caller's estimate)
    ci_low: int | None = None
    ci_high: int | None = None
    lower_bound_only: bool = False  # True: "expanded, at least <at_least> repeats"
    at_least: int | None = None
    support: SupportType = SupportType.UNKNOWN
    reads: dict[str, int] = Field(default_factory=dict)  # spanning / flanking / in_repeat read counts
    length_bp: int | None = None
    category: AlleleCategory
    default_category: str | None = None  # category under the default set (for "at least N": of sizes ≥ N)
    default_band: str | None = None  # the default set's words for the band holding the allele
    default_band_sources: list[str] = Field(default_factory=list)  # that band's own sources
    classifications: list[SourceClassification] = Field(default_factory=list)
    ci_crosses_threshold: bool = False
    length_risk: LengthRiskNote | None = None  # ALS risk measured at this length, where a source gives it
    summary: str = ""


class LocusCall(_Model):
    locus_id: str  # knowledge-base locus id (C9ORF72, ATXN2, ATXN1, AR)
    gene: str
    display_motif: str
    role: str
    diseases: list[str]
    chrom: str
    start: int  # repeat interval as written by the caller, converted to 1-based inclusive
    end: int
    caller_locus_id: str | None = None
    genotype: str
    filter: str | None = None
    alleles: list[AlleleCall] = Field(default_factory=list)
    category: AlleleCategory
    default_set: str
    default_label: str
    default_sources: list[str] = Field(default_factory=list)
    genotype_findings: list[GenotypeFinding] = Field(default_factory=list)
    sources_disagree: bool = False  # some source classifies an allele differently from the default
    disagreement: str | None = None  # only the sources that differ from the default, per allele
    confidence: str = "high"  # high / moderate / low
    recommendation: str | None = None
    sex_note: str | None = None
    warnings: list[str] = Field(default_factory=list)
    # why the locus is indeterminate (the allele or genotype that made it so), in words; None when it is not
    indeterminate_reason: str | None = None
    summary: str = ""

    @property
    def is_expansion(self) -> bool:
        """Pathogenic or expanded under charcot's default thresholds."""
        return self.category in (AlleleCategory.PATHOGENIC, AlleleCategory.EXPANDED_AT_LEAST_N)


class RepeatAssessment(_Model):
    status: AssessmentStatus
    caller: str | None = None
    sample: str | None = None
    samples_in_file: list[str] = Field(default_factory=list)
    build: Build | None = None
    build_source: str | None = None  # "--build", "header contigs", "locus positions"
    sex: str | None = None
    sex_source: str | None = None
    path: str | None = None
    calls: list[LocusCall] = Field(default_factory=list)
    not_assessed: list[NotAssessed] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    summary: str = ""

    def call(self, locus_id: str) -> LocusCall | None:
        for item in self.calls:
            if item.locus_id == locus_id.upper() or item.gene.upper() == locus_id.upper():
                return item
        return None


class RepeatCohort(_Model):
    """Per-sample, per-locus calls of a multi-sample STR VCF (for burden tests and cohort summaries)."""

    caller: str | None
    build: Build | None
    path: str
    samples: list[str]
    assessments: dict[str, RepeatAssessment]

    def carriers(self, locus_id: str) -> list[str]:
        """Samples whose call at the locus is pathogenic or expanded under the default thresholds."""
        out = []
        for sample, assessment in self.assessments.items():
            call = assessment.call(locus_id)
            if call is not None and call.is_expansion:
                out.append(sample)
        return out
