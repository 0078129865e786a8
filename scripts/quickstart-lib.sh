# Shared by quickstart.sh and quickstart-clean.sh (sourced, from the repository root): where the quickstart
# keeps its data, and how to recognise and stop the service it started.
#
# KEYPLANE_QUICKSTART_DIR moves the data dir (relative to the repository root, or absolute); the tests use
# it so that `npm test` never touches a quickstart of yours in the default .keyplane/quickstart.
REL_DATA="${KEYPLANE_QUICKSTART_DIR:-.keyplane/quickstart}"
case "$REL_DATA" in
  /*) DATA="$REL_DATA" ;;
  *) DATA="$PWD/$REL_DATA" ;;
esac
PIDFILE="$DATA/server.pid"

# Only a process that still is our `keyplane server start` on this data dir counts: a stale pid file may
# name a pid that has since been reused by something else.
is_quickstart_server() {
  local args
  if [ -r "/proc/$1/cmdline" ]; then
    args=$(tr '\0' ' ' <"/proc/$1/cmdline")
  else
    args=$(ps -p "$1" -o args= 2>/dev/null || true)
  fi
  [[ "$args" == *"server start --data $REL_DATA "* ]]
}

# The pid of the quickstart service when it is running, else nothing.
quickstart_server_pid() {
  local pid
  [ -f "$PIDFILE" ] || return 0
  pid=$(cat "$PIDFILE")
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && is_quickstart_server "$pid"; then echo "$pid"; fi
}

# Stops the quickstart service, if one runs: SIGTERM (it drains and closes the database), SIGKILL after 10 s.
stop_quickstart_server() {
  local pid
  pid=$(quickstart_server_pid)
  [ -n "$pid" ] || return 0
  echo "stopping the quickstart service (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "it did not stop within 10 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
}
