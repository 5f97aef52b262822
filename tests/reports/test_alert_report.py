"""The alert report, opened with python-docx: what each party reads in it, in its language,
and the personal data read recorded in the alert's access log."""

# The alerts' world replaces, in this module, the exchange's that tests/reports/conftest.py
# gives; the fixtures' names come back as test parameters.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from openimi.alerts import events, services
from openimi.alerts.models import Alert, AlertEvent
from openimi.alerts.types import AlertType
from openimi.reports.alert_report import alert_report
from tests.alerts.conftest import (  # noqa: F401 - fixtures
    PQ_FIELDS,
    PQ_PERSONAL,
    distributed_alert,
    pq_alert,
    pq_area,
    pq_fields,
    sent_alert,
    world,
)
from tests.exchange.conftest import pdf
from tests.reports.conftest import docx_text

pytestmark = pytest.mark.django_db


def _views(alert, part="report"):
    return AlertEvent.objects.filter(
        alert=alert, code=events.PERSONAL_DATA_VIEWED, data__part=part
    ).count()


def _history(text):
    """The history table's cells (python-docx lists the tables after the paragraphs, and the
    history is the last table)."""
    before, header, history = text.rpartition("When\nWhat happened\nWho\nNote\n")
    assert header, "no history table"
    return history


def _report(alert, user, language="en"):
    alert = Alert.objects.get(pk=alert.pk)
    return docx_text(alert_report(alert=alert, actor=user, language=language))


@pytest.fixture
def lived_alert(world, pq_alert):
    """A PQ alert with a document, sent, distributed, read in Germany, with new information
    validated, one returned, and a proposal to close it validated."""
    services.alert_add_attachment(
        alert=pq_alert, actor=world.sender_handler, file=pdf("tuchtcollege-uitspraak.pdf")
    )
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    pq_alert = services.alert_validate(alert=pq_alert, actor=world.nl_alco_user)
    for alco_user, target in (
        (world.de_alco_user, world.de_authority),
        (world.pl_alco_user, world.pl_authority),
    ):
        recipient = pq_alert.recipients.get(coordinator=alco_user.authority)
        services.alert_distribute(recipient=recipient, actor=alco_user, authorities=[target])
    services.alert_mark_read(alert=pq_alert, actor=world.de_reader)
    update = services.alert_propose_update(
        alert=pq_alert, actor=world.sender_handler, text="The appeal was rejected on 3 March."
    )
    services.alert_validate_update(update=update, actor=world.nl_alco_user)
    returned = services.alert_propose_update(
        alert=pq_alert, actor=world.sender_handler, text="A rumour of a second case."
    )
    services.alert_return_update(
        update=returned, actor=world.nl_alco_user, reason="Not confirmed: wait for the file."
    )
    services.alert_propose_closure(
        alert=pq_alert, actor=world.sender_handler, reason="The ban ended on appeal."
    )
    services.alert_validate_closure(alert=pq_alert, actor=world.nl_alco_user)
    return Alert.objects.get(pk=pq_alert.pk)


