"""Safe outputs: a failed or killed run never leaves a half-written output, and an output never
damages what it points at.

Single files (``write_text`` / ``write_bytes``):

- ``-`` means standard output.
- A regular file, or a path that does not exist yet (missing folders are created), is written atomically: a temporary file beside
  it, then one rename.
- Anything else (a device such as ``/dev/null``, a FIFO, ``>(cmd)``, ``/dev/stdout``, a symlink to
  any of these) is written *through*: opened and written, never replaced. A symlink to a regular file
  stays a symlink; the file it points to is replaced.

Folders (``output_directory``) are one unit: the set is written into a sibling temporary folder
(``.NAME.charcot-tmp-PID-XXXX`` beside ``NAME``) and swapped in with one atomic exchange
(``renameat2(RENAME_EXCHANGE)``; two renames where the file system lacks it), so the folder always
holds either the old complete set or the new one, never files of two runs. Temporaries of runs that
died are removed on the next start; SIGTERM and SIGINT remove the run's own temporaries.

``check_output_file`` / ``check_output_dir`` are the pre-flight checks every command runs on its
output targets *before* computing or writing anything.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from types import FrameType

from charcot.errors import NothingAssessed, OutputError

STDOUT = "-"
_TMP_TAG = ".charcot-tmp-"
_OLD_TAG = ".charcot-old-"
# Folders whose entries are kernel objects, never files charcot may create or replace.
_SPECIAL_ROOTS = ("/dev/", "/proc/", "/sys/")


def _read_umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


# Read once at import: os.umask is process-wide, so reading it later could race with other threads.
_FILE_MODE = 0o666 & ~_read_umask()
_DIR_MODE = 0o777 & ~_read_umask()


def is_stdout(path: str | Path | None) -> bool:
    """True for the ``-`` that means standard output; False for None, which here means no output (the command
    line's ``charcot.cli_contract.is_stdout`` reads an omitted -o as standard output instead)."""
    return path is not None and str(path) == STDOUT


def is_stream(path: str | Path) -> bool:
    """True for ``-`` and for a path that is neither a regular file nor a folder (a FIFO, ``/dev/stdin``, a process
    substitution ``/dev/fd/63``): its bytes can be read once only (a missing path is not: its reader says so)."""
    if str(path) == "-":
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


# --- signals: remove our own temporaries on SIGTERM/SIGINT -------------------------------------------


class _SignalGuard:
    """While active (main thread only), SIGTERM/SIGINT raise so ``finally`` blocks clean up; inside a
    critical section (the swap) they are held until it ends."""

    def __init__(self) -> None:
        self.depth = 0
        self.critical = 0
        self.pending: int | None = None
        self.saved: dict[int, object] = {}

    def _handler(self, signum: int, _frame: FrameType | None) -> None:
        if self.critical:
            self.pending = signum
            return
        self._raise(signum)

    @staticmethod
    def _raise(signum: int) -> None:
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + signum)

    @contextmanager
    def active(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        if self.depth == 0:
            for signum in (signal.SIGTERM, signal.SIGINT):
                self.saved[signum] = signal.getsignal(signum)
                signal.signal(signum, self._handler)
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            if self.depth == 0:
                for saved_signum, previous in self.saved.items():
                    signal.signal(saved_signum, previous)  # type: ignore[arg-type]
                self.saved.clear()

    @contextmanager
    def critical_section(self) -> Iterator[None]:
        self.critical += 1
        try:
            yield
        finally:
            self.critical -= 1
        if not self.critical and self.pending is not None:
            pending, self.pending = self.pending, None
            self._raise(int(pending))


_GUARD = _SignalGuard()


def fork_is_safe() -> bool:
    """Whether this process may fork a worker: only while it runs one thread. A fork copies every lock as it is, and a
    lock another thread holds at that moment (an allocator's, an import's, a library's) is never released in the
    child, which then hangs; a process with other threads does the work itself instead (the same functions, the same
    results, one core)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def signals_held() -> AbstractContextManager[None]:
    """SIGTERM/SIGINT held until the block ends, then acted on. For a fork: Python runs its at-fork hooks
    (logging's lock release among them) in the parent, and an exception the signal handler raises inside one is
    printed as "Exception ignored ... Traceback" and lost."""
    return _GUARD.critical_section()


# --- what a path is ------------------------------------------------------------------------------------


def _is_special_location(path: Path) -> bool:
    text = str(path) + ("/" if path.is_dir() else "")
    return text.startswith(_SPECIAL_ROOTS)


def _write_through_target(path: Path) -> bool:
    """True if ``path`` exists and is not a plain regular file charcot may replace: a device, FIFO,
    socket, or anything under /dev, /proc, /sys (``/dev/stdout`` is a symlink into /proc)."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return not stat.S_ISDIR(st.st_mode)
    return _is_special_location(Path(os.path.abspath(path))) or _is_special_location(Path(os.path.realpath(path)))


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_LEFTOVER = re.compile(r"\.charcot-(tmp|old)-(\d+)-")


def clean_stale_temporaries(target: str | Path) -> list[Path]:
    """Remove temporaries left beside ``target`` by runs that died (SIGKILL, power loss).

    A folder swap killed between its two renames (file systems without an atomic exchange) leaves
    the old set as ``.NAME.charcot-old-*`` and no ``NAME``: it is put back first. Temporaries of a
    live process are left alone. Returns what was removed."""
    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    removed: list[Path] = []
    try:
        entries = sorted(parent.iterdir())
    except OSError:
        return removed
    prefix = f".{target.name}.charcot-"
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        m = _LEFTOVER.search(entry.name[len(target.name) + 1:])
        if m is None or _pid_alive(int(m.group(2))):
            continue
        if m.group(1) == "old" and not os.path.lexists(target):
            try:
                os.rename(entry, target)
                continue
            except OSError:
                pass
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    # Scratch folders of the previous design lived inside the output folder.
    if target.is_dir() and not target.is_symlink():
        for entry in target.glob(".charcot-*"):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed


# --- the running command's inputs: never written over ----------------------------------------------

# (how the user knows it, real path, is a folder): set by the command line before a command runs.
_INPUTS: list[tuple[str, Path, bool]] = []

# Files that htslib, pysam and charcot read beside an input without being named on the command line:
# indexes (tabix, CSI, BAM/CRAM) and a FASTA's .fai/.gzi. They are inputs of the run too.
COMPANION_SUFFIXES = (".tbi", ".csi", ".fai", ".gzi", ".bai", ".crai")


def _describe(option: str, is_dir: bool, companion: str = "") -> str:
    kind = "folder" if is_dir else "file"
    if companion:
        return f"the index {companion} of the input {option}"
    return f"the input {kind} {option}" if option.startswith("-") else f"the input {option} (a {kind})"


def protect_inputs(inputs: Iterable[tuple[str, str | Path]]) -> None:
    """Declare the running command's input files and folders as ``(option, path)``; until the next call,
    no output may replace an input file or a companion file read beside it (its index, a FASTA's
    .fai/.gzi: ``COMPANION_SUFFIXES``), replace a file inside an input folder, or be a folder that holds
    an input (``input_conflict``). ``charcot.cli_contract`` calls it before every command; an empty
    list clears it. Standard input, devices and names that do not exist are ignored."""
    _INPUTS.clear()
    for option, path in inputs:
        if is_stdout(path) or str(path) == "" or _write_through_target(Path(path)):
            continue
        try:
            st = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode):
            is_dir = stat.S_ISDIR(st.st_mode)
            _INPUTS.append((_describe(option, is_dir), Path(os.path.realpath(path)), is_dir))
        if stat.S_ISREG(st.st_mode):
            for suffix in COMPANION_SUFFIXES:
                companion = f"{path}{suffix}"
                if os.path.isfile(companion):
                    _INPUTS.append((_describe(option, False, suffix), Path(os.path.realpath(companion)), False))


def _inside(path: Path, folder: Path) -> bool:
    return path != folder and path.is_relative_to(folder)


def input_conflict(target: str | Path, *, folder: bool = False, exclusive: bool = True) -> str | None:
    """Why writing ``target`` would damage an input of the running command (None if it would not).

    A file output must not be an input file (or a link to one), nor replace a file inside an input
    folder; a folder output must not be an input folder or lie inside one, and a folder replaced as a
    whole (``exclusive``) must not hold an input."""
    if not _INPUTS or is_stdout(target) or _write_through_target(Path(target)):
        return None
    real = Path(os.path.realpath(target))
    exists = os.path.exists(target)
    for what, path, is_dir in _INPUTS:
        if real == path or (exists and os.path.exists(path) and os.path.samefile(real, path)):
            return f"is {what}"
        if is_dir and _inside(real, path) and (folder or exists):
            return f"is inside {what}, which charcot only reads"
        if folder and exclusive and _inside(path, real):
            return f"holds {what}, and charcot replaces that folder as a whole"
    return None


def _refuse_input(target: str | Path, option: str, *, folder: bool = False, exclusive: bool = True) -> None:
    conflict = input_conflict(target, folder=folder, exclusive=exclusive)
    if conflict is not None:
        raise OutputError(f"{option} {target} {conflict}", path=target,
                          hint=f"charcot never writes over what it reads; give {option} a "
                               f"{'folder' if folder else 'file name'} outside the inputs")


# --- pre-flight checks ---------------------------------------------------------------------------------


def _existing_ancestor(folder: Path) -> Path:
    """The nearest part of ``folder`` that exists: missing folders are created when the output is
    written, so that is where the write permission matters."""
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent
    return folder


def _probe_writable(folder: Path, what: str, option: str, name: str) -> None:
    """Create and remove one empty file in ``folder``: the only reliable test (root ignores modes,
    a read-only mount refuses root too). Named like the output's temporaries (``name``), so one
    orphaned by a kill is removed like them; SIGTERM/SIGINT wait until it is gone."""
    with _GUARD.active(), _GUARD.critical_section():
        try:
            fd, probe = tempfile.mkstemp(prefix=f".{name}{_TMP_TAG}{os.getpid()}-probe-", dir=folder)
        except OSError as exc:
            reason = "it is read-only" if exc.errno in (13, 30, 1) else (exc.strerror or str(exc)).lower()
            raise OutputError(f"cannot write the {what} in folder {folder}: {reason}", path=folder,
                              hint=f"choose a folder you can write to for {option}") from None
        os.close(fd)
        os.unlink(probe)


def check_output_file(path: str | Path | None, *, option: str = "-o", what: str = "output file") -> None:
    """Refuse an unusable single-file output target before anything is computed or written.

    Accepted: ``-`` (stdout), a device/FIFO/pipe (written through), an existing regular file, or a
    new name in an existing folder charcot can write to."""
    if path is None or is_stdout(path):
        return
    target = Path(path)
    if str(path) == "":
        raise OutputError(f"{option} is empty", hint=f"give a file name, or - for standard output, to {option}")
    if target.is_dir():
        raise OutputError(f"{option} {target} is a folder, not a file", path=target,
                          hint=f"give a file name inside it, e.g. {target / ('out' + _suffix_hint(option))}")
    refuse_folder_name(path, option=option)
    if _write_through_target(target):
        if stat.S_ISSOCK(os.stat(target).st_mode):  # open() cannot write a socket: say so before any work
            raise OutputError(f"{option} {target} is a socket, not a file or pipe", path=target,
                              hint="choose a file name, or - for standard output")
        return
    _refuse_input(target, option)
    if os.path.lexists(target) and not target.exists():
        real = Path(os.path.realpath(target))
    else:
        real = Path(os.path.realpath(target)) if target.is_symlink() else Path(os.path.abspath(target))
    parent = real.parent
    if _is_special_location(real) or _is_special_location(parent):
        raise OutputError(f"{option} {target} is not a file charcot can create", path=target,
                          hint="use - for standard output, or a file in a normal folder")
    if target.exists() and not target.is_file():
        raise OutputError(f"{option} {target} is not a regular file", path=target,
                          hint="choose a new file name")
    existing = _existing_ancestor(parent)
    if not existing.is_dir():
        raise OutputError(f"{existing} (in {option} {target}) is a file, not a folder",
                          hint="choose a path whose folders are folders")
    if existing != parent:
        raise OutputError(f"the folder {parent} (in {option} {target}) does not exist", path=target,
                          hint=f"create it first (mkdir -p {parent}) or write into an existing folder")
    if target.exists() and not os.access(real, os.W_OK):
        raise OutputError(f"{option} {target} is read-only", path=target,
                          hint="choose another file name or make the file writable")
    _probe_writable(existing, what, option, real.name)


def refuse_folder_name(path: str | Path, *, option: str = "-o") -> None:
    """Refuse a single-file output typed with a trailing '/': ``Path`` drops the slash, so ``-o new/`` would be
    written as a file called ``new`` and ``-o report.json/`` would replace report.json. The command line calls
    this on the text as typed (``cli_contract``), before it becomes a ``Path``."""
    text = str(path)
    if text.endswith(("/", os.sep)) and text not in ("/", os.sep):
        target = Path(text)
        raise OutputError(f"{option} {text} ends with '/', so it names a folder, not a file", path=target,
                          hint=f"give a file name, e.g. {target / ('out' + _suffix_hint(option))} "
                               f"(create the folder first: mkdir -p {target})")


def _suffix_hint(option: str) -> str:
    return ".svg" if "draw" in option else ".tsv" if "tsv" in option else ".json"


def check_output_files(*targets: tuple[str, str | Path | None]) -> None:
    """Check several ``(option, path)`` single-file targets, and that no two name the same file."""
    seen: dict[str, str] = {}
    for option, path in targets:
        check_output_file(path, option=option)
        if path is None or is_stdout(path) or _write_through_target(Path(path)):
            continue
        key = os.path.realpath(path)
        if key in seen:
            raise OutputError(f"{seen[key]} and {option} name the same file {path}", path=path,
                              hint="give each output its own file name")
        seen[key] = option


def check_output_dir(path: str | Path, *, names: Collection[str] = (), option: str = "-o",
                     exclusive: bool = True) -> None:
    """Refuse an unusable output folder before anything is computed or written.

    An existing folder is replaced as a whole, so it must be empty or hold only files this kind of
    output writes (``names``): a folder with anything else in it is never touched. With
    ``exclusive=False`` (files added one by one into a folder, e.g. plots) other files may stay."""
    if is_stdout(path):
        raise OutputError(f"{option} - (standard output) cannot take a folder of files",
                          hint=f"give {option} a folder name")
    if str(path) == "":
        raise OutputError(f"{option} is empty", hint=f"give {option} a folder name")
    target = Path(os.path.realpath(path))
    clean_stale_temporaries(target)
    if _is_special_location(target) or _is_special_location(target.parent):
        raise OutputError(f"{option} {path} is not a folder charcot can create", path=path,
                          hint="choose a folder in a normal location")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{option} {path} is a file, not a folder", path=path,
                          hint="choose a folder name (it is created)")
    if target == target.parent or os.path.ismount(target):
        raise OutputError(f"{option} {path} is a file-system root", hint="choose a new sub-folder")
    _refuse_input(path, option, folder=True, exclusive=exclusive)
    parent = _existing_ancestor(target.parent)
    if not parent.is_dir():
        raise OutputError(f"{parent} (in {option} {path}) is a file, not a folder",
                          hint="choose a path whose folders are folders")
    if parent != target.parent:
        raise OutputError(f"the folder {target.parent} (in {option} {path}) does not exist", path=path,
                          hint=f"create it first (mkdir -p {target.parent}); charcot creates only the output "
                               "folder itself, never the folders above it")
    if target.is_dir() and exclusive:
        foreign = _foreign_entries(target, names)
        if foreign:
            shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
            raise OutputError(f"the output folder {path} holds files charcot did not write ({shown})", path=path,
                              hint="charcot replaces its output folder as a whole; choose a new or empty folder")
    _probe_writable(parent, "output folder", option, target.name)


