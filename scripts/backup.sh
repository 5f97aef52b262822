#!/usr/bin/env bash
# Back up openimi: the PostgreSQL database (pg_dump, custom format) and the uploaded files
# (MEDIA_ROOT), into a new folder under DEST; then delete the backups in DEST older than
# BACKUP_KEEP_DAYS (default 35), so that no backup outlives the retention period by more
# than that. docs/operations.md, "Backup and restore".
#
#   DATABASE_URL=postgres://… [MEDIA_ROOT=/srv/openimi/media] scripts/backup.sh DEST
#
# Never in the backup: the keys (SECRET_KEY, SECURITY_CODE_KEYS, CACHE_ENCRYPTION_KEYS). Keep
# them in the secret store the processes read their environment from, not beside the data.
set -euo pipefail

usage() { echo "usage: DATABASE_URL=postgres://… scripts/backup.sh DEST" >&2; exit 2; }
[ $# -eq 1 ] || usage
dest="$1"
keep_days="${BACKUP_KEEP_DAYS:-35}"
[[ "$keep_days" =~ ^[0-9]+$ ]] || { echo "BACKUP_KEEP_DAYS must be a number of days." >&2; exit 2; }

here="$(cd "$(dirname "$0")/.." && pwd)"
openimi="${OPENIMI:-}"
if [ -z "$openimi" ]; then
    if [ -x "$here/.venv/bin/openimi" ]; then openimi="$here/.venv/bin/openimi"; else openimi=openimi; fi
fi

case "${DATABASE_URL:-}" in
    postgres://* | postgresql://*) ;;
    *)
        echo "DATABASE_URL must name a PostgreSQL database (postgres://…). The embedded SQLite" >&2
        echo "database is backed up by copying var/ while openimi is stopped." >&2
        exit 2
        ;;
esac

# Where the uploaded files are: MEDIA_ROOT, or what the settings say.
media_root="${MEDIA_ROOT:-$("$openimi" shell --no-imports -v 0 -c \
    'from django.conf import settings; print(settings.STORAGES["default"]["OPTIONS"]["location"])')}"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dest"
target="$dest/openimi-$stamp"
partial="$target.partial"
rm -rf "$partial"
mkdir -m 700 "$partial"
trap 'rm -rf "$partial"' EXIT

# One consistent snapshot of the database (pg_dump reads in one transaction).
pg_dump --format=custom --no-owner --no-privileges --file="$partial/database.dump" "$DATABASE_URL"
# The files. A file deleted by the retention job while tar runs is left out, as it should be.
if [ -d "$media_root" ]; then
    tar --create --file="$partial/media.tar" --directory="$media_root" \
        --warning=no-file-changed --warning=no-file-removed . || [ $? -eq 1 ]
else
    tar --create --file="$partial/media.tar" --files-from=/dev/null
fi
{
    echo "created=$stamp"
    echo "created_epoch=$(date -u +%s)"
    echo "keep_days=$keep_days"
} >"$partial/BACKUP_INFO"
mv "$partial" "$target"
trap - EXIT
echo "Backup written to $target"

# Backups older than the window go: they hold personal data the retention job has deleted.
now="$(date -u +%s)"
for info in "$dest"/openimi-*/BACKUP_INFO; do
    [ -e "$info" ] || continue
    created="$(sed -n 's/^created_epoch=//p' "$info")"
    if [ -n "$created" ] && [ $((now - created)) -gt $((keep_days * 86400)) ]; then
        old="$(dirname "$info")"
        rm -rf "$old"
        echo "Deleted backup $old (older than $keep_days days)"
    fi
done
