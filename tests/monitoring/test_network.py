"""The network's figures (issue 19, item 8): who may open the page, what it counts per country
and legislative area, the CSV, and a query count that does not grow with the authorities.

The data set is ``tests/monitoring/conftest.py``'s: in the first quarter of 2026 the Dutch
authorities received R1-R7, R9, R10 (Oeteldonk) and R12 (Anderstad), six in Services and four in
Professional qualifications (R8 is practice); the German one received R11."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from openimi.accounts.models import Role
from tests.factories import AreaPreferencesFactory, AuthorityFactory, CountryFactory, UserFactory
from tests.monitoring.conftest import at

pytestmark = pytest.mark.django_db

NETWORK = reverse("monitoring:network")
QUARTER = {"first": "2026-01", "last": "2026-03"}


def get(client, user, url=NETWORK, **params):
    client.force_login(user)
    return client.get(url, params)


@pytest.fixture
def watchers(stats, network_admin, national_coordinator, national_coordinator_lda, services_area):
    stats.users.update(
        network_admin=network_admin,
        nc_lda=national_coordinator_lda,
        nc_supervisor=UserFactory(
            authority=national_coordinator,
            username="nc_supervisor",
            roles=[(Role.SUPERVISOR, services_area)],
        ),
        nc_handler=UserFactory(
            authority=national_coordinator,
            username="nc_handler",
            roles=[(Role.REQUEST_HANDLER, services_area)],
        ),
    )
    return stats


@pytest.mark.parametrize(
    ("user_name", "status"),
    [
        ("network_admin", 200),  # every country
        ("nc_lda", 200),  # the national coordinator's local data administrator: NL
        ("nc_supervisor", 200),  # and its supervisors
        ("nc_handler", 404),  # a handler of the national coordinator
        ("coordinator_lda", 404),  # a delegated (services) coordinator
        ("coordinator_supervisor", 404),
        ("lda", 404),  # an authority's local data administrator
        ("supervisor", 404),
        ("handler", 404),
        ("basic", 404),
    ],
)
def test_who_may_open_the_page(client, watchers, user_name, status):
    assert get(client, watchers[user_name]).status_code == status
    assert get(client, watchers[user_name], format="csv").status_code == status


def test_anonymous_is_sent_to_the_login_page(client, watchers):
    for url in (NETWORK, NETWORK + "?format=csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def _country(report, code):
    return next(table for table in report.countries if table.country.code == code)


def test_the_network_administrator_sees_every_country(client, watchers):
    response = get(client, watchers["network_admin"], **QUARTER)
    report = response.context["report"]
    assert [table.country.code for table in report.countries] == ["DE", "NL"]  # by name
    nl, de = _country(report, "NL"), _country(report, "DE")
    assert nl.total.received == 10
    assert {area.code: figures.received for area, figures in nl.areas} == {
        "services": 6,
        "professional_qualifications": 4,
    }
    assert de.total.received == 1
    assert report.total.received == 11
    assert {area.code: figures.received for area, figures in report.areas} == {
        "services": 7,
        "professional_qualifications": 4,
    }
    page = response.content.decode()
    assert "Every country" in page
    assert "Per country, January 2026 to March 2026" in page
    assert "Netherlands: per legislative area" in page and "Germany: per legislative area" in page
    assert 'href="#network-country-NL"' in page


def test_the_indicators_match_the_monitoring_pages(client, watchers):
    """NL's Services row equals what the coordinator's page computes for the same requests,
    plus Anderstad's R12; checked against the hand-computed data set for Oeteldonk."""
    response = get(client, watchers["network_admin"], area=str(watchers.services.pk), **QUARTER)
    nl = _country(response.context["report"], "NL")
    ((area, figures),) = nl.areas
    assert area.code == "services"
    # R1, R2, R3, R6, R12 accepted (R1, R3, R6, R12 within 7 days; R2 after 10 days), R7
    # rejected before acceptance: 4 of 5.
    assert (figures.accepted_in_time, figures.acceptance_base) == (4, 5)
    assert figures.answered == 5  # R1, R2, R3, R6, R12


def test_sent_counts_for_the_sending_country(client, watchers):
    response = get(client, watchers["network_admin"], side="sent", **QUARTER)
    report = response.context["report"]
    assert _country(report, "DE").total.received == 10  # Köln sent R1-R7, R9, R10 and R12
    assert _country(report, "NL").total.received == 1  # Oeteldonk sent R11
    assert "Sent by the authorities of the country" in response.content.decode()


def test_a_national_coordinator_sees_its_country_only(client, watchers):
    for name in ("nc_lda", "nc_supervisor"):
        response = get(client, watchers[name], **QUARTER)
        report = response.context["report"]
        assert [table.country.code for table in report.countries] == ["NL"]
        assert report.total.received == 10
        page = response.content.decode()
        assert "Germany" not in page and "Every country" not in page
        assert "Per country," not in page


def test_the_csv(client, watchers):
    response = get(client, watchers["network_admin"], format="csv", **QUARTER)
    assert response["Content-Type"].startswith("text/csv")
    assert "openimi-network-received-2026-01-to-2026-03.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Country", "Legislative area", "Requests"]
    assert {(row[0], row[1], row[2]) for row in rows[1:]} == {
        ("Germany", "Services", "1"),
        ("Netherlands", "Services", "6"),
        ("Netherlands", "Professional qualifications", "4"),
    }


def test_a_bad_period_shows_an_error_and_keeps_the_choice(client, watchers):
    response = get(client, watchers["network_admin"], first="2026-03", last="2026-01")
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "The last month must be the same as or after the first." in page
    assert 'value="2026-03" selected' in page


@pytest.mark.parametrize("junk", ["x" * 10_000, "Ελλάδα\x07", "Россия"])
def test_junk_in_the_filter_does_not_break_the_page(client, watchers, junk):
    response = get(client, watchers["network_admin"], area=junk, first=junk, side=junk)
    assert response.status_code == 200
    assert response.context["report"].period.last.day == 1


def test_the_page_is_in_the_readers_language(client, watchers):
    user = watchers["nc_lda"]
    user.language = "nl"
    user.save(update_fields=["language"])
    client.force_login(user)
    response = client.get(NETWORK, QUARTER, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    assert "Nederland" in response.content.decode()


def _more_authorities(stats, count):
    """``count`` more authorities, in as many countries, each received a request."""
    walk = stats.walk
    for index in range(count):
        country = CountryFactory(code=f"Q{chr(65 + index)}", phone_prefix="+1")
        receiver = AuthorityFactory(country=country, language_id="nl")
        AreaPreferencesFactory(authority=receiver, area=stats.services)
        request = walk.send(
            sender=stats["sender"],
            to=receiver,
            area=stats.services,
            sent=at(2, 1) + dt.timedelta(hours=index),
            reply_by=dt.date(2026, 3, 1),
        )
        assert request.responding_authority_id == receiver.pk
    walk.clock.now = at(3, 20, hour=12)


@pytest.mark.parametrize("more", [2, 20])
def test_the_query_count_does_not_grow_with_the_authorities(
    client, watchers, more, django_assert_num_queries
):
    _more_authorities(watchers, more)
    client.force_login(watchers["network_admin"])
    # The session, the user, its role grants (the policy); the areas; the countries; the
    # indicators; and the session's refresh (savepoint, update, release).
    with django_assert_num_queries(9):
        response = client.get(NETWORK, QUARTER)
    assert len(response.context["report"].countries) == 2 + more
    with django_assert_num_queries(9):
        client.get(NETWORK, {**QUARTER, "format": "csv"})
