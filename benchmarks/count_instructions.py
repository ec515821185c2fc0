"""Count the instructions of ``charcot interpret`` on the indexed benchmark genome and of ``bcftools view -R`` on the
same file (valgrind's cachegrind without cache simulation: user-space instructions, "I refs").

On the shared development machine the wall times of bench_interpret.py swing by 20-50 % with the other sessions'
load; an instruction count hardly moves (about +-0.5 % between runs of one tree), so a change of a few
milliseconds can be seen, and two source trees compared, at any load (issue 20). It is not a time: Python's start-up
and imports run at fewer instructions per cycle than htslib's decompression and parsing, so the wall-time ratio to
bcftools is higher than the ratio of instructions (2026-12-02: 5.7x instructions against 8-9x wall).

PYTHONHASHSEED=0 and OPENBLAS_NUM_THREADS=1 (numpy's BLAS threads spin-wait for a varying while) make the count
repeatable; neither changes what charcot computes. Each run takes ~40 s under valgrind.

usage: python benchmarks/count_instructions.py [SRC ...] [--repeat N]
(SRC: source folders to compare, e.g. the src folder of ``git archive main | tar -x -C /tmp/before``; default this
tree's src. Byte-compile each tree first, ``python -m compileall -q SRC``: with PYTHONDONTWRITEBYTECODE set, an
uncompiled tree is compiled from source in every run, which the count then includes. Needs valgrind and bcftools; the
genome is built by bench_interpret.py / make_wgs_vcf.py.)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))


def instructions(cmd: list[str], env: dict[str, str]) -> int:
    """User-space instructions of one run of ``cmd`` (its exit code must be 0)."""
    proc = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                           *cmd], env=env, capture_output=True, text=True)
    found = re.search(r"I\s+refs:\s+([\d,]+)", proc.stderr)
    if proc.returncode != 0 or found is None:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def loadavg() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("src", nargs="*", default=[str(REPO / "src")])
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    if shutil.which("valgrind") is None or shutil.which("bcftools") is None:
        sys.exit("needs valgrind and bcftools on PATH")
    import make_wgs_vcf as gen

    if not gen.WGS.exists():
        sys.exit(f"{gen.WGS} is missing: run benchmarks/make_wgs_vcf.py (or bench_interpret.py) first")
    from charcot.genome.panel import knowledge_panel
    from charcot.model import Build

    tmp = Path(tempfile.mkdtemp(prefix="count-instructions-"))
    try:
        bed = tmp / "panel38.bed"
        bed.write_text(knowledge_panel(Build.GRCh38).bed(chr_prefix=True))
        env = dict(os.environ, PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1")
        print(f"load average before: {loadavg()}")
        base = statistics.median(instructions(["bcftools", "view", "-R", str(bed), str(gen.WGS), "-o", "/dev/null"],
                                              env) for _ in range(args.repeat))
        print(f"{'bcftools view -R':40s} {base / 1e6:9.1f} M instructions")
        for src in args.src:
            run_env = dict(env, PYTHONPATH=str(Path(src).resolve()))
            counts = [instructions([sys.executable, "-m", "charcot.cli", "interpret", str(gen.WGS), "-o",
                                    str(tmp / "findings.json")], run_env) for _ in range(args.repeat)]
            count = statistics.median(counts)
            print(f"{'charcot interpret (' + src + ')':40s} {count / 1e6:9.1f} M instructions  {count / base:5.2f}x "
                  f"(runs: {', '.join(f'{c / 1e6:.1f}' for c in counts)})")
        print(f"load average after: {loadavg()}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
