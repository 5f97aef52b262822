"""The request state machine as data (DESIGN rule 2): ``(state, transition) -> state``.

``TABLE`` is the whole workflow. Services call ``next_status`` after locking the request and
before changing it; a pair that is not in the table raises ``TransitionNotAllowed`` with a
message fit for the user (typically: someone else acted on the request a moment earlier).

Choices made where DESIGN.md leaves room:

- Coordinator approval is a state of its own on each side: ``awaiting_approval`` for an
  outgoing request, ``answer_awaiting_approval`` for an answer. The table stays a plain
  mapping because sending and answering are two transitions each: ``send`` /
  ``send_for_approval`` and ``answer`` / ``answer_for_approval``. The service picks one from
  the authority's preferences (read by the policy); the table says where each leads.
- ``approve`` and ``return`` act on both approval states; ``return`` sends the item back to
  where it was written (the draft, or the accepted request whose answer is being written).
- Work that changes no status is in the table as a self-loop, so that "may this happen now?"
  has one answer: editing a draft (``edit_draft``), saving answers (``edit_answer``),
  allocating, referring to the coordinator and ending the mediation. Referring sets the
  mediation flag; it is allowed in every open state after the request has left the
  requesting authority (referring while one's own coordinator is approving makes no sense).
- Withdrawing is allowed in every open state, including while the outgoing request awaits
  approval. A draft is not withdrawn but deleted (``request_delete_draft``).
- Forwarding is allowed from ``awaiting_acceptance`` (the seed: forward instead of accepting)
  and from ``accepted``; it always leads back to ``awaiting_acceptance`` at the new authority.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openimi.common.errors import ApplicationError


class State(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    AWAITING_APPROVAL = "awaiting_approval", gettext_lazy("Awaiting coordinator approval")
    AWAITING_ACCEPTANCE = "awaiting_acceptance", gettext_lazy("Awaiting acceptance")
    ACCEPTED = "accepted", gettext_lazy("Accepted")
    AWAITING_INFORMATION = "awaiting_information", gettext_lazy("Awaiting information")
    ANSWER_AWAITING_APPROVAL = (
        "answer_awaiting_approval",
        gettext_lazy("Answer awaiting coordinator approval"),
    )
    ANSWERED = "answered", gettext_lazy("Answered")
    CLOSED = "closed", gettext_lazy("Closed")
    REJECTED = "rejected", gettext_lazy("Rejected")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")


class Transition(models.TextChoices):
    EDIT_DRAFT = "edit_draft", gettext_lazy("edit the draft")
    SEND = "send", gettext_lazy("send")
    SEND_FOR_APPROVAL = "send_for_approval", gettext_lazy("send for approval")
    APPROVE = "approve", gettext_lazy("approve")
    RETURN = "return", gettext_lazy("return")
    ACCEPT = "accept", gettext_lazy("accept")
    FORWARD = "forward", gettext_lazy("forward")
    REJECT = "reject", gettext_lazy("reject")
    ALLOCATE = "allocate", gettext_lazy("allocate")
    REQUEST_INFO = "request_info", gettext_lazy("ask for information")
    PROVIDE_INFO = "provide_info", gettext_lazy("provide information")
    EDIT_ANSWER = "edit_answer", gettext_lazy("edit the answers")
    ANSWER = "answer", gettext_lazy("answer")
    ANSWER_FOR_APPROVAL = "answer_for_approval", gettext_lazy("send the answer for approval")
    ACCEPT_ANSWER = "accept_answer", gettext_lazy("accept the answer")
    ASK_FOLLOW_UP = "ask_follow_up", gettext_lazy("ask a follow-up question")
    WITHDRAW = "withdraw", gettext_lazy("withdraw")
    REFER_TO_COORDINATOR = "refer_to_coordinator", gettext_lazy("refer to the coordinator")
    END_MEDIATION = "end_mediation", gettext_lazy("end the mediation")


S, T = State, Transition

# States in which the request is still being worked on (it can be withdrawn).
OPEN_STATES: frozenset[State] = frozenset(
    {
        S.AWAITING_APPROVAL,
        S.AWAITING_ACCEPTANCE,
        S.ACCEPTED,
        S.AWAITING_INFORMATION,
        S.ANSWER_AWAITING_APPROVAL,
        S.ANSWERED,
    }
)
# The end of a request: personal data retention counts from entering one of these.
FINAL_STATES: frozenset[State] = frozenset({S.CLOSED, S.REJECTED, S.WITHDRAWN})
# States in which the request has not reached the responding authority.
BEFORE_RESPONDER: frozenset[State] = frozenset({S.DRAFT, S.AWAITING_APPROVAL})
# Open states after the request reached the responding authority.
WITH_RESPONDER: frozenset[State] = OPEN_STATES - BEFORE_RESPONDER

TABLE: dict[tuple[State, Transition], State] = {
    # Composing and sending.
    (S.DRAFT, T.EDIT_DRAFT): S.DRAFT,
    (S.DRAFT, T.SEND): S.AWAITING_ACCEPTANCE,
    (S.DRAFT, T.SEND_FOR_APPROVAL): S.AWAITING_APPROVAL,
    # Coordinator approval of the outgoing request.
    (S.AWAITING_APPROVAL, T.APPROVE): S.AWAITING_ACCEPTANCE,
    (S.AWAITING_APPROVAL, T.RETURN): S.DRAFT,
    # The responding authority decides.
    (S.AWAITING_ACCEPTANCE, T.ACCEPT): S.ACCEPTED,
    (S.AWAITING_ACCEPTANCE, T.FORWARD): S.AWAITING_ACCEPTANCE,
    (S.AWAITING_ACCEPTANCE, T.REJECT): S.REJECTED,
    (S.ACCEPTED, T.FORWARD): S.AWAITING_ACCEPTANCE,
    # More information from the requesting authority.
    (S.ACCEPTED, T.REQUEST_INFO): S.AWAITING_INFORMATION,
    (S.AWAITING_INFORMATION, T.PROVIDE_INFO): S.ACCEPTED,
    # Answering (answers may be prepared while waiting for information).
    (S.ACCEPTED, T.EDIT_ANSWER): S.ACCEPTED,
    (S.AWAITING_INFORMATION, T.EDIT_ANSWER): S.AWAITING_INFORMATION,
    (S.ACCEPTED, T.ANSWER): S.ANSWERED,
    (S.ACCEPTED, T.ANSWER_FOR_APPROVAL): S.ANSWER_AWAITING_APPROVAL,
    (S.ANSWER_AWAITING_APPROVAL, T.APPROVE): S.ANSWERED,
    (S.ANSWER_AWAITING_APPROVAL, T.RETURN): S.ACCEPTED,
    # The requesting authority closes or asks more.
    (S.ANSWERED, T.ACCEPT_ANSWER): S.CLOSED,
    (S.ANSWERED, T.ASK_FOLLOW_UP): S.ACCEPTED,
    # Withdrawing: every open state.
    **{(state, T.WITHDRAW): S.WITHDRAWN for state in OPEN_STATES},
    # Allocation and mediation change no status.
    **{(state, T.ALLOCATE): state for state in WITH_RESPONDER},
    **{(state, T.REFER_TO_COORDINATOR): state for state in WITH_RESPONDER},
    **{(state, T.END_MEDIATION): state for state in WITH_RESPONDER | FINAL_STATES},
}

# What each transition would have done, to explain a refusal when someone else was quicker:
# whole sentences (by you, by someone else), so that each language can make its participle
# agree with its word for the request.
_DONE: dict[Transition, tuple[str, str]] = {
    T.SEND: (
        gettext_lazy("This request was already sent by you."),
        gettext_lazy("This request was already sent by someone else."),
    ),
    T.SEND_FOR_APPROVAL: (
        gettext_lazy("This request was already sent by you."),
        gettext_lazy("This request was already sent by someone else."),
    ),
    T.APPROVE: (
        gettext_lazy("This request was already approved by you."),
        gettext_lazy("This request was already approved by someone else."),
    ),
    T.RETURN: (
        gettext_lazy("This request was already returned by you."),
        gettext_lazy("This request was already returned by someone else."),
    ),
    T.ACCEPT: (
        gettext_lazy("This request was already accepted by you."),
        gettext_lazy("This request was already accepted by someone else."),
    ),
    T.REJECT: (
        gettext_lazy("This request was already rejected by you."),
        gettext_lazy("This request was already rejected by someone else."),
    ),
    T.FORWARD: (
        gettext_lazy("This request was already forwarded by you."),
        gettext_lazy("This request was already forwarded by someone else."),
    ),
    T.REQUEST_INFO: (
        gettext_lazy("You already asked for more information on this request."),
        gettext_lazy("Someone else already asked for more information on this request."),
    ),
    T.PROVIDE_INFO: (
        gettext_lazy("You already gave the information asked for on this request."),
        gettext_lazy("Someone else already gave the information asked for on this request."),
    ),
    T.ANSWER: (
        gettext_lazy("This request was already answered by you."),
        gettext_lazy("This request was already answered by someone else."),
    ),
    T.ANSWER_FOR_APPROVAL: (
        gettext_lazy("This request was already answered by you."),
        gettext_lazy("This request was already answered by someone else."),
    ),
    T.ACCEPT_ANSWER: (
        gettext_lazy("This request was already closed by you."),
        gettext_lazy("This request was already closed by someone else."),
    ),
    T.ASK_FOLLOW_UP: (
        gettext_lazy("You already asked a follow-up question on this request."),
        gettext_lazy("Someone else already asked a follow-up question on this request."),
    ),
    T.WITHDRAW: (
        gettext_lazy("This request was already withdrawn by you."),
        gettext_lazy("This request was already withdrawn by someone else."),
    ),
}


class TransitionNotAllowed(ApplicationError):  # noqa: N818 - the name DESIGN.md uses
    """The request's status does not allow this step (now): the table has no such pair."""

    def __init__(self, message: str, *, state: State, transition: Transition):
        super().__init__(message)
        self.state = state
        self.transition = transition


