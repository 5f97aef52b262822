"""The monitoring pages: who may open them, what they show, the CSV, and their query count."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.monitoring.conftest import at

pytestmark = pytest.mark.django_db

OWN = reverse("monitoring:own")
COORDINATOR = reverse("monitoring:coordinator")
QUARTER = {"first": "2026-01", "last": "2026-03"}


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


@pytest.mark.parametrize(
    ("user_name", "url", "status"),
    [
        ("supervisor", OWN, 200),  # a supervisor of the authority
        ("lda", OWN, 200),  # its local data administrator (every area)
        ("coordinator_lda", OWN, 200),  # a coordinator's own figures
        ("basic", OWN, 404),  # no role
        ("handler", OWN, 404),  # request handlers act; they do not monitor
        ("coordinator_lda", COORDINATOR, 200),
        ("coordinator_supervisor", COORDINATOR, 200),
        ("supervisor", COORDINATOR, 404),  # not a coordinator
        ("lda", COORDINATOR, 404),
        ("koeln_supervisor", COORDINATOR, 404),
    ],
)
def test_who_may_open_the_pages(client, stats, user_name, url, status):
    assert get(client, stats[user_name], url).status_code == status


@pytest.mark.parametrize("url", [OWN, COORDINATOR, OWN + "?format=csv"])
def test_anonymous_is_sent_to_the_login_page(client, stats, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_menu_shows_monitoring_to_those_allowed(client, stats):
    page = get(client, stats["supervisor"], reverse("home")).content.decode()
    assert f'href="{OWN}"' in page
    page = get(client, stats["coordinator_lda"], reverse("home")).content.decode()
    assert f'href="{COORDINATOR}"' in page
    page = get(client, stats["basic"], reverse("home")).content.decode()
    assert "/monitoring/" not in page


def test_the_supervisors_page(client, stats):
    response = get(client, stats["supervisor"], OWN, **QUARTER)
    context = response.context
    # Services only (the supervisor's area): R2, R3 open and answered; none overdue there.
    assert (context["counts"].open, context["counts"].overdue) == (2, 0)
    assert context["report"].total.received == 5
    page = response.content.decode()
    assert "Indicators, January 2026 to March 2026" in page
    assert "How these are computed" in page
    assert 'role="img"' in page and "<title id=" in page
    assert "Professional qualifications" not in page  # not the supervisor's area


def test_the_local_data_administrators_page_shows_the_overdue_link(client, stats):
    response = get(client, stats["lda"], OWN, **QUARTER)
    assert response.context["counts"].overdue == 2
    assert reverse("exchange:list") + "?overdue=on" in response.content.decode()


def test_the_overdue_link_lists_as_many_requests_as_the_tile_counts(client, stats):
    response = get(client, stats["lda"], OWN, **QUARTER)
    listed = client.get(reverse("exchange:list"), {"overdue": "on"})
    assert listed.context["page"].paginator.count == response.context["counts"].overdue == 2


def test_supervisors_find_the_access_log_here(client, stats):
    page = get(client, stats["supervisor"], OWN).content.decode()
    assert f'href="{reverse("privacy:access_log")}"' in page
    assert get(client, stats["supervisor"], reverse("privacy:access_log")).status_code == 200


def test_another_authoritys_supervisor_sees_nothing_of_ours(client, stats):
    response = get(client, stats["koeln_supervisor"], OWN, **QUARTER)
    assert response.context["report"].total.received == 1  # R11, received by Köln
    assert response.context["counts"].open == 1
    assert "Gemeente Oeteldonk" not in response.content.decode()


def test_the_coordinators_page_lists_the_supervised_authorities_most_overdue_first(client, stats):
    response = get(client, stats["coordinator_lda"], COORDINATOR, **QUARTER)
    lines = response.context["authority_lines"]
    assert [line.name for line in lines] == ["Gemeente Oeteldonk", "Gemeente Anderstad"]
    assert "Gewerbeamt Köln" not in response.content.decode()


def test_a_bad_period_keeps_the_choice_and_explains(client, stats):
    response = get(client, stats["lda"], OWN, first="2026-03", last="2026-01")
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The last month must be the same as or after the first." in page
    # The figures fall back to the last twelve months.
    assert response.context["report"].period.first == dt.date(2025, 4, 1)


def test_the_csv_download(client, stats):
    response = get(client, stats["lda"], OWN, format="csv", **QUARTER)
    assert response["Content-Type"].startswith("text/csv")
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="openimi-monitoring-received-2026-01-to-2026-03.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Month",
        "Legislative area",
        "Requests",
        "Due for acceptance",
        "Accepted within 7 days",
        "Accepted within 7 days (%)",
        "Answered",
        "Average days to answer",
        "Answered with an agreed date",
        "Answered by the agreed date",
        "Answered by the agreed date (%)",
    ]
    # The hand-computed cells of test_selectors, one row per month × area with requests.
    assert rows[1:] == [
        ["2026-01", "Services", "3", "3", "2", "66.7", "3", "20.7", "3", "2", "66.7"],
        ["2026-01", "Professional qualifications", "1", "1", "1", "100.0", "0", "", "0", "0", ""],
        ["2026-02", "Services", "2", "1", "1", "100.0", "1", "10.0", "1", "1", "100.0"],
        [
            "2026-02",
            "Professional qualifications",
            "2",
            "2",
            "1",
            "50.0",
            "1",
            "6.0",
            "1",
            "1",
            "100.0",
        ],
        ["2026-03", "Professional qualifications", "1", "0", "0", "", "0", "", "0", "0", ""],
    ]


def test_the_coordinators_csv_has_one_row_per_authority_too(client, stats):
    response = get(client, stats["coordinator_lda"], COORDINATOR, format="csv", **QUARTER)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Month", "Legislative area", "Authority"]
    assert ["2026-02", "Services", "Gemeente Anderstad"] in [row[:3] for row in rows[1:]]
    assert all(row[2] in {"Gemeente Oeteldonk", "Gemeente Anderstad"} for row in rows[1:])


@pytest.mark.parametrize(("user_name", "url"), [("lda", OWN), ("coordinator_lda", COORDINATOR)])
def test_the_page_costs_the_same_queries_for_more_requests(client, stats, user_name, url):
    client.force_login(stats[user_name])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, QUARTER).status_code == 200
        return len(queries)

    before = count()
    walk, sender = stats.walk, stats["sender"]
    for day in (2, 3, 4):
        info_request = walk.send(
            sender=sender,
            to=stats.oeteldonk,
            area=stats.pq,
            sent=at(3, day),
            reply_by=dt.date(2026, 4, 1),
        )
        walk.accept(info_request, actor=stats["receiver"], when=at(3, day, hour=12))
    walk.clock.now = at(3, 20, hour=12)
    assert count() == before


def test_the_supervisors_page_query_count(client, stats, django_assert_num_queries):
    client.force_login(stats["supervisor"])
    # The session, the user, its authority, its role grants (the policy); the areas; the
    # counts now; the indicators; the alerts it sent (issue 22, monitoring/alerts.py); and the
    # session's refresh (savepoint, update, release).
    with django_assert_num_queries(11):
        client.get(OWN, QUARTER)
