"""The alerts' e-mails (``alerts.notify``): who is told about every event, in which language,
with what (never the person), through the outbox in the transition's transaction, and one
delivery end to end over a real SMTP server through the real worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from openimi.accounts.models import Role
from openimi.alerts import events, notify, services
from openimi.alerts.models import AlertEvent
from openimi.alerts.types import AlertType
from openimi.common.i18n import country_name
from openimi.notifications.models import NotificationPreference, OutboxMessage
from openimi.notifications.services import notification_preference_set
from openimi.notifications.tasks import outbox_deliver_task
from tests.alerts.conftest import PQ_PERSONAL, pq_fields
from tests.factories import UserFactory
from tests.notifications.conftest import run_worker  # noqa: F401
from tests.smtp import smtp_sink  # noqa: F401

# ruff: noqa: F811 - the fixtures imported above are parameters of the tests

Status = OutboxMessage.Status
DIGEST = NotificationPreference.Frequency.DAILY_DIGEST
NAME = PQ_PERSONAL["full_name"]


def last_event(alert, code) -> AlertEvent:
    return AlertEvent.objects.filter(alert=alert, code=code).order_by("-pk").first()


def mails(alert, code) -> list[OutboxMessage]:
    """The e-mails of the latest ``code`` event of ``alert``."""
    event = last_event(alert, code)
    assert event is not None, code
    return list(OutboxMessage.objects.filter(key__startswith=f"alerts:{event.pk}:"))


def told(alert, code) -> set[str]:
    return {mail.recipient_email for mail in mails(alert, code)}


def emails(*parties) -> set[str]:
    return {party.email for party in parties}


def recipients_side(w) -> set[str]:
    """Every recipient coordinator (people and general address) of ``sent_alert``."""
    return emails(w.de_alco_user, w.pl_alco_user, w.fr_alco_user, w.de_alco, w.pl_alco, w.fr_alco)


def distributed_side(w) -> set[str]:
    """The two authorities ``distributed_alert`` was passed to (people and general address)."""
    return emails(w.de_reader, w.pl_reader, w.de_authority, w.pl_authority)


@pytest.fixture
def de_alco_supervisor(world):
    """A supervisor of the German alert coordinator: supervisors are told like handlers."""
    return UserFactory(
        authority=world.de_alco,
        username="de_alco_supervisor",
        roles=[(Role.SUPERVISOR, world.area)],
        language="de",
    )


@pytest.fixture
def de_alco_other_area(world):
    """A handler of the German alert coordinator in another area only: never told."""
    return UserFactory(
        authority=world.de_alco,
        username="de_alco_services",
        roles=[(Role.REQUEST_HANDLER, world.services_area)],
        language="de",
    )


@pytest.fixture
def submitted(world, pq_alert):
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    return pq_alert


# --- Who is told, event by event ---------------------------------------------------------------


def test_submission_tells_the_validating_coordinator(world, submitted):
    w = world
    # Its handler and its general address; not its local data administrator, not the sender.
    assert told(submitted, events.SUBMITTED) == emails(w.nl_alco_user, w.nl_alco)


def test_validation_tells_every_recipient_coordinator_and_the_author(
    world, submitted, de_alco_supervisor, de_alco_other_area
):
    w = world
    services.alert_validate(alert=submitted, actor=w.nl_alco_user)
    expected = recipients_side(w) | emails(de_alco_supervisor, w.sender_handler)
    assert told(submitted, events.VALIDATED) == expected
    by_email = {mail.recipient_email: mail for mail in mails(submitted, events.VALIDATED)}
    with translation.override("nl"):
        assert by_email[w.sender_handler.email].subject.startswith(
            translation.gettext("Your alert was sent")
        )
    with translation.override("de"):
        assert by_email[w.de_alco_user.email].subject.startswith(
            translation.gettext("New alert from another country")
        )
    # The general address gets the coordinator's copy, linked to no user.
    assert by_email[w.de_alco.email].recipient_user is None
    assert by_email[w.de_alco.email].authority_id == w.de_alco.pk


def test_a_return_tells_the_sending_handlers(world, submitted):
    w = world
    services.alert_return(alert=submitted, actor=w.nl_alco_user, reason="Incomplete.")
    # Handlers only: not the supervisor, the basic user or the local data administrator.
    assert told(submitted, events.RETURNED) == emails(w.sender_handler, w.sender_colleague)


def test_new_information_goes_to_the_validator_then_to_every_recipient(world, distributed_alert):
    w, alert = world, distributed_alert
    update = services.alert_propose_update(alert=alert, actor=w.sender_handler, text="More.")
    assert told(alert, events.UPDATE_PROPOSED) == emails(w.nl_alco_user)

    services.alert_validate_update(update=update, actor=w.nl_alco_user)
    expected = recipients_side(w) | distributed_side(w) | emails(w.sender_handler)
    assert told(alert, events.UPDATE_VALIDATED) == expected
    assert w.fr_reader.email not in expected  # France did not distribute it

    second = services.alert_propose_update(alert=alert, actor=w.sender_colleague, text="Again.")
    services.alert_return_update(update=second, actor=w.nl_alco_user, reason="Not needed.")
    assert told(alert, events.UPDATE_RETURNED) == emails(w.sender_handler, w.sender_colleague)


def test_closure_refused_then_closed(world, distributed_alert):
    w, alert = world, distributed_alert
    services.alert_propose_closure(alert=alert, actor=w.sender_handler, reason="Lifted.")
    assert told(alert, events.CLOSURE_PROPOSED) == emails(w.nl_alco_user)
    services.alert_return_closure(alert=alert, actor=w.nl_alco_user, reason="Not yet.")
    assert told(alert, events.CLOSURE_RETURNED) == emails(w.sender_handler, w.sender_colleague)

    services.alert_propose_closure(alert=alert, actor=w.sender_colleague, reason="Lifted.")
    services.alert_validate_closure(alert=alert, actor=w.nl_alco_user)
    expected = recipients_side(w) | distributed_side(w) | emails(w.sender_handler)
    assert told(alert, events.CLOSED) == expected


def test_withdrawal_after_sending_tells_everyone_who_received_it(world, distributed_alert):
    w, alert = world, distributed_alert
    services.alert_withdraw(alert=alert, actor=w.sender_handler, reason="Sent in error.")
    # The author withdrew it: not told; its coordinator is.
    expected = recipients_side(w) | distributed_side(w) | emails(w.nl_alco_user)
    assert told(alert, events.WITHDRAWN) == expected


def test_withdrawal_before_sending_stays_in_the_sending_country(world, submitted):
    w = world
    services.alert_withdraw(alert=submitted, actor=w.nl_alco_user, reason="Duplicate.")
    assert told(submitted, events.WITHDRAWN) == emails(w.sender_handler)


def test_distribution_tells_only_the_authorities_newly_passed_the_alert(world, sent_alert):
    w = world
    de = sent_alert.recipients.get(coordinator=w.de_alco)
    services.alert_distribute(recipient=de, actor=w.de_alco_user, authorities=[w.de_authority])
    assert told(sent_alert, events.DISTRIBUTED) == emails(w.de_reader, w.de_authority)
    # Passing it to one more authority later tells that one only.
    services.alert_distribute(recipient=de, actor=w.de_alco_user, authorities=[w.de_alco])
    assert told(sent_alert, events.DISTRIBUTED) == emails(w.de_alco)


def test_the_restriction_reminder_goes_to_the_sending_handlers_at_once(world):
    w = world
    today = timezone.localdate()
    alert = services.alert_create_draft(
        actor=w.sender_handler,
        alert_type=AlertType.PQ_HEALTH,
        fields=pq_fields(restriction_end=today + dt.timedelta(days=1)),
        personal=PQ_PERSONAL,
        language="en",
    )
    services.alert_submit(alert=alert, actor=w.sender_handler)
    services.alert_validate(alert=alert, actor=w.nl_alco_user)
    notification_preference_set(user=w.sender_handler, email_frequency=DIGEST)

    assert services.alerts_remind_restriction_ended(today=today + dt.timedelta(days=2)) == 1
    reminders = mails(alert, events.RESTRICTION_ENDED)
    assert {m.recipient_email for m in reminders} == emails(w.sender_handler, w.sender_colleague)
    # A reminder does not wait for the digest the author chose.
    assert {m.status for m in reminders} == {Status.PENDING}


def test_steps_nobody_needs_to_hear_of_send_nothing(world, distributed_alert):
    w, alert = world, distributed_alert
    services.alert_mark_read(alert=alert, actor=w.de_reader)
    fr = alert.recipients.get(coordinator=w.fr_alco)
    services.alert_acknowledge(recipient=fr, actor=w.fr_alco_user)
    for code in (events.CREATED, events.ACKNOWLEDGED, events.READ):
        assert mails(alert, code) == [], code


# --- Digest, language, contents ----------------------------------------------------------------


def test_the_digest_choice_holds_news_of_alerts(world, submitted):
    w = world
    notification_preference_set(user=w.de_alco_user, email_frequency=DIGEST)
    services.alert_validate(alert=submitted, actor=w.nl_alco_user)
    by_email = {m.recipient_email: m for m in mails(submitted, events.VALIDATED)}
    assert by_email[w.de_alco_user.email].status == Status.HELD
    assert by_email[w.pl_alco_user.email].status == Status.PENDING
    # Held: no delivery task for it.
    held = by_email[w.de_alco_user.email]
    tasks = DBTaskResult.objects.filter(task_path=outbox_deliver_task.module_path)
    assert not [t for t in tasks if t.args_kwargs["args"] == [held.pk]]


@pytest.mark.parametrize("language", ["de", "pl"])
def test_coordinators_read_the_new_alert_in_their_language(world, sent_alert, language):
    w = world
    coordinator = {"de": w.de_alco_user, "pl": w.pl_alco_user}[language]
    (mail,) = [m for m in mails(sent_alert, events.VALIDATED) if m.recipient_user == coordinator]
    assert mail.language == language
    netherlands = country_name("NL", language)
    assert netherlands != country_name("NL", "en")  # CLDR: Niederlande, Holandia
    with translation.override(language):
        subject = translation.gettext("New alert from another country")
        legislative_area = translation.gettext("Legislative area")
        expected = f"{subject} – " + translation.gettext("alert %(reference)s from %(country)s") % {
            "reference": sent_alert.reference,
            "country": netherlands,
        }
    assert mail.subject == expected
    assert netherlands in mail.subject and "Netherlands" not in mail.subject
    assert legislative_area != "Legislative area"
    assert f"{legislative_area}: {w.area.names[language]}" in mail.body_text
    assert mail.link.endswith(f"/alerts/{sent_alert.pk}/")
    assert mail.link in mail.body_text
    # The general address reads its authority's language.
    (general,) = [
        m
        for m in mails(sent_alert, events.VALIDATED)
        if m.recipient_user is None and (m.authority_id == coordinator.authority_id)
    ]
    assert general.language == language and general.subject == mail.subject


def test_no_alert_email_names_the_person(world, distributed_alert):
    """Whatever the texts say about the person, the e-mails carry none of it."""
    w, alert = world, distributed_alert
    about = f"{NAME} also worked in Köln; Ｎａｍｅ\u0007\u202e{'x' * 10_000}"
    update = services.alert_propose_update(alert=alert, actor=w.sender_handler, text=about)
    services.alert_return_update(update=update, actor=w.nl_alco_user, reason=f"{NAME}: no.")
    update = services.alert_propose_update(alert=alert, actor=w.sender_handler, text=about)
    services.alert_validate_update(update=update, actor=w.nl_alco_user)
    services.alert_propose_closure(alert=alert, actor=w.sender_handler, reason=f"{NAME} ok.")
    services.alert_validate_closure(alert=alert, actor=w.nl_alco_user)

    written = list(OutboxMessage.objects.filter(key__startswith="alerts:"))
    codes = {m.event_code for m in written}
    assert {events.SUBMITTED, events.VALIDATED, events.DISTRIBUTED, events.CLOSED} <= codes
    secrets = [
        *(str(value) for value in PQ_PERSONAL.values()),
        "12 April 1980",
        "Johanna",
        "de Vries",
        pq_fields()["description"],
        pq_fields()["restriction_scope"],
        pq_fields()["activity"],
        "also worked in Köln",
    ]
    for mail in written:
        for secret in secrets:
            assert secret not in mail.body_text, (mail.event_code, secret)
            assert secret not in mail.subject, (mail.event_code, secret)


# --- The transaction ---------------------------------------------------------------------------


def test_nothing_is_written_or_queued_when_the_transaction_rolls_back(world, submitted):
    w = world
    before = DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.alert_validate(alert=submitted, actor=w.nl_alco_user)
        assert OutboxMessage.objects.filter(event_code=events.VALIDATED).exists()
        raise RuntimeError("the change fails after the e-mails were written")
    assert not OutboxMessage.objects.filter(event_code=events.VALIDATED).exists()
    assert DBTaskResult.objects.count() == before
    submitted.refresh_from_db()
    assert submitted.status == "awaiting_validation"


def test_writing_the_same_event_twice_writes_nothing_more(world, sent_alert):
    event = last_event(sent_alert, events.VALIDATED)
    count = OutboxMessage.objects.count()
    assert notify.for_event(event) == []
    assert OutboxMessage.objects.count() == count


def test_the_queries_do_not_grow_with_the_recipients(world, submitted):
    """One more user at every coordinator: the same number of queries to tell them."""
    from django.db import connection

    w = world
    services.alert_validate(alert=submitted, actor=w.nl_alco_user)
    event = last_event(submitted, events.VALIDATED)

    def queries() -> int:
        OutboxMessage.objects.filter(key__startswith=f"alerts:{event.pk}:").delete()
        with CaptureQueriesContext(connection) as captured:
            written = notify.for_event(event)
        assert written
        return len(captured.captured_queries)

    queries()  # warms what is cached per process (the templates)
    few = queries()
    for n, alco in enumerate((w.de_alco, w.pl_alco, w.fr_alco) * 3):
        UserFactory(
            authority=alco, username=f"more{n}", roles=[(Role.SUPERVISOR, w.area)], language="pl"
        )
    assert queries() == few


# --- End to end --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the worker reconnects between tasks
def test_the_new_alert_reaches_the_german_coordinator_over_smtp(
    world, submitted, smtp_sink, run_worker
):
    w = world
    smtp_sink.refused.add(w.fr_alco.email.lower())  # one mailbox down does not stop the others
    services.alert_validate(alert=submitted, actor=w.nl_alco_user)
    run_worker()
    (delivery,) = [d for d in smtp_sink.deliveries if d.rcpt_tos == [w.de_alco_user.email]]
    message = delivery.message
    with translation.override("de"):
        subject = translation.gettext("New alert from another country")
    assert message["Subject"].startswith(subject)
    assert "Niederlande" in message["Subject"]
    body = message.get_content()
    assert f"/alerts/{submitted.pk}/" in body
    assert NAME not in body and NAME not in message["Subject"]
    sent = OutboxMessage.objects.get(
        key__startswith="alerts:", recipient_email=w.de_alco_user.email
    )
    assert sent.status == Status.SENT
    received = {r for d in smtp_sink.deliveries for r in d.rcpt_tos}
    assert emails(w.pl_alco_user, w.sender_handler) <= received
    assert w.sender_colleague.email not in received  # not told of the validation
