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
    lower: float | None  # inclusive unless ``lower_open``
    upper: float | None  # exclusive unless ``upper_closed``
    lower_open: bool = False
    upper_closed: bool = False

    def contains(self, value: float) -> bool:
        if self.lower is not None and (value <= self.lower if self.lower_open else value < self.lower):
            return False
        if self.upper is None:
            return True
        return value <= self.upper if self.upper_closed else value < self.upper

    def rule(self) -> str:
        low = "" if self.lower is None else f"{self.lower} {'<' if self.lower_open else '<='} "
        high = "" if self.upper is None else f" {'<=' if self.upper_closed else '<'} {self.upper}"
        return f"{low}ΔFS{high}"


@dataclass(frozen=True)
class Scheme:
    name: str  # identifier (JSON)
    title: str  # what a clinician reads
    source: str
    bands: tuple[_Band, ...]
    note: str | None = None


# Cut-offs as tabulated in a 2021 BMC Neurology review (clinical-algorithms.md §1.1, [V-src]).
SCHEMES: tuple[Scheme, ...] = (
    Scheme("kimura_2006_two_groups", "Kimura 2006, two groups", "S-Kim06",
           (_Band("slower", None, 0.67), _Band("faster", 0.67, None))),
    Scheme("kimura_2006_three_groups", "Kimura 2006, three groups", "S-Kim06",
           (_Band("slow", None, 0.5), _Band("intermediate", 0.5, 1.0), _Band("fast", 1.0, None))),
    Scheme("gordon_2006", "Gordon 2006", "S-Kja21", (_Band("slower", None, 0.5), _Band("faster", 0.5, None))),
    # Published as <0.25 / 0.25-<0.49 / 0.50-<0.99 / >=1.00 (two-decimal notation); the gaps between
    # 0.49 and 0.50 and between 0.99 and 1.00 are closed at the next band's lower bound.
    Scheme("elamin_2015", "Elamin 2015", "S-Ela15",
           (_Band("very slow", None, 0.25), _Band("slow", 0.25, 0.5), _Band("intermediate", 0.5, 1.0),
            _Band("fast", 1.0, None)),
           note="published bands in two-decimal notation; gaps closed at 0.50 and 1.00"),
    # Labra 2016: "< 0.47" slow, "0.47-1.11" intermediate, "> 1.11" fast (the paper's wording; a
    # value of exactly 1.11 is intermediate).
    Scheme("labra_2016", "Labra 2016", "S-Lab16",
           (_Band("slow", None, 0.47), _Band("intermediate", 0.47, 1.11, upper_closed=True),
            _Band("fast", 1.11, None, lower_open=True)),
           note="fast is > 1.11 as published; exactly 1.11 is intermediate"),
)


class DeltaFsCategory(BaseModel):
    scheme: str  # the scheme as a clinician reads it, e.g. "Kimura 2006, two groups"
    scheme_id: str
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
    """Bands of ``value`` taken to the two decimals the cut-offs are published in and ΔFS is printed with
    (0.6653 prints as 0.67 and is 'faster' in Kimura's two groups, whose cut-off is 0.67)."""
    value = round(value, 2)
    out: list[DeltaFsCategory] = []
    for scheme in SCHEMES:
        band = next(b for b in scheme.bands if b.contains(value))
        out.append(DeltaFsCategory(scheme=scheme.title, scheme_id=scheme.name, label=band.label, rule=band.rule(), sources=sorted({scheme.source, "S-Kja21"}),
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
