"""The alert report's download: who may have it (``Action.ALERT_VIEW``, 404 for everyone
else, alike for a missing alert), the file, the access log, the reader's language."""

# The alerts' world replaces, in this module, the exchange's that tests/reports/conftest.py
# gives; the fixtures' names come back as test parameters.
# ruff: noqa: F811

import pytest
from django.urls import reverse

from openimi.alerts import events
from openimi.alerts.models import AlertEvent
from tests.alerts.conftest import (  # noqa: F401 - fixtures
    PQ_PERSONAL,
    distributed_alert,
    pq_alert,
    pq_area,
    sent_alert,
    world,
)
from tests.reports.conftest import docx_text

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _views(alert):
    return AlertEvent.objects.filter(alert=alert, code=events.PERSONAL_DATA_VIEWED)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("sender_handler", True),
        ("sender_supervisor", True),
        ("nl_alco_user", True),  # the validating coordinator
        ("de_alco_user", True),  # a recipient coordinator
        ("fr_alco_user", True),  # a recipient coordinator that distributed to nobody
        ("de_reader", True),  # an authority the alert was distributed to
        ("fr_reader", False),  # an authority it was never distributed to
        ("sender_basic", False),  # the sender's own authority, no role in the area
        ("sender_lda", False),
        ("nl_alco_lda", False),
        ("network_admin", False),
    ],
)
def test_who_may_download_the_alert_report(client, world, distributed_alert, who, allowed):
    user = getattr(world, who)
    client.force_login(user)
    response = client.get(reverse("reports:alert", args=[distributed_alert.pk]))
    if allowed:
        assert response.status_code == 200
        assert response["Content-Type"] == DOCX
        assert response["Cache-Control"] == "no-store"
        assert (
            f'filename="alert-{distributed_alert.reference}-report.docx"'
            in response["Content-Disposition"]
        )
        assert PQ_PERSONAL["full_name"] in docx_text(response.content)
        logged = _views(distributed_alert).get()
        assert logged.actor == user and logged.data == {"part": "report"}
        assert logged.audience == AlertEvent.Audience.AUDIT
    else:
        assert response.status_code == 404
        assert not _views(distributed_alert).exists()


def test_a_draft_is_its_senders_alone(client, world, pq_alert):
    url = reverse("reports:alert", args=[pq_alert.pk])
    for user in (world.nl_alco_user, world.de_alco_user, world.de_reader):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(world.sender_handler)
    assert client.get(url).status_code == 200


def test_anonymous_is_sent_to_the_login_and_a_missing_alert_is_404(client, world, sent_alert):
    url = reverse("reports:alert", args=[sent_alert.pk])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(world.sender_handler)
    assert client.get(reverse("reports:alert", args=[999999])).status_code == 404
    assert not _views(sent_alert).exists()


def test_only_get_is_served(client, world, sent_alert):
    client.force_login(world.sender_handler)
    url = reverse("reports:alert", args=[sent_alert.pk])
    assert client.post(url).status_code == 405
    assert not _views(sent_alert).exists()


def test_the_report_is_in_the_readers_language(client, world, distributed_alert):
    client.force_login(world.de_alco_user)
    response = client.get(
        reverse("reports:alert", args=[distributed_alert.pk]), HTTP_ACCEPT_LANGUAGE="de"
    )
    text = docx_text(response.content)
    assert "Verlauf" in text and "Dokumente" in text and "History" not in text
    assert "Berufsqualifikationen" in text


def test_the_pdf_is_refused_without_libreoffice(client, world, sent_alert, settings):
    settings.REPORTS_LIBREOFFICE = "no-such-libreoffice-binary"
    client.force_login(world.sender_handler)
    assert client.get(reverse("reports:alert_pdf", args=[sent_alert.pk])).status_code == 404
