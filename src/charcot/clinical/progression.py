"""Progression rate: ΔFS (Kimura 2006) with published category schemes, and visit-to-visit slopes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel

from charcot.errors import NotAssessable


@dataclass(frozen=True)
class _Band:
    label: str
    lower: float | None  # inclusive
    upper: float | None  # exclusive

    def contains(self, value: float) -> bool:
        if self.lower is not None and value < self.lower:
            return False
        return self.upper is None or value < self.upper

    def rule(self) -> str:
        low = "" if self.lower is None else f"{self.lower} <= "
        high = "" if self.upper is None else f" < {self.upper}"
        return f"{low}ΔFS{high}"


@dataclass(frozen=True)
class Scheme:
    name: str
    source: str
    bands: tuple[_Band, ...]
    note: str | None = None


# Cut-offs as tabulated in a 2021 BMC Neurology review (clinical-algorithms.md §1.1, [V-src]).
SCHEMES: tuple[Scheme, ...] = (
    Scheme("kimura_2006_two_groups", "S-Kim06",
           (_Band("slower", None, 0.67), _Band("faster", 0.67, None))),
    Scheme("kimura_2006_three_groups", "S-Kim06",
           (_Band("slow", None, 0.5), _Band("intermediate", 0.5, 1.0), _Band("fast", 1.0, None))),
    Scheme("gordon_2006", "S-Kja21", (_Band("slower", None, 0.5), _Band("faster", 0.5, None))),
    # Published as <0.25 / 0.25-<0.49 / 0.50-<0.99 / >=1.00 (two-decimal notation); the gaps between
    # 0.49 and 0.50 and between 0.99 and 1.00 are closed at the next band's lower bound.
    Scheme("elamin_2015", "S-Ela15",
           (_Band("very slow", None, 0.25), _Band("slow", 0.25, 0.5), _Band("intermediate", 0.5, 1.0),
            _Band("fast", 1.0, None)),
           note="published bands in two-decimal notation; gaps closed at 0.50 and 1.00"),
    # Labra 2016 as tabulated by the review: < 0.47 / 0.47 <= ΔFS < 1.11 / >= 1.11 (the abstract
    # says "> 1.11"; a value of exactly 1.11 is placed in 'fast', following the review's table).
    Scheme("labra_2016", "S-Lab16",
           (_Band("slow", None, 0.47), _Band("intermediate", 0.47, 1.11), _Band("fast", 1.11, None)),
           note="exactly 1.11 is 'fast' per the review table; the abstract writes > 1.11"),
)


class DeltaFsCategory(BaseModel):
    scheme: str
    label: str
    rule: str
    sources: list[str]
    note: str | None = None


class DeltaFs(BaseModel):
    """(48 - ALSFRS-R total) / months from onset (Kimura 2006); points/month, positive = decline."""

    value: float
    visit_date: date
    total: int
    months_since_onset: float
    categories: list[DeltaFsCategory]
    sources: list[str] = ["S-Kim06"]


def categorise(value: float) -> list[DeltaFsCategory]:
    out: list[DeltaFsCategory] = []
    for scheme in SCHEMES:
        band = next(b for b in scheme.bands if b.contains(value))
        out.append(DeltaFsCategory(scheme=scheme.name, label=band.label, rule=band.rule(), sources=sorted({scheme.source, "S-Kja21"}),
                                   note=scheme.note))
    return out


def delta_fs(total: int, months_since_onset: float, visit_date: date) -> DeltaFs:
    if not 0 <= total <= 48:
        raise ValueError(f"ALSFRS-R total {total} outside 0-48")
    if months_since_onset <= 0:
        raise NotAssessable("ΔFS needs a visit after symptom onset (months since onset must be > 0)")
    value = (48 - total) / months_since_onset
    return DeltaFs(value=round(value, 6), visit_date=visit_date, total=total,
                   months_since_onset=round(months_since_onset, 4), categories=categorise(value))


class Slope(BaseModel):
    method: str  # "two_point_first_last" or "least_squares_all_visits"
    points_per_month: float  # negative = decline
    n_visits: int
    first_date: date
    last_date: date
    description: str


def two_point_slope(times: Sequence[float], totals: Sequence[int], dates: Sequence[date]) -> Slope:
    if len(times) < 2 or times[-1] <= times[0]:
        raise NotAssessable("a two-point slope needs two visits on different dates")
    value = (totals[-1] - totals[0]) / (times[-1] - times[0])
    return Slope(method="two_point_first_last", points_per_month=round(value, 6), n_visits=len(times),
                 first_date=dates[0], last_date=dates[-1],
                 description="(last total - first total) / months between first and last visit")


def least_squares_slope(times: Sequence[float], totals: Sequence[int], dates: Sequence[date]) -> Slope:
    if len(times) < 2 or max(times) <= min(times):
        raise NotAssessable("a least-squares slope needs two visits on different dates")
    n = len(times)
    mean_t = sum(times) / n
    mean_y = sum(totals) / n
    sxx = sum((t - mean_t) ** 2 for t in times)
    sxy = sum((t - mean_t) * (y - mean_y) for t, y in zip(times, totals, strict=True))
    return Slope(method="least_squares_all_visits", points_per_month=round(sxy / sxx, 6), n_visits=n,
                 first_date=dates[0], last_date=dates[-1],
                 description="ordinary least-squares slope of the total over all visits (points/month)")
