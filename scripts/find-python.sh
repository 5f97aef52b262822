#!/usr/bin/env bash
# Print a Python interpreter of version 3.12 or newer, or explain and fail.
set -u
ok() { "$@" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for candidate in python3.13 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && ok "$candidate"; then
        command -v "$candidate"; exit 0
    fi
done
# pyenv keeps several versions; pick the newest 3.12+ it has.
if command -v pyenv >/dev/null 2>&1; then
    for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])' | sort -V -r); do
        path="$(pyenv root)/versions/$version/bin/python"
        if [ -x "$path" ] && ok "$path"; then echo "$path"; exit 0; fi
    done
fi
echo "openimi needs Python 3.12 or newer: install python3.12 (or 3.13) and run again." >&2
exit 1
