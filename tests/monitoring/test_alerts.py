"""The alerts' figures in monitoring (issue 22, item 4): the three-day rule of Article 56a per
country and per sending authority, what the recipient countries did with the alerts, who may
see them, the CSV, the German page and a query count that does not grow.

The world is ``tests/alerts/conftest.py``'s, its alerts made through the real services on a
moved clock. "Today" is Friday 20 March 2026, 12:00 in Brussels (UTC+1); a PQ alert's
deadline is its decision date + 3 days.

=====  ======  ========  ===================  =====================  =========================
alert  sender  decided   sent                 now                    counts as (March)
=====  ======  ========  ===================  =====================  =========================
A1     NL      Mon 2 Mar Wed 4 Mar 10:00      sent, restriction      in time; restriction ended
                                              ended 15 Mar
A2     NL      Mon 2 Mar Mon 9 Mar 10:00      sent                   late
A3     NL      Tue 10 Mar Fri 13 Mar 23:30 †  sent                   in time (the deadline day)
A4     NL      Thu 12 Mar –                   draft                  overdue
A5     NL      Sun 15 Mar –                   awaiting validation    overdue
A6     NL      Thu 19 Mar –                   draft                  not yet due (22 Mar)
A7     NL      Mon 2 Feb Tue 3 Feb 10:00      sent                   February only
A8     NL      services  Tue 10 Mar 10:00     sent to DE             no deadline; DE receives
A9     DE      Sun 1 Mar Tue 10 Mar 10:00     sent                   late
=====  ======  ========  ===================  =====================  =========================

† 23:30 in Brussels is 22:30 UTC: still 13 March where the deadline is counted.

The PQ alerts go to every other country with an alert coordinator (NL's to DE, PL and FR;
DE's to NL, PL and FR). DE distributed A1 and A2, PL distributed A1; FR none.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zoneinfo

import pytest
from django.urls import reverse

from openimi.accounts.models import Role
from openimi.alerts import services, statistics
from openimi.alerts.types import AlertType
from openimi.monitoring.selectors import Period
from tests.alerts import conftest as alerts_conftest
from tests.alerts.conftest import PQ_FIELDS, PQ_PERSONAL
from tests.factories import AuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db

# The alerts' world (tests/alerts/conftest.py), made a fixture of this module too.
world, pq_area = alerts_conftest.world, alerts_conftest.pq_area

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
ALERTS = reverse("monitoring:alerts")
OWN = reverse("monitoring:own")
MARCH = {"first": "2026-03", "last": "2026-03"}
QUARTER = {"first": "2026-01", "last": "2026-03"}


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BRUSSELS)


def write_pq(world, clock, *, decided: dt.date, author=None, **fields):
    """A complete PQ health alert written on its decision day."""
    clock.now = dt.datetime.combine(decided, dt.time(9), tzinfo=BRUSSELS)
    return services.alert_create_draft(
        actor=author or world.sender_handler,
        alert_type=AlertType.PQ_HEALTH,
        fields={
            **PQ_FIELDS,
            "decision_date": decided,
            "restriction_start": decided,
            **fields,
        },
        personal=PQ_PERSONAL,
        language="en",
    )


def send(alert, clock, when, *, author, validator):
    clock.now = when
    services.alert_submit(alert=alert, actor=author)
    return services.alert_validate(alert=alert, actor=validator)


def distribute(world, alert, alco_user, target):
    recipient = alert.recipients.get(coordinator=alco_user.authority)
    services.alert_distribute(recipient=recipient, actor=alco_user, authorities=[target])


@pytest.fixture
def alerts_world(world, clock):
    """The alerts of the module's table; the clock left at "today"."""
    w = world
    nl = {"author": w.sender_handler, "validator": w.nl_alco_user}
    a1 = write_pq(w, clock, decided=dt.date(2026, 3, 2), restriction_end=dt.date(2026, 3, 15))
    send(a1, clock, at(3, 4), **nl)
    a2 = write_pq(w, clock, decided=dt.date(2026, 3, 2))
    send(a2, clock, at(3, 9), **nl)
    a3 = write_pq(w, clock, decided=dt.date(2026, 3, 10))
    send(a3, clock, at(3, 13, 23, 30), **nl)
    write_pq(w, clock, decided=dt.date(2026, 3, 12))  # A4: a draft
    a5 = write_pq(w, clock, decided=dt.date(2026, 3, 15))
    clock.now = at(3, 16)
    services.alert_submit(alert=a5, actor=w.sender_handler)
    write_pq(w, clock, decided=dt.date(2026, 3, 19))  # A6: a draft, not yet due
    a7 = write_pq(w, clock, decided=dt.date(2026, 2, 2))
    send(a7, clock, at(2, 3), **nl)
    clock.now = at(3, 10)
    a8 = services.alert_create_draft(
        actor=w.sender_handler,
        alert_type=AlertType.SERVICES,
        fields={"activity": "Asbestos removal", "description": "Unsafe removal of asbestos."},
        personal={"full_name": "Sloopbedrijf B.V."},
        countries=["DE"],
        language="en",
    )
    send(a8, clock, at(3, 10), **nl)
    w.de_handler = UserFactory(
        authority=w.de_authority,
        username="de_handler",
        roles=[(Role.REQUEST_HANDLER, w.area)],
        language="de",
    )
    a9 = write_pq(w, clock, decided=dt.date(2026, 3, 1), author=w.de_handler)
    send(a9, clock, at(3, 10), author=w.de_handler, validator=w.de_alco_user)
    clock.now = at(3, 18)
    distribute(w, a1, w.de_alco_user, w.de_authority)
    distribute(w, a2, w.de_alco_user, w.de_authority)
    distribute(w, a1, w.pl_alco_user, w.pl_authority)
    clock.now = at(3, 20, 12)
    w.nl_alco_supervisor = UserFactory(
        authority=w.nl_alco, username="nl_alco_supervisor", roles=[(Role.SUPERVISOR, w.area)]
    )
    w.de_alco_lda = UserFactory(
        authority=w.de_alco,
        username="de_alco_lda",
        roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)],
        language="de",
    )
    return w


