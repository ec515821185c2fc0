"""Atomic writes: a failed run never leaves a half-written output behind."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _read_umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


# Read once at import: os.umask is process-wide, so reading it later could race with other threads.
_FILE_MODE = 0o666 & ~_read_umask()


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600 files; give the output the mode a plain open() would have.
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


@contextmanager
def atomic_directory(path: str | Path) -> Iterator[Path]:
    """Yield a scratch directory; on success its files are moved into ``path`` (each by rename),
    on failure nothing in ``path`` changes."""
    target = Path(path)
    target.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".charcot-", dir=target))
    try:
        yield scratch
        for item in sorted(scratch.iterdir()):
            os.replace(item, target / item.name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# Inputs above this size get a sampled fingerprint instead of a full SHA-256 unless the user asks for a
# full checksum: hashing a 233 MB whole-genome VCF took longer than interpreting its panel (issue 20).
FULL_CHECKSUM_LIMIT = 64 << 20
SAMPLE_BLOCKS = 64
SAMPLE_BLOCK_SIZE = 64 << 10
METHOD_FULL = "sha256"
METHOD_SAMPLED = "sha256-sampled"


def fingerprint_file(path: str | Path, *, full: bool = False) -> tuple[str, str, int]:
    """Return (digest, method, size) identifying the file's content.

    Files up to ``FULL_CHECKSUM_LIMIT`` (or any file when ``full``) get a full SHA-256. Larger files get
    ``sha256-sampled``: SHA-256 over the size, the first and last 1 MiB and ``SAMPLE_BLOCKS`` evenly spaced
    64 KiB blocks. It changes with any edit of those bytes or of the length, is deterministic and cheap
    (about 6 MiB read), but it is not a full checksum; reports name the method used for each input."""
    size = os.stat(path).st_size
    if full or size <= FULL_CHECKSUM_LIMIT:
        return sha256_file(path), METHOD_FULL, size
    digest = hashlib.sha256()
    digest.update(f"size={size};".encode())
    edge = min(1 << 20, size // 4)
    with open(path, "rb") as handle:
        digest.update(handle.read(edge))
        step = (size - 2 * edge) // (SAMPLE_BLOCKS + 1)
        for i in range(1, SAMPLE_BLOCKS + 1):
            handle.seek(edge + i * step)
            digest.update(handle.read(min(SAMPLE_BLOCK_SIZE, step)))
        handle.seek(size - edge)
        digest.update(handle.read(edge))
    return digest.hexdigest(), METHOD_SAMPLED, size


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()
