"""Panel records of an indexed bgzipped VCF read as text through the system's htslib (issue 20).

cyvcf2 parses every field of every record a region query returns (a GATK record's PL, AD and a dozen INFO values),
about 25 us per record, to give charcot the seven values it reads. Here the same tabix queries (``tbx`` of Debian's
libhts, the library bcftools uses, through ctypes) return each record's line, and only those values are taken from
the text. The lines are the ones cyvcf2's queries return (the same index, the same region strings).

A line is used only when htslib would parse it without a doubt and give the values read here: one sample column,
REF and ALT plain bases (or ``*``), no INFO/END, a plain FILTER, and every FORMAT value of a declared Integer or
Float field a number or '.' (htslib refuses a record whose FORMAT values are not numbers, while it accepts almost
anything in INFO). Anything else raises ``Doubt`` and the caller reads the file again through cyvcf2 from the start,
so the findings, counts and error messages are those of the cyvcf2 path (tests/variants/test_tabix_text.py). The
whole path is used only for files whose INFO charcot does not read (``AnnotationSchema.reads_nothing``)."""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# htsExactFormat and htsCompression values of htslib's hts.h (stable since htslib 1.0)
_VCF_FORMAT = 8
_BGZF_COMPRESSION = 2
_MISSING = None

_NUM = r"-?[0-9]{1,12}(?:\.[0-9]{0,12})?(?:[eE][-+]?[0-9]{1,3})?"
_FILTER_ID = r"[A-Za-z0-9_.\-]+"
_BASES = r"(?:[ACGTN]+|\*)"
# one record's line: CHROM, POS, REF, ALT, FILTER, INFO, FORMAT, one sample column (QUAL and ID checked, not kept)
_LINE = re.compile(rf"([^\t]+)\t([0-9]{{1,10}})\t[^\t ]*\t([ACGTN]+)\t({_BASES}(?:,{_BASES})*)\t(?:\.|{_NUM})\t"
                   rf"({_FILTER_ID}(?:;{_FILTER_ID})*)\t([^\t ]*)\t([^\t]+)\t([^\t]+)").fullmatch
# a FORMAT value by declared type; GQ/DP/PS (declared Integer) keep their first value, GT its alleles and separator
_INT = r"(?:-?[0-9]{1,9}|\.)"
_VALUE = {"Integer": rf"{_INT}(?:,{_INT})*", "Float": rf"(?:{_NUM}|\.)(?:,(?:{_NUM}|\.))*", "String": r"[^\t\n\r :]*"}
_KEPT = r"(?:(-?[0-9]{1,9})|\.)(?:,{_INT})*".replace("{_INT}", _INT)
_GT = r"(\.|[0-9]{1,4})(?:([/|])(\.|[0-9]{1,4}))?"
_FORMAT_LINE = re.compile(r"##FORMAT=<ID=([^,>]+),Number=([^,>]+),Type=([^,>]+)[,>]")
KEPT = ("GQ", "DP", "PS")


class Doubt(Exception):
    """The text path cannot stand for cyvcf2 on this file: read it through cyvcf2."""


class _KString(ctypes.Structure):
    _fields_ = [("l", ctypes.c_size_t), ("m", ctypes.c_size_t), ("s", ctypes.c_void_p)]


class _HtsFormat(ctypes.Structure):
    _fields_ = [("category", ctypes.c_int), ("format", ctypes.c_int), ("major", ctypes.c_short),
                ("minor", ctypes.c_short), ("compression", ctypes.c_int)]


_LIB: list[Any] = []


