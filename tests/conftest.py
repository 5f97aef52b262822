"""Named fixtures: two authorities in two countries, one user per role in each, a coordinator.

Every test can ask "and the other authority?".
"""

import os

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from openimi.accounts.models import Role
from openimi.authorities.models import Authority
from tests.factories import (
    AreaPreferencesFactory,
    AuthorityFactory,
    CountryFactory,
    LanguageFactory,
    LegislativeAreaFactory,
    UserFactory,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a page read in Dutch leaves Dutch active in
    the thread (LocaleMiddleware activates the reader's language and nothing deactivates it),
    and a later test's messages would come out in Dutch."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_content_cache(settings):
    """Pages are rendered afresh in tests: a test's writes commit only at its end (its
    transaction is rolled back), so the versions that keep cached pages current would not
    move. ``tests/exchange/test_content_cache.py`` turns the cache on, with real commits."""
    settings.CONTENT_CACHE_SECONDS = 0


@pytest.fixture
def services_area(db):
    return LegislativeAreaFactory(code="services", names={"en": "Services", "nl": "Diensten"})


@pytest.fixture
def nl(db):
    LanguageFactory(code="nl", names={"en": "Dutch", "nl": "Nederlands"}, native_name="Nederlands")
    return CountryFactory(code="NL", names={"en": "Netherlands", "nl": "Nederland"})


@pytest.fixture
def de(db):
    LanguageFactory(code="de", names={"en": "German", "nl": "Duits"}, native_name="Deutsch")
    return CountryFactory(code="DE", names={"en": "Germany", "nl": "Duitsland"}, phone_prefix="+49")


@pytest.fixture
def coordinator(nl, services_area):
    return AuthorityFactory(
        country=nl,
        language_id="nl",
        kind=Authority.Kind.SERVICES_COORDINATOR,
        official_name="Ministerie van Economische Zaken – SD IMI-coördinator",
        informal_title="Gedelegeerde IMI-coördinator voor diensten",
    )


@pytest.fixture
def authority(nl, services_area, coordinator):
    """Our authority: a Dutch municipality working in the services area."""
    authority = AuthorityFactory(
        country=nl,
        language_id="nl",
        official_name="Gemeente Oeteldonk",
        informal_title="Gemeente Oeteldonk",
        email="imi@oeteldonk.nl",
    )
    AreaPreferencesFactory(
        authority=authority, area=services_area, supervising_coordinator=coordinator
    )
    return authority


@pytest.fixture
def other_authority(de, services_area):
    """The other authority, in another country."""
    authority = AuthorityFactory(
        country=de,
        language_id="de",
        official_name="Gewerbeamt Köln",
        informal_title="Gewerbeamt der Stadt Köln",
        email="imi@koeln.de",
    )
    AreaPreferencesFactory(authority=authority, area=services_area)
    return authority


def _user(authority, username, roles):
    return UserFactory(authority=authority, username=username, roles=roles)


@pytest.fixture
def basic_user(authority):
    return _user(authority, "basic", [])


@pytest.fixture
def handler(authority, services_area):
    return _user(authority, "handler", [(Role.REQUEST_HANDLER, services_area)])


@pytest.fixture
def allocator(authority, services_area):
    return _user(authority, "allocator", [(Role.ALLOCATOR, services_area)])


@pytest.fixture
def supervisor(authority, services_area):
    return _user(authority, "supervisor", [(Role.SUPERVISOR, services_area)])


@pytest.fixture
def lda(authority):
    return _user(authority, "lda", [(Role.LOCAL_DATA_ADMINISTRATOR, None)])


@pytest.fixture
def other_lda(other_authority):
    return _user(other_authority, "other_lda", [(Role.LOCAL_DATA_ADMINISTRATOR, None)])


@pytest.fixture
def other_handler(other_authority, services_area):
    return _user(other_authority, "other_handler", [(Role.REQUEST_HANDLER, services_area)])


@pytest.fixture
def coordinator_lda(coordinator):
    return _user(coordinator, "coordinator_lda", [(Role.LOCAL_DATA_ADMINISTRATOR, None)])


# --- Running the network (issue 19) ---------------------------------------------------------


@pytest.fixture
def network_admin(db):
    """The installation's operator: a user of no authority holding the network role."""
    return UserFactory(
        authority=None, username="network_admin", roles=[(Role.NETWORK_ADMINISTRATOR, None)]
    )


@pytest.fixture
def national_coordinator(nl, services_area):
    return AuthorityFactory(
        country=nl,
        language_id="nl",
        kind=Authority.Kind.NATIONAL_COORDINATOR,
        official_name="Ministerie van Economische Zaken – nationale IMI-coördinator",
        informal_title="Nationale IMI-coördinator Nederland",
        email="nimic@example.nl",
    )


@pytest.fixture
def national_coordinator_lda(national_coordinator):
    return _user(national_coordinator, "nimic_lda", [(Role.LOCAL_DATA_ADMINISTRATOR, None)])


@pytest.fixture
def other_coordinator(de, services_area):
    """The German national coordinator: a coordinator of another country."""
    return AuthorityFactory(
        country=de,
        language_id="de",
        kind=Authority.Kind.NATIONAL_COORDINATOR,
        official_name="Bundesministerium für Wirtschaft – nationaler IMI-Koordinator",
        informal_title="Nationaler IMI-Koordinator Deutschland",
        email="nimic@example.de",
    )


@pytest.fixture
def other_coordinator_lda(other_coordinator):
    return _user(other_coordinator, "de_nimic_lda", [(Role.LOCAL_DATA_ADMINISTRATOR, None)])
