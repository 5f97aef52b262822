#!/usr/bin/env bash
# Vendor GOV.UK Frontend and htmx into src/openimi/static/vendor/, reproducibly, from npm.
#
#   scripts/vendor_frontend.sh            # the pinned versions below
#   GOVUK_FRONTEND_VERSION=6.7.0 scripts/vendor_frontend.sh   # an upgrade: review the diff
#
# Needs only `npm` (for `npm pack`) and coreutils/sed/grep; there is no Node build.
#
# What it does to GOV.UK Frontend's prebuilt dist/govuk/govuk-frontend.min.css, and why:
#   1. `url(/assets/...)` becomes `url(assets/...)`: the CSS refers to its fonts and images at
#      the absolute path /assets/, which openimi does not serve. Relative to the CSS file they
#      resolve under /static/vendor/govuk-frontend/assets/, which whitenoise serves (and which
#      ManifestStaticFilesStorage can hash).
#   2. The @font-face rules for "GDS Transport" are removed and every
#      `font-family:GDS Transport,arial,sans-serif` becomes our system font stack: that
#      typeface is licensed for GOV.UK services only. The font files are not vendored.
#   3. The GOV.UK crest (only used by .govuk-footer__copyright-logo, which openimi does not
#      render) is replaced by `none`: the crest is reserved for the UK government. No image
#      from dist/govuk/assets/ is needed after that, so no assets/ folder is vendored.
#   4. The sourceMappingURL comments are removed (the .map files are not vendored, and
#      ManifestStaticFilesStorage fails on a reference to a missing file).
# The script then checks that no /assets/ path, no "GDS Transport" and no url() to a missing
# file is left. The JavaScript is vendored unchanged apart from its sourceMappingURL comment.
set -euo pipefail

GOVUK_FRONTEND_VERSION="${GOVUK_FRONTEND_VERSION:-6.6.0}"
HTMX_VERSION="${HTMX_VERSION:-2.0.11}"
# Every family here has Latin, Greek and Cyrillic glyphs (see site.css for which one each
# system takes).
FONT_STACK='system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,"Liberation Sans","DejaVu Sans",sans-serif'

case "$HTMX_VERSION" in
  2.0.*) ;;
  *) echo "htmx must stay on 2.0.x (the design names it; 4.x is a different major)" >&2; exit 1 ;;
esac
case "$GOVUK_FRONTEND_VERSION" in
  6.*) ;;
  *) echo "GOV.UK Frontend must stay on 6.x" >&2; exit 1 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/src/openimi/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "govuk-frontend@$GOVUK_FRONTEND_VERSION" "htmx.org@$HTMX_VERSION" >/dev/null
mkdir govuk htmx
tar -xzf "govuk-frontend-$GOVUK_FRONTEND_VERSION.tgz" -C govuk
tar -xzf "htmx.org-$HTMX_VERSION.tgz" -C htmx

# --- GOV.UK Frontend --------------------------------------------------------------------------
SRC="$WORK/govuk/package"
grep -q '"license": "MIT"' "$SRC/package.json" || { echo "govuk-frontend is no longer MIT?" >&2; exit 1; }
DEST="$VENDOR/govuk-frontend"
rm -rf "$DEST"
mkdir -p "$DEST"

sed -E \
  -e 's#url\(/assets/#url(assets/#g' \
  -e 's#@font-face\{font-family:"?GDS Transport"?;[^}]*\}##g' \
  -e "s#font-family:\"?GDS Transport\"?,arial,sans-serif#font-family:${FONT_STACK}#g" \
  -e 's#url\(assets/images/govuk-crest\.svg\)#none#g' \
  -e 's#/\*\# sourceMappingURL=[^*]*\*/##g' \
  "$SRC/dist/govuk/govuk-frontend.min.css" >"$DEST/govuk-frontend.min.css"

sed -E -e 's#//\# sourceMappingURL=.*$##' \
  "$SRC/dist/govuk/govuk-frontend.min.js" >"$DEST/govuk-frontend.min.js"

if grep -q '/assets/' "$DEST/govuk-frontend.min.css"; then
  echo "an absolute /assets/ path is left in the CSS" >&2; exit 1
fi
if grep -qi 'GDS Transport' "$DEST/govuk-frontend.min.css"; then
  echo "GDS Transport is still referenced in the CSS" >&2; exit 1
fi
refs="$(grep -oE 'url\([^)]*\)' "$DEST/govuk-frontend.min.css" | sed -E 's/^url\(["'"'"']?//; s/["'"'"']?\)$//' | grep -v '^data:' || true)"
for ref in $refs; do
  [ -f "$DEST/$ref" ] || { echo "the CSS refers to $ref, which is not vendored" >&2; exit 1; }
done

# The npm package does not carry the licence file; its package.json says MIT. This is the
# text of LICENSE.txt in github.com/alphagov/govuk-frontend.
cat >"$DEST/LICENSE" <<'EOF'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF

cat >"$DEST/VERSION" <<EOF
govuk-frontend $GOVUK_FRONTEND_VERSION (npm pack govuk-frontend@$GOVUK_FRONTEND_VERSION, dist/govuk/)
Vendored by scripts/vendor_frontend.sh, which changes the CSS: /assets/ paths made relative,
GDS Transport font replaced by the system font stack, crest removed, source map comments removed.
EOF

# --- htmx ---------------------------------------------------------------------------------------
SRC="$WORK/htmx/package"
DEST="$VENDOR/htmx"
rm -rf "$DEST"
mkdir -p "$DEST"
cp "$SRC/dist/htmx.min.js" "$DEST/htmx.min.js"
cp "$SRC/LICENSE" "$DEST/LICENSE"
echo "htmx.org $HTMX_VERSION (npm pack htmx.org@$HTMX_VERSION, dist/htmx.min.js, unchanged)" >"$DEST/VERSION"

echo "Vendored govuk-frontend $GOVUK_FRONTEND_VERSION and htmx $HTMX_VERSION into $VENDOR"