def _htslib() -> Any:
    """Debian's libhts through ctypes (its log silenced), or None."""
    if _LIB:
        return _LIB[0]
    lib: Any = None
    try:
        lib = ctypes.CDLL("libhts.so.3")
        vp = ctypes.c_void_p
        lib.hts_open.restype = vp
        lib.hts_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        lib.hts_close.argtypes = [vp]
        lib.hts_get_format.restype = ctypes.POINTER(_HtsFormat)
        lib.hts_get_format.argtypes = [vp]
        lib.hts_get_bgzfp.restype = vp
        lib.hts_get_bgzfp.argtypes = [vp]
        lib.tbx_index_load3.restype = vp
        lib.tbx_index_load3.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
        lib.tbx_destroy.argtypes = [vp]
        lib.tbx_name2id.restype = ctypes.c_int
        lib.tbx_name2id.argtypes = [vp, ctypes.c_char_p]
        lib.hts_itr_querys.restype = vp
        lib.hts_itr_querys.argtypes = [vp, ctypes.c_char_p, vp, vp, vp, vp]
        lib.hts_itr_next.restype = ctypes.c_int
        lib.hts_itr_next.argtypes = [vp, vp, vp, vp]
        lib.hts_itr_destroy.argtypes = [vp]
        lib.hts_set_log_level.argtypes = [ctypes.c_int]
        lib.hts_set_log_level(0)
        libc = ctypes.CDLL(None)
        libc.free.argtypes = [vp]
        lib.charcot_free = libc.free
    except (OSError, AttributeError):
        lib = None
    _LIB.append(lib)
    return lib


def format_types(raw_header: str) -> dict[str, str]:
    """FORMAT ID -> declared Type, from the header text (a FORMAT line not in the usual order: Doubt)."""
    types: dict[str, str] = {}
    for line in raw_header.splitlines():
        if line.startswith("##FORMAT="):
            m = _FORMAT_LINE.match(line)
            if m is None or m.group(1) in types:
                raise Doubt("a FORMAT line this reader does not take")
            types[m.group(1)] = m.group(3)
    return types


class TextRecord:
    """The values of one record that ``reader._handle_record`` reads, with cyvcf2's names and forms; ``kept`` holds
    the first values of FORMAT/GQ, DP and PS (None when absent or '.'), as ``reader._format_int`` reads them."""

    __slots__ = ("ALT", "CHROM", "FILTER", "POS", "REF", "end", "genotypes", "kept")

    def __init__(self, chrom: str, pos: int, ref: str, alts: list[str], filt: str | None,
                 genotype: list[Any], kept: tuple[int | None, int | None, int | None]) -> None:
        self.CHROM = chrom
        self.POS = pos
        self.REF = ref
        self.ALT = alts
        self.FILTER = filt
        self.end = pos + len(ref) - 1
        self.genotypes = [genotype]
        self.kept = kept


