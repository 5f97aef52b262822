"""A user of no authority (the network administrator, ``User.authority is None``) uses every page
meant for them, and the pages that need an authority answer 404 or are not in the menu."""

import pytest
from django.urls import reverse

from openimi.accounts.models import User

pytestmark = pytest.mark.django_db

MEANT_FOR_THEM = [
    "home",
    "about",
    "accounts:account",
    "accounts:password_change",
    "accounts:security_code_change",
    "accounts:preferences",
    "accounts:login_methods",
    "authorities:search",
    "help:index",
    "monitoring:network",
]

NEED_AN_AUTHORITY = [
    "administration",
    "users:list",
    "users:add",
    "users:add_service_account",
    "authorities:manage",
    "authorities:edit_contact",
    "authorities:edit_competences",
    "exchange:list",
    "exchange:outgoing",
    "exchange:coordinator_overview",
    "exchange:compose",
    "onboarding:checklist",
    "onboarding:rollout",
    "notifications:failed",
    "monitoring:own",
    "monitoring:coordinator",
    "privacy:access_log",
    "privacy:subjects",
]


@pytest.fixture
def operator(network_admin):
    assert network_admin.authority is None
    return network_admin


@pytest.mark.parametrize("name", MEANT_FOR_THEM)
def test_the_pages_meant_for_them_open(client, operator, name):
    client.force_login(operator)
    response = client.get(reverse(name))
    assert response.status_code == 200, name


@pytest.mark.parametrize("name", NEED_AN_AUTHORITY)
def test_the_pages_that_need_an_authority_answer_404(client, operator, name):
    client.force_login(operator)
    assert client.get(reverse(name)).status_code == 404, name


def test_the_menu_has_only_what_they_may_use(client, operator):
    client.force_login(operator)
    response = client.get(reverse("home"))
    menu = {item["key"]: item["url"] for item in response.context["main_menu"]}
    assert menu == {
        "home": reverse("home"),
        "search": reverse("authorities:search"),
        "network": reverse("network:home"),
        "monitoring": reverse("monitoring:network"),
        "help": reverse("help:index"),
    }


def test_home_shows_the_network_section(client, operator):
    client.force_login(operator)
    page = client.get(reverse("home")).content.decode()
    assert "Network administration" in page
    assert f'href="{reverse("monitoring:network")}"' in page
    assert "You work in openimi for" not in page
    assert "No request is waiting for you" not in page


def test_home_of_a_national_coordinator_links_the_network_figures(client, national_coordinator_lda):
    client.force_login(national_coordinator_lda)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("monitoring:network")}"' in page


def test_home_of_others_has_no_network_section(client, lda, handler):
    for user in (lda, handler):
        client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        assert "Network administration" not in page
        assert reverse("monitoring:network") not in page


def test_home_of_a_delegated_coordinator_has_its_part_without_the_network_figures(
    client, coordinator_lda
):
    client.force_login(coordinator_lda)
    page = client.get(reverse("home")).content.decode()
    assert "Network administration" in page
    assert reverse("network:authority_list") in page
    assert reverse("monitoring:network") not in page


def test_my_account_shows_no_authority_and_saves_unchanged(client, operator):
    client.force_login(operator)
    page = client.get(reverse("accounts:account"))
    assert page.status_code == 200
    assert "Network administrator" in page.content.decode()
    form = client.get(reverse("accounts:preferences")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    response = client.post(reverse("accounts:preferences"), data)
    assert response.status_code == 302, getattr(response.context, "form", None) and (
        response.context["form"].errors
    )
    before = User.objects.values().get(pk=operator.pk)
    client.post(reverse("accounts:preferences"), data)
    assert User.objects.values().get(pk=operator.pk) == before


def test_the_directory_search_works(client, operator, authority, other_authority):
    client.force_login(operator)
    response = client.get(reverse("authorities:search"), {"q": authority.official_name[:8]})
    assert response.status_code == 200
    assert authority.official_name in response.content.decode()
    detail = client.get(reverse("authorities:detail", args=[authority.pk]))
    assert detail.status_code == 200


def test_log_out(client, operator):
    client.force_login(operator)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("accounts:account")).status_code == 302
