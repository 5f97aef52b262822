"""The coordinator's pages about an authority's life (network/views/lifecycle.py): who may open
them, what saving them unchanged does, where each action lands and what it says."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from openimi.accounts.models import User
from openimi.authorities.models import AreaPreferences, Authority
from openimi.exchange.workflow import State
from openimi.network.models import AuthorityEvent
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401 - fixtures
from tests.factories import AreaPreferencesFactory, AuthorityFactory, LegislativeAreaFactory

pytestmark = pytest.mark.django_db

ALLOWED, DENIED = 200, 404


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _state(authority: Authority) -> tuple:
    authority.refresh_from_db()
    return (
        authority.official_name,
        authority.is_active,
        authority.merged_into_id,
        sorted(
            AreaPreferences.objects.filter(authority=authority).values_list(
                "area_id", "supervising_coordinator_id"
            )
        ),
        AuthorityEvent.objects.count(),
        User.objects.filter(authority=authority, is_active=True).count(),
    )


@pytest.fixture
def pages(authority, services_area, lda):
    pk = authority.pk
    return {
        "manage": reverse("network:authority_manage", args=[pk]),
        "name": reverse("network:authority_official_name", args=[pk]),
        "area_add": reverse("network:authority_area_add", args=[pk]),
        "area_coordinator": reverse(
            "network:authority_area_coordinator", args=[pk, services_area.code]
        ),
        "area_remove": reverse("network:authority_area_remove", args=[pk, services_area.code]),
        "reset": reverse("network:authority_administrator_reset", args=[pk, lda.pk]),
        "hand_over": reverse("network:authority_hand_over", args=[pk]),
        "deactivate": reverse("network:authority_deactivate", args=[pk]),
        "merge": reverse("network:authority_merge", args=[pk]),
    }


COORDINATE_PAGES = ["manage", "name", "area_add", "area_coordinator", "area_remove", "reset"]
RESTRUCTURE_PAGES = ["hand_over", "deactivate", "merge"]

# (fixture of the user, pages it may open)
MATRIX = [
    ("network_admin", COORDINATE_PAGES + RESTRUCTURE_PAGES),
    ("national_coordinator_lda", COORDINATE_PAGES + RESTRUCTURE_PAGES),
    ("coordinator_lda", COORDINATE_PAGES),  # the delegated coordinator supervising it
    ("other_coordinator_lda", []),  # a coordinator of another country
    ("lda", []),  # the authority's own local data administrator
    ("handler", []),
]


@pytest.mark.parametrize(("who", "allowed"), MATRIX, ids=[who for who, _ in MATRIX])
def test_who_may_open_each_page(request, client, pages, who, allowed):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for name, url in pages.items():
        expected = ALLOWED if name in allowed else DENIED
        assert client.get(url).status_code == expected, (who, name)
        if expected == DENIED:
            assert client.post(url, {}).status_code == DENIED, (who, name)


def test_anonymous_is_sent_to_the_login(client, pages):
    for url in [*pages.values(), reverse("network:authority_list")]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("network_admin", True),
        ("national_coordinator_lda", True),
        ("coordinator_lda", True),
        ("other_coordinator_lda", True),
        ("lda", False),
        ("handler", False),
    ],
)
def test_who_may_open_the_list(request, client, who, allowed):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("network:authority_list"))
    assert response.status_code == (ALLOWED if allowed else DENIED)


def test_the_list_shows_what_the_user_coordinates(
    client,
    authority,
    other_authority,
    coordinator,
    national_coordinator,
    nl,
    coordinator_lda,
    national_coordinator_lda,
    network_admin,
):
    unsupervised = AuthorityFactory(country=nl, language_id="nl", official_name="Gemeente Elders")
    url = reverse("network:authority_list")

    def names(user, **query):
        client.force_login(user)
        page = client.get(url, query).context["page"]
        return {a.official_name for a in page.object_list}

    assert names(coordinator_lda) == {"Gemeente Oeteldonk"}
    assert names(national_coordinator_lda) == {
        "Gemeente Oeteldonk",
        "Gemeente Elders",
        coordinator.official_name,
    }
    assert names(national_coordinator_lda, q="elders") == {"Gemeente Elders"}
    everything = names(network_admin)
    assert {"Gemeente Oeteldonk", "Gewerbeamt Köln", unsupervised.official_name} <= everything
    assert names(network_admin, country="DE") == {"Gewerbeamt Köln"}


def test_the_list_has_a_constant_query_count(
    client, nl, national_coordinator_lda, django_assert_num_queries
):
    url = reverse("network:authority_list")
    client.force_login(national_coordinator_lda)
    AuthorityFactory(country=nl, language_id="nl")
    client.get(url)
    with django_assert_num_queries(9) as few:
        client.get(url)
    for _ in range(12):
        AuthorityFactory(country=nl, language_id="nl")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 13


def test_every_page_saved_unchanged_changes_nothing(
    client, authority, pages, national_coordinator_lda
):
    client.force_login(national_coordinator_lda)
    before = _state(authority)
    for name in ["name", "area_coordinator"]:
        form = client.get(pages[name]).context["form"]
        data = {key: value for key, value in form.initial.items() if value is not None}
        response = client.post(pages[name], data)
        assert response.status_code == 302 and response["Location"] == pages["manage"], name
        assert _messages(response) == ["Nothing was changed."]
    for name in ["area_add", "hand_over", "merge"]:  # nothing chosen: the form says so
        response = client.post(pages[name], {})
        assert response.status_code == 200 and response.context["form"].errors, name
    assert _state(authority) == before


def test_the_name_change_lands_on_manage_with_a_message(
    client, authority, pages, national_coordinator_lda
):
    client.force_login(national_coordinator_lda)
    response = client.post(pages["name"], {"official_name": "Gemeente Maashorst"}, follow=True)
    assert response.redirect_chain[-1][0] == pages["manage"]
    assert "The official name has been changed." in response.text
    assert "Gemeente Maashorst" in response.text
    assert "Official name changed" in response.text  # the history


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("x" * 10_000, "at most 300"),
        ("Gemeente\x07Oeteldonk", "control"),
        ("", "official name"),
    ],
)
def test_a_bad_name_stays_in_the_form_with_an_error(
    client, authority, pages, national_coordinator_lda, typed, error
):
    client.force_login(national_coordinator_lda)
    response = client.post(pages["name"], {"official_name": typed})
    assert response.status_code == 200
    assert error in response.text.lower() or error in response.text
    assert response.context["form"]["official_name"].value() == typed
    authority.refresh_from_db()
    assert authority.official_name == "Gemeente Oeteldonk"


def test_greek_name_is_saved(client, authority, pages, network_admin):
    client.force_login(network_admin)
    client.post(pages["name"], {"official_name": "Δήμος Αθηναίων"})
    authority.refresh_from_db()
    assert authority.official_name == "Δήμος Αθηναίων"


def test_area_pages_land_on_manage_with_messages(
    client, authority, pages, national_coordinator, national_coordinator_lda
):
    area = LegislativeAreaFactory(code="qualifications", names={"en": "Qualifications"})
    client.force_login(national_coordinator_lda)
    response = client.post(
        pages["area_add"],
        {"area": area.pk, "supervising_coordinator": national_coordinator.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == pages["manage"]
    assert "Qualifications has been added." in response.text
    url = reverse("network:authority_area_remove", args=[authority.pk, "qualifications"])
    response = client.post(url, follow=True)
    assert "Qualifications has been removed." in response.text
    assert not AreaPreferences.objects.filter(authority=authority, area=area).exists()


def test_the_reset_lands_on_manage_with_a_message(
    client, authority, pages, lda, national_coordinator_lda, mailoutbox
):
    client.force_login(national_coordinator_lda)
    assert client.get(pages["manage"]).context["administrators"] == [lda]
    response = client.post(pages["reset"], follow=True)
    assert response.redirect_chain[-1][0] == pages["manage"]
    assert "will receive a new temporary password by e-mail" in response.text
    assert AuthorityEvent.objects.filter(
        authority=authority, kind=AuthorityEvent.Kind.ADMINISTRATOR_ACCESS_RESET
    ).exists()


def test_a_user_who_is_no_administrator_cannot_be_reset(
    client, authority, handler, national_coordinator_lda
):
    client.force_login(national_coordinator_lda)
    url = reverse("network:authority_administrator_reset", args=[authority.pk, handler.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_deactivate_lands_on_manage_and_the_users_cannot_log_in(
    client, authority, pages, lda, network_admin
):
    client.force_login(network_admin)
    response = client.post(pages["deactivate"], follow=True)
    assert response.redirect_chain[-1][0] == pages["manage"]
    assert "has been deactivated; its users can no longer log in." in response.text
    lda.refresh_from_db()
    assert not lda.is_active
    # Its changes are no longer offered.
    response = client.get(pages["name"], follow=True)
    assert response.redirect_chain[-1][0] == pages["manage"]


def test_merge_lands_on_the_continuing_authority(
    client, authority, nl, services_area, pages, lda, national_coordinator_lda
):
    continuing = AuthorityFactory(country=nl, language_id="nl", official_name="Gemeente Maashorst")
    AreaPreferencesFactory(authority=continuing, area=services_area)
    client.force_login(national_coordinator_lda)
    response = client.post(pages["merge"], {"into": continuing.pk})
    assert response.status_code == 200 and response.context["form"].errors  # not confirmed
    response = client.post(pages["merge"], {"into": continuing.pk, "confirm": "on"}, follow=True)
    target = reverse("network:authority_manage", args=[continuing.pk])
    assert response.redirect_chain[-1][0] == target
    assert "Gemeente Oeteldonk has merged into Gemeente Maashorst." in response.text
    lda.refresh_from_db()
    assert lda.authority == continuing
    # The directory's page of the old authority sends the reader to the continuing one.
    response = client.get(reverse("authorities:detail", args=[authority.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("authorities:detail", args=[continuing.pk])
    assert "Gemeente Oeteldonk has merged into Gemeente Maashorst." in response.text
    # The search for the old name finds the continuing authority.
    response = client.get(reverse("authorities:search"), {"q": "oeteldonk"})
    assert [a.pk for a in response.context["page"].object_list] == [continuing.pk]
    assert "Formerly Gemeente Oeteldonk" in response.text


def test_after_deactivation_the_users_session_has_ended(authority, pages, lda, network_admin):
    theirs, ours = Client(), Client()
    theirs.force_login(lda)
    home = reverse("home")
    assert theirs.get(home).status_code == 200
    ours.force_login(network_admin)
    ours.post(pages["deactivate"])
    response = theirs.get(home)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_hand_over_lands_on_manage_and_then_deactivation_is_offered(request, client, network_admin):
    w = request.getfixturevalue("world")
    request.getfixturevalue("make_request")(State.ACCEPTED)
    manage = reverse("network:authority_manage", args=[w.responding.pk])
    client.force_login(network_admin)
    response = client.get(manage)
    assert response.context["open_requests"] == 1
    assert "Hand over open requests" in response.text
    response = client.post(
        reverse("network:authority_deactivate", args=[w.responding.pk]), follow=True
    )
    assert "Hand it over to another authority first." in response.text
    response = client.post(
        reverse("network:authority_hand_over", args=[w.responding.pk]),
        {"target": w.target.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == manage
    assert "1 open request handed over to Handwerkskammer." in response.text
    assert response.context["open_requests"] == 0
    assert "Deactivate" in response.text


def test_the_authoritys_own_data_form_leaves_the_official_name_alone(client, authority, lda):
    client.force_login(lda)
    url = reverse("authorities:edit_contact")
    form = client.get(url).context["form"]
    assert "official_name" not in form.fields
    data = {name: value for name, value in form.initial.items() if value is not None}
    client.post(url, {**data, "official_name": "Eigen naam"})
    authority.refresh_from_db()
    assert authority.official_name == "Gemeente Oeteldonk"
