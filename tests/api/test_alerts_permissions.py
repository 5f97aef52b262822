"""The permission matrix of the alert endpoints: every endpoint × every part a caller may
play in an alert (sender, validator, recipient coordinator, recipient authority), the ones
who play none (an authority never passed the alert, the sender's users without the role,
the network administrator), and anonymous.

As in test_permissions.py: the refused callers go first (a refusal changes nothing) and get
404 (or ``other``: 409 where the caller sees the alert but the step no longer applies), then
the allowed ones; a write that changes the state is proved by its first allowed caller.
"""

# ruff: noqa: F811

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from rest_framework.test import APIClient

from openimi.alerts import services
from openimi.alerts.types import AlertType
from openimi.api import tokens
from tests.alerts.conftest import (  # noqa: F401 - fixtures
    pq_alert,
    pq_area,
    world,
)

pytestmark = pytest.mark.django_db

CALLERS = [
    "sender_handler",  # sender
    "sender_supervisor",  # sender (reads)
    "sender_basic",  # the sender's authority, no role for the area
    "sender_lda",
    "nl_alco_user",  # validator
    "de_alco_user",  # recipient coordinator (passes it to de_reader)
    "pl_alco_user",  # recipient coordinator
    "de_reader",  # recipient authority
    "fr_reader",  # not chosen: an authority of a recipient country it was not passed to
    "network_admin",
]
HANDLERS = {"sender_handler", "nl_alco_user", "de_alco_user", "pl_alco_user", "de_reader"}
SENDER_READERS = {"sender_handler", "sender_supervisor"}
EVERY_PARTY = SENDER_READERS | {"nl_alco_user", "de_alco_user", "pl_alco_user", "de_reader"}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    suffix: str | Callable[[object], str]
    allowed: set[str]
    state: str  # draft, submitted, sent (and passed to de_reader), update, closure
    status: int = 200
    body: dict | Callable[[object], dict] | None = None
    other: dict[str, int] = field(default_factory=dict)


def _update(alert) -> str:
    return f"updates/{alert.updates.get(kind='information').pk}/"


CASES = [
    Case("list", "GET", "", HANDLERS | SENDER_READERS | {"fr_reader"}, "sent"),
    Case(
        "create",
        "POST",
        "",
        HANDLERS | {"fr_reader"},
        "draft",
        status=201,
        body={"kind": AlertType.SERVICES},
    ),
    Case("draft detail", "GET", "{id}/", SENDER_READERS, "draft"),
    Case("sent detail", "GET", "{id}/", EVERY_PARTY, "sent"),
    Case(
        "draft change",
        "PATCH",
        "{id}/",
        {"sender_handler"},
        "draft",
        body={"measures": "Suspended."},
    ),
    Case(
        "sent change",
        "PATCH",
        "{id}/",
        set(),
        "sent",
        body={"measures": "Suspended."},
        other={name: 409 for name in EVERY_PARTY},
    ),
    Case("submit", "POST", "{id}/submit/", {"sender_handler"}, "draft"),
    Case("validate", "POST", "{id}/validate/", {"nl_alco_user"}, "submitted"),
    Case(
        "return",
        "POST",
        "{id}/return/",
        {"nl_alco_user"},
        "submitted",
        status=204,  # a draft again: the coordinator no longer sees it
        body={"reason": "Add the register number.", "language": "en"},
    ),
    Case(
        "withdraw",
        "POST",
        "{id}/withdraw/",
        {"sender_handler", "nl_alco_user"},
        "sent",
        body={"reason": "Sent in error.", "language": "en"},
    ),
    Case(
        "propose update",
        "POST",
        "{id}/propose-update/",
        {"sender_handler"},
        "sent",
        body={"text": "Also registered in Belgium.", "language": "en"},
    ),
    Case(
        "validate update",
        "POST",
        lambda alert: f"{alert.pk}/{_update(alert)}validate/",
        {"nl_alco_user"},
        "update",
    ),
    Case(
        "return update",
        "POST",
        lambda alert: f"{alert.pk}/{_update(alert)}return/",
        {"nl_alco_user"},
        "update",
        body={"reason": "Say which register."},
    ),
    Case(
        "propose closure",
        "POST",
        "{id}/propose-closure/",
        {"sender_handler"},
        "sent",
        body={"reason": "Lifted on appeal.", "language": "en"},
    ),
    Case("validate closure", "POST", "{id}/validate-closure/", {"nl_alco_user"}, "closure"),
    Case(
        "return closure",
        "POST",
        "{id}/return-closure/",
        {"nl_alco_user"},
        "closure",
        body={"reason": "Send the appeal decision."},
    ),
    Case("acknowledge", "POST", "{id}/countries/PL/acknowledge/", {"pl_alco_user"}, "sent"),
    Case(
        "distribute",
        "POST",
        "{id}/countries/PL/distribute/",
        {"pl_alco_user"},
        "sent",
        body=lambda world: {"authorities": [world.pl_authority.pk]},
    ),
]


def _alert(world, alert, state: str):
    if state == "draft":
        return alert
    services.alert_submit(alert=alert, actor=world.sender_handler)
    if state == "submitted":
        return alert
    services.alert_validate(alert=alert, actor=world.nl_alco_user)
    recipient = alert.recipients.get(country_id="DE")
    services.alert_distribute(
        recipient=recipient, actor=world.de_alco_user, authorities=[world.de_authority]
    )
    if state == "update":
        services.alert_propose_update(alert=alert, actor=world.sender_handler, text="More.")
    if state == "closure":
        services.alert_propose_closure(alert=alert, actor=world.sender_handler, reason="Over.")
    return alert


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        secret = tokens.token_create(actor=user, user=user, name="matrix").secret
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def _call(client: APIClient, case: Case, world, alert):
    suffix = case.suffix(alert) if callable(case.suffix) else case.suffix.format(id=alert.pk)
    body = case.body(world) if callable(case.body) else case.body or {}
    return getattr(client, case.method.lower())(f"/api/v1/alerts/{suffix}", body, format="json")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_alert_permission_matrix(case, world, pq_alert):
    alert = _alert(world, pq_alert, case.state)
    response = _call(_client(), case, world, alert)
    assert response.status_code == 401, response.content

    refused = [name for name in CALLERS if name not in case.allowed]
    for name in refused:
        response = _call(_client(getattr(world, name)), case, world, alert)
        expected = case.other.get(name, 404)
        assert response.status_code == expected, (name, response.status_code, response.content)
    for name in CALLERS:
        if name not in case.allowed:
            continue
        response = _call(_client(getattr(world, name)), case, world, alert)
        assert response.status_code == case.status, (name, response.status_code, response.content)
        if case.method != "GET" and case.name != "create":
            break  # the state changed: the others are the same rule (the policy's matrix)
