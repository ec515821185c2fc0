"""Compare ``charcot interpret`` of two source trees byte for byte (issue 20: speed changes keep outputs identical).

Runs both trees' command line on every VCF/BCF under tests/data, on a bgzipped, tabix-indexed copy of each plain one
(and an indexed copy of each unindexed bgzip one), and on the benchmark genome, with a few option sets, and compares
exit code, stdout, stderr and the output file. Prints each difference and a count.

usage: python benchmarks/compare_interpret.py BEFORE_SRC AFTER_SRC [--quick] [--only SUBSTRING]
(BEFORE_SRC: e.g. the src folder of ``git archive main | tar -x -C /tmp/before``; --quick: no genome, no options)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GENOME = REPO / "benchmarks" / "scratch" / "wgs_gatk.vcf.gz"
OPTION_SETS = [[], ["-v", "--format", "text"], ["--sex", "male", "--min-gq", "20", "--format", "tsv"],
               ["--sex", "female", "--include-filtered"]]


def inputs(work: Path, only: str, genome: bool) -> tuple[list[Path], int]:
    files = sorted(p for p in (REPO / "tests" / "data").rglob("*")
                   if p.is_file() and p.name.endswith((".vcf", ".vcf.gz", ".bcf")) and only in str(p))
    out: list[Path] = []
    for i, p in enumerate(files):
        out.append(p)
        if p.name.endswith(".vcf"):
            gz = work / f"{i}_{p.name}.gz"
            with open(gz, "wb") as handle:
                subprocess.run(["bgzip", "-c", str(p)], stdout=handle, check=True)
            subprocess.run(["tabix", "-p", "vcf", str(gz)], capture_output=True)  # an unsorted file stays unindexed
            out.append(gz)
        elif p.name.endswith(".vcf.gz") and not any(Path(str(p) + s).exists() for s in (".tbi", ".csi")):
            gz = work / f"{i}_{p.name}"
            shutil.copy(p, gz)
            if subprocess.run(["tabix", "-p", "vcf", str(gz)], capture_output=True).returncode == 0:
                out.append(gz)
    if genome and GENOME.exists():
        out.append(GENOME)
    return out, len(files)


def run(src: str, vcf: Path, options: list[str], out: Path) -> tuple[int, bytes, bytes, bytes]:
    out.unlink(missing_ok=True)
    to_stdout = "--format" in options and options[options.index("--format") + 1] == "text"
    cmd = [sys.executable, "-m", "charcot.cli", "interpret", str(vcf), *options, *([] if to_stdout else ["-o", str(out)])]
    done = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": src}, capture_output=True, cwd=str(REPO))
    data = out.read_bytes() if out.exists() else b""
    name = str(out).encode()
    return done.returncode, done.stdout.replace(name, b"OUT"), done.stderr.replace(name, b"OUT"), data


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="compare-interpret-"))
    try:
        vcfs, n_files = inputs(work, args.only, genome=not args.quick)
        option_sets = OPTION_SETS[:1] if args.quick else OPTION_SETS
        runs = differ = 0
        codes: dict[int, int] = {}
        for vcf in vcfs:
            for options in option_sets:
                a = run(args.before, vcf, options, work / "before.out")
                b = run(args.after, vcf, options, work / "after.out")
                runs += 1
                codes[a[0]] = codes.get(a[0], 0) + 1
                if a != b:
                    differ += 1
                    print(f"DIFF {vcf} {options}: exit {a[0]}/{b[0]}, stdout same {a[1] == b[1]}, stderr same "
                          f"{a[2] == b[2]}, output same {a[3] == b[3]}")
        print(f"compared {runs} runs on {len(vcfs)} inputs ({n_files} files of tests/data), {differ} differ; "
              f"exit codes {dict(sorted(codes.items()))}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
