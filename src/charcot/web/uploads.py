"""Streaming multipart uploads: each file goes to disk as it arrives, off the event loop.

The request body is fed to python-multipart in a worker thread (so a 2 GiB genome never blocks the
loop that answers ``/healthz``); each file part is hashed and written to ``uploads/.partial/`` and the
per-file limit is enforced while receiving, so the server stops reading at the first byte over it.
Only when the whole form is in are the files moved to their content-addressed names: a refused or
broken request leaves nothing behind, and a kill mid-upload leaves only a ``.part`` file, named by the
receiving server, that the next recovery removes once that server is no longer running.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from charcot.web.store import TooLarge

MAX_FIELD_BYTES = 64 * 1024
MAX_FIELDS_BYTES = 256 * 1024  # all text fields of one form together (the new-case form has ten short ones)
_BATCH = 1 << 20  # hand the parser ~1 MiB at a time (fewer thread hops)


class BadForm(Exception):
    """The body is not a form this app understands."""


class CsrfMissing(Exception):
    """A file part arrived before a valid CSRF token (browser forms put the token first)."""


@dataclass
class ReceivedFile:
    field: str
    filename: str
    path: Path
    size: int = 0
    sha256: str = ""


@dataclass
class ReceivedForm:
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, ReceivedFile] = field(default_factory=dict)

    def discard(self) -> None:
        for f in self.files.values():
            f.path.unlink(missing_ok=True)


class _Receiver:
    def __init__(self, partial_dir: Path, limit: int, file_fields: tuple[str, ...], csrf_check: Any,
                 name_prefix: str = "") -> None:
        self.partial_dir, self.limit, self.file_fields, self.csrf_check = partial_dir, limit, file_fields, csrf_check
        self.name_prefix = name_prefix
        self.form = ReceivedForm()
        self._headers: dict[str, bytes] = {}
        self._hname = b""
        self._hvalue = b""
        self._name = ""
        self._file: ReceivedFile | None = None
        self._out: IO[bytes] | None = None
        self._digest: Any = None
        self._value = bytearray()
        self._fields_bytes = 0
        self.ended = False  # the form's closing boundary arrived (python-multipart's finalize does not check)

    # python-multipart callbacks --------------------------------------------------------------
    def on_part_begin(self) -> None:
        self._headers, self._value, self._file, self._out = {}, bytearray(), None, None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._hname += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._hvalue += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._hname.decode("latin-1").lower()] = self._hvalue
        self._hname, self._hvalue = b"", b""

    def on_headers_finished(self) -> None:
        from python_multipart.multipart import parse_options_header

        _, options = parse_options_header(self._headers.get("content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if filename is None:
            return
        if not self.csrf_check(self.form.fields):
            raise CsrfMissing
        if self._name not in self.file_fields:
            raise BadForm(f"unexpected file field {self._name[:40]!r}")
        if not filename:  # an empty <input type=file>
            self._name = ""
            return
        name = f"{uuid.uuid4().hex}.part"
        path = self.partial_dir / (f"{self.name_prefix}-{name}" if self.name_prefix else name)
        self._out = open(path, "wb")  # noqa: SIM115 - closed in on_part_end or discard
        os.chmod(path, 0o600)
        self._digest = hashlib.sha256()
        self._file = ReceivedFile(self._name, filename.decode("utf-8", "replace"), path)
        old = self.form.files.get(self._name)
        if old is not None:
            old.path.unlink(missing_ok=True)
        self.form.files[self._name] = self._file

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._file is not None and self._out is not None:
            self._file.size += len(chunk)
            if self._file.size > self.limit:
                raise TooLarge(self._file.field)
            self._digest.update(chunk)
            self._out.write(chunk)
        elif self._name:
            self._value += chunk
            self._fields_bytes += len(chunk)
            if len(self._value) > MAX_FIELD_BYTES:
                raise BadForm(f"field {self._name[:40]!r} is too long")
            if self._fields_bytes > MAX_FIELDS_BYTES:
                raise BadForm(f"the form's text fields are longer than {MAX_FIELDS_BYTES} bytes together")

    def on_part_end(self) -> None:
        if self._file is not None and self._out is not None:
            self._out.close()
            self._out = None
            self._file.sha256 = self._digest.hexdigest()
            self._file = None
        elif self._name:
            self.form.fields[self._name] = self._value.decode("utf-8", "replace")

    def on_end(self) -> None:
        self.ended = True

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


async def receive_form(request: Any, partial_dir: Path, limit: int, file_fields: tuple[str, ...],
                       csrf_check: Any, name_prefix: str = "") -> ReceivedForm:
    """Parse a multipart request body as it streams in. Raises TooLarge, BadForm or CsrfMissing, after
    deleting whatever this request had written. Partial files are named '<name_prefix>-<random>.part' (the
    receiving server's instance id: a recovery removes only those of servers no longer running)."""
    import anyio.to_thread
    import python_multipart
    from python_multipart.multipart import parse_options_header

    ctype, options = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or b"boundary" not in options:
        raise BadForm("expected a multipart/form-data upload")
    receiver = _Receiver(partial_dir, limit, file_fields, csrf_check, name_prefix)
    callbacks: Any = {name: getattr(receiver, name) for name in (
        "on_part_begin", "on_part_data", "on_part_end", "on_header_field", "on_header_value", "on_header_end",
        "on_headers_finished", "on_end")}
    parser = python_multipart.MultipartParser(options[b"boundary"], callbacks)
    pending = bytearray()
    try:
        async for chunk in request.stream():
            pending += chunk
            if len(pending) >= _BATCH:
                data, pending = bytes(pending), bytearray()
                await anyio.to_thread.run_sync(parser.write, data)
        if pending:
            await anyio.to_thread.run_sync(parser.write, bytes(pending))
        await anyio.to_thread.run_sync(parser.finalize)
        if not receiver.ended:
            # The body stopped inside the form (a file part cut short, no closing boundary): accepted, the cut file
            # was stored with no checksum under one shared name and read as another case's upload.
            raise BadForm("the upload stopped before the end of the form: it is incomplete; send it again")
    except BaseException as exc:
        receiver.close()
        receiver.form.discard()
        from python_multipart.exceptions import FormParserError

        if isinstance(exc, FormParserError):
            raise BadForm("the upload is not a well-formed multipart form") from None
        raise
    receiver.close()
    return receiver.form
