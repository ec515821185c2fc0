"""WeasyPrint's import through charcot.report.weasy (issue 20): cffi's misses went to ctypes.util.find_library, which
ran ldconfig, gcc and ld for every spelling of every library (~40 processes, ~0.4 s of `charcot demo`)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("weasyprint")

SRC = Path(__file__).resolve().parents[2] / "src"

SCRIPT = """
import ctypes.util, json, sys
original = ctypes.util.find_library
if sys.argv[1] == "charcot":
    from charcot.report.weasy import import_weasyprint
    weasyprint = import_weasyprint()
elif sys.argv[1] == "fails-once":  # a library load fails during the first attempt, as WeasyPrint's does (notice, OSError)
    import importlib.abc
    from charcot.report.weasy import import_weasyprint

    class FailOnce(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name == "weasyprint.text.ffi":
                sys.meta_path.remove(self)
                print("WeasyPrint could not import some external libraries")
                raise OSError("cannot load library 'libgobject-2.0-0'")
            return None

    sys.meta_path.insert(0, FailOnce())
    weasyprint = import_weasyprint()
else:
    import weasyprint
libs = sorted({line.split()[-1] for line in open("/proc/self/maps") if ".so" in line})
print(json.dumps({"libs": libs, "restored": ctypes.util.find_library is original,
                  "html": hasattr(weasyprint, "HTML")}))
"""


def _import(how: str, tmp_path: Path) -> tuple[dict[str, object], list[str], str]:
    """Import WeasyPrint in a fresh process whose PATH finds recording stand-ins for gcc and ld first."""
    bin_dir, log = tmp_path / f"bin-{how}", tmp_path / f"calls-{how}.log"
    bin_dir.mkdir()
    for tool in ("gcc", "cc", "ld"):
        script = bin_dir / tool
        script.write_text(f'#!/bin/sh\necho {tool} >> "{log}"\nexit 1\n')
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PYTHONPATH": str(SRC), "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([sys.executable, "-c", SCRIPT, how], env=env, capture_output=True, text=True, check=True,
                          timeout=120)
    lines = done.stdout.strip().splitlines()
    calls = log.read_text().split() if log.exists() else []
    return json.loads(lines[-1]), calls, "\n".join(lines[:-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ctypes' compiler probes are Linux's")
def test_weasyprint_loads_the_same_libraries_without_running_the_compiler(tmp_path: Path) -> None:
    ordinary, ordinary_calls, _ = _import("ordinary", tmp_path)
    ours, our_calls, printed = _import("charcot", tmp_path)
    assert ordinary_calls, "the ordinary import no longer probes gcc/ld: this test shows nothing"
    assert our_calls == []
    assert ours["libs"] == ordinary["libs"] and ours["restored"] and ours["html"]
    assert printed == ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ctypes' compiler probes are Linux's")
def test_a_failed_fast_import_is_retried_the_ordinary_way(tmp_path: Path) -> None:
    ordinary, _, _ = _import("ordinary", tmp_path)
    retried, _, printed = _import("fails-once", tmp_path)
    assert retried["libs"] == ordinary["libs"] and retried["restored"] and retried["html"]
    assert printed == ""  # the failed attempt's 'could not import some external libraries' notice is not shown


def test_a_library_outside_the_cache_goes_to_the_real_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from charcot.report.weasy import cached_find_library

    (tmp_path / "libcharcotprobe.so.3").write_bytes(b"")
    monkeypatch.setenv("LD_LIBRARY_PATH", str(tmp_path))
    asked: list[str] = []

    def real(name: str) -> str | None:
        asked.append(name)
        return "libcharcotprobe.so.3"

    entries = [("libfoo.so.1", "libc6,x86-64", "/nowhere/libfoo.so.1"), ("libfoo.so.1", "libc6", "/nowhere32/libfoo.so.1")]
    find = cached_find_library(entries, real)
    assert find("charcotprobe") == "libcharcotprobe.so.3" and asked == ["charcotprobe"]
    assert find("charcot-absent") is None and asked == ["charcotprobe"]  # no such file anywhere: no compiler probe
    if os.uname().machine == "x86_64":
        assert find("foo") == "libfoo.so.1"
