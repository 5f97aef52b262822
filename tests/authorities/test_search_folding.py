"""Search across languages (issue 18): accents and case do not matter in the directory's word
search, on PostgreSQL (trigram-indexed ``search_text``) and on SQLite alike. Run this file with
``DATABASE_URL=sqlite:///…`` too."""

from __future__ import annotations

import pytest
from django.db import connection

from openimi.authorities.models import Authority, AuthorityTranslation
from openimi.authorities.selectors import AuthoritySearch, authority_search
from openimi.common.text import fold
from tests.factories import AuthorityFactory, CountryFactory, LanguageFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Köln", "koln"),
        ("KÖLN", "köln"),
        ("Łódź", "lodz"),
        ("Ελλάδα", "ΕΛΛΑΔΑ"),
        ("Ελλάδα", "ελλαδα"),
        ("Οδυσσέας", "ΟΔΥΣΣΕΑΣ"),  # final sigma
        ("Straße", "STRASSE"),
        ("Færøerne", "faeroerne"),
        ("Ålborg", "alborg"),
        ("Reykjavík Þjóðskrá", "reykjavik thjodskra"),
        ("Đakovo", "dakovo"),
        ("Ħal Qormi", "hal qormi"),
        ("Cluj-Napoca, județul", "cluj-napoca, judetul"),
        ("Málaga", "MALAGA"),
    ],
)
def test_fold_makes_one_word_of_each_spelling(one, other):
    assert fold(one) == fold(other)


def test_fold_keeps_letters_that_are_different_words_apart():
    assert fold("Köln") != fold("Kiln")
    assert fold("Ελλάδα") != fold("Ελλαδι")


@pytest.fixture
def directory(db):
    LanguageFactory(code="de", names={"en": "German"}, native_name="Deutsch")
    LanguageFactory(code="pl", names={"en": "Polish"}, native_name="polski")
    LanguageFactory(code="el", names={"en": "Greek"}, native_name="ελληνικά")
    LanguageFactory(code="en", names={"en": "English"}, native_name="English")
    de = CountryFactory(code="DE", names={"en": "Germany"})
    pl = CountryFactory(code="PL", names={"en": "Poland"})
    gr = CountryFactory(code="GR", names={"en": "Greece"})
    koeln = AuthorityFactory(
        country=de,
        language_id="de",
        official_name="Stadt Köln – Gewerbeamt",
        informal_title="Gewerbeamt Köln",
        description="Gewerbeanmeldungen in der Straße des Rathauses.",
    )
    lodz = AuthorityFactory(
        country=pl,
        language_id="pl",
        official_name="Urząd Miasta Łodzi",
        informal_title="Urząd Miasta Łódź",
    )
    athens = AuthorityFactory(
        country=gr,
        language_id="el",
        official_name="Περιφέρεια Αττικής",
        informal_title="Περιφέρεια Αττικής",
    )
    AuthorityTranslation.objects.create(
        authority=athens, language_id="de", informal_title="Region Attika, Ελλάδα"
    )
    return {"koeln": koeln, "lodz": lodz, "athens": athens}


def _found(text: str) -> list[str]:
    search = AuthoritySearch(text=text)
    return sorted(a.informal_title for a in authority_search(search=search, language="en"))


@pytest.mark.parametrize("text", ["Köln", "Koln", "KÖLN", "köln", "gewerbeamt KOLN"])
def test_koeln_is_found_however_it_is_written(directory, text):
    assert _found(text) == ["Gewerbeamt Köln"]


@pytest.mark.parametrize("text", ["Łódź", "Lodz", "ŁÓDŹ", "lódz"])
def test_lodz_is_found_however_it_is_written(directory, text):
    assert _found(text) == ["Urząd Miasta Łódź"]


@pytest.mark.parametrize("text", ["Ελλάδα", "ΕΛΛΑΔΑ", "Ελλαδα", "ελλάδα"])
def test_a_greek_word_of_a_translation_is_found_however_it_is_written(directory, text):
    assert _found(text) == ["Περιφέρεια Αττικής"]


@pytest.mark.parametrize("text", ["Attikis", "ΑΤΤΙΚΗΣ", "αττικης"])
def test_a_greek_official_name_is_found_in_any_case_but_not_transliterated(directory, text):
    expected = [] if text == "Attikis" else ["Περιφέρεια Αττικής"]
    assert _found(text) == expected


def test_sharp_s_and_ss_are_one(directory):
    assert _found("strasse") == ["Gewerbeamt Köln"]


def test_a_change_through_save_is_searchable_at_once(directory):
    koeln = directory["koeln"]
    koeln.informal_title = "Ordnungsamt Düsseldorf"
    koeln.save(update_fields=["informal_title"])
    assert _found("DUSSELDORF") == ["Ordnungsamt Düsseldorf"]
    translation = AuthorityTranslation.objects.create(
        authority=koeln, language_id="pl", informal_title="Urząd Düsseldorf"
    )
    translation.description = "Zezwolenia dla przedsiębiorców"
    translation.save(update_fields=["description"])
    assert _found("przedsiebiorcow") == ["Ordnungsamt Düsseldorf"]


def test_a_save_that_writes_no_searched_text_leaves_the_column_alone(directory):
    koeln = Authority.objects.only("pk", "city").get(pk=directory["koeln"].pk)
    koeln.city = "Köln"
    koeln.save(update_fields=["city"])
    assert Authority.objects.get(pk=koeln.pk).search_text == fold(
        "Stadt Köln – Gewerbeamt Gewerbeamt Köln Gewerbeanmeldungen in der Straße des Rathauses."
    )


@pytest.mark.postgres
def test_postgresql_reads_the_folded_column_through_its_trigram_index(directory):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM authorities_authority WHERE search_text LIKE %s "
            "UNION SELECT authority_id FROM authorities_authoritytranslation "
            "WHERE search_text LIKE %s",
            ["%koln%", "%koln%"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "authority_search_text_trgm" in plan, plan
    assert "authority_translation_search_text_trgm" in plan, plan


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_column_of_the_rows_that_exist():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before, after = (
        [("authorities", "0002_search_trigram_indexes")],
        [("authorities", "0003_search_text")],
    )
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    language = old.get_model("authorities", "Language").objects.create(
        code="pl", names={"en": "Polish"}, native_name="polski"
    )
    country = old.get_model("authorities", "Country").objects.create(
        code="PL", names={"en": "Poland"}, phone_prefix="+48"
    )
    authority = old.get_model("authorities", "Authority").objects.create(
        country=country,
        language=language,
        official_name="Urząd Miasta Łodzi",
        informal_title="Urząd Łódź",
        email="urzad@lodz.example.pl",
    )
    old.get_model("authorities", "AuthorityTranslation").objects.create(
        authority=authority, language=language, informal_title="Łódź City Hall"
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    row = Authority.objects.get(pk=authority.pk)
    assert row.search_text == "urzad miasta lodzi urzad lodz"
    assert row.translations.get().search_text == "lodz city hall"
    assert _found("ŁÓDŹ") == ["Urząd Łódź"]
