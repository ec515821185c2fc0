"""Epidemiology records (epidemiology.yaml): incidence and prevalence by region (and by sex or age
where the source gives them), the Western Pacific foci, sex ratio, onset age, lifetime risk,
familial share, FTD/cognitive share and survival. Each figure keeps its interval and what kind of
interval it is; ``charcot epi`` reads the incidence records as rate sets."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from charcot.knowledge.base import CitedRecord


class Measure(StrEnum):
    INCIDENCE = "incidence"
    AGE_SPECIFIC_INCIDENCE = "age_specific_incidence"
    PREVALENCE = "prevalence"
    ONSET_AGE = "onset_age"
    SEX_RATIO = "sex_ratio"
    LIFETIME_RISK = "lifetime_risk"
    FAMILIAL_SHARE = "familial_share"
    COGNITION = "cognition"
    SURVIVAL = "survival"
    FOCUS = "focus"  # a geographic focus such as Guam or the Kii peninsula


class Unit(StrEnum):
    PER_100K_PY = "per_100000_person_years"
    PER_100K = "per_100000"
    YEARS = "years"
    MONTHS = "months"
    PERCENT = "percent"
    RATIO = "ratio"
    COUNT = "count"


class Interval(StrEnum):
    CI95 = "ci95"
    IQR = "iqr"
    RANGE = "range"  # a range of estimates or a "between" statement
    NONE = "none"


class Record(CitedRecord):
    id: str
    measure: Measure
    region: str
    sex: str = Field(default="all", pattern=r"^(all|male|female)$")
    age_band: str | None = None  # e.g. "72-77" (years, inclusive)
    period: str | None = None  # study years
    statistic: str = "estimate"  # estimate, crude, standardized, median, mean, peak
    value: float | None = None
    low: float | None = None
    high: float | None = None
    interval: Interval = Interval.NONE
    unit: Unit
    summary: str  # one plain sentence in our own words
    population: str | None = None

    @property
    def key(self) -> str:
        return self.id

    @model_validator(mode="after")
    def _interval_consistent(self) -> Record:
        if (self.low is None) != (self.high is None):
            raise ValueError("give both low and high, or neither")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("low is above high")
        if self.low is not None and self.interval is Interval.NONE:
            raise ValueError("low/high given: say which interval (ci95, iqr, range)")
        if self.value is None and self.low is None:
            raise ValueError("a record needs a value or a low/high range")
        return self

    @property
    def is_rate(self) -> bool:
        """Usable as a crude rate by ``charcot epi expected``."""
        return self.measure is Measure.INCIDENCE and self.unit is Unit.PER_100K_PY and self.value is not None
