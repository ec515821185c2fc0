"""``charcot demo`` end to end (issue 20 target: <= 4 s including the PDF), as its own process.

Runs ``charcot demo --outdir TMP`` and ``charcot demo --no-pdf`` N times each (interleaved) and prints
median wall and CPU seconds (user+sys from wait4, children included) and peak RSS; the difference is the
PDF's cost. Also prints the import-only cost (``python -X importtime``-free: ``import charcot.report.build``
in a fresh process) so the start-up share is visible. Machine and load average are printed.

usage: python benchmarks/bench_demo.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_interpret import CHARCOT, machine, run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"machine: {machine()}")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; {args.repeat} runs, medians")
    rows: dict[str, list[tuple[float, float, int]]] = {"demo (with PDF)": [], "demo --no-pdf": [],
                                                       "imports only (report.build)": []}
    tmp = Path(tempfile.mkdtemp(prefix="bench-demo-"))
    try:
        for i in range(args.repeat):
            rows["demo (with PDF)"].append(run([*CHARCOT, "demo", "--outdir", str(tmp / f"pdf{i}")]))
            rows["demo --no-pdf"].append(run([*CHARCOT, "demo", "--no-pdf", "--outdir", str(tmp / f"nopdf{i}")]))
            rows["imports only (report.build)"].append(run([sys.executable, "-c", "import charcot.report.build"]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'what':32s} {'wall s':>7s} {'CPU s':>7s} {'peak MB':>8s}")
    for name, results in rows.items():
        print(f"{name:32s} {statistics.median(r[0] for r in results):7.2f} "
              f"{statistics.median(r[1] for r in results):7.2f} {max(r[2] for r in results):8d}")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("target: charcot demo <= 4 s including the PDF")


if __name__ == "__main__":
    main()