def bounds(**month):
    first = dt.date.fromisoformat(month.get("first", "2026-03") + "-01")
    last = dt.date.fromisoformat(month.get("last", "2026-03") + "-01")
    return Period(first, last).bounds()


def figures(sending):
    return (
        sending.sent,
        sending.sent_in_time,
        sending.sent_late,
        sending.overdue,
        sending.restriction_ended,
    )


# --- The aggregation --------------------------------------------------------------------------


def test_the_figures_per_country(alerts_world):
    start, end = bounds()
    sending = statistics.sending_figures_by_country(
        countries=None, start=start, end=end, today=dt.date(2026, 3, 20)
    )
    # A1 and A3 in time, A2 late; A4 and A5 overdue (A6 not yet); A1's restriction ended.
    assert figures(sending["NL"]) == (3, 2, 1, 2, 1)
    assert figures(sending["DE"]) == (1, 0, 1, 0, 0)
    assert sending["NL"].sent_in_time_percent == 66.7
    assert "PL" not in sending
    receiving = statistics.receiving_figures_by_country(countries=None, start=start, end=end)
    # DE received A1-A3 and the services alert A8; NL received A9.
    assert (receiving["DE"].received, receiving["DE"].distributed) == (4, 2)
    assert (receiving["PL"].received, receiving["PL"].distributed) == (4, 1)
    assert (receiving["FR"].received, receiving["FR"].distributed) == (4, 0)
    assert (receiving["NL"].received, receiving["NL"].not_distributed) == (1, 1)


def test_the_period_moves_what_was_sent_not_what_is_overdue(alerts_world):
    start, end = bounds(first="2026-02", last="2026-02")
    nl = statistics.sending_figures_by_country(
        countries=["NL"], start=start, end=end, today=dt.date(2026, 3, 20)
    )["NL"]
    assert figures(nl) == (1, 1, 0, 2, 1)  # A7; overdue and ended are "now"


def test_a_day_later_the_next_draft_is_overdue_and_a_withdrawn_one_is_not(alerts_world, clock):
    start, end = bounds()
    today = dt.date(2026, 3, 23)  # A6's deadline (22 March) has passed
    nl = statistics.sending_figures_by_country(countries=["NL"], start=start, end=end, today=today)
    assert nl["NL"].overdue == 3
    a5 = alerts_world.sender.sent_alerts.get(status="awaiting_validation")
    services.alert_withdraw(alert=a5, actor=alerts_world.sender_handler, reason="Sent in error.")
    nl = statistics.sending_figures_by_country(countries=["NL"], start=start, end=end, today=today)
    assert nl["NL"].overdue == 2


