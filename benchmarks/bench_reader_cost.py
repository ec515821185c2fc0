"""What reading the indexed genome's panel records costs in htslib's two Python bindings (issue 20).

Runs the 80 region queries of the knowledge panel over the benchmark genome (make_wgs_vcf.py) and reads the values
charcot's reader uses (CHROM, POS, REF, ALT, FILTER, QUAL, GT, GQ, DP, AD, END), once with cyvcf2 (charcot's reader)
and once with pysam, each in a new process so that the import counts; then, with cyvcf2, the iteration alone and each
accessor alone, in microseconds a record. It prints numbers; it changes nothing.

usage: python benchmarks/bench_reader_cost.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

_READ = r"""
import sys, time
t0 = time.perf_counter()
from charcot.genome.panel import knowledge_panel
from charcot.model import Build
regions = [(c if c.startswith("chr") else "chr" + c, s, e) for c, s, e in knowledge_panel(Build.GRCh38).regions()]
path, which = sys.argv[1], sys.argv[2]
t1 = time.perf_counter()
n = 0
if which == "pysam":
    import pysam
    t2 = time.perf_counter()
    f = pysam.VariantFile(path)
    t3 = time.perf_counter()
    for c, s, e in regions:
        for r in f.fetch(c, s - 1, e):
            values = (r.chrom, r.pos, r.ref, r.alts, list(r.filter.keys()), r.qual, r.stop)
            smp = r.samples[0]
            fmt = (smp["GT"], smp.phased, smp.get("GQ"), smp.get("DP"), smp.get("AD"))
            n += 1
else:
    import cyvcf2
    t2 = time.perf_counter()
    f = cyvcf2.VCF(path, lazy=True)
    t3 = time.perf_counter()
    for c, s, e in regions:
        for v in f(f"{c}:{s}-{e}"):
            values = (v.CHROM, v.POS, v.REF, v.ALT, v.FILTER, v.QUAL, v.end)
            fmt = (v.genotypes, v.format("GQ"), v.format("DP"), v.format("AD"))
            n += 1
t4 = time.perf_counter()
print(n, t2 - t1, t3 - t2, t4 - t3)
"""

_ACCESSORS = r"""
import sys, time
from charcot.genome.panel import knowledge_panel
from charcot.model import Build
import cyvcf2
regions = [(c if c.startswith("chr") else "chr" + c, s, e) for c, s, e in knowledge_panel(Build.GRCh38).regions()]
f = cyvcf2.VCF(sys.argv[1], lazy=True)
tests = [("iteration alone", lambda v: None), ("CHROM, POS, REF, ALT", lambda v: (v.CHROM, v.POS, v.REF, v.ALT)),
         ("genotypes", lambda v: v.genotypes), ("format('GQ')", lambda v: v.format("GQ")),
         ("format('AD')", lambda v: v.format("AD")), ("FILTER, FILTERS", lambda v: (v.FILTER, v.FILTERS)),
         ("QUAL", lambda v: v.QUAL), ("end", lambda v: v.end)]
for name, fn in tests * 2:  # two passes: the runner prints the second (the first warms the page cache and index)
    t, n = time.perf_counter(), 0
    for c, s, e in regions:
        for v in f(f"{c}:{s}-{e}"):
            fn(v)
            n += 1
    print(f"{name:22s} {(time.perf_counter() - t) * 1e6 / n:6.2f}")
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    import make_wgs_vcf as gen

    if not gen.WGS.exists():
        sys.exit(f"build the genome first: python benchmarks/make_wgs_vcf.py ../shared/data --no-plain ({gen.WGS})")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    print(f"# reading the knowledge panel's records of {gen.WGS.name}; medians of {args.runs} runs (s)")
    print("binding   records  import  open    read   import+open+read")
    for which in ("cyvcf2", "pysam"):
        runs = []
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, "-c", _READ, str(gen.WGS), which], capture_output=True, text=True,
                                 env=env, check=True).stdout.split()
            runs.append((int(out[0]), *map(float, out[1:])))
        n = runs[0][0]
        imp, opn, rd = (statistics.median(r[i] for r in runs) for i in (1, 2, 3))
        print(f"{which:9s} {n:7d}  {imp:6.3f}  {opn:6.3f}  {rd:6.3f}  {imp + opn + rd:6.3f}")
    print("\n# cyvcf2, microseconds a record (iteration alone, then the iteration with one accessor)")
    lines = subprocess.run([sys.executable, "-c", _ACCESSORS, str(gen.WGS)], capture_output=True, text=True, env=env,
                           check=True).stdout.splitlines()
    for line in lines[len(lines) // 2:]:
        print(line)


if __name__ == "__main__":
    main()
