"""National helpdesk contacts (issue 19, item 7): who may change which country's, the form's
answers to bad input, saving unchanged, and the public pages that show them."""

import pytest
from django.urls import reverse

from openimi.access.policy import Action
from openimi.common.errors import ApplicationError
from openimi.onboarding import services
from openimi.onboarding.models import HelpdeskContact
from tests.common.test_edit_round_trip import stored, submit_as_shown

pytestmark = pytest.mark.django_db

LIST = reverse("network:help_contacts")


def _edit(code="nl"):
    return reverse("network:help_contact", kwargs={"country_code": code})


@pytest.fixture
def nl_languages(nl):
    nl.languages.add("nl")
    return nl


@pytest.fixture
def nl_helpdesk(nl_languages, network_admin):
    return services.helpdesk_contact_save(
        actor=network_admin,
        country=nl_languages,
        names={"en": "IMI helpdesk Netherlands", "nl": "IMI-helpdesk Nederland"},
        notes={"en": "Working days 9:00–17:00", "nl": "Werkdagen 9.00–17.00 uur"},
        email="imi-helpdesk@example.nl",
        phone="+31 70 123 4567",
        website="https://www.example.nl/imi",
    )


def _post(client, user, code="nl", **changes):
    client.force_login(user)
    data = {
        "name_en": "IMI helpdesk",
        "name_nl": "IMI-helpdesk",
        "note_en": "",
        "note_nl": "",
        "email": "helpdesk@example.nl",
        "phone": "+31 70 000 0000",
        "website": "",
        **changes,
    }
    return client.post(_edit(code), data)


# --- Who may ---------------------------------------------------------------------------------


def test_network_admin_sees_every_country_and_edits_any(client, network_admin, nl_languages, de):
    client.force_login(network_admin)
    page = client.get(LIST).content.decode()
    assert "Netherlands" in page and "Germany" in page
    response = _post(client, network_admin, code="de", name_nl="")
    assert response.status_code == 302
    assert response.url == LIST
    contact = HelpdeskContact.objects.get(country=de)
    assert contact.names == {"en": "IMI helpdesk"}
    followed = client.get(LIST).content.decode()
    assert "has been saved" in followed and "IMI helpdesk" in followed


def test_national_coordinator_lda_sees_and_edits_its_own_country(
    client, national_coordinator_lda, nl_languages, de
):
    client.force_login(national_coordinator_lda)
    page = client.get(LIST).content.decode()
    assert "Netherlands" in page and "Germany" not in page
    assert client.get(_edit("nl")).status_code == 200
    assert _post(client, national_coordinator_lda).status_code == 302
    contact = HelpdeskContact.objects.get(country="NL")
    assert contact.names == {"en": "IMI helpdesk", "nl": "IMI-helpdesk"}
    assert contact.updated_by == national_coordinator_lda


@pytest.mark.parametrize(
    "who", ["other_coordinator_lda", "coordinator_lda", "lda", "handler", "basic_user"]
)
def test_others_get_404_for_the_dutch_contact(client, request, who, nl_languages, nl_helpdesk):
    user = request.getfixturevalue(who)
    client.force_login(user)
    delete = reverse("network:help_contact_delete", kwargs={"country_code": "nl"})
    assert client.get(_edit("nl")).status_code == 404
    assert client.post(_edit("nl"), {"name_en": "x", "email": "x@example.eu"}).status_code == 404
    assert client.post(delete).status_code == 404
    assert HelpdeskContact.objects.get(country="NL").names["en"] == "IMI helpdesk Netherlands"


