"""The list of requests says, 30 days ahead, when a row's personal data goes ("in the list and
on the request"), at a constant number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openimi.exchange import services
from openimi.exchange.models import InformationRequest
from openimi.exchange.workflow import State
from openimi.retention.schedule import add_months

pytestmark = pytest.mark.django_db


def _withdrawn(world, make_request, *, ended_days_ago: int) -> InformationRequest:
    """A withdrawn request that ended ``ended_days_ago`` days ago (six months = deletion)."""
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    services.request_withdraw(info_request=info_request, actor=world["handler"])
    closed_at = timezone.now() - dt.timedelta(days=ended_days_ago)
    InformationRequest.objects.filter(pk=info_request.pk).update(closed_at=closed_at)
    info_request.closed_at = closed_at
    return info_request


def _deleted_on(info_request: InformationRequest) -> str:
    deletion = add_months(info_request.closed_at, 6)
    day = timezone.localdate(deletion)
    return f"Personal data deleted on {day.day} {day:%B %Y}"


def test_the_list_names_the_deletion_date_within_30_days(
    client, settings, world, make_request, django_assert_num_queries
):
    settings.RETENTION_LIFECYCLE = {"*": "delete_after_6_months"}
    soon = _withdrawn(world, make_request, ended_days_ago=170)  # deleted in about 12 days
    later = _withdrawn(world, make_request, ended_days_ago=60)  # deleted in about 4 months
    make_request(State.AWAITING_ACCEPTANCE)  # open: nothing to say
    client.force_login(world["handler"])
    url = reverse("exchange:outgoing")
    client.get(url)  # warm the session

    with CaptureQueriesContext(connection) as one:
        page = client.get(url)
    assert page.status_code == 200
    assert _deleted_on(soon) in page.text
    assert _deleted_on(later) not in page.text
    assert page.text.count("Personal data deleted on") == 1

    for days in (158, 165, 175):
        _withdrawn(world, make_request, ended_days_ago=days)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert page.text.count("Personal data deleted on") == 4


def test_blocked_lifecycle_and_deleted_requests(
    client, settings, world, make_request, django_assert_num_queries
):
    settings.RETENTION_LIFECYCLE = {"*": "block_then_delete"}
    soon = _withdrawn(world, make_request, ended_days_ago=170)
    client.force_login(world["handler"])
    page = client.get(reverse("exchange:outgoing"))
    day = timezone.localdate(add_months(soon.closed_at, 6))
    assert f"Personal data blocked on {day.day} {day:%B %Y}" in page.text

    from openimi.retention.services import personal_data_delete

    personal_data_delete(info_request=soon)
    page = client.get(reverse("exchange:outgoing"))
    assert "Personal data blocked on" not in page.text
    assert "Personal data deleted on" not in page.text
