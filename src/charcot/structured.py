"""The one loader for user-supplied YAML and JSON (case records, phenopackets, claims, patient facts,
ExpansionHunter JSON, Phenopacket Family).

Stricter than ``yaml.safe_load`` / ``json.loads`` where they would silently give a wrong answer or a
traceback:

- a key repeated in one mapping is an error (both parsers keep the last one silently, which flipped
  a phenopacket's sex);
- nesting deeper than ``MAX_DEPTH`` is an error (deep nesting raised RecursionError);
- an impossible YAML date such as ``2026-13-45`` is an error with its line (PyYAML raised ValueError);
- JSON ``NaN``/``Infinity`` are refused (not JSON, and they poison every comparison).

Every problem is an ``InputError`` naming the file and, where known, the line.
"""

from __future__ import annotations

import gzip
import json
import re
import struct
import zlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charcot.errors import InputError
from charcot.outputs import is_stream

MAX_DEPTH = 64
HPO_ID = re.compile(r"HP:\d{7}")

if TYPE_CHECKING:
    import yaml


#: Keys whose value is read as written even when YAML 1.1 would make it a yes/no: a country or jurisdiction code.
#: ``country: NO`` (Norway) was read as false, and the facts were refused as 'not a valid string'.
_CODE_KEYS = frozenset({"country", "region"})


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    import yaml

    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise InputError("a mapping key must be a plain value", path=loader.path,
                             line=key_node.start_mark.line + 1,
                             hint="write the key as a plain word or number, e.g. weight_kg:") from None
        line = key_node.start_mark.line + 1
        if key in seen:
            raise InputError(f"the key {key!r} appears twice in the same mapping (lines {seen[key]} and {line})",
                             path=loader.path, line=line,
                             hint="keep one of them: charcot does not guess which one you meant")
        seen[key] = line
        if key in _CODE_KEYS and isinstance(value_node, yaml.ScalarNode) and value_node.tag == "tag:yaml.org,2002:bool":
            result[key] = value_node.value
            continue
        result[key] = loader.construct_object(value_node, deep=deep)
    return result


def _construct_timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    import yaml

    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise InputError(f"{node.value!r} is not a valid date ({exc})", path=loader.path,
                         line=node.start_mark.line + 1, hint="write dates as YYYY-MM-DD, e.g. 2024-03-15") from None


@cache
def _loaders() -> tuple[Any, Any]:
    """(the base loader, the strict loader class), made on first use: PyYAML is imported only by what reads YAML (the
    BGZF and JSON helpers below are on the interpret path, which reads none; issue 20)."""
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _StrictLoader(base):  # type: ignore[misc]
        path: str | None = None

    _StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    _StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    return base, _StrictLoader


def _yaml_error(exc: yaml.YAMLError, path: str | None) -> InputError:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if "nesting depth" in str(problem):
        return InputError(f"the document is nested more than {MAX_DEPTH} levels deep", path=path,
                          line=mark.line + 1 if mark is not None else None,
                          hint="a clinical record is a few levels deep; this file is damaged or hostile")
    return InputError(f"not valid YAML: {problem}", path=path, line=mark.line + 1 if mark is not None else None,
                      hint="check the indentation and quoting around that line")


def _check_yaml_depth(text: str, path: str | None) -> None:
    """Walk the event stream (no recursion) and refuse nesting deeper than MAX_DEPTH."""
    import yaml

    depth = 0
    loader = _loaders()[0](text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputError(f"the document is nested more than {MAX_DEPTH} levels deep", path=path,
                                     line=event.start_mark.line + 1 if event.start_mark else None,
                                     hint="a clinical record is a few levels deep; this file is damaged or hostile")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                raise InputError("YAML aliases (*name) are not accepted in charcot inputs", path=path,
                                 line=event.start_mark.line + 1 if event.start_mark else None,
                                 hint="write the value out in full")
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path) from None
    finally:
        loader.dispose()


def loads_yaml(text: str, path: str | Path | None = None) -> Any:
    """Parse YAML text strictly (see the module docstring)."""
    import yaml

    where = str(path) if path is not None else None
    _check_yaml_depth(text, where)
    loader = _loaders()[1](text)
    loader.path = where
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, where) from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise InputError(f"the document is nested more than {MAX_DEPTH} levels deep", path=where,
                         hint="a clinical record is a few levels deep; this file is damaged or hostile") from None
    finally:
        loader.dispose()


def _json_depth_ok(text: str) -> bool:
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def loads_json(text: str, path: str | Path | None = None) -> Any:
    """Parse JSON text strictly (see the module docstring)."""
    where = str(path) if path is not None else None
    if not text.strip():
        raise InputError("the file is empty", path=where, hint="expected a JSON document")
    if not _json_depth_ok(text):
        raise InputError(f"the document is nested more than {MAX_DEPTH} levels deep", path=where,
                         hint="a clinical record is a few levels deep; this file is damaged or hostile")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise InputError(f"the key {key!r} appears twice in the same JSON object", path=where,
                                 hint="keep one of them: charcot does not guess which one you meant")
            out[key] = value
        return out

    def constant(name: str) -> Any:
        raise InputError(f"{name} is not a JSON number", path=where, hint="write the value as a number or null")

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", path=where, line=exc.lineno,
                         hint="check the brackets, commas and quotes around that line") from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise InputError(f"the document is nested more than {MAX_DEPTH} levels deep", path=where,
                         hint="a clinical record is a few levels deep; this file is damaged or hostile") from None


