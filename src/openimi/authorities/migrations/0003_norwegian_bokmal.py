"""Norwegian is Bokmål ("nb") everywhere: the code of the interface language, of the reference
data's translations and of Norway's official language, which was "no" (the macrolanguage).
Authorities, their translations, Norway and the languages stored with free texts move over;
the "no" row goes."""

from django.db import migrations

OLD, NEW = "no", "nb"


def forwards(apps, schema_editor):
    Language = apps.get_model("authorities", "Language")
    old = Language.objects.filter(code=OLD).first()
    if old is None:
        return
    Language.objects.get_or_create(
        code=NEW,
        defaults={
            "names": old.names,
            "native_name": "norsk bokmål",
            "is_eu_official": old.is_eu_official,
        },
    )
    apps.get_model("authorities", "Authority").objects.filter(language_id=OLD).update(
        language_id=NEW
    )
    translations = apps.get_model("authorities", "AuthorityTranslation").objects
    has_new = translations.filter(language_id=NEW).values("authority_id")
    translations.filter(language_id=OLD, authority_id__in=has_new).delete()
    translations.filter(language_id=OLD).update(language_id=NEW)
    links = apps.get_model("authorities", "Country").languages.through.objects
    linked_new = links.filter(language_id=NEW).values("country_id")
    links.filter(language_id=OLD, country_id__in=linked_new).delete()
    links.filter(language_id=OLD).update(language_id=NEW)
    for model, field in (
        ("InformationRequest", "justification_language"),
        ("Answer", "free_text_language"),
        ("RequestMessage", "language"),
        ("MediationMessage", "language"),
    ):
        apps.get_model("exchange", model).objects.filter(**{field: OLD}).update(**{field: NEW})
    old.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("authorities", "0002_search_trigram_indexes"),
        ("exchange", "0004_event_records_via_web_or_api_token"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
