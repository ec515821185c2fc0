"""Read case/control phenotypes (and covariates) for a cohort.

Accepted files:

* **TSV** with a header line. The sample column is the first column named ``sample``, ``sample_id``,
  ``iid`` or ``id`` (case-insensitive), otherwise the first column. The status column is ``status``
  (or ``phenotype``/``affected``). Any other column can be used as a covariate.
* **PED** (``.ped``/``.fam``, no header, whitespace separated: family, sample, father, mother, sex,
  phenotype). Sex (1 male, 2 female) becomes covariate ``sex``.

Status codings (detected from the whole column, never mixed):

* ``case``/``control`` (also ``affected``/``unaffected``), case-insensitive;
* ``1``/``0`` with 1 = case;
* PED ``2``/``1`` with 2 = case (``0`` or ``-9`` = missing is not accepted: give each sample a status).

A column holding only ``1`` is read as 1/0 coding with no controls (and then rejected: a burden test
needs both groups). A column mixing ``0``, ``1`` and ``2`` is ambiguous and rejected.

Sex covariate values: ``M``/``male``/``1`` -> 0, ``F``/``female``/``2`` -> 1. Other covariates must
be numbers. Every error names the file, the line and the sample.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from charcot.errors import InputError

SAMPLE_COLUMNS = ("sample", "sample_id", "iid", "id")
STATUS_COLUMNS = ("status", "phenotype", "affected")
_CASE_WORDS = {"case": True, "control": False, "affected": True, "unaffected": False}
_SEX = {"m": 0.0, "male": 0.0, "1": 0.0, "f": 1.0, "female": 1.0, "2": 1.0}


@dataclass
class Phenotypes:
    """Case/control status (True = case) and covariates, by sample id, in file order."""

    path: str
    samples: list[str]
    status: dict[str, bool]
    covariates: dict[str, dict[str, float]] = field(default_factory=dict)  # name -> sample -> value
    coding: str = ""
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def n_cases(self) -> int:
        return sum(self.status.values())

    @property
    def n_controls(self) -> int:
        return len(self.status) - self.n_cases


def expand_covariates(spec: str | None) -> list[str]:
    """``"sex,PC1..PC10"`` -> ["sex", "PC1", ..., "PC10"]."""
    if not spec:
        return []
    names: list[str] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        m = re.fullmatch(r"([A-Za-z_]+)(\d+)\.\.(?:\1)?(\d+)", part)
        if m:
            prefix, lo, hi = m.group(1), int(m.group(2)), int(m.group(3))
            if hi < lo:
                raise InputError(f"covariate range {part!r} runs backwards", hint="write e.g. PC1..PC10")
            names.extend(f"{prefix}{i}" for i in range(lo, hi + 1))
        else:
            names.append(part)
    return list(dict.fromkeys(names))  # a name given twice (PC1..PC10,PC3) is one covariate


def _decode_status(values: list[tuple[int, str, str]], path: str) -> tuple[dict[str, bool], str]:
    distinct = {v.strip().lower() for _, _, v in values}
    if distinct <= set(_CASE_WORDS):
        return {s: _CASE_WORDS[v.strip().lower()] for _, s, v in values}, "case/control"
    if distinct <= {"0", "1"}:
        return {s: v.strip() == "1" for _, s, v in values}, "1/0 (1 = case)"
    if distinct <= {"1", "2"}:
        return {s: v.strip() == "2" for _, s, v in values}, "PED 2/1 (2 = case)"
    # find the first offending value to point at it
    if {"0", "1", "2"} <= distinct or (distinct <= {"0", "1", "2", "-9"} and distinct & {"0", "-9"}):
        for line, sample, value in values:
            if value.strip() in ("0", "-9") and ("2" in distinct):
                raise InputError(
                    f"status {value!r} of sample {sample!r} is ambiguous: the column mixes 0, 1 and 2",
                    path=path, line=line, record=sample,
                    hint="use 1/0 (1 = case), PED 2/1 (2 = case) or case/control, and give every sample a status")
    allowed = set(_CASE_WORDS) | {"0", "1", "2"}
    for line, sample, value in values:
        if value.strip().lower() not in allowed:
            raise InputError(f"status {value!r} of sample {sample!r} is not binary", path=path, line=line,
                             record=sample, hint="status must be case/control, 1/0 (1 = case) or PED 2/1 (2 = case)")
    for line, sample, _value in values:  # mixed words and numbers
        raise InputError(f"status column mixes codings ({', '.join(sorted(distinct))}); first sample {sample!r}",
                         path=path, line=line, record=sample,
                         hint="use one coding for the whole column: case/control, 1/0 or PED 2/1")
    raise InputError("the phenotype file lists no samples", path=path,
                     hint="give one row per sample: sample<TAB>status (case/control)")


def read_phenotypes(path: str | Path, covariates: list[str] | None = None) -> Phenotypes:
    """Parse a phenotype TSV or PED file; raise InputError (file, line, sample) on any problem."""
    from charcot.structured import read_text

    p = Path(path)
    # the shared reader: a byte-order mark (Excel) is dropped (it hid the first header name), gzip/UTF-16 refused
    text = read_text(p, "phenotype file")
    wanted = covariates or []
    is_ped = p.suffix.lower() in (".ped", ".fam")
    rows: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or (raw.startswith("#") and (is_ped or rows or number > 1)):
            continue
        rows.append((number, raw.split() if is_ped else raw.rstrip("\r").split("\t")))
    if not rows:
        raise InputError("phenotype file is empty", path=p,
                         hint="give a TSV with a header (sample, status[, covariates]) and one row per sample, or a PED")
    if is_ped:
        header = ["family", "sample", "father", "mother", "sex", "status"]
        body = rows
        sample_col, status_col = 1, 5
        for number, cells in body:
            if len(cells) < 6:
                raise InputError(f"PED line has {len(cells)} columns, expected 6", path=p, line=number,
                                 record=cells[1] if len(cells) > 1 else None,
                                 hint="family sample father mother sex phenotype")
    else:
        header_line, header = rows[0]
        header = [h.strip().lstrip("#") for h in header]
        body = rows[1:]
        lower = [h.lower() for h in header]
        sample_col = next((lower.index(c) for c in SAMPLE_COLUMNS if c in lower), 0)
        status_col = next((lower.index(c) for c in STATUS_COLUMNS if c in lower), -1)
        if status_col < 0:
            raise InputError(f"no status column in the header ({', '.join(header)})", path=p, line=header_line,
                             hint="add a column named 'status' (case/control, 1/0 or PED 2/1)")
        for number, cells in body:
            if len(cells) != len(header):
                raise InputError(f"line has {len(cells)} tab-separated fields, the header has {len(header)}",
                                 path=p, line=number, record=cells[sample_col] if len(cells) > sample_col else None,
                                 hint="separate columns with single tabs")
    cov_index: dict[str, int] = {}
    lower_header = [h.lower() for h in header]
    for name in wanted:
        if name in header:
            cov_index[name] = header.index(name)
        elif name.lower() in lower_header:
            cov_index[name] = lower_header.index(name.lower())
        else:
            raise InputError(f"covariate {name!r} is not a column of the phenotype file ({', '.join(header)})",
                             path=p, hint="add the column or drop it from --covariates")
    seen: dict[str, int] = {}
    statuses: list[tuple[int, str, str]] = []
    cov_values: dict[str, dict[str, float]] = {name: {} for name in wanted}
    for number, cells in body:
        sample = cells[sample_col].strip()
        if not sample:
            raise InputError("empty sample id", path=p, line=number,
                             hint="every row needs the sample ID of the VCF in the sample column")
        if sample in seen:
            raise InputError(f"sample {sample!r} is listed twice (first on line {seen[sample]})", path=p,
                             line=number, record=sample, hint="keep one row per sample")
        seen[sample] = number
        statuses.append((number, sample, cells[status_col]))
        for name, index in cov_index.items():
            value = cells[index].strip()
            if name.lower() == "sex":
                if value.lower() not in _SEX:
                    raise InputError(f"sex {value!r} of sample {sample!r} is not M/F, male/female or 1/2",
                                     path=p, line=number, record=sample,
                                     hint="code sex as M/F (or 1 = male, 2 = female); unknown sex cannot be a covariate")
                cov_values[name][sample] = _SEX[value.lower()]
                continue
            try:
                number_value = float(value)
            except ValueError:
                number_value = math.nan
            if not math.isfinite(number_value):
                raise InputError(f"covariate {name} = {value!r} of sample {sample!r} is not a finite number",
                                 path=p, line=number, record=sample,
                                 hint="covariates must be numeric for every sample (drop samples with missing values)")
            cov_values[name][sample] = number_value
    status, coding = _decode_status(statuses, str(p))
    return Phenotypes(path=str(p), samples=[s for _, s, _ in statuses], status=status,
                      covariates=cov_values, coding=coding, lines=seen)


def match_samples(pheno: Phenotypes, vcf_samples: list[str], vcf_path: str) -> list[int]:
    """Indices (into the VCF's sample list) of the phenotyped samples, in VCF order.

    A phenotyped sample that is absent from the VCF is an error (it would silently shrink the
    study); VCF samples without a phenotype are left out of the analysis (the caller reports how many).
    """
    present = {s: i for i, s in enumerate(vcf_samples)}
    missing = [s for s in pheno.samples if s not in present]
    if missing:
        first = missing[0]
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise InputError(f"{len(missing)} phenotyped sample(s) are not in the VCF {vcf_path}: {shown}",
                         path=pheno.path, line=pheno.lines.get(first), record=first,
                         hint="check sample ids (VCF header column names) or remove those rows")
    indices = sorted(present[s] for s in pheno.samples)
    used = [vcf_samples[i] for i in indices]
    n_cases = sum(pheno.status[s] for s in used)
    if n_cases == 0 or n_cases == len(used):
        raise InputError(f"need both cases and controls; found {n_cases} case(s) and {len(used) - n_cases} control(s)",
                         path=pheno.path, hint="check the status coding (1/0 with 1 = case, PED 2/1, case/control)")
    return indices