def test_the_senders_report_holds_everything(world, lived_alert):
    text = _report(lived_alert, world.sender_handler)
    assert f"Alert {lived_alert.reference}, printed on" in text
    # what the alert is: kind, legal basis, status, the two Dutch authorities
    assert "Health professional restricted or banned from practising" in text
    assert "Directive 2005/36/EC, Art. 56a(1)" in text
    assert "Closed" in text
    assert "CIBG BIG-register" in text and "Ministerie VWS alertcoördinator" in text
    assert PQ_FIELDS["activity"] in text and PQ_FIELDS["deciding_authority"] in text
    # the dates, localised: decision, the three-day deadline, sent, closed
    decision = lived_alert.decision_date
    with translation.override("en"):
        from django.utils import formats

        assert formats.date_format(decision, "DATE_FORMAT") in text
        deadline = decision + dt.timedelta(days=3)
        assert "Send by" in text and formats.date_format(deadline, "DATE_FORMAT") in text
    assert "Sent" in text and "Closed" in text
    # the person
    for value in ("Johanna Maria de Vries", "Utrecht", "BIG 19012345601", "Dutch"):
        assert value in text
    assert "Full name of the professional" in text
    # the texts, with their language named
    assert PQ_FIELDS["restriction_scope"] in text and PQ_FIELDS["description"] in text
    assert "Original text, in the language it was written in (English)." in text
    # updates: the sender sees the validated one, the returned one with its reason, the closure
    assert "The appeal was rejected on 3 March." in text
    assert "A rumour of a second case." in text and "Not confirmed: wait for the file." in text
    assert "The ban ended on appeal." in text
    # the document listed, the countries and the authorities distributed to
    assert "tuchtcollege-uitspraak.pdf" in text
    assert "Landesprüfungsamt Köln (DE), read on" in text
    assert "Naczelna Izba Pielęgniarek (PL), not read yet" in text
    assert "Ministère coordination alertes" in text  # France received it, did not distribute
    # the history, with the sending side's steps and no audit events
    for label in (
        "Draft created",
        "Document added",
        "Submitted for validation",
        "Validated and sent",
        "Distributed to authorities",
        "Read by an authority",
        "New information returned to the sender",
        "Closure validated; alert closed",
    ):
        assert label in text, label
    assert "PL: Naczelna Izba Pielęgniarek" in _history(text)
    assert events.PERSONAL_DATA_VIEWED not in text and "personal_data_viewed" not in text
    assert _views(lived_alert) == 1


def test_the_validator_sees_what_the_sender_sees(world, lived_alert):
    text = _report(lived_alert, world.nl_alco_user)
    assert "Johanna Maria de Vries" in text
    assert "Not confirmed: wait for the file." in text
    assert "Naczelna Izba Pielęgniarek (PL)" in text and "Landesprüfungsamt Köln (DE)" in text
    assert "Draft created" in text
    assert _views(lived_alert) == 1


def test_a_recipient_coordinator_sees_its_own_country_only(world, lived_alert):
    text = _report(lived_alert, world.de_alco_user)
    assert "Johanna Maria de Vries" in text
    assert "Recipient countries" in text
    assert "Landesprüfungsamt Köln (DE), read on" in text
    assert "Naczelna Izba Pielęgniarek" not in text  # Poland's row is Poland's
    assert "Ministerstwo Zdrowia koordynator\n" not in text.split("History")[0]
    # validated updates only; nothing of the sending side's own steps
    assert "The appeal was rejected on 3 March." in text
    assert "A rumour of a second case." not in text
    assert "Not confirmed: wait for the file." not in text
    history = _history(text)
    assert "Draft created" not in history and "Submitted for validation" not in history
    assert "Validated and sent" in history and "Closure validated; alert closed" in history
    # the distributions in the history name the authorities of its own country only
    assert "DE: Landesprüfungsamt Köln" in history
    assert "PL\n" in history and "PL: " not in history
    assert _views(lived_alert) == 1


def test_a_recipient_authority_sees_no_recipient_countries(world, lived_alert):
    text = _report(lived_alert, world.de_reader)
    assert "Johanna Maria de Vries" in text and PQ_FIELDS["description"] in text
    assert "Recipient countries" not in text
    assert "Alert coordinator" not in text
    assert "Naczelna Izba Pielęgniarek" not in text  # nor in the history's distributions
    assert "A rumour of a second case." not in text
    assert "The appeal was rejected on 3 March." in text
    assert _views(lived_alert) == 1


def test_after_retention_the_report_says_when_the_personal_data_went(world, lived_alert):
    """The retention job run for real: the person, the texts and the documents are gone,
    and the report says since when, in their place."""
    from django.utils import formats

    from openimi.retention.alerts import alert_retention_run

    removed = lived_alert.closed_at + dt.timedelta(days=4)
    assert alert_retention_run(now=removed).cleared == 1
    text = _report(lived_alert, world.sender_handler)
    with translation.override("en"):
        day = formats.date_format(timezone.localdate(removed), "DATE_FORMAT")
    removed_text = f"Personal data removed on {day} (retention period)."
    # where the person, the texts, each update's text and the documents stood
    assert text.count(removed_text) == 2 + lived_alert.updates.count() + 1
    for value in PQ_PERSONAL.values():
        if value != "Dutch":  # the nationality, and the language the updates are written in
            assert value not in text, value
    for phrase in (PQ_FIELDS["description"], PQ_FIELDS["restriction_scope"], "rumour"):
        assert phrase not in text
    assert "tuchtcollege-uitspraak.pdf" not in text
    assert "Personal data deleted (retention period)" in _history(text)
    # what stays: the alert's skeleton and its history
    assert PQ_FIELDS["activity"] in text and "Validated and sent" in text
    assert _views(lived_alert) == 0  # nothing personal was read


