#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and an empty (or absent)
# MEDIA_ROOT, bring the schema up to this release, then run the retention job at once, before
# any web or worker process starts: what the backup brought back that is past its date since
# the backup was taken is deleted again. docs/operations.md, "Backup and restore".
#
#   DATABASE_URL=postgres://… [MEDIA_ROOT=/srv/openimi/media] scripts/restore.sh BACKUP_DIR
#
# The keys (SECRET_KEY, SECURITY_CODE_KEYS, …) are not in the backup: set them in the
# environment as for the web and worker processes; without the same SECURITY_CODE_KEYS no
# security code decrypts and nobody can log in.
set -euo pipefail

usage() { echo "usage: DATABASE_URL=postgres://… scripts/restore.sh BACKUP_DIR" >&2; exit 2; }
[ $# -eq 1 ] || usage
backup="$1"
for part in database.dump media.tar BACKUP_INFO; do
    [ -f "$backup/$part" ] || { echo "$backup is not a backup: $part is missing." >&2; exit 2; }
done

here="$(cd "$(dirname "$0")/.." && pwd)"
openimi="${OPENIMI:-}"
if [ -z "$openimi" ]; then
    if [ -x "$here/.venv/bin/openimi" ]; then openimi="$here/.venv/bin/openimi"; else openimi=openimi; fi
fi

case "${DATABASE_URL:-}" in
    postgres://* | postgresql://*) ;;
    *) echo "DATABASE_URL must name a PostgreSQL database (postgres://…)." >&2; exit 2 ;;
esac

# A backup older than its window should have been deleted: it is not restored by mistake.
keep_days="$(sed -n 's/^keep_days=//p' "$backup/BACKUP_INFO")"
created="$(sed -n 's/^created_epoch=//p' "$backup/BACKUP_INFO")"
age_days=$((($(date -u +%s) - created) / 86400))
if [ "$age_days" -gt "${keep_days:-35}" ] && [ "${RESTORE_EXPIRED_BACKUP:-}" != "yes" ]; then
    echo "This backup is $age_days days old, beyond its $keep_days days: it should no longer" >&2
    echo "exist. Set RESTORE_EXPIRED_BACKUP=yes to restore it all the same." >&2
    exit 1
fi

tables="$(psql --no-psqlrc --tuples-only --no-align --dbname="$DATABASE_URL" \
    --command="SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ]; then
    echo "The database in DATABASE_URL is not empty ($tables tables): restore into a new one." >&2
    exit 1
fi

media_root="${MEDIA_ROOT:-$("$openimi" shell --no-imports -v 0 -c \
    'from django.conf import settings; print(settings.STORAGES["default"]["OPTIONS"]["location"])')}"
if [ -d "$media_root" ] && [ -n "$(ls -A "$media_root")" ]; then
    echo "MEDIA_ROOT ($media_root) is not empty: restore into an empty folder." >&2
    exit 1
fi

echo "Restoring the database ..."
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname="$DATABASE_URL" "$backup/database.dump"
echo "Restoring the files into $media_root ..."
mkdir -p "$media_root"
tar --extract --file="$backup/media.tar" --directory="$media_root"

echo "Bringing the schema up to this release ..."
"$openimi" migrate --no-input --verbosity 0
echo "Running the retention job (what is past its date since the backup goes again) ..."
"$openimi" retention_run
echo "Restored. Start the web and worker processes now."
