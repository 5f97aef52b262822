"""The versioned reference data and its idempotent loader (``openimi load_reference``)."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from openimi.authorities.models import (
    Country,
    EconomicSector,
    Keyword,
    Language,
    LegislativeArea,
    PolicyArea,
)
from openimi.authorities.reference import KINDS, load_reference, read_fixture
from tests.factories import KeywordFactory

EU_LANGUAGES = {
    "bg",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "ga",
    "hr",
    "hu",
    "it",
    "lt",
    "lv",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "sv",
}
EU_MEMBERS = {
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
}
# The ten keywords of the seed, Dutch and English as the seed and IMI name them.
SEED_KEYWORDS = {
    "issuing-permits": (
        "Afgifte van vergunningen/licenties/autorisaties",
        "Issuing of permits/licences/authorisations",
    ),
    "notification-of-activities": ("Bekendmaking van activiteiten", "Notification of activities"),
    "professional-body": ("Beroepsorganisatie/Kamer", "Professional body/Chamber"),
    "competent-for-sectors": (
        "Bevoegd voor een of meer branches",
        "Competent for one or more sectors",
    ),
    "competent-for-policy-areas": (
        "Bevoegd voor specifieke beleidsgebieden/procedures, niet sectorgebonden",
        "Competent for specific policy areas/procedures, not sector-specific",
    ),
    "commercial-communications": (
        "Commerciële communicatie/reclame",
        "Commercial communications/advertising",
    ),
    "accreditation": ("Accreditatie", "Accreditation"),
    "building-permits": ("Bouwvergunningen", "Building permits"),
    "recognised-body": ("Erkende instantie", "Recognised body"),
    "professional-liability-insurance": (
        "Verzekeringen (tegen beroepsaansprakelijkheidsrisico's)",
        "Insurance (against professional liability risks)",
    ),
}


@pytest.fixture
def loaded(db):
    return load_reference()


def _snapshot():
    return {
        model.__name__: sorted(
            (str(row.pk), row.names, getattr(row, "position", None)) for row in model.objects.all()
        )
        for model in (Language, Country, LegislativeArea, Keyword, EconomicSector, PolicyArea)
    } | {
        "links": sorted(Country.languages.through.objects.values_list("country", "language")),
        "parents": sorted(EconomicSector.objects.values_list("code", "parent__code")),
    }


def test_every_fixture_is_versioned_and_found_in_the_package():
    for kind in KINDS:
        version, items = read_fixture(kind)
        assert version == "2026.1"
        assert items


def test_counts(loaded):
    assert loaded == {
        "languages": 26,
        "countries": 30,
        "legislative_areas": 2,
        "keywords": Keyword.objects.count(),
        "nace": 109,
        "policy_areas": PolicyArea.objects.count(),
    }
    official = set(Language.objects.filter(is_eu_official=True).values_list("code", flat=True))
    assert official == EU_LANGUAGES
    assert set(Language.objects.filter(is_eu_official=False).values_list("code", flat=True)) == {
        "is",
        "nb",
    }
    assert Country.objects.count() == 30
    assert set(Country.objects.filter(is_eu_member=True).values_list("code", flat=True)) == (
        EU_MEMBERS
    )
    assert set(Country.objects.filter(is_eu_member=False).values_list("code", flat=True)) == {
        "IS",
        "LI",
        "NO",
    }
    assert list(LegislativeArea.objects.values_list("code", flat=True)) == [
        "services",
        "professional_qualifications",
    ]
    assert 15 <= PolicyArea.objects.count() <= 20


def test_nace_sections_and_divisions(loaded):
    sections = EconomicSector.objects.filter(level=EconomicSector.Level.SECTION)
    divisions = EconomicSector.objects.filter(level=EconomicSector.Level.DIVISION)
    assert "".join(sections.values_list("code", flat=True)) == "ABCDEFGHIJKLMNOPQRSTU"
    assert divisions.count() == 88
    assert not divisions.filter(parent__isnull=True).exists()
    assert not divisions.exclude(parent__level=EconomicSector.Level.SECTION).exists()
    assert not sections.filter(parent__isnull=False).exists()
    codes = set(divisions.values_list("code", flat=True))
    assert {"04", "34", "40", "44", "48", "54", "57", "67", "76", "83", "89"}.isdisjoint(codes)
    parent_of = dict(divisions.values_list("code", "parent__code"))
    assert (parent_of["01"], parent_of["35"], parent_of["47"], parent_of["99"]) == (
        "A",
        "D",
        "G",
        "U",
    )
    names = EconomicSector.objects.get(code="62").names
    assert {"en": names["en"], "nl": names["nl"]} == {
        "en": "Computer programming, consultancy and related activities",
        "nl": "Dienstverlenende activiteiten op het gebied van informatietechnologie",
    }  # and every other language (tests/test_reference_translations.py)
    # Ordered as the classification reads: each section followed by its divisions.
    ordered = list(EconomicSector.objects.values_list("code", flat=True))
    assert ordered[:5] == ["A", "01", "02", "03", "B"]
    assert ordered[-2:] == ["U", "99"]


def test_keywords_of_the_seed(loaded):
    services = Keyword.objects.filter(area__code="services")
    assert services.count() >= 10
    for code, (dutch, english) in SEED_KEYWORDS.items():
        keyword = services.get(code=code)
        assert keyword.names["nl"] == dutch
        assert keyword.names["en"] == english
    assert Keyword.objects.filter(area__code="professional_qualifications").count() >= 5


def test_every_country_has_names_prefix_and_languages(loaded, settings):
    for country in Country.objects.prefetch_related("languages"):
        assert set(country.names) == {code for code, _ in settings.LANGUAGES}, country.code
        assert all(country.names.values()), country.code
        assert country.phone_prefix.startswith("+"), country.code
        assert country.phone_prefix[1:].isdigit(), country.code
        assert country.languages.exists(), country.code


@pytest.mark.parametrize(
    ("code", "languages"),
    [
        ("NL", {"nl"}),
        ("BE", {"nl", "fr", "de"}),
        ("LU", {"fr", "de"}),
        ("IE", {"en", "ga"}),
        ("MT", {"mt", "en"}),
        ("CY", {"el"}),
        ("FI", {"fi", "sv"}),
        ("AT", {"de"}),
        ("LI", {"de"}),
        ("NO", {"nb"}),
        ("IS", {"is"}),
    ],
)
def test_official_languages(loaded, code, languages):
    country = Country.objects.get(code=code)
    assert set(country.languages.values_list("code", flat=True)) == languages


@pytest.mark.parametrize(
    ("kind", "code", "language", "name"),
    [
        ("country", "DE", "el", "Γερμανία"),
        ("country", "GR", "de", "Griechenland"),
        ("country", "PL", "pl", "Polska"),
        ("country", "NL", "bg", "Нидерландия"),
        ("language", "mt", "mt", "Malti"),
        ("language", "nb", "de", "Norwegisch (Bokmål)"),
        ("language", "el", "pl", "grecki"),
        ("language", "nl", "nl", "Nederlands"),
    ],
)
def test_country_and_language_names_are_cldr_s_in_every_interface_language(
    loaded, kind, code, language, name
):
    """No name is typed in the fixtures: Babel gives each in every interface language."""
    row = (Country if kind == "country" else Language).objects.get(code=code)
    assert row.names[language] == name
    with translation.override(language):
        assert row.name == name


def test_languages_are_named_in_themselves(loaded):
    native = dict(Language.objects.values_list("code", "native_name"))
    assert native["de"] == "Deutsch"
    assert native["el"] == "Ελληνικά"
    assert native["bg"] == "български"
    assert native["mt"] == "Malti"
    assert native["nb"] == "norsk bokmål"


def test_greece_is_gr_and_prefixes(loaded):
    assert Country.objects.get(code="GR").phone_prefix == "+30"
    assert Country.objects.get(code="NL").phone_prefix == "+31"
    assert Country.objects.get(code="NL").names["nl"] == "Nederland"
    assert not Country.objects.filter(code="EL").exists()


def test_running_twice_changes_nothing(loaded):
    before = _snapshot()
    out = io.StringIO()
    assert load_reference(stdout=out) == loaded
    assert _snapshot() == before
    assert out.getvalue().count("0 created, 0 updated") == len(KINDS)


def test_running_again_restores_what_was_changed(loaded):
    Country.objects.filter(code="NL").update(names={"en": "Holland"}, phone_prefix="+99")
    Country.objects.get(code="BE").languages.remove("de")
    Country.objects.get(code="DE").languages.add("fr")
    EconomicSector.objects.filter(code="47").update(
        parent=EconomicSector.objects.get(code="A"), position=999
    )
    out = io.StringIO()
    load_reference(stdout=out)
    netherlands = Country.objects.get(code="NL")
    assert netherlands.names["en"] == "Netherlands"
    assert netherlands.names["nl"] == "Nederland"
    assert netherlands.phone_prefix == "+31"
    assert set(Country.objects.get(code="BE").languages.values_list("code", flat=True)) == {
        "nl",
        "fr",
        "de",
    }
    assert list(Country.objects.get(code="DE").languages.values_list("code", flat=True)) == ["de"]
    assert EconomicSector.objects.get(code="47").parent.code == "G"
    assert "countries: 30 (version 2026.1; 0 created, 3 updated)" in out.getvalue()
    assert "nace: 109 (version 2026.1; 0 created, 1 updated)" in out.getvalue()


def test_rows_left_out_of_the_fixtures_are_kept(loaded):
    legacy = KeywordFactory(area=LegislativeArea.objects.get(code="services"), code="legacy")
    load_reference()
    assert Keyword.objects.filter(pk=legacy.pk).exists()


def test_loads_over_rows_made_elsewhere(authority, other_authority):
    """The named fixtures made NL, DE and the services area; loading completes them."""
    load_reference()
    authority.country.refresh_from_db()
    assert authority.country.names["nl"] == "Nederland"
    assert authority.country.names["de"] == "Niederlande"
    assert LegislativeArea.objects.filter(code="services").count() == 1
    assert Language.objects.get(code="de").native_name == "Deutsch"


def test_command_prints_counts_per_kind(db):
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    output = out.getvalue()
    for line in (
        "languages: 26 (version 2026.1; 26 created, 0 updated)",
        "countries: 30",
        "legislative_areas: 2",
        "nace: 109",
    ):
        assert line in output
    assert "Reference data loaded" in output
    quiet = io.StringIO()
    call_command("load_reference", verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""


def test_running_again_keeps_what_the_network_administrator_changed(loaded):
    """Issue 19: areas, keywords and policy areas are edited in the product; a second load
    keeps the edits and brings only the languages a row lacks."""
    services = LegislativeArea.objects.get(code="services")
    LegislativeArea.objects.filter(pk=services.pk).update(
        names={"en": "Services (Directive 2006/123/EC)"}, position=99
    )
    keyword = Keyword.objects.filter(area=services).first()
    Keyword.objects.filter(pk=keyword.pk).update(names={**keyword.names, "nl": "Eigen naam"})
    load_reference()
    services.refresh_from_db()
    assert services.names["en"] == "Services (Directive 2006/123/EC)"
    assert services.position == 99
    assert services.names["nl"] == "Diensten"  # the language it lacked came back
    assert Keyword.objects.get(pk=keyword.pk).names["nl"] == "Eigen naam"


def test_overwrite_puts_the_fixtures_texts_back(loaded):
    services = LegislativeArea.objects.get(code="services")
    LegislativeArea.objects.filter(pk=services.pk).update(names={"en": "Mine"}, position=99)
    out = io.StringIO()
    call_command("load_reference", "--overwrite", stdout=out)
    services.refresh_from_db()
    assert services.names["en"] == "Services" and services.position != 99
    assert "legislative_areas: " in out.getvalue()
