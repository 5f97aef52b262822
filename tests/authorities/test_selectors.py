import pytest
from django.utils import translation

from openimi.authorities.models import Authority, AuthorityTranslation, PolicyArea
from openimi.authorities.selectors import AuthoritySearch, authority_search, coordinator_list
from tests.factories import (
    AreaPreferencesFactory,
    AuthorityFactory,
    EconomicSectorFactory,
    KeywordFactory,
    LegislativeAreaFactory,
)


def _search(language="en", **criteria):
    return list(authority_search(search=AuthoritySearch(**criteria), language=language))


@pytest.fixture
def municipality(authority):
    AuthorityTranslation.objects.create(
        authority=authority,
        language_id="en",
        informal_title="Municipality of Oeteldonk",
        description="Issues building permits.",
    )
    return authority


class TestText:
    def test_finds_by_official_name(self, municipality, other_authority):
        assert _search(text="oeteldonk") == [municipality]

    def test_finds_by_a_translated_title(self, municipality, other_authority):
        assert _search(text="Municipality") == [municipality]

    def test_finds_by_a_translated_description(self, municipality, other_authority):
        assert _search(text="building permits") == [municipality]

    def test_every_word_must_match(self, municipality):
        assert _search(text="municipality cologne") == []

    def test_finds_by_the_source_title_whatever_the_reader_language(self, other_authority):
        assert _search(text="Gewerbeamt", language="nl") == [other_authority]

    def test_the_search_works_inside_another_query(self, municipality, other_authority):
        """The word filter names no table itself: as a subquery Django renames the table."""
        found = authority_search(search=AuthoritySearch(text="building"), language="en")
        titles = AuthorityTranslation.objects.filter(authority__in=found.values("pk"))
        assert [t.informal_title for t in titles] == ["Municipality of Oeteldonk"]


class TestFilters:
    def test_country(self, authority, other_authority):
        assert _search(country="DE") == [other_authority]

    def test_kind(self, authority, coordinator):
        assert _search(kind=Authority.Kind.SERVICES_COORDINATOR) == [coordinator]

    def test_coordinators_of_every_kind(self, authority, coordinator, nl):
        national = AuthorityFactory(country=nl, kind=Authority.Kind.NATIONAL_COORDINATOR)
        assert set(_search(coordinators_only=True)) == {coordinator, national}

    def test_legislative_area(self, authority, other_authority, nl):
        qualifications = LegislativeAreaFactory(code="professional_qualifications")
        ministry = AuthorityFactory(country=nl)
        AreaPreferencesFactory(authority=ministry, area=qualifications)
        assert _search(area="professional_qualifications") == [ministry]
        assert set(_search(area="services")) == {authority, other_authority}

    def test_keyword(self, authority, other_authority, services_area):
        building = KeywordFactory(area=services_area, code="building-permits")
        authority.preferences.get().keywords.add(building)
        assert _search(keyword=building.pk) == [authority]

    def test_nace_division_and_its_section(self, authority, other_authority):
        section = EconomicSectorFactory(code="F", level="section")
        division = EconomicSectorFactory(code="41", level="division", parent=section)
        authority.economic_sectors.add(division)
        assert _search(sector="41") == [authority]
        assert _search(sector="F") == [authority]
        assert _search(sector="A") == []

    def test_an_authority_competent_in_all_areas_matches_every_sector(
        self, authority, other_authority
    ):
        section = EconomicSectorFactory(code="F", level="section")
        EconomicSectorFactory(code="41", level="division", parent=section)
        other_authority.competent_in_all_areas = True
        other_authority.save()
        assert _search(sector="41") == [other_authority]
        assert _search(sector="F") == [other_authority]

    def test_policy_area(self, authority, other_authority, nl):
        environment = PolicyArea.objects.create(code="environment", names={"en": "Environment"})
        PolicyArea.objects.create(code="health", names={"en": "Health"})
        authority.policy_areas.add(environment)
        municipality = AuthorityFactory(country=nl, competent_in_all_areas=True)
        assert set(_search(policy_area="environment")) == {authority, municipality}
        assert _search(policy_area="health") == [municipality]

    def test_filters_combine(self, authority, other_authority, services_area):
        building = KeywordFactory(area=services_area)
        authority.preferences.get().keywords.add(building)
        other_authority.preferences.get().keywords.add(building)
        assert _search(keyword=building.pk, country="NL") == [authority]


class TestTranslationFallback:
    def test_the_reader_language_when_translated(self, municipality):
        found = _search(language="en", text="oeteldonk")[0]
        assert found.title_for("en") == ("Municipality of Oeteldonk", "en")

    def test_the_source_text_when_not_translated(self, municipality):
        found = _search(language="fr", text="oeteldonk")[0]
        assert found.title_for("fr") == ("Gemeente Oeteldonk", "nl")

    def test_an_empty_translation_falls_back(self, authority):
        AuthorityTranslation.objects.create(authority=authority, language_id="en")
        found = _search(language="en", text="oeteldonk")[0]
        assert found.title_for("en") == ("Gemeente Oeteldonk", "nl")

    def test_reference_names_fall_back_to_english(self, services_area):
        with translation.override("fr"):
            assert services_area.name == "Services"
        with translation.override("nl"):
            assert services_area.name == "Diensten"

    def test_country_names_are_cldr_s_in_every_language(self, nl):
        with translation.override("fr"):
            assert nl.name == "Pays-Bas"
        with translation.override("nl"):
            assert nl.name == "Nederland"


class TestCoordinatorList:
    """The one "who supervises this authority" (the help page's whom to contact): before, two
    functions named ``coordinators_of`` answered it with different arguments and orders."""

    def test_each_supervising_coordinator_once_in_a_stable_order(
        self, authority, coordinator, other_authority, nl
    ):
        qualifications = LegislativeAreaFactory(code="professional_qualifications")
        national = AuthorityFactory(country=nl, kind=Authority.Kind.NATIONAL_COORDINATOR)
        AreaPreferencesFactory(
            authority=authority, area=qualifications, supervising_coordinator=national
        )
        # The same coordinator for a third area counts once; another's coordinator not at all.
        AreaPreferencesFactory(
            authority=authority,
            area=LegislativeAreaFactory(code="posting_of_workers"),
            supervising_coordinator=coordinator,
        )
        AreaPreferencesFactory(
            authority=other_authority,
            area=qualifications,
            supervising_coordinator=AuthorityFactory(country=nl),
        )
        expected = sorted([coordinator, national], key=lambda found: found.pk)
        assert coordinator_list(authority_id=authority.pk) == expected

    def test_no_authority_no_coordinators(self, coordinator):
        assert coordinator_list(authority_id=None) == []

    def test_one_function_answers_it(self):
        from pathlib import Path

        src = Path(__file__).resolve().parents[2] / "src" / "openimi"
        defined = [
            str(path.relative_to(src))
            for path in src.rglob("*.py")
            if "def coordinators_of(" in path.read_text()
            or "def coordinator_list(" in path.read_text()
        ]
        assert defined == ["authorities/selectors.py"]
