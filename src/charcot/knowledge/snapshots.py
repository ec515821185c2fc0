"""Knowledge snapshots as versions: identity, archives, and what changed between two of them.

A snapshot is a knowledge data folder (``meta.yaml``, the section files, the bibliography and the derived
tables). Its identity is the version and date in ``meta.yaml`` plus a content hash over every data file,
so two snapshots that claim the same version but differ in one byte are told apart. Snapshots can be
saved as deterministic ``.tar.gz`` archives (``charcot knowledge snapshot save``) and loaded again from a
folder or an archive, so that a signed report can be re-rendered with the knowledge it used
(``CHARCOT_KNOWLEDGE=old.tar.gz charcot report ...``). Released snapshots are kept in
``knowledge/released/`` (see docs/KNOWLEDGE.md, "Releasing a snapshot").
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import tarfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from charcot.errors import InputError
from charcot.knowledge.compiled import content_hash
from charcot.knowledge.compiled import data_files as _data_files

if TYPE_CHECKING:
    from charcot.knowledge import Knowledge

SNAPSHOTS_DIR = Path(__file__).parent / "released"


def save_snapshot(data_dir: Path, out: Path) -> str:
    """Write ``data_dir`` as a deterministic .tar.gz (fixed mtimes, owners and order); return its content
    hash. Written to a temporary file beside ``out`` and renamed, so a failed save leaves nothing. An ``out``
    inside ``data_dir`` is refused: every file of that folder is part of the snapshot, so the archive would change
    the knowledge it saves."""
    from charcot.outputs import atomic_write_bytes, is_stdout

    if not is_stdout(out) and Path(os.path.realpath(out)).is_relative_to(os.path.realpath(data_dir)):
        from charcot.errors import OutputError

        raise OutputError(f"the archive would be inside the knowledge snapshot folder it saves ({data_dir})", path=out,
                          hint="write the archive outside that folder")
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as gz, tarfile.open(fileobj=gz, mode="w") as tar:
        for path in _data_files(data_dir):
            info = tarfile.TarInfo(name="data/" + path.relative_to(data_dir).as_posix())
            payload = path.read_bytes()
            info.size, info.mtime, info.mode = len(payload), 0, 0o644
            tar.addfile(info, io.BytesIO(payload))
    atomic_write_bytes(out, buffer.getvalue())
    return content_hash(data_dir)


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "charcot" / "snapshots"


# A snapshot's data folder is under 1 MiB today; an archive declaring far more is refused before anything is
# unpacked (a 2 MiB gzip of zeros unpacked 2 GiB into the user's cache, and stayed there).
MAX_UNPACKED_BYTES = 64 * 2**20

# archives this process has opened, by (real path, inode, size, modification and change time): their unpacked data
# folder. The change time is there because the others come back when an archive is replaced by one of the same size
# with its time-stamp kept ('cp -p', 'touch -r'): the replaced archive would be answered by the old one's folder
_OPENED: dict[tuple[str, int, int, int, int], Path] = {}


def open_snapshot(path: Path) -> Path:
    """The data folder of a snapshot given as a folder or as a .tar.gz made by ``save_snapshot``.

    An archive is unpacked once into the user's cache, keyed by the archive's SHA-256; members outside
    ``data/`` or with links are refused (an archive is data, never a way to write elsewhere)."""
    if path.is_dir():
        if not (path / "meta.yaml").is_file():
            raise InputError(f"{path} is not a knowledge snapshot folder (no meta.yaml)",
                             hint="give the folder that holds meta.yaml, or a .tar.gz from 'charcot knowledge snapshot save'")
        return path
    if not path.is_file():
        raise InputError(f"knowledge snapshot {path} does not exist",
                         hint="give a snapshot folder or a .tar.gz from 'charcot knowledge snapshot save'")
    stat = path.stat()
    seen = (os.path.realpath(path), stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    if (known := _OPENED.get(seen)) is not None and (known / "meta.yaml").is_file():
        return known  # get_knowledge() asks once per call with CHARCOT_KNOWLEDGE set: read and hash it once
    raw = path.read_bytes()
    target = _cache_root() / hashlib.sha256(raw).hexdigest()
    from charcot.knowledge.loader import ARCHIVES

    ARCHIVES[target / "data"] = path  # errors in its files name the archive, not the cache
    if (target / "data" / "meta.yaml").is_file():
        _OPENED[seen] = target / "data"
        return target / "data"
    try:
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as tar:
            members = tar.getmembers()
            unpacked = sum(m.size for m in members if m.isfile())
            if unpacked > MAX_UNPACKED_BYTES:
                raise InputError(f"{path}: the archive would unpack to {unpacked / 2**20:,.0f} MiB, far more than a "
                                 f"knowledge snapshot (at most {MAX_UNPACKED_BYTES // 2**20} MiB); nothing was unpacked",
                                 hint="only archives written by 'charcot knowledge snapshot save' can be loaded")
            for m in members:
                parts = Path(m.name).parts
                under_data = bool(parts) and parts[0] == "data" and ".." not in parts and not Path(m.name).is_absolute()
                if m.isdir() and under_data:
                    continue  # a folder entry, as 'tar czf x.tar.gz data' writes: harmless
                if not m.isfile() or not under_data:
                    raise InputError(f"{path}: archive member {m.name!r} is not a plain file under data/",
                                     hint="only archives written by 'charcot knowledge snapshot save' can be loaded")
            scratch = target.with_name(target.name + f".tmp{os.getpid()}")
            scratch.mkdir(parents=True, exist_ok=True)
            # each checked member's bytes written by hand (plain files, default permissions): the same on every
            # Python 3.11 (extractall's filter= arrived in 3.11.4; Debian 12 ships 3.11.2)
            for m in members:
                if m.isfile():
                    out = scratch.joinpath(*Path(m.name).parts)
                    out.parent.mkdir(parents=True, exist_ok=True)
                    source = tar.extractfile(m)
                    if source is None:
                        raise tarfile.TarError(f"member {m.name!r} has no data")
                    with source, open(out, "wb") as sink:
                        sink.write(source.read())
    except (tarfile.TarError, EOFError, OSError, gzip.BadGzipFile) as exc:
        raise InputError(f"{path} is not a readable knowledge snapshot archive ({exc.__class__.__name__})",
                         hint="give a .tar.gz written by 'charcot knowledge snapshot save'") from None
    if not (scratch / "data" / "meta.yaml").is_file():
        raise InputError(f"{path}: the archive has no data/meta.yaml", hint="it is not a knowledge snapshot")
    try:
        os.replace(scratch, target)
    except OSError:  # another process unpacked it first
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
    _OPENED[seen] = target / "data"
    return target / "data"


def released_versions() -> list[str]:
    from charcot.knowledge.loader import version_key

    names = [p.name[: -len(".tar.gz")] for p in SNAPSHOTS_DIR.glob("*.tar.gz")]
    return sorted(names, key=lambda v: (version_key(v) or (), v))  # 2026.11.2 before 2026.11.10


def resolve_snapshot(spec: str) -> Path:
    """The data folder for a snapshot named by a path (folder or .tar.gz) or by a released version."""
    path = Path(spec)
    if path.exists():
        return open_snapshot(path)
    archive = SNAPSHOTS_DIR / f"{spec}.tar.gz"
    if "/" not in spec and archive.is_file():
        return open_snapshot(archive)
    raise InputError(f"knowledge snapshot {spec!r} is neither a file, a folder nor a released version",
                     hint="released versions: " + (", ".join(released_versions()) or "none"))


# ---------------------------------------------------------------------------------------------- diff


class SnapshotId(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    snapshot_date: str
    content_hash: str


class FieldChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str  # dotted path inside the record, list positions as [i]
    old: Any = None
    new: Any = None


class RecordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    section: str
    key: str
    change: str  # "added", "removed", "changed"
    fields: list[FieldChange] = Field(default_factory=list)


class KnowledgeDiff(BaseModel):
    model_config = ConfigDict(extra="forbid")

    old: SnapshotId
    new: SnapshotId
    changes: list[RecordChange] = Field(default_factory=list)
    bibliography_added: list[str] = Field(default_factory=list)
    bibliography_removed: list[str] = Field(default_factory=list)
    bibliography_changed: list[str] = Field(default_factory=list)

    def for_section(self, section: str) -> list[RecordChange]:
        return [c for c in self.changes if c.section == section]

    def changed(self, section: str, key: str) -> RecordChange | None:
        return next((c for c in self.changes if c.section == section and c.key == key), None)


def snapshot_id(kb: Knowledge) -> SnapshotId:
    return SnapshotId(version=kb.meta.version, snapshot_date=kb.meta.snapshot_date.isoformat(),
                      content_hash=content_hash(kb.data_dir))


def _field_changes(old: Any, new: Any, path: str, out: list[FieldChange]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for k in sorted(set(old) | set(new), key=str):
            _field_changes(old.get(k), new.get(k), f"{path}.{k}" if path else str(k), out)
        return
    if isinstance(old, list) and isinstance(new, list) and old and new \
            and all(isinstance(x, dict) for x in old + new):
        ids_old = [x.get("id") for x in old]
        ids_new = [x.get("id") for x in new]
        if None not in ids_old + ids_new and len(set(ids_old)) == len(ids_old) and len(set(ids_new)) == len(ids_new):
            by_old = dict(zip(ids_old, old, strict=True))
            by_new = dict(zip(ids_new, new, strict=True))
            for item in [*ids_old, *(i for i in ids_new if i not in by_old)]:
                _field_changes(by_old.get(item), by_new.get(item), f"{path}[{item}]", out)
            return
        if len(old) == len(new):
            for i, (a, b) in enumerate(zip(old, new, strict=True)):
                _field_changes(a, b, f"{path}[{i}]", out)
            return
    if old != new:
        out.append(FieldChange(field=path, old=old, new=new))


def diff_knowledge(old: Knowledge, new: Knowledge) -> KnowledgeDiff:
    """Record-by-record changes between two snapshots, by section (records matched on their key)."""
    from charcot.knowledge.sections import SECTIONS

    result = KnowledgeDiff(old=snapshot_id(old), new=snapshot_id(new))
    for section in SECTIONS:
        before = {r.key: r.model_dump(mode="json") for r in old.records(section)}
        after = {r.key: r.model_dump(mode="json") for r in new.records(section)}
        for key in sorted(set(before) | set(after)):
            if key not in after:
                result.changes.append(RecordChange(section=section, key=key, change="removed"))
            elif key not in before:
                result.changes.append(RecordChange(section=section, key=key, change="added"))
            elif before[key] != after[key]:
                fields: list[FieldChange] = []
                _field_changes(before[key], after[key], "", fields)
                result.changes.append(RecordChange(section=section, key=key, change="changed", fields=fields))
    bib_old = {k: v.model_dump(mode="json") for k, v in old.bibliography.items()}
    bib_new = {k: v.model_dump(mode="json") for k, v in new.bibliography.items()}
    result.bibliography_added = sorted(set(bib_new) - set(bib_old))
    result.bibliography_removed = sorted(set(bib_old) - set(bib_new))
    result.bibliography_changed = sorted(k for k in set(bib_old) & set(bib_new) if bib_old[k] != bib_new[k])
    return result


def _short(value: Any, limit: int = 80) -> str:
    text = "(none)" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(diff: KnowledgeDiff) -> str:
    """The diff in words, one line per record and one indented line per changed field."""
    lines = [f"knowledge {diff.old.version} ({diff.old.snapshot_date}, {diff.old.content_hash[:12]}) → "
             f"{diff.new.version} ({diff.new.snapshot_date}, {diff.new.content_hash[:12]})"]
    if diff.old.content_hash == diff.new.content_hash:
        lines.append("the two snapshots are identical")
        return "\n".join(lines) + "\n"
    if diff.old.version == diff.new.version:
        lines.append("warning: the contents differ but the version is the same: the newer snapshot was not bumped")
    if not diff.changes:
        lines.append("no record changed (only metadata, derived files or the bibliography)")
    current = ""
    for c in diff.changes:
        if c.section != current:
            current = c.section
            lines.append(f"{current}:")
        lines.append(f"  {c.key}: {c.change}")
        for f in c.fields:
            lines.append(f"    {f.field}: {_short(f.old)} → {_short(f.new)}")
    for label, keys in (("sources added", diff.bibliography_added), ("sources removed", diff.bibliography_removed),
                        ("sources changed", diff.bibliography_changed)):
        if keys:
            lines.append(f"{label}: {', '.join(keys)}")
    return "\n".join(lines) + "\n"
