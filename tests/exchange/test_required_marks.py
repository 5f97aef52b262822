"""A page where everything may be left empty marks nothing required: the language of an
optional note is asked for only when a note is written (withdraw, forward, reject)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from openimi.exchange.workflow import State

pytestmark = pytest.mark.django_db


def _marked(page: str) -> list[str]:
    """The labels and legends that carry the required marker."""
    found = re.findall(r"<(?:label|legend)[^>]*>([^<]*)<span class=\"openimi-required\"", page)
    return [text.strip() for text in found]


def test_withdrawing_marks_nothing_required(client, world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    client.force_login(world["handler"])
    page = client.get(reverse("exchange:withdraw", args=[info_request.pk])).text
    assert "Reason for withdrawing (optional)" in page
    assert _marked(page) == []


def test_forwarding_marks_only_the_authority(client, world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    client.force_login(world["resp_handler"])
    page = client.get(reverse("exchange:forward", args=[info_request.pk])).text
    assert _marked(page) == ["Forward to"]


def test_rejecting_marks_only_the_ground(client, world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    world.set_prefs(world.responding, may_reject=True)
    client.force_login(world["resp_handler"])
    page = client.get(reverse("exchange:reject", args=[info_request.pk])).text
    assert _marked(page) == ["Ground for rejection"]


def test_a_required_note_still_marks_its_language(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["resp_handler"])
    page = client.get(reverse("exchange:request_info", args=[info_request.pk])).text
    assert "Language of the text" in _marked(page)


def test_an_optional_note_keeps_its_language_choice(client, world, make_request):
    """The language select has no empty option: it starts at the user's language; a note
    posted without one is taken to be in the writer's language, as the service says."""
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    client.force_login(world["handler"])
    url = reverse("exchange:withdraw", args=[info_request.pk])
    page = client.get(url).text
    select = re.search(r'<select name="language"[^>]*>(.*?)</select>', page, re.S)[1]
    assert '<option value="">' not in select
    assert re.search(r'<option value="en" selected>', select)
    response = client.post(url, {"text": "Sent by mistake.", "language": ""})
    assert response.status_code == 302
    info_request.refresh_from_db()
    assert info_request.status == State.WITHDRAWN
