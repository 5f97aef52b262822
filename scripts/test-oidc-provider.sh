#!/usr/bin/env bash
# Install the OpenID Connect provider the single sign-on tests start (panva's oidc-provider,
# pinned in tests/oidc_provider/package-lock.json) with `npm ci`, once. Test-only: `make run`
# and the product never need Node.js.
set -eu
cd "$(dirname "$0")/../tests/oidc_provider"
if [ -f node_modules/oidc-provider/package.json ] \
    && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    exit 0
fi
echo "Installing the tests' OpenID Connect provider (npm ci in tests/oidc_provider) ..."
npm ci --no-audit --no-fund --loglevel=error
