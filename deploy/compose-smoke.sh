#!/usr/bin/env bash
# Start deploy/compose.yaml (PostgreSQL, Redis, web, worker from the images deploy/build.sh
# made) as a throw-away project with throw-away secrets, wait until the web container serves
# the login page, /health/ready/ says every check (Redis included) is ok and the worker has
# run its periodic jobs, then remove everything (containers, network, volumes). docs/operations.md, "Containers".
#
#   deploy/compose-smoke.sh          # needs podman and podman-compose (Debian packages)
set -euo pipefail
cd "$(dirname "$0")/.."
project="openimi-smoke-$$"
export POSTGRES_PASSWORD="$(openssl rand -hex 16)"  # goes into a URL: hex only
export SECRET_KEY="$(openssl rand -hex 32)"
export SECURITY_CODE_KEYS="smoke:$(openssl rand -base64 32)"
export CACHE_ENCRYPTION_KEYS="smoke:$(openssl rand -base64 32)"
export ALLOWED_HOSTS=127.0.0.1 SITE_URL=https://127.0.0.1
export WEB_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
compose=(podman-compose --file deploy/compose.yaml --project-name "$project")
page="$(mktemp)"

cleanup() {
    "${compose[@]}" down --volumes >/dev/null 2>&1 || true
    rm -f "$page"
}
trap cleanup EXIT
log="$(mktemp)"
"${compose[@]}" up --detach >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
rm -f "$log"

status=""
for _ in $(seq 1 100); do
    status="$(curl --silent --output "$page" --write-out '%{http_code}' \
        --header 'X-Forwarded-Proto: https' "http://127.0.0.1:$WEB_PORT/accounts/login/" || true)"
    [ "$status" = "200" ] && break
    sleep 3
done
if [ "$status" != "200" ] || ! grep -q 'id="id_username"' "$page"; then
    echo "The login page did not load (HTTP $status)." >&2
    podman logs "${project}_web_1" 2>&1 | tail -n 40 >&2 || true
    exit 1
fi
for _ in $(seq 1 60); do
    podman logs "${project}_worker_1" 2>&1 | grep -q "deadline_check_task state=SUCCESSFUL" && break
    sleep 2
done
podman logs "${project}_worker_1" 2>&1 | grep -q "deadline_check_task state=SUCCESSFUL" || {
    echo "The worker ran no job:" >&2
    podman logs "${project}_worker_1" 2>&1 | tail -n 40 >&2
    exit 1
}
# Ready: the database, the cache (Redis), the migrations, the outbox and the workers (a live
# heartbeat) all answer "ok".
ready=""
for _ in $(seq 1 60); do
    ready="$(curl --silent --header 'X-Forwarded-Proto: https' "http://127.0.0.1:$WEB_PORT/health/ready/" || true)"
    case "$ready" in *'"status": "ok"'*'"cache": "ok"'*'"workers": "ok"'*) break ;; esac
    sleep 2
done
case "$ready" in
    *'"status": "ok"'*'"cache": "ok"'*'"workers": "ok"'*) ;;
    *) echo "Not ready: $ready" >&2; exit 1 ;;
esac
echo "OK: compose project $project served the login page on 127.0.0.1:$WEB_PORT, is ready"
echo "    ($ready); its worker ran jobs."
