"""WeasyPrint's import without the compiler probes of ``ctypes.util.find_library``.

WeasyPrint loads Pango, HarfBuzz, fontconfig and GObject through cffi's ``ffi.dlopen``, trying six spellings of
each name. For a spelling that is not a file name cffi asks ``ctypes.util.find_library``, which on Linux runs
``/sbin/ldconfig -p`` and, when that has no answer, ``gcc`` and ``ld`` too: about 40 processes per import on
Debian 12 (all six spellings of the optional ``harfbuzz-vector`` miss there), ~0.35 s of wall time in
``charcot demo``. ``import_weasyprint`` imports it with ``find_library`` answering from one reading of the
``ldconfig -p`` cache instead; a name the cache does not hold is still given to the real ``find_library`` when a
file of that name lies where the linker would look (``LD_LIBRARY_PATH``, ``LIBRARY_PATH``, the cache's own
folders), so the same libraries load. If the import still fails (``OSError``: a library was not found), it is
imported again the ordinary way, so behaviour on other systems is unchanged.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import nullcontext
from types import ModuleType

_LOCK = threading.Lock()
# ctypes.util's mapping of machine to the ABI tag that `ldconfig -p` prints for a library of that machine
_ABI = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}
_ENTRY = re.compile(r"^\s+(\S+)\s+\(([^)]*)\)\s+=>\s+(\S.*?)\s*$")


def _abi() -> str:
    bits = "32" if sys.maxsize < 2**32 else "64"
    return _ABI.get(f"{os.uname().machine}-{bits}", "libc6")


def ldconfig_cache() -> list[tuple[str, str, str]]:
    """(soname, ABI tag, path) of every library in ``ldconfig -p``, in its order; empty if it cannot be run."""
    try:
        out = subprocess.run(["/sbin/ldconfig", "-p"], stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, env={"LC_ALL": "C", "LANG": "C"}, check=False).stdout
    except OSError:
        return []
    entries = []
    for line in os.fsdecode(out).splitlines():
        match = _ENTRY.match(line)
        if match:
            entries.append((match[1], match[2], match[3]))
    return entries


def cached_find_library(entries: list[tuple[str, str, str]], fallback: Callable[[str], str | None]
                        ) -> Callable[[str], str | None]:
    """A ``find_library`` that answers from ``entries`` as ctypes' first step does (the first ``lib<name>.*`` of this
    machine's ABI); for a name they lack it calls ``fallback`` only when a ``lib<name>.*`` file exists where the
    linker would look, and otherwise answers None, as ``fallback`` would after its compiler probes."""
    abi = _abi()
    folders = [d for var in ("LD_LIBRARY_PATH", "LIBRARY_PATH") for d in os.environ.get(var, "").split(os.pathsep) if d]
    folders += [os.path.dirname(path) for _soname, _tag, path in entries]
    folders += ["/usr/local/lib", "/usr/lib", "/lib"]
    names: set[str] = set()
    for folder in dict.fromkeys(folders):
        try:
            names.update(os.listdir(folder))
        except OSError:
            continue

    def find_library(name: str) -> str | None:
        prefix = f"lib{name}."
        for soname, tag, _path in entries:
            if soname.startswith(prefix) and tag.startswith(abi):
                return soname
        if any(file.startswith(prefix) for file in names):
            return fallback(name)
        return None

    return find_library


def import_weasyprint() -> ModuleType:
    """``import weasyprint`` with ``ctypes.util.find_library`` answering from the ``ldconfig`` cache during the
    import (restored afterwards); on ``OSError`` the import is retried the ordinary way. ImportError propagates."""
    if "weasyprint" in sys.modules:
        return importlib.import_module("weasyprint")  # waits for an import another thread has begun
    import ctypes.util

    with _LOCK:
        if "weasyprint" not in sys.modules and sys.platform.startswith("linux"):
            original = ctypes.util.find_library
            setattr(ctypes.util, "find_library", cached_find_library(ldconfig_cache(), original))  # noqa: B010
            # WeasyPrint prints a notice on stdout before it raises for a missing library; in a single-threaded
            # process (the CLI, the report helper) this attempt's notice is dropped: the retry prints its own
            quiet: contextlib.AbstractContextManager[object] = nullcontext()
            if threading.active_count() == 1:
                quiet = contextlib.redirect_stdout(io.StringIO())
            try:
                with quiet:
                    importlib.import_module("weasyprint")
            except OSError:
                for module in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
                    del sys.modules[module]
            finally:
                ctypes.util.find_library = original
        import weasyprint  # the ordinary import (or the module the patched import left in sys.modules)

        loaded: ModuleType = weasyprint
        return loaded
