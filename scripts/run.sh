#!/usr/bin/env bash
# Start the web server and a task worker together; Ctrl-C stops both.
set -eu
cd "$(dirname "$0")/.."
OPENIMI=.venv/bin/openimi
ADDRESS="${OPENIMI_ADDRESS:-127.0.0.1:8000}"
$OPENIMI worker &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
echo "openimi runs on http://$ADDRESS/ (worker pid $WORKER); Ctrl-C stops both."
$OPENIMI runserver "$ADDRESS" --noreload
