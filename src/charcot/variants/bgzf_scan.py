"""The panel records of a large unindexed bgzipped VCF, selected in one pass on both cores (issue 20).

Before, such a file got a temporary tabix index (``bcftools index --tbi``, a single-threaded pass that parses
every line) and was then read through it like an indexed file. Here the BGZF blocks are inflated in two threads
(libdeflate through ctypes, or zlib; both release the GIL) and numpy finds, per chunk of text, the line ends, the
contig runs and every POS. The lines that may touch a panel region (POS before the region's end and POS + the
line's length after its start: a record's reference span is never longer than its line) and the first and last
lines of every panel contig are written, with the header byte for byte, to a small bgzipped VCF that gets its own
temporary index. The reader then runs the *same* region queries on that small file that it ran on the whole file
with the temporary index: htslib decides which records overlap which region, the same records come back in the
same order, and the chromosomes with records and the span of their records are answered by the same queries.

That equality holds only if the whole-file index could have been built and the whole-file queries see nothing
the small file lacks, so the pass raises ``prefilter.Doubt`` (and the reader builds the temporary index of the
whole file exactly as before) for: a block that is not whole BGZF (bad header, CRC, size, no end-of-file block
last, trailing bytes), a line without CHROM and POS, a POS that is not 1-9 digits without a leading zero,
positions out of order or a contig in two separate runs (tabix refuses both), a position past tabix' 2^29 limit,
an empty or '#' line among the records, a carriage return before a newline, a last line without its newline, a
line whose span htslib may take from INFO/END, SVLEN or a symbolic ALT (text ``END=``, ``EN=`` or ``<``: htslib
versions take spans from them differently, and an END past 2^29 makes tabix refuse the whole file), more
selected text than a panel can have, and
anything the index of the small file refuses. Memory stays bounded: a few chunks of text are in flight, and
text inflated before the panel is known is held up to ``_PENDING`` bytes.
"""

from __future__ import annotations

import ctypes
import struct
import threading
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from charcot.variants.prefilter import Doubt

#: a chunk of text: bytes (zlib), or a numpy uint8 array filled by libdeflate (no zeroing first)
Text = Any

_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
_BATCH = 1 << 20  # compressed bytes per task (about 5 MB of text)
_AHEAD = 4  # tasks in flight
_PENDING = 24 << 20  # text held while the panel is not known yet, before the pass waits for it
_MAX_SELECTED = 256 << 20  # more selected text than any panel needs: the file is not what this pass is for
_TBI_LIMIT = 1 << 29  # tabix' .tbi cannot hold a span reaching past this
_RUNS = 256  # contig runs in one chunk beyond which lines are checked one by one

_LIB: Any = None
_LIB_TRIED = False
#: read the BGZF blocks through the system's htslib when it is there (tests switch it off to run the other path)
HTSLIB_READER = True


def _libdeflate() -> Any:
    """libdeflate (the system's, or the copy bundled with cyvcf2), or None: zlib is used then."""
    global _LIB, _LIB_TRIED
    if _LIB_TRIED:
        return _LIB
    _LIB_TRIED = True
    names = ["libdeflate.so.0"]
    try:
        import importlib.util

        spec = importlib.util.find_spec("cyvcf2")
        for folder in (spec.submodule_search_locations or []) if spec is not None else []:
            names += [str(p) for p in sorted(Path(folder).parent.glob("cyvcf2.libs/libdeflate*.so*"))]
    except (ImportError, ValueError):
        pass
    for name in names:
        try:
            lib = ctypes.CDLL(name)
            lib.libdeflate_alloc_decompressor.restype = ctypes.c_void_p
            lib.libdeflate_alloc_decompressor.argtypes = []
            lib.libdeflate_free_decompressor.argtypes = [ctypes.c_void_p]
            lib.libdeflate_deflate_decompress.restype = ctypes.c_int
            lib.libdeflate_deflate_decompress.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                                                          ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
            lib.libdeflate_crc32.restype = ctypes.c_uint32
            lib.libdeflate_crc32.argtypes = [ctypes.c_uint32, ctypes.c_void_p, ctypes.c_size_t]
        except (OSError, AttributeError):
            continue
        _LIB = lib
        return lib
    return None


