"""Cohort burden: local (cyvcf2 streaming, 2 processes) vs Hail (local[2] Spark, or --hail-master) as the cohort grows.

    .venv/bin/python benchmarks/bench_cohort.py --sizes 1000,10000,100000 [--no-hail] [--hail-sizes 1000,10000]
        [--hail-python .venv-hail/bin/python] [--hail-master spark://127.0.0.1:PORT]
    # whole-exome site count with Hail on the loopback standalone cluster (scripts/spark-cluster.sh):
    eval "$(scripts/spark-cluster.sh start)"
    .venv/bin/python benchmarks/bench_cohort.py --sizes 100 --genes 2000 --sites-per-gene 100 --no-local \
        --no-hail-skat --hail-master "$CHARCOT_SPARK_MASTER"

Prints, per size and backend: wall seconds, CPU seconds (user + system, children included), peak RSS, the start-up part (Hail: JVM + Spark + Hail;
reported apart), reading + tests, and the time per sample and per site after start-up (at a whole-exome
site count the per-site figure is the one that scales; Hail's fixed start-up is the start-up column).

Generates cohorts with make_cohort_vcf.py (40 genes x 60 sites), times each backend in a fresh
process and reads its peak RSS with /usr/bin/time (the JVM included for Hail; the local figure is the
parent process only, its forked worker has its own similar peak).
Prints a Markdown table for docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUN = ("import json, sys; from charcot.population.api import run_burden; "
       "cfg = {'master': sys.argv[4]} if len(sys.argv) > 4 and sys.argv[4] else None; "
       "r = run_burden(sys.argv[1], sys.argv[2], covariates=['sex','PC1'], all_genes=True, backend=sys.argv[3], "
       "hail_config=cfg); "
       "print(json.dumps({'groups': len(r.groups), 'masks': len(r.masks), **r.timings}))")


def timed(python: str, vcf: Path, pheno: Path, backend: str, master: str = "",
          env: dict[str, str] | None = None) -> tuple[float, float, float, dict]:  # type: ignore[type-arg]
    # /usr/bin/time -f %M gives this child's own peak RSS in KB (the JVM included for Hail; for local the
    # parent only: its forked worker process reads the other half of the regions with a similar peak)
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", python, "-c", RUN, str(vcf), str(pheno), backend, master],
                          check=True, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    user, system, peak_kb = (float(x) for x in done.stderr.strip().splitlines()[-1].split())
    info = json.loads(done.stdout.strip().splitlines()[-1])
    # CPU seconds (user + system, the forked workers included): less sensitive than wall time to the
    # other processes of a shared machine
    return elapsed, user + system, peak_kb / 1024.0, info


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--hail-sizes", default=None, help="sizes also run with Hail (default: all of --sizes)")
    parser.add_argument("--no-hail", action="store_true")
    parser.add_argument("--no-local", action="store_true", help="run Hail only (e.g. a whole-exome site count)")
    parser.add_argument("--no-hail-skat", action="store_true",
                        help="skip Hail's hl.skat cross-check of the SKAT p-values (CHARCOT_HAIL_SKAT_CHECK=0)")
    parser.add_argument("--hail-python", default=str(HERE.parent / ".venv-hail" / "bin" / "python"))
    parser.add_argument("--hail-master", default="", help="Spark master for Hail (default local[2])")
    parser.add_argument("--genes", type=int, default=40)
    parser.add_argument("--sites-per-gene", type=int, default=60)
    parser.add_argument("--cohort-dir", default=None,
                        help="keep the generated cohorts here and reuse them on the next run (generation takes minutes "
                             "at 100,000 samples)")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from make_cohort_vcf import generate

    sizes = [int(x) for x in args.sizes.split(",")]
    hail_sizes = set(sizes if args.hail_sizes is None else [int(x) for x in args.hail_sizes.split(",") if x])
    sites = args.genes * args.sites_per_gene
    env = dict(os.environ, CHARCOT_HAIL_SKAT_CHECK="0") if args.no_hail_skat else None
    print("| backend | samples | sites | wall s | CPU s | start-up s | reading s | tests s | ms/sample after start-up "
          "| us/site after start-up | peak MB | gene x mask rows | load avg before/after |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(args.cohort_dir) if args.cohort_dir else Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            vcf = where / f"c{n}.vcf.gz"
            pheno = where / f"c{n}.pheno.tsv"
            if not (args.cohort_dir and vcf.exists() and pheno.exists()):
                vcf, pheno = generate(vcf, n, args.genes, args.sites_per_gene, ["GENE1", "GENE2"], 5.0, 7)
            runs = [] if args.no_local else [("local", sys.executable, "")]
            hail = Path(args.hail_python)
            if not args.no_hail and n in hail_sizes and hail.exists():
                runs.append(("hail", str(hail), args.hail_master))
            for backend, python, master in runs:
                load_before = os.getloadavg()[0]  # other processes on the machine (2 cores here)
                wall, cpu, peak, info = timed(python, vcf, pheno, backend, master, env)
                load_after = os.getloadavg()[0]
                work = info["collapse"] + info["tests"]
                print(f"| {backend} | {n} | {sites} | {wall:.1f} | {cpu:.1f} | {info['startup']:.1f} | {info['collapse']:.1f} | "
                      f"{info['tests']:.1f} | {work / n * 1000:.3f} | {work / sites * 1e6:.1f} | {peak:.0f} | {info['masks']} | "
                      f"{load_before:.1f}/{load_after:.1f} |", flush=True)
            if not args.cohort_dir:
                for path in Path(tmp).glob(f"c{n}.*"):
                    path.unlink()


if __name__ == "__main__":
    main()
