"""One pass over an unindexed plain-text or plain-gzip VCF with the per-record work done in C (issue 20).

``bcftools view -T`` (htslib, in its own process on the other core) keeps the records that touch the panel
regions; charcot reads only those with cyvcf2. The facts charcot needs about *every* record are learnt in
the same pass from the text's bytes (``TextScan``): the number of records, the contigs that have records,
a POS of 0, a reference block ending before it starts. Records beyond the end of their contig are
kept by bcftools too (extra target regions past each contig's length). A plain-gzip file is inflated
once, here, and the text goes to bcftools through a pipe; a truncated or corrupt stream is noticed on
the way.

Nothing here raises an error for the user: whenever the fast pass cannot vouch for the file (bcftools
failed, an odd line, a record that would be refused, damaged compression), it raises ``Doubt`` and the
reader reads the file record by record through cyvcf2 as before, which gives the exact error with its
line. The fast pass is therefore only ever a shortcut to the same result.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from charcot.genome.builds import normalise_contig

K = TypeVar("K", str, bytes)

#: Files smaller than this are streamed through cyvcf2 directly (starting bcftools costs more than it saves).
MIN_BYTES = 4 << 20
_CHUNK = 8 << 20
_PAD = 1000  # bp around each panel region: bcftools only pre-selects, the reader applies the exact rule
_FAR = 2**31 - 1


class Doubt(Exception):
    """The fast pass cannot vouch for the file; read it record by record instead."""


def available() -> bool:
    return shutil.which("bcftools") is not None


class TextScan:
    """Whole-file facts from a VCF's text, fed in chunks: records, contigs with records, and any reason to doubt
    that bcftools' selection plus these facts equal what a record-by-record read would find (a line that is
    empty or header-like among the records, a POS of 0, a contig the header does not declare).

    The line starts of a chunk are found with numpy (one comparison pass), and each run of lines on one contig
    is checked with a few gathers; Python touches a line only at a chunk edge or after many contig changes."""

    def __init__(self, declared: set[str]) -> None:
        self.records = 0
        self.contigs: set[bytes] = set()
        # per contig, POS of the first and last record (of each run of lines on it: see reader.ReadResult.spans)
        self.spans: dict[bytes, tuple[int, int]] = {}
        self._declared = {c.encode() for c in declared}
        self._header: bytearray | None = bytearray()
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        if self._header is not None:
            self._header += chunk
            head = bytes(self._header)
            at = 0 if head.startswith(b"#CHROM") else head.find(b"\n#CHROM") + 1
            end = head.find(b"\n", at) if at > 0 or head.startswith(b"#CHROM") else -1
            if end < 0:
                if len(self._header) > 256 << 20:
                    raise Doubt("no '#CHROM' line in the first 256 MiB")
                return
            self._header = None
            chunk = head[end + 1:]
        if not chunk:
            return
        nl = chunk.find(b"\n")
        if nl < 0:
            self._tail += chunk
            if len(self._tail) > 64 << 20:
                raise Doubt("a line longer than 64 MiB")
            return
        self._line(self._tail + chunk[:nl + 1])
        last = chunk.rfind(b"\n")
        if last > nl:
            self.block(chunk, nl + 1, last + 1)
        self._tail = chunk[last + 1:]

    def finish(self) -> None:
        if self._header is not None:
            raise Doubt("no '#CHROM' line")
        if self._tail:
            self._line(self._tail + b"\n")
            self._tail = b""

    def _line(self, line: bytes) -> None:
        """One whole line (ending in a newline) checked field by field."""
        tab = line.find(b"\t")
        if tab <= 0 or line.startswith(b"#"):
            raise Doubt("an empty or header-like line among the records")
        second = line.find(b"\t", tab + 1)
        pos = line[tab + 1:second]
        if second < 0 or not pos.isdigit() or pos.startswith(b"0") or len(pos) > 9:
            raise Doubt("a POS that is not a position")
        self.records += 1
        self._contig(line[:tab])
        widen(self.spans, line[:tab], int(pos), int(pos))

    def _contig(self, contig: bytes) -> None:
        if contig not in self.contigs:
            if b"\n" in contig or contig.startswith(b"#") or not contig:
                raise Doubt("an empty or header-like line among the records")
            if self._declared and contig not in self._declared:
                raise Doubt("a contig not declared in the header")
            self.contigs.add(contig)

    def block(self, data: Any, s: int, e: int) -> None:
        """Whole lines data[s:e]: data[s - 1] and data[e - 1] are newlines (``data``: bytes or an mmap)."""
        import numpy as np

        arr = np.frombuffer(data, dtype=np.uint8)
        top = len(arr) - 1
        starts = np.flatnonzero(arr[s - 1:e - 1] == 10) + s
        changes = 0
        while len(starts):
            first = int(starts[0])
            tab = data.find(b"\t", first, e)
            if tab <= first:
                raise Doubt("a line without a CHROM column")
            contig = bytes(data[first:tab])
            width = len(contig)
            same = arr[np.minimum(starts + width, top)] == 9
            for j, char in enumerate(contig):
                same &= arr[np.minimum(starts + j, top)] == char
            run = len(same) if bool(same.all()) else int(np.argmin(same))
            self._check_pos(arr, starts[:run] + width + 1, top)
            self.records += run
            self._contig(contig)
            a, b = int(starts[0]) + width + 1, int(starts[run - 1]) + width + 1
            widen(self.spans, contig, int(data[a:data.find(b"\t", a, e)]), int(data[b:data.find(b"\t", b, e)]))
            starts = starts[run:]
            changes += 1
            if changes > 256 and len(starts):  # many short runs: line by line is cheaper
                for line in bytes(data[int(starts[0]):e - 1]).split(b"\n"):
                    self._line(line + b"\n")
                return

    @staticmethod
    def _check_pos(arr: Any, at: Any, top: int) -> None:
        """Every POS (starting at ``at``) is 1 to 9 digits followed by a tab, the first digit not 0: htslib
        versions differ on what else they accept, and the careful pass refuses the rest itself."""
        import numpy as np

        char = arr[np.minimum(at, top)]
        if bool(((char < 49) | (char > 57)).any()):
            raise Doubt("a POS of 0, with a leading zero or not a number")
        digits = np.ones(len(at), dtype=bool)
        ended = np.zeros(len(at), dtype=bool)
        for j in range(1, 10):
            char = arr[np.minimum(at + j, top)]
            ended |= digits & (char == 9)
            digits &= (char >= 48) & (char <= 57)
            if not bool(digits.any()):
                break
        if not bool(ended.all()):
            raise Doubt("a POS that is not a number of at most 9 digits")

    def feed_mapped(self, data: Any) -> None:
        """The whole text at once (an mmap of a plain file): header, then blocks of whole lines."""
        size = len(data)
        at = 0 if data[:6] == b"#CHROM" else data.find(b"\n#CHROM") + 1
        end = data.find(b"\n", at) if at > 0 or data[:6] == b"#CHROM" else -1
        if end < 0:
            raise Doubt("no '#CHROM' line")
        import mmap

        self._header = None
        s = end + 1
        dropped = 0
        while s < size:
            e = data.rfind(b"\n", s, min(size, s + _CHUNK)) + 1
            if e <= s:
                e = data.find(b"\n", s) + 1
                if e <= 0:  # the last line has no newline
                    self._line(bytes(data[s:size]) + b"\n")
                    return
            self.block(data, s, e)
            done = (e - 1) // mmap.PAGESIZE * mmap.PAGESIZE
            if done > dropped:  # pages read stay in the page cache, not in this process's resident memory
                with contextlib.suppress(AttributeError, OSError, ValueError):
                    data.madvise(mmap.MADV_DONTNEED, dropped, done - dropped)
                dropped = done
            s = e


def write_targets(path: Path, regions: Iterable[tuple[str, int, int]], header_contigs: list[str],
                  lengths: dict[str, int]) -> None:
    """BED of the panel regions (padded) under every header name of each panel chromosome, and of the span past
    the end of every contig of known length (so that a record beyond its contig reaches the reader)."""
    by_chrom: dict[str, list[str]] = {}
    for name in header_contigs:
        by_chrom.setdefault(normalise_contig(name), []).append(name)
    lines = []
    for chrom, s, e in regions:
        for name in by_chrom.get(chrom, []):
            lines.append(f"{name}\t{max(0, s - 1 - _PAD)}\t{e + _PAD}\n")
    for name, length in lengths.items():
        if 0 < length < _FAR:
            lines.append(f"{name}\t{length}\t{_FAR}\n")
    path.write_text("".join(lines))


def _gzip_module() -> Any:
    """ISA-L's zlib-compatible inflater when installed (the ``fast`` extra: about 4x less CPU than zlib on a
    genome), else zlib; both check every member's CRC and length and say the same about a damaged stream."""
    try:
        from isal import isal_zlib

        return isal_zlib
    except ImportError:
        return zlib


