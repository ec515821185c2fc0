"""Benchmark ``charcot interpret`` against Debian's bcftools on the same files in the same run.

Inputs (built by make_wgs_vcf.py into benchmarks/scratch/, or read from the shared data; never committed):
* WGS: a GATK4 HaplotypeCaller-style GRCh38 genome (~4.8 M records, ~58 bytes per record bgzipped),
  indexed, an unindexed byte-identical copy, a plain-gzip copy and a plain-text copy;
* exome: the Pfeiffer exome (37,709 real calls, GRCh37, indexed);
* gVCF: the GLnexus NA12878 GATK 3.5 HaplotypeCaller gVCF (301,244 records, GRCh38, unindexed).

Each charcot run is paired with its bcftools comparison (run back to back, the pair repeated N times);
the table shows medians of wall and CPU seconds (user+sys from wait4) and the largest peak RSS, and the
median of the per-pair wall and CPU ratios. Machine, CPU count and load average are printed.

usage: python benchmarks/bench_interpret.py [SHARED_DATA_DIR] [--repeat N] [--only 1,3]
(--only: the rows to run, numbered from 1 in the order of the table; default all)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "benchmarks" / "scratch"
# the installed entry point when there is one, else this tree's CLI module (PYTHONPATH=src)
CHARCOT = ([str(REPO / ".venv" / "bin" / "charcot")] if (REPO / ".venv" / "bin" / "charcot").exists()
           else [sys.executable, "-m", "charcot.cli"])
sys.path.insert(0, str(REPO / "benchmarks"))


def run(cmd: list[str], allowed: tuple[int, ...] = (0,)) -> tuple[float, float, int]:
    """(wall s, user+sys CPU s, peak RSS MB) of one process (a shell pipeline counts its children); an exit code not in
    ``allowed`` stops the benchmark (charcot's 3: the run finished, the output says what could not be assessed)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) not in allowed:
        sys.exit(f"failed: {' '.join(cmd)}\n{stderr}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo") as handle:
            model = next((x.split(":", 1)[1].strip() for x in handle if x.startswith("model name")), "")
    except OSError:
        model = ""
    return f"{platform.machine()} {model}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("shared", nargs="?", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated row numbers (1 = indexed WGS), default all")
    args = ap.parse_args()
    shared = Path(args.shared)
    import make_wgs_vcf as gen

    if not all(p.exists() for p in (gen.WGS, gen.NOINDEX, gen.PLAIN_GZ, gen.PLAIN)):
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_wgs_vcf.py"), str(shared)], check=True)
    n_records = int(subprocess.run(["bcftools", "index", "-n", str(gen.WGS)], capture_output=True, text=True,
                                   check=True).stdout)
    from charcot.genome.panel import knowledge_panel
    from charcot.model import Build

    tmp = Path(tempfile.mkdtemp(prefix="bench-interpret-"))
    try:
        bed38 = tmp / "panel38.bed"
        bed38.write_text(knowledge_panel(Build.GRCh38).bed(chr_prefix=True))
        bed37 = tmp / "panel37.bed"
        bed37.write_text(knowledge_panel(Build.GRCh37).bed())
        exome = tmp / "exome.vcf.gz"
        shutil.copy(shared / "vcf" / "sample" / "exomiser_Pfeiffer.vcf.gz", exome)
        shutil.copy(str(shared / "vcf" / "sample" / "exomiser_Pfeiffer.vcf.gz") + ".tbi", str(exome) + ".tbi")
        gvcf = shared / "vcf" / "gvcf" / "GLnexus_NA12878.g.vcf.gz"
        out = tmp / "findings.json"
        tbi = tmp / "tmp.tbi"
        index_then_query = ["bash", "-c", f"bcftools index -t -f -o {tbi} {gen.NOINDEX} && "
                                          f"bcftools view -R {bed38} '{gen.NOINDEX}##idx##{tbi}' -o /dev/null"]
        pairs = [
            (f"WGS {n_records:,} records, bgzip + .tbi", [*CHARCOT, "interpret", str(gen.WGS), "-o", str(out)],
             "bcftools view -R", ["bcftools", "view", "-R", str(bed38), str(gen.WGS), "-o", "/dev/null"], 5.0),
            ("WGS, bgzip without index", [*CHARCOT, "interpret", str(gen.NOINDEX), "-o", str(out)],
             "bcftools index + view -R", index_then_query, 1.0),
            ("WGS, plain gzip", [*CHARCOT, "interpret", str(gen.PLAIN_GZ), "-o", str(out)],
             "bcftools view -T", ["bcftools", "view", "-T", str(bed38), str(gen.PLAIN_GZ), "-o", "/dev/null"], 1.5),
            ("WGS, plain text", [*CHARCOT, "interpret", str(gen.PLAIN), "-o", str(out)],
             "bcftools view -T", ["bcftools", "view", "-T", str(bed38), str(gen.PLAIN), "-o", "/dev/null"], 1.5),
            ("exome 37,709 records, indexed", [*CHARCOT, "interpret", str(exome), "-o", str(out)],
             "bcftools view -R", ["bcftools", "view", "-R", str(bed37), str(exome), "-o", "/dev/null"], None),
            ("gVCF 301,244 records, unindexed", [*CHARCOT, "interpret", str(gvcf), "-o", str(out)],
             "bcftools view -T", ["bcftools", "view", "-T", str(bed38), str(gvcf), "-o", "/dev/null"], None),
        ]
        print(f"machine: {machine()}")
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
              f"{args.repeat} paired runs, medians")
        print(f"{'input':36s} {'charcot wall/CPU s':>18s} {'peak MB':>8s} {'bcftools':>26s} "
              f"{'wall/CPU s':>12s} {'ratio wall/CPU':>15s} {'target':>8s}  findings")
        chosen = {int(x) for x in args.only.split(",") if x.strip()}
        for row, (name, cmd, bname, bcmd, target) in enumerate(pairs, start=1):
            if chosen and row not in chosen:
                continue
            c_runs, b_runs = [], []
            for _ in range(args.repeat):
                c_runs.append(run(cmd, allowed=(0, 3)))
                b_runs.append(run(bcmd))
            cw, cc = statistics.median(r[0] for r in c_runs), statistics.median(r[1] for r in c_runs)
            bw, bc = statistics.median(r[0] for r in b_runs), statistics.median(r[1] for r in b_runs)
            rw = statistics.median(c[0] / b[0] for c, b in zip(c_runs, b_runs, strict=True))
            rc = statistics.median(c[1] / max(b[1], 1e-3) for c, b in zip(c_runs, b_runs, strict=True))
            rss = max(r[2] for r in c_runs)
            goal = f"<= {target:.1f}x" if target else "-"
            print(f"{name:36s} {cw:8.2f} / {cc:6.2f}   {rss:7d} {bname:>26s} {bw:5.2f}/{bc:5.2f} "
                  f"{rw:7.2f}x/{rc:5.2f}x {goal:>8s}  JSON {out.stat().st_size / 1e6:.1f} MB, status "
                  f"{json.loads(out.read_text()).get('status')}", flush=True)
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print("targets: indexed WGS <= 1.0 s wall and <= 5x bcftools -R; unindexed bgzip <= 1.0x "
              "'bcftools index + view -R'; plain gzip / plain text <= 1.5x bcftools -T; peak <= 200 MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
