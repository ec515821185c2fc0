"""Benchmark ``charcot interpret`` against Debian's bcftools on the same files in the same run.

Inputs (built or read from the shared data, never committed):
* a whole-genome-scale single-sample VCF (>= 4M real records: NA12878 chr21 truth records tiled over
  every chromosome by make_wgs_vcf.py), indexed and an unindexed byte-identical copy;
* the Pfeiffer exome (37,709 real records, GRCh37) from the shared data.

Timings are end-to-end process runs (Python start-up, knowledge base, reading, classification, JSON
written), best of N, with wall and CPU time and peak RSS from wait4(). bcftools comparisons:
``bcftools view -R panel.bed`` (indexed) and, for the unindexed file, ``bcftools view -T panel.bed``
(-R needs an index; -T streams the whole file).

usage: python benchmarks/bench_interpret.py [SHARED_DATA_DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "benchmarks" / "scratch"
CHARCOT = [str(REPO / ".venv" / "bin" / "charcot")]


def run(cmd: list[str]) -> tuple[float, float, int]:
    """(wall s, user+sys CPU s, peak RSS MB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{stderr}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def best(cmd: list[str], repeat: int) -> tuple[float, float, int]:
    results = [run(cmd) for _ in range(repeat)]
    return min(r[0] for r in results), min(r[1] for r in results), max(r[2] for r in results)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("shared", nargs="?", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    shared = Path(args.shared)
    wgs = WORK / "wgs_tiled.vcf.gz"
    noindex = WORK / "wgs_tiled_noindex.vcf.gz"
    if not wgs.exists() or not noindex.exists():
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_wgs_vcf.py"), str(shared)], check=True)
    n_records = int(subprocess.run(["bcftools", "index", "-n", str(wgs)], capture_output=True, text=True,
                                   check=True).stdout)
    from charcot.genome.panel import knowledge_panel
    from charcot.model import Build

    tmp = Path(tempfile.mkdtemp(prefix="bench-interpret-"))
    try:
        bed = tmp / "panel.bed"
        bed.write_text(knowledge_panel(Build.GRCh37).bed(chr_prefix=True))
        exome_src = shared / "vcf" / "sample" / "exomiser_Pfeiffer.vcf.gz"
        exome = tmp / "exome.vcf.gz"
        shutil.copy(exome_src, exome)
        shutil.copy(str(exome_src) + ".tbi", str(exome) + ".tbi")
        exome_bed = tmp / "exome.bed"
        exome_bed.write_text(knowledge_panel(Build.GRCh37).bed())
        n_exome = int(subprocess.run(["bcftools", "index", "-n", str(exome)], capture_output=True, text=True,
                                     check=True).stdout)
        out = tmp / "findings.json"
        rows = [
            (f"charcot interpret, WGS {n_records:,} records, indexed", [*CHARCOT, "interpret", str(wgs), "-o", str(out)]),
            ("bcftools view -R panel.bed, WGS indexed", ["bcftools", "view", "-R", str(bed), str(wgs), "-o", "/dev/null"]),
            (f"charcot interpret, WGS {n_records:,} records, unindexed",
             [*CHARCOT, "interpret", str(noindex), "-o", str(out)]),
            ("bcftools view -T panel.bed, WGS unindexed (streams)",
             ["bcftools", "view", "-T", str(bed), str(noindex), "-o", "/dev/null"]),
            (f"charcot interpret, exome {n_exome:,} records, indexed", [*CHARCOT, "interpret", str(exome), "-o", str(out)]),
            ("bcftools view -R panel.bed, exome indexed", ["bcftools", "view", "-R", str(exome_bed), str(exome),
                                                          "-o", "/dev/null"]),
            ("charcot --help (start-up only)", [*CHARCOT, "--help"]),
        ]
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; best of {args.repeat}")
        print(f"{'what':62s} {'wall s':>7s} {'CPU s':>7s} {'peak MB':>8s}")
        results = {}
        for name, cmd in rows:
            wall, cpu, rss = best(cmd, args.repeat)
            results[name] = (wall, cpu, rss)
            print(f"{name:62s} {wall:7.2f} {cpu:7.2f} {rss:8d}")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        w_idx = results[rows[0][0]]
        w_un = results[rows[2][0]]
        b_un = results[rows[3][0]]
        ex = results[rows[4][0]]
        print(f"targets: indexed WGS < 2 s: wall {w_idx[0]:.2f}, CPU {w_idx[1]:.2f}; "
              f"unindexed <= 1.5x bcftools -T: wall {w_un[0] / b_un[0]:.2f}x, CPU {w_un[1] / b_un[1]:.2f}x; "
              f"peak < 500 MB: {max(w_idx[2], w_un[2])} MB; exome < 1 s: wall {ex[0]:.2f}, CPU {ex[1]:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
