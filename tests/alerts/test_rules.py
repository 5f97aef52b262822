"""The alert rules of the policy (access/alerts.py): every action against every part a user
can play, and the list filter in step with the rule for one alert."""

import pytest
from django.contrib.auth.models import AnonymousUser

from openimi.access import policy
from openimi.access.actions import Action
from openimi.alerts import services
from openimi.alerts.models import Alert
from openimi.alerts.workflow import State

EVERYONE = [
    "sender_handler",
    "sender_colleague",
    "sender_supervisor",
    "sender_basic",
    "sender_lda",
    "nl_alco_user",
    "nl_alco_lda",
    "de_alco_user",
    "pl_alco_user",
    "fr_alco_user",
    "de_reader",
    "pl_reader",
    "fr_reader",
    "network_admin",
]


def allowed(world, action, obj):
    return {name for name in EVERYONE if policy.can(getattr(world, name), action, obj)}


def fresh(alert):
    return Alert.objects.get(pk=alert.pk)  # no parties cached from an earlier question


def test_a_draft_is_the_senders_own(world, pq_alert):
    senders = {"sender_handler", "sender_colleague", "sender_supervisor"}
    assert allowed(world, Action.ALERT_VIEW, fresh(pq_alert)) == senders
    assert allowed(world, Action.ALERT_EDIT_DRAFT, fresh(pq_alert)) == {
        "sender_handler",
        "sender_colleague",
    }
    assert allowed(world, Action.ALERT_VALIDATE, fresh(pq_alert)) == set()


def test_submitted_the_validator_joins(world, pq_alert):
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    assert allowed(world, Action.ALERT_VIEW, fresh(pq_alert)) == {
        "sender_handler",
        "sender_colleague",
        "sender_supervisor",
        "nl_alco_user",
    }
    assert allowed(world, Action.ALERT_VALIDATE, fresh(pq_alert)) == {"nl_alco_user"}
    assert allowed(world, Action.ALERT_WITHDRAW, fresh(pq_alert)) == {
        "sender_handler",
        "sender_colleague",
        "nl_alco_user",
    }


def test_sent_and_distributed(world, distributed_alert):
    alert = distributed_alert
    viewers = {
        "sender_handler",
        "sender_colleague",
        "sender_supervisor",
        "nl_alco_user",
        "de_alco_user",
        "pl_alco_user",
        "fr_alco_user",
        "de_reader",
        "pl_reader",
    }
    assert allowed(world, Action.ALERT_VIEW, fresh(alert)) == viewers
    assert allowed(world, Action.ALERT_VIEW_PERSONAL_DATA, fresh(alert)) == viewers
    assert allowed(world, Action.ALERT_UPDATE, fresh(alert)) == {
        "sender_handler",
        "sender_colleague",
    }
    de = alert.recipients.get(country="DE")
    assert allowed(world, Action.ALERT_RECEIVE, de) == {"de_alco_user"}
    for name in EVERYONE:
        user = getattr(world, name)
        seen = set(policy.alerts_visible_to(user).values_list("pk", flat=True))
        assert (alert.pk in seen) == (name in viewers), name


def test_after_retention_nobody_sees_personal_data(world, distributed_alert):
    from django.utils import timezone

    Alert.objects.filter(pk=distributed_alert.pk).update(personal_data_removed_at=timezone.now())
    assert allowed(world, Action.ALERT_VIEW_PERSONAL_DATA, fresh(distributed_alert)) == set()


def test_nothing_for_anonymous_or_inactive(world, distributed_alert):
    for action in (Action.ALERT_VIEW, Action.ALERT_LIST, Action.ALERT_CREATE):
        assert not policy.can(AnonymousUser(), action, fresh(distributed_alert))
    world.de_reader.is_active = False
    assert not policy.can(world.de_reader, Action.ALERT_VIEW, fresh(distributed_alert))
    assert not policy.alerts_visible_to(AnonymousUser()).exists()


def test_who_writes_alerts(world):
    assert allowed(world, Action.ALERT_CREATE, world.area) == {
        "sender_handler",
        "sender_colleague",
        "nl_alco_user",
        "de_alco_user",
        "pl_alco_user",
        "fr_alco_user",
        "de_reader",
        "pl_reader",
        "fr_reader",
    }
    assert allowed(world, Action.ALERT_LIST, None) >= {"sender_supervisor", "de_reader"}
    assert "sender_lda" not in allowed(world, Action.ALERT_LIST, None)


@pytest.mark.parametrize(
    ("who", "country", "may"),
    [
        ("network_admin", "DE", True),
        ("nl_alco_lda", "NL", True),
        ("nl_alco_lda", "DE", False),
        ("nl_alco_user", "NL", False),
        ("sender_lda", "NL", False),
    ],
)
def test_who_registers_alert_coordinators(world, who, country, may):
    assert (
        policy.can(getattr(world, who), Action.ALERT_COORDINATORS_MANAGE, world.countries[country])
        is may
    )


def test_closed_alerts_stay_readable_but_not_actionable(world, distributed_alert):
    services.alert_propose_closure(
        alert=distributed_alert, actor=world.sender_handler, reason="Lifted."
    )
    services.alert_validate_closure(alert=distributed_alert, actor=world.nl_alco_user)
    alert = fresh(distributed_alert)
    assert alert.status == State.CLOSED
    assert policy.can(world.de_reader, Action.ALERT_VIEW, alert)
    assert not policy.can(
        world.de_alco_user, Action.ALERT_RECEIVE, alert.recipients.get(country="DE")
    )