class TabixText:
    """Region queries on an indexed bgzipped single-sample VCF, giving ``TextRecord``s or raising ``Doubt``."""

    def __init__(self, path: Path, raw_header: str) -> None:
        lib = _htslib()
        if lib is None:
            raise Doubt("no system htslib")
        self._lib = lib
        self._types = format_types(raw_header)
        for name in KEPT:
            if name in self._types and self._types[name] != "Integer":
                raise Doubt(f"FORMAT/{name} is not declared an Integer")
        self._fp = self._tbx = None
        file_name = str(path).encode()
        self._fp = lib.hts_open(file_name, b"r")
        if not self._fp:
            raise Doubt("htslib cannot open the file")
        fmt = lib.hts_get_format(self._fp).contents
        if fmt.format != _VCF_FORMAT or fmt.compression != _BGZF_COMPRESSION:
            self.close()
            raise Doubt("not a bgzipped VCF")
        self._tbx = lib.tbx_index_load3(file_name, None, 2)  # HTS_IDX_SILENT_FAIL
        if not self._tbx:
            self.close()
            raise Doubt("no tabix index")
        self._idx = ctypes.c_void_p.from_address(self._tbx + 24).value  # tbx_t: tbx_conf_t (6 x int32), then idx
        self._bgzf = lib.hts_get_bgzfp(self._fp)
        self._ks = _KString()
        self._funcs = (ctypes.cast(lib.tbx_name2id, ctypes.c_void_p), ctypes.cast(lib.hts_itr_query, ctypes.c_void_p),
                       ctypes.cast(lib.tbx_readrec, ctypes.c_void_p))
        self._formats: dict[str, tuple[Any, tuple[int, ...]]] = {}

    def close(self) -> None:
        lib = self._lib
        if getattr(self, "_ks", None) is not None and self._ks.s:
            lib.charcot_free(self._ks.s)
            self._ks.s = None
        if self._tbx:
            lib.tbx_destroy(self._tbx)
            self._tbx = None
        if self._fp:
            lib.hts_close(self._fp)
            self._fp = None

    def lines(self, region: str) -> Iterator[str]:
        """The lines a query for ``region`` returns (none for a contig the index does not list)."""
        lib = self._lib
        itr = lib.hts_itr_querys(self._idx, region.encode(), self._funcs[0], self._tbx, self._funcs[1], self._funcs[2])
        if not itr:
            contig = region.rsplit(":", 1)[0]
            if lib.tbx_name2id(self._tbx, contig.encode()) < 0:
                return
            raise Doubt("htslib could not query the region")
        nxt, bgzf, ks, tbx = lib.hts_itr_next, self._bgzf, ctypes.byref(self._ks), self._tbx
        string_at = ctypes.string_at
        try:
            while True:
                got = nxt(bgzf, itr, ks, tbx)
                if got < 0:
                    if got != -1:
                        raise Doubt("htslib could not read the region")
                    return
                try:
                    yield string_at(self._ks.s, self._ks.l).decode("ascii")
                except UnicodeDecodeError:
                    raise Doubt("a line that is not ASCII") from None
        finally:
            lib.hts_itr_destroy(itr)

    def __call__(self, region: str) -> Iterator[TextRecord]:
        for line in self.lines(region):
            yield self.record(line)

    def _format(self, text: str) -> tuple[Any, tuple[int, ...]]:
        """The sample column's pattern for this FORMAT (values checked by declared type, trailing ones optional) and
        the indexes in its groups() of GT's parts and of GQ, DP and PS (-1: not in FORMAT)."""
        found = self._formats.get(text)
        if found is None:
            keys = text.split(":")
            if len(set(keys)) != len(keys) or "GT" not in keys or not all(keys):
                raise Doubt("a FORMAT column this reader does not take")
            parts: list[str] = []
            groups = {"GT": -1, "GQ": -1, "DP": -1, "PS": -1}
            n = 0
            for key in keys:
                kind = self._types.get(key, "String")
                if key == "GT":
                    groups["GT"] = n
                    parts.append(_GT)
                    n += 3
                elif key in groups:
                    groups[key] = n
                    parts.append(_KEPT)
                    n += 1
                elif kind in _VALUE:
                    parts.append(_VALUE[kind])
                else:
                    raise Doubt("a FORMAT type this reader does not take")
            pattern = parts[-1]
            for part in reversed(parts[:-1]):
                pattern = f"{part}(?::{pattern})?"
            if keys[0] != "GT":
                # GT must be present in the sample column: no field before it may end the column
                pattern = parts[0] + "".join(f":{p}" for p in parts[1:keys.index("GT") + 1]) + (
                    "".join(f"(?::{p}" for p in parts[keys.index("GT") + 1:])
                    + ")?" * (len(parts) - keys.index("GT") - 1))
            found = (re.compile(pattern).fullmatch, (groups["GT"], groups["GQ"], groups["DP"], groups["PS"]))
            self._formats[text] = found
        return found

    def record(self, line: str) -> TextRecord:
        m = _LINE(line)
        if m is None:
            raise Doubt("a record this reader does not take")
        chrom, pos, ref, alt, filt, info, fmt, sample = m.groups()
        if "END=" in info and (info.startswith("END=") or ";END=" in info):
            raise Doubt("a record with INFO/END")
        if filt == "PASS" or filt == ".":
            filt_value = None
        elif "PASS" in filt.split(";"):
            raise Doubt("a FILTER this reader does not take")
        else:
            filt_value = filt
        found = self._formats.get(fmt) or self._format(fmt)
        s = found[0](sample)
        if s is None:
            raise Doubt("a sample column this reader does not take")
        values = s.groups()
        gt, gq, dp, ps = found[1]
        a = values[gt]
        first = -1 if a == "." else int(a)
        sep = values[gt + 1]
        if sep is None:
            genotype: list[Any] = [first, False]
        else:
            b = values[gt + 2]
            genotype = [first, -1 if b == "." else int(b), sep == "|"]
        q = values[gq] if gq >= 0 else None
        d = values[dp] if dp >= 0 else None
        p = values[ps] if ps >= 0 else None
        return TextRecord(chrom, int(pos), ref, alt.split(","), filt_value, genotype,
                          (None if q is None else int(q), None if d is None else int(d), None if p is None else int(p)))


def open_text(path: Path, raw_header: str) -> TabixText | None:
    """A ``TabixText`` for ``path``, or None when this file is not one for it."""
    try:
        return TabixText(path, raw_header)
    except Doubt:
        return None
