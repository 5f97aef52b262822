"""What each service does beyond the state table and the permission matrix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openimi.access import policy
from openimi.access.policy import Action
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange import selectors, services
from openimi.exchange.models import (
    Allocation,
    Attachment,
    InformationRequest,
    PersonalData,
    RequestEvent,
    RequestMessage,
)
from openimi.exchange.workflow import State
from tests.exchange.conftest import PROVIDER_NAME, answer_all, pdf


def codes(info_request):
    return list(
        RequestEvent.objects.filter(info_request=info_request)
        .order_by("created_at", "pk")
        .values_list("code", flat=True)
    )


def question(info_request, code):
    return info_request.request_questions.select_related("question").get(question__code=code)


# --- Composing ------------------------------------------------------------------------------


class TestDraft:
    def test_only_a_request_handler_of_the_area_starts_a_draft(self, world):
        with pytest.raises(PermissionDenied):
            services.request_create_draft(actor=world["basic"], area=world.area)
        info_request = services.request_create_draft(actor=world["handler"], area=world.area)
        assert info_request.status == State.DRAFT
        assert info_request.requesting_authority == world.requesting
        assert codes(info_request) == ["request.created"]

    def test_a_draft_is_saved_step_by_step_and_resumed(self, world):
        actor = world["handler"]
        draft = services.request_create_draft(actor=actor, area=world.area)
        services.request_update_draft(
            info_request=draft, actor=actor, question_set=world.question_set
        )
        questions = list(world.question_set.questions.order_by("-position"))[:2]
        services.request_update_draft(info_request=draft, actor=actor, questions=questions)
        resumed = selectors.request_get(user=world["handler2"], pk=draft.pk)
        asked = [rq.question for rq in resumed.request_questions.order_by("position")]
        assert asked == questions  # in the order chosen
        assert resumed.question_set == world.question_set

    def test_changing_the_question_set_drops_questions_of_the_old_one(self, world, make_request):
        draft = make_request(State.DRAFT)
        assert draft.request_questions.count() == 6
        services.request_update_draft(
            info_request=draft, actor=world["handler"], question_set=world.practice_set
        )
        draft.refresh_from_db()
        assert draft.request_questions.count() == 0
        assert draft.is_practice

    def test_questions_must_come_from_the_request_s_set(self, world, make_request):
        draft = make_request(State.DRAFT)
        foreign = world.practice_set.questions.first()
        with pytest.raises(ApplicationError) as error:
            services.request_update_draft(
                info_request=draft, actor=world["handler"], questions=[foreign]
            )
        assert error.value.field == "questions"

    def test_free_text_records_its_language(self, world, make_request):
        draft = make_request(State.DRAFT)
        services.request_update_draft(
            info_request=draft,
            actor=world["handler"],
            justification="Wij hebben dit nodig.",
            justification_language="nl",
        )
        draft.refresh_from_db()
        assert draft.justification_language == "nl"
        with pytest.raises(ApplicationError):
            services.request_update_draft(
                info_request=draft, actor=world["handler"], justification_language="Dutch!"
            )

    def test_personal_data_lives_apart_and_events_never_hold_it(self, world, make_request):
        draft = make_request(State.DRAFT)
        personal_data = PersonalData.objects.get(info_request=draft)
        assert personal_data.provider_name == PROVIDER_NAME
        event = RequestEvent.objects.get(info_request=draft, code="request.personal_data_updated")
        assert event.data == {"fields": ["city", "email", "provider_name"]}
        assert PROVIDER_NAME not in str(list(RequestEvent.objects.values("data")))

    def test_every_personal_data_field_is_marked(self):
        fields = {f.name for f in PersonalData._meta.concrete_fields}
        assert set(PersonalData.data_fields()) == fields - {
            "id",
            "info_request",
            "created_at",
            "updated_at",
        }

    def test_personal_data_is_validated(self, world, make_request):
        draft = make_request(State.DRAFT)
        with pytest.raises(ApplicationError) as error:
            services.request_set_personal_data(
                info_request=draft, actor=world["handler"], data={"email": "not an address"}
            )
        assert error.value.field == "email"
        with pytest.raises(ApplicationError):
            services.request_set_personal_data(
                info_request=draft, actor=world["handler"], data={"is_admin": True}
            )

    def test_send_says_everything_a_draft_lacks(self, world):
        draft = services.request_create_draft(actor=world["handler"], area=world.area)
        with pytest.raises(services.IncompleteError) as error:
            services.request_send(info_request=draft, actor=world["handler"])
        assert set(error.value.problems) == {
            "question_set",
            "questions",
            "personal_data",
            "justification",
            "responding_authority",
            "reply_by",
        }
        draft.refresh_from_db()
        assert draft.status == State.DRAFT

    def test_an_insufficient_justification_cannot_be_sent(self, world, make_request):
        draft = make_request(State.DRAFT)
        services.request_update_draft(info_request=draft, actor=world["handler"], justification=" ")
        with pytest.raises(services.IncompleteError) as error:
            services.request_send(info_request=draft, actor=world["handler"])
        assert list(error.value.problems) == ["justification"]

    def test_recipients_any_member_state_or_own_country_but_not_oneself(self, world, make_request):
        draft = make_request(State.DRAFT)
        actor = world["handler"]
        with pytest.raises(ApplicationError):
            services.request_update_draft(
                info_request=draft, actor=actor, responding_authority=world.requesting
            )
        services.request_update_draft(
            info_request=draft, actor=actor, responding_authority=world.third
        )
        services.request_send(info_request=draft, actor=actor)
        draft.refresh_from_db()
        assert draft.status == State.AWAITING_ACCEPTANCE
        assert draft.responding_authority == world.third

    def test_the_reply_date_lies_after_today(self, world, make_request):
        draft = make_request(State.DRAFT)
        with pytest.raises(ApplicationError) as error:
            services.request_update_draft(
                info_request=draft, actor=world["handler"], reply_by=timezone.localdate()
            )
        assert error.value.field == "reply_by"

    def test_sending_sets_the_acceptance_deadline(self, world, make_request, clock):
        # Frozen just before midnight in Brussels: the deadline counts from the local date.
        frozen = dt.datetime(2026, 3, 2, 22, 59, tzinfo=dt.UTC)
        clock.now = frozen
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        assert settings.DEADLINES_ACCEPTANCE_DAYS == {"*": 7}
        assert info_request.acceptance_deadline == dt.date(2026, 3, 9)
        assert info_request.sent_at == frozen
        assert info_request.reply_by == dt.date(2026, 3, 16)

    def test_a_draft_can_be_deleted_with_its_documents(
        self, world, make_request, django_capture_on_commit_callbacks
    ):
        draft = make_request(State.DRAFT, attachment=True)
        stored = Path(Attachment.objects.get(info_request=draft).file.path)
        assert stored.exists()
        with django_capture_on_commit_callbacks(execute=True):
            services.request_delete_draft(info_request=draft, actor=world["handler"])
        assert not InformationRequest.objects.filter(pk=draft.pk).exists()
        assert not stored.exists()


# --- Attachments ----------------------------------------------------------------------------


class TestAttachments:
    def test_stored_outside_the_web_root_under_a_random_name(self, world, make_request, media_root):
        draft = make_request(State.DRAFT)
        attachment = services.request_add_attachment(
            info_request=draft, actor=world["handler"], file=pdf("Jansen passport.pdf")
        )
        assert attachment.original_name == "Jansen passport.pdf"
        assert attachment.content_type == "application/pdf"
        assert "Jansen" not in attachment.file.name
        assert attachment.file.path.startswith(str(media_root))
        assert not attachment.file.path.startswith(str(settings.STATIC_ROOT))
        assert len(attachment.sha256) == 64

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("script.exe", b"MZ\x90\x00"),
            ("fake.pdf", b"<html>not a pdf</html>"),
            ("empty.pdf", b""),
            ("binary.txt", b"abc\x00def"),
        ],
    )
    def test_types_are_checked_on_name_and_content(self, world, make_request, name, content):
        draft = make_request(State.DRAFT)
        with pytest.raises(ApplicationError):
            services.request_add_attachment(
                info_request=draft,
                actor=world["handler"],
                file=SimpleUploadedFile(name, content, content_type="application/pdf"),
            )
        assert not Attachment.objects.filter(info_request=draft).exists()

    def test_size_and_count_are_limited(self, world, make_request, settings):
        draft = make_request(State.DRAFT)
        settings.EXCHANGE_ATTACHMENT_MAX_BYTES = 10
        with pytest.raises(ApplicationError, match="larger"):
            services.request_add_attachment(info_request=draft, actor=world["handler"], file=pdf())
        settings.EXCHANGE_ATTACHMENT_MAX_BYTES = 10_000
        settings.EXCHANGE_ATTACHMENT_MAX_COUNT = 1
        services.request_add_attachment(info_request=draft, actor=world["handler"], file=pdf())
        with pytest.raises(ApplicationError, match="at most"):
            services.request_add_attachment(info_request=draft, actor=world["handler"], file=pdf())

    def test_downloads_pass_the_policy_and_are_recorded(self, world, make_request):
        info_request = make_request(State.ACCEPTED, attachment=True)
        attachment = Attachment.objects.get(info_request=info_request)
        opened = services.attachment_open(attachment_id=attachment.pk, actor=world["resp_handler"])
        assert opened.file.read() == b"%PDF-1.4\n% a tiny test document\n"
        assert RequestEvent.objects.filter(
            info_request=info_request, code="request.attachment_downloaded", audience="audit"
        ).exists()
        for name in ("coord_handler", "resp_basic", "third_handler"):
            with pytest.raises(PermissionDenied):
                services.attachment_open(attachment_id=attachment.pk, actor=world[name])
        with pytest.raises(PermissionDenied):  # missing reads like forbidden
            services.attachment_open(attachment_id=attachment.pk + 999, actor=world["handler"])

    def test_answer_documents_reach_the_requester_only_with_the_answer(self, world, make_request):
        info_request = make_request(State.ACCEPTED)
        answer_all(world, info_request)
        attachment = Attachment.objects.get(info_request=info_request, side="responding")
        assert not policy.can(world["handler"], Action.REQUEST_DOWNLOAD_ATTACHMENT, attachment)
        services.request_answer(info_request=info_request, actor=world["resp_handler"])
        attachment.refresh_from_db()
        assert policy.can(world["handler"], Action.REQUEST_DOWNLOAD_ATTACHMENT, attachment)
        with pytest.raises(ApplicationError):
            services.request_remove_attachment(attachment=attachment, actor=world["resp_handler"])


# --- The responding authority ---------------------------------------------------------------


class TestResponding:
    def test_accept_may_propose_another_reply_date(self, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        requested = info_request.reply_by
        new_date = requested + dt.timedelta(days=10)
        services.request_accept(
            info_request=info_request, actor=world["resp_handler"], reply_by=new_date
        )
        info_request.refresh_from_db()
        assert info_request.reply_by == new_date
        event = RequestEvent.objects.get(info_request=info_request, code="request.accepted")
        assert event.data == {
            "requested_reply_by": requested.isoformat(),
            "reply_by": new_date.isoformat(),
        }
        assert event.actor == world["resp_handler"]
        assert (event.from_status, event.to_status) == ("awaiting_acceptance", "accepted")

    def test_an_authority_that_may_not_accept_cannot_accept_foreign_requests(
        self, world, make_request
    ):
        world.set_prefs(world.responding, may_accept=False)
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        with pytest.raises(PermissionDenied):
            services.request_accept(info_request=info_request, actor=world["resp_handler"])
        # It can still forward the request.
        services.request_forward(
            info_request=info_request, actor=world["resp_handler"], to_authority=world.target
        )

    def test_a_domestic_request_may_be_accepted_even_so(self, world, make_request):
        world.set_prefs(world.third, may_accept=False)
        draft = make_request(State.DRAFT)
        services.request_update_draft(
            info_request=draft, actor=world["handler"], responding_authority=world.third
        )
        services.request_send(info_request=draft, actor=world["handler"])
        services.request_accept(info_request=draft, actor=world["third_handler"])

    def test_forward_within_the_member_state_with_a_note(self, world, make_request):
        info_request = make_request(State.ACCEPTED, allocation=True)
        services.request_forward(
            info_request=info_request,
            actor=world["resp_handler"],
            to_authority=world.target,
            note="Die Handwerkskammer ist zuständig.",
            note_language="de",
        )
        info_request.refresh_from_db()
        assert info_request.status == State.AWAITING_ACCEPTANCE
        assert info_request.responding_authority == world.target
        assert info_request.accepted_at is None
        assert not Allocation.objects.filter(info_request=info_request, is_active=True).exists()
        note = RequestMessage.objects.get(info_request=info_request, kind="forward_note")
        assert (note.text, note.language) == ("Die Handwerkskammer ist zuständig.", "de")
        event = RequestEvent.objects.get(info_request=info_request, code="request.forwarded")
        assert "zuständig" not in str(event.data)

    def test_forward_refuses_other_countries_and_the_parties(self, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        for authority in (world.third, world.requesting, world.responding):
            with pytest.raises(ApplicationError):
                services.request_forward(
                    info_request=info_request, actor=world["resp_handler"], to_authority=authority
                )

    def test_forward_to_the_coordinator(self, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        services.request_forward(
            info_request=info_request,
            actor=world["resp_handler"],
            to_authority=world.other_coordinator,
        )
        info_request.refresh_from_db()
        # The coordinator, now responsible, may accept and even reject.
        coordinator = world["resp_coord_handler"]
        assert policy.can(coordinator, Action.REQUEST_ACCEPT, info_request)
        assert policy.can(coordinator, Action.REQUEST_REJECT, info_request)
        assert policy.can(coordinator, Action.REQUEST_VIEW_PERSONAL_DATA, info_request)

    def test_reject_only_on_the_two_grounds_and_only_where_allowed(self, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        with pytest.raises(PermissionDenied):  # may_reject is off by default
            services.request_reject(
                info_request=info_request, actor=world["resp_handler"], reason="outside_scope"
            )
        world.set_prefs(world.responding, may_reject=True)
        with pytest.raises(ApplicationError) as error:
            services.request_reject(
                info_request=info_request, actor=world["resp_handler"], reason="too busy"
            )
        assert error.value.field == "reason"
        services.request_reject(
            info_request=info_request,
            actor=world["resp_handler"],
            reason="insufficiently_motivated",
        )
        info_request.refresh_from_db()
        assert info_request.status == State.REJECTED
        assert info_request.rejection_reason == "insufficiently_motivated"
        assert info_request.closed_at is not None

    def test_request_and_provide_information(self, world, make_request):
        info_request = make_request(State.AWAITING_INFORMATION)
        services.request_provide_info(
            info_request=info_request,
            actor=world["handler"],
            text="Het gaat om de vestiging in Den Bosch.",
            language="nl",
            files=[pdf("kvk.pdf")],
        )
        info_request.refresh_from_db()
        assert info_request.status == State.ACCEPTED
        attachment = Attachment.objects.get(info_request=info_request, original_name="kvk.pdf")
        assert attachment.side == "requesting"
        assert policy.can(world["resp_handler"], Action.REQUEST_DOWNLOAD_ATTACHMENT, attachment)
        kinds = list(
            RequestMessage.objects.filter(info_request=info_request).values_list("kind", flat=True)
        )
        assert kinds == ["information_request", "information"]
