"""The personal data of alerts is removed the kind's period after the alert ended, with no trace
left (the same search as for requests: every table, every file, the outbox, the event data,
the log), idempotently; open alerts and recent ones keep it; abandoned drafts are deleted."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openimi.alerts import services
from openimi.alerts.models import (
    Alert,
    AlertAttachment,
    AlertEvent,
    AlertPersonalData,
    AlertUpdate,
)
from openimi.alerts.types import AlertType
from openimi.alerts.workflow import State
from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_enqueue
from openimi.retention import alerts as alert_retention
from openimi.retention.alerts import AlertRunResult
from openimi.retention.tasks import retention_daily_task
from tests.alerts import conftest as alerts_world
from tests.alerts.conftest import PQ_PERSONAL
from tests.retention.test_lifecycle import dump_database, storage_files

# The alerts' world, in place of the exchange's that this folder's conftest gives.
world, pq_area, pq_alert = alerts_world.world, alerts_world.pq_area, alerts_world.pq_alert
sent_alert, distributed_alert = alerts_world.sent_alert, alerts_world.distributed_alert

UPDATE_TEXT = "Mrs de Vries also worked at the Sint Lucas clinic under a false name."
RETURN_REASON = "Do not name the Sint Lucas patients of Johanna here."
MEASURES = "Her BIG registration 19012345601 is suspended."
DOCUMENT = b"Uitspraak tuchtcollege: Johanna Maria de Vries, geboren 12-04-1980."
TRACES = [
    PQ_PERSONAL["full_name"],
    "de Vries",
    PQ_PERSONAL["identifier"],
    "19012345601",
    "1980-04-12",
    "datetime.date(1980, 4, 12)",
    "repeated negligence",  # the description
    "Struck off the register",  # the scope of the restriction
    "Sint Lucas",  # an update's text and the reason it was returned
    "is suspended",  # the measures
    "Uitspraak",  # the document's content and name
]


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks, caplog):
    """Files leave storage after the commit: let commits run their callbacks here. Every log
    line of the alert's whole life is kept (autouse: before the alert is made)."""
    global _capture  # noqa: PLW0603
    _capture = django_capture_on_commit_callbacks
    caplog.set_level(logging.DEBUG)


def run(**options):
    with _capture(execute=True):
        return alert_retention.alert_retention_run(**options)


def attach(alert, actor, name="Uitspraak de Vries.txt", content=DOCUMENT):
    return services.alert_add_attachment(
        alert=alert, actor=actor, file=SimpleUploadedFile(name, content, "text/plain")
    )


def close(world, alert):
    services.alert_propose_closure(
        alert=alert, actor=world.sender_handler, reason="The ban was lifted on appeal."
    )
    return services.alert_validate_closure(alert=alert, actor=world.nl_alco_user)


@pytest.fixture
def closed_alert(world, pq_alert, media_root):
    """A PQ alert that lived a whole life (document, returned and validated updates, an
    e-mail and event data that copied the person's name), then closed."""
    alert = pq_alert
    services.alert_save_draft(
        alert=alert, actor=world.sender_handler, fields={"measures": MEASURES}, language="en"
    )
    attach(alert, world.sender_handler)
    services.alert_submit(alert=alert, actor=world.sender_handler)
    services.alert_validate(alert=alert, actor=world.nl_alco_user)
    recipient = alert.recipients.get(coordinator=world.de_alco)
    services.alert_distribute(
        recipient=recipient, actor=world.de_alco_user, authorities=[world.de_authority]
    )
    alert.refresh_from_db()
    services.personal_data_view_record(alert=alert, actor=world.de_reader, part="page")
    returned = services.alert_propose_update(
        alert=alert, actor=world.sender_handler, text=UPDATE_TEXT
    )
    services.alert_return_update(update=returned, actor=world.nl_alco_user, reason=RETURN_REASON)
    update = services.alert_propose_update(
        alert=alert, actor=world.sender_handler, text=UPDATE_TEXT
    )
    services.alert_validate_update(update=update, actor=world.nl_alco_user)
    # Copies where none should be, but might be: event data and an outbox e-mail.
    event = alert.events.order_by("pk").last()
    AlertEvent.objects.filter(pk=event.pk).update(data={"note": PQ_PERSONAL["full_name"]})
    outbox_enqueue(
        key=f"alerts:{event.pk}:copy@example.org",
        recipient_email="copy@example.org",
        subject=f"Alert about {PQ_PERSONAL['full_name']}",
        body_text=f"Registration {PQ_PERSONAL['identifier']}",
    )
    return close(world, alert)


