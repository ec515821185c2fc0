"""Cohort burden: local (cyvcf2 streaming, 2 processes) vs Hail (local[2] Spark) as the cohort grows.

    .venv/bin/python benchmarks/bench_cohort.py --sizes 1000,5000,10000 [--hail-python .venv-hail/bin/python]

Generates cohorts with make_cohort_vcf.py (40 genes x 60 sites), times each backend in a fresh
process and reads its peak RSS with /usr/bin/time (the JVM included for Hail; the local figure is the
parent process only, its forked worker has its own similar peak).
Prints a Markdown table for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUN = ("import sys; from charcot.population.api import run_burden; "
       "r = run_burden(sys.argv[1], sys.argv[2], covariates=['sex','PC1'], all_genes=True, backend=sys.argv[3]); "
       "print(len(r.groups))")


def timed(python: str, vcf: Path, pheno: Path, backend: str) -> tuple[float, float]:
    # /usr/bin/time -f %M gives this child's own peak RSS in KB (the JVM included for Hail)
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", python, "-c", RUN, str(vcf), str(pheno), backend],
                          check=True, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    peak_kb = float(done.stderr.strip().splitlines()[-1])
    return elapsed, peak_kb / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--hail-python", default=str(HERE.parent / ".venv-hail" / "bin" / "python"))
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from make_cohort_vcf import generate

    print("| samples | sites | local s | local peak MB | hail s | hail peak MB |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            vcf, pheno = generate(Path(tmp) / f"c{n}.vcf.gz", n, 40, 60, ["GENE1", "GENE2"], 5.0, 7)
            lt, lm = timed(sys.executable, vcf, pheno, "local")
            hail = Path(args.hail_python)
            ht, hm = timed(str(hail), vcf, pheno, "hail") if hail.exists() else (float("nan"), float("nan"))
            print(f"| {n} | 2400 | {lt:.1f} | {lm:.0f} | {ht:.1f} | {hm:.0f} |", flush=True)


if __name__ == "__main__":
    main()
