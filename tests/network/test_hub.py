"""The "Network" page and menu entry: each part shown to whoever may use it."""

import pytest
from django.urls import reverse

from openimi.accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HUB = "/network/"


def _page(client, user):
    client.force_login(user)
    return client.get(HUB)


def test_the_network_administrator_sees_every_part(client, network_admin):
    response = _page(client, network_admin)
    assert response.status_code == 200
    html = response.content.decode()
    for name in (
        "network:registration:register",
        "network:registration:request_list",
        "network:authority_list",
        "network:reference-areas",
        "network:reference-question-sets",
        "exchange:question_set_manage",
        "network:help_contacts",
        "network:help_faq",
        "monitoring:network",
    ):
        assert f'href="{reverse(name)}"' in html, name
    menu = [item["key"] for item in response.context["main_menu"]]
    assert "network" in menu


def test_a_delegated_coordinator_sees_its_authorities_but_no_reference_data(
    client, coordinator_lda
):
    html = _page(client, coordinator_lda).content.decode()
    assert reverse("network:registration:register") in html
    assert reverse("network:authority_list") in html
    assert reverse("network:reference-areas") not in html
    assert reverse("monitoring:network") not in html


def test_a_national_coordinators_supervisor_sees_the_figures_only(
    client, national_coordinator, services_area
):
    supervisor = UserFactory(
        authority=national_coordinator, roles=[(Role.SUPERVISOR, services_area)]
    )
    html = _page(client, supervisor).content.decode()
    assert reverse("monitoring:network") in html
    assert reverse("network:registration:register") not in html


@pytest.mark.parametrize("who", ["lda", "handler", "supervisor", "other_lda"])
def test_local_roles_get_not_found_and_no_menu_entry(client, request, who):
    user = request.getfixturevalue(who)
    assert _page(client, user).status_code == 404
    home = client.get("/")
    assert "network" not in [item["key"] for item in home.context["main_menu"]]
    assert "Network administration" not in home.content.decode()


def test_anonymous_goes_to_the_login(client, db):
    response = client.get(HUB)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_home_page_shows_the_same_parts(client, network_admin):
    client.force_login(network_admin)
    html = client.get("/").content.decode()
    assert "Network administration" in html
    assert reverse("network:reference-areas") in html


def test_the_page_reads_in_german(client, other_coordinator_lda):
    other_coordinator_lda.language = "de"
    other_coordinator_lda.save(update_fields=["language"])
    client.force_login(other_coordinator_lda)
    client.cookies["django_language"] = "de"
    response = client.get(HUB, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert '<html lang="de"' in response.content.decode()


def test_a_national_coordinator_keeps_its_country_helpdesk(client, national_coordinator_lda):
    html = _page(client, national_coordinator_lda).content.decode()
    assert reverse("network:help_contacts") in html
    assert reverse("network:help_faq") not in html


def test_a_delegated_coordinator_keeps_no_helpdesk(client, coordinator_lda):
    html = _page(client, coordinator_lda).content.decode()
    assert reverse("network:help_contacts") not in html
