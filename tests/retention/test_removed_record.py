"""Issue 15, item 4: after the retention job the record says what happened.

The personal data was given, then removed: the request page, the full report and the API
say "Personal data removed on <date> (retention period)" (not "no personal data was given",
not an empty justification), and the removal is an event in the history. On SQLite the job
leaves no copy of the deleted values in the write-ahead log or in the database's free pages.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler
from django.urls import reverse
from django.utils import formats, timezone, translation

from openimi.exchange import events
from openimi.exchange.models import InformationRequest, RequestEvent
from openimi.exchange.workflow import State
from openimi.reports import documents
from openimi.retention import services as retention_services
from openimi.retention.models import RetentionState
from openimi.retention.schedule import add_months
from tests.api.conftest import api  # noqa: F401 - fixture
from tests.exchange.conftest import JUSTIFICATION, PROVIDER_NAME
from tests.reports.conftest import docx_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):
    global _capture  # noqa: PLW0603
    _capture = django_capture_on_commit_callbacks


def _run(now):
    with _capture(execute=True):
        return retention_services.retention_run(now=now)


def _deleted(make_request, settings, lifecycle="delete_after_6_months"):
    settings.RETENTION_LIFECYCLE = {"*": lifecycle}
    info_request = make_request(State.CLOSED)
    now = add_months(info_request.closed_at, 7)
    result = _run(now)
    assert (result.blocked if lifecycle == "block_then_delete" else result.deleted) == 1
    return info_request, now


def _removed_text(moment, language="en") -> str:
    with translation.override(language):
        day = formats.date_format(timezone.localdate(moment), "DATE_FORMAT")
    return day


def test_the_removal_is_an_event_in_the_history(world, make_request, settings, client):
    info_request, now = _deleted(make_request, settings)
    event = RequestEvent.objects.get(info_request=info_request, code=events.PERSONAL_DATA_DELETED)
    assert event.actor is None and event.created_at == now
    assert event.audience == RequestEvent.Audience.ALL
    assert event.from_status == event.to_status == State.CLOSED
    assert event.data == {"lifecycle": "delete_after_6_months"}
    # Once: the job is idempotent and so is its event.
    _run(add_months(now, 1))
    assert (
        RequestEvent.objects.filter(
            info_request=info_request,
            code__in=[events.PERSONAL_DATA_DELETED, events.PERSONAL_DATA_BLOCKED],
        ).count()
        == 1
    )
    client.force_login(world["handler"])
    html = client.get(reverse("exchange:detail", kwargs={"pk": info_request.pk})).content.decode()
    assert "Personal data deleted (retention period)" in html


def test_blocking_is_an_event_too_and_deleting_later_another(world, make_request, settings):
    info_request, now = _deleted(make_request, settings, lifecycle="block_then_delete")
    codes = list(
        RequestEvent.objects.filter(
            info_request=info_request,
            code__in=[events.PERSONAL_DATA_BLOCKED, events.PERSONAL_DATA_DELETED],
        ).values_list("code", flat=True)
    )
    assert codes == [events.PERSONAL_DATA_BLOCKED]
    _run(add_months(info_request.closed_at, settings.RETENTION_BLOCKED_DELETE_AFTER_MONTHS + 1))
    codes = list(
        RequestEvent.objects.filter(
            info_request=info_request,
            code__in=[events.PERSONAL_DATA_BLOCKED, events.PERSONAL_DATA_DELETED],
        )
        .order_by("created_at")
        .values_list("code", flat=True)
    )
    assert codes == [events.PERSONAL_DATA_BLOCKED, events.PERSONAL_DATA_DELETED]


@pytest.mark.parametrize("lifecycle", ["delete_after_6_months", "block_then_delete"])
def test_request_page_says_the_personal_data_was_removed(
    world, make_request, settings, client, lifecycle
):
    info_request, now = _deleted(make_request, settings, lifecycle)
    for who in ("handler", "resp_handler"):
        client.force_login(world[who])
        page = client.get(reverse("exchange:detail", kwargs={"pk": info_request.pk}))
        assert page.status_code == 200
        html = page.content.decode()
        notice = f"Personal data removed on {_removed_text(now)} (retention period)"
        # Where the service provider and where the justification were.
        assert html.count(notice) == 2, who
        assert PROVIDER_NAME not in html and JUSTIFICATION not in html


def test_request_page_says_it_in_dutch(world, make_request, settings, client):
    info_request, now = _deleted(make_request, settings)
    client.force_login(world["handler2"])  # a Dutch request handler
    html = client.get(
        reverse("exchange:detail", kwargs={"pk": info_request.pk}), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert f"Persoonsgegevens verwijderd op {_removed_text(now, 'nl')} (bewaartermijn)" in html


def test_an_open_request_says_nothing_of_removal(world, make_request, client):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["handler"])
    html = client.get(reverse("exchange:detail", kwargs={"pk": info_request.pk})).content.decode()
    assert "retention period" not in html
    assert PROVIDER_NAME in html


def test_full_report_says_the_personal_data_was_removed(world, make_request, settings):
    info_request, now = _deleted(make_request, settings)
    info_request = InformationRequest.objects.get(pk=info_request.pk)  # as the page reads it
    text = docx_text(
        documents.full_report(info_request=info_request, actor=world["handler"], language="en")
    )
    notice = f"Personal data removed on {_removed_text(now)} (retention period)."
    assert "No personal data was given." not in text
    assert text.count(notice) == 2  # personal data and justification
    assert "Personal data deleted (retention period)" in text  # the timeline


def test_full_report_of_a_request_without_personal_data_still_says_so(world, make_request):
    from openimi.exchange.models import PersonalData

    info_request = make_request(State.ACCEPTED)
    PersonalData.objects.filter(info_request=info_request).delete()
    text = docx_text(
        documents.full_report(info_request=info_request, actor=world["handler"], language="en")
    )
    assert "No personal data was given." in text and "retention period" not in text


def test_api_says_when_the_personal_data_was_removed(world, make_request, settings, api):  # noqa: F811
    info_request, now = _deleted(make_request, settings)
    state = RetentionState.objects.get(info_request=info_request)
    body = api(world["handler"]).get(f"/api/v1/requests/{info_request.pk}/").json()
    assert body["personal_data_removed_at"] is not None
    assert body["personal_data_removed_at"].startswith(
        timezone.localtime(state.deleted_at).isoformat()[:19]
    )
    open_request = make_request(State.ACCEPTED)
    body = api(world["handler"]).get(f"/api/v1/requests/{open_request.pk}/").json()
    assert body["personal_data_removed_at"] is None


# --- SQLite: nothing left behind in the write-ahead log ------------------------------------


def test_sqlite_keeps_no_copy_of_deleted_values(tmp_path):
    """The job's two SQLite steps on a real database file in WAL mode: deleting overwrites
    the freed space, and the checkpoint empties the log, so the value is in neither file."""
    path = tmp_path / "openimi.sqlite3"
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
            }
        }
    )
    connection = handler["default"]
    secret = "Griet Vermeulen, Havenkade 17"
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE personal (id INTEGER PRIMARY KEY, text TEXT)")
            # The deleted row shares its page with rows that stay: its bytes would stay too.
            for number in range(12):
                text = secret if number == 6 else f"Some other provider {number}"
                cursor.execute("INSERT INTO personal (text) VALUES (%s)", [text])
            # As SQLite is built by default (Debian's build turns it on): freed space kept.
            cursor.execute("PRAGMA secure_delete = OFF")
        retention_services.sqlite_erase_before(connection)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM personal WHERE text = %s", [secret])
        retention_services.sqlite_erase_after(connection)
        wal = Path(f"{path}-wal")
        for file in (path, wal):
            if file.exists():
                assert b"Griet Vermeulen" not in file.read_bytes(), file.name
        assert not wal.exists() or wal.stat().st_size == 0
    finally:
        connection.close()
    # The database is intact and still in WAL mode.
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert check.execute("SELECT count(*) FROM personal").fetchone()[0] == 11


def test_the_sqlite_steps_do_nothing_elsewhere():
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("this checks the other databases")
    # No error and nothing to do on PostgreSQL (VACUUM and its WAL are the operator's: see
    # docs/operations.md).
    retention_services.sqlite_erase_before(connection)
    retention_services.sqlite_erase_after(connection)


def test_api_personal_data_says_it_was_removed(world, make_request, settings, api):  # noqa: F811
    info_request, now = _deleted(make_request, settings)
    client = api(world["handler"])
    body = client.get(f"/api/v1/requests/{info_request.pk}/personal-data/").json()
    assert body["provider_name"] == ""
    assert body["removed_at"].startswith(timezone.localtime(now).isoformat()[:19])
    kept = make_request(State.ACCEPTED)
    body = client.get(f"/api/v1/requests/{kept.pk}/personal-data/").json()
    assert body["provider_name"] == PROVIDER_NAME and body["removed_at"] is None
