#!/usr/bin/env bash
# Run the image built by deploy/build.sh against a PostgreSQL server on this machine and load
# the login page (docs/operations.md, "Containers"): a new database, `openimi migrate` and
# `openimi load_reference` in a container, gunicorn in another one, then the login page
# through it as a TLS-terminating proxy would ask for it. Everything is removed at the end.
#
#   deploy/smoke.sh [TAG]     # PG_URL (default postgres://root@127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -n 1)"
tag="${1:-localhost/openimi:$version}"
server="${PG_URL:-postgres://root@127.0.0.1:5432}"
database="openimi_container_smoke_$$"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
name="openimi-smoke-$$"

cleanup() {
    podman rm --force --time 5 "$name" >/dev/null 2>&1 || true
    psql --no-psqlrc --quiet "$server/postgres" -c "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)"
}
trap cleanup EXIT
psql --no-psqlrc --quiet "$server/postgres" -c "CREATE DATABASE \"$database\""

# The README's production settings; throw-away keys made now.
run=(podman run --network host
    --env DATABASE_URL="$server/$database"
    --env SECRET_KEY="$(openssl rand -hex 32)"
    --env SECURITY_CODE_KEYS="smoke:$(openssl rand -base64 32)"
    --env ALLOWED_HOSTS=127.0.0.1
    --env BEHIND_TLS_PROXY=1
    --env SMTP_HOST=127.0.0.1
    --env WORKER_REQUIRED=0)  # no worker here (deploy/compose-smoke.sh runs one)
"${run[@]}" --rm "$tag" openimi migrate --no-input --verbosity 0
"${run[@]}" --rm "$tag" openimi load_reference --verbosity 0
"${run[@]}" --rm "$tag" openimi check --deploy --fail-level ERROR
"${run[@]}" --detach --name "$name" "$tag" \
    gunicorn -c python:openimi.observability.gunicorn openimi.wsgi --bind "127.0.0.1:$port" --workers 2 >/dev/null

for _ in $(seq 1 60); do
    status="$(curl --silent --output /tmp/openimi-smoke-$$.html --write-out '%{http_code}' \
        --header 'X-Forwarded-Proto: https' "http://127.0.0.1:$port/accounts/login/" || true)"
    [ "$status" = "200" ] && break
    sleep 1
done
if [ "$status" != "200" ] || ! grep -q 'id="id_username"' "/tmp/openimi-smoke-$$.html"; then
    echo "The login page did not load (HTTP $status):" >&2
    podman logs "$name" >&2 || true
    exit 1
fi
# A static file, served by whitenoise from the image (hashed name from the manifest).
css="$(grep -o '/static/[^"]*\.css' "/tmp/openimi-smoke-$$.html" | head -n 1)"
css_status="$(curl --silent --output /dev/null --write-out '%{http_code}' \
    --header 'X-Forwarded-Proto: https' "http://127.0.0.1:$port$css")"
rm -f "/tmp/openimi-smoke-$$.html"
[ "$css_status" = "200" ] || { echo "Static file $css: HTTP $css_status" >&2; exit 1; }
ready="$(curl --silent --header 'X-Forwarded-Proto: https' "http://127.0.0.1:$port/health/ready/")"
case "$ready" in
    *'"status": "ok"'*) ;;
    *) echo "Not ready: $ready" >&2; exit 1 ;;
esac
echo "OK: $tag served the login page, $css and /health/ready/ ($ready)"
echo "    on 127.0.0.1:$port against $server/$database"
