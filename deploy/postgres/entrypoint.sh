#!/bin/sh
# Make the cluster on first start: the superuser "postgres" logs in only through the socket
# inside the container (peer); the role "openimi" (POSTGRES_PASSWORD, no superuser) owns the
# database "openimi" and logs in over the network with its password. Then run PostgreSQL.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
    initdb --username=postgres --auth-local=peer --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    echo "host openimi openimi 0.0.0.0/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
    echo "host openimi openimi ::/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
    password="$(printf '%s' "$POSTGRES_PASSWORD" | sed "s/'/''/g")"
    postgres --single -D "$PGDATA" postgres >/dev/null <<SQL
CREATE ROLE openimi LOGIN PASSWORD '$password';
CREATE DATABASE openimi OWNER openimi;
SQL
fi
exec postgres -D "$PGDATA" -c listen_addresses='*'
