"""Answers, coordination (approval, allocation, mediation) and the record of events."""

from __future__ import annotations

import datetime as dt

import pytest

from openimi.access import policy
from openimi.access.policy import Action
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange import selectors, services
from openimi.exchange.models import (
    Allocation,
    Answer,
    RequestEvent,
    StandardAnswer,
)
from openimi.exchange.workflow import State
from tests.exchange.conftest import JUSTIFICATION, PROVIDER_EMAIL, answer_all


def codes(info_request):
    return list(
        RequestEvent.objects.filter(info_request=info_request)
        .order_by("created_at", "pk")
        .values_list("code", flat=True)
    )


def question(info_request, code):
    return info_request.request_questions.select_related("question").get(question__code=code)


# --- Answers --------------------------------------------------------------------------------


class TestAnswers:
    @pytest.mark.parametrize(
        ("code", "good", "bad"),
        [
            ("S-01", {"value": "yes"}, {"value": "unknown"}),
            ("S-02", {"value": "unknown"}, {"value": "maybe"}),
            ("S-03", {"value": "nv"}, {"value": "gmbh"}),
            ("S-04", {"value": dt.date(2020, 1, 31)}, {"value": "31-01-2020"}),
            ("S-05", {"free_text": "Bouw.", "free_text_language": "nl"}, {"free_text": " "}),
        ],
    )
    def test_typed_answers_fit_their_type(self, world, make_request, code, good, bad):
        info_request = make_request(State.ACCEPTED)
        actor, rq = world["resp_handler"], question(info_request, code)
        with pytest.raises(ApplicationError):
            services.answer_save(info_request=info_request, actor=actor, request_question=rq, **bad)
        answer = services.answer_save(
            info_request=info_request, actor=actor, request_question=rq, **good
        )
        if code == "S-04":
            assert answer.value == "2020-01-31"

    def test_a_standard_answer_replaces_the_typed_one(self, world, make_request):
        info_request = make_request(State.ACCEPTED)
        data_protection = StandardAnswer.objects.get(code="data_protection")
        answer = services.answer_save(
            info_request=info_request,
            actor=world["resp_handler"],
            request_question=question(info_request, "S-02"),
            value="yes",
            standard_answer=data_protection,
            free_text="Only the Dienst Justis can answer this question.",
            free_text_language="en",
        )
        assert answer.value is None
        assert answer.standard_answer == data_protection
        assert answer.free_text_language == "en"
        with pytest.raises(ApplicationError):  # S-02 does not allow "not competent"
            services.answer_save(
                info_request=info_request,
                actor=world["resp_handler"],
                request_question=question(info_request, "S-02"),
                standard_answer=StandardAnswer.objects.get(code="not_competent"),
            )

    def test_two_editors_cannot_overwrite_each_other_unnoticed(self, world, make_request):
        info_request = make_request(State.ACCEPTED)
        rq = question(info_request, "S-01")
        first = services.answer_save(
            info_request=info_request, actor=world["resp_handler"], request_question=rq, value="yes"
        )
        services.answer_save(
            info_request=info_request,
            actor=world["resp_handler2"],
            request_question=rq,
            value="no",
            base_version=first.version,
        )
        with pytest.raises(services.ConcurrentChangeError):
            services.answer_save(
                info_request=info_request,
                actor=world["resp_handler"],
                request_question=rq,
                value="yes",
                base_version=first.version,
            )
        assert Answer.objects.get(request_question=rq).value == "no"

    def test_every_question_needs_a_complete_answer(self, world, make_request):
        info_request = make_request(State.ACCEPTED)
        actor = world["resp_handler"]
        for code, data in (("S-01", {"value": "yes"}), ("S-06", {})):
            services.answer_save(
                info_request=info_request,
                actor=actor,
                request_question=question(info_request, code),
                **data,
            )
        with pytest.raises(services.IncompleteError) as error:
            services.request_answer(info_request=info_request, actor=actor)
        # The document question has no document yet.
        assert set(error.value.problems) == {"S-02", "S-03", "S-04", "S-05", "S-06"}

    def test_the_requester_sees_only_sent_answers(self, world, make_request):
        info_request = make_request(State.ACCEPTED)
        answer_all(world, info_request)

        def visible_to_requester():
            asked = selectors.request_question_list(
                user=world["handler"], info_request=info_request
            )
            return {item.question.code for item in asked if item.answer is not None}

        assert visible_to_requester() == set()
        services.request_answer(info_request=info_request, actor=world["resp_handler"])
        assert len(visible_to_requester()) == 6
        services.request_ask_follow_up(
            info_request=info_request, actor=world["handler"], text="And since when exactly?"
        )
        services.answer_save(
            info_request=info_request,
            actor=world["resp_handler"],
            request_question=question(info_request, "S-04"),
            value="2018-03-01",
        )
        assert "S-04" not in visible_to_requester()  # being changed: not sent again yet
        services.request_answer(info_request=info_request, actor=world["resp_handler"])
        assert "S-04" in visible_to_requester()

    def test_answer_approval_by_the_coordinator(self, world, make_request):
        info_request = make_request(State.ANSWER_AWAITING_APPROVAL)
        coordinator = world["resp_coord_handler"]
        # While its approval is pending the coordinator sees the answers, never personal data.
        asked = selectors.request_question_list(user=coordinator, info_request=info_request)
        assert all(item.answer is not None for item in asked)
        assert all(item.attachments == [] for item in asked)
        assert not any(
            item.answer
            for item in selectors.request_question_list(
                user=world["handler"], info_request=info_request
            )
        )
        assert not policy.can(coordinator, Action.REQUEST_VIEW_PERSONAL_DATA, info_request)
        services.request_return(
            info_request=info_request, actor=coordinator, note="Answer S-05 in English."
        )
        info_request.refresh_from_db()
        assert info_request.status == State.ACCEPTED
        services.request_answer(info_request=info_request, actor=world["resp_handler"])
        services.request_approve(info_request=info_request, actor=coordinator)
        info_request.refresh_from_db()
        assert info_request.status == State.ANSWERED
        assert info_request.answered_at is not None
        assert not Answer.objects.filter(
            request_question__info_request=info_request, sent_at__isnull=True
        ).exists()


