#!/usr/bin/env bash
# Stops a quickstart service left running (its pid file) and removes .keyplane/quickstart.
set -euo pipefail
cd "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA=.keyplane/quickstart
PIDFILE="$DATA/server.pid"

# Only a process that still is our `keyplane server start` is stopped: a stale pid file may name a pid that
# has since been reused by something else.
is_quickstart_server() {
  local args
  if [ -r "/proc/$1/cmdline" ]; then
    args=$(tr '\0' ' ' <"/proc/$1/cmdline")
  else
    args=$(ps -p "$1" -o args= 2>/dev/null || true)
  fi
  [[ "$args" == *"server start"*"$DATA"* ]]
}

if [ -f "$PIDFILE" ]; then
  pid=$(cat "$PIDFILE")
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && is_quickstart_server "$pid"; then
    echo "stopping the quickstart service (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "it did not stop within 10 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
fi
rm -rf "$DATA"
echo "removed $DATA"
