"""The state table, exhaustively: as data, and through the services for every pair.

For every (state, transition): the request is brought to the state by the real services, the
transition's service is called by the person who would take it, and either the request moves
to the table's state, or the service raises (``TransitionNotAllowed`` when the actor can see
the request, ``PermissionDenied`` when not) and nothing changed.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from openimi.access import policy
from openimi.access.policy import Action
from openimi.common.errors import PermissionDenied
from openimi.exchange import services, workflow
from openimi.exchange.models import InformationRequest, RequestEvent
from openimi.exchange.workflow import (
    FINAL_STATES,
    OPEN_STATES,
    TABLE,
    State,
    Transition,
    TransitionNotAllowed,
    next_status,
)
from tests.exchange.conftest import World, answer_all

PAIRS = list(itertools.product(State, Transition))


@pytest.mark.parametrize(("state", "transition"), PAIRS, ids=lambda v: str(v))
def test_next_status_follows_the_table(state, transition):
    if (state, transition) in TABLE:
        assert next_status(state, transition) == TABLE[(state, transition)]
        assert workflow.allowed(state, transition)
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            next_status(state, transition)
        assert refused.value.message
        assert not workflow.allowed(state, transition)


S, T = State, Transition


def test_the_table_is_what_design_md_draws():
    assert TABLE[(S.DRAFT, T.SEND)] == S.AWAITING_ACCEPTANCE
    assert TABLE[(S.DRAFT, T.SEND_FOR_APPROVAL)] == S.AWAITING_APPROVAL
    assert TABLE[(S.AWAITING_APPROVAL, T.APPROVE)] == S.AWAITING_ACCEPTANCE
    assert TABLE[(S.AWAITING_ACCEPTANCE, T.ACCEPT)] == S.ACCEPTED
    assert TABLE[(S.ACCEPTED, T.FORWARD)] == S.AWAITING_ACCEPTANCE
    assert TABLE[(S.AWAITING_ACCEPTANCE, T.FORWARD)] == S.AWAITING_ACCEPTANCE
    assert TABLE[(S.AWAITING_ACCEPTANCE, T.REJECT)] == S.REJECTED
    assert TABLE[(S.ACCEPTED, T.REQUEST_INFO)] == S.AWAITING_INFORMATION
    assert TABLE[(S.AWAITING_INFORMATION, T.PROVIDE_INFO)] == S.ACCEPTED
    assert TABLE[(S.ACCEPTED, T.ANSWER)] == S.ANSWERED
    assert TABLE[(S.ACCEPTED, T.ANSWER_FOR_APPROVAL)] == S.ANSWER_AWAITING_APPROVAL
    assert TABLE[(S.ANSWER_AWAITING_APPROVAL, T.APPROVE)] == S.ANSWERED
    assert TABLE[(S.ANSWERED, T.ACCEPT_ANSWER)] == S.CLOSED
    assert TABLE[(S.ANSWERED, T.ASK_FOLLOW_UP)] == S.ACCEPTED
    for state in OPEN_STATES:
        assert TABLE[(state, T.WITHDRAW)] == S.WITHDRAWN
    # Mediation and allocation never change the status.
    for (state, transition), target in TABLE.items():
        if transition in (T.REFER_TO_COORDINATOR, T.END_MEDIATION, T.ALLOCATE):
            assert target == state
    # Nothing leaves a final state but the end of a mediation.
    for state in FINAL_STATES:
        assert workflow.transitions_from(state) == [T.END_MEDIATION]


def test_every_state_is_reachable_from_a_draft():
    reached, frontier = {State.DRAFT}, [State.DRAFT]
    while frontier:
        state = frontier.pop()
        for transition in workflow.transitions_from(state):
            target = TABLE[(state, transition)]
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(State)


def test_the_second_to_accept_is_told_someone_was_quicker():
    with pytest.raises(TransitionNotAllowed) as refused:
        next_status(State.ACCEPTED, Transition.ACCEPT)
    assert refused.value.message == "This request was already accepted by someone else."
    with pytest.raises(TransitionNotAllowed) as refused:
        next_status(State.ANSWERED, Transition.ANSWER)
    assert "already answered" in refused.value.message


# --- Every pair through the services --------------------------------------------------------

# transition -> (world user who takes it, make_request options, the call, what to set up first)
Call = Callable[[World, InformationRequest, Any], Any]


def _edit_draft(w, ir, actor):
    return services.request_update_draft(info_request=ir, actor=actor, justification="Changed.")


def _send(w, ir, actor):
    return services.request_send(info_request=ir, actor=actor)


def _needs_outgoing_approval(w, ir, actor):
    w.set_prefs(w.requesting, needs_coordinator_approval=True)


def _approve_or_return(service):
    def call(w, ir, actor):
        kwargs = (
            {"note": "Not like this.", "note_language": "en"}
            if service is services.request_return
            else {}
        )
        return service(info_request=ir, actor=actor, **kwargs)

    return call


def _may_reject(w, ir, actor):
    w.set_prefs(w.responding, may_reject=True)


def _reject(w, ir, actor):
    return services.request_reject(info_request=ir, actor=actor, reason="insufficiently_motivated")


def _prepare_answers(approval: bool):
    def prepare(w, ir, actor):
        if approval:
            w.set_prefs(w.responding, needs_coordinator_approval=True)
        if workflow.allowed(ir.status, Transition.EDIT_ANSWER):
            answer_all(w, ir, actor)

    return prepare


def _answer(w, ir, actor):
    return services.request_answer(info_request=ir, actor=actor)


def _edit_answer(w, ir, actor):
    request_question = ir.request_questions.select_related("question").get(question__code="S-01")
    return services.answer_save(
        info_request=ir, actor=actor, request_question=request_question, value="no"
    )


def _ended_in_mediation_before(w, ir, actor):
    """Reaching a final state ends the mediation; a request that ended before that rule still
    carries the flag, and the coordinator can end it by hand."""
    if ir.is_final:
        InformationRequest.objects.filter(pk=ir.pk).update(referred_to_coordinator=True)
        ir.referred_to_coordinator = True


CASES: dict[
    Transition, tuple[str, dict[str, bool], Call] | tuple[str, dict[str, bool], Call, Call]
] = {
    Transition.EDIT_DRAFT: ("handler", {}, _edit_draft),
    Transition.SEND: ("handler", {}, _send),
    Transition.SEND_FOR_APPROVAL: ("handler", {}, _send, _needs_outgoing_approval),
    Transition.APPROVE: ("coord_handler", {}, _approve_or_return(services.request_approve)),
    Transition.RETURN: ("coord_handler", {}, _approve_or_return(services.request_return)),
    Transition.ACCEPT: (
        "resp_handler",
        {},
        lambda w, ir, a: services.request_accept(
            info_request=ir, actor=a, reply_by=timezone.localdate() + dt.timedelta(days=30)
        ),
    ),
    Transition.FORWARD: (
        "resp_handler",
        {},
        lambda w, ir, a: services.request_forward(
            info_request=ir, actor=a, to_authority=w.target, note="Theirs.", note_language="en"
        ),
    ),
    Transition.REJECT: ("resp_handler", {}, _reject, _may_reject),
    Transition.ALLOCATE: (
        "resp_allocator",
        {"allocation": True},
        lambda w, ir, a: services.request_allocate(
            info_request=ir, actor=a, handlers=[w["resp_handler2"]]
        ),
    ),
    Transition.REQUEST_INFO: (
        "resp_handler",
        {},
        lambda w, ir, a: services.request_request_info(info_request=ir, actor=a, text="Which?"),
    ),
    Transition.PROVIDE_INFO: (
        "handler",
        {},
        lambda w, ir, a: services.request_provide_info(info_request=ir, actor=a, text="This."),
    ),
    Transition.EDIT_ANSWER: ("resp_handler", {}, _edit_answer),
    Transition.ANSWER: ("resp_handler", {}, _answer, _prepare_answers(approval=False)),
    Transition.ANSWER_FOR_APPROVAL: ("resp_handler", {}, _answer, _prepare_answers(approval=True)),
    Transition.ACCEPT_ANSWER: (
        "handler",
        {},
        lambda w, ir, a: services.request_accept_answer(info_request=ir, actor=a),
    ),
    Transition.ASK_FOLLOW_UP: (
        "handler",
        {},
        lambda w, ir, a: services.request_ask_follow_up(info_request=ir, actor=a, text="And?"),
    ),
    Transition.WITHDRAW: (
        "handler",
        {},
        lambda w, ir, a: services.request_withdraw(info_request=ir, actor=a),
    ),
    Transition.REFER_TO_COORDINATOR: (
        "handler",
        {},
        lambda w, ir, a: services.request_refer_to_coordinator(
            info_request=ir, actor=a, text="Help."
        ),
    ),
    Transition.END_MEDIATION: (
        "coord_handler",
        {"referred": True},
        lambda w, ir, a: services.request_end_mediation(info_request=ir, actor=a),
        _ended_in_mediation_before,
    ),
}


def test_every_transition_has_a_service_case():
    assert set(CASES) == set(Transition)


@pytest.mark.parametrize(("state", "transition"), PAIRS, ids=lambda v: str(v))
def test_every_pair_through_the_services(world, make_request, state, transition):
    actor_name, options, call, *prepare = CASES[transition]
    info_request = make_request(state, **options)
    assert info_request.status == state
    actor = world[actor_name]
    if (
        transition in (Transition.APPROVE, Transition.RETURN)
        and state == State.ANSWER_AWAITING_APPROVAL
    ):
        actor = world["resp_coord_handler"]
    for step in prepare:
        step(world, info_request, actor)
    events_before = RequestEvent.objects.filter(info_request=info_request).count()
    target = TABLE.get((state, transition))
    if target is not None:
        call(world, info_request, actor)
        info_request.refresh_from_db()
        assert info_request.status == target
        assert RequestEvent.objects.filter(info_request=info_request).count() > events_before
        return
    expected = (
        TransitionNotAllowed
        if policy.can(actor, Action.REQUEST_VIEW, info_request)
        else PermissionDenied
    )
    with pytest.raises(expected):
        call(world, info_request, actor)
    after = InformationRequest.objects.get(pk=info_request.pk)
    assert after.status == state
    assert RequestEvent.objects.filter(info_request=info_request).count() == events_before
