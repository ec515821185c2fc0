#!/usr/bin/env bash
# A Spark standalone cluster on loopback: one master and two workers (1 core each), from the pyspark
# distribution that Hail installs in .venv-hail (pyspark ships bin/spark-class). For tests and benchmarks
# of `charcot cohort burden --backend hail --hail-master spark://127.0.0.1:PORT`; nothing listens outside 127.0.0.1.
#
#   eval "$(scripts/spark-cluster.sh start)"   # prints: export CHARCOT_SPARK_MASTER=spark://127.0.0.1:PORT
#   scripts/spark-cluster.sh status
#   scripts/spark-cluster.sh stop               # stops exactly the processes this script started (pid files)
#
# Environment: HAIL_PYTHON (default: .venv-hail/bin/python of this checkout, built by `make hail-venv`),
# CHARCOT_SPARK_STATE (pid/log folder; default $TMPDIR/charcot-spark-$USER), SPARK_WORKER_MEMORY (default 1500m).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${HAIL_PYTHON:-$ROOT/.venv-hail/bin/python}"
[ -x "$PY" ] || { echo "error: $PY not found: run 'make hail-venv' or set HAIL_PYTHON" >&2; exit 2; }
STATE="${CHARCOT_SPARK_STATE:-${TMPDIR:-/tmp}/charcot-spark-${USER:-$(id -u)}}"
MEMORY="${SPARK_WORKER_MEMORY:-1500m}"

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {  # wait_port PORT SECONDS
  "$PY" - "$1" "$2" <<'PYEOF'
import socket, sys, time
port, deadline = int(sys.argv[1]), time.time() + float(sys.argv[2])
while time.time() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.5)
sys.exit(1)
PYEOF
}

case "${1:-}" in
  start)
    if [ -f "$STATE/master.pid" ] && kill -0 "$(cat "$STATE/master.pid")" 2>/dev/null; then
      echo "export CHARCOT_SPARK_MASTER=$(cat "$STATE/master.url")"; exit 0
    fi
    SPARK_HOME="$("$PY" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
    mkdir -p "$STATE"
    export SPARK_HOME SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$STATE" SPARK_NO_DAEMONIZE=1
    port="$(free_port)"
    nohup "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
      --webui-port "$(free_port)" >"$STATE/master.log" 2>&1 &
    echo $! >"$STATE/master.pid"
    echo "spark://127.0.0.1:$port" >"$STATE/master.url"
    if ! wait_port "$port" 90; then
      echo "error: the Spark master did not start (log: $STATE/master.log)" >&2; "$0" stop >/dev/null; exit 1
    fi
    for w in 1 2; do
      mkdir -p "$STATE/work$w"
      nohup "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 \
        --memory "$MEMORY" --webui-port "$(free_port)" --work-dir "$STATE/work$w" "spark://127.0.0.1:$port" \
        >"$STATE/worker$w.log" 2>&1 &
      echo $! >"$STATE/worker$w.pid"
    done
    for _ in $(seq 1 180); do  # both workers registered with the master
      [ "$(grep -c 'Registering worker' "$STATE/master.log" || true)" -ge 2 ] && break
      sleep 0.5
    done
    if [ "$(grep -c 'Registering worker' "$STATE/master.log" || true)" -lt 2 ]; then
      echo "error: the Spark workers did not register (logs: $STATE/worker*.log)" >&2; "$0" stop >/dev/null; exit 1
    fi
    echo "export CHARCOT_SPARK_MASTER=spark://127.0.0.1:$port"
    ;;
  stop)
    for name in worker1 worker2 master; do
      if [ -f "$STATE/$name.pid" ]; then
        pid="$(cat "$STATE/$name.pid")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$STATE/$name.pid"
      fi
    done
    rm -f "$STATE/master.url"
    ;;
  status)
    for name in master worker1 worker2; do
      if [ -f "$STATE/$name.pid" ] && kill -0 "$(cat "$STATE/$name.pid")" 2>/dev/null; then echo "$name running"; else echo "$name stopped"; fi
    done
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