def test_per_sending_authority_the_most_overdue_first(alerts_world):
    start, end = bounds()
    lines = statistics.sending_figures_by_authority(
        countries=None, start=start, end=end, today=dt.date(2026, 3, 20)
    )
    assert [(line.name, figures(line.sending)) for line in lines] == [
        ("CIBG BIG-register", (3, 2, 1, 2, 1)),
        ("Landesprüfungsamt Köln", (1, 0, 1, 0, 0)),
    ]
    only_de = statistics.sending_figures_by_authority(
        countries=["DE"], start=start, end=end, today=dt.date(2026, 3, 20)
    )
    assert [line.country_id for line in only_de] == ["DE"]


def _more_senders(world, clock, count):
    """``count`` more Dutch authorities, each with a late PQ alert sent in March."""
    from tests.factories import AreaPreferencesFactory

    for index in range(count):
        authority = AuthorityFactory(
            country=world.countries["NL"], language_id="nl", official_name=f"Sender {index}"
        )
        AreaPreferencesFactory(authority=authority, area=world.area)
        author = UserFactory(
            authority=authority,
            username=f"sender_{index}",
            roles=[(Role.REQUEST_HANDLER, world.area)],
        )
        alert = write_pq(world, clock, decided=dt.date(2026, 3, 2), author=author)
        send(alert, clock, at(3, 9), author=author, validator=world.nl_alco_user)
    clock.now = at(3, 20, 12)


@pytest.mark.parametrize("count", [2, 20])
def test_the_queries_do_not_grow_with_alerts_and_authorities(
    client, world, clock, count, django_assert_num_queries
):
    _more_senders(world, clock, count)
    start, end = bounds()
    with django_assert_num_queries(1):
        statistics.sending_figures_by_country(countries=None, start=start, end=end)
    with django_assert_num_queries(1):
        lines = statistics.sending_figures_by_authority(countries=None, start=start, end=end)
    assert len(lines) == count
    with django_assert_num_queries(1):
        statistics.receiving_figures_by_country(countries=None, start=start, end=end)
    client.force_login(world.network_admin)
    # The session, the user, its role grants (the policy); the countries; sending per
    # country, receiving per country, sending per authority; the session's refresh
    # (savepoint, update, release).
    with django_assert_num_queries(10):
        response = client.get(ALERTS, MARCH)
    assert response.status_code == 200
    client.force_login(world.sender_supervisor)
    # The own page's ten queries (tests/monitoring/test_views.py) and the alerts' one.
    with django_assert_num_queries(11):
        assert client.get(OWN, MARCH).status_code == 200


# --- Who may open the pages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_name", "status"),
    [
        ("network_admin", 200),  # every country
        ("nl_alco_lda", 200),  # a national coordinator's local data administrator: NL
        ("nl_alco_supervisor", 200),  # and its supervisor
        ("de_alco_lda", 200),  # the German one: DE
        ("nl_alco_user", 404),  # a handler of the national coordinator
        ("sender_handler", 404),  # a handler of the sending authority
        ("sender_supervisor", 404),  # the sender's supervisor: its own page only
        ("sender_lda", 404),
        ("de_reader", 404),
    ],
)
def test_who_may_open_the_alerts_page(client, alerts_world, user_name, status):
    client.force_login(getattr(alerts_world, user_name))
    assert client.get(ALERTS, MARCH).status_code == status
    assert client.get(ALERTS, {**MARCH, "format": "csv"}).status_code == status


