"""The personal-data lifecycle with advanced time: deleted (the seed) or blocked then deleted
(the IMI Regulation), at the right moments, with no trace left, idempotently."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.template import Context, Template
from django.utils import translation

from openimi.exchange import services
from openimi.exchange.models import Answer, Attachment, InformationRequest, PersonalData
from openimi.exchange.workflow import State
from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_enqueue
from openimi.retention.models import (
    BlockedAccessLog,
    BlockedPersonalData,
    DeletionLog,
    RetentionState,
)
from openimi.retention.schedule import add_months
from openimi.retention.selectors import removal_notice
from openimi.retention.services import RunResult, personal_data_block, personal_data_delete
from openimi.retention.services import retention_run as _retention_run
from tests.exchange.conftest import JUSTIFICATION, PROVIDER_EMAIL, PROVIDER_NAME

REGISTRATION = "KvK-99887766"
MEDIATION_TEXT = "Mr Piet Jansen of Bouwbedrijf Jansen did not reply."
TRACES = [PROVIDER_NAME, PROVIDER_EMAIL, REGISTRATION, "Jansen", JUSTIFICATION, "Building work."]


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):
    """Files leave storage after the commit: let commits run their callbacks here."""
    global _capture  # noqa: PLW0603
    _capture = django_capture_on_commit_callbacks


def retention_run(**options):
    with _capture(execute=True):
        return _retention_run(**options)


def dump_database() -> str:
    """Every row of every table, as text: what a search of the whole database would find."""
    parts = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts.append(table + ":" + repr(cursor.fetchall()))
    return "\n".join(parts)


def storage_files(media_root: Path) -> dict[str, bytes]:
    if not media_root.exists():
        return {}
    return {
        str(p.relative_to(media_root)): p.read_bytes() for p in media_root.rglob("*") if p.is_file()
    }


@pytest.fixture
def closed_request(world, make_request):
    """A closed request whose personal data also sits in notes, mediation, copies."""
    info_request = make_request(State.ACCEPTED, attachment=True, referred=True)
    PersonalData.objects.filter(info_request=info_request).update(registration_number=REGISTRATION)
    services.mediation_post(
        info_request=info_request, actor=world["coord_handler"], text=MEDIATION_TEXT, language="en"
    )
    from tests.exchange.conftest import answer_all

    answer_all(world, info_request)
    services.request_answer(info_request=info_request, actor=world["resp_handler"])
    services.request_accept_answer(info_request=info_request, actor=world["handler"])
    info_request.refresh_from_db()
    # Copies where none should be, but might be: event data and an outbox e-mail.
    event = info_request.events.order_by("pk").last()
    type(event).objects.filter(pk=event.pk).update(data={"note": f"about {PROVIDER_NAME}"})
    outbox_enqueue(
        key=f"exchange:{event.pk}:copy@example.org",
        recipient_email="copy@example.org",
        subject=f"Re: {PROVIDER_NAME}",
        body_text=f"Contact {PROVIDER_EMAIL}",
    )
    return info_request


def assert_no_trace(media_root: Path, info_request: InformationRequest) -> None:
    dump = dump_database()
    for trace in TRACES:
        assert trace not in dump, trace
    assert storage_files(media_root) == {}


def test_delete_after_six_months_leaves_no_trace(closed_request, clock, media_root):
    info_request = closed_request
    closed_at = info_request.closed_at
    dump = dump_database()
    assert all(trace in dump for trace in TRACES)  # the search does find them before
    assert len(storage_files(media_root)) == 2  # the request's document and the answer's

    clock.now = add_months(closed_at, 6) - dt.timedelta(hours=1)
    assert retention_run() == RunResult()
    assert PersonalData.objects.filter(info_request=info_request).exists()

    clock.now = add_months(closed_at, 6) + dt.timedelta(days=1)
    assert retention_run(batch_size=1) == RunResult(deleted=1)
    assert_no_trace(media_root, info_request)

    # The skeleton for the statistics stays.
    info_request.refresh_from_db()
    assert info_request.status == State.CLOSED
    assert info_request.sent_at and info_request.accepted_at and info_request.closed_at
    assert info_request.request_questions.count() == 6
    kept = dict(
        Answer.objects.filter(request_question__info_request=info_request).values_list(
            "request_question__question__code", "value"
        )
    )
    assert kept["S-01"] == "yes" and kept["S-03"] == "bv" and kept["S-04"] is None
    assert info_request.events.filter(code="request.answer_accepted").exists()
    log = DeletionLog.objects.get(info_request=info_request)
    assert log.action == DeletionLog.Action.DELETED
    assert log.removed["personal_data"] == 1 and log.removed["attachments"] == 2
    assert log.removed["mediation_messages"] == 2 and log.removed["justification"] == 1
    assert log.removed["copies_redacted"] == 2
    assert not any(trace in json.dumps(log.removed) for trace in TRACES)
    assert OutboxMessage.objects.get(recipient_email="copy@example.org").subject == "Re: [removed]"


def test_running_twice_changes_nothing_more(closed_request, clock, media_root):
    clock.now = add_months(closed_request.closed_at, 7)
    assert retention_run() == RunResult(deleted=1)
    before, files = dump_database(), storage_files(media_root)
    clock.advance(days=1)
    assert retention_run() == RunResult()
    assert personal_data_delete(info_request=closed_request) is None
    assert dump_database() == before
    assert storage_files(media_root) == files


def test_open_and_recent_requests_are_kept(world, make_request, closed_request, clock):
    open_request = make_request(State.ACCEPTED)
    clock.now = add_months(closed_request.closed_at, 6) + dt.timedelta(days=1)
    recent = make_request(State.WITHDRAWN)  # ended just now
    assert retention_run() == RunResult(deleted=1)
    assert PersonalData.objects.filter(info_request__in=[open_request, recent]).count() == 2
    assert InformationRequest.objects.get(pk=recent.pk).justification == JUSTIFICATION


def test_rejected_and_withdrawn_requests_are_deleted_too(make_request, clock):
    rejected, withdrawn = make_request(State.REJECTED), make_request(State.WITHDRAWN)
    clock.advance(days=200)
    assert retention_run() == RunResult(deleted=2)
    assert not PersonalData.objects.filter(info_request__in=[rejected, withdrawn]).exists()


def test_block_then_delete(settings, closed_request, clock, media_root, world):
    settings.RETENTION_LIFECYCLE = {"*": "block_then_delete"}
    info_request, closed_at = closed_request, closed_request.closed_at

    clock.now = add_months(closed_at, 6) + dt.timedelta(days=1)
    assert retention_run() == RunResult(blocked=1)
    # Invisible to every user: nothing of it is left where pages and e-mails look.
    assert services.personal_data_view(info_request=info_request, actor=world["handler"]) is None
    assert not Attachment.objects.filter(info_request=info_request).exists()
    assert InformationRequest.objects.get(pk=info_request.pk).justification == ""
    blocked = BlockedPersonalData.objects.get(info_request=info_request)
    assert blocked.payload["personal_data"]["provider_name"] == PROVIDER_NAME
    assert len(blocked.files) == 2
    assert all(name.startswith("retention/blocked/") for name in storage_files(media_root))
    assert retention_run() == RunResult()  # blocked once

    clock.now = add_months(closed_at, 36) - dt.timedelta(days=1)
    assert retention_run() == RunResult()
    clock.now = add_months(closed_at, 36) + dt.timedelta(days=1)
    assert retention_run() == RunResult(deleted=1)
    assert_no_trace(media_root, info_request)
    state = RetentionState.objects.get(info_request=info_request)
    assert state.blocked_at and state.deleted_at
    assert list(
        DeletionLog.objects.filter(info_request=info_request)
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["blocked", "deleted"]
    assert retention_run() == RunResult()


def test_operator_reads_blocked_data_only_with_a_justification(settings, closed_request, capsys):
    settings.RETENTION_LIFECYCLE = {"services": "block_then_delete"}
    assert personal_data_block(info_request=closed_request) is not None
    assert personal_data_block(info_request=closed_request) is None
    with pytest.raises(CommandError):
        call_command(
            "read_blocked_personal_data",
            "--request",
            str(closed_request.pk),
            "--justification",
            "x",
        )
    assert not BlockedAccessLog.objects.exists()
    call_command(
        "read_blocked_personal_data",
        "--request",
        str(closed_request.pk),
        "--justification",
        "Court order 2031/17 of the district court",
        "--operator",
        "ops-anna",
    )
    printed = json.loads(capsys.readouterr().out)
    assert printed["personal_data"]["provider_name"] == PROVIDER_NAME
    assert printed["justification"] == JUSTIFICATION
    log = BlockedAccessLog.objects.get()
    assert (log.operator, log.info_request_id) == ("ops-anna", closed_request.pk)


def test_lifecycle_per_area(settings, world, make_request, clock):
    settings.RETENTION_LIFECYCLE = {"*": "delete_after_6_months", "services": "block_then_delete"}
    info_request = make_request(State.WITHDRAWN)
    clock.advance(days=200)
    assert retention_run() == RunResult(blocked=1)
    assert BlockedPersonalData.objects.filter(info_request=info_request).exists()


def test_deleting_an_open_request_is_refused(make_request):
    from openimi.common.errors import ApplicationError

    with pytest.raises(ApplicationError):
        personal_data_delete(info_request=make_request(State.ACCEPTED))


def test_users_are_told_thirty_days_ahead(make_request, clock):
    info_request = make_request(State.WITHDRAWN)
    deletion = add_months(info_request.closed_at, 6)
    clock.now = deletion - dt.timedelta(days=31)
    fresh = InformationRequest.objects.select_related("area", "retention").get(pk=info_request.pk)
    assert removal_notice(fresh) is None
    clock.now = deletion - dt.timedelta(days=30)
    notice = removal_notice(fresh)
    assert notice is not None and notice.step == "delete" and notice.at == deletion
    # In English whatever language an earlier test's request left active in this thread.
    with translation.override("en"):
        html = Template("{% load retention %}{% personal_data_notice r %}").render(
            Context({"r": fresh})
        )
        assert "will be deleted" in html and "full report" in html
        assert "Personal data deleted on" in Template(
            "{% load retention %}{% personal_data_notice r compact=True %}"
        ).render(Context({"r": fresh}))
