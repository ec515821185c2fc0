"""Read, validate and index the knowledge data files.

Curated files are YAML (``data/<section>.yaml`` with a top-level ``records:`` list); the
bibliography is every ``data/bibliography/*.yaml`` file merged (a key defined twice is an error).
Parsing uses libyaml's C loader: the whole base loads in a few tens of milliseconds.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from charcot.errors import KnowledgeError
from charcot.knowledge.base import CitedRecord, KnowledgeMeta, Source

DATA_DIR = Path(__file__).parent / "data"



@dataclass(frozen=True)
class Problem:
    """One validation problem: which file, which record, what is wrong."""

    path: str
    record: str | None
    message: str

    def render(self) -> str:
        where = self.path + (f" record {self.record}" if self.record else "")
        return f"{where}: {self.message}"


# Snapshot archives unpacked into the user's cache (charcot.knowledge.snapshots.open_snapshot): cache folder ->
# the archive the user named, so an error names "old.tar.gz: data/genes.yaml", never a cache path.
ARCHIVES: dict[Path, Path] = {}


def shown(path: Path) -> str | Path:
    """``path`` as the user knows it: a file of an unpacked snapshot archive is named by the archive."""
    for folder, archive in ARCHIVES.items():
        if path.is_relative_to(folder):
            return f"{archive}: {path.relative_to(folder.parent).as_posix()}"
    return path


def read_yaml(path: Path) -> Any:
    import yaml  # only when a section is parsed: the compiled store (charcot.knowledge.compiled) needs none

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C loader in every supported install
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=loader)
    except FileNotFoundError as exc:
        raise KnowledgeError("knowledge file is missing", path=shown(path), hint="restore it from git") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise KnowledgeError(f"not valid YAML: {getattr(exc, 'problem', exc)}", path=shown(path), line=line,
                             hint="fix the YAML syntax at that line") from exc


def version_key(version: Any) -> tuple[int, ...] | None:
    """A snapshot version (2026.11.16) as numbers to order by (2026.11.2 < 2026.11.10); None if not numeric."""
    parts = str(version).strip().split(".")
    return tuple(int(p) for p in parts) if parts and all(p.isdigit() for p in parts) else None


def _schema_error(data_dir: Path, message: str, **where: Any) -> KnowledgeError:
    """A record that does not fit the schema. In a snapshot newer than the one this charcot ships, say so: its
    records may use fields this version does not know, and the fix is a newer charcot, not an edit."""
    if data_dir.resolve() != DATA_DIR.resolve():
        try:
            theirs = (read_yaml(data_dir / "meta.yaml") or {}).get("version")
            ours = (read_yaml(DATA_DIR / "meta.yaml") or {}).get("version")
        except (KnowledgeError, AttributeError):
            theirs = ours = None
        newer, installed = version_key(theirs), version_key(ours)
        if newer is not None and installed is not None and newer > installed:
            where.pop("hint", None)
            return KnowledgeError(
                f"knowledge snapshot {theirs} is newer than this charcot, which ships {ours}, and does not fit "
                f"this version's schema: {message}", **where,
                hint=f"use a charcot release that ships knowledge {theirs} or later, or a snapshot of {ours} or earlier")
    return KnowledgeError(message, **where)


def _format_validation(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err["loc"])
        parts.append(f"{loc}: {err['msg']}" if loc else err["msg"])
    more = len(exc.errors()) - 5
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def _record_label(raw: Any, index: int) -> str:
    if isinstance(raw, dict):
        for field in ("id", "symbol", "key", "name", "nct_id"):
            if field in raw and isinstance(raw[field], str | int):
                return f"#{index + 1} ({raw[field]})"
    return f"#{index + 1}"


def load_meta(data_dir: Path = DATA_DIR) -> KnowledgeMeta:
    path = data_dir / "meta.yaml"
    raw = read_yaml(path)
    try:
        return KnowledgeMeta.model_validate(raw)
    except ValidationError as exc:
        raise _schema_error(data_dir, _format_validation(exc), path=shown(path)) from exc


def load_bibliography(data_dir: Path = DATA_DIR) -> dict[str, Source]:
    merged: dict[str, Source] = {}
    origin: dict[str, Path] = {}
    for path in sorted((data_dir / "bibliography").glob("*.yaml")):
        raw = read_yaml(path) or {}
        entries = raw.get("sources", []) if isinstance(raw, dict) else None
        if not isinstance(entries, list):
            raise KnowledgeError("expected a top-level 'sources:' list", path=shown(path))
        for index, item in enumerate(entries):
            try:
                source = Source.model_validate(item)
            except ValidationError as exc:
                error = _schema_error(data_dir, _format_validation(exc), path=shown(path), record=_record_label(item, index),
                                      hint="each source needs key and citation, plus pmid/doi/url")
                raise error from exc
            if source.key in merged:
                raise KnowledgeError(f"source key {source.key!r} is defined twice (also in {origin[source.key].name})",
                                     path=shown(path), record=source.key, hint="keep one definition of each key")
            merged[source.key] = source
            origin[source.key] = path
    return merged


def schema_module(section: str) -> Any:
    return importlib.import_module(f"charcot.knowledge.schema.{section}")


def record_model(section: str) -> type[CitedRecord]:
    model: type[CitedRecord] = schema_module(section).Record
    return model


def load_section(section: str, data_dir: Path = DATA_DIR) -> list[CitedRecord]:
    """Parse and validate one section; raise KnowledgeError naming file and record on the first problem."""
    path = data_dir / f"{section}.yaml"
    if not path.exists():
        return []
    raw = read_yaml(path) or {}
    items = raw.get("records") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise KnowledgeError("expected a top-level 'records:' list", path=shown(path))
    module = schema_module(section)
    model: type[CitedRecord] = module.Record
    records: list[CitedRecord] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        try:
            record = model.model_validate(item)
        except ValidationError as exc:
            raise _schema_error(data_dir, _format_validation(exc), path=shown(path), record=_record_label(item, index),
                                hint=f"see the {model.__name__} schema in charcot/knowledge/schema/{section}.py") from exc
        key = record.key
        if key in seen:
            raise KnowledgeError(f"duplicate record key {key!r} (first at record #{seen[key] + 1})", path=shown(path),
                                 record=_record_label(item, index), hint="merge the two records")
        seen[key] = index
        records.append(record)
    attach = getattr(module, "attach", None)
    if attach is not None:  # e.g. genes: join the derived coordinate tables
        attach(records, data_dir)
    return records


def unknown_source_problems(section: str, records: Sequence[BaseModel], bibliography: dict[str, Source]) -> list[Problem]:
    """Every ``sources`` list anywhere inside a record must name bibliography keys."""
    problems: list[Problem] = []
    path = f"knowledge/data/{section}.yaml"

    def walk(value: Any, label: str | None) -> None:
        if isinstance(value, BaseModel):
            keys = getattr(value, "sources", None)
            if isinstance(keys, list):
                for key in keys:
                    if key not in bibliography:
                        problems.append(Problem(path, label, f"unknown source key {key!r}"))
            for name in type(value).model_fields:
                walk(getattr(value, name), label)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item, label)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, label)

    for record in records:
        walk(record, getattr(record, "key", None))
    return problems
