"""The permission matrix: every transition and every read, run for every role of the requesting
authority, the responding authority, another authority, and the coordinators; with allocation
on and off, and with the coordinators' detail access on and off.

Each case brings one request to the state where its step is possible (through the services),
then lets every user try the step inside a savepoint that is rolled back: the users who succeed
must be exactly the expected ones, and everyone else must get ``PermissionDenied``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction

from openimi.access import policy
from openimi.access.policy import Action
from openimi.common.errors import PermissionDenied
from openimi.exchange import selectors, services
from openimi.exchange.models import Attachment, InformationRequest
from openimi.exchange.workflow import State
from tests.exchange.conftest import World, answer_all

REQUESTERS = {"handler", "handler2"}
REQUESTING_ALL = REQUESTERS | {"allocator", "supervisor", "basic", "lda"}
RESPONDING_ALL = {
    "resp_handler",
    "resp_handler2",
    "resp_allocator",
    "resp_supervisor",
    "resp_basic",
    "resp_lda",
}
COORDINATORS = {"coord_handler", "coord_lda", "resp_coord_handler"}
NOBODY: set[str] = set()


def responders(allocation: bool) -> set[str]:
    """With allocation only the allocated handler (resp_handler) acts."""
    return {"resp_handler"} if allocation else {"resp_handler", "resp_handler2"}


Expect = Callable[[bool, bool], set[str]]  # (allocation, details) -> users allowed


@dataclass
class Case:
    state: State
    call: Callable[[World, InformationRequest, Any], Any]
    expect: Expect
    options: dict[str, bool] = field(default_factory=dict)
    prepare: Callable[[World, InformationRequest], None] | None = None


def _get(w, ir, user):
    try:
        return selectors.request_get(user=user, pk=ir.pk)
    except InformationRequest.DoesNotExist:
        raise PermissionDenied("not visible") from None


def _download(w, ir, user):
    attachment = Attachment.objects.filter(info_request=ir).first()
    return services.attachment_open(attachment_id=attachment.pk, actor=user)


def _note(**kwargs):
    return {"note": "Please change.", "note_language": "en", **kwargs}


def _set(**flags):
    def prepare(w, ir):
        w.set_prefs(w.responding if "responding" in flags else w.requesting, **flags["flags"])

    return prepare


def _prepare_answers(w, ir):
    answer_all(w, ir)


CASES: dict[str, Case] = {
    # Reads.
    "view_draft": Case(State.DRAFT, _get, lambda a, d: REQUESTERS | {"supervisor"}),
    "view": Case(State.ACCEPTED, _get, lambda a, d: REQUESTING_ALL | RESPONDING_ALL | COORDINATORS),
    "view_awaiting_approval": Case(
        State.AWAITING_APPROVAL, _get, lambda a, d: REQUESTING_ALL | {"coord_handler", "coord_lda"}
    ),
    "view_details": Case(
        State.ACCEPTED,
        lambda w, ir, u: selectors.request_question_list(user=u, info_request=ir),
        lambda a, d: REQUESTING_ALL | RESPONDING_ALL | (COORDINATORS if d else NOBODY),
    ),
    "view_personal_data": Case(
        State.ACCEPTED,
        lambda w, ir, u: services.personal_data_view(info_request=ir, actor=u),
        lambda a, d: (
            {"handler", "handler2", "allocator", "supervisor"}
            | responders(a)
            | {"resp_allocator", "resp_supervisor"}
        ),
    ),
    "download_attachment": Case(
        State.ACCEPTED,
        _download,
        lambda a, d: (
            {"handler", "handler2", "allocator", "supervisor"}
            | responders(a)
            | {"resp_allocator", "resp_supervisor"}
        ),
        options={"attachment": True},
    ),
    "view_mediation": Case(
        State.ACCEPTED,
        lambda w, ir, u: selectors.mediation_message_list(user=u, info_request=ir),
        lambda a, d: (
            REQUESTERS
            | responders(a)
            | {"coord_handler", "coord_lda", "supervisor", "resp_supervisor"}
        ),
        options={"referred": True},
    ),
    "mediate": Case(
        State.ACCEPTED,
        lambda w, ir, u: services.mediation_post(info_request=ir, actor=u, text="Any news?"),
        lambda a, d: REQUESTERS | responders(a) | {"coord_handler"},
        options={"referred": True},
    ),
    # The requesting side.
    "edit_draft": Case(
        State.DRAFT,
        lambda w, ir, u: services.request_update_draft(info_request=ir, actor=u, justification="x"),
        lambda a, d: REQUESTERS,
    ),
    "send": Case(
        State.DRAFT,
        lambda w, ir, u: services.request_send(info_request=ir, actor=u),
        lambda a, d: REQUESTERS,
    ),
    "send_for_approval": Case(
        State.DRAFT,
        lambda w, ir, u: services.request_send(info_request=ir, actor=u),
        lambda a, d: REQUESTERS,
        prepare=_set(flags={"needs_coordinator_approval": True}),
    ),
    "provide_info": Case(
        State.AWAITING_INFORMATION,
        lambda w, ir, u: services.request_provide_info(info_request=ir, actor=u, text="Here."),
        lambda a, d: REQUESTERS,
    ),
    "accept_answer": Case(
        State.ANSWERED,
        lambda w, ir, u: services.request_accept_answer(info_request=ir, actor=u),
        lambda a, d: REQUESTERS,
    ),
    "ask_follow_up": Case(
        State.ANSWERED,
        lambda w, ir, u: services.request_ask_follow_up(info_request=ir, actor=u, text="And?"),
        lambda a, d: REQUESTERS,
    ),
    "withdraw": Case(
        State.ACCEPTED,
        lambda w, ir, u: services.request_withdraw(info_request=ir, actor=u),
        lambda a, d: REQUESTERS,
    ),
    # Coordinators.
    "approve_request": Case(
        State.AWAITING_APPROVAL,
        lambda w, ir, u: services.request_approve(info_request=ir, actor=u),
        lambda a, d: {"coord_handler"},
    ),
    "return_request": Case(
        State.AWAITING_APPROVAL,
        lambda w, ir, u: services.request_return(info_request=ir, actor=u, **_note()),
        lambda a, d: {"coord_handler"},
    ),
    "approve_answer": Case(
        State.ANSWER_AWAITING_APPROVAL,
        lambda w, ir, u: services.request_approve(info_request=ir, actor=u),
        lambda a, d: {"resp_coord_handler"},
    ),
    "return_answer": Case(
        State.ANSWER_AWAITING_APPROVAL,
        lambda w, ir, u: services.request_return(info_request=ir, actor=u, **_note()),
        lambda a, d: {"resp_coord_handler"},
    ),
    "end_mediation": Case(
        State.ACCEPTED,
        lambda w, ir, u: services.request_end_mediation(info_request=ir, actor=u),
        lambda a, d: {"coord_handler"},
        options={"referred": True},
    ),
    # The responding side.
    "accept": Case(
        State.AWAITING_ACCEPTANCE,
        lambda w, ir, u: services.request_accept(info_request=ir, actor=u),
        lambda a, d: responders(a),
    ),
    "forward": Case(
        State.AWAITING_ACCEPTANCE,
        lambda w, ir, u: services.request_forward(info_request=ir, actor=u, to_authority=w.target),
        lambda a, d: responders(a),
    ),
    "reject": Case(
        State.AWAITING_ACCEPTANCE,
        lambda w, ir, u: services.request_reject(info_request=ir, actor=u, reason="outside_scope"),
        lambda a, d: responders(a),
        prepare=_set(responding=True, flags={"may_reject": True}),
    ),
    "allocate": Case(
        State.AWAITING_ACCEPTANCE,
        lambda w, ir, u: services.request_allocate(
            info_request=ir, actor=u, handlers=[w["resp_handler2"]]
        ),
        lambda a, d: {"resp_allocator"} if a else NOBODY,
    ),
    "request_info": Case(
        State.ACCEPTED,
        lambda w, ir, u: services.request_request_info(info_request=ir, actor=u, text="Which?"),
        lambda a, d: responders(a),
    ),
    "edit_answer": Case(
        State.ACCEPTED,
        lambda w, ir, u: services.answer_save(
            info_request=ir,
            actor=u,
            request_question=ir.request_questions.get(question__code="S-01"),
            value="no",
        ),
        lambda a, d: responders(a),
    ),
    "answer": Case(
        State.ACCEPTED,
        lambda w, ir, u: services.request_answer(info_request=ir, actor=u),
        lambda a, d: responders(a),
        prepare=_prepare_answers,
    ),
    # Either side.
    "refer_to_coordinator": Case(
        State.ACCEPTED,
        lambda w, ir, u: services.request_refer_to_coordinator(info_request=ir, actor=u, text="!"),
        lambda a, d: REQUESTERS | responders(a),
    ),
}


@pytest.mark.parametrize("details", [False, True], ids=["no-details", "details"])
@pytest.mark.parametrize("allocation", [False, True], ids=["no-allocation", "allocation"])
@pytest.mark.parametrize("case_name", list(CASES))
def test_permission_matrix(world, make_request, case_name, allocation, details):
    case = CASES[case_name]
    if details:
        for authority in (world.requesting, world.responding):
            world.set_prefs(authority, coordinator_may_view_details=True)
    info_request = make_request(case.state, allocation=allocation, **case.options)
    if case.prepare:
        case.prepare(world, info_request)
    allowed, unexpected = set(), {}
    for name, user in world.users.items():
        savepoint = transaction.savepoint_create()
        try:
            case.call(world, info_request, user)
        except PermissionDenied:
            pass
        except Exception as error:  # noqa: BLE001 - collected and reported below
            unexpected[name] = repr(error)
        else:
            allowed.add(name)
        finally:
            transaction.savepoint_rollback(savepoint)
    assert unexpected == {}
    assert allowed == case.expect(allocation, details)


@pytest.mark.parametrize(
    "state",
    [
        State.DRAFT,
        State.AWAITING_APPROVAL,
        State.AWAITING_ACCEPTANCE,
        State.ACCEPTED,
        State.CLOSED,
    ],
)
def test_the_list_shows_exactly_what_the_policy_lets_see(world, make_request, state):
    info_request = make_request(state)
    # A request withdrawn before its approval never reached the responding authority.
    never_sent = make_request(State.AWAITING_APPROVAL)
    services.request_withdraw(info_request=never_sent, actor=world["handler"])
    never_sent.refresh_from_db()
    for name, user in world.users.items():
        visible = set(policy.requests_visible_to(user).values_list("pk", flat=True))
        for candidate in (info_request, never_sent):
            assert (candidate.pk in visible) == policy.can(user, Action.REQUEST_VIEW, candidate), (
                name,
                candidate.status,
            )
            # A page reads one request by its key: the same answer (the filter, or for a user
            # of a party that is no coordinator, the rule for one request without it).
            try:
                selectors.request_get(user=user, pk=candidate.pk, relations=False)
                found = True
            except InformationRequest.DoesNotExist:
                found = False
            assert found == (candidate.pk in visible), (name, candidate.status)
    assert never_sent.pk not in set(
        policy.requests_visible_to(world["resp_handler"]).values_list("pk", flat=True)
    )


def test_forwarding_moves_the_request_out_of_sight_of_the_first_authority(world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    services.request_forward(
        info_request=info_request, actor=world["resp_handler"], to_authority=world.target
    )
    info_request.refresh_from_db()
    assert not policy.can(world["resp_handler"], Action.REQUEST_VIEW, info_request)
    assert policy.can(world["target_handler"], Action.REQUEST_ACCEPT, info_request)
    # The coordinator of both German authorities still sees it.
    assert policy.can(world["resp_coord_handler"], Action.REQUEST_VIEW, info_request)


def test_anonymous_and_inactive_users_may_do_nothing(world, make_request):
    from django.contrib.auth.models import AnonymousUser

    info_request = make_request(State.ACCEPTED)
    handler = world["handler"]
    handler.is_active = False
    for user in (AnonymousUser(), handler, None):
        assert not policy.can(user, Action.REQUEST_VIEW, info_request)
        assert not policy.requests_visible_to(user).exists()


def test_only_handlers_of_the_area_may_compose(world):
    area = world.area
    assert policy.can(world["handler"], Action.REQUEST_CREATE, area)
    assert policy.can(world["handler"], Action.REQUEST_CREATE, None)
    for name in ("allocator", "supervisor", "basic", "lda", "coord_lda"):
        assert not policy.can(world[name], Action.REQUEST_CREATE, area), name


def test_list_and_overview_pages(world):
    for name, user in world.users.items():
        assert policy.can(user, Action.REQUEST_LIST), name
        coordinator = name in {"coord_handler", "coord_lda", "resp_coord_handler"}
        assert policy.can(user, Action.REQUEST_COORDINATOR_OVERVIEW) == coordinator, name
        assert not policy.can(user, Action.REQUEST_VIEW, None)


@pytest.mark.parametrize(
    "state",
    [State.DRAFT, State.AWAITING_APPROVAL, State.AWAITING_ACCEPTANCE, State.ACCEPTED, State.CLOSED],
)
def test_the_incoming_list_is_the_visible_requests_sent_to_the_authority(
    world, make_request, state
):
    """``requests_received_by`` writes one case of ``requests_visible_to``: same set."""
    forwarded = make_request(State.AWAITING_ACCEPTANCE)
    services.request_forward(
        info_request=forwarded, actor=world["resp_handler"], to_authority=world.target
    )
    make_request(state)
    never_sent = make_request(State.AWAITING_APPROVAL)
    services.request_withdraw(info_request=never_sent, actor=world["handler"])
    checked = 0
    for name, user in world.users.items():
        expected = set(
            policy.requests_visible_to(user)
            .filter(responding_authority_id=user.authority_id, sent_at__isnull=False)
            .values_list("pk", flat=True)
        )
        received = set(policy.requests_received_by(user).values_list("pk", flat=True))
        assert received == expected, name
        checked += len(expected)
    assert checked > 0
