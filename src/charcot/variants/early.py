"""An indexed VCF read in a second process while ``charcot interpret`` imports and classifies (issue 20).

``interpret`` on an indexed whole genome spent about half its time before the first classification: importing
the ACMG engine, the models and cyvcf2/numpy, opening the file and its index, then htslib's region queries and a
few tens of microseconds of Python per panel record. Here the command forks one reader process as soon as its
options are checked (before the classification code is imported): the reader imports only what reading needs,
runs the same ``reader.read_calls`` on the same arguments, and hands each batch of calls to the main process
through a pipe as soon as it is read; the main process imports, loads the knowledge base and classifies each batch
as it arrives. The calls come back as plain tuples (no pickled objects but the rare annotated allele), in read
order, and the last message is the reading's summary (``ReadResult`` without its calls).

Same results, same errors: the reader is only started where nothing between reading and classifying can fail
(an indexed regular file, no resource, reference or transcript file; see ``start``), and on any failure in the
reader (a bad record, a damaged file, an error of its own) the main process throws away what it received and reads
the file itself with the same function, which raises the same error with the same line. The reader dies with the
main process (PR_SET_PDEATHSIG) and is killed and reaped when the command ends; it writes nothing but the pipe.
Switched off by ``CHARCOT_EARLY_READ=0`` (the tests compare both), without ``fork``, on one CPU or when a thread
is running.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from charcot.genome.panels import GeneSelection
    from charcot.variants.reader import Call, ReadResult

BATCH = 512  # calls per message (~40 kB)
_HEAD = struct.Struct("<Q")


class EarlyFailed(Exception):
    """The reader process did not deliver: read the file in this process instead."""


def wanted(path: Path) -> bool:
    """True where a reader process may pay: an indexed regular file, fork available, two CPUs, no thread."""
    import threading

    if os.environ.get("CHARCOT_EARLY_READ", "1") == "0" or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return False
    if threading.active_count() > 1:  # forking a process with threads can copy a held lock
        return False
    try:
        return path.is_file() and any(Path(str(path) + s).is_file() for s in (".tbi", ".csi"))
    except OSError:
        return False


class EarlyRead:
    """The main process's end of one reader process."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid = pid
        self._in = os.fdopen(fd, "rb", buffering=1 << 16)
        self._done = False

    @classmethod
    def start(cls, path: Path, *, selection: GeneSelection | None, sample: str | None, build: str, sex: str | None,
              min_gq: int | None, min_dp: int | None, include_filtered: bool) -> EarlyRead | None:
        """Fork the reader of ``path`` (the arguments as ``interpret`` gets them), or None when not ``wanted``."""
        if not wanted(path):
            return None
        # what both processes need is imported and loaded once, before the fork
        import charcot.variants.reader  # noqa: F401
        from charcot.knowledge import get_knowledge
        from charcot.outputs import signals_held

        genes = get_knowledge().genes
        if selection is not None:
            genes = [g for g in genes if g.symbol in selection.symbols]

        read_fd, write_fd = os.pipe()
        try:
            import fcntl

            fcntl.fcntl(write_fd, 1031, 1 << 20)  # F_SETPIPE_SZ: a genome's calls (~0.6 MB) fit without waiting
        except (OSError, ImportError, AttributeError):
            pass
        parent = os.getpid()
        with signals_held():  # a SIGTERM during the fork is acted on after it
            pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the reader process (tests check its results)
            os.close(read_fd)
            _reader(write_fd, parent, path, genes=genes, sample=sample, build=build, sex=sex,
                    min_gq=min_gq, min_dp=min_dp, include_filtered=include_filtered)
        os.close(write_fd)
        return cls(pid, read_fd)

    def _message(self) -> Any:
        head = self._in.read(_HEAD.size)
        if len(head) != _HEAD.size:
            raise EarlyFailed("the reader ended without a result")
        size = _HEAD.unpack(head)[0]
        data = self._in.read(size)
        if len(data) != size:
            raise EarlyFailed("the reader ended inside a message")
        try:
            return pickle.loads(data)
        except Exception:
            raise EarlyFailed("a message could not be read") from None

    def stream(self) -> Iterator[tuple[str, Any]]:
        """("start", (build, annotated, whether each call can be classified alone: no gnomAD field)) first, then ("calls", [Call, ...]) batches in read order,
        then ("done", ReadResult with every call). Raises EarlyFailed when the reader failed or died."""
        from charcot.model import Build

        calls: list[Call] = []
        while True:
            message = self._message()
            kind = message[0]
            if kind == "start":
                yield "start", (Build(message[1]), message[2], message[3])
            elif kind == "calls":
                batch = _unpack(message[1])
                calls += batch
                yield "calls", batch
            elif kind == "done":
                result: ReadResult = message[1]
                result.calls = calls
                self._done = True
                yield "done", result
                return
            else:
                raise EarlyFailed("the reader failed")

    def close(self) -> None:
        """Stop (if still running) and reap the reader."""
        import signal

        self._in.close()
        try:
            if not self._done:
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ChildProcessError, ProcessLookupError):  # pragma: no cover - already reaped
            pass


