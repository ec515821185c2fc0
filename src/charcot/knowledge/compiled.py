"""Compiled knowledge: each section's validated records, stored once per snapshot content and code.

Parsing and validating a section (libyaml, pydantic, the joins with the derived tables) is most of a
knowledge look-up's cost. The first process that loads a section of a snapshot stores the validated
records (pickled) in the user's cache, ``$CHARCOT_CACHE_DIR`` or ``$XDG_CACHE_HOME/charcot`` or
``~/.cache/charcot``, under ``knowledge/<key>/<section>.pickle``; later processes read them back in
milliseconds. ``<key>`` is a SHA-256 over the snapshot's content hash (every data file, the derived
tables included), the source of the modules that define the records (``charcot.knowledge`` and
``charcot.model``) and the Python, pydantic and charcot versions: a changed data file or schema gives a
new key, so a stored section is never used for other data. Only files owned by the user and not
writable by others are read; anything unreadable is ignored and the section is loaded from its YAML.
``CHARCOT_KNOWLEDGE_CACHE=0`` turns the store off. At most ``KEEP`` keys are kept (oldest removed).
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

KEEP = 8
_IGNORED_PARTS = {"__pycache__", ".cache"}
_CODE_ROOT = Path(__file__).resolve().parent
_CODE_FILES = (_CODE_ROOT.parent / "model.py", _CODE_ROOT.parent / "errors.py")


def data_files(data_dir: Path) -> Iterator[Path]:
    """Every data file of a snapshot folder, sorted (caches and hidden files excluded)."""
    for path in sorted(data_dir.rglob("*")):
        if path.is_file() and not _IGNORED_PARTS.intersection(path.relative_to(data_dir).parts) \
                and not path.name.startswith("."):
            yield path


def content_hash(data_dir: Path) -> str:
    """SHA-256 over the sorted relative paths and contents of every data file (hex, 64 characters)."""
    digest = hashlib.sha256()
    for path in data_files(data_dir):
        rel = path.relative_to(data_dir).as_posix()
        digest.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def source_digest(prefix: str) -> str:
    """SHA-256 over ``prefix`` (the versions a stored file depends on) and the source of the modules that
    define the records and their rendering (``charcot.knowledge``, ``charcot.model``, ``charcot.errors``)."""
    digest = hashlib.sha256(prefix.encode())
    for path in [*sorted(_CODE_ROOT.rglob("*.py")), *_CODE_FILES]:
        digest.update(path.relative_to(_CODE_ROOT.parent).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_hash() -> str:
    """SHA-256 over the modules whose classes a stored section holds, and the library versions."""
    import pydantic

    from charcot import __version__

    return source_digest(f"{sys.version}\0{pydantic.VERSION}\0{__version__}\0")


def cache_root() -> Path | None:
    """The folder of compiled sections, or None when the store is switched off."""
    if os.environ.get("CHARCOT_KNOWLEDGE_CACHE", "1").strip().lower() in ("0", "no", "off", "false"):
        return None
    base = os.environ.get("CHARCOT_CACHE_DIR")
    if not base:
        base = str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "charcot")
    return Path(base) / "knowledge"


def key(content: str) -> str:
    return hashlib.sha256(f"{content}\0{code_hash()}".encode()).hexdigest()[:32]


def trusted(path: Path) -> bool:
    """A stored file is read only when this user owns it and nobody else can write it."""
    try:
        info = path.stat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def read(content: str, name: str) -> Any | None:
    """The stored object ``name`` of the snapshot with this content hash, or None (absent, foreign, unreadable)."""
    root = cache_root()
    if root is None:
        return None
    path = root / key(content) / f"{name}.pickle"
    if not trusted(path):
        return None
    import gc
    import pickle

    collecting = gc.isenabled()
    gc.disable()  # thousands of new objects, none garbage: no collection passes while they are made
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except Exception:  # a damaged or outdated entry is only a cache miss
        return None
    finally:
        if collecting:
            gc.enable()


def write(content: str, name: str, value: Any) -> None:
    """Store ``value`` atomically; a cache that cannot be written is silently skipped."""
    root = cache_root()
    if root is None:
        return
    import pickle

    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    folder = root / key(content)
    fresh = not folder.is_dir()
    if write_file(folder / f"{name}.pickle", data) and fresh:
        prune(root)


def write_file(path: Path, data: bytes) -> bool:
    """Write one file of the store atomically, in a private folder; False when it cannot be written (a cache
    that cannot be written is skipped)."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True


def prune(root: Path, pattern: str | None = None) -> None:
    """Keep the ``KEEP`` newest entries of ``root``: its folders (one per key), or the files matching ``pattern``."""
    import shutil

    try:
        entries = sorted((p for p in (root.glob(pattern) if pattern else root.iterdir())
                          if (p.is_file() if pattern else p.is_dir())), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            if pattern:
                old.unlink(missing_ok=True)
            else:
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        return


def cached(data_dir: Path, content: str, name: str, load: Callable[[], Any]) -> Any:
    """``name`` from the store, else ``load()`` (which validates) and store its result under ``content``.

    A section is read when first used, so a process that took the snapshot's hash earlier (a web server, a long
    re-analysis) would read a file edited or replaced since (knowledge updated in place, a package upgraded under a
    running server) and present it as the snapshot it named: one run mixing two snapshots, under the first one's
    version and hash. The folder's hash is taken again after the section is read; a change is an error."""
    found = read(content, name)
    if found is not None:
        return found
    value = load()
    now = content_hash(data_dir)
    if now != content:
        from charcot.errors import KnowledgeError

        raise KnowledgeError(f"the knowledge files changed while charcot was running: the snapshot's content hash "
                             f"was {content[:12]} when it was first read and is {now[:12]} now, so its '{name}' "
                             "section would come from another snapshot than the rest", path=data_dir,
                             hint="restart charcot (the server, or the command) so that it reads one snapshot whole")
    write(content, name, value)
    return value