def test_anonymous_is_sent_to_the_login_page(client, alerts_world):
    for url in (ALERTS, ALERTS + "?format=csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def _country_rows(page: str) -> dict[str, list[str]]:
    """The per-country table's rows: country → the cells (text, tags dropped)."""
    table = page.split('id="alerts-countries-caption"')[1].split("</table>")[0]
    table = table.split("<tbody")[1]  # the body and the foot, not the headings
    rows = {}
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_network_administrator_sees_every_country(client, alerts_world):
    client.force_login(alerts_world.network_admin)
    page = client.get(ALERTS, MARCH).content.decode()
    rows = _country_rows(page)
    assert rows["Netherlands"] == ["3", "2 (66.7%)", "1", "2", "1", "1", "0 (0.0%)", "1"]
    assert rows["Germany"] == ["1", "0 (0.0%)", "1", "0", "0", "4", "2 (50.0%)", "2"]
    assert rows["France"][-3:] == ["4", "0 (0.0%)", "4"]
    assert rows["All countries"][:5] == ["4", "2 (50.0%)", "2", "2", "1"]
    assert "CIBG BIG-register" in page and "Landesprüfungsamt Köln" in page
    # Counts only: no person, no alert.
    assert PQ_PERSONAL["full_name"] not in page and not re.search(r"\bA-\d", page)


def test_a_national_coordinator_sees_its_own_country_only(client, alerts_world):
    for user in (alerts_world.nl_alco_lda, alerts_world.nl_alco_supervisor):
        client.force_login(user)
        page = client.get(ALERTS, MARCH).content.decode()
        assert list(_country_rows(page)) == ["Netherlands"]
        assert "CIBG BIG-register" in page and "Landesprüfungsamt Köln" not in page
    client.force_login(alerts_world.de_alco_lda)
    page = client.get(ALERTS, MARCH).content.decode()
    assert list(_country_rows(page)) == ["Germany"]
    assert "Landesprüfungsamt Köln" in page and "CIBG BIG-register" not in page


def test_the_csv(client, alerts_world):
    client.force_login(alerts_world.network_admin)
    response = client.get(ALERTS, {**MARCH, "format": "csv"})
    assert response["Content-Disposition"] == (
        'attachment; filename="openimi-alerts-2026-03-to-2026-03.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == [
        "Country",
        "Sending authority",
        "Professional qualifications alerts sent",
    ]
    by_key = {(row[0], row[1]): row[2:] for row in rows[1:]}
    assert by_key[("Netherlands", "")] == ["3", "2", "66.7", "1", "2", "1", "1", "0", "1"]
    assert by_key[("Germany", "Landesprüfungsamt Köln")] == [
        "1",
        "0",
        "0.0",
        "1",
        "0",
        "0",
        "",
        "",
        "",
    ]
    assert len(rows) == 1 + 4 + 2


def test_a_bad_period_keeps_the_choice_and_says_why(client, alerts_world):
    client.force_login(alerts_world.network_admin)
    response = client.get(ALERTS, {"first": "2026-03", "last": "2026-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The last month must be the same as or after the first." in page
    assert "govuk-error-summary" in page
    # Unknown values from the wild do not crash the page.
    response = client.get(ALERTS, {"first": "\x00" + "x" * 10_000, "last": "২০২৬"})
    assert response.status_code == 200


def test_the_page_in_german(client, alerts_world):
    client.force_login(alerts_world.de_alco_lda)
    page = client.get(ALERTS, QUARTER, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="de"' in page
    assert "Nach Land" in page and "Anzeigen" in page and "Behörde" in page
    assert "März 2026" in page  # the period, in German
    assert "(0,0%)" in page  # a German decimal comma


# --- The own authority's page ------------------------------------------------------------------


def test_the_own_page_shows_the_alerts_the_authority_sent(client, alerts_world):
    for user in (alerts_world.sender_supervisor, alerts_world.sender_lda):
        client.force_login(user)
        page = client.get(OWN, MARCH).content.decode()
        section = page.split("Alerts sent by your authority", 1)[1]
        assert "3</span> professional qualifications alerts sent" in section
        assert "66.7%" in section and "(2 of 3)" in section
        assert "1</span> sent late" in section
        assert "2</span> not sent, deadline passed" in section
        assert "1</span> open alert whose restriction has ended" in section


def test_the_own_page_of_an_authority_without_alerts(client, alerts_world):
    supervisor = UserFactory(
        authority=alerts_world.pl_authority,
        username="pl_supervisor",
        roles=[(Role.SUPERVISOR, alerts_world.area)],
    )
    client.force_login(supervisor)
    page = client.get(OWN, MARCH).content.decode()
    assert "Alerts sent by your authority" not in page  # no section where nothing is sent


def test_the_own_page_counts_only_the_areas_the_supervisor_watches(client, alerts_world):
    supervisor = UserFactory(
        authority=alerts_world.sender,
        username="nl_services_supervisor",
        roles=[(Role.SUPERVISOR, alerts_world.services_area)],
    )
    client.force_login(supervisor)
    page = client.get(OWN, MARCH).content.decode()
    assert "Alerts sent by your authority" not in page  # its area has no deadline to keep
    assert "Professional qualifications" not in page  # nor another area's figures


def test_the_own_page_links_the_alerts_figures_for_national_coordinators(client, alerts_world):
    client.force_login(alerts_world.nl_alco_lda)
    page = client.get(OWN, MARCH).content.decode()
    assert f'href="{ALERTS}"' in page
    client.force_login(alerts_world.sender_supervisor)
    assert f'href="{ALERTS}"' not in client.get(OWN, MARCH).content.decode()