def test_a_draft_report_for_its_sender(world, pq_alert):
    text = _report(pq_alert, world.sender_handler)
    assert "Draft" in text and "Recipient countries" in text
    assert "The alert has not been sent to any country yet." in text
    assert "No updates." in text and "No documents." in text


def test_a_services_alert_names_the_provider(world, services_area):
    alert = services.alert_create_draft(
        actor=world.sender_handler,
        alert_type=AlertType.SERVICES,
        fields={
            "activity": "Asbestos removal",
            "description": "Asbestos dumped near a school.",
            "measures": "Licence suspended.",
        },
        personal={"full_name": "Sloopbedrijf De Hamer BV", "address": "Kade 1, Zwolle"},
        countries=["DE"],
        language="nl",
    )
    text = _report(alert, world.sender_handler)
    assert "The service provider" in text and "Sloopbedrijf De Hamer BV" in text
    assert "Name of the service provider" in text and "Kade 1, Zwolle" in text
    assert "Service activity" in text and "Asbestos removal" in text
    assert "Measures taken or planned" in text and "Licence suspended." in text
    assert "Directive 2006/123/EC, Art. 29(3), 32" in text
    assert "(Dutch)" in text  # the language of the texts, named in the reader's language
    assert "Send by" not in text  # no three-day rule for services alerts


def test_the_texts_are_marked_with_their_language(world, sent_alert):
    import io

    from docx import Document

    content = alert_report(
        alert=Alert.objects.get(pk=sent_alert.pk), actor=world.de_alco_user, language="en"
    )
    document = Document(io.BytesIO(content))
    marked = [
        paragraph for paragraph in document.paragraphs if paragraph.text == PQ_FIELDS["description"]
    ]
    assert len(marked) == 1
    assert 'w:lang w:val="en"' in marked[0]._p.xml


def test_the_report_in_german(world, lived_alert):
    """The German reader's report: the headings and labels in German, months as German
    writes them, and the language of the texts named in German."""
    from babel.dates import format_date

    text = _report(lived_alert, world.de_alco_user, language="de")
    with translation.override("de"):
        headings = [
            translation.gettext(english)
            for english in (
                "Alert report",
                "The alert",
                "The professional",
                "Texts of the alert",
                "Updates",
                "Documents",
                "Recipient countries",
                "History",
                "Legislative area",
                "When",
                "What happened",
            )
        ]
    for heading in headings:
        assert heading in text, heading
    # Those the German catalogue already has (the lead translates the new ones).
    for german in ("Dokumente", "Verlauf", "Rechtsbereich", "Wann", "Was geschah"):
        assert german in text
    assert "Berufsqualifikationen" in text  # the area's own German name
    assert format_date(lived_alert.decision_date, "long", locale="de") in text
    assert "(Englisch)" in text
    assert "Documents" not in text and "History" not in text


def test_the_report_costs_the_same_queries_however_long_the_alert_lived(
    world, distributed_alert, django_assert_max_num_queries
):
    """A few updates and events or many more: the report reads them in the same number of
    queries (no query per row)."""
    alert = Alert.objects.get(pk=distributed_alert.pk)
    with django_assert_max_num_queries(40) as few:
        alert_report(alert=alert, actor=world.sender_handler, language="en")
    for number in range(10):
        update = services.alert_propose_update(
            alert=alert, actor=world.sender_handler, text=f"More, {number}."
        )
        services.alert_validate_update(update=update, actor=world.nl_alco_user)
    services.alert_mark_read(alert=alert, actor=world.de_reader)
    services.alert_mark_read(alert=alert, actor=world.pl_reader)
    alert = Alert.objects.get(pk=distributed_alert.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        text = docx_text(alert_report(alert=alert, actor=world.sender_handler, language="en"))
    assert "More, 9." in text