_STREAMS: dict[str, bytes] = {}  # standard input and pipes, read once: a command may read such an input twice (sniff,
# parse), and a pipe, FIFO or process substitution (<(...)) gives its bytes only to the first reader


def forget_stdin() -> None:
    """Drop the streams kept by ``read_text`` (the command line calls it before every command)."""
    _STREAMS.clear()


def file_not_found(path: str | Path, what: str) -> InputError:
    """The error for an input file that is not there; '-' (standard input) given to an input that needs a named file
    (an indexed resource, a bundle) is said so, not 'file not found'."""
    if str(path) == "-":
        return InputError(f"the {what} cannot be read from standard input ('-'): it needs a named file (with its "
                          "index beside it, where it has one)", hint="give the file's name")
    return InputError(f"{what} file not found", path=path, hint="check the path")


def require_regular_file(path: str | Path, what: str, why: str = "it is read more than once") -> None:
    """Refuse a pipe, FIFO or device (``<(...)``, ``mkfifo``) where the reader needs a file it can read again or seek
    in: the second read of a pipe gets nothing ('the file is empty') or waits for ever."""
    if is_stream(path):
        raise InputError(f"the {what} must be a regular file ({why}); a pipe, FIFO or device cannot be read again",
                         path=path, hint="save the stream to a file and give that file's name")


def stream_bytes(path: str | Path) -> bytes:
    """The bytes of standard input or a pipe, read once per command and kept (``forget_stdin`` drops them)."""
    key = str(path)
    if key not in _STREAMS:
        if key == "-":
            import sys

            _STREAMS[key] = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as handle:
                _STREAMS[key] = handle.read()
    return _STREAMS[key]


def _compressed_genomics_format(data: bytes) -> str | None:
    """'VCF' or 'BCF' when gzip/BGZF ``data`` starts as one (its first decompressed bytes), else None."""
    import zlib

    try:
        head = zlib.decompressobj(wbits=31).decompress(data[:65536], 64)
    except zlib.error:
        return None
    if head.startswith(b"##fileformat=VCF"):
        return "VCF"
    if head.startswith(b"BCF\x02"):
        return "BCF"
    if head.startswith(b"BAM\x01"):
        return "BAM"
    return None


# Files of another kind, recognised by their first bytes where a text file (PED, case, table) belongs: a VCF given for
# the pedigree read as PED lines said "sex code 'G' of 31660688 is not a PED code"; a BAM said "gunzip it".
_OTHER_FORMATS = ((b"##fileformat=VCF", "VCF"), (b"CRAM", "CRAM"), (b"\x89PNG\r\n\x1a\n", "PNG image"),
                  (b"%PDF-", "PDF"), (b"PK\x03\x04", "ZIP archive (or an Excel/Word file)"),
                  (b"SQLite format 3\x00", "SQLite database"))


def _other_format_error(kind: str, what: str, p: Path) -> InputError:
    if kind in ("VCF", "BCF"):
        hint = f"give the {what} here; a {kind} is read by 'charcot interpret' or 'charcot report --vcf'"
    elif kind in ("BAM", "CRAM"):
        hint = f"give the {what} here; charcot reads variant calls (VCF), not sequencing reads ({kind})"
    else:
        hint = f"give the {what} here, as a text file"
    binary = "" if kind == "VCF" else " (binary data, not UTF-8 text)"
    return InputError(f"this is a {kind} file, not the {what}{binary}", path=p, hint=hint)


def read_text(path: str | Path, what: str = "file") -> str:
    """A user's text file, with the usual mistakes in words (missing, folder, gzipped, not UTF-8, BOM kept out).
    ``-`` is standard input (docs/CLI.md: '-' reads stdin wherever a stream can be read)."""
    p = Path(path)
    try:
        if is_stream(path):
            data = stream_bytes(path)
            if not data:
                where = "standard input" if str(path) == "-" else str(path)
                raise InputError(f"nothing was received on {where} (the {what})",
                                 hint=f"pipe the {what} into charcot, or give its file name instead")
        else:
            data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} not found", path=p, hint="check the path") from None
    except IsADirectoryError:
        raise InputError(f"{what} is a folder, not a file", path=p, hint=f"give the {what} inside it") from None
    except OSError as exc:
        raise InputError(f"cannot read the {what}: {(exc.strerror or str(exc)).lower()}", path=p,
                         hint="check the file's permissions (and its folders'), or copy it somewhere readable") from None
    if data[:2] == b"\x1f\x8b":
        kind = _compressed_genomics_format(data)
        if kind is not None:  # e.g. a VCF given where a report.json or case belongs: 'gunzip it' would mislead
            raise _other_format_error(kind, what, p)
        raise InputError(f"the {what} is gzip-compressed", path=p, hint=f"decompress it first (gunzip {p.name})")
    for magic, kind in _OTHER_FORMATS:
        if data.startswith(magic) or data.startswith(b"\xef\xbb\xbf" + magic):
            raise _other_format_error(kind, what, p)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 byte-order mark (Excel, Notepad) carries no content
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(f"the {what} is UTF-16 text", path=p, hint="save it as UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"the {what} is not UTF-8 text (byte {exc.start})", path=p, line=line,
                         hint="save it as UTF-8 text") from None


