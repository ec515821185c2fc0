"""Result types of the cohort analyses (shared by the local and Hail backends).

A backend's only job is to *collapse* a cohort VCF into a :class:`Collapse`: per (gene, class), which
analysed samples carry at least one qualifying allele, plus the qualifying variants with their
carrier counts. Both backends hand that to :func:`charcot.population.api.analyse`, so every test
statistic is computed by the same code and the backends agree to floating-point identity when they
collapse identically (which the tests check).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from charcot.population.masks import MaskResult, MaskVariant

BoolArray = npt.NDArray[np.bool_]


@dataclass
class QualifyingVariant:
    chrom: str
    pos: int
    ref: str
    alt: str
    gene: str
    cls: str
    af: float
    af_source: str  # "population" or "cohort"
    case_carriers: int
    control_carriers: int
    # analysed cases / controls whose genotype here is missing (a no-call, or a call failing genotype QC): they count
    # as not carrying, so a difference between the two groups biases the burden tests; None where not counted
    # (the repeat classes, read from a repeat-caller file)
    case_missing: int | None = None
    control_missing: int | None = None
    # two-sided Fisher test of missing vs called genotypes in cases vs controls (set by population.api)
    missingness_p: float | None = None

    @property
    def key(self) -> tuple[str, str, str, int, str, str]:
        return (self.gene, self.cls, self.chrom, self.pos, self.ref, self.alt)


@dataclass
class GroupCarriers:
    """Carrier status of one (gene, class) across the analysed samples."""

    gene: str
    cls: str
    carriers: BoolArray  # analysed-sample order
    tested: BoolArray  # samples genotyped for this group (all True except for STR groups)
    n_variants: int = 0


@dataclass
class Collapse:
    samples: list[str]
    is_case: BoolArray
    groups: dict[tuple[str, str], GroupCarriers] = field(default_factory=dict)
    variants: list[QualifyingVariant] = field(default_factory=list)
    records_read: int = 0
    records_skipped_filter: int = 0
    records_unfiltered: int = 0  # records read with FILTER '.': the caller's filters were not applied (kept)
    # genotype QC (Criteria.min_gq/min_dp, FORMAT/FT): carrier genotypes of the reported alleles (a qualifying
    # variant or a mask variant) that failed it and were counted as missing
    carrier_genotypes_failed_qc: int = 0
    missense_without_revel: dict[str, int] = field(default_factory=dict)  # gene -> count (not assessed)
    annotation: str | None = None  # CSQ / ANN / BCSQ / None
    notes: list[str] = field(default_factory=list)
    not_assessed: list[dict[str, str]] = field(default_factory=list)  # {"what", "reason"} added by run_burden
    mask_variants: list[MaskVariant] = field(default_factory=list)  # lof/missense alleles with af <= 1%
    mask_covariates: dict[str, BoolArray] = field(default_factory=dict)  # extra 0/1 covariates of the mask tests

    def merge(self, other: Collapse) -> None:
        """OR another partial collapse (same samples, different genomic region) into this one."""
        for key, group in other.groups.items():
            if key in self.groups:
                mine = self.groups[key]
                mine.carriers |= group.carriers
                mine.tested |= group.tested
                mine.n_variants += group.n_variants
            else:
                self.groups[key] = group
        self.variants.extend(other.variants)
        self.mask_variants.extend(other.mask_variants)
        self.records_read += other.records_read
        self.records_skipped_filter += other.records_skipped_filter
        self.records_unfiltered += other.records_unfiltered
        self.carrier_genotypes_failed_qc += other.carrier_genotypes_failed_qc
        for gene, n in other.missense_without_revel.items():
            self.missense_without_revel[gene] = self.missense_without_revel.get(gene, 0) + n
        self.annotation = self.annotation or other.annotation


@dataclass
class GroupResult:
    gene: str
    cls: str
    n_variants: int
    case_carriers: int
    n_cases: int
    control_carriers: int
    n_controls: int
    fisher_or: float
    fisher_p: float
    firth_log_or: float
    firth_se: float
    firth_ci_low: float
    firth_ci_high: float
    firth_p: float
    firth_converged: bool
    acat_v_p: float
    note: str = ""

    @property
    def case_freq(self) -> float:
        return self.case_carriers / self.n_cases if self.n_cases else float("nan")

    @property
    def control_freq(self) -> float:
        return self.control_carriers / self.n_controls if self.n_controls else float("nan")


@dataclass
class BurdenResults:
    backend: str
    n_samples: int
    n_cases: int
    n_controls: int
    covariates: list[str]
    groups: list[GroupResult]
    carrier_frequencies: list[dict[str, object]]
    oligogenic: list[dict[str, object]]
    variants: list[QualifyingVariant]
    notes: list[str]
    not_assessed: list[dict[str, str]]
    masks: list[MaskResult] = field(default_factory=list)
    # wall seconds: "startup" (Hail: JVM + Spark + Hail; 0 for local), "collapse" (reading the genotypes),
    # "tests" (every statistic), "hail_skat" (the hl.skat cross-check pass)
    timings: dict[str, float] = field(default_factory=dict)
