"""Webhooks of alert events: each authority party to the alert is told what it may see, and
nobody else; the real worker delivers them signed, with codes and ids only."""

# ruff: noqa: F811

import json
from collections import defaultdict

import pytest

from openimi.accounts.models import Role
from openimi.alerts import events, services
from openimi.alerts.models import Alert
from openimi.api import webhooks
from openimi.api.models import WebhookDelivery
from openimi.api.serializers.tokens import event_types
from tests.alerts.conftest import PQ_PERSONAL, pq_alert, pq_area, world  # noqa: F401
from tests.api.test_webhooks import Receiver, verify
from tests.factories import UserFactory
from tests.notifications.conftest import clock, run_worker  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)

AUTHORITIES = (
    "sender",
    "nl_alco",
    "de_alco",
    "pl_alco",
    "fr_alco",
    "de_authority",
    "pl_authority",
    "fr_authority",
)


def _subscribe(world, name: str, url: str, types: list[str]):
    authority = getattr(world, name)
    lda = UserFactory(
        authority=authority,
        username=f"{name}_hooks",
        roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)],
    )
    return webhooks.subscription_create(actor=lda, url=url, event_types=types)


def test_every_alert_event_can_be_subscribed_to():
    codes = {value for name, value in vars(events).items() if name.isupper()}
    codes = {code for code in codes if isinstance(code, str) and code.startswith("alert.")}
    assert codes and codes <= set(event_types())


def test_each_party_is_told_what_it_may_see(world, pq_alert, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    alert_codes = [code for code in event_types() if code.startswith("alert.")]
    subscriptions = {
        _subscribe(world, name, "http://127.0.0.1:9/", alert_codes).pk: name for name in AUTHORITIES
    }
    services.alert_save_draft(alert=pq_alert, actor=world.sender_handler, fields={"measures": "M"})
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    services.alert_validate(alert=pq_alert, actor=world.nl_alco_user)
    services.alert_acknowledge(
        recipient=pq_alert.recipients.get(country_id="PL"), actor=world.pl_alco_user
    )
    services.alert_distribute(
        recipient=pq_alert.recipients.get(country_id="DE"),
        actor=world.de_alco_user,
        authorities=[world.de_authority],
    )
    fresh = Alert.objects.get(pk=pq_alert.pk)  # the fixture's instance is still a draft
    assert services.alert_mark_read(alert=fresh, actor=world.de_reader)
    services.personal_data_view_record(alert=fresh, actor=world.de_reader, part="api")
    services.alert_propose_update(alert=pq_alert, actor=world.sender_handler, text="More.")
    services.alert_validate_update(
        update=pq_alert.updates.get(kind="information"), actor=world.nl_alco_user
    )

    told = defaultdict(set)
    for delivery in WebhookDelivery.objects.all():
        told[delivery.event_type].add(subscriptions[delivery.subscription_id])
        assert delivery.alert_event_id and delivery.event_id is None
        assert delivery.payload["alert"] == pq_alert.pk
    sending = {"sender", "nl_alco"}
    recipients = {"de_alco", "pl_alco", "fr_alco", "de_authority"}
    assert told == {
        # The draft is the sender's alone; its coordinator is told from submission on.
        "alert.draft_updated": {"sender"},
        "alert.submitted": sending,
        "alert.validated": sending | {"de_alco", "pl_alco", "fr_alco"},
        # A recipient country's own steps: that country's coordinator and authorities.
        "alert.acknowledged": sending | {"pl_alco"},
        "alert.distributed": sending | {"de_alco", "de_authority"},
        "alert.read": sending | {"de_alco", "de_authority"},
        # New information waiting for validation: the sending country only.
        "alert.update_proposed": sending,
        "alert.update_validated": sending | recipients,
    }
    # The personal-data log (audit) is not published: no delivery at all.
    assert not WebhookDelivery.objects.filter(event_type=events.PERSONAL_DATA_VIEWED).exists()


def test_delivered_signed_without_personal_data(world, pq_alert, settings, run_worker):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with Receiver([200, 200]) as receiver:
        subscription = _subscribe(
            world, "de_authority", receiver.url, ["alert.distributed", "alert.closed"]
        )
        services.alert_submit(alert=pq_alert, actor=world.sender_handler)
        services.alert_validate(alert=pq_alert, actor=world.nl_alco_user)
        services.alert_distribute(
            recipient=pq_alert.recipients.get(country_id="DE"),
            actor=world.de_alco_user,
            authorities=[world.de_authority],
        )
        services.alert_propose_closure(
            alert=pq_alert, actor=world.sender_handler, reason="Johanna Maria de Vries: lifted."
        )
        services.alert_validate_closure(alert=pq_alert, actor=world.nl_alco_user)
        run_worker()
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
    payloads = []
    for headers, body in receiver.received:
        assert verify(subscription.secret, headers, body)
        for value in PQ_PERSONAL.values():
            assert value not in body.decode()  # no personal data, no free text
        payloads.append(json.loads(body))
    assert [(p["type"], p["alert"], p["country"]) for p in payloads] == [
        ("alert.distributed", pq_alert.pk, "DE"),
        ("alert.closed", pq_alert.pk, None),
    ]
    assert payloads[1]["to_status"] == "closed"


def test_the_deliveries_list_names_the_alert_event(api, world, pq_alert, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    lda = UserFactory(
        authority=world.sender, username="hooks", roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)]
    )
    subscription = webhooks.subscription_create(
        actor=lda, url="http://127.0.0.1:9/", event_types=["alert.submitted"]
    )
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    rows = api(lda).get(f"/api/v1/webhooks/{subscription.pk}/deliveries/").json()["results"]
    event = pq_alert.events.get(code="alert.submitted")
    assert [(row["event_type"], row["event"]) for row in rows] == [("alert.submitted", event.pk)]