def _inflate(path: Path) -> Iterator[bytes]:
    """The text of a plain gzip file (members one after another), inflated once; Doubt when it is truncated,
    corrupt or followed by anything but another member."""
    module = _gzip_module()
    with open(path, "rb") as handle:
        inflater = module.decompressobj(31)
        pending = b""
        while True:
            data = pending or handle.read(1 << 20)
            pending = b""
            if not data:
                break
            try:
                out = inflater.decompress(data)
            except (zlib.error, module.error):
                raise Doubt("corrupt gzip data") from None
            if out:
                yield out
            if inflater.eof:
                rest = inflater.unused_data
                if rest or (rest := handle.read(1 << 20)):
                    if not rest.startswith(b"\x1f\x8b"):
                        raise Doubt("data after the last gzip member")
                    inflater = module.decompressobj(31)
                    pending = rest
                else:
                    return
        if not inflater.eof:
            raise Doubt("the gzip stream ends inside a member")


@contextlib.contextmanager
def fewer_page_faults() -> Iterator[None]:
    """While a whole file streams through a few megabytes of buffers at a time: glibc serves allocations up to
    32 MiB from its heap and keeps freed memory (up to 256 MiB) for reuse, instead of mapping fresh zeroed pages for
    every buffer (plain-gzip genome: 380,000 page faults and ~1.4 s of system time fewer); the usual limits
    (128 KiB) are set again afterwards. Nothing happens where ``mallopt`` is missing (not glibc)."""
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
        mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        mallopt.restype = ctypes.c_int
    except (OSError, AttributeError):
        yield
        return
    trim, mmap_threshold = -1, -3  # M_TRIM_THRESHOLD, M_MMAP_THRESHOLD (malloc.h)
    mallopt(mmap_threshold, 32 << 20)
    mallopt(trim, 256 << 20)
    try:
        yield
    finally:
        mallopt(trim, 128 << 10)
        mallopt(mmap_threshold, 128 << 10)


