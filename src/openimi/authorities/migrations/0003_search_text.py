"""The directory's word search ignores accents and case (issue 18): each authority and each
translation keeps its searched texts folded (``openimi.common.text.fold``) in ``search_text``,
which ``save()`` refreshes. This fills it for the rows that exist, and on PostgreSQL replaces
the two trigram indexes over ``upper(…)`` expressions of migration 0002 by trigram indexes
over the folded column, which the search now compares with the folded word."""

from django.db import migrations, models

from openimi.common.text import fold

BATCH = 2000

FORWARD = [
    "DROP INDEX IF EXISTS authority_translation_search_trgm",
    "DROP INDEX IF EXISTS authority_search_trgm",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS authority_search_text_trgm ON authorities_authority "
    "USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS authority_translation_search_text_trgm "
    "ON authorities_authoritytranslation USING gin (search_text gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS authority_translation_search_text_trgm",
    "DROP INDEX IF EXISTS authority_search_text_trgm",
    "CREATE INDEX IF NOT EXISTS authority_search_trgm ON authorities_authority USING gin "
    "((upper(official_name || ' ' || informal_title || ' ' || description)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS authority_translation_search_trgm "
    "ON authorities_authoritytranslation USING gin "
    "((upper(informal_title || ' ' || description)) gin_trgm_ops)",
]


def _fill(model, fields):
    last = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last).order_by("pk").only("pk", *fields)[:BATCH])
        if not rows:
            return
        for row in rows:
            row.search_text = fold(" ".join(getattr(row, name) for name in fields if getattr(row, name)))
        model.objects.bulk_update(rows, ["search_text"])
        last = rows[-1].pk


def forward(apps, schema_editor):
    _fill(apps.get_model("authorities", "Authority"), ("official_name", "informal_title", "description"))
    _fill(apps.get_model("authorities", "AuthorityTranslation"), ("informal_title", "description"))
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("authorities", "0002_search_trigram_indexes")]

    operations = [
        migrations.AddField(
            model_name="authority",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="authoritytranslation",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
