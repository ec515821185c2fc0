"""How much of ``charcot interpret`` on the indexed genome is start-up, and how much is the work itself (issue 20).

Runs the command's work (``variants.api.interpret`` then the findings JSON, with the command's garbage-collection
settings) several times in ONE process, so that from the second run on no import, no knowledge-base load and no
interpreter start-up is left, and pairs each run with ``bcftools view -R`` on the same file (a subprocess, run
back to back). The first run is the cold in-process one; the medians are over the later, warm ones. The cold
command (a new process per run) is bench_interpret.py's first row.

If the warm ratio is near or above 5x, start-up is not what stands between the command and the 5x target: the
per-record reading, classification and JSON are.

usage: python benchmarks/bench_interpret_warm.py [--repeat N]   (the genome is built by make_wgs_vcf.py)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=6)
    args = ap.parse_args()
    import make_wgs_vcf as gen

    if not gen.WGS.exists():
        sys.exit(f"build the genome first: python benchmarks/make_wgs_vcf.py ../shared/data --no-plain ({gen.WGS})")
    from charcot.cli import no_pydantic_plugins

    no_pydantic_plugins()  # as the command does
    from charcot.genome.panel import knowledge_panel
    from charcot.model import Build
    from charcot.variants.api import interpret, to_json
    from charcot.variants.cli import fewer_collections

    with tempfile.TemporaryDirectory(prefix="bench-warm-") as tmp:
        bed = Path(tmp) / "panel38.bed"
        bed.write_text(knowledge_panel(Build.GRCh38).bed(chr_prefix=True))
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; {args.repeat} runs in one "
              "process, each paired with bcftools view -R")
        rows = []
        for i in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            with fewer_collections(none=True):
                text = to_json(interpret(gen.WGS))
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            b0 = time.perf_counter()
            subprocess.run(["bcftools", "view", "-R", str(bed), str(gen.WGS), "-o", "/dev/null"], check=True)
            bwall = time.perf_counter() - b0
            rows.append((wall, cpu, bwall))
            print(f"run {i + 1}{' (cold, in process)' if i == 0 else ''}: charcot {wall:.3f} s wall / {cpu:.3f} s CPU, "
                  f"bcftools {bwall:.3f} s, ratio {wall / bwall:.2f}x; JSON {len(text) / 1e6:.1f} MB", flush=True)
        warm = rows[1:]
        if warm:
            print(f"warm medians: charcot {statistics.median(r[0] for r in warm):.3f} s wall / "
                  f"{statistics.median(r[1] for r in warm):.3f} s CPU, bcftools {statistics.median(r[2] for r in warm):.3f} "
                  f"s, ratio {statistics.median(r[0] / r[2] for r in warm):.2f}x (target for the command: 5x)")
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
