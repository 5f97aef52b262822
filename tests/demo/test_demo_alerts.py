"""The demo's alerts (issue 22): alert coordinators for every demo country and both areas,
and three alerts at three stages, each step taken through the services by the demo user the
README names; running the demo again creates nothing new."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from openimi.access import policy
from openimi.access.policy import Action
from openimi.accounts.models import User
from openimi.alerts import events
from openimi.alerts.models import (
    Alert,
    AlertCoordinator,
    AlertDistribution,
    AlertEvent,
    AlertPersonalData,
    AlertRecipient,
)
from openimi.alerts.types import AlertType
from openimi.alerts.workflow import RecipientState, State
from openimi.demo.data import load_demo

pytestmark = pytest.mark.django_db

DEMO_COUNTRIES = {"NL", "DE", "BE", "FR", "PL", "GR"}


@pytest.fixture
def demo():
    call_command("demo", stdout=io.StringIO())


def _user(username: str) -> User:
    return User.objects.select_related("authority").get(username=username)


def test_every_demo_country_has_an_alert_coordinator_for_both_areas(demo):
    registered = {
        (found.country_id, found.area.code): found.authority
        for found in AlertCoordinator.objects.select_related("area", "authority")
    }
    for country in DEMO_COUNTRIES:
        for area in ("services", "professional_qualifications"):
            assert (country, area) in registered, (country, area)
    # The Netherlands' delegated coordinator for the Services Directive; elsewhere the
    # national coordinator.
    assert registered["NL", "services"] == _user("sdimic.admin").authority
    assert registered["NL", "professional_qualifications"] == _user("nimic.admin").authority
    assert registered["DE", "services"] == _user("de.coordinator").authority
    assert (
        registered["DE", "services"].kind == registered["DE", "services"].Kind.NATIONAL_COORDINATOR
    )
    registrars = set(AlertCoordinator.objects.values_list("registered_by__username", flat=True))
    assert registrars == {"network.admin"}


def test_the_nurse_alert_was_sent_passed_on_in_germany_and_read(demo):
    alert = Alert.objects.get(alert_type=AlertType.PQ_HEALTH)
    assert alert.status == State.SENT and alert.language == "nl"
    assert alert.author == _user("ingrid.bos")
    assert alert.validating_coordinator == _user("nimic.admin").authority
    assert set(alert.recipients.values_list("country_id", flat=True)) == DEMO_COUNTRIES - {"NL"}
    german = alert.recipients.get(country_id="DE")
    assert german.status == RecipientState.DISTRIBUTED
    distribution = AlertDistribution.objects.get(recipient=german)
    assert distribution.authority == _user("sabine.krueger").authority
    assert distribution.first_read_at is not None
    assert (
        alert.recipients.exclude(country_id="DE").filter(status=RecipientState.RECEIVED).count()
        == len(DEMO_COUNTRIES) - 2
    )
    codes = list(alert.events.order_by("pk").values_list("code", flat=True))
    for code in (
        events.CREATED,
        events.SUBMITTED,
        events.VALIDATED,
        events.ACKNOWLEDGED,
        events.DISTRIBUTED,
        events.READ,
    ):
        assert code in codes, code
    assert AlertPersonalData.objects.get(alert=alert).full_name.endswith("(FICTIEF)")


def test_the_demo_users_play_the_parts_the_readme_gives_them(demo):
    nurse = Alert.objects.get(alert_type=AlertType.PQ_HEALTH)
    waiting = Alert.objects.get(status=State.AWAITING_VALIDATION)
    draft = Alert.objects.get(status=State.DRAFT)
    assert policy.can(_user("ingrid.bos"), Action.ALERT_UPDATE, nurse)
    assert policy.can(_user("sabine.krueger"), Action.ALERT_VIEW_PERSONAL_DATA, nurse)
    polish = AlertRecipient.objects.get(alert=nurse, country_id="PL")
    assert policy.can(_user("pl.coordinator"), Action.ALERT_RECEIVE, polish)
    assert policy.can(_user("sdimic.admin"), Action.ALERT_VALIDATE, waiting)
    assert not policy.can(_user("nimic.admin"), Action.ALERT_VALIDATE, waiting)
    assert waiting.author == _user("bram.pauwels")
    assert set(waiting.countries.values_list("code", flat=True)) == {"BE", "DE"}
    assert policy.can(_user("klaus.weber"), Action.ALERT_EDIT_DRAFT, draft)
    # Nobody else sees them: not Dienst Justis, not the network administrator, not Kraków.
    for username in ("justis.admin", "network.admin", "anna.nowak"):
        assert not policy.alerts_visible_to(_user(username)).exists(), username


def test_running_again_creates_no_alert_nor_coordinator(demo):
    counts = [
        model.objects.count()
        for model in (Alert, AlertCoordinator, AlertRecipient, AlertDistribution, AlertEvent)
    ]
    assert load_demo() == []
    assert [
        model.objects.count()
        for model in (Alert, AlertCoordinator, AlertRecipient, AlertDistribution, AlertEvent)
    ] == counts


def test_running_again_keeps_an_alert_coordinator_the_operator_changed(demo):
    """The operator made the national coordinator the Dutch services alert coordinator (after
    the waiting services alert went back to its sender): the demo does not undo it."""
    from openimi.alerts import services

    waiting = Alert.objects.get(status=State.AWAITING_VALIDATION)
    services.alert_return(alert=waiting, actor=_user("sdimic.admin"), reason="Demo", language="en")
    national = _user("nimic.admin").authority
    dutch_services = AlertCoordinator.objects.get(country_id="NL", area__code="services")
    services.alert_coordinator_set(
        actor=_user("network.admin"), area=dutch_services.area, authority=national
    )
    load_demo()
    dutch_services.refresh_from_db()
    assert dutch_services.authority == national
    assert Alert.objects.filter(activity=waiting.activity).count() == 1