def _blocks(raw: bytes, limit: int) -> tuple[list[tuple[int, int]], int]:
    """(offset, size) of the whole BGZF blocks at the start of raw[:limit], and where the first incomplete one
    begins. Raises Doubt for bytes that do not start a BGZF block as htslib writes it."""
    out = []
    i = 0
    unpack = struct.unpack_from
    while i + 18 <= limit:
        if raw[i:i + 4] != b"\x1f\x8b\x08\x04" or unpack("<H", raw, i + 10)[0] != 6 or raw[i + 12:i + 14] != b"BC" \
                or unpack("<H", raw, i + 14)[0] != 2:
            raise Doubt("not a BGZF block")
        size = unpack("<H", raw, i + 16)[0] + 1
        if size < 26:
            raise Doubt("a broken BGZF block")
        if i + size > limit:
            break
        out.append((i, size))
        i += size
    return out, i


def _inflate(raw: bytes, blocks: list[tuple[int, int]]) -> Text:
    """The text of whole BGZF blocks, each checked against its CRC32 and size (Doubt otherwise)."""
    unpack = struct.unpack_from
    sizes = [unpack("<I", raw, o + n - 4)[0] for o, n in blocks]
    lib = _libdeflate()
    if lib is None:
        parts = []
        for (o, n), size in zip(blocks, sizes, strict=True):
            try:
                text = zlib.decompress(raw[o + 18:o + n - 8], -15, max(size, 1))
            except zlib.error:
                raise Doubt("a corrupt BGZF block") from None
            if len(text) != size or zlib.crc32(text) != unpack("<I", raw, o + n - 8)[0]:
                raise Doubt("a BGZF block fails its checksum")
            parts.append(text)
        return b"".join(parts)
    total = sum(sizes)
    if not total:
        return b""
    import numpy as np

    out = np.empty(total, dtype=np.uint8)  # every byte is written below: no zeroing (issue 20: ~0.5 s CPU)
    base = out.ctypes.data
    source = ctypes.c_char_p(raw)
    src = ctypes.cast(source, ctypes.c_void_p).value or 0
    state = lib.libdeflate_alloc_decompressor()
    if not state:
        raise Doubt("no memory for libdeflate")
    try:
        at = 0
        for (o, n), size in zip(blocks, sizes, strict=True):
            if lib.libdeflate_deflate_decompress(state, src + o + 18, n - 26, base + at, size, None) != 0:
                raise Doubt("a corrupt BGZF block")
            if lib.libdeflate_crc32(0, base + at, size) != unpack("<I", raw, o + n - 8)[0]:
                raise Doubt("a BGZF block fails its checksum")
            at += size
    finally:
        lib.libdeflate_free_decompressor(state)
        del source
    return out


_EN = int.from_bytes(b"EN", "little")
_HIGH = 0x8080808080808080
_ONES = 0x0101010101010101
_ALL = 0xFFFFFFFFFFFFFFFF


def _words(buf: Text, size: int) -> Any:
    """Unaligned little-endian 64-bit words of buf[:size]: element i holds bytes i..i+7."""
    import numpy as np

    return np.ndarray(shape=(max(size - 7, 0),), dtype="<u8", buffer=buf, offset=0, strides=(1,))


