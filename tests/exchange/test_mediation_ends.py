"""Closing, withdrawing or rejecting a request ends its mediation (issue 15, item 5).

Before, the request read "Closed – in mediation by the coordinator" and the mediation form
stayed. Each of the three ways to a final state is driven through its page by the user who
takes it; then the coordinator's page is checked as the coordinator reads it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from openimi.exchange import events, services
from openimi.exchange.models import InformationRequest, RequestEvent
from openimi.exchange.workflow import FINAL_STATES, State
from openimi.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

REFERRAL = "No answer yet."  # the requester's referral message (make_request)

# final state -> (the state to start from, who acts, the step's URL name, its form, the message)
ENDINGS = {
    State.CLOSED: (
        State.ANSWERED,
        "handler",
        "accept_answer",
        {},
        "You accepted the answer. The request is closed.",
    ),
    State.WITHDRAWN: (
        State.ACCEPTED,
        "handler",
        "withdraw",
        {"text": "", "language": "en"},
        "The request was withdrawn.",
    ),
    State.REJECTED: (
        State.AWAITING_ACCEPTANCE,
        "resp_handler",
        "reject",
        {"reason": "outside_scope", "text": "", "language": "en"},
        "The request was rejected.",
    ),
}


def test_every_final_state_is_covered():
    assert set(ENDINGS) == FINAL_STATES


@pytest.mark.parametrize("final", list(ENDINGS), ids=str)
def test_reaching_a_final_state_ends_the_mediation(client, world, make_request, final):
    start, actor, step, form, message = ENDINGS[final]
    world.set_prefs(world.responding, may_reject=True)
    info_request = make_request(start, referred=True)
    assert info_request.referred_to_coordinator
    mediator = world["coord_handler"]  # the requester's coordinator mediates (make_request)

    client.force_login(world[actor])
    landed = client.post(reverse(f"exchange:{step}", args=[info_request.pk]), form, follow=True)
    assert landed.status_code == 200
    assert message in landed.text
    assert "in mediation by the coordinator" not in landed.text

    info_request.refresh_from_db()
    assert info_request.status == final
    assert not info_request.referred_to_coordinator
    codes = list(
        info_request.events.exclude(audience=RequestEvent.Audience.AUDIT)
        .order_by("pk")
        .values_list("code", flat=True)
    )
    assert codes[-1] == events.MEDIATION_ENDED_WITH_REQUEST
    assert codes[-2] in (events.ANSWER_ACCEPTED, events.WITHDRAWN, events.REJECTED)
    # The coordinator is told that the mediation it held has ended.
    told = OutboxMessage.objects.filter(
        event_code=events.MEDIATION_ENDED_WITH_REQUEST, recipient_email=mediator.email
    )
    assert told.count() == 1
    assert told.get().language == mediator.language == "nl"  # in the coordinator's language
    assert "de bemiddeling is beëindigd" in told.get().body_text

    client.force_login(mediator)
    page = client.get(reverse("exchange:detail", args=[info_request.pk]))
    assert page.status_code == 200
    assert "in mediation by the coordinator" not in page.text
    assert "Mediation ended with the request" in page.text  # the history says why
    assert REFERRAL in page.text  # the thread stays readable
    assert "Add message" not in page.text
    assert "End the mediation" not in page.text
    refused = client.post(
        reverse("exchange:mediate", args=[info_request.pk]), {"text": "Hello?", "language": "en"}
    )
    assert refused.status_code == 404
    assert info_request.mediation_messages.count() == 1


def test_a_request_not_in_mediation_records_no_mediation_event(world, make_request):
    info_request = make_request(State.ANSWERED)
    services.request_accept_answer(info_request=info_request, actor=world["handler"])
    codes = set(info_request.events.values_list("code", flat=True))
    assert events.MEDIATION_ENDED_WITH_REQUEST not in codes
    assert events.ANSWER_ACCEPTED in codes


def test_a_request_closed_in_mediation_before_the_fix_takes_no_more_messages(
    client, world, make_request
):
    """Rows closed before this fix may still carry the flag: the thread takes no message and
    the page does not call the request "in mediation"; the coordinator can still end it."""
    info_request = make_request(State.CLOSED)
    InformationRequest.objects.filter(pk=info_request.pk).update(
        referred_to_coordinator=True, mediating_coordinator=world.coordinator
    )
    mediator = world["coord_handler"]
    client.force_login(mediator)
    page = client.get(reverse("exchange:detail", args=[info_request.pk]))
    assert "in mediation by the coordinator" not in page.text
    assert "Add message" not in page.text
    refused = client.post(
        reverse("exchange:mediate", args=[info_request.pk]), {"text": "Hello?", "language": "en"}
    )
    assert refused.status_code == 404
    services.request_end_mediation(info_request=info_request, actor=mediator)
    info_request.refresh_from_db()
    assert not info_request.referred_to_coordinator
