"""The personal-data access log shows the views of alerts' personal data and the downloads of
their documents, in the one log with the requests', to those who may read it for the authority
that viewed (its local data administrators; its supervisors of the alert's area), and to no one
else, at a constant number of queries."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from openimi.accounts.models import Role
from openimi.alerts import services
from openimi.alerts.models import Alert, AlertEvent
from openimi.retention.alerts import alert_retention_run
from tests.alerts import conftest as alerts_world
from tests.factories import UserFactory

# The alerts' world, in place of the exchange's that this folder's conftest gives.
world, pq_area, pq_alert = alerts_world.world, alerts_world.pq_area, alerts_world.pq_alert
sent_alert, distributed_alert = alerts_world.sent_alert, alerts_world.distributed_alert

URL = "/administration/privacy/access-log/"


@pytest.fixture
def people(world, media_root):
    """The German authority's local data administrator and supervisors (of the alert's area,
    and of another area only)."""
    de = world.de_authority
    return {
        "de_lda": UserFactory(
            authority=de, username="de_lda", roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)]
        ),
        "de_supervisor": UserFactory(
            authority=de, username="de_supervisor", roles=[(Role.SUPERVISOR, world.area)]
        ),
        "de_services_supervisor": UserFactory(
            authority=de,
            username="de_services_sup",
            roles=[(Role.SUPERVISOR, world.services_area)],
        ),
    }


@pytest.fixture
def accessed(world, pq_alert, people):
    """The German reader saw the alert's person and downloaded its document; the Dutch
    sender saw the person on its draft."""
    attachment = services.alert_add_attachment(
        alert=pq_alert,
        actor=world.sender_handler,
        file=SimpleUploadedFile("decision.txt", b"The decision.", "text/plain"),
    )
    services.personal_data_view_record(alert=pq_alert, actor=world.sender_handler, part="page")
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    services.alert_validate(alert=pq_alert, actor=world.nl_alco_user)
    recipient = pq_alert.recipients.get(coordinator=world.de_alco)
    services.alert_distribute(
        recipient=recipient, actor=world.de_alco_user, authorities=[world.de_authority]
    )
    alert = Alert.objects.get(pk=pq_alert.pk)
    services.personal_data_view_record(alert=alert, actor=world.de_reader, part="page")
    attachment.alert = alert
    services.attachment_open(attachment=attachment, actor=world.de_reader)
    return alert, attachment


def log(client, reader, **params):
    client.force_login(reader)
    return client.get(reverse("privacy:access_log"), params)


def test_the_url_is_the_access_log():
    assert reverse("privacy:access_log") == URL


def test_the_authority_that_viewed_sees_its_users_accesses(client, world, people, accessed):
    alert, attachment = accessed
    response = log(client, people["de_lda"])
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(entry.actor, entry.alert_id, part) for entry, part in rows] == [
        (world.de_reader, alert.pk, f"Document {attachment.pk}"),
        (world.de_reader, alert.pk, "Alert page: the person or provider"),
    ]
    assert all(entry.info_request_id is None for entry, _part in rows)
    page = response.content.decode()
    assert f"A-{alert.pk}" in page and str(world.de_reader) in page


def test_the_sender_sees_its_own_users_only(client, world, accessed):
    alert, _attachment = accessed
    rows = log(client, world.sender_lda).context["rows"]
    assert [(entry.actor, entry.reference) for entry, _part in rows] == [
        (world.sender_handler, f"A-{alert.pk}")
    ]


def test_a_supervisor_sees_the_areas_supervised(client, world, people, accessed):
    assert len(log(client, people["de_supervisor"]).context["rows"]) == 2
    assert log(client, people["de_services_supervisor"]).context["rows"] == []


@pytest.mark.parametrize(
    "who",
    ["de_reader", "de_alco_user", "pl_alco_user", "fr_reader", "network_admin", "sender_basic"],
)
def test_no_log_without_the_role(client, world, accessed, who):
    """Handlers (the reader itself, coordinators, an authority not chosen), a user with no
    role and the network administrator read no log, not even of their own authority."""
    assert log(client, getattr(world, who)).status_code == 404


def test_anonymous_goes_to_the_login_page(client, accessed):
    response = client.get(reverse("privacy:access_log"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_filters(client, world, people, accessed):
    alert, _attachment = accessed
    lda = people["de_lda"]
    assert len(log(client, lda, alert=alert.pk).context["rows"]) == 2
    assert log(client, lda, alert=alert.pk + 1000).context["rows"] == []
    assert log(client, lda, request=alert.pk).context["rows"] == []  # a request number
    assert log(client, lda, user=people["de_lda"].pk).context["rows"] == []
    assert len(log(client, lda, user=world.de_reader.pk).context["rows"]) == 2
    response = log(client, lda, alert=alert.pk, request=1)
    assert "Give a request number or an alert number, not both." in response.content.decode()
    assert 'value="1"' in response.content.decode()  # what was typed stays


def test_the_entries_outlive_the_personal_data(client, world, people, accessed, clock):
    alert, _attachment = accessed
    services.alert_withdraw(alert=alert, actor=world.sender_handler, reason="Sent in error.")
    clock.advance(days=4)
    assert alert_retention_run().cleared == 1
    rows = log(client, people["de_lda"]).context["rows"]
    assert len(rows) == 2  # who looked, and when, stays; what they saw is gone


# session, user, authority, role grants, the users to filter by, count, page, session save;
# as for requests alone (tests/privacy/test_access_log.py): one UNION, not a query per kind.
QUERIES_10 = 10


def test_query_count_does_not_grow(client, world, people, accessed, django_assert_num_queries):
    alert, _attachment = accessed
    url = reverse("privacy:access_log")
    log(client, people["de_lda"])
    with django_assert_num_queries(QUERIES_10):
        client.get(url)
    for _ in range(5):
        services.personal_data_view_record(alert=alert, actor=world.de_reader, part="report")
    with django_assert_num_queries(QUERIES_10):
        response = client.get(url)
    assert len(response.context["rows"]) == 7
    assert response.context["rows"][0][1] == "Alert report (Word or PDF)"
    assert AlertEvent.objects.filter(actor=world.de_reader).count() >= 7
