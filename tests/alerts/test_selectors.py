"""The list's sections are the policy's parts: each alert of a section is one the user may
see, in the part that section names."""

from __future__ import annotations

import pytest

from openimi.access import policy
from openimi.access.alerts import RECIPIENT_AUTHORITY, RECIPIENT_COORDINATOR, SENDER, VALIDATOR
from openimi.alerts import selectors, services
from openimi.alerts.models import Alert
from openimi.alerts.selectors import RECEIVED, SENT, TO_VALIDATE, AlertFilters

pytestmark = pytest.mark.django_db


def _section(user, section, status=""):
    return list(selectors.alert_list(user=user, filters=AlertFilters(section, status)))


def test_sections_follow_the_parts(world, distributed_alert):
    alert = distributed_alert
    assert _section(world.sender_handler, SENT) == [alert]
    assert _section(world.sender_handler, RECEIVED) == []
    assert _section(world.nl_alco_user, TO_VALIDATE) == []
    assert _section(world.de_alco_user, RECEIVED) == [alert]
    assert _section(world.de_reader, RECEIVED) == [alert]
    assert _section(world.fr_reader, RECEIVED) == []
    for user, section, part in (
        (world.sender_handler, SENT, SENDER),
        (world.de_alco_user, RECEIVED, RECIPIENT_COORDINATOR),
        (world.de_reader, RECEIVED, RECIPIENT_AUTHORITY),
    ):
        for found in _section(user, section):
            assert part in policy.alert_parties(user, found)


def test_to_validate_holds_submissions_closures_and_pending_information(world, pq_alert):
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    assert _section(world.nl_alco_user, TO_VALIDATE) == [pq_alert]
    services.alert_validate(alert=pq_alert, actor=world.nl_alco_user)
    assert _section(world.nl_alco_user, TO_VALIDATE) == []
    update = services.alert_propose_update(
        alert=pq_alert, actor=world.sender_handler, text="More", language="en"
    )
    assert _section(world.nl_alco_user, TO_VALIDATE) == [pq_alert]
    services.alert_validate_update(update=update, actor=world.nl_alco_user)
    services.alert_propose_closure(
        alert=pq_alert, actor=world.sender_handler, reason="Over", language="en"
    )
    assert _section(world.nl_alco_user, TO_VALIDATE) == [pq_alert]
    assert VALIDATOR in policy.alert_parties(world.nl_alco_user, Alert.objects.get(pk=pq_alert.pk))


def test_a_draft_is_nobody_elses(world, pq_alert):
    for user in (world.nl_alco_user, world.de_alco_user, world.de_reader, world.network_admin):
        assert all(_section(user, section) == [] for section in (TO_VALIDATE, RECEIVED, SENT))
    counts = selectors.alert_section_counts_list(user=world.sender_handler)
    assert counts == {TO_VALIDATE: 0, RECEIVED: 0, SENT: 1}


def test_status_filter_and_get(world, sent_alert):
    assert _section(world.de_alco_user, RECEIVED, "sent") == [sent_alert]
    assert _section(world.de_alco_user, RECEIVED, "closed") == []
    assert selectors.alert_get(user=world.de_alco_user, pk=sent_alert.pk) == sent_alert
    with pytest.raises(Alert.DoesNotExist):
        selectors.alert_get(user=world.fr_reader, pk=sent_alert.pk)


def test_recipient_rows_per_party(world, distributed_alert):
    alert = distributed_alert

    def rows(user):
        parties = policy.alert_parties(user, alert)
        return [
            r.country_id
            for r in selectors.alert_recipient_list(alert=alert, user=user, parties=parties)
        ]

    assert rows(world.sender_handler) == ["DE", "FR", "PL"]
    assert rows(world.nl_alco_user) == ["DE", "FR", "PL"]
    assert rows(world.pl_alco_user) == ["PL"]
    assert rows(world.de_reader) == []
