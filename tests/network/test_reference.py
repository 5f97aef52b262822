"""The network administrator's reference data pages (issue 19): legislative areas, keywords
and policy areas; who may open them, what the services write, what bad input gives."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openimi.authorities.models import Keyword, LegislativeArea, PolicyArea
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange.models import QuestionSet
from openimi.network.services import reference
from tests.factories import AreaPreferencesFactory, KeywordFactory, LegislativeAreaFactory

pytestmark = pytest.mark.django_db

DENIED = ["lda", "coordinator_lda", "national_coordinator_lda", "other_coordinator_lda", "handler"]


@pytest.fixture
def keyword(services_area):
    return KeywordFactory(area=services_area, code="permits", names={"en": "Permits"})


@pytest.fixture
def policy_area(db):
    return PolicyArea.objects.create(code="health", names={"en": "Health"}, position=1)


def _urls(services_area, keyword, policy_area):
    return [
        reverse("network:reference-areas"),
        reverse("network:reference-area-create"),
        reverse("network:reference-area", args=[services_area.pk]),
        reverse("network:reference-area-delete", args=[services_area.pk]),
        reverse("network:reference-keyword-create", args=[services_area.pk]),
        reverse("network:reference-keyword", args=[keyword.pk]),
        reverse("network:reference-keyword-delete", args=[keyword.pk]),
        reverse("network:reference-policy-area-create"),
        reverse("network:reference-policy-area", args=[policy_area.pk]),
        reverse("network:reference-question-sets"),
        reverse("network:reference-question-set-import"),
    ]


def test_the_network_administrator_opens_every_page(
    client, network_admin, services_area, keyword, policy_area
):
    client.force_login(network_admin)
    for url in _urls(services_area, keyword, policy_area):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", DENIED)
def test_others_get_404(request, client, who, services_area, keyword, policy_area):
    client.force_login(request.getfixturevalue(who))
    for url in _urls(services_area, keyword, policy_area):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"code": "x", "name_en": "X"}).status_code == 404, url


def test_anonymous_is_sent_to_login(client, services_area, keyword, policy_area):
    for url in _urls(services_area, keyword, policy_area):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_the_list_takes_a_constant_number_of_queries(
    client, network_admin, django_assert_num_queries, services_area
):
    client.force_login(network_admin)
    client.get(reverse("network:reference-areas"))  # session, user: warmed
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("network:reference-areas"))
    for index in range(5):
        area = LegislativeAreaFactory(code=f"area-{index}")
        KeywordFactory(area=area, code=f"kw-{index}")
        PolicyArea.objects.create(code=f"policy-{index}", names={"en": f"P {index}"})
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("network:reference-areas"))


def test_create_an_area_in_pages(client, network_admin):
    client.force_login(network_admin)
    response = client.post(
        reverse("network:reference-area-create"),
        {"code": "transport", "name_en": "Road transport", "name_el": "Οδικές μεταφορές"},
        follow=True,
    )
    area = LegislativeArea.objects.get(code="transport")
    assert area.names == {"en": "Road transport", "el": "Οδικές μεταφορές"}
    assert response.redirect_chain[-1][0] == reverse("network:reference-areas")
    assert "The legislative area Road transport has been created." in response.content.decode()
    assert "2 of 26 languages" in response.content.decode()


def test_a_duplicate_code_is_refused_and_the_form_keeps_what_was_typed(
    client, network_admin, services_area
):
    client.force_login(network_admin)
    response = client.post(
        reverse("network:reference-area-create"),
        {"code": "services", "name_en": "Again", "name_bg": "Отново"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "An area with this code exists already." in body
    assert 'value="Отново"' in body
    assert LegislativeArea.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 10_000, "Ensure this value has at most 200 characters"),
        ("Road\x07transport", "control"),
        ("", "Enter “Name in English”"),
    ],
)
def test_bad_names_are_refused(client, network_admin, name, message):
    client.force_login(network_admin)
    response = client.post(
        reverse("network:reference-area-create"), {"code": "transport", "name_en": name}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LegislativeArea.objects.filter(code="transport").exists()


@pytest.mark.parametrize("kind", ["area", "keyword", "policy_area"])
def test_saving_a_page_unchanged_changes_nothing(
    client, network_admin, services_area, keyword, policy_area, kind
):
    obj, model = {
        "area": (services_area, LegislativeArea),
        "keyword": (keyword, Keyword),
        "policy_area": (policy_area, PolicyArea),
    }[kind]
    client.force_login(network_admin)
    before = model.objects.values().get(pk=obj.pk)
    url = reverse(f"network:reference-{kind.replace('_', '-')}", args=[obj.pk])
    form = client.get(url).context["form"]
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    response = client.post(url, data)
    assert response.status_code == 302
    assert model.objects.values().get(pk=obj.pk) == before


def test_edit_names_and_order(client, network_admin, services_area):
    client.force_login(network_admin)
    url = reverse("network:reference-area", args=[services_area.pk])
    response = client.post(url, {"position": "7", "name_en": "Services", "name_de": "Dienste"})
    assert response.status_code == 302
    services_area.refresh_from_db()
    assert services_area.position == 7
    assert services_area.names == {"en": "Services", "de": "Dienste"}


def test_an_area_in_use_is_not_deleted(client, network_admin, authority, services_area):
    client.force_login(network_admin)
    response = client.post(
        reverse("network:reference-area-delete", args=[services_area.pk]), follow=True
    )
    assert "is in use" in response.content.decode()
    assert LegislativeArea.objects.filter(pk=services_area.pk).exists()


def test_an_area_used_only_by_a_question_set_is_not_deleted(network_admin):
    area = LegislativeAreaFactory(code="lonely")
    QuestionSet.objects.create(code="qs", area=area, titles={"en": "Q"})
    with pytest.raises(ApplicationError):
        reference.area_delete(actor=network_admin, area=area)


def test_an_unused_area_is_deleted_with_its_keywords(client, network_admin):
    area = LegislativeAreaFactory(code="unused")
    KeywordFactory(area=area, code="kw")
    client.force_login(network_admin)
    response = client.post(reverse("network:reference-area-delete", args=[area.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("network:reference-areas")
    assert "has been deleted" in response.content.decode()
    assert not LegislativeArea.objects.filter(code="unused").exists()
    assert not Keyword.objects.filter(code="kw").exists()


def test_keywords_added_edited_and_deleted(client, network_admin, services_area):
    client.force_login(network_admin)
    response = client.post(
        reverse("network:reference-keyword-create", args=[services_area.pk]),
        {"code": "licences", "name_en": "Licences", "name_nl": "Vergunningen"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "network:reference-area", args=[services_area.pk]
    )
    assert "The keyword Licences has been added." in response.content.decode()
    keyword = Keyword.objects.get(code="licences")
    response = client.post(
        reverse("network:reference-keyword", args=[keyword.pk]),
        {"position": "3", "name_en": "Licences and permits"},
    )
    keyword.refresh_from_db()
    assert (keyword.names, keyword.position) == ({"en": "Licences and permits"}, 3)
    client.post(reverse("network:reference-keyword-delete", args=[keyword.pk]))
    assert not Keyword.objects.filter(pk=keyword.pk).exists()


def test_a_keyword_in_use_is_not_deleted(client, network_admin, authority, services_area, keyword):
    preferences = AreaPreferencesFactory._meta.model.objects.get(
        authority=authority, area=services_area
    )
    preferences.keywords.add(keyword)
    client.force_login(network_admin)
    response = client.post(
        reverse("network:reference-keyword-delete", args=[keyword.pk]), follow=True
    )
    assert "Authorities have chosen this keyword" in response.content.decode()
    assert Keyword.objects.filter(pk=keyword.pk).exists()


def test_policy_areas_added_and_edited(client, network_admin):
    client.force_login(network_admin)
    client.post(
        reverse("network:reference-policy-area-create"),
        {"code": "environment", "name_en": "Environment"},
    )
    policy_area = PolicyArea.objects.get(code="environment")
    client.post(
        reverse("network:reference-policy-area", args=[policy_area.pk]),
        {"position": "2", "name_en": "Environment", "name_bg": "Околна среда"},
    )
    policy_area.refresh_from_db()
    assert policy_area.names["bg"] == "Околна среда"


@pytest.mark.parametrize("who", ["lda", "coordinator_lda", "handler"])
def test_the_services_refuse_anyone_but_the_network_administrator(request, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        reference.area_create(actor=actor, code="x", names={"en": "X"})
    with pytest.raises(PermissionDenied):
        reference.policy_area_create(actor=actor, code="x", names={"en": "X"})
    assert not LegislativeArea.objects.filter(code="x").exists()


def test_a_write_moves_the_directory_cache_version(
    network_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        reference.area_create(actor=network_admin, code="x", names={"en": "X"})
    assert callbacks
