"""The patient's chart (visits recorded by hand in the web workspace) merged into the clinical record by date.

One rule: a date only one side has is taken from that side; a date both have is one visit, each value taken from
the side that records it; a value both record differently (an ALSFRS-R total or item, the vital capacity, the
weight) is a conflict, never resolved by picking one silently. A conflict stops the build (``ChartConflict``) until
a person chooses the chart's values for that date (``ChartChoice``, kept with the case) or corrects the chart to the
record's. The merged record is validated exactly as a file is (``clinical.io.case_from_mapping``: ALSFRS-R ranges,
impossible values, weights in pounds against every other weighing, chronology), and a problem in a chart visit is
named as the chart's visit of its date, not as a line of the record file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from charcot.errors import InputError

RECORD, CHART, BOTH = "clinical record", "patient chart", "clinical record and patient chart"
#: A chart visit's ALSFRS-R total without its 12 items: the record's ALSFRS-R analyses read the items.
TOTAL_ONLY = ("ALSFRS-R total from the patient chart without its 12 items: shown, not used for the ALSFRS-R slope, "
              "ΔFS, D50 or staging (they read the 12 items)")


@dataclass(frozen=True)
class ChartVisit:
    """One visit of the patient's chart as the web workspace stores it."""

    date: date
    alsfrs_r: int | None = None  # the total (the sum of ``items`` when they are given)
    items: dict[str, int] | None = None  # q1..q12 with q5a or q5b
    fvc_percent: float | None = None  # forced vital capacity, % predicted
    weight_kg: float | None = None
    weight_confirmed: bool = False
    entered: str = "entered in the patient chart"  # who entered it and when, in words

    def values(self) -> dict[str, Any]:
        return {"alsfrs_r": self.alsfrs_r, "items": self.items, "fvc_percent": self.fvc_percent,
                "weight_kg": self.weight_kg}


@dataclass(frozen=True)
class ChartChoice:
    """A person's decision on one conflict: the chart's values used for ``date`` while both sides still hold the
    values the decision was made on (``fingerprint``)."""

    date: date
    fingerprint: str
    by: str
    at: str


@dataclass(frozen=True)
class Conflict:
    date: date
    differences: tuple[tuple[str, str, str], ...]  # (what, the record's value, the chart's value)
    fingerprint: str

    def words(self) -> str:
        return f"{self.date.isoformat()}: " + "; ".join(
            f"{what} {rec} in the clinical record, {chart} in the patient chart" for what, rec, chart in self.differences)


@dataclass(frozen=True)
class Chart:
    """The chart as one build read it: its visits, the decisions on conflicts, and the snapshot's identity."""

    visits: Sequence[ChartVisit] = ()
    choices: Sequence[ChartChoice] = ()
    last_changed: datetime | None = None
    record_name: str | None = None  # the clinical record's name as the user gave it (an upload's file name)

    def digest(self) -> str:
        rows = [[v.date.isoformat(), v.values(), v.weight_confirmed] for v in sorted(self.visits, key=lambda v: v.date)]
        chosen = sorted([c.date.isoformat(), c.fingerprint] for c in self.choices)
        return hashlib.sha256(json.dumps([rows, chosen], sort_keys=True).encode()).hexdigest()


@dataclass
class VisitOrigin:
    source: str  # RECORD, CHART or BOTH
    words: str
    alsfrs_r: int | None = None  # the total the report states (a chart total without items included)
    note: str | None = None
    from_chart: bool = False  # the chart gave a value the report states (alone, beside the record, or chosen)


