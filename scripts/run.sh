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
trap 'kill $SUPERVISOR 2>/dev/null; wait $SUPERVISOR 2>/dev/null || true' EXIT INT TERM
echo "openimi runs on http://$OPENIMI_ADDRESS/; Ctrl-C stops it and its worker."
$OPENIMI runserver "$OPENIMI_ADDRESS" --noreload
