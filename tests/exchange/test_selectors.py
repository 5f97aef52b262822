"""Reads: the list's cost does not grow with the number of requests; the overview of a
coordinator never touches personal data; "not found" and "not yours" look the same."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from openimi.exchange import selectors, services, workflow
from openimi.exchange.models import InformationRequest
from openimi.exchange.selectors import INCOMING, OUTGOING, RequestFilters
from openimi.exchange.workflow import State, Transition


def render_rows(user, filters=None):
    """What a list page does with each row."""
    return [
        (
            info_request.reference,
            info_request.get_status_display(),
            info_request.requesting_authority.title_for("nl")[0],
            info_request.requesting_authority.country.name,
            info_request.responding_authority.title_for("nl")[0]
            if info_request.responding_authority
            else "",
            info_request.responding_authority.country.name
            if info_request.responding_authority
            else "",
            info_request.area.name,
            info_request.question_set.title if info_request.question_set else "",
            info_request.is_practice,
            info_request.reply_by,
        )
        for info_request in selectors.request_list(user=user, filters=filters)[:50]
    ]


@pytest.mark.parametrize("user_name", ["handler", "resp_handler", "coord_lda", "supervisor"])
def test_the_list_costs_the_same_for_few_and_many_requests(
    world, make_request, django_assert_num_queries, user_name
):
    user = world[user_name]
    states = [State.DRAFT, State.AWAITING_ACCEPTANCE, State.ACCEPTED]

    def count_queries():
        with translation.override("nl"), CaptureQueriesContext(connection) as queries:
            rows = render_rows(user)
        return len(queries), len(rows)

    for state in states:
        make_request(state)
    user.__dict__.pop("_policy_grants", None)
    few, few_rows = count_queries()
    for state in states * 3:
        make_request(state, practice=True)
    user.__dict__.pop("_policy_grants", None)
    many, many_rows = count_queries()
    assert many_rows > few_rows > 0
    assert many == few
    # Cached roles: the page itself is one query, the two sides' countries, the areas, the
    # question sets and the two translation prefetches.
    with translation.override("nl"), django_assert_num_queries(7):
        render_rows(user)


def test_filters(world, make_request):
    outgoing = make_request(State.ACCEPTED)
    practice = make_request(State.AWAITING_ACCEPTANCE, practice=True)
    draft = make_request(State.DRAFT)
    handler, responder = world["handler"], world["resp_handler"]

    def pks(user, **filters):
        return {r.pk for r in selectors.request_list(user=user, filters=RequestFilters(**filters))}

    assert pks(handler) == {outgoing.pk, practice.pk, draft.pk}
    assert pks(handler, direction=OUTGOING) == {outgoing.pk, practice.pk, draft.pk}
    assert pks(handler, direction=INCOMING) == set()
    assert pks(responder, direction=INCOMING) == {outgoing.pk, practice.pk}
    assert pks(handler, statuses=(State.DRAFT,)) == {draft.pk}
    assert pks(handler, is_practice=True) == {practice.pk}
    assert pks(handler, number=outgoing.pk) == {outgoing.pk}


def test_allocated_to_me(world, make_request):
    mine = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
    make_request(State.AWAITING_ACCEPTANCE)  # not allocated to anyone
    found = selectors.request_list(
        user=world["resp_handler"], filters=RequestFilters(allocated_to_me=True)
    )
    assert [r.pk for r in found] == [mine.pk]


def test_the_list_never_reads_the_justification(world, make_request):
    make_request(State.ACCEPTED)
    row = selectors.request_list(user=world["handler"])[0]
    assert "justification" in row.get_deferred_fields()


def test_coordinator_overview_has_no_personal_data(world, make_request):
    supervised = make_request(State.ACCEPTED, attachment=True)
    make_request(State.DRAFT)  # a draft is not the coordinator's business
    coordinator = world["coord_handler"]
    with CaptureQueriesContext(connection) as queries:
        rows = list(selectors.coordinator_request_list(user=coordinator))
        shown = [(r.requesting_authority.official_name, r.area.name, r.status) for r in rows]
    assert shown == [("Gemeente Oeteldonk", "Services", "accepted")]
    assert [row.pk for row in rows] == [supervised.pk]
    sql = " ".join(query["sql"] for query in queries.captured_queries).lower()
    assert "personaldata" not in sql
    assert "attachment" not in sql
    assert "justification" not in sql
    # An authority's own users have no coordinator overview.
    assert not selectors.coordinator_request_list(user=world["handler"]).exists()


def test_not_found_and_not_yours_look_the_same(world, make_request):
    info_request = make_request(State.ACCEPTED)
    for pk in (info_request.pk, info_request.pk + 1000):
        with pytest.raises(InformationRequest.DoesNotExist):
            selectors.request_get(user=world["third_handler"], pk=pk)
    assert selectors.request_get(user=world["resp_basic"], pk=info_request.pk) == info_request


def test_available_transitions(world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)

    def available(name):
        return selectors.request_available_transitions(user=world[name], info_request=info_request)

    assert available("resp_handler") == [
        Transition.ACCEPT,
        Transition.FORWARD,
        Transition.REFER_TO_COORDINATOR,
    ]
    assert available("handler") == [Transition.WITHDRAW, Transition.REFER_TO_COORDINATOR]
    assert available("supervisor") == []
    assert available("resp_basic") == []
    world.set_prefs(world.responding, may_reject=True, uses_allocation=True)
    info_request = InformationRequest.objects.get(pk=info_request.pk)
    # With allocation, a handler not (yet) allocated can do nothing; the allocator allocates.
    assert available("resp_handler") == []
    assert available("resp_allocator") == [Transition.ALLOCATE]
    draft = make_request(State.DRAFT)
    world.set_prefs(world.requesting, needs_coordinator_approval=True)
    assert selectors.request_available_transitions(user=world["handler"], info_request=draft) == [
        Transition.EDIT_DRAFT,
        Transition.SEND_FOR_APPROVAL,
    ]


def test_questions_as_each_reader_sees_them(world, make_request):
    info_request = make_request(State.ANSWERED, attachment=True)
    asked = selectors.request_question_list(user=world["handler"], info_request=info_request)
    assert [item.question.code for item in asked] == [
        "S-01",
        "S-02",
        "S-03",
        "S-04",
        "S-05",
        "S-06",
    ]
    assert all(item.answer is not None for item in asked)
    assert [a.original_name for a in asked[-1].attachments] == ["answer.pdf"]
    # A basic user reads questions and answers but no documents.
    basic = selectors.request_question_list(user=world["basic"], info_request=info_request)
    assert basic[-1].answer is not None and basic[-1].attachments == []
    assert selectors.request_attachment_list(user=world["basic"], info_request=info_request) == []
    assert [
        a.original_name
        for a in selectors.request_attachment_list(
            user=world["resp_handler"], info_request=info_request
        )
    ] == ["licence.pdf"]


def test_question_sets_offered(world):
    assert list(selectors.question_set_list(area=world.area)) == [
        world.question_set,
        world.practice_set,
    ]
    assert list(selectors.question_set_list(area=world.area, include_practice=False)) == [
        world.question_set
    ]
    codes = [q.code for q in selectors.question_list(question_set=world.question_set)]
    assert codes == ["S-01", "S-02", "S-03", "S-04", "S-05", "S-06"]


def test_allocation_candidates(world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
    candidates = selectors.allocation_candidate_list(
        user=world["resp_allocator"], info_request=info_request
    )
    assert set(candidates) == {world["resp_handler"], world["resp_handler2"]}
    services.request_allocate(
        info_request=info_request, actor=world["resp_allocator"], handlers=list(candidates)
    )
    allocations = selectors.request_allocation_list(
        user=world["resp_basic"], info_request=info_request
    )
    assert {a.handler for a in allocations} == set(candidates)
    assert selectors.request_allocation_list(user=world["handler"], info_request=info_request) == []


@pytest.mark.parametrize("limit", [2, 30])
@pytest.mark.parametrize("user_name", ["handler", "resp_handler", "coord_handler", "supervisor"])
def test_newest_open_requests_are_the_open_list_from_its_top(world, make_request, user_name, limit):
    """Found in two short reads, they are what one read of the open requests would give."""
    for state in (
        State.DRAFT,
        State.AWAITING_ACCEPTANCE,
        State.ACCEPTED,
        State.CLOSED,
        State.ACCEPTED,
        State.AWAITING_APPROVAL,  # last: it makes the area need approval
        State.AWAITING_APPROVAL,
    ):
        make_request(state)
    user = world[user_name]
    open_states = tuple(str(state) for state in workflow.OPEN_STATES)
    rows = selectors.request_list(user=user, filters=RequestFilters(statuses=open_states))
    if user.authority.is_coordinator:
        # A coordinator's users see every request of the authorities it supervises; only
        # what may wait for them counts: its own, approvals, referrals to it.
        own = user.authority_id
        rows = [
            info_request
            for info_request in rows
            if own in (info_request.requesting_authority_id, info_request.responding_authority_id)
            or info_request.status in (State.AWAITING_APPROVAL, State.ANSWER_AWAITING_APPROVAL)
            or (
                info_request.referred_to_coordinator
                and info_request.mediating_coordinator_id == own
            )
        ]
    expected = [info_request.pk for info_request in rows[:limit]]
    found = [r.pk for r in selectors.newest_open_request_list(user=user, limit=limit)]
    assert found == expected
    assert found


def test_newest_open_requests_of_a_coordinator_leave_out_what_it_only_supervises(
    world, make_request
):
    supervised = make_request(State.AWAITING_ACCEPTANCE)  # Oeteldonk's, awaiting Köln
    referred = make_request(State.ACCEPTED, referred=True)  # referred to the NL coordinator
    user = world["coord_handler"]
    visible = {r.pk for r in selectors.request_list(user=user)}
    assert {supervised.pk, referred.pk} <= visible
    found = [r.pk for r in selectors.newest_open_request_list(user=user, limit=30)]
    assert found == [referred.pk]