class ChartConflict(InputError):
    """The chart and the clinical record give one date different values: a person must choose."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        super().__init__(
            f"the patient chart and the clinical record disagree on {len(conflicts)} visit(s): "
            + " | ".join(c.words() for c in conflicts),
            hint="on the case page, keep the clinical record's values (the chart is corrected to them) or the "
                 "chart's, for each date; the report is then built again")


@dataclass
class Merged:
    case: Any  # ClinicalCase
    origins: dict[date, VisitOrigin] = field(default_factory=dict)
    total_only: list[date] = field(default_factory=list)


def _num(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def _record_side(visit: Any) -> dict[str, Any]:
    """A validated record visit's values in the chart's terms."""
    items = visit.alsfrs_r.model_dump(exclude_none=True) if visit.alsfrs_r is not None else None
    slow = visit.fvc_kind.value == "slow"
    return {"alsfrs_r": sum(visit.alsfrs_r.items()) if visit.alsfrs_r is not None else None, "items": items,
            "vc": _num(visit.fvc_percent_predicted), "slow": slow, "weight_kg": _num(visit.weight_kg)}


def _said(value: Any, unit: str = "") -> str:
    return "not recorded" if value is None else f"{value:g}{unit}"


def differences(record_visit: Any, chart: ChartVisit) -> list[tuple[str, str, str]]:
    """The values a record visit and the chart's visit of its date both record, differently."""
    rec = _record_side(record_visit)
    out: list[tuple[str, str, str]] = []
    if rec["alsfrs_r"] is not None and chart.alsfrs_r is not None:
        if rec["alsfrs_r"] != chart.alsfrs_r:
            out.append(("ALSFRS-R", str(rec["alsfrs_r"]), str(chart.alsfrs_r)))
        elif chart.items and rec["items"] != chart.items:
            items = sorted(set(rec["items"]) | set(chart.items), key=lambda q: int(re.sub(r"\D", "", q)))
            diff = [q for q in items if rec["items"].get(q) != chart.items.get(q)]
            out.append(("ALSFRS-R items", ", ".join(f"{q} {rec['items'].get(q, '-')}" for q in diff),
                        ", ".join(f"{q} {chart.items.get(q, '-')}" for q in diff)))
    if rec["vc"] is not None and chart.fvc_percent is not None:
        if rec["slow"]:
            out.append(("vital capacity", f"slow VC {rec['vc']:g} %", f"FVC {chart.fvc_percent:g} %"))
        elif rec["vc"] != _num(chart.fvc_percent):
            out.append(("FVC % predicted", f"{rec['vc']:g}", f"{chart.fvc_percent:g}"))
    if rec["weight_kg"] is not None and chart.weight_kg is not None and rec["weight_kg"] != _num(chart.weight_kg):
        out.append(("weight", f"{rec['weight_kg']:g} kg", f"{chart.weight_kg:g} kg"))
    return out


def _fingerprint(when: date, diffs: list[tuple[str, str, str]]) -> str:
    return hashlib.sha256(json.dumps([when.isoformat(), diffs]).encode()).hexdigest()[:16]


def conflicts(record_visits: Sequence[Any], chart: Chart) -> list[Conflict]:
    """Every date the record and the chart give different values, with or without a choice made."""
    by_date = {v.date: v for v in record_visits}
    out = []
    for cv in sorted(chart.visits, key=lambda v: v.date):
        rv = by_date.get(cv.date)
        diffs = differences(rv, cv) if rv is not None else []
        if diffs:
            out.append(Conflict(cv.date, tuple(diffs), _fingerprint(cv.date, diffs)))
    return out


def _chart_raw(cv: ChartVisit) -> dict[str, Any]:
    raw: dict[str, Any] = {"date": cv.date}
    if cv.items:
        raw["alsfrs_r"] = dict(cv.items)
    if cv.fvc_percent is not None:
        raw["fvc_percent_predicted"] = cv.fvc_percent
    if cv.weight_kg is not None:
        raw["weight_kg"] = cv.weight_kg
        if cv.weight_confirmed:
            raw["weight_confirmed"] = True
    return raw


def _take_chart(raw: dict[str, Any], cv: ChartVisit, what: set[str]) -> list[str]:
    """Put the chart's values named in ``what`` ('alsfrs', 'vc', 'weight') into a record visit's raw mapping."""
    taken = []
    if "alsfrs" in what and cv.alsfrs_r is not None:
        if cv.items:
            raw["alsfrs_r"] = dict(cv.items)
        else:
            raw.pop("alsfrs_r", None)
        taken.append("ALSFRS-R")
    if "vc" in what and cv.fvc_percent is not None:
        raw["fvc_percent_predicted"] = cv.fvc_percent
        raw["fvc_kind"] = "forced"
        raw.pop("fvc_reference_equation", None)
        taken.append("FVC")
    if "weight" in what and cv.weight_kg is not None:
        raw["weight_kg"] = cv.weight_kg
        raw["weight_confirmed"] = cv.weight_confirmed
        taken.append("weight")
    return taken


