"""Each request event records how the actor acted (``exchange.via``): through the web, or
through the API and with which token; a job's change says neither. The history page and the
API timeline show it; nothing else about the event changes with the way in."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from openimi.api import tokens
from openimi.exchange import services
from openimi.exchange.models import RequestEvent
from openimi.exchange.workflow import State

pytestmark = pytest.mark.django_db

NAME = "Zaaksysteem «Köln» 連携"


def _api(user, name=NAME):
    client = APIClient()
    token = tokens.token_create(actor=user, user=user, name=name)
    client.credentials(HTTP_AUTHORIZATION="Bearer " + token.secret)
    return client, token.token


def _accepted(info_request) -> RequestEvent:
    return info_request.events.get(code="request.accepted")


def _shape(event: RequestEvent) -> dict:
    """What the event says apart from when, which and how."""
    return {
        "code": event.code,
        "actor": event.actor_id,
        "actor_authority": event.actor_authority_id,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "audience": event.audience,
        "data": event.data,
    }


def test_a_change_on_the_web_page_records_web(client, world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    client.force_login(world["resp_handler"])
    response = client.post(
        reverse("exchange:accept", args=[info_request.pk]),
        {"day": "", "month": "", "year": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("exchange:detail", args=[info_request.pk])
    event = _accepted(info_request)
    assert (event.via, event.api_token_id) == ("web", None)
    assert "via the API" not in response.text


def test_a_change_through_the_api_records_the_token(client, world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    api, token = _api(world["resp_handler"])
    response = api.post(f"/api/v1/requests/{info_request.pk}/accept/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    event = _accepted(info_request)
    assert (event.via, event.api_token_id) == ("api", token.pk)

    # The requester's history page says how (the token's name as typed, escaped).
    client.force_login(world["handler"])
    page = client.get(reverse("exchange:detail", args=[info_request.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "via the API (token Zaaksysteem «Köln» 連携)" in page.text

    # The API timeline too: the API's own change and the web's earlier ones (sent) apart.
    own, _ = _api(world["handler"], name="timeline")
    timeline = own.get(f"/api/v1/requests/{info_request.pk}/timeline/").json()
    by_code = {entry["code"]: entry for entry in timeline}
    assert by_code["request.accepted"]["via"] == "api"
    assert by_code["request.accepted"]["api_token"] == NAME
    assert by_code["request.sent"]["via"] == ""  # made by the fixture's service call: a job
    assert by_code["request.sent"]["api_token"] is None


def test_the_way_in_changes_nothing_else(client, world, make_request):
    by_web = make_request(State.AWAITING_ACCEPTANCE)
    by_api = make_request(State.AWAITING_ACCEPTANCE)
    client.force_login(world["resp_handler"])
    client.post(reverse("exchange:accept", args=[by_web.pk]), {"day": "", "month": "", "year": ""})
    api, _token = _api(world["resp_handler"])
    assert api.post(f"/api/v1/requests/{by_api.pk}/accept/").status_code == 200
    assert _shape(_accepted(by_web)) == _shape(_accepted(by_api))
    by_web.refresh_from_db()
    by_api.refresh_from_db()
    assert by_web.status == by_api.status == State.ACCEPTED


def test_the_api_in_a_browser_session_records_the_api_without_a_token(client, world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    client.force_login(world["resp_handler"])
    response = client.post(f"/api/v1/requests/{info_request.pk}/accept/")
    assert response.status_code == 200, response.content
    event = _accepted(info_request)
    assert (event.via, event.api_token_id) == ("api", None)
    client.force_login(world["handler"])
    page = client.get(reverse("exchange:detail", args=[info_request.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "via the API" in page.text and "(token" not in page.text


def test_a_job_records_neither_and_an_api_call_does_not_leak_into_it(world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    api, _token = _api(world["resp_handler"])
    assert api.get(f"/api/v1/requests/{info_request.pk}/").status_code == 200
    services.request_accept(info_request=info_request, actor=world["resp_handler"])
    event = _accepted(info_request)
    assert (event.via, event.api_token_id) == ("", None)


def test_a_deleted_token_leaves_the_api_named(client, world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    api, token = _api(world["resp_handler"])
    assert api.post(f"/api/v1/requests/{info_request.pk}/accept/").status_code == 200
    token.delete()
    event = _accepted(info_request)
    assert (event.via, event.api_token_id) == ("api", None)


def test_the_history_says_it_in_dutch(client, world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    api, _token = _api(world["resp_handler"], name="Koppeling")
    assert api.post(f"/api/v1/requests/{info_request.pk}/accept/").status_code == 200
    client.force_login(world["handler"])
    client.cookies["django_language"] = "nl"
    page = client.get(reverse("exchange:detail", args=[info_request.pk]))
    assert "via de API (token Koppeling)" in page.text
