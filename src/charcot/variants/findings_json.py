"""The findings JSON of ``charcot interpret --format json`` (format 2) and its reader.

A whole genome has about 9,000 alleles in the panel genes, almost all intronic calls without annotation whose
findings differ only in where the allele is and what the genotype was. Format 1 repeated every field of every
one of them (12 MB for a whole genome). Format 2 keeps the same information, losslessly:

* ``findings``: every reportable finding (coding or splice region, by annotation or exon table) and every
  finding that is not classified (consequence unknown: a status a reader must see), in full, in the run's order;
* ``not_reportable``: every other finding (not reportable, classified), as a table. ``groups`` holds each distinct finding once without its
  per-allele fields; ``columns`` names the fields of a row and ``rows`` holds one row per finding: its index in
  the run's order, its per-allele fields, and the number of its group. ``count`` is the number of rows and
  ``by_gene`` / ``by_region`` / ``by_classification`` count them exactly;
* ``findings_format``: 2 (absent in format 1, where ``findings`` listed everything).

``load`` reads both formats back into an ``InterpretationResult`` equal to the one written.
"""

from __future__ import annotations

import json
import operator
from collections import Counter
from typing import Any

from charcot.variants.model import InterpretationResult, VariantFinding

FINDINGS_FORMAT = 2
# the fields of a finding that vary between alleles of one group (the rest are the group's)
ROW_FIELDS = ("key", "chrom", "pos", "ref", "alt", "genotype", "phased", "phase_set", "genotype_quality", "depth")
ROW_POSITION_FIELDS = ("intron", "description")
COLUMNS = ("index", *ROW_FIELDS, *(f"position.{x}" for x in ROW_POSITION_FIELDS), "group")
_SHARED_FIELDS = tuple(name for name in VariantFinding.model_fields if name not in ROW_FIELDS and name != "position")
_SHARED_POSITION = ("transcript", "region", "exon", "exon_count", "nmd_escape")


_get_shared = operator.itemgetter(*_SHARED_FIELDS)
_get_rows = operator.itemgetter(*ROW_FIELDS)
_NOT_SHARED = {*ROW_FIELDS, "position"}
# findings written in full reuse the dump of an earlier finding with the same shared values (False: each dumped alone;
# tests/variants/test_findings_json.py compares both)
_REUSE_FULL = True
_get_shared_position = operator.itemgetter(*_SHARED_POSITION)


def _shared_values(f: VariantFinding) -> tuple[Any, ...]:
    return _get_shared(f.__dict__), _get_shared_position(f.position.__dict__)


def _shared_dump(f: VariantFinding) -> dict[str, Any]:
    data = f.model_dump(mode="json", exclude=set(ROW_FIELDS))
    for name in ROW_POSITION_FIELDS:
        data["position"].pop(name)
    return data


def dump(result: InterpretationResult) -> str:
    """The findings JSON (format 2, see the module's docstring): sorted keys, no indent (the C encoder)."""
    data = result.model_dump(mode="json", exclude={"findings"})
    full: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    group_of: dict[str, int] = {}
    # findings copied from one template share their sub-objects (the inheritance object first of all): the
    # template's dump is reused when every shared value is the same, else the finding is dumped itself
    seen: dict[int, tuple[tuple[Any, ...], int]] = {}
    rows: list[list[Any]] = []
    # the rows' genes, regions and classes, counted once at the end (Counter over a list counts in C; issue 20)
    genes: list[str] = []
    regions: list[str] = []
    classes: list[Any] = []
    # the same for the findings written in full: a copy's dump is its template's shared part, its own row fields and
    # its position (one dump per position object)
    seen_full: dict[int, tuple[tuple[Any, ...], dict[str, Any]]] = {}
    positions: dict[int, dict[str, Any]] = {}  # by id: every position lives in result.findings while this runs
    for i, f in enumerate(result.findings):
        if f.reportable or f.classification is None:
            if not _REUSE_FULL:
                full.append(f.model_dump(mode="json"))
                continue
            values = _shared_values(f)
            known = seen_full.get(id(f.inheritance))
            if known is None or known[0] != values:
                known = seen_full[id(f.inheritance)] = (values, f.model_dump(mode="json", exclude=_NOT_SHARED))
            p = f.position
            dumped = positions.get(id(p))
            if dumped is None:
                dumped = positions[id(p)] = p.model_dump(mode="json")
            data_f = dict(known[1])
            data_f.update(zip(ROW_FIELDS, _get_rows(f.__dict__), strict=True))
            data_f["position"] = dict(dumped)
            full.append(data_f)
            continue
        values = _shared_values(f)
        hit = seen.get(id(f.inheritance))
        if hit is not None and hit[0] == values:
            group = hit[1]
        else:
            shared = _shared_dump(f)
            text = json.dumps(shared, sort_keys=True, separators=(",", ":"), check_circular=False)
            group = group_of.get(text, -1)
            if group < 0:
                group = group_of[text] = len(groups)
                groups.append(shared)
            seen[id(f.inheritance)] = (values, group)
        p = f.position
        rows.append([i, *_get_rows(f.__dict__), p.intron, p.description, group])
        genes.append(f.gene)
        regions.append(p.region)
        classes.append(f.classification)  # by member: its value is read once per class below, not once per row
    data["findings"] = full
    data["findings_format"] = FINDINGS_FORMAT
    data["not_reportable"] = {"count": len(rows), "by_gene": dict(Counter(genes)), "by_region": dict(Counter(regions)),
                              "by_classification": {c.value: n for c, n in Counter(classes).items()},
                              "columns": list(COLUMNS), "groups": groups, "rows": rows}
    # check_circular=False: the dumps above are trees of plain values, so the encoder's cycle check (a dict entry per
    # container: some 30,000 in a genome's findings) finds nothing; the text is the same (issue 20)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), check_circular=False) + "\n"


def expand(data: dict[str, Any]) -> dict[str, Any]:
    """A parsed findings JSON of either format as a format-1 mapping (every finding in ``findings``, in order)."""
    data = dict(data)
    version = data.pop("findings_format", 1)
    table = data.pop("not_reportable", None)
    if version == 1 or table is None:
        return data
    if version != FINDINGS_FORMAT or list(table["columns"]) != list(COLUMNS):
        raise ValueError(f"findings JSON format {version} with columns {table.get('columns')} is not one this "
                         f"charcot reads (format {FINDINGS_FORMAT})")
    full = list(data["findings"])
    total = len(full) + len(table["rows"])
    out: list[dict[str, Any] | None] = [None] * total
    n_row = len(ROW_FIELDS)
    for row in table["rows"]:
        shared = table["groups"][row[-1]]
        finding = dict(shared)
        finding.update(zip(ROW_FIELDS, row[1:1 + n_row], strict=True))
        finding["position"] = {**shared["position"], **dict(zip(ROW_POSITION_FIELDS, row[1 + n_row:-1], strict=True))}
        out[row[0]] = finding
    rest = iter(full)
    data["findings"] = [f if f is not None else next(rest) for f in out]
    return data


def load(text: str | bytes) -> InterpretationResult:
    """An ``InterpretationResult`` from a findings JSON of either format."""
    return InterpretationResult.model_validate(expand(json.loads(text)))


__all__ = ["COLUMNS", "FINDINGS_FORMAT", "dump", "expand", "load"]
