"""An authority's alerts when it leaves the network: a merger moves them, deactivation waits."""

import pytest

from openimi.access import policy
from openimi.access.actions import Action
from openimi.alerts import events
from openimi.alerts.models import Alert, AlertCoordinator
from openimi.common.errors import ApplicationError
from openimi.network.services import lifecycle
from tests.factories import AreaPreferencesFactory, AuthorityFactory


def test_a_merger_moves_the_senders_alerts_and_its_people_keep_them(world, distributed_alert):
    continuing = AuthorityFactory(country=world.countries["NL"], language_id="nl")
    AreaPreferencesFactory(authority=continuing, area=world.area)
    lifecycle.authority_merge(authority=world.sender, actor=world.network_admin, into=continuing)
    alert = Alert.objects.get(pk=distributed_alert.pk)
    assert alert.sending_authority == continuing
    assert alert.events.filter(code=events.AUTHORITY_MOVED).count() == 1
    world.sender_handler.refresh_from_db()
    assert world.sender_handler.authority == continuing
    assert policy.can(world.sender_handler, Action.ALERT_UPDATE, alert)


def test_a_merged_recipient_authority_keeps_what_it_was_passed(world, distributed_alert):
    continuing = AuthorityFactory(country=world.countries["DE"], language_id="de")
    AreaPreferencesFactory(authority=continuing, area=world.area)
    lifecycle.authority_merge(
        authority=world.de_authority, actor=world.network_admin, into=continuing
    )
    recipient = distributed_alert.recipients.get(country="DE")
    assert list(recipient.distributions.values_list("authority", flat=True)) == [continuing.pk]


def test_an_alert_coordinator_is_not_deactivated(world, pq_alert):
    with pytest.raises(ApplicationError):
        lifecycle.authority_deactivate(authority=world.fr_alco, actor=world.network_admin)
    AlertCoordinator.objects.filter(authority=world.fr_alco).delete()
    lifecycle.authority_deactivate(authority=world.fr_alco, actor=world.network_admin)


def test_an_authority_with_an_open_alert_is_not_deactivated(world, sent_alert):
    with pytest.raises(ApplicationError):
        lifecycle.authority_deactivate(authority=world.sender, actor=world.network_admin)