def allowed(state: str, transition: str) -> bool:
    """Whether the table has ``(state, transition)``."""
    return (State(state), Transition(transition)) in TABLE


def next_status(state: str, transition: str, *, done_by_actor: bool = False) -> State:
    """The state ``transition`` leads to from ``state``; raises ``TransitionNotAllowed``.
    ``done_by_actor``: the request's last change of status was the actor's own, so a refusal
    tells them that they did it already (a double click, a second tab, a retried call)."""
    state, transition = State(state), Transition(transition)
    try:
        return TABLE[(state, transition)]
    except KeyError:
        raise TransitionNotAllowed(
            _refusal(state, transition, done_by_actor=done_by_actor),
            state=state,
            transition=transition,
        ) from None


def transitions_from(state: str) -> list[Transition]:
    """The transitions the table allows from ``state``, in declaration order."""
    state = State(state)
    return [transition for transition in Transition if (state, transition) in TABLE]


def _refusal(state: State, transition: Transition, *, done_by_actor: bool = False) -> str:
    """A message saying why, phrased for the person who was a moment too late (or who did it
    already: ``done_by_actor``)."""
    done = _DONE.get(transition)
    would_reach = {target for (_, t), target in TABLE.items() if t == transition}
    if done and (state in would_reach or state in FINAL_STATES):
        by_you, by_someone_else = done
        if state in would_reach:
            return str(by_you if done_by_actor else by_someone_else)
        return _("This request's status is “%(state)s”: it can no longer be changed.") % {
            "state": state.label
        }
    return _(
        "This cannot be done while the request is “%(state)s”. Someone may have acted on it "
        "at the same moment: reload the request to see its current status."
    ) % {"state": state.label}
