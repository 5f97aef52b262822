#!/usr/bin/env bash
# Install the system packages the tests need (Debian): gettext for translations, Chromium for
# the browser tests and Node.js with npm for the OpenID Connect provider that the single
# sign-on tests start (tests/oidc_provider; never needed to run openimi), nginx as the load
# balancer of the multi-process tests (tests/multiprocess; run in the foreground on a free
# port, never as a service), Redis for the shared-state tests (REDIS_URL; .ci/run starts it)
# and the PostgreSQL client tools (pg_dump, pg_restore, psql) that scripts/backup.sh and
# scripts/restore.sh use. Does nothing when they are already there.
set -eu
missing=()
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "Installing ${missing[*]} from Debian's packages ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
