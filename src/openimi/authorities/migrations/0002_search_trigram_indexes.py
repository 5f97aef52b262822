"""Trigram indexes for the directory's word search (PostgreSQL only).

``authorities.selectors.authority_search`` matches each word anywhere in the official name,
informal title and description, or in a translation of the last two: a ``LIKE '%word%'``
that no B-tree can serve. On PostgreSQL the search compares against the two expressions
indexed here (GIN, ``pg_trgm``), so it reads the matching rows instead of every authority.
SQLite has no such index and keeps the plain ``icontains`` search: nothing happens there.
"""

from django.db import migrations

AUTHORITY_DOCUMENT = "upper(official_name || ' ' || informal_title || ' ' || description)"
TRANSLATION_DOCUMENT = "upper(informal_title || ' ' || description)"

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS authority_search_trgm ON authorities_authority "
    f"USING gin (({AUTHORITY_DOCUMENT}) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS authority_translation_search_trgm "
    f"ON authorities_authoritytranslation USING gin (({TRANSLATION_DOCUMENT}) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS authority_translation_search_trgm",
    "DROP INDEX IF EXISTS authority_search_trgm",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("authorities", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
