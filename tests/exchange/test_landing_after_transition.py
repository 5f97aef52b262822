"""After a step that takes the request out of the user's reach, the user lands on a list with
a confirmation, never on "Page not found" (issue 15, item 8). The class: every step of the
request page is followed by a check whether the user may still open the request.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from openimi.exchange.workflow import State

pytestmark = pytest.mark.django_db

GONE = "You can no longer open request"


def _follow(client, user, step, info_request, data):
    client.force_login(user)
    response = client.post(reverse(f"exchange:{step}", args=[info_request.pk]), data, follow=True)
    assert response.status_code == 200, "the user must never land on 'Page not found'"
    assert all(status != 404 for _url, status in response.redirect_chain)
    return response


def test_forwarding_lands_on_the_incoming_list(client, world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    response = _follow(
        client,
        world["resp_handler"],
        "forward",
        info_request,
        {"to_authority": world.target.pk, "text": "Not ours.", "language": "en"},
    )
    assert response.redirect_chain[-1][0] == reverse("exchange:list")
    assert "The request was forwarded." in response.text
    assert f"{GONE} {info_request.reference}" in response.text
    # The list no longer offers it, and the confirmation is said once.
    assert reverse("exchange:detail", args=[info_request.pk]) not in response.text
    assert client.get(reverse("exchange:list")).text.count("The request was forwarded.") == 0
    info_request.refresh_from_db()
    assert info_request.responding_authority == world.target


def test_forwarding_after_accepting_lands_on_the_incoming_list(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    response = _follow(
        client,
        world["resp_handler"],
        "forward",
        info_request,
        {"to_authority": world.target.pk, "text": "", "language": "en"},
    )
    assert response.redirect_chain[-1][0] == reverse("exchange:list")
    assert "The request was forwarded." in response.text


def test_a_coordinator_returning_a_request_lands_on_its_overview(client, world, make_request):
    """Returned, the request is a draft of the requesting authority again: its coordinator
    no longer sees it."""
    info_request = make_request(State.AWAITING_APPROVAL)
    response = _follow(
        client,
        world["coord_handler"],
        "return",
        info_request,
        {"text": "Explain why you need the licence.", "language": "en"},
    )
    assert response.redirect_chain[-1][0] == reverse("exchange:coordinator_overview")
    assert "Returned." in response.text
    assert GONE in response.text
    info_request.refresh_from_db()
    assert info_request.status == State.DRAFT


def test_forwarding_in_dutch(client, world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    client.force_login(world["resp_handler"])
    response = client.post(
        reverse("exchange:forward", args=[info_request.pk]),
        {"to_authority": world.target.pk, "text": "", "language": "de"},
        headers={"accept-language": "nl"},
        follow=True,
    )
    assert response.status_code == 200
    assert f"U kunt verzoek {info_request.reference} niet meer openen" in response.text


@pytest.mark.parametrize(
    ("start", "options", "actor", "step", "data"),
    [
        (State.AWAITING_ACCEPTANCE, {}, "resp_handler", "accept", {"day": "", "month": ""}),
        (
            State.AWAITING_ACCEPTANCE,
            {"allocation": True},
            "resp_allocator",
            "allocate",
            {"handlers": "resp_handler2"},
        ),
        (State.ACCEPTED, {}, "handler", "withdraw", {"text": "", "language": "en"}),
        (State.AWAITING_APPROVAL, {}, "coord_handler", "approve", {}),
    ],
    ids=["accept", "allocate to another", "withdraw", "approve"],
)
def test_a_step_that_keeps_the_request_in_reach_lands_on_it(
    client, world, make_request, start, options, actor, step, data
):
    info_request = make_request(start, **options)
    if "handlers" in data:
        data = {"handlers": [world[data["handlers"]].pk]}
    response = _follow(client, world[actor], step, info_request, data)
    assert response.redirect_chain[-1][0] == reverse("exchange:detail", args=[info_request.pk])
    assert GONE not in response.text
