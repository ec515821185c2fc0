#!/usr/bin/env bash
# `make bench`: run every benchmark script (bench_*.py) in turn; each prints its numbers and the command
# that produced them. Prints the date, machine and load average before and after each script, so the
# figures in docs/PERFORMANCE.md can say where they come from. PYTHON=... picks the interpreter
# (default .venv/bin/python); extra arguments are passed to no script (each script's defaults are the
# documented run).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
model=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //')
echo "# make bench $(date -u '+%Y-%m-%d %H:%M UTC'); $(uname -m) ${model:-?}, $(nproc) CPUs; $($PY -V 2>&1)"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
for script in benchmarks/bench_*.py; do
  echo
  echo "== $script (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  start=$(date +%s)
  "$PY" "$script" || { echo "benchmark $script failed" >&2; status=1; }
  echo "== $script took $(( $(date +%s) - start )) s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
done
exit $status