def merge(raw: dict[str, Any], record: Any, path: Path, locate: Callable[[tuple[int | str, ...]], str | None] | None,
          chart: Chart, validate: Callable[..., Any]) -> Merged:
    """The record (``raw`` as read, ``record`` as validated alone) with the chart's visits merged by date, validated
    by ``validate`` (``clinical.io.case_from_mapping``) as a file is. Raises ``ChartConflict`` for a date whose
    values differ and no current choice covers."""
    from charcot.clinical.model import Visit

    found = conflicts(record.visits, chart)
    chosen = {(c.date, c.fingerprint): c for c in chart.choices}
    open_ = [c for c in found if (c.date, c.fingerprint) not in chosen]
    if open_:
        raise ChartConflict(open_)
    resolved = {c.date: (c, chosen[(c.date, c.fingerprint)]) for c in found}
    name = chart.record_name or path.name
    raw_visits = list(raw.get("visits") or [])
    record_dates = [Visit.model_validate(rv).date for rv in raw_visits]
    charted = {cv.date: cv for cv in chart.visits}
    entries: list[tuple[date, dict[str, Any], int | None]] = []  # (date, raw visit, index in the record file)
    origins: dict[date, VisitOrigin] = {}
    total_only: list[date] = []
    for index, (when, rv) in enumerate(zip(record_dates, raw_visits, strict=True)):
        merged_raw = dict(rv)
        cv = charted.get(when)
        origin = VisitOrigin(RECORD, f"clinical record {name}")
        if cv is not None:
            rec = _record_side(next(v for v in record.visits if v.date == when))
            added = _take_chart(merged_raw, cv, {k for k, have in (("alsfrs", rec["alsfrs_r"]), ("vc", rec["vc"]),
                                                                   ("weight", rec["weight_kg"])) if have is None})
            words = f"clinical record {name}; the patient chart agrees ({cv.entered})"
            if when in resolved:
                conflict, choice = resolved[when]
                whats = {"ALSFRS-R": "alsfrs", "ALSFRS-R items": "alsfrs", "vital capacity": "vc",
                         "FVC % predicted": "vc", "weight": "weight"}
                _take_chart(merged_raw, cv, {whats[d[0]] for d in conflict.differences})
                words = (f"patient chart ({cv.entered}), chosen over the clinical record {name} ("
                         + "; ".join(f"{w} {rec_v} there" for w, rec_v, _ in conflict.differences)
                         + f") by {choice.by} on {choice.at}")
            elif added:
                words = (f"clinical record {name}, with the {' and '.join(added)} from the patient chart "
                         f"({cv.entered})")
            origin = VisitOrigin(BOTH, words, from_chart=bool(added) or when in resolved)
            if cv.alsfrs_r is not None and not cv.items and "alsfrs_r" not in merged_raw:
                origin.alsfrs_r, origin.note = cv.alsfrs_r, TOTAL_ONLY
                total_only.append(when)
        origins[when] = origin
        entries.append((when, merged_raw, index))
    for cv in chart.visits:
        if cv.date in origins:
            continue
        origin = VisitOrigin(CHART, f"patient chart ({cv.entered})", from_chart=True)
        if cv.alsfrs_r is not None and not cv.items:
            origin.alsfrs_r, origin.note = cv.alsfrs_r, TOTAL_ONLY
            total_only.append(cv.date)
        origins[cv.date] = origin
        entries.append((cv.date, _chart_raw(cv), None))
    entries.sort(key=lambda e: e[0])
    merged = {**raw, "visits": [e[1] for e in entries]}

    def label(i: int) -> str | None:
        if not 0 <= i < len(entries):
            return None
        when, _, at = entries[i]
        return f"the patient chart's visit of {when.isoformat()}" if at is None else None

    def locate_merged(loc: tuple[int | str, ...]) -> str | None:
        if len(loc) >= 2 and loc[0] == "visits" and isinstance(loc[1], int) and 0 <= loc[1] < len(entries):
            at = entries[loc[1]][2]
            if at is None:
                rest = ".".join(str(p) for p in loc[2:])
                return label(loc[1]) + (f" ({rest})" if rest else "")  # type: ignore[operator]
            inner = (loc[0], at, *loc[2:])
            return (locate(inner) if locate else None) or ".".join(
                str(p + 1) if isinstance(p, int) else str(p) for p in inner)
        return locate(loc) if locate else None

    def renumbered(text: str) -> str:
        """'visits.5.weight_kg' and 'visit 5' of the merged list in the words of the file or the chart."""
        def one(m: re.Match[str], dotted: bool) -> str:
            i = int(m.group(1)) - 1
            if not 0 <= i < len(entries):
                return m.group(0)
            at, tail = entries[i][2], (m.group(2) or "") if dotted else ""
            if at is None:
                return f"the patient chart's {tail[1:]}" if tail else str(label(i))
            return f"visits.{at + 1}{tail}" if dotted else f"visit {at + 1}"
        text = re.sub(r"\bvisits\.(\d+)(\.[a-z_0-9]+)?", lambda m: one(m, True), text)
        return re.sub(r"\bvisit (\d+)\b", lambda m: one(m, False), text)

    try:
        case = validate(merged, path, locate_merged)
    except InputError as exc:
        message = renumbered(exc.message)
        record = renumbered(exc.record) if exc.record else None
        hint = renumbered(exc.hint) if exc.hint else None
        if CHART in message + (record or ""):
            raise InputError(message, record=record,
                             hint="correct that visit in the patient chart (a weight checked to be right: tick "
                                  "'weight confirmed') or the clinical record" + (f"; {hint}" if hint else "")) from exc
        raise InputError(message, path=exc.path, record=record, hint=hint) from exc
    return Merged(case=case, origins=origins, total_only=total_only)
