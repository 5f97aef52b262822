"""The list of alerts: the sections of each party, the status filter, no personal data,
and a query count that does not grow with the rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openimi.alerts import services
from openimi.alerts.types import AlertType
from tests.alerts.conftest import PQ_PERSONAL, pq_fields

pytestmark = pytest.mark.django_db


def _list(client, user, **params):
    client.force_login(user)
    return client.get(reverse("alerts:list"), params)


def _keys(response):
    return [s["key"] for s in response.context["sections"]]


def test_the_sender_sees_its_drafts_and_the_button(client, world, pq_alert):
    response = _list(client, world.sender_handler)
    assert response.status_code == 200
    assert _keys(response) == ["sent"]
    assert [a.pk for a in response.context["page"].object_list] == [pq_alert.pk]
    text = response.content.decode()
    assert "Write an alert" in text
    assert reverse("alerts:edit", args=[pq_alert.pk]) in text
    assert PQ_PERSONAL["full_name"] not in text


def test_the_validator_sees_what_waits_for_it(client, world, pq_alert):
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    response = _list(client, world.nl_alco_user)
    assert response.context["section"] == "to_validate"
    assert [a.pk for a in response.context["page"].object_list] == [pq_alert.pk]
    services.alert_validate(alert=pq_alert, actor=world.nl_alco_user)
    assert (
        _list(client, world.nl_alco_user, section="to_validate").context["page"].paginator.count
        == 0
    )


def test_received_alerts_show_the_countrys_status_and_unread(client, world, distributed_alert):
    response = _list(client, world.de_alco_user)
    assert response.context["section"] == "received"
    (row,) = response.context["page"].object_list
    assert row.country_status_label == "Distributed"
    assert "Your country:" in response.content.decode()
    reader = _list(client, world.de_reader)
    (row,) = reader.context["page"].object_list
    assert row.unread
    assert "Not read yet" in reader.content.decode()
    client.get(reverse("alerts:detail", args=[distributed_alert.pk]))
    (row,) = _list(client, world.de_reader).context["page"].object_list
    assert not row.unread
    assert _list(client, world.fr_reader).context["page"].paginator.count == 0


def test_filter_by_status(client, world, sent_alert):
    assert _list(client, world.de_alco_user, status="sent").context["page"].paginator.count == 1
    assert _list(client, world.de_alco_user, status="closed").context["page"].paginator.count == 0
    response = _list(client, world.de_alco_user, status="nonsense")
    assert response.status_code == 200 and response.context["form"].errors["status"]


@pytest.mark.parametrize("name", ["sender_basic", "sender_lda", "network_admin"])
def test_the_list_is_not_for_those_without_alerts(client, world, name):
    assert _list(client, getattr(world, name)).status_code == 404


def test_anonymous_goes_to_the_login(client, world):
    response = client.get(reverse("alerts:list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_menu_and_the_home_page_link_the_alerts(client, world):
    client.force_login(world.sender_handler)
    home = client.get(reverse("home"))
    assert "alerts" in [item["key"] for item in home.context["main_menu"]]
    assert "Warnings between countries" in home.content.decode()
    client.force_login(world.sender_basic)
    assert "alerts" not in [i["key"] for i in client.get(reverse("home")).context["main_menu"]]


def _more_alerts(world, count):
    for _ in range(count):
        alert = services.alert_create_draft(
            actor=world.sender_handler,
            alert_type=AlertType.PQ_HEALTH,
            fields=pq_fields(),
            personal=PQ_PERSONAL,
            language="en",
        )
        services.alert_submit(alert=alert, actor=world.sender_handler)
        services.alert_validate(alert=alert, actor=world.nl_alco_user)
        recipient = alert.recipients.get(country_id="DE")
        services.alert_distribute(
            recipient=recipient, actor=world.de_alco_user, authorities=[world.de_authority]
        )
        # New information waiting: the validator has the alert to validate again.
        services.alert_propose_update(
            alert=alert, actor=world.sender_handler, text="More.", language="en"
        )


@pytest.mark.parametrize(
    ("name", "section"),
    [
        ("sender_handler", "sent"),
        ("nl_alco_user", "to_validate"),
        ("de_alco_user", "received"),
        ("de_reader", "received"),
    ],
)
def test_the_query_count_does_not_grow_with_the_rows(
    client, world, name, section, django_assert_num_queries
):
    user = getattr(world, name)
    _more_alerts(world, 1)
    client.force_login(user)
    url = reverse("alerts:list") + f"?section={section}"
    client.get(url)  # warm the session and the caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    _more_alerts(world, 4)
    with django_assert_num_queries(len(one)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 5