def assert_no_trace(media_root, caplog):
    dump = dump_database()
    for trace in TRACES:
        assert trace not in dump, trace
    assert storage_files(media_root) == {}
    for trace in TRACES:
        assert trace not in caplog.text, trace


def test_after_three_days_a_pq_alert_leaves_no_trace(closed_alert, clock, media_root, caplog):
    alert = closed_alert
    dump = dump_database()
    # Found before (the date of birth as a date; as text it would be a copy somewhere).
    assert [t for t in TRACES if t not in dump] == ["1980-04-12"]
    assert "Uitspraak" in "".join(f.decode() for f in storage_files(media_root).values())
    assert len(storage_files(media_root)) == 1

    clock.now = alert.closed_at + dt.timedelta(days=3) - dt.timedelta(minutes=1)
    assert run() == AlertRunResult()
    assert AlertPersonalData.objects.filter(alert=alert).exists()

    clock.now = alert.closed_at + dt.timedelta(days=3)
    assert run(batch_size=1) == AlertRunResult(cleared=1)
    assert "Retention: alerts cleared 1, drafts deleted 0" in caplog.text  # the log is read
    assert_no_trace(media_root, caplog)

    # The skeleton for the statistics and the history stays.
    alert.refresh_from_db()
    assert alert.status == State.CLOSED and alert.personal_data_removed_at == clock.now
    assert alert.sent_at and alert.closed_at and alert.decision_date
    assert alert.activity == "Nurse (verpleegkundige)"
    assert alert.recipients.count() == 3
    assert AlertUpdate.objects.filter(alert=alert).count() == 3  # texts emptied, rows kept
    assert not AlertAttachment.objects.filter(alert=alert).exists()
    deleted = AlertEvent.objects.get(alert=alert, code="alert.personal_data_deleted")
    assert deleted.actor is None and deleted.created_at == clock.now
    assert deleted.data["removed"] == {"personal_data": 1, "attachments": 1, "copies_redacted": 2}
    assert alert.events.filter(code="alert.update_returned").exists()
    message = OutboxMessage.objects.get(recipient_email="copy@example.org")
    assert message.subject == "Alert about [removed]"
    assert message.body_text == "Registration [removed]"


def test_running_again_changes_nothing(closed_alert, clock, media_root):
    clock.now = closed_alert.closed_at + dt.timedelta(days=4)
    assert run() == AlertRunResult(cleared=1)
    before, files = dump_database(), storage_files(media_root)
    clock.advance(days=1)
    assert run() == AlertRunResult()
    assert dump_database() == before
    assert storage_files(media_root) == files


def services_alert(world, **personal):
    return services.alert_create_draft(
        actor=world.sender_handler,
        alert_type=AlertType.SERVICES,
        fields={"activity": "Asbestos removal", "description": "Dumped asbestos near a school."},
        personal={"full_name": "Sloopbedrijf Kuipers BV", **personal},
        countries=["DE"],
        language="en",
    )


def withdrawn(world, alert):
    services.alert_submit(alert=alert, actor=world.sender_handler)
    services.alert_validate(alert=alert, actor=world.nl_alco_user)
    return services.alert_withdraw(
        alert=alert, actor=world.sender_handler, reason="Sent about the wrong company."
    )


def test_services_alerts_keep_their_data_180_days(world, clock):
    alert = withdrawn(world, services_alert(world))
    clock.now = alert.closed_at + dt.timedelta(days=179)
    assert run() == AlertRunResult()
    assert Alert.objects.get(pk=alert.pk).description == "Dumped asbestos near a school."
    clock.now = alert.closed_at + dt.timedelta(days=180)
    assert run() == AlertRunResult(cleared=1)
    fresh = Alert.objects.get(pk=alert.pk)
    assert fresh.description == "" and fresh.personal_data_removed_at is not None
    assert not AlertPersonalData.objects.filter(alert=alert).exists()
    withdrawal = AlertUpdate.objects.get(alert=alert, kind=AlertUpdate.Kind.WITHDRAWAL)
    assert withdrawal.text == ""


