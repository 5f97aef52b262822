"""The "Alert coordinators" page (issue 22): who may register which country's alert
coordinators, setting, replacing and removing one, the refusal while alerts wait for it,
saving unchanged, and the table's query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openimi.accounts.models import Role
from openimi.alerts import services
from openimi.alerts.models import AlertCoordinator
from openimi.alerts.types import AlertType
from openimi.authorities.models import Authority
from tests.common.test_edit_round_trip import stored, submit_as_shown
from tests.factories import (
    AuthorityFactory,
    CountryFactory,
    LanguageFactory,
    LegislativeAreaFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("network:alert_coordinators")


def _set(code="nl", area="services"):
    return reverse("network:alert_coordinator_set", args=[code, area])


def _remove(code="nl", area="services"):
    return reverse("network:alert_coordinator_remove", args=[code, area])


@pytest.fixture
def pq_area(db):
    return LegislativeAreaFactory(
        code="professional_qualifications",
        names={"en": "Professional qualifications", "nl": "Beroepskwalificaties"},
    )


@pytest.fixture
def areas(services_area, pq_area):
    return services_area, pq_area


@pytest.fixture
def registered(network_admin, national_coordinator, other_coordinator, areas):
    """Both national coordinators coordinate alerts of services; nobody yet of PQ."""
    for authority in (national_coordinator, other_coordinator):
        services.alert_coordinator_set(actor=network_admin, area=areas[0], authority=authority)


def _post(client, user, authority, code="nl", area="services"):
    client.force_login(user)
    return client.post(_set(code, area), {"authority": authority.pk if authority else ""})


# --- Who may ---------------------------------------------------------------------------------


def test_network_admin_sees_every_country_and_area(
    client, network_admin, registered, national_coordinator
):
    client.force_login(network_admin)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Netherlands" in html and "Germany" in html
    assert national_coordinator.official_name in html
    assert "Not registered" in html  # professional qualifications
    for code in ("nl", "de"):
        for area in ("services", "professional_qualifications"):
            assert f'href="{_set(code, area)}"' in html
    assert f'href="{_remove("nl")}"' in html
    assert f'href="{_remove("nl", "professional_qualifications")}"' not in html


def test_network_admin_registers_an_alert_coordinator(
    client, network_admin, national_coordinator, areas
):
    response = _post(
        client, network_admin, national_coordinator, area="professional_qualifications"
    )
    assert response.status_code == 302 and response.url == LIST
    found = AlertCoordinator.objects.get(country_id="NL", area=areas[1])
    assert found.authority == national_coordinator and found.registered_by == network_admin
    followed = client.get(LIST).content.decode()
    assert "now coordinates alerts of Professional qualifications in Netherlands" in followed


def test_national_coordinator_lda_manages_its_own_country_only(
    client, national_coordinator_lda, national_coordinator, other_coordinator, registered
):
    client.force_login(national_coordinator_lda)
    html = client.get(LIST).content.decode()
    assert "Netherlands" in html and "Germany" not in html
    assert other_coordinator.official_name not in html
    assert client.get(_set("nl")).status_code == 200
    assert client.get(_set("de")).status_code == 404
    assert client.get(_remove("de")).status_code == 404
    assert _post(client, national_coordinator_lda, other_coordinator, code="de").status_code == 404
    response = _post(
        client, national_coordinator_lda, national_coordinator, area="professional_qualifications"
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "who", ["lda", "handler", "supervisor", "coordinator_lda", "other_lda", "basic_user"]
)
def test_others_get_404_everywhere(client, request, who, registered):
    """A local data administrator of a municipality, of a delegated coordinator or abroad,
    and the roles that work on requests, manage no alert coordinator."""
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(LIST).status_code == 404
    assert client.get(_set()).status_code == 404
    assert client.get(_remove()).status_code == 404
    assert client.post(_remove()).status_code == 404
    assert AlertCoordinator.objects.filter(country_id="NL").count() == 1


def test_the_national_coordinators_supervisor_gets_404(
    client, national_coordinator, services_area, registered
):
    """Not its local data administrator: watching the figures is not registering."""
    supervisor = UserFactory(
        authority=national_coordinator, roles=[(Role.SUPERVISOR, services_area)]
    )
    client.force_login(supervisor)
    assert client.get(LIST).status_code == 404
    assert client.get(_set()).status_code == 404


def test_anonymous_goes_to_the_login(client, registered):
    for url in (LIST, _set(), _remove()):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(_remove())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert AlertCoordinator.objects.count() == 2


def test_unknown_country_or_area_is_404(client, network_admin, registered):
    client.force_login(network_admin)
    assert client.get(_set("xx")).status_code == 404
    assert client.get(_set("nl", "building")).status_code == 404
    assert client.get(_remove("nl", "professional_qualifications")).status_code == 404


def test_the_hub_links_the_page_for_those_who_may(
    client, network_admin, national_coordinator_lda, lda
):
    for user, shown in ((network_admin, True), (national_coordinator_lda, True), (lda, False)):
        client.force_login(user)
        response = client.get("/network/")
        html = response.content.decode() if response.status_code == 200 else ""
        assert (f'href="{LIST}"' in html) is shown, user.username


# --- Changing --------------------------------------------------------------------------------


def test_replacing_by_the_delegated_coordinator(
    client, network_admin, registered, coordinator, national_coordinator
):
    client.force_login(network_admin)
    page = client.get(_set()).content.decode()
    assert coordinator.official_name in page and national_coordinator.official_name in page
    assert _post(client, network_admin, coordinator).status_code == 302
    assert AlertCoordinator.objects.get(country_id="NL", area__code="services").authority == (
        coordinator
    )


def test_only_the_countrys_active_coordinators_are_offered(
    client, network_admin, registered, authority, other_coordinator, coordinator
):
    Authority.objects.filter(pk=coordinator.pk).update(is_active=False)
    client.force_login(network_admin)
    page = client.get(_set()).content.decode()
    assert authority.official_name not in page  # a municipality
    assert other_coordinator.official_name not in page  # another country's
    assert coordinator.official_name not in page  # deactivated
    for chosen in (authority, other_coordinator, coordinator):
        response = _post(client, network_admin, chosen)
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert AlertCoordinator.objects.get(country_id="NL", area__code="services").authority_id != (
        coordinator.pk
    )


def test_nothing_chosen_is_a_clear_error(client, network_admin, registered):
    response = _post(client, network_admin, None, area="professional_qualifications")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose the authority that coordinates the alerts." in html
    assert not AlertCoordinator.objects.filter(area__code="professional_qualifications").exists()


def test_a_forged_choice_of_text_is_refused(client, network_admin, registered):
    client.force_login(network_admin)
    for value in ("\x00\x1b", "ü" * 10_000, "Δήμος"):
        response = client.post(_set(), {"authority": value})
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()


def test_save_unchanged_changes_nothing(client, national_coordinator_lda, registered):
    client.force_login(national_coordinator_lda)
    before = stored()
    response = submit_as_shown(client, _set())
    assert response.status_code == 302
    assert stored() == before
    assert "Nothing was changed." in client.get(LIST).content.decode()


def test_remove(client, network_admin, registered, national_coordinator):
    client.force_login(network_admin)
    page = client.get(_remove()).content.decode()
    assert national_coordinator.official_name in page
    response = client.post(_remove())
    assert response.status_code == 302 and response.url == LIST
    assert not AlertCoordinator.objects.filter(country_id="NL", area__code="services").exists()
    followed = client.get(LIST).content.decode()
    assert "Netherlands has no alert coordinator for Services any more." in followed
    # Posting again (a second tab) changes nothing and says so.
    client.post(_remove())
    assert "Nothing was changed." in client.get(LIST).content.decode()


# --- Refusals: alerts still waiting ----------------------------------------------------------


@pytest.fixture
def waiting_alert(registered, authority, services_area):
    """A services alert of the Dutch municipality to Germany, awaiting validation by the
    Dutch national coordinator."""
    writer = UserFactory(
        authority=authority, username="alert_writer", roles=[(Role.REQUEST_HANDLER, services_area)]
    )
    alert = services.alert_create_draft(
        actor=writer,
        alert_type=AlertType.SERVICES,
        fields={"activity": "Gas installation", "description": "Unsafe boilers installed."},
        personal={"full_name": "Gasbedrijf Vonk B.V."},
        countries=["DE"],
        language="en",
    )
    return services.alert_submit(alert=alert, actor=writer)


def test_replacing_while_alerts_wait_is_refused_and_shown(
    client, network_admin, waiting_alert, coordinator, national_coordinator
):
    response = _post(client, network_admin, coordinator)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "still has alerts to validate or to distribute" in html
    assert f'value="{coordinator.pk}" selected' in html  # the choice is kept
    found = AlertCoordinator.objects.get(country_id="NL", area__code="services")
    assert found.authority == national_coordinator


def test_removing_while_alerts_wait_is_refused_and_shown(client, network_admin, waiting_alert):
    client.force_login(network_admin)
    response = client.post(_remove())
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "still has alerts to validate or to distribute" in html
    assert AlertCoordinator.objects.filter(country_id="NL", area__code="services").exists()


# --- The table's cost ------------------------------------------------------------------------


def test_the_tables_query_count_does_not_grow_with_the_countries(
    client, network_admin, registered, services_area, django_assert_num_queries
):
    client.force_login(network_admin)
    client.get(LIST)  # the session and the menus once

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    few = count()
    for code, language in (("FR", "fr"), ("PL", "pl"), ("GR", "el")):
        LanguageFactory(code=language, names={"en": language}, native_name=language)
        made = AuthorityFactory(
            country=CountryFactory(code=code, names={"en": code}),
            language_id=language,
            kind=Authority.Kind.NATIONAL_COORDINATOR,
        )
        services.alert_coordinator_set(actor=network_admin, area=services_area, authority=made)
    with django_assert_num_queries(few):
        html = client.get(LIST).content.decode()
    assert html.count('class="govuk-table__row"') == 1 + 5 * 2  # the head, 5 countries × 2
