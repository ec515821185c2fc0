#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the test suite, from Debian's postgresql package.
#   scripts/postgres-for-tests.sh start   -> initdb + start; prints `export CHARCOT_TEST_POSTGRES_URL=...`
#   scripts/postgres-for-tests.sh stop    -> stop the server and remove its directory
# The cluster lives in a temp dir owned by the postgres user (the server refuses to run as root),
# listens on 127.0.0.1 and a unix socket in that dir, on a free port, with trust auth for local use only.
# State (directory, port) is kept in $CHARCOT_PG_STATE (default: a file in /tmp keyed by uid and checkout).
set -euo pipefail
# Keyed by checkout, so two clones running `make test` at once do not stop each other's server.
REPO_KEY=$(cd "$(dirname "$0")/.." && pwd | cksum | cut -d' ' -f1)
STATE=${CHARCOT_PG_STATE:-${TMPDIR:-/tmp}/charcot-postgres-for-tests.$(id -u).$REPO_KEY.state}

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] || { echo "error: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
  echo "$d"
}

as_pg() {  # run a command as the postgres user when we are root, else as ourselves
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local bin dir port
  if [ -f "$STATE" ]; then stop >/dev/null 2>&1 || true; fi
  bin=$(bindir)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/charcot-pg.XXXXXX")
  chmod 755 "$dir"
  if [ "$(id -u)" = "0" ]; then chown postgres:postgres "$dir"; fi
  port=$(free_port)
  printf 'dir=%s\nport=%s\nbin=%s\n' "$dir" "$port" "$bin" > "$STATE"
  as_pg "$bin/initdb" -D "$dir/data" -U charcot --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U charcot charcot_test
  echo "export CHARCOT_TEST_POSTGRES_URL=postgresql+psycopg2://charcot@127.0.0.1:$port/charcot_test"
}

stop() {
  [ -f "$STATE" ] || { echo "no test PostgreSQL running (no $STATE)"; return 0; }
  # shellcheck disable=SC1090
  . "$STATE"
  as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  case "$dir" in
    "${TMPDIR:-/tmp}"/charcot-pg.*) rm -rf "$dir" ;;
    *) echo "refusing to remove unexpected directory $dir" >&2 ;;
  esac
  rm -f "$STATE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