def _bind_to_parent(parent: int) -> None:
    """The reader ends quietly on SIGTERM/SIGINT (the main process reports) and dies with the main process."""
    import ctypes
    import signal

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)
    with suppress(OSError, AttributeError):  # Linux has prctl
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the main process ended before the line above ran
        os._exit(0)


def _send(fd: int, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEAD.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _reader(fd: int, parent: int, path: Path, *, genes: list[Any], sample: str | None, build: str,
            sex: str | None, min_gq: int | None, min_dp: int | None, include_filtered: bool) -> None:  # pragma: no cover - runs in the reader process
    code = 1
    try:
        _bind_to_parent(parent)
        from charcot.genome.panel import Panel, build_panel
        from charcot.variants.reader import environ_threads, read_calls

        panels: dict[Any, Panel] = {}

        def panel_for(b: Any) -> Panel:
            if b not in panels:
                panels[b] = build_panel(genes, b)
            return panels[b]

        sent = 0
        started = False

        def sink(result: ReadResult) -> None:
            nonlocal sent, started
            if not started:
                started = True
                _send(fd, ("start", result.build.value, result.schema.annotated,
                            not result.schema.frequency_fields))
            if len(result.calls) - sent >= BATCH:
                _send(fd, ("calls", _pack(result.calls[sent:])))
                sent = len(result.calls)

        # as interpret() normalises it (an unknown sex is refused there before the reading is used)
        sex_norm = {"m": "male", "f": "female", "unknown": None}.get((sex or "").lower(), (sex or "").lower() or None)
        read = read_calls(path, panel_for, sample=sample, build=build, sex=sex_norm, min_gq=min_gq, min_dp=min_dp,
                          include_filtered=include_filtered, threads=environ_threads(), sink=sink)
        if not started:
            _send(fd, ("start", read.build.value, read.schema.annotated, not read.schema.frequency_fields))
        if len(read.calls) > sent:
            _send(fd, ("calls", _pack(read.calls[sent:])))
        read.calls = []
        _send(fd, ("done", read))
        code = 0
    except BaseException:
        with suppress(BaseException):
            _send(fd, ("failed",))
    finally:
        try:
            sys.stderr.flush()
        finally:
            os._exit(code)


def _pack(calls: list[Call]) -> list[tuple[Any, ...]]:
    """Calls as tuples of plain values: the Allele as a tuple, the annotation None when it is the empty one that an
    unannotated file's alleles share (else the object itself). A call made by its dataclass __init__ holds its
    fields in declaration order (checked per call, as a missing or reordered field would scramble them)."""
    from charcot.genome.normalise import Allele
    from charcot.variants.annotation import _NO_FREQUENCIES, _NO_PREDICTORS
    from charcot.variants.reader import Call

    names = tuple(f.name for f in fields(Call))
    allele_names = tuple(f.name for f in fields(Allele))
    at_allele, at_annotation = names.index("allele"), names.index("annotation")
    out = []
    for call in calls:
        d = call.__dict__
        if tuple(d) != names:
            raise ValueError("a call's fields are not those of Call")
        values = list(d.values())
        allele = values[at_allele].__dict__
        if tuple(allele) != allele_names:
            raise ValueError("an allele's fields are not those of Allele")
        values[at_allele] = tuple(allele.values())
        ann = values[at_annotation]
        if (ann.frequencies is _NO_FREQUENCIES and ann.predictors is _NO_PREDICTORS and not ann.consequences
                and ann.clinvar is None):
            values[at_annotation] = None
        out.append(tuple(values))
    return out


def _unpack(packed: list[tuple[Any, ...]]) -> list[Call]:
    """The calls of ``_pack``, rebuilt as the reader made them."""
    from charcot.genome.normalise import Allele
    from charcot.variants.annotation import _NO_FREQUENCIES, _NO_PREDICTORS, AlleleAnnotation
    from charcot.variants.reader import Call

    names = tuple(f.name for f in fields(Call))
    allele_names = tuple(f.name for f in fields(Allele))
    new = object.__new__
    out = []
    for values in packed:
        d = dict(zip(names, values, strict=True))
        allele = new(Allele)
        allele.__dict__.update(zip(allele_names, d["allele"], strict=True))
        d["allele"] = allele
        if d["annotation"] is None:
            d["annotation"] = AlleleAnnotation([], _NO_FREQUENCIES, _NO_PREDICTORS, None)
        call = new(Call)
        call.__dict__.update(d)
        out.append(call)
    return out