# --- Approval, withdrawal, allocation, mediation ----------------------------------------------


class TestCoordination:
    def test_outgoing_approval_and_return(self, world, make_request):
        info_request = make_request(State.AWAITING_APPROVAL)
        assert info_request.sent_at is None
        services.request_return(
            info_request=info_request,
            actor=world["coord_handler"],
            note="Motiveer het verzoek beter.",
            note_language="nl",
        )
        info_request.refresh_from_db()
        assert info_request.status == State.DRAFT
        services.request_send(info_request=info_request, actor=world["handler"])
        services.request_approve(info_request=info_request, actor=world["coord_handler"])
        info_request.refresh_from_db()
        assert info_request.status == State.AWAITING_ACCEPTANCE
        assert info_request.sent_at is not None
        assert codes(info_request)[-2:] == ["request.approved", "request.sent"]

    def test_approval_needs_a_supervising_coordinator(self, world, make_request):
        world.set_prefs(
            world.requesting, needs_coordinator_approval=True, supervising_coordinator=None
        )
        draft = make_request(State.DRAFT)
        with pytest.raises(ApplicationError, match="coordinator"):
            services.request_send(info_request=draft, actor=world["handler"])

    def test_withdraw_before_approval_never_reaches_the_responder(self, world, make_request):
        info_request = make_request(State.AWAITING_APPROVAL)
        services.request_withdraw(info_request=info_request, actor=world["handler"])
        info_request.refresh_from_db()
        assert info_request.status == State.WITHDRAWN
        assert not policy.can(world["resp_handler"], Action.REQUEST_VIEW, info_request)

    def test_reallocation_replaces_and_only_the_allocated_act(self, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
        allocator = world["resp_allocator"]
        assert not policy.can(world["resp_handler2"], Action.REQUEST_ACCEPT, info_request)
        services.request_allocate(
            info_request=info_request, actor=allocator, handlers=[world["resp_handler2"]]
        )
        active = Allocation.objects.filter(info_request=info_request, is_active=True)
        assert [a.handler for a in active] == [world["resp_handler2"]]
        assert Allocation.objects.filter(info_request=info_request, is_active=False).count() == 1
        info_request.refresh_from_db()
        assert policy.can(world["resp_handler2"], Action.REQUEST_ACCEPT, info_request)
        assert not policy.can(world["resp_handler"], Action.REQUEST_ACCEPT, info_request)

    def test_only_request_handlers_of_the_authority_can_be_allocated(self, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
        for name in ("resp_basic", "target_handler", "handler"):
            with pytest.raises(ApplicationError):
                services.request_allocate(
                    info_request=info_request, actor=world["resp_allocator"], handlers=[world[name]]
                )

    def test_mediation(self, world, make_request):
        info_request = make_request(State.ACCEPTED)
        services.request_refer_to_coordinator(
            info_request=info_request,
            actor=world["resp_handler"],
            text="De aanvrager reageert niet.",
            language="nl",
        )
        info_request.refresh_from_db()
        assert info_request.referred_to_coordinator
        assert info_request.mediating_coordinator == world.other_coordinator
        assert info_request.status == State.ACCEPTED
        with pytest.raises(ApplicationError, match="already"):
            services.request_refer_to_coordinator(
                info_request=info_request, actor=world["handler"], text="Also."
            )
        mediator = world["resp_coord_handler"]
        services.mediation_post(info_request=info_request, actor=mediator, text="I will call them.")
        services.mediation_post(info_request=info_request, actor=world["handler"], text="Sorry.")
        thread = selectors.mediation_message_list(user=mediator, info_request=info_request)
        assert [m.text for m in thread] == [
            "De aanvrager reageert niet.",
            "I will call them.",
            "Sorry.",
        ]
        # Without detail access the mediator still sees no questions, answers or personal data.
        with pytest.raises(PermissionDenied):
            selectors.request_question_list(user=mediator, info_request=info_request)
        services.request_end_mediation(info_request=info_request, actor=mediator)
        info_request.refresh_from_db()
        assert not info_request.referred_to_coordinator
        with pytest.raises(PermissionDenied):
            services.mediation_post(info_request=info_request, actor=mediator, text="More?")
        assert selectors.mediation_message_list(user=mediator, info_request=info_request)


# --- The record -----------------------------------------------------------------------------


class TestRecord:
    def test_a_full_walk_leaves_an_event_per_step(self, make_request):
        info_request = make_request(State.CLOSED, outgoing_approval=True, allocation=True)
        assert [c for c in codes(info_request) if not c.endswith(("_saved", "_added"))] == [
            "request.created",
            "request.draft_updated",
            "request.personal_data_updated",
            "request.sent_for_approval",
            "request.approved",
            "request.sent",
            "request.allocated",
            "request.accepted",
            "request.answered",
            "request.answer_accepted",
        ]
        info_request.refresh_from_db()
        assert info_request.closed_at is not None

    def test_events_are_append_only(self, make_request):
        event = RequestEvent.objects.filter(info_request=make_request()).first()
        event.code = "request.forged"
        with pytest.raises(ValueError, match="append-only"):
            event.save()
        with pytest.raises(ValueError, match="append-only"):
            event.delete()

    def test_reading_personal_data_is_recorded_and_off_the_timeline(self, world, make_request):
        info_request = make_request(State.ACCEPTED)
        personal_data = services.personal_data_view(
            info_request=info_request, actor=world["resp_handler"]
        )
        assert personal_data.email == PROVIDER_EMAIL
        audit = RequestEvent.objects.get(
            info_request=info_request, code="request.personal_data_viewed"
        )
        assert audit.actor == world["resp_handler"] and audit.audience == "audit"
        timeline = selectors.timeline_entry_list(user=world["handler"], info_request=info_request)
        assert "request.personal_data_viewed" not in [entry.event.code for entry in timeline]

    def test_the_timeline_keeps_each_side_s_internal_steps(self, world, make_request):
        info_request = make_request(State.ACCEPTED, allocation=True)

        def seen(name):
            return {
                e.event.code
                for e in selectors.timeline_entry_list(user=world[name], info_request=info_request)
            }

        assert "request.allocated" in seen("resp_basic")
        assert "request.allocated" not in seen("handler")
        assert "request.draft_updated" in seen("basic")
        assert "request.draft_updated" not in seen("resp_handler")

    def test_notes_need_detail_access(self, world, make_request):
        info_request = make_request(State.AWAITING_INFORMATION)
        notes = [
            e.note
            for e in selectors.timeline_entry_list(user=world["handler"], info_request=info_request)
        ]
        assert "Which branch?" in notes
        coordinator_notes = [
            e.note
            for e in selectors.timeline_entry_list(
                user=world["coord_lda"], info_request=info_request
            )
        ]
        assert "Which branch?" not in coordinator_notes

    def test_justification_is_kept_as_written(self, make_request):
        assert make_request().justification == JUSTIFICATION