def _foreign_entries(folder: Path, names: Collection[str]) -> list[str]:
    allowed = set(names)
    return sorted(e.name for e in folder.iterdir()
                  if e.name not in allowed and not e.name.startswith(".charcot-"))


# --- single files ------------------------------------------------------------------------------------


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` safely (see the module docstring); ``-`` is standard output."""
    if is_stdout(path):
        _write_stdout(data)
        return Path(STDOUT)
    target = Path(path)
    _refuse_input(target, "the output")
    try:
        if _BATCH is not None and _BATCH.holds(target):
            _BATCH.stage(target, data)
            return target
        return _write_file(target, data)
    except OSError as exc:
        raise _write_error(target, exc) from None


def _write_error(target: Path, exc: OSError) -> OutputError:
    reason = (exc.strerror or str(exc)).lower()
    return OutputError(f"cannot write {target}: {reason}",
                       hint="check the disk space and permissions of the output, or choose another")


def _write_file(target: Path, data: bytes) -> Path:
    if _write_through_target(target):
        with open(target, "wb") as handle:
            handle.write(data)
        return target
    with _GUARD.active():
        tmp = ""
        try:
            tmp, target_real = _stage_file(target, data)
            with _GUARD.critical_section():
                os.replace(tmp, target_real)
        except BaseException:
            if tmp:
                Path(tmp).unlink(missing_ok=True)
            raise
    return target


def _stage_file(target: Path, data: bytes) -> tuple[str, Path]:
    """Write ``data`` to a synced temporary file beside ``target`` (the caller renames or removes it);
    returns (temporary path, the real file to replace). Call with the signal guard active."""
    # A symlink stays a symlink: the regular file it points to is replaced.
    target_real = Path(os.path.realpath(target)) if target.is_symlink() else target
    if target_real.is_dir():
        raise OutputError(f"{target} is a folder, not a file", hint="give a file name inside it")
    target_real.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(target_real)
    tmp = ""
    try:
        with _GUARD.critical_section():  # a signal is held until ``tmp`` names the file to remove
            fd, tmp = tempfile.mkstemp(prefix=f".{target_real.name}{_TMP_TAG}{os.getpid()}-", suffix=".tmp",
                                       dir=target_real.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600 files; give the output the mode it had, or the one open() would give.
        mode = stat.S_IMODE(os.stat(target_real).st_mode) if target_real.is_file() else _FILE_MODE
        os.chmod(tmp, mode)
    except BaseException:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise
    return tmp, target_real


class _OutputSet:
    """The declared output files of one command, written together (``outputs_together``)."""

    def __init__(self, paths: Iterable[str | Path], folders: Iterable[str | Path] = ()) -> None:
        self.keys = {os.path.abspath(p) for p in paths if not is_stdout(p) and str(p)}
        self.folders = {os.path.abspath(f) for f in folders if not is_stdout(f) and str(f)}
        self.pid = os.getpid()  # a forked helper writes at once: it never commits a set of its own
        self.staged: dict[str, tuple[Path, str | None, Path | None, bytes | None]] = {}
        self.made: list[Path] = []  # folders created for the set (deepest last): removed again if it is not written
        self.committed = False
        self.after: list[Callable[[], None]] = []  # what to say once the set is written (``when_written``)

    def holds(self, target: Path) -> bool:
        if os.getpid() != self.pid:
            return False
        key = os.path.abspath(target)
        return key in self.keys or os.path.dirname(key) in self.folders

    def make_folder(self, folder: Path) -> None:
        """Create ``folder`` (and missing folders above it), remembering each one created."""
        missing: list[Path] = []
        probe = Path(os.path.abspath(folder))
        while not os.path.lexists(probe) and probe != probe.parent:
            missing.append(probe)
            probe = probe.parent
        folder.mkdir(parents=True, exist_ok=True)
        self.made.extend(reversed(missing))

    def stage(self, target: Path, data: bytes) -> None:
        key = os.path.abspath(target)
        self._discard(key)
        if _write_through_target(target):  # a device or pipe: written at the end, never replaced
            self.staged[key] = (target, None, None, data)
            return
        target_real = Path(os.path.realpath(target)) if target.is_symlink() else target
        self.make_folder(target_real.parent)
        tmp, real = _stage_file(target, data)
        self.staged[key] = (target, tmp, real, None)

    def _discard(self, key: str) -> None:
        entry = self.staged.pop(key, None)
        if entry is not None and entry[1]:
            Path(entry[1]).unlink(missing_ok=True)

    def commit(self) -> None:
        # Pipes and devices first: one that fails leaves every regular output file as it was.
        for target, tmp, _real, data in self.staged.values():
            if tmp is None and data is not None:
                try:
                    with open(target, "wb") as handle:
                        handle.write(data)
                except OSError as exc:
                    raise _write_error(target, exc) from None
        with _GUARD.critical_section():
            for key, (target, tmp, real, _data) in list(self.staged.items()):
                if tmp is not None and real is not None:
                    try:
                        os.replace(tmp, real)
                    except OSError as exc:
                        raise _write_error(target, exc) from None
                del self.staged[key]
        self.committed = True
        for action in self.after:
            action()

    def discard(self) -> None:
        for key in list(self.staged):
            self._discard(key)
        if not self.committed:  # nothing was written: a folder made for the set goes too (if nothing else is in it)
            for folder in reversed(self.made):
                with suppress(OSError):
                    folder.rmdir()
            self.made.clear()


_BATCH: _OutputSet | None = None


@contextmanager
def outputs_together(paths: Iterable[str | Path], folders: Iterable[str | Path] = ()) -> Iterator[None]:
    """Write the files ``paths`` (a command's declared outputs) only when the block ends: each
    ``write_bytes``/``write_text`` to one of them goes to a temporary file beside it, and they replace
    their targets together once the block succeeds (or ends with ``NothingAssessed``, whose output says
    what was not assessed). On any other error, SIGTERM or SIGINT, none of them is written. Writes
    to other paths are not held; files written straight into one of ``folders`` (a command's --outdir,
    e.g. the plots of ``clinical``) are held like them. The command line wraps every command in it."""
    global _BATCH
    batch = _OutputSet(paths, folders)
    if not batch.keys and not batch.folders:
        yield
        return
    outer, _BATCH = _BATCH, batch
    try:
        with _GUARD.active():
            try:
                yield
            except NothingAssessed:
                batch.commit()
                raise
            else:
                batch.commit()
            finally:
                batch.discard()
    finally:
        _BATCH = outer


def when_written(action: Callable[[], None]) -> None:
    """Run ``action`` (e.g. a note "plot written to ...") once the outputs held by ``outputs_together`` are written;
    at once when none are held. A run whose outputs are not written never says it wrote them."""
    if _BATCH is not None and _BATCH.pid == os.getpid():
        _BATCH.after.append(action)
    else:
        action()


def make_folder(path: str | Path) -> Path:
    """Create the output folder ``path`` (and the folders above it) for files written into it one by one; returns it.

    A symbolic link is followed, as for a single file: a link to a folder that does not exist yet gets it (``mkdir``
    on the link itself fails with "File exists"). Inside ``outputs_together`` a folder made for the held outputs is
    removed again, when empty, if they are not written."""
    folder = Path(path)
    real = Path(os.path.realpath(folder)) if folder.is_symlink() else folder
    if _BATCH is not None and _BATCH.pid == os.getpid() and os.path.abspath(folder) in _BATCH.folders:
        _BATCH.make_folder(real)
    else:
        real.mkdir(parents=True, exist_ok=True)
    return folder


def write_text(path: str | Path, text: str) -> Path:
    """``write_bytes`` for UTF-8 text; ``-`` writes to standard output."""
    if is_stdout(path):
        sys.stdout.write(text)
        sys.stdout.flush()
        return Path(STDOUT)
    return write_bytes(path, text.encode("utf-8"))


def _write_stdout(data: bytes) -> None:
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode("utf-8", errors="replace"))
        sys.stdout.flush()
        return
    buffer.write(data)
    buffer.flush()


# The historical names: every caller gets the safe behaviour.
atomic_write_bytes = write_bytes
atomic_write_text = write_text


# --- folders -------------------------------------------------------------------------------------------


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE). False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if rc == 0:
        return True
    errno_ = ctypes.get_errno()
    if errno_ in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot exchange
        return False
    raise OSError(errno_, os.strerror(errno_), str(b))


@contextmanager
def output_directory(path: str | Path, *, names: Collection[str] = (), option: str = "--outdir") -> Iterator[Path]:
    """Yield an empty scratch folder beside ``path``; when the block succeeds, the scratch folder
    replaces ``path`` as a whole (the old folder's files are all gone, the new ones all there).
    On failure, SIGTERM or SIGINT, ``path`` is untouched and the scratch folder removed.

    ``names`` are the files this kind of output writes: an existing non-empty folder holding
    anything else is refused (``check_output_dir``) rather than replaced."""
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(target)
    check_output_dir(path, names=names, option=option)  # named as the user gave it
    with _GUARD.active():
        scratch: Path | None = None
        try:
            with _GUARD.critical_section():  # a signal is held until ``scratch`` names the folder to remove
                scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}{_TMP_TAG}{os.getpid()}-",
                                                dir=target.parent))
            yield scratch
            mode = stat.S_IMODE(os.stat(target).st_mode) if target.is_dir() else _DIR_MODE
            os.chmod(scratch, mode)
            with _GUARD.critical_section():
                _swap_in(scratch, target)
        finally:
            with _GUARD.critical_section():
                if scratch is not None and os.path.lexists(scratch):
                    shutil.rmtree(scratch, ignore_errors=True)


def _swap_in(scratch: Path, target: Path) -> None:
    if not os.path.lexists(target):
        os.rename(scratch, target)
        return
    if _exchange(scratch, target):
        return  # scratch now holds the old set; the caller removes it
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}{_OLD_TAG}{os.getpid()}-", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(scratch, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


# The historical name.
atomic_directory = output_directory


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


def file_identity(path: str | Path) -> list[int]:
    """(device, inode, size, mtime_ns, ctime_ns): a write or a replacement changes it, and the ctime cannot be set back
    (``touch``, ``cp -p`` and ``rsync -t`` set the mtime only). What a file verified once (by its SHA-256) is trusted
    by while it lasts: a resource bundle's files, a re-analysed input."""
    st = os.stat(path)
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def user_cache_dir() -> Path:
    """The user's charcot cache: ``$CHARCOT_CACHE_DIR``, else ``$XDG_CACHE_HOME/charcot`` (``~/.cache/charcot``)."""
    base = os.environ.get("CHARCOT_CACHE_DIR")
    return Path(base) if base else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "charcot"


def write_cache_json(path: Path, value: object) -> None:
    """``value`` as JSON at ``path`` in a cache (its folders made), atomically (a temporary file beside it, renamed);
    OSError when it cannot be written, for the caller to say what is then not remembered."""
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(value, sort_keys=True) + "\n")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()