@pytest.mark.parametrize("who", ["coordinator_lda", "lda", "handler"])
def test_list_is_404_for_those_who_manage_no_helpdesk(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 404


def test_other_national_coordinator_edits_only_its_own(client, other_coordinator_lda, nl):
    client.force_login(other_coordinator_lda)
    assert client.get(_edit("de")).status_code == 200
    assert client.get(_edit("nl")).status_code == 404


def test_anonymous_goes_to_login(client, nl):
    for url in (LIST, _edit("nl"), reverse("network:help_contact_delete", args=["nl"])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_unknown_country_is_404(client, network_admin):
    client.force_login(network_admin)
    assert client.get(_edit("zz")).status_code == 404


def test_service_refuses_without_the_policy(handler, nl):
    with pytest.raises(ApplicationError):
        services.helpdesk_contact_save(
            actor=handler, country=nl, names={"en": "x"}, email="x@example.eu"
        )
    assert not HelpdeskContact.objects.exists()


# --- The form --------------------------------------------------------------------------------


def test_form_offers_english_and_the_countrys_languages(client, network_admin, nl_languages):
    client.force_login(network_admin)
    page = client.get(_edit("nl")).content.decode()
    assert 'name="name_en"' in page and 'name="name_nl"' in page
    assert 'name="name_de"' not in page


def test_save_unchanged_changes_nothing(client, national_coordinator_lda, nl_helpdesk):
    client.force_login(national_coordinator_lda)
    before = stored()
    response = submit_as_shown(client, _edit("nl"))
    assert response.status_code == 302
    assert stored() == before


def test_bad_input_keeps_what_was_typed(client, network_admin, nl_languages):
    long_name = "Ω" * 10_000
    response = _post(
        client,
        network_admin,
        name_en=long_name,
        name_nl="Ελληνική υπηρεσία — Служба поддержки",
        note_en="line\x0bwith a control character",
        email="not an address",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "at most 200 characters" in page
    assert "control character" in page
    assert "Ελληνική υπηρεσία — Служба поддержки" in page
    assert not HelpdeskContact.objects.exists()


def test_greek_and_cyrillic_are_saved(client, network_admin, nl_languages):
    response = _post(client, network_admin, name_nl="Ελληνική υπηρεσία — Служба поддержки")
    assert response.status_code == 302
    assert HelpdeskContact.objects.get().names["nl"] == "Ελληνική υπηρεσία — Служба поддержки"


def test_english_name_and_a_way_to_reach_it_are_required(client, network_admin, nl_languages):
    response = _post(client, network_admin, name_en="", email="", phone="")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter an e-mail address or a telephone number" in page
    assert "Name of the helpdesk (English)" in page
    assert not HelpdeskContact.objects.exists()


def test_delete(client, network_admin, nl_helpdesk):
    client.force_login(network_admin)
    url = reverse("network:help_contact_delete", kwargs={"country_code": "nl"})
    assert "IMI helpdesk Netherlands" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert "has been removed" in response.content.decode()
    assert not HelpdeskContact.objects.exists()
    assert client.get(url).status_code == 404


def test_list_query_count_is_constant(client, network_admin, django_assert_num_queries):
    from tests.factories import CountryFactory

    client.force_login(network_admin)
    client.get(LIST)
    for code in ("NL", "DE", "BE", "FR", "IT"):
        country = CountryFactory(code=code)
        services.helpdesk_contact_save(
            actor=network_admin, country=country, names={"en": code}, email="h@example.eu"
        )
    with django_assert_num_queries(_queries(client, LIST)):
        client.get(LIST)
    for code in ("AT", "PL", "SE"):
        CountryFactory(code=code)
    with django_assert_num_queries(_queries(client, LIST)):
        assert client.get(LIST).status_code == 200


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def test_policy_matrix(network_admin, national_coordinator_lda, other_coordinator_lda, nl, de):
    from openimi.access import policy

    assert policy.can(network_admin, Action.HELP_MANAGE, nl)
    assert policy.can(national_coordinator_lda, Action.HELP_MANAGE, nl)
    assert not policy.can(national_coordinator_lda, Action.HELP_MANAGE, de)
    assert not policy.can(other_coordinator_lda, Action.HELP_MANAGE, nl)
