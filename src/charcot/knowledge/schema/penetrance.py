"""Penetrance records: age-dependent cumulative onset curves per gene, and population-level
maximum penetrance estimates.

A curve gives F(t), the cumulative probability of onset by age t *among carriers who become
affected* (the onset-age distribution). Lifetime non-penetrance x is a separate model parameter
(charcot.family): a carrier's risk by age t is (1 - x)·F(t).

Curve kinds:
* ``table``: a column of ``data/derived/penetrance_<gene>.tsv`` (written by
  ``scripts/derive_penetrance.py`` from a shared dataset), one value per integer age 0..100;
* ``logistic``: F(t) = 1 / (1 + exp(-(t - m)/s)) with m, s given (fitted by the same script);
* ``anchored_logistic``: m and s solved from one or two cited anchor points (age, cumulative). With
  one anchor the spread s is borrowed from another curve (``borrow_spread_from``): an assumption,
  stated on the record and marked unverified.
"""

from __future__ import annotations

import itertools
import math
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, model_validator

from charcot.errors import KnowledgeError
from charcot.knowledge.base import CitedRecord
from charcot.model import Confidence

if TYPE_CHECKING:
    from charcot.knowledge import Knowledge
    from charcot.knowledge.loader import Problem

MAX_AGE = 100


class CurveKind(StrEnum):
    TABLE = "table"
    LOGISTIC = "logistic"
    ANCHORED_LOGISTIC = "anchored_logistic"


class CurveSex(StrEnum):
    ALL = "all"
    FEMALE = "female"
    MALE = "male"


class Anchor(BaseModel):
    """One cited point of a cumulative onset curve: a fraction ``cumulative`` with onset by ``age``."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    age: float = Field(gt=0, lt=MAX_AGE)
    cumulative: float = Field(gt=0, lt=1)
    meaning: str
    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED


class Curve(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    title: str | None = Field(default=None, min_length=1,
                              description="the curve in a few words, as clinician-facing text names it (released "
                                          "snapshots before 2026.11.7 have none: the id is shown)")
    sex: CurveSex = CurveSex.ALL
    kind: CurveKind
    description: str
    table: str | None = None  # file under data/, for kind=table
    column: str | None = None
    m: float | None = None
    s: float | None = Field(default=None, gt=0)
    anchors: list[Anchor] = Field(default_factory=list)
    borrow_spread_from: str | None = None  # "GENE:curve_id" or "derived/<fit>.json#<fit name>"
    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED
    # filled by attach(): F at integer ages 0..MAX_AGE
    values: list[float] = Field(default_factory=list)

    @model_validator(mode="after")
    def _kind_fields(self) -> Curve:
        if self.kind is CurveKind.TABLE and not (self.table and self.column):
            raise ValueError(f"curve {self.id}: kind 'table' needs table and column")
        if self.kind is CurveKind.LOGISTIC and (self.m is None or self.s is None):
            raise ValueError(f"curve {self.id}: kind 'logistic' needs m and s")
        if self.kind is CurveKind.ANCHORED_LOGISTIC:
            if not 1 <= len(self.anchors) <= 2:
                raise ValueError(f"curve {self.id}: kind 'anchored_logistic' needs one or two anchors")
            if len(self.anchors) == 1 and not self.borrow_spread_from:
                raise ValueError(f"curve {self.id}: a one-anchor curve must name borrow_spread_from")
        return self


class PopulationPenetrance(BaseModel):
    """Population-level maximum penetrance (e.g. from carrier frequency vs disease prevalence)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    estimate: float = Field(gt=0, le=1)
    ci_low: float | None = Field(default=None, gt=0, le=1)
    ci_high: float | None = Field(default=None, gt=0, le=1)
    carrier_frequency: float | None = Field(default=None, gt=0, lt=1)
    carrier_frequency_text: str | None = None
    method: str
    sources: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.VERIFIED


class Record(CitedRecord):
    gene: str
    scope: str = "all pathogenic variants"
    curves: list[Curve] = Field(min_length=1)
    default_curve: str
    population: PopulationPenetrance | None = None
    default_nonpenetrance: float = Field(ge=0, lt=1)
    nonpenetrance_rationale: str
    # X-linked genes: males are hemizygous (curve and default_nonpenetrance); heterozygous females
    # have their own lifetime non-penetrance (and their own curve when a '<id>_female' curve exists).
    x_linked: bool = False
    female_nonpenetrance: float | None = Field(default=None, ge=0, le=1)
    notes: str | None = None

    @property
    def key(self) -> str:
        return self.gene

    @model_validator(mode="after")
    def _default_exists(self) -> Record:
        ids = [c.id for c in self.curves]
        if self.default_curve not in ids:
            raise ValueError(f"default_curve {self.default_curve!r} is not one of {ids}")
        if len(set(ids)) != len(ids):
            raise ValueError("curve ids must be unique")
        if self.x_linked and self.female_nonpenetrance is None:
            raise ValueError("an X-linked record needs female_nonpenetrance (heterozygous females' own penetrance)")
        return self

    def curve(self, curve_id: str | None = None, sex: str | None = None) -> Curve:
        """The named curve (default: ``default_curve``); with ``sex`` ('female'/'male') the
        sex-specific curve of the same family (``<id>_<sex>``) when the data provide one."""
        wanted = curve_id or self.default_curve
        by_id = {c.id: c for c in self.curves}
        if wanted not in by_id:
            raise KeyError(f"{self.gene} has no penetrance curve {wanted!r} (have: {', '.join(by_id)})")
        if sex in ("female", "male") and f"{wanted}_{sex}" in by_id:
            return by_id[f"{wanted}_{sex}"]
        return by_id[wanted]


