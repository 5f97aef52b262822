"""Who is e-mailed about what (seed, Bijlage 3), in which language, and what the e-mail holds.

Checked on the real outbox rows written in the transition's transaction, not on SMTP.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from openimi.exchange import notify, services
from openimi.exchange.models import RequestEvent
from openimi.exchange.workflow import State
from openimi.notifications.models import OutboxMessage
from tests.exchange.conftest import JUSTIFICATION, PROVIDER_EMAIL, PROVIDER_NAME


def mails(info_request, code):
    """{recipient e-mail: message} for the e-mails about ``code``."""
    rows = OutboxMessage.objects.filter(
        event_code=code,
        key__startswith="exchange:",
        body_text__contains=f"/requests/{info_request.pk}/",
    )
    return {row.recipient_email: row for row in rows}


def email(world, name):
    return world[name].email


class TestWhoIsTold:
    def test_a_new_request_goes_to_the_general_address_and_every_handler(self, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        sent = mails(info_request, "request.sent")
        assert set(sent) == {
            world.responding.email,
            email(world, "resp_handler"),
            email(world, "resp_handler2"),
        }

    def test_with_allocation_the_allocators_instead_then_the_allocated(self, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
        assert set(mails(info_request, "request.sent")) == {
            world.responding.email,
            email(world, "resp_allocator"),
        }
        # make_request allocated resp_handler: the allocated handler and a copy to the address.
        assert set(mails(info_request, "request.allocated")) == {
            world.responding.email,
            email(world, "resp_handler"),
        }

    def test_news_for_the_requester_goes_to_its_user_with_a_copy(self, world, make_request):
        info_request = make_request(State.ACCEPTED)
        assert set(mails(info_request, "request.accepted")) == {
            world.requesting.email,
            email(world, "handler"),
        }

    def test_approval_requests_go_to_the_supervising_coordinator(self, world, make_request):
        info_request = make_request(State.AWAITING_APPROVAL)
        assert set(mails(info_request, "request.sent_for_approval")) == {
            world.coordinator.email,
            email(world, "coord_handler"),
        }
        services.request_approve(info_request=info_request, actor=world["coord_handler"])
        assert set(mails(info_request, "request.approved")) == {
            world.requesting.email,
            email(world, "handler"),
        }
        assert email(world, "resp_handler") in mails(info_request, "request.sent")

    def test_the_actor_is_not_told_what_they_did(self, world, make_request):
        info_request = make_request(State.ACCEPTED, referred=True)
        services.mediation_post(info_request=info_request, actor=world["handler"], text="Any news?")
        told = set(mails(info_request, "request.mediation_message"))
        assert email(world, "handler") not in told
        assert {email(world, "coord_handler"), email(world, "resp_handler")} <= told
        assert world.coordinator.email in told

    def test_every_event_of_a_full_walk_tells_someone_once(self, world, make_request):
        info_request = make_request(State.CLOSED, outgoing_approval=True, allocation=True)
        keys = list(OutboxMessage.objects.values_list("key", flat=True))
        assert len(keys) == len(set(keys))
        told = set(OutboxMessage.objects.values_list("event_code", flat=True))
        assert told == {
            "request.sent_for_approval",
            "request.approved",
            "request.sent",
            "request.allocated",
            "request.accepted",
            "request.answered",
            "request.answer_accepted",
        }
        # Every e-mail to a user of an authority comes with a copy to its general address.
        for code in told:
            recipients = mails(info_request, code)
            authorities = {
                row.authority_id for row in recipients.values() if row.recipient_user_id is not None
            }
            general = {
                row.authority_id for row in recipients.values() if row.recipient_user_id is None
            }
            assert authorities <= general, code


class TestContent:
    def test_each_recipient_reads_it_in_their_language(self, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        sent = mails(info_request, "request.sent")
        general = sent[world.responding.email]
        assert general.language == "de"
        assert "Dienstleistungen: Niederlassung" in general.body_text
        english = sent[email(world, "resp_handler")]
        assert english.language == "en"
        assert "Services: establishment" in english.body_text
        assert "A new information request has arrived for your authority." in english.body_text
        dutch = mails(info_request, "request.sent_for_approval") or mails(
            make_request(State.AWAITING_APPROVAL), "request.sent_for_approval"
        )
        coordinator_mail = next(iter(dutch.values()))
        assert coordinator_mail.language == "nl"
        assert "Diensten: vestiging" in coordinator_mail.body_text

    def test_it_links_to_the_request(self, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        link = f"{settings.SITE_URL}/requests/{info_request.pk}/"
        assert notify.request_link(info_request.pk) == link
        for message in mails(info_request, "request.sent").values():
            assert link in message.body_text
            assert str(info_request.pk) in message.subject

    def test_practice_requests_say_so(self, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE, practice=True)
        sent = mails(info_request, "request.sent")
        assert sent
        for message in sent.values():
            with translation.override(message.language):
                mark = translation.gettext("FICTITIOUS")
            assert message.subject.startswith(f"[{mark}]"), (message.language, message.subject)
        assert "FICTITIOUS" in sent[email(world, "resp_handler")].body_text
        real = make_request(State.AWAITING_ACCEPTANCE)
        assert not any("FICTITIOUS" in m.subject for m in mails(real, "request.sent").values())

    def test_no_personal_data_and_no_free_text_in_any_e_mail(self, world, make_request):
        info_request = make_request(State.AWAITING_INFORMATION, referred=True, attachment=True)
        services.request_provide_info(
            info_request=info_request, actor=world["handler"], text="Vestiging in Den Bosch."
        )
        make_request(State.CLOSED, outgoing_approval=True, allocation=True)
        secrets = [
            PROVIDER_NAME,
            PROVIDER_EMAIL,
            "Den Bosch",
            JUSTIFICATION,
            "Which branch?",
            "No answer yet.",
            "licence.pdf",
            "Building work.",
        ]
        assert OutboxMessage.objects.count() > 20
        for message in OutboxMessage.objects.all():
            for secret in secrets:
                assert secret not in message.subject
                assert secret not in message.body_text


class TestOutbox:
    def test_the_e_mails_exist_only_if_the_change_does(self, world, make_request):
        draft = make_request(State.DRAFT)
        before = DBTaskResult.objects.count()
        with pytest.raises(RuntimeError), transaction.atomic():
            services.request_send(info_request=draft, actor=world["handler"])
            assert OutboxMessage.objects.exists()
            raise RuntimeError("the page crashed after sending")
        assert not OutboxMessage.objects.exists()
        assert DBTaskResult.objects.count() == before
        draft.refresh_from_db()
        assert draft.status == State.DRAFT

    def test_writing_an_event_s_e_mails_twice_sends_once(self, world, make_request):
        info_request = make_request(State.AWAITING_ACCEPTANCE)
        event = RequestEvent.objects.get(info_request=info_request, code="request.sent")
        count = OutboxMessage.objects.count()
        notify.for_event(event)
        assert OutboxMessage.objects.count() == count

    def test_internal_steps_send_nothing(self, world, make_request):
        make_request(State.DRAFT)
        assert not OutboxMessage.objects.exists()
