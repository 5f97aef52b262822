"""Coordinators never see personal data: whatever the provider's data is, no page a
coordinator can open for the request shows any of it (hypothesis generates the values)."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openimi.exchange.models import PersonalData
from openimi.exchange.workflow import State

pytestmark = pytest.mark.django_db

# Letters and digits, behind a prefix no page contains: otherwise hypothesis soon finds a
# value that is simply a word of the page ("csrfmidd").
TOKEN = st.text(min_size=8, max_size=20, alphabet=string.ascii_letters + string.digits).map(
    lambda t: f"Pd9q{t}"
)


def _values_strategy():
    fields = {}
    for name in PersonalData.data_fields():
        field = PersonalData._meta.get_field(name)
        if name == "country":
            continue  # reference data (a country), not a value one could recognise
        if name == "email":
            fields[name] = TOKEN.map(lambda t: f"{t}@provider.example")
        elif name == "website":
            fields[name] = TOKEN.map(lambda t: f"https://{t.lower()}.example")
        elif name == "date_of_birth":
            fields[name] = st.dates(dt.date(1900, 1, 1), dt.date(2000, 12, 31))
        else:
            fields[name] = TOKEN.map(lambda t, n=field.max_length: t[: n or 20])
    return st.fixed_dictionaries(fields)


def _shows(html: str, value) -> bool:
    if isinstance(value, dt.date):
        return any(
            candidate in html
            for candidate in (
                value.isoformat(),
                value.strftime("%d-%m-%Y"),
                f"{value:%B} {value.day}, {value.year}",
            )
        )
    return str(value) in html


def test_coordinator_pages_show_no_personal_data(client, world, make_request):
    world.set_prefs(world.requesting, coordinator_may_view_details=True)
    info_request = make_request(State.ANSWERED, referred=True, attachment=True)
    coordinator_users = [world["coord_handler"], world["coord_lda"], world["resp_coord_handler"]]
    pages = [
        reverse("exchange:coordinator_overview"),
        reverse("exchange:list"),
        reverse("exchange:outgoing"),
        reverse("exchange:detail", args=[info_request.pk]),
    ]

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(values=_values_strategy())
    def check(values):
        PersonalData.objects.filter(info_request=info_request).update(**values)
        for user in coordinator_users:
            client.force_login(user)
            for url in pages:
                response = client.get(url)
                assert response.status_code == 200, (user, url)
                html = response.content.decode()
                for name, value in values.items():
                    assert not _shows(html, value), (user.username, url, name)
        # The requester's handler does see them: the check is not blind.
        client.force_login(world["handler"])
        html = client.get(reverse("exchange:detail", args=[info_request.pk])).content.decode()
        assert values["provider_name"] in html

    check()


def test_coordinator_sees_questions_only_with_details_allowed(client, world, make_request):
    info_request = make_request(State.ANSWERED)
    client.force_login(world["coord_handler"])
    url = reverse("exchange:detail", args=[info_request.pk])
    assert "Is it registered?" not in client.get(url).text
    world.set_prefs(world.requesting, coordinator_may_view_details=True)
    page = client.get(url).text
    assert "Is it registered?" in page and "Building work." in page
    assert "licence.pdf" not in page and "answer.pdf" not in page


def test_coordinator_overview_allow_and_deny(
    client, world, make_request, django_assert_num_queries
):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    url = reverse("exchange:coordinator_overview")
    client.force_login(world["coord_handler"])
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("exchange:detail", args=[info_request.pk]) in page.text
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        make_request(State.AWAITING_ACCEPTANCE)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)
    for name in ("handler", "resp_handler", "lda"):
        client.force_login(world[name])
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_mediation_end_by_the_mediating_coordinator_only(client, world, make_request):
    info_request = make_request(State.ACCEPTED, referred=True)
    client.force_login(world["resp_coord_handler"])
    assert client.post(reverse("exchange:end_mediation", args=[info_request.pk])).status_code == 404
    client.force_login(world["coord_handler"])
    client.post(reverse("exchange:end_mediation", args=[info_request.pk]))
    info_request.refresh_from_db()
    assert not info_request.referred_to_coordinator