def load_structured(path: str | Path, what: str = "file") -> Any:
    """Read a YAML or JSON file (JSON by its .json suffix; YAML otherwise, which also reads JSON)."""
    p = Path(path)
    text = read_text(p, what)
    if not text.strip():
        raise InputError(f"the {what} is empty", path=p, hint=f"give the {what} itself (YAML or JSON)")
    if p.suffix.lower() == ".json":
        return loads_json(text, p)
    return loads_yaml(text, p)


def check_hpo_ids(terms: list[str], *, path: str | Path | None = None, where: str | None = None) -> list[str]:
    """Refuse an HPO id that is not ``HP:`` followed by 7 digits; returns the ids stripped."""
    out: list[str] = []
    for term in terms:
        text = str(term).strip()
        if not HPO_ID.fullmatch(text):
            raise InputError(f"{text!r} is not an HPO id", path=path, record=where,
                             hint="HPO ids are HP: followed by 7 digits, e.g. HP:0007354")
        out.append(text)
    return out


_BGZF_MAGIC = b"\x1f\x8b\x08\x04"


def bgzf_block_size(extra: bytes) -> int | None:
    """The total size of a BGZF block from its gzip FEXTRA field (the 'BC' subfield), or None if absent."""
    i = 0
    while i + 4 <= len(extra):
        sub, slen = extra[i:i + 2], struct.unpack("<H", extra[i + 2:i + 4])[0]
        if sub == b"BC" and slen == 2 and i + 6 <= len(extra):
            return int(struct.unpack("<H", extra[i + 4:i + 6])[0]) + 1
        i += 4 + slen
    return None


def bgzf_damage(path: str | Path) -> str | None:
    """Walk a BGZF file block by block (zlib, CRC32 and size of each) and describe the first damaged
    block in words, or None if every block is intact. Only called once reading has failed, to turn
    htslib's generic message into one a person can act on."""
    try:
        with open(path, "rb") as handle:
            offset = 0
            last_size = 0
            while True:
                head = handle.read(12)
                if not head:
                    if offset and last_size:  # every block whole, but not the empty end-of-file block last
                        return ("the compressed file has no BGZF end-of-file marker: it was cut short (a copy or "
                                "download that stopped), so records at its end may be missing")
                    return None
                if len(head) < 12 or head[:4] != _BGZF_MAGIC:
                    if offset == 0:
                        return None  # not BGZF at all: nothing to say here
                    return (f"the compressed file is truncated or corrupt: byte {offset} should start a BGZF block "
                            "(the file was altered)")
                xlen = struct.unpack("<H", head[10:12])[0]
                extra = handle.read(xlen)
                bsize = bgzf_block_size(extra)
                if bsize is None or bsize < 12 + xlen + 8:
                    return f"the compressed file is truncated or corrupt: the BGZF block at byte {offset} has a broken header"
                body = handle.read(bsize - 12 - xlen)
                if len(body) < bsize - 12 - xlen:
                    return f"the compressed file is truncated or corrupt: it ends inside the BGZF block at byte {offset}"
                crc, isize = struct.unpack("<II", body[-8:])
                try:
                    data = zlib.decompress(body[:-8], -15)
                except zlib.error:
                    return (f"the compressed file is truncated or corrupt: the BGZF block at byte {offset} cannot be "
                            "decompressed")
                if zlib.crc32(data) != crc or len(data) != isize:
                    return (f"the compressed file is truncated or corrupt: the BGZF block at byte {offset} fails its "
                            "checksum")
                offset += bsize
                last_size = isize
    except OSError:
        return None


def lines_before_damage(path: str | Path) -> int:
    """How many whole lines of a damaged gzip file decompress before the damage (for 'line N')."""
    count = 0
    try:
        with gzip.open(Path(path), "rb") as g:
            while block := g.read(1 << 16):
                count += block.count(b"\n")
    except (EOFError, OSError, zlib.error):
        pass
    return count


def gzip_damage(path: str | Path) -> str | None:
    """For any gzip file (BGZF or plain): the first damage in words, or None if it decompresses whole."""
    p = Path(path)
    try:
        with open(p, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return None
    if head[:2] != b"\x1f\x8b":
        return None
    if len(head) >= 14 and head[3] & 4 and head[12:14] == b"BC":
        return bgzf_damage(p)
    try:
        with gzip.open(p, "rb") as g:
            while g.read(1 << 22):
                pass
    except (EOFError, OSError, zlib.error) as exc:
        return f"the compressed file is truncated or corrupt ({str(exc).lower() or 'unexpected end'})"
    return None
