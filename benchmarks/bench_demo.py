"""``charcot demo`` end to end (issue 20 target: <= 4 s including the PDF), as its own process.

Runs ``charcot demo --outdir TMP`` and ``charcot demo --no-pdf`` N times each (interleaved) and prints
median wall and CPU seconds (user+sys from wait4, children included) and peak RSS; the difference is the
PDF's cost. Also prints the import-only cost (``python -X importtime``-free: ``import charcot.report.build``
in a fresh process) so the start-up share is visible. Machine and load average are printed.

The critical path is printed too: one more ``charcot demo`` per repeat, run through this script with
``--trace`` (it wraps ``start_plots``, ``start_pdf`` and the report helper's tasks and prints each process's CPU
seconds at their start and end); on two free cores the wall time is about the chain before the PDF (max(main process
until it asks for the plots, helper's imports) + max(plots, main process meanwhile: therapies, template) + main process
until it hands the HTML over) plus the helper's PDF CPU.

usage: python benchmarks/bench_demo.py [--repeat N]
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NoReturn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_interpret import CHARCOT, machine, run

_TRACED = (("charcot.report.helper", "_pdf"), ("charcot.report.helper", "_warm"), ("charcot.report.helper", "_plots"),
           ("charcot.report.helper", "start_plots"), ("charcot.report.helper", "_finish_plots"),
           ("charcot.report.write", "write_report"),
           ("charcot.report.render_pdf", "start_pdf"))


def _trace(argv: list[str]) -> NoReturn:
    """Run ``charcot ARGV`` in this process with the traced functions printing this process's CPU seconds."""
    def wrap(module_name: str, name: str) -> None:
        module = importlib.import_module(module_name)
        inner = getattr(module, name)

        @functools.wraps(inner)
        def traced(*args: object, **kwargs: object) -> object:
            sys.stderr.write(f"trace {name} start {os.getpid()} {time.process_time():.3f} {time.monotonic():.3f}\n")
            try:
                return inner(*args, **kwargs)
            finally:
                sys.stderr.write(f"trace {name} end {os.getpid()} {time.process_time():.3f} {time.monotonic():.3f}\n")

        setattr(module, name, traced)

    for module_name, name in _TRACED:  # wrapped before the helper is forked, so it runs the wrapped functions
        wrap(module_name, name)
    from charcot.cli import run

    sys.argv = ["charcot", *argv]
    run()  # exits as the charcot command does


def critical_path(outdir: Path) -> tuple[float, float, tuple[float, float, float]]:
    """(CPU seconds before the PDF can start, helper PDF CPU, wall timeline) of one ``charcot demo``.

    The part before the PDF is a chain of the two processes' CPU: max(main process until it asks for the plots,
    helper's start-up imports) + max(helper drawing the plots, main process meanwhile) + main process from the
    plots until it hands the PDF to the helper (end of ``start_pdf``); on two free cores that is the wall time.
    The wall timeline is measured on the same run's clock: (process start -> the helper starts the PDF, the PDF,
    the PDF done -> the process has ended), which shows what the CPU chain leaves out (child processes such as
    ldconfig, waits, the hand-overs, interpreter exit)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[1] / "src"),
                                                                     os.environ.get("PYTHONPATH")]))}
    spawned = time.monotonic()
    done = subprocess.run([sys.executable, __file__, "--trace", "demo", "-q", "--outdir", str(outdir)], env=env,
                          capture_output=True, text=True, check=True)
    ended = time.monotonic()
    found = list(re.finditer(r"^trace (\S+) (start|end) \d+ ([\d.]+) ([\d.]+)$", done.stderr, re.M))
    marks = {(m[1], m[2]): float(m[3]) for m in found}
    clock = {(m[1], m[2]): float(m[4]) for m in found}

    def took(name: str) -> float:
        return marks[(name, "end")] - marks[(name, "start")]

    pdf = took("_pdf")
    wall = (clock[("_pdf", "start")] - spawned, clock[("_pdf", "end")] - clock[("_pdf", "start")],
            ended - clock[("_pdf", "end")])
    if ("_finish_plots", "end") not in marks or ("_warm", "end") not in marks:  # no plots or no helper
        return marks[("start_pdf", "end")], pdf, wall
    asked, received = marks[("start_plots", "start")], marks[("_finish_plots", "end")]
    before = (max(asked, took("_warm")) + max(took("_plots"), received - asked)
              + marks[("start_pdf", "end")] - received)
    return before, pdf, wall


def main() -> None:
    if sys.argv[1:2] == ["--trace"]:
        _trace(sys.argv[2:])
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"machine: {machine()}")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; {args.repeat} runs, medians")
    rows: dict[str, list[tuple[float, float, int]]] = {"demo (with PDF)": [], "demo --no-pdf": [],
                                                       "imports only (report.build)": []}
    paths: list[tuple[float, float, tuple[float, float, float]]] = []
    tmp = Path(tempfile.mkdtemp(prefix="bench-demo-"))
    try:
        for i in range(args.repeat):
            rows["demo (with PDF)"].append(run([*CHARCOT, "demo", "--outdir", str(tmp / f"pdf{i}")]))
            rows["demo --no-pdf"].append(run([*CHARCOT, "demo", "--no-pdf", "--outdir", str(tmp / f"nopdf{i}")]))
            rows["imports only (report.build)"].append(run([sys.executable, "-c", "import charcot.report.build"]))
            paths.append(critical_path(tmp / f"trace{i}"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'what':32s} {'wall s':>7s} {'CPU s':>7s} {'peak MB':>8s}")
    for name, results in rows.items():
        print(f"{name:32s} {statistics.median(r[0] for r in results):7.2f} "
              f"{statistics.median(r[1] for r in results):7.2f} {max(r[2] for r in results):8d}")
    before_cpu = statistics.median(p[0] for p in paths)
    pdf_cpu = statistics.median(p[1] for p in paths)
    print(f"critical path (CPU s, medians): before the PDF starts {before_cpu:.2f} + helper PDF "
          f"{pdf_cpu:.2f} = {statistics.median(p[0] + p[1] for p in paths):.2f}")
    print("wall timeline of those runs (s, medians): start -> PDF starts {:.2f}, PDF {:.2f}, PDF done -> ended {:.2f}; "
          "total {:.2f}".format(*(statistics.median(p[2][i] for p in paths) for i in range(3)),
                                statistics.median(sum(p[2]) for p in paths)))
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("target: charcot demo <= 4 s including the PDF")


if __name__ == "__main__":
    main()