def select(path: Path, gzipped: bool, targets: Path, out: Path, scan: TextScan) -> None:
    """Run ``bcftools view -T targets`` over the whole file into ``out`` (uncompressed BCF) while ``scan`` reads
    every byte of the text. A plain file is read by both (the page cache holds it once; charcot maps it); a gzip
    file is inflated here and piped to bcftools. Raises Doubt when bcftools or the scan cannot vouch for the
    result, including htslib's warning that a record's INFO/END is before its POS (the record-by-record pass
    refuses such a reference block)."""
    with fewer_page_faults():
        _select(path, gzipped, targets, out, scan)


def _select(path: Path, gzipped: bool, targets: Path, out: Path, scan: TextScan) -> None:
    bcftools = shutil.which("bcftools")
    if bcftools is None:
        raise Doubt("no bcftools")
    cmd = [bcftools, "view", "--no-version", "--targets-file", str(targets), "--targets-overlap", "1",
           "--output-type", "u", "--output", str(out), "-" if gzipped else str(path)]
    log = out.with_suffix(".log")
    ok = False
    with open(log, "wb") as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if gzipped else subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err, close_fds=True)
    try:
        if gzipped:
            assert proc.stdin is not None
            with contextlib.suppress(OSError, AttributeError):
                import fcntl

                fcntl.fcntl(proc.stdin.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
            sink = proc.stdin
            try:
                for text in _inflate(path):
                    scan.feed(text)
                    sink.write(text)
                sink.close()
            except OSError:
                raise Doubt("bcftools stopped reading") from None
            scan.finish()
        else:
            import mmap

            with open(path, "rb") as handle:
                mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            try:
                with contextlib.suppress(AttributeError, OSError):
                    mapped.madvise(mmap.MADV_SEQUENTIAL)
                scan.feed_mapped(mapped)
            finally:
                # a Doubt's traceback may still hold a numpy view of the map: then it closes when collected
                with contextlib.suppress(BufferError):
                    mapped.close()
        if proc.wait() != 0:
            raise Doubt("bcftools refused the file")
        if _logged(log, b"is smaller than POS"):
            raise Doubt("a record whose INFO/END is before its POS")
        ok = True
    finally:
        if not ok:
            if proc.poll() is None:
                proc.kill()
            if proc.stdin is not None and not proc.stdin.closed:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
            proc.wait()


def _logged(log: Path, words: bytes) -> bool:
    """Whether bcftools' stderr (a file: it may be long) contains ``words``."""
    with open(log, "rb") as handle:
        last = b""
        while chunk := handle.read(1 << 20):
            if words in last[-len(words):] + chunk:
                return True
            last = chunk
    return False


def normalised(contigs: set[bytes]) -> set[str]:
    return {normalise_contig(c.decode(errors="replace")) for c in contigs}


def widen(spans: dict[K, tuple[int, int]], contig: K, first: int, last: int) -> None:
    """Add a run of records on ``contig`` whose first record has POS ``first`` and last POS ``last`` to the
    per-contig spans (an unsorted run adds only the span between its two ends: narrower, never wider)."""
    low, high = min(first, last), max(first, last)
    old = spans.get(contig)
    spans[contig] = (low, high) if old is None else (min(old[0], low), max(old[1], high))


def normalised_spans(spans: dict[bytes, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for contig, (first, last) in spans.items():
        widen(out, normalise_contig(contig.decode(errors="replace")), first, last)
    return out


def wanted(path: Path) -> bool:
    try:
        return path.is_file() and os.path.getsize(path) >= MIN_BYTES and available()
    except OSError:
        return False
