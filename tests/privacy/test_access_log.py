"""Every place that shows personal data records the access with "which part", and the access
log shows it to the right people only, at a constant number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from openimi.exchange import events
from openimi.exchange.models import Attachment, RequestEvent
from openimi.exchange.workflow import State

pytestmark = pytest.mark.django_db


def _parts(info_request, user):
    return [
        e.data.get("part")
        for e in RequestEvent.objects.filter(
            info_request=info_request,
            actor=user,
            code__in=(events.PERSONAL_DATA_VIEWED, events.ATTACHMENT_DOWNLOADED),
        ).order_by("pk")
    ]


def test_detail_page_is_recorded(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["resp_handler"])
    client.get(reverse("exchange:detail", args=[info_request.pk]))
    assert _parts(info_request, world["resp_handler"]) == ["page:detail"]


def test_draft_pages_are_recorded(client, world, make_request):
    info_request = make_request(State.DRAFT)
    client.force_login(world["handler"])
    client.get(reverse("exchange:compose_step", args=[info_request.pk, "provider"]))
    client.get(reverse("exchange:compose_step", args=[info_request.pk, "review"]))
    assert _parts(info_request, world["handler"]) == ["page:compose", "page:review"]


@pytest.mark.parametrize(
    ("name", "part"),
    [("reports:full_report", "report:full"), ("reports:consent_statement", "report:consent")],
)
def test_reports_are_recorded(client, world, make_request, name, part):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["handler"])
    assert client.get(reverse(name, args=[info_request.pk])).status_code == 200
    assert _parts(info_request, world["handler"]) == [part]


def test_document_download_is_recorded(client, world, make_request):
    info_request = make_request(State.ACCEPTED, attachment=True)
    attachment = Attachment.objects.get(info_request=info_request)
    client.force_login(world["resp_handler"])
    response = client.get(reverse("exchange:download", args=[info_request.pk, attachment.pk]))
    assert response.status_code == 200
    assert _parts(info_request, world["resp_handler"]) == [f"attachment:{attachment.pk}"]


def test_api_personal_data_is_recorded(api, world, make_request):
    info_request = make_request(State.ACCEPTED)
    response = api(world["resp_handler"]).get(f"/api/v1/requests/{info_request.pk}/personal-data/")
    assert response.status_code == 200
    assert _parts(info_request, world["resp_handler"]) == ["api:personal_data"]


def test_api_document_download_is_recorded(api, world, make_request):
    info_request = make_request(State.ACCEPTED, attachment=True)
    attachment = Attachment.objects.get(info_request=info_request)
    response = api(world["resp_handler"]).get(
        f"/api/v1/requests/{info_request.pk}/documents/{attachment.pk}/"
    )
    assert response.status_code == 200
    assert _parts(info_request, world["resp_handler"]) == [f"attachment:{attachment.pk}"]


def test_api_request_detail_shows_no_personal_data(api, world, make_request):
    from tests.exchange.conftest import PROVIDER_NAME

    info_request = make_request(State.ACCEPTED)
    response = api(world["resp_handler"]).get(f"/api/v1/requests/{info_request.pk}/")
    assert response.status_code == 200
    assert PROVIDER_NAME not in response.content.decode()  # so nothing to record


def test_privacy_pages_are_recorded(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["lda"])
    client.get(reverse("privacy:subject_request", args=[info_request.pk]))
    client.get(reverse("privacy:correct", args=[info_request.pk]))
    assert _parts(info_request, world["lda"]) == ["privacy:subject", "privacy:correct"]


def test_log_shows_own_users_accesses_only(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    for who in ("handler", "resp_handler"):
        client.force_login(world[who])
        client.get(reverse("exchange:detail", args=[info_request.pk]))
    client.force_login(world["lda"])
    response = client.get(reverse("privacy:access_log"))
    rows = response.context["rows"]
    assert [event.actor for event, _part in rows] == [world["handler"]]
    assert rows[0][1] == "Request page: service provider"
    page = response.content.decode()
    assert reverse("exchange:detail", args=[info_request.pk]) in page
    client.force_login(world["resp_lda"])
    rows = client.get(reverse("privacy:access_log")).context["rows"]
    assert [event.actor for event, _part in rows] == [world["resp_handler"]]


def test_log_filters(client, world, make_request):
    first, second = make_request(State.ACCEPTED), make_request(State.ACCEPTED)
    client.force_login(world["handler"])
    client.get(reverse("exchange:detail", args=[first.pk]))
    client.force_login(world["supervisor"])
    client.get(reverse("exchange:detail", args=[second.pk]))
    client.force_login(world["lda"])
    url = reverse("privacy:access_log")
    rows = client.get(url, {"request": first.pk}).context["rows"]
    assert {e.info_request_id for e, _ in rows} == {first.pk}
    rows = client.get(url, {"user": world["supervisor"].pk}).context["rows"]
    assert {e.actor for e, _ in rows} == {world["supervisor"]}
    today = timezone.localtime(rows[0][0].created_at).date()
    assert len(client.get(url, {"date_from": today, "date_to": today}).context["rows"]) == 2
    tomorrow = today.replace(year=today.year + 1)
    assert client.get(url, {"date_from": tomorrow}).context["rows"] == []
    response = client.get(url, {"date_from": today, "date_to": "2000-01-01"})
    assert "The end date must be on or after the start date." in response.content.decode()


# session, user, authority, role grants, [the users to filter by,] count, page, session save
QUERIES_10 = 10


def test_log_query_count_does_not_grow(client, world, make_request, django_assert_num_queries):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["handler"])
    client.get(reverse("exchange:detail", args=[info_request.pk]))
    client.force_login(world["lda"])
    url = reverse("privacy:access_log")
    client.get(url)
    with django_assert_num_queries(QUERIES_10):
        client.get(url)
    client.force_login(world["handler"])
    for _ in range(5):
        client.get(reverse("exchange:detail", args=[make_request(State.ACCEPTED).pk]))
    client.force_login(world["lda"])
    client.get(url)
    with django_assert_num_queries(QUERIES_10):
        response = client.get(url)
    assert len(response.context["rows"]) == 6


def test_past_the_count_limit_the_log_says_more_than(client, world, make_request, monkeypatch):
    from openimi.privacy import views

    monkeypatch.setattr(views, "COUNT_LIMIT", 2)
    client.force_login(world["handler"])
    for _ in range(3):
        client.get(reverse("exchange:detail", args=[make_request(State.ACCEPTED).pk]))
    client.force_login(world["lda"])
    response = client.get(reverse("privacy:access_log"))
    assert response.context["page"].paginator.capped
    assert "More than 2 accesses: use the filters to narrow the log." in response.text
    assert len(response.context["rows"]) == 2
