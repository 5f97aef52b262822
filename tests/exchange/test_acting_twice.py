"""A step taken twice by the same person says "by you", not "by someone else" (issue 15,
item 13): a double click, a second tab, a retried API call. Someone else who was a moment too
late still reads "by someone else".
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from openimi.exchange import services
from openimi.exchange.workflow import State, TransitionNotAllowed
from tests.exchange.conftest import answer_all

pytestmark = pytest.mark.django_db


def _accept(w, ir, user):
    return services.request_accept(info_request=ir, actor=user)


# name -> (start state, make_request options, who acts, the step, who else could have)
STEPS = {
    "approve": (
        State.AWAITING_APPROVAL,
        {},
        "coord_handler",
        lambda w, ir, u: services.request_approve(info_request=ir, actor=u),
        None,
    ),
    "accept": (State.AWAITING_ACCEPTANCE, {}, "resp_handler", _accept, "resp_handler2"),
    "reject": (
        State.AWAITING_ACCEPTANCE,
        {},
        "resp_handler",
        lambda w, ir, u: services.request_reject(info_request=ir, actor=u, reason="outside_scope"),
        "resp_handler2",
    ),
    "request_info": (
        State.ACCEPTED,
        {},
        "resp_handler",
        lambda w, ir, u: services.request_request_info(
            info_request=ir, actor=u, text="Which branch?", language="en"
        ),
        "resp_handler2",
    ),
    "provide_info": (
        State.AWAITING_INFORMATION,
        {},
        "handler",
        lambda w, ir, u: services.request_provide_info(
            info_request=ir, actor=u, text="Den Bosch.", language="en"
        ),
        "handler2",
    ),
    "answer": (
        State.ACCEPTED,
        {},
        "resp_handler",
        lambda w, ir, u: services.request_answer(info_request=ir, actor=u),
        "resp_handler2",
    ),
    "accept_answer": (
        State.ANSWERED,
        {},
        "handler",
        lambda w, ir, u: services.request_accept_answer(info_request=ir, actor=u),
        "handler2",
    ),
    "ask_follow_up": (
        State.ANSWERED,
        {},
        "handler",
        lambda w, ir, u: services.request_ask_follow_up(
            info_request=ir, actor=u, text="And since when?", language="en"
        ),
        "handler2",
    ),
    "withdraw": (
        State.ACCEPTED,
        {},
        "handler",
        lambda w, ir, u: services.request_withdraw(info_request=ir, actor=u),
        "handler2",
    ),
}


@pytest.mark.parametrize("name", list(STEPS))
def test_the_same_user_is_told_they_did_it_already(world, make_request, name):
    start, options, actor, step, other = STEPS[name]
    world.set_prefs(world.responding, may_reject=True)
    info_request = make_request(start, **options)
    if name == "answer":
        answer_all(world, info_request, world[actor])
    step(world, info_request, world[actor])
    with pytest.raises(TransitionNotAllowed) as again:
        step(world, info_request, world[actor])
    assert re.search(r"by you\.$|^You already ", again.value.message)
    assert "someone else" not in again.value.message.lower()
    if other is not None:
        with pytest.raises(TransitionNotAllowed) as late:
            step(world, info_request, world[other])
        assert re.search(r"by someone else\.$|^Someone else already ", late.value.message)


def test_accepting_twice_on_the_page_says_you_accepted_it(client, world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    url = reverse("exchange:accept", args=[info_request.pk])
    client.force_login(world["resp_handler"])
    first = client.post(url, {"day": "", "month": "", "year": ""}, follow=True)
    assert "You accepted the request." in first.text
    second = client.post(url, {"day": "", "month": "", "year": ""}, follow=True)
    assert second.status_code == 200
    assert second.redirect_chain[-1][0] == reverse("exchange:detail", args=[info_request.pk])
    assert "This request was already accepted by you." in second.text
    assert "someone else" not in second.text
    info_request.refresh_from_db()
    assert info_request.status == State.ACCEPTED
    assert info_request.events.filter(code="request.accepted").count() == 1


def test_accepting_twice_in_dutch(world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    _accept(world, info_request, world["resp_handler"])
    with translation.override("nl"), pytest.raises(TransitionNotAllowed) as again:
        _accept(world, info_request, world["resp_handler"])
    assert again.value.message == "Dit verzoek is al door u aanvaard."


def test_accepting_twice_through_the_api(world, make_request):
    from rest_framework.test import APIClient

    from tests.api.conftest import bearer

    info_request = make_request(State.AWAITING_ACCEPTANCE)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=bearer(world["resp_handler"]))
    url = f"/api/v1/requests/{info_request.pk}/accept/"
    assert api.post(url).status_code == 200
    again = api.post(url)
    assert again.status_code == 409
    assert "already accepted by you" in again.json()["detail"]
