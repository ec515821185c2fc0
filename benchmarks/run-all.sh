#!/usr/bin/env bash
# Run every benchmark script (bench_*.py) in turn; each prints its numbers and the command that
# produced them. Results are summarised by hand in docs/PERFORMANCE.md.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for script in benchmarks/bench_*.py; do
  echo "== $script"
  .venv/bin/python "$script" || { echo "benchmark $script failed" >&2; status=1; }
done
exit $status
