#!/usr/bin/env bash
# Run every test: main environment (with a throw-away PostgreSQL server and Debian's chromium) and
# the Hail tests in their own environment. pytest's exit code 5 ("no tests collected") is a failure,
# as is any missing piece: nothing is skipped silently.
set -uo pipefail
cd "$(dirname "$0")/.."
export CHARCOT_REQUIRE_ALL_TESTS=1   # conftest turns a would-be skip into a failure
status=0
pg_env=$(scripts/postgres-for-tests.sh start) || { echo "error: could not start PostgreSQL for the tests" >&2; exit 1; }
eval "$pg_env"
trap 'scripts/postgres-for-tests.sh stop >/dev/null 2>&1 || true' EXIT

.venv/bin/python -m pytest -n 2 -m "not hail" tests
rc=$?; [ $rc -eq 0 ] || { echo "pytest (main environment) failed with exit code $rc" >&2; status=1; }

if [ ! -x .venv-hail/bin/python ]; then
  echo "error: .venv-hail is missing (make hail-venv builds it); the Hail tests cannot run" >&2
  status=1
else
  .venv-hail/bin/python -m pytest -m hail tests/population
  rc=$?; [ $rc -eq 0 ] || { echo "pytest (Hail environment) failed with exit code $rc" >&2; status=1; }
fi
exit $status
