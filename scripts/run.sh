#!/usr/bin/env bash
# Start the web server and a task worker together; Ctrl-C stops both.
# OPENIMI_ADDRESS (host:port, default 127.0.0.1:8000) is where the site runs; settings.py
# makes it the address in e-mails and printed sheets too, unless SITE_URL says otherwise.
# A worker that exits (whatever the reason) is started again after RESTART_PAUSE seconds,
# so e-mails, reminders and deletions never stop silently while the site runs on.
set -eu
cd "$(dirname "$0")/.."
OPENIMI=.venv/bin/openimi
export OPENIMI_ADDRESS="${OPENIMI_ADDRESS:-127.0.0.1:8000}"
RESTART_PAUSE="${OPENIMI_WORKER_RESTART_SECONDS:-5}"

supervise_worker() {
  local worker=""
  trap '[ -n "$worker" ] && kill "$worker" 2>/dev/null; wait; exit 0' INT TERM
  while true; do
    $OPENIMI worker &
    worker=$!
    echo "openimi worker started (pid $worker)."
    status=0
    wait "$worker" || status=$?
    echo "openimi worker (pid $worker) exited with status $status; starting it again in ${RESTART_PAUSE} s." >&2
    sleep "$RESTART_PAUSE" &
    wait $! || true
  done
}

supervise_worker &
SUPERVISOR=$!
# The server runs in the background and the script waits for it, so that Ctrl-C or a TERM
# sent to this script alone stops the server, the supervisor and its worker at once.
$OPENIMI runserver "$OPENIMI_ADDRESS" --noreload &
SERVER=$!
stop() {
  trap - EXIT INT TERM
  kill "$SERVER" "$SUPERVISOR" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
trap stop EXIT
echo "openimi runs on http://$OPENIMI_ADDRESS/; Ctrl-C stops it and its worker."
status=0
wait "$SERVER" || status=$?
exit "$status"