def test_the_periods_come_from_the_settings(settings, world, clock, closed_alert):
    settings.ALERT_RETENTION_DAYS = {"services": 10, "*": 30}
    services_one = withdrawn(world, services_alert(world))
    clock.now = closed_alert.closed_at + dt.timedelta(days=10)
    assert run() == AlertRunResult(cleared=1)  # the services alert; the PQ one waits 30 days
    assert Alert.objects.get(pk=services_one.pk).personal_data_removed_at is not None
    assert AlertPersonalData.objects.filter(alert=closed_alert).exists()
    clock.now = closed_alert.closed_at + dt.timedelta(days=30)
    assert run() == AlertRunResult(cleared=1)
    assert not AlertPersonalData.objects.filter(alert=closed_alert).exists()


def test_a_kind_without_a_period_keeps_its_data(settings, world, clock, closed_alert, caplog):
    settings.ALERT_RETENTION_DAYS = {"services": 10}
    clock.advance(days=400)
    assert run() == AlertRunResult()
    assert AlertPersonalData.objects.filter(alert=closed_alert).exists()
    assert "no ALERT_RETENTION_DAYS for pq_health alerts" in caplog.text


def test_open_alerts_keep_their_data_however_old(world, distributed_alert, clock):
    waiting = services_alert(world)
    services.alert_submit(alert=waiting, actor=world.sender_handler)
    clock.advance(days=1000)
    assert run() == AlertRunResult()
    assert AlertPersonalData.objects.filter(alert__in=[distributed_alert, waiting]).count() == 2
    fresh = Alert.objects.get(pk=distributed_alert.pk)
    assert fresh.description and fresh.personal_data_removed_at is None


def test_abandoned_drafts_are_deleted_whole(world, pq_alert, clock, media_root):
    attach(pq_alert, world.sender_handler)
    returned = services_alert(world)
    services.alert_submit(alert=returned, actor=world.sender_handler)
    services.alert_return(alert=returned, actor=world.nl_alco_user, reason="Name the risk.")
    clock.advance(days=3)
    recent = services_alert(world)  # a services draft waits 180 days
    assert run() == AlertRunResult(drafts_deleted=1)
    assert not Alert.objects.filter(pk=pq_alert.pk).exists()
    assert not AlertEvent.objects.filter(alert_id=pq_alert.pk).exists()
    assert storage_files(media_root) == {}
    # A draft returned to its sender was submitted once: it stays (its data is the sender's).
    assert set(Alert.objects.values_list("pk", flat=True)) == {returned.pk, recent.pk}
    assert run() == AlertRunResult()


def test_a_draft_touched_within_the_period_stays(world, pq_alert, clock):
    clock.advance(days=2)
    services.personal_data_view_record(alert=pq_alert, actor=world.sender_handler, part="page")
    clock.advance(days=2)
    assert run() == AlertRunResult()
    clock.advance(days=1)
    assert run() == AlertRunResult(drafts_deleted=1)


def test_the_daily_job_runs_it(world, closed_alert, clock):
    clock.now = closed_alert.closed_at + dt.timedelta(days=3)
    with _capture(execute=True):
        result = retention_daily_task.call()
    assert result["alerts_cleared"] == 1 and result["alert_drafts_deleted"] == 0
    assert Alert.objects.get(pk=closed_alert.pk).personal_data_removed_at == clock.now


def test_text_from_the_wild_is_removed_too(world, clock):
    wild = "Ζωή Παπαδοπούλου\x00\x07 Łódź " + "ё" * 9000
    alert = services_alert(world, identifier="ΑΒ-1234567", address=wild[:2000])
    services.alert_save_draft(
        alert=alert, actor=world.sender_handler, fields={"measures": wild}, language="el"
    )
    alert = withdrawn(world, alert)
    clock.now = alert.closed_at + dt.timedelta(days=180)
    assert run() == AlertRunResult(cleared=1)
    dump = dump_database()
    assert "Παπαδοπούλου" not in dump and "ΑΒ-1234567" not in dump
