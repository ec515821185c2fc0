#!/usr/bin/env bash
# Run every test: main environment (with a throw-away PostgreSQL server and Debian's chromium) and
# the Hail tests in their own environment. pytest's exit code 5 ("no tests collected") is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export CHARCOT_REQUIRE_ALL_TESTS=1   # conftest turns a would-be skip of browser/postgres tests into a failure
status=0
pg_env=""
if [ -x scripts/postgres-for-tests.sh ]; then
  pg_env=$(scripts/postgres-for-tests.sh start) || { echo "error: could not start PostgreSQL for tests" >&2; exit 1; }
  eval "$pg_env"
  trap 'scripts/postgres-for-tests.sh stop >/dev/null 2>&1 || true' EXIT
fi
.venv/bin/python -m pytest -n 2 -m "not hail" tests
rc=$?; [ $rc -eq 0 ] || { echo "pytest (main environment) failed with exit code $rc" >&2; status=1; }
if [ -x .venv-hail/bin/python ]; then
  .venv-hail/bin/python -m pytest -m hail tests/population
  rc=$?; [ $rc -eq 0 ] || { echo "pytest (Hail environment) failed with exit code $rc" >&2; status=1; }
fi
exit $status
