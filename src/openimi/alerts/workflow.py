"""The alert's state machine as data (DESIGN rule 2), beside the request's: ``(state,
transition) -> state`` for the alert, and the same for each recipient country's progress.

An alert is one-to-many: a handler of a competent authority writes it, the alert coordinator
of the sender's country for the area validates it before it leaves the country, and the alert
coordinators of the recipient countries receive it, acknowledge it and pass it to their
competent authorities.

    draft ─submit─▶ awaiting_validation ─validate─▶ sent        (─return─▶ draft)
    sent ─propose_update─▶ sent; sent | closure_proposed ─validate_update / return_update─▶ itself
    sent ─propose_closure─▶ closure_proposed ─validate_closure─▶ closed
                            closure_proposed ─return_closure─▶ sent
    awaiting_validation | sent | closure_proposed ─withdraw─▶ withdrawn

Each recipient country (``AlertRecipient``):

    received ─acknowledge─▶ acknowledged ─distribute─▶ distributed (─distribute─▶ more)
    received ─distribute─▶ distributed (distributing acknowledges)

Choices made where the issue leaves room:

- An update (new information) is an ``AlertUpdate`` with its own validation; the alert stays
  ``sent`` while it waits, so recipients keep working on what was validated.
- Closing is proposed by the sender and validated by the same coordinator that validated the
  alert; the coordinator may send the proposal back (``return_closure``).
- Withdrawing (the alert was sent in error) ends it at once, by the sender or its coordinator.
- Recipients act while the alert is ``sent`` or ``closure_proposed``; a closed or withdrawn
  alert is read-only for everyone.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from openimi.common.errors import ApplicationError


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("status of an alert", "Draft")
    AWAITING_VALIDATION = (
        "awaiting_validation",
        pgettext_lazy("status of an alert", "Awaiting validation"),
    )
    SENT = "sent", pgettext_lazy("status of an alert", "Sent")
    CLOSURE_PROPOSED = "closure_proposed", pgettext_lazy("status of an alert", "Closure proposed")
    CLOSED = "closed", pgettext_lazy("status of an alert", "Closed")
    WITHDRAWN = "withdrawn", pgettext_lazy("status of an alert", "Withdrawn")


class Transition(models.TextChoices):
    EDIT_DRAFT = "edit_draft", gettext_lazy("edit the draft")
    SUBMIT = "submit", gettext_lazy("submit for validation")
    VALIDATE = "validate", gettext_lazy("validate and send")
    RETURN = "return", gettext_lazy("return to the sender")
    PROPOSE_UPDATE = "propose_update", gettext_lazy("add new information")
    VALIDATE_UPDATE = "validate_update", gettext_lazy("validate the new information")
    RETURN_UPDATE = "return_update", gettext_lazy("return the new information")
    PROPOSE_CLOSURE = "propose_closure", gettext_lazy("propose closure")
    VALIDATE_CLOSURE = "validate_closure", gettext_lazy("close the alert")
    RETURN_CLOSURE = "return_closure", gettext_lazy("refuse the closure")
    WITHDRAW = "withdraw", gettext_lazy("withdraw")
    # Recipient countries' work: the alert's status stays what it is.
    ACKNOWLEDGE = "acknowledge", gettext_lazy("acknowledge receipt")
    DISTRIBUTE = "distribute", gettext_lazy("distribute to authorities")


class RecipientState(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("status of an alert in a recipient country", "Received")
    ACKNOWLEDGED = (
        "acknowledged",
        pgettext_lazy("status of an alert in a recipient country", "Acknowledged"),
    )
    DISTRIBUTED = (
        "distributed",
        pgettext_lazy("status of an alert in a recipient country", "Distributed"),
    )


S, T, R = State, Transition, RecipientState

# The alert is out in the other countries.
LIVE_STATES: frozenset[State] = frozenset({S.SENT, S.CLOSURE_PROPOSED})
# Still being worked on (can be withdrawn).
OPEN_STATES: frozenset[State] = frozenset({S.AWAITING_VALIDATION, *LIVE_STATES})
# The end of an alert: personal-data retention counts from entering one of these.
FINAL_STATES: frozenset[State] = frozenset({S.CLOSED, S.WITHDRAWN})
# States in which the alert has not left the sender's country.
BEFORE_SENDING: frozenset[State] = frozenset({S.DRAFT, S.AWAITING_VALIDATION})

TABLE: dict[tuple[State, Transition], State] = {
    (S.DRAFT, T.EDIT_DRAFT): S.DRAFT,
    (S.DRAFT, T.SUBMIT): S.AWAITING_VALIDATION,
    (S.AWAITING_VALIDATION, T.VALIDATE): S.SENT,
    (S.AWAITING_VALIDATION, T.RETURN): S.DRAFT,
    (S.SENT, T.PROPOSE_UPDATE): S.SENT,
    **{(state, T.VALIDATE_UPDATE): state for state in LIVE_STATES},
    **{(state, T.RETURN_UPDATE): state for state in LIVE_STATES},
    (S.SENT, T.PROPOSE_CLOSURE): S.CLOSURE_PROPOSED,
    (S.CLOSURE_PROPOSED, T.VALIDATE_CLOSURE): S.CLOSED,
    (S.CLOSURE_PROPOSED, T.RETURN_CLOSURE): S.SENT,
    **{(state, T.WITHDRAW): S.WITHDRAWN for state in OPEN_STATES},
    **{(state, T.ACKNOWLEDGE): state for state in LIVE_STATES},
    **{(state, T.DISTRIBUTE): state for state in LIVE_STATES},
}

RECIPIENT_TABLE: dict[tuple[RecipientState, Transition], RecipientState] = {
    (R.RECEIVED, T.ACKNOWLEDGE): R.ACKNOWLEDGED,
    (R.RECEIVED, T.DISTRIBUTE): R.DISTRIBUTED,
    (R.ACKNOWLEDGED, T.DISTRIBUTE): R.DISTRIBUTED,
    (R.DISTRIBUTED, T.DISTRIBUTE): R.DISTRIBUTED,
}


class TransitionNotAllowed(ApplicationError):  # noqa: N818 - the name exchange uses too
    """The alert's (or the recipient country's) status does not allow this step now."""


def allowed(state: str, transition: str) -> bool:
    return (State(state), Transition(transition)) in TABLE


def next_status(state: str, transition: str) -> State:
    """The state ``transition`` leads to; raises ``TransitionNotAllowed`` with a sentence for
    the person who was a moment too late."""
    state, transition = State(state), Transition(transition)
    try:
        return TABLE[(state, transition)]
    except KeyError:
        raise TransitionNotAllowed(_refusal(state.label)) from None


def next_recipient_status(state: str, transition: str) -> RecipientState:
    state, transition = RecipientState(state), Transition(transition)
    try:
        return RECIPIENT_TABLE[(state, transition)]
    except KeyError:
        raise TransitionNotAllowed(_refusal(state.label)) from None


def transitions_from(state: str) -> list[Transition]:
    state = State(state)
    return [transition for transition in Transition if (state, transition) in TABLE]


def _refusal(label: str) -> str:
    return _(
        "This cannot be done while the alert is “%(state)s”. Someone may have acted on it at "
        "the same moment: reload the alert to see its current status."
    ) % {"state": label}
