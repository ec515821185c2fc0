"""Validate the whole knowledge base and report every problem with its file and record.

Checks: meta; bibliography; each section's schema (every record, not only the first bad one); duplicate keys;
unknown source keys; each section's ``check(records, kb)`` hook; missing section files; and, when the shared
source tables are available, a fresh re-derivation of the gene/variant tables compared with the committed
``derived/*.json`` (spans, exons, MANE, identifiers, ClinGen rows). Without them, the committed derived file is
used and the report says the re-derivation was not possible.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import ValidationError

from charcot.errors import CharcotError
from charcot.knowledge.base import CitedRecord, Source
from charcot.knowledge.loader import (
    DATA_DIR,
    Problem,
    _format_validation,
    _record_label,
    load_bibliography,
    load_meta,
    read_yaml,
    record_model,
    unknown_source_problems,
)
from charcot.knowledge.sections import SECTIONS

REPO = Path(__file__).resolve().parents[3]
DEFAULT_SHARED = REPO.parent / "shared" / "data"
DERIVE_SCRIPT = REPO / "scripts" / "derive_gene_tables.py"


@dataclass
class ValidationReport:
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing_sections: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _rel(path: Path, data_dir: Path) -> str:
    try:
        return f"knowledge/data/{path.relative_to(data_dir)}"
    except ValueError:
        return str(path)


def _problem_from(exc: CharcotError, data_dir: Path) -> Problem:
    path = Path(exc.path) if exc.path else data_dir
    message = exc.message + (f" (line {exc.line})" if exc.line else "")
    return Problem(_rel(path, data_dir), exc.record, message)


def _load_section_all(section: str, data_dir: Path, report: ValidationReport) -> list[CitedRecord] | None:
    """Like loader.load_section, but collects every record's problem instead of stopping at the first."""
    path = data_dir / f"{section}.yaml"
    rel = _rel(path, data_dir)
    if not path.exists():
        report.missing_sections.append(section)
        report.problems.append(Problem(rel, None, "section file is missing (not written yet?)"))
        return None
    try:
        raw = read_yaml(path) or {}
    except CharcotError as exc:
        report.problems.append(_problem_from(exc, data_dir))
        return None
    items = raw.get("records") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        report.problems.append(Problem(rel, None, "expected a top-level 'records:' list"))
        return None
    try:
        model = record_model(section)
    except (ImportError, AttributeError) as exc:
        report.problems.append(Problem(rel, None, f"no schema module for section {section!r}: {exc}"))
        return None
    records: list[CitedRecord] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        label = _record_label(item, index)
        try:
            record = model.model_validate(item)
        except ValidationError as exc:
            report.problems.append(Problem(rel, label, f"schema: {_format_validation(exc)}"))
            continue
        key = record.key
        if key in seen:
            report.problems.append(Problem(rel, label, f"duplicate record key {key!r} (first at record #{seen[key] + 1})"))
            continue
        seen[key] = index
        records.append(record)
    module = importlib.import_module(f"charcot.knowledge.schema.{section}")
    attach = getattr(module, "attach", None)
    if attach is not None:
        try:
            attach(records, data_dir)
        except CharcotError as exc:
            report.problems.append(_problem_from(exc, data_dir))
    report.counts[section] = len(records)
    return records


def _load_derive_script() -> ModuleType | None:
    if not DERIVE_SCRIPT.exists():
        return None
    name = "charcot_derive_gene_tables"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, DERIVE_SCRIPT)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the script executes
    try:
        spec.loader.exec_module(module)
    except Exception:
        del sys.modules[name]
        raise
    return module


_COMPARED = ("hgnc_id", "name", "aliases", "previous_symbols", "ensembl_gene", "mane", "coordinates", "clingen")