def _logistic_values(m: float, s: float) -> list[float]:
    return [1.0 / (1.0 + math.exp(-(age - m) / s)) for age in range(MAX_AGE + 1)]


def _read_table(path: Path, column: str) -> list[float]:
    try:
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    except FileNotFoundError as exc:
        raise KnowledgeError("derived penetrance table is missing", path=path,
                             hint="run scripts/derive_penetrance.py") from exc
    header = lines[0].split("\t")
    if column not in header:
        raise KnowledgeError(f"column {column!r} not in derived table", path=path)
    idx = header.index(column)
    values = [float(ln.split("\t")[idx]) for ln in lines[1:]]
    if len(values) != MAX_AGE + 1:
        raise KnowledgeError(f"expected {MAX_AGE + 1} ages, found {len(values)}", path=path)
    return values


def attach(records: list[Record], data_dir: Path) -> None:
    """Fill every curve's ``values`` (tables read, logistic forms evaluated, anchors solved)."""
    spreads: dict[str, float] = {}
    pending: list[tuple[Record, Curve]] = []
    for record in records:
        for curve in record.curves:
            if curve.kind is CurveKind.TABLE:
                assert curve.table and curve.column
                curve.values = _read_table(data_dir / curve.table, curve.column)
            elif curve.kind is CurveKind.LOGISTIC:
                assert curve.m is not None and curve.s is not None
                curve.values = _logistic_values(curve.m, curve.s)
                spreads[f"{record.gene}:{curve.id}"] = curve.s
            else:
                pending.append((record, curve))
    for record, curve in pending:
        a = curve.anchors
        if len(a) == 2:
            # logit F = (t - m)/s at both anchors: two linear equations in m and s.
            l0 = math.log(a[0].cumulative / (1 - a[0].cumulative))
            l1 = math.log(a[1].cumulative / (1 - a[1].cumulative))
            if l1 == l0 or (a[1].age - a[0].age) / (l1 - l0) <= 0:
                raise KnowledgeError(f"curve {curve.id}: anchors are not increasing", record=record.gene)
            s = (a[1].age - a[0].age) / (l1 - l0)
            m = a[0].age - s * l0
        else:
            ref = curve.borrow_spread_from or ""
            if "#" in ref:  # "derived/<file>.json#<fit name>": a spread fitted by a derivation script
                import json

                file_name, fit_name = ref.split("#", 1)
                try:
                    spreads[ref] = float(json.loads((data_dir / file_name).read_text())["fits"][fit_name]["s"])
                except (OSError, KeyError, ValueError) as exc:
                    raise KnowledgeError(f"curve {curve.id}: cannot read spread {ref!r}", record=record.gene) from exc
            if ref not in spreads:
                raise KnowledgeError(f"curve {curve.id}: borrow_spread_from {ref!r} is not a logistic curve",
                                     record=record.gene)
            s = spreads[ref]
            m = a[0].age - s * math.log(a[0].cumulative / (1 - a[0].cumulative))
        curve.m, curve.s = round(m, 4), round(s, 4)
        curve.values = _logistic_values(m, s)


def check(records: list[Record], kb: Knowledge) -> list[Problem]:
    from charcot.knowledge.loader import Problem

    problems: list[Problem] = []
    for record in records:
        for curve in record.curves:
            v = curve.values
            if any(b < a - 1e-12 for a, b in itertools.pairwise(v)):
                problems.append(Problem("knowledge/data/penetrance.yaml", record.gene,
                                        f"curve {curve.id} is not non-decreasing"))
            if v and not (v[0] >= 0.0 and v[-1] <= 1.0):
                problems.append(Problem("knowledge/data/penetrance.yaml", record.gene,
                                        f"curve {curve.id} leaves [0, 1]"))
        if kb.find_gene(record.gene) is None and kb.genes:
            problems.append(Problem("knowledge/data/penetrance.yaml", record.gene, "gene not in genes.yaml"))
    return problems
