#!/usr/bin/env bash
# Stops a quickstart service left running and removes its data dir.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=.keyplane/quickstart
if [ -f "$DATA/server.pid" ]; then
  kill -TERM "$(cat "$DATA/server.pid")" 2>/dev/null || true
  sleep 0.5
fi
rm -rf "$DATA"
echo "removed $DATA"
