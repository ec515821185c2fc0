"""Start-up time of the ``charcot`` command: ``--help``, ``--version``, ``knowledge gene SOD1`` and a
sub-command's ``--help``, against a bare Python start, each run as its own process.

Each command runs N times (default 9, interleaved); the script prints the median wall time and the
median CPU time (user + system of the child) per command. Two ways of running the source tree:

- ``compiled``: a copy of ``src`` byte-compiled once (what ``make`` does after installing);
- ``source``: a copy with no ``.pyc`` files and ``PYTHONDONTWRITEBYTECODE=1`` (an editable install on a
  machine that sets that variable: every module is compiled again on every run).

Usage: python benchmarks/bench_startup.py [--runs N] [--src DIR] [--mode compiled|source|both]
(``--src`` another checkout's ``src`` folder, e.g. an older commit from ``git archive``, to compare).
Targets (issues 16 and 20): --help and --version <= 0.3 s, knowledge gene SOD1 <= 0.4 s. The knowledge
store (charcot.knowledge.compiled) is filled by one untimed run; a "store off" row shows the parse cost.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / "benchmarks" / "scratch" / "startup"
ENTRY = "from charcot.cli import run; run()"  # what the installed `charcot` script runs
COMMANDS: list[tuple[str, list[str]]] = [
    ("python -c pass (floor)", []),
    ("charcot --help", ["--help"]),
    ("charcot --version", ["--version"]),
    ("charcot knowledge gene SOD1", ["knowledge", "gene", "SOD1"]),
    ("knowledge gene SOD1, store off", ["knowledge", "gene", "SOD1"]),
    ("charcot interpret --help", ["interpret", "--help"]),
]
# The compiled knowledge store (charcot.knowledge.compiled) lives in a scratch cache folder: filled by one
# untimed run first, so "charcot knowledge gene SOD1" is what every run after the first costs; the
# "store off" row parses and validates the YAML as the first run after an install or a knowledge update does.
CACHE = SCRATCH / "cache"
STORE_OFF = "knowledge gene SOD1, store off"


def _prepare(src: Path, mode: str) -> Path:
    target = SCRATCH / mode / "src"
    if target.parent.exists():
        shutil.rmtree(target.parent)
    shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__"))
    if mode == "compiled":
        compileall.compile_dir(str(target), quiet=1)
    return target


def _run_once(label: str, args: list[str], src: Path, mode: str) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(src), "CHARCOT_CACHE_DIR": str(CACHE)}
    env.pop("PYTHONPYCACHEPREFIX", None)
    env["CHARCOT_KNOWLEDGE_CACHE"] = "0" if label == STORE_OFF else "1"
    if mode == "source":
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    cmd = [sys.executable, "-c", "pass"] if not args else [sys.executable, "-c", ENTRY, *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{label} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--mode", choices=("compiled", "source", "both"), default="both")
    options = parser.parse_args()
    modes = ["compiled", "source"] if options.mode == "both" else [options.mode]
    load = os.getloadavg()
    print(f"# charcot start-up; {options.runs} runs per command, interleaved; medians; "
          f"{os.cpu_count()} CPUs, load average {load[0]:.1f} at start; src {options.src}")
    for mode in modes:
        src = _prepare(options.src, mode)
        shutil.rmtree(CACHE, ignore_errors=True)
        _run_once("warm-up", ["knowledge", "gene", "SOD1"], src, mode)  # fills the knowledge store
        samples: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in COMMANDS}
        for _ in range(options.runs):
            for label, args in COMMANDS:
                samples[label].append(_run_once(label, args, src, mode))
        print(f"\n## {mode}")
        print(f"{'command':34} {'wall (s)':>9} {'CPU (s)':>9}")
        for label, _ in COMMANDS:
            wall = statistics.median(s[0] for s in samples[label])
            cpu = statistics.median(s[1] for s in samples[label])
            print(f"{label:34} {wall:9.3f} {cpu:9.3f}")
    print(f"\n# load average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
