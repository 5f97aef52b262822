"""Requests and alerts in the one access log: newest first across both, each linked to its
own page, the request-number and alert-number filters each keeping their own kind."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openimi.alerts import services as alert_services
from openimi.alerts.types import AlertType
from openimi.exchange.workflow import State

pytestmark = pytest.mark.django_db


def test_one_log_newest_first(client, world, make_request, clock):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["handler"])
    client.get(reverse("exchange:detail", args=[info_request.pk]))
    clock.advance(minutes=1)
    alert = alert_services.alert_create_draft(
        actor=world["handler"],
        alert_type=AlertType.SERVICES,
        personal={"full_name": "Bouwbedrijf Jansen"},
        language="en",
    )
    alert_services.personal_data_view_record(alert=alert, actor=world["handler"], part="page")
    clock.advance(minutes=1)
    client.get(reverse("exchange:detail", args=[info_request.pk]))

    client.force_login(world["lda"])
    url = reverse("privacy:access_log")
    response = client.get(url)
    assert [(entry.reference, part) for entry, part in response.context["rows"]] == [
        (str(info_request.pk), "Request page: service provider"),
        (f"A-{alert.pk}", "Alert page: the person or provider"),
        (str(info_request.pk), "Request page: service provider"),
    ]
    assert "3 accesses" in response.text
    assert reverse("exchange:detail", args=[info_request.pk]) in response.text
    rows = client.get(url, {"alert": alert.pk}).context["rows"]
    assert [entry.alert_id for entry, _part in rows] == [alert.pk]
    rows = client.get(url, {"request": info_request.pk}).context["rows"]
    assert [entry.info_request_id for entry, _part in rows] == [info_request.pk] * 2
    # The other authority's administrator reads its own users' accesses, not these.
    client.force_login(world["resp_lda"])
    assert client.get(url).context["rows"] == []