def _compare_derived(data_dir: Path, shared: Path, report: ValidationReport) -> None:
    derive = _load_derive_script()
    if derive is None:
        report.notes.append("re-derivation not possible: scripts/derive_gene_tables.py is not in this install; "
                            "checked against the committed derived/genes.json only")
        return
    genes_path = data_dir / "genes.yaml"
    try:
        curated = derive.curated_genes(genes_path)
        fresh_genes, fresh_variants = derive.derive_all(shared, curated, data_dir / "variants.yaml", with_checksums=False)
    except derive.DerivationError as exc:
        report.problems.append(Problem(_rel(genes_path, data_dir), None, f"re-derivation failed: {exc}"))
        return
    except (OSError, KeyError, ValueError) as exc:
        report.problems.append(Problem(_rel(genes_path, data_dir), None, f"re-derivation failed: {exc!r}"))
        return
    committed_path = data_dir / "derived" / "genes.json"
    rel = _rel(committed_path, data_dir)
    try:
        committed: dict[str, Any] = json.loads(committed_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        report.problems.append(Problem(rel, None, f"cannot read: {exc}"))
        return
    for symbol, fresh in fresh_genes["genes"].items():
        old = committed.get("genes", {}).get(symbol)
        if old is None:
            report.problems.append(Problem(rel, symbol, "gene missing from the committed derived table"))
            continue
        for name in _COMPARED:
            if old.get(name) != fresh.get(name):
                report.problems.append(Problem(rel, symbol, f"{name} disagrees with a fresh derivation from "
                                                            f"{shared} ({_diff_hint(old.get(name), fresh.get(name))}); "
                                                            "re-run scripts/derive_gene_tables.py"))
    extra = set(committed.get("genes", {})) - set(fresh_genes["genes"])
    for symbol in sorted(extra):
        report.problems.append(Problem(rel, symbol, "derived gene is not in genes.yaml"))
    vpath = data_dir / "derived" / "variants.json"
    if (shared / derive.FILES["chain_hg38_to_hg19"]).exists() and vpath.exists():
        old_variants = {v["id"]: v for v in json.loads(vpath.read_text(encoding="utf-8")).get("variants", [])}
        for fresh in fresh_variants["variants"]:
            old = old_variants.get(fresh["id"])
            if old is None or old.get("grch38") != fresh.get("grch38") or old.get("grch37") != fresh.get("grch37"):
                report.problems.append(Problem(_rel(vpath, data_dir), fresh["id"],
                                               "derived positions disagree with a fresh derivation"))
    report.notes.append(f"re-derived {len(fresh_genes['genes'])} genes from {shared} and compared with the committed table")


def _diff_hint(old: Any, new: Any) -> str:
    if isinstance(old, dict) and isinstance(new, dict):
        keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        return "differs in " + ", ".join(keys[:5])
    return f"committed {str(old)[:60]!r} vs derived {str(new)[:60]!r}"


def _clingen_subset_check(kb_genes: list[Any], export: Path, report: ValidationReport) -> None:
    """Compare the genes' ALS GCEP assertions with a ClinGen export (full file or the tests' subset)."""
    derive = _load_derive_script()
    if derive is None or not export.exists():
        return
    rows = [derive.clingen_assertion(r) for r in derive.read_clingen(export)]
    by_id: dict[str, list[tuple[str, str, str, str]]] = {}
    for row in rows:
        by_id.setdefault(row["hgnc_id"], []).append((row["classification"], row["moi"], row["date"], row["disease"]))
    for gene in kb_genes:
        mine = sorted((a.classification, a.moi, a.date.isoformat(), a.disease) for a in gene.als_clingen)
        theirs = sorted(by_id.get(gene.hgnc_id, []))
        if mine != theirs:
            report.problems.append(Problem("knowledge/data/genes.yaml", gene.symbol,
                                           f"ClinGen ALS GCEP assertions {mine} differ from {export.name}: {theirs}"))
    report.notes.append(f"ClinGen ALS GCEP rows compared with {export.name} ({len(rows)} rows)")


def validate(data_dir: Path = DATA_DIR, shared_dir: Path | None = None,
             clingen_export: Path | None = None) -> ValidationReport:
    """Validate everything; never raises for data problems (they are in the report)."""
    from charcot.knowledge import Knowledge

    report = ValidationReport()
    try:
        load_meta(data_dir)
    except CharcotError as exc:
        report.problems.append(_problem_from(exc, data_dir))
    bibliography: dict[str, Source] | None
    try:
        bibliography = load_bibliography(data_dir)
        report.counts["bibliography"] = len(bibliography)
    except CharcotError as exc:
        report.problems.append(_problem_from(exc, data_dir))
        bibliography = None
    loaded: dict[str, list[CitedRecord]] = {}
    for section in SECTIONS:
        records = _load_section_all(section, data_dir, report)
        if records is None:
            continue
        loaded[section] = records
        if bibliography is not None:
            report.problems.extend(unknown_source_problems(section, records, bibliography))
    kb = Knowledge(data_dir)
    kb._sections.update(loaded)  # the hooks see exactly the records validated above
    for section, records in loaded.items():
        module = importlib.import_module(f"charcot.knowledge.schema.{section}")
        hook = getattr(module, "check", None)
        if hook is None:
            continue
        try:
            report.problems.extend(hook(records, kb))
        except CharcotError as exc:
            report.problems.append(_problem_from(exc, data_dir))
    shared = shared_dir if shared_dir is not None else DEFAULT_SHARED
    if (shared / "genes" / "hgnc").is_dir() and "genes" in loaded:
        _compare_derived(data_dir, shared, report)
    else:
        report.notes.append(f"re-derivation not possible ({shared} not found); gene coordinates were checked "
                            "against the committed derived/genes.json only")
    if "genes" in loaded:
        export = clingen_export
        if export is None:
            candidates = [shared / "clingen" / "Clingen-Gene-Disease-Summary-2025-07-01.csv.gz",
                          REPO / "tests" / "data" / "knowledge" / "shared" / "clingen" /
                          "Clingen-Gene-Disease-Summary-2025-07-01.csv.gz"]
            export = next((c for c in candidates if c.exists()), None)
        if export is not None:
            _clingen_subset_check(loaded["genes"], export, report)
    return report