def parse_pos(first: Any, second: Any) -> Any:
    """POS values from the 64-bit words at each POS (``first``) and two bytes further (``second``, whose top two
    bytes are the POS's 9th and 10th): 1-9 digits, the first not 0, then a tab, else Doubt. Eight digits are
    combined at once (SWAR: each byte a lane of the 64-bit word)."""
    import numpy as np

    u = np.uint64
    low = first & u(~_HIGH & _ALL)
    digit = ((low | u(_HIGH)) - u(0x30 * _ONES)) & (u(0x39 * _ONES | _HIGH) - low) & ~first & u(_HIGH)
    other = ~digit & u(_HIGH)  # bit 7 of every byte that is not a digit
    lowest = other & (~other + u(1))
    count = np.where(other == 0, 8, (np.log2(np.maximum(lowest, u(1)).astype(np.float64)).astype(np.int64) - 7) // 8)
    ninth = (second >> u(48)) & u(0xFF)
    tenth = second >> u(56)
    short = count < 8
    tab = np.where(short, (first >> (u(8) * count.astype(np.uint64))) & u(0xFF), ninth)
    nine = ~short & (ninth >= 48) & (ninth <= 57) & (tenth == 9)
    if bool((count == 0).any()) or bool(((first & u(0xFF)) == 48).any()) or not bool(((tab == 9) | nine).all()):
        raise Doubt("a POS of 0, with a leading zero, not a number or of more than 9 digits")
    width = count.astype(np.uint64)
    mask = np.where(short, (u(1) << (u(8) * width)) - u(1), u(_ALL))
    value = ((first & mask) - (u(0x30 * _ONES) & mask)) << (u(8) * (u(8) - width))
    value = value * u(10) + (value >> u(8))
    value = (((value & u(0x000000FF000000FF)) * u(100 + (1000000 << 32)))
             + (((value >> u(16)) & u(0x000000FF000000FF)) * u(1 + (10000 << 32)))) >> u(32)
    value = value.astype(np.int64)
    return np.where(nine, value * 10 + (ninth.astype(np.int64) - 48), value)


_LIBC: Any = None


def _has_byte(arr: Any, byte: int) -> bool:
    """Whether the uint8 array holds ``byte`` (libc's memchr, several times faster than a numpy comparison)."""
    global _LIBC
    if not len(arr):
        return False
    if _LIBC is None:
        try:
            libc = ctypes.CDLL(None)
            libc.memchr.restype = ctypes.c_void_p
            libc.memchr.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
            _LIBC = libc
        except (OSError, AttributeError):
            _LIBC = False
    if _LIBC is False:
        return bool((arr == byte).any())
    import numpy as np

    data = np.ascontiguousarray(arr)
    return bool(_LIBC.memchr(data.ctypes.data, byte, len(data)))


def _find(buf: Text, byte: int, start: int, end: int) -> int:
    """Offset of the first ``byte`` in buf[start:end], or -1 (bytes, bytearray or a numpy array)."""
    if isinstance(buf, (bytes, bytearray)):
        return buf.find(bytes((byte,)), start, end)
    at = bytes(buf[start:end]).find(bytes((byte,)))
    return at + start if at >= 0 else -1


def marks(text: Text) -> tuple[Any, Any]:
    """(offsets of the newlines, offsets of every ``END=``, ``EN=`` and ``<``) of a chunk of text, with numpy (which
    releases the GIL, so the inflating threads do this work too): INFO/END and INFO/SVLEN keys, and ``<`` that
    starts a symbolic allele."""
    import numpy as np

    arr = np.frombuffer(text, dtype=np.uint8)
    ends = np.flatnonzero(arr == 10)
    size = len(arr)
    found = []
    for align in (0, 1) if size else ():  # "EN" as a 16-bit word at even and at odd offsets (none in no text)
        words = np.frombuffer(text, dtype="<u2", offset=align, count=(size - align) // 2)
        at = np.flatnonzero(words == _EN)
        if len(at):
            at = at * 2 + align
            at = at[at + 3 < size]
            after = arr[at + 2]
            found.append(at[(after == 61) | ((after == 68) & (arr[at + 3] == 61))])  # "EN=" or "END="
    if _has_byte(arr, 60):  # '<'
        found.append(np.flatnonzero(arr == 60))
    specials = np.sort(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
    return ends, specials


def _prepare(raw: bytes, blocks: list[tuple[int, int]]) -> tuple[Text, Any, Any]:
    text = _inflate(raw, blocks)
    return (text, *marks(text))


_HTS: Any = None
_HTS_TRIED = False
_READ = 4 << 20  # bytes of text per htslib read


def _htslib() -> Any:
    """The system's htslib (Debian's libhts, installed with bcftools) for its BGZF reader, or None; its own log
    messages are silenced (charcot reports problems itself)."""
    global _HTS, _HTS_TRIED
    if _HTS_TRIED:
        return _HTS
    _HTS_TRIED = True
    for name in ("libhts.so.3",):
        try:
            lib = ctypes.CDLL(name)
            lib.bgzf_open.restype = ctypes.c_void_p
            lib.bgzf_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
            lib.bgzf_read.restype = ctypes.c_ssize_t
            lib.bgzf_read.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
            lib.bgzf_close.restype = ctypes.c_int
            lib.bgzf_close.argtypes = [ctypes.c_void_p]
            lib.bgzf_check_EOF.restype = ctypes.c_int
            lib.bgzf_check_EOF.argtypes = [ctypes.c_void_p]
            lib.hts_set_log_level.argtypes = [ctypes.c_int]
            lib.hts_set_log_level(0)
        except (OSError, AttributeError):
            continue
        _HTS = lib
        return lib
    return None


def _hts_inflated(lib: Any, path: Path, workers: int) -> Iterator[tuple[Text, Any, Any]]:
    """``inflated`` through htslib's BGZF reader: one C call per 4 MB of text (the GIL is released inside it, and no
    Python runs per block), the markers found by ``workers`` threads. htslib checks each block's CRC32 and size and
    fails on damaged or trailing data; the end-of-file block is checked first."""
    import numpy as np

    handle = lib.bgzf_open(str(path).encode(), b"r")
    if not handle:
        raise Doubt("htslib cannot open the file")
    lock = threading.Lock()
    state = {"done": False, "seq": 0}

    def read() -> tuple[int, Text, Any, Any]:
        with lock:
            if state["done"]:
                return -1, b"", None, None
            text = np.empty(_READ, dtype=np.uint8)
            got = lib.bgzf_read(handle, text.ctypes.data, _READ)
            if got < 0:
                state["done"] = True
                raise Doubt("htslib cannot read a BGZF block (damaged or trailing data)")
            if got < _READ:
                state["done"] = True
            seq = state["seq"]
            state["seq"] += 1
        text = text[:got]
        return (seq, text, *marks(text)) if got else (seq, text, None, None)

    try:
        if lib.bgzf_check_EOF(handle) != 1:
            raise Doubt("no BGZF end-of-file block at the end")
        with ThreadPoolExecutor(workers, thread_name_prefix="charcot-inflate") as pool:
            pending: deque[Future[tuple[int, Text, Any, Any]]] = deque()
            ready: dict[int, tuple[Text, Any, Any]] = {}
            following = 0
            finished = False
            try:
                while not finished or pending:
                    while not finished and len(pending) < _AHEAD:
                        pending.append(pool.submit(read))
                    seq, text, ends, specials = pending.popleft().result()
                    if seq >= 0:
                        ready[seq] = (text, ends, specials)
                    if seq < 0 or not len(text):
                        finished = True
                    while following in ready:
                        part = ready.pop(following)
                        following += 1
                        if len(part[0]):
                            yield part
                    if state["done"]:
                        finished = True
            finally:
                for future in pending:
                    future.cancel()
        if ready:
            raise Doubt("a chunk of text was lost")  # cannot happen: every read is numbered
    finally:
        with lock:
            lib.bgzf_close(handle)


def inflated(path: Path, workers: int = 2) -> Iterator[tuple[Text, Any, Any]]:
    """The text of a BGZF file in order with its ``marks``, inflated by ``workers`` threads a few tasks ahead;
    Doubt when a block is damaged, the end-of-file block is not last, or anything follows it. htslib's reader
    (``_hts_inflated``) when the system has it, else blocks inflated here (libdeflate or zlib)."""
    lib = _htslib() if HTSLIB_READER else None
    if lib is not None:
        yield from _hts_inflated(lib, path, workers)
        return
    with open(path, "rb") as handle, ThreadPoolExecutor(workers, thread_name_prefix="charcot-inflate") as pool:
        pending: deque[Future[tuple[Text, Any, Any]]] = deque()
        rest = b""
        last = b""
        try:
            while True:
                data = handle.read(_BATCH)
                raw = rest + data if rest else data
                if not raw:
                    break
                blocks, end = _blocks(raw, len(raw))
                if not data and end < len(raw):
                    raise Doubt("the file ends inside a BGZF block")
                if blocks:
                    o, n = blocks[-1]
                    last = raw[o:o + n]
                    pending.append(pool.submit(_prepare, raw, blocks))
                rest = raw[end:]
                while len(pending) >= _AHEAD or (pending and pending[0].done()):
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
    if last != _EOF:
        raise Doubt("no BGZF end-of-file block at the end")


class Regions:
    """The panel regions under the file's contig names, as numpy arrays for the scan."""

    def __init__(self, by_contig: dict[str, list[tuple[int, int]]]) -> None:
        import numpy as np

        self.arrays: dict[bytes, tuple[Any, Any, int]] = {}
        for name, spans in by_contig.items():
            spans = sorted(spans)
            starts = np.array([s for s, _ in spans], dtype=np.int64)
            reach = np.maximum.accumulate(np.array([e for _, e in spans], dtype=np.int64))
            self.arrays[name.encode()] = (starts, reach, int(reach[-1]))


class LineScan:
    """The header and the selected lines of a VCF's text, fed in chunks (see the module's docstring)."""

    def __init__(self) -> None:
        self.header: bytes | None = None
        self._head = bytearray()
        self._tail = b""
        self.regions: Regions | None = None
        self.selected: list[bytes] = []
        self.selected_bytes = 0
        self.records = 0
        self._contig: bytes | None = None
        self._last_pos = 0
        self._done: set[bytes] = set()
        self._last_line: bytes | None = None  # the last line seen of a panel contig, when it was not selected

    # -- text in -----------------------------------------------------------------------------------------------
    def take_header(self, chunk: Text) -> bytes:
        """Gather the header (through the '#CHROM' line); returns the text after it once it is whole."""
        self._head += memoryview(chunk)
        head = self._head
        if len(head) >= 16 and not head.startswith(b"##fileformat=VCF"):
            raise Doubt("not VCF text (a BCF, or text before the header)")
        at = 0 if head.startswith(b"#CHROM") else head.find(b"\n#CHROM") + 1
        end = head.find(b"\n", at) if at > 0 or head.startswith(b"#CHROM") else -1
        if end < 0:
            if len(head) > 256 << 20:
                raise Doubt("no '#CHROM' line in the first 256 MiB")
            return b""
        self.header = bytes(head[:end + 1])
        rest = bytes(head[end + 1:])
        self._head = bytearray()
        return rest

    def feed(self, chunk: Text, ends: Any = None, specials: Any = None) -> None:
        """Record lines (the header was taken) with the chunk's ``marks`` (computed here when not given): whole
        lines are scanned, a partial last line waits for the next chunk."""
        if not len(chunk):
            return
        if ends is None:
            ends, specials = marks(chunk)
        if not len(ends):
            self._tail += bytes(chunk)
            if len(self._tail) > 64 << 20:
                raise Doubt("a line longer than 64 MiB")
            return
        first = int(ends[0])
        if self._tail:  # the line that began in the previous chunk
            line = self._tail + bytes(chunk[:first + 1])
            self._tail = b""
            self._lines(line, 0, len(line), *marks(line))
        elif first == 0:
            raise Doubt("an empty line among the records")
        else:
            self._lines(chunk, 0, first + 1, ends[:1], specials)
        last = int(ends[-1])
        if len(ends) > 1:
            self._lines(chunk, first + 1, last + 1, ends[1:], specials)
        self._tail = bytes(chunk[last + 1:])

    def contigs(self) -> set[bytes]:
        """The contigs of the lines scanned so far."""
        return self._done | ({self._contig} if self._contig is not None else set())

    def finish(self) -> None:
        if self.header is None:
            raise Doubt("no '#CHROM' line")
        if self._tail:
            raise Doubt("the last line has no newline")  # htslib reads it; kept simple: the careful path
        self._keep_last_line()

    def _keep_last_line(self) -> None:
        if self._last_line is not None:
            self.selected.append(self._last_line)
            self.selected_bytes += len(self._last_line)
            self._last_line = None

    # -- the scan ----------------------------------------------------------------------------------------------
    def _lines(self, buf: Text, s: int, e: int, ends: Any, specials: Any) -> None:
        """Whole lines buf[s:e] ending at ``ends`` (buf[e - 1] is a newline; ``specials``: see ``marks``)."""
        import numpy as np

        arr = np.frombuffer(buf, dtype=np.uint8, count=e)
        starts = np.empty_like(ends)
        starts[0] = s
        starts[1:] = ends[:-1] + 1
        if bool((arr[np.maximum(ends - 1, 0)] == 13).any()):
            raise Doubt("a carriage return before a newline")
        self.records += len(ends)
        top = e - 1
        words = _words(buf, e)
        runs = 0
        i = 0
        while i < len(starts):
            first = int(starts[i])
            tab = _find(buf, 9, first, int(ends[i]))
            if tab <= first or buf[first] == 35:  # no CHROM, an empty line or a '#' line
                raise Doubt("an empty, header-like or one-column line among the records")
            contig = bytes(buf[first:tab])
            width = len(contig)
            rest = starts[i:]
            if width < 8 and int(rest[-1]) + 8 <= len(arr):  # CHROM and its tab in one 64-bit word
                mask = (1 << (8 * (width + 1))) - 1
                same = (words[rest] & np.uint64(mask)) == np.uint64(int.from_bytes(contig + b"\t", "little"))
            else:
                same = arr[np.minimum(rest + width, top)] == 9
                for j, char in enumerate(contig):
                    same &= arr[np.minimum(rest + j, top)] == char
            run = len(same) if bool(same.all()) else int(np.argmin(same))
            self._run(buf, arr, contig, starts[i:i + run], ends[i:i + run], top, specials)
            i += run
            runs += 1
            if runs > _RUNS and i < len(starts):
                for k in range(i, len(starts)):  # many short contig runs: line by line
                    a, b = int(starts[k]), int(ends[k])
                    tab = _find(buf, 9, a, b)
                    if tab <= a or buf[a] == 35:
                        raise Doubt("an empty, header-like or one-column line among the records")
                    self._run(buf, arr, bytes(buf[a:tab]), starts[k:k + 1], ends[k:k + 1], top, specials)
                return

    def _run(self, buf: Text, arr: Any, contig: bytes, starts: Any, ends: Any, top: int,
             specials: Any) -> None:
        """Lines starts[k]..ends[k] (newline) all on ``contig``."""
        import numpy as np

        at = starts + (len(contig) + 1)
        size = len(arr)
        if len(at) and int(at[-1]) + 10 <= size:  # eight and two bytes read at every POS
            words = _words(buf, size)
            pos = parse_pos(words[at], words[at + 2])
        else:
            digits = arr[np.minimum(at[:, None] + np.arange(10), top)]
            digits -= 48  # uint8: a byte below '0' wraps above 9
            is_digit = digits < 10
            count = np.argmin(is_digit, axis=1)  # leading digits (0 when all ten are digits: refused below)
            rows = np.arange(len(at))
            if bool((count == 0).any()) or bool((digits[:, 0] == 0).any()) or \
                    bool((digits[rows, count] != (9 - 48) % 256).any()):
                raise Doubt("a POS of 0, with a leading zero, not a number or of more than 9 digits")
            pos = np.zeros(len(at), dtype=np.int64)
            for j in range(int(count.max())):
                pos = np.where(count > j, pos * 10 + digits[:, j], pos)
        if contig != self._contig:
            if contig in self._done:
                raise Doubt("a contig in two separate runs (tabix refuses the file)")
            if self._contig is not None:
                self._done.add(self._contig)
            self._keep_last_line()  # the previous contig's last line, before this contig's lines
            self._contig = contig
            self._last_pos = 0
            first_line = True
        else:
            first_line = False
        if int(pos[0]) < self._last_pos or (len(pos) > 1 and bool((pos[1:] < pos[:-1]).any())):
            raise Doubt("positions out of order (tabix refuses the file)")
        self._last_pos = int(pos[-1])
        reach = pos + (ends - starts)  # POS + line length: past the end of any reference span on the line
        if int(reach[-1] if len(reach) == 1 else reach.max()) >= _TBI_LIMIT:
            raise Doubt("a position past what a .tbi index holds")
        if len(specials):
            # INFO/END, SVLEN or a symbolic ALT: htslib versions take the span from them differently, and an END past
            # 2^29 makes tabix refuse the whole file, so on any contig
            s, e = int(starts[0]), int(ends[-1]) + 1
            k = int(np.searchsorted(specials, s))
            if k < len(specials) and int(specials[k]) < e:
                raise Doubt("a record with INFO/END, SVLEN or a symbolic allele")
        assert self.regions is not None
        panel = self.regions.arrays.get(contig)
        if panel is None:
            return
        region_starts, region_reach, _ = panel
        k = np.searchsorted(region_starts, reach, side="right") - 1
        chosen = (k >= 0) & (region_reach[np.maximum(k, 0)] >= pos)
        if first_line:
            chosen[0] = True
        # the last line of the run, kept until the contig ends unless selected anyway: the span of the file's records
        # on a panel contig is asked of the small file (reader._spans_through_index) as of the whole file
        self._last_line = None if chosen[-1] else bytes(buf[int(starts[-1]):int(ends[-1]) + 1])
        picked = np.flatnonzero(chosen)
        if not len(picked):
            return
        # consecutive lines are taken as one slice
        breaks = np.flatnonzero(np.diff(picked) != 1)
        firsts = np.concatenate(([picked[0]], picked[breaks + 1]))
        lasts = np.concatenate((picked[breaks], [picked[-1]]))
        for a, b in zip(firsts.tolist(), lasts.tolist(), strict=True):
            piece = bytes(buf[int(starts[a]):int(ends[b]) + 1])
            self.selected.append(piece)
            self.selected_bytes += len(piece)
        if self.selected_bytes > _MAX_SELECTED:
            raise Doubt("more selected text than a panel has")


class Selection:
    """The selection pass over one file, run in a background thread from the start of ``interpret`` (while the
    knowledge base loads); the panel regions are given later (``select``), and text inflated before then is
    held (up to ``_PENDING`` bytes, then the pass waits)."""

    def __init__(self, path: Path, on_doubt: Callable[[], None] | None = None) -> None:
        self.path = Path(path)
        self._on_doubt = on_doubt  # called from the pass's thread as soon as it doubts (the fallback can start)
        self._regions: Regions | None = None
        self._ready = threading.Event()
        self._stop = False
        self._scan = LineScan()
        self._error: BaseException | None = None
        self._complete = False
        self._thread = threading.Thread(target=self._run, daemon=True, name="charcot-bgzf-scan")
        self._thread.start()

    def _feed(self, held: list[tuple[Text, Any, Any]]) -> bool:
        """Wait for the panel regions, then scan the held text; False when the pass was stopped meanwhile."""
        self._ready.wait()
        if self._stop:
            return False
        self._scan.regions = self._regions
        for part in held:
            self._scan.feed(*part)
        return True

    def _run(self) -> None:
        held: list[tuple[Text, Any, Any]] = []
        held_bytes = 0
        scan = self._scan
        try:
            for text, ends, specials in inflated(self.path):
                if self._stop:
                    return
                if scan.header is None:
                    text = scan.take_header(text)  # the header needs no regions
                    if scan.header is not None and b"\n##contig=" not in scan.header:
                        # the reader names the panel's contigs from these lines: without them it never asks for a
                        # selection, so say so now (the whole file's index starts) rather than read the file in vain
                        raise Doubt("no ##contig lines in the header")
                    if not text:
                        continue
                    ends, specials = marks(text)
                if len(specials):  # this reason needs no regions: say so before the knowledge base is loaded
                    raise Doubt("a record with INFO/END, SVLEN or a symbolic allele")
                held.append((text, ends, specials))
                held_bytes += len(text)
                if not self._ready.is_set() and held_bytes < _PENDING:
                    continue
                if not self._feed(held):
                    return
                held = []
                held_bytes = 0
            if not self._feed(held):
                return
            scan.finish()
            self._complete = True
        except Doubt as exc:
            self._error = exc
        except Exception as exc:  # anything unexpected: the old path decides
            self._error = Doubt(f"the selection pass failed ({exc.__class__.__name__})")
        if self._error is not None and self._on_doubt is not None and not self._stop:
            self._on_doubt()

    def select(self, regions: dict[str, list[tuple[int, int]]]) -> LineScan:
        """Give the panel regions (file contig names -> 1-based inclusive spans) and wait for the pass; Doubt
        when it cannot vouch for the file."""
        self._regions = Regions(regions)
        self._ready.set()
        self._thread.join()
        if self._error is not None:
            raise self._error
        if not self._complete:  # the thread ended some other way: vouch for nothing
            raise Doubt("the selection pass did not finish")
        return self._scan

    def cancel(self) -> None:
        self._stop = True
        self._ready.set()
        self._thread.join()


def write_bgzf(path: Path, parts: list[bytes], level: int = 1) -> None:
    """``parts`` (text) as a BGZF file with its end-of-file block."""
    with open(path, "wb") as out:
        buffer = b"".join(parts)
        for at in range(0, len(buffer), 0xFF00):
            text = buffer[at:at + 0xFF00]
            packer = zlib.compressobj(level, zlib.DEFLATED, -15)
            body = packer.compress(text) + packer.flush()
            out.write(b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff\x06\x00BC\x02\x00"
                      + struct.pack("<H", len(body) + 25) + body + struct.pack("<II", zlib.crc32(text), len(text)))
        out.write(_EOF)
