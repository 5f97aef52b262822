"""The alerts' world: a Dutch sender, the alert coordinators of the Netherlands, Germany and
Poland for professional qualifications, a German and a Polish authority to distribute to, and
a French authority that no alert is distributed to. ``pq_alert`` and ``sent_alert`` build
alerts through the services, as the pages and the API do."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from openimi.accounts.models import Role
from openimi.alerts import services
from openimi.alerts.models import AlertCoordinator
from openimi.alerts.types import AlertType
from openimi.authorities.models import Authority
from tests.factories import (
    AreaPreferencesFactory,
    AuthorityFactory,
    CountryFactory,
    LanguageFactory,
    LegislativeAreaFactory,
    UserFactory,
)


@pytest.fixture
def pq_area(db):
    return LegislativeAreaFactory(
        code="professional_qualifications",
        names={
            "en": "Professional qualifications",
            "nl": "Beroepskwalificaties",
            "de": "Berufsqualifikationen",
            "pl": "Kwalifikacje zawodowe",
        },
    )


def _country(code: str, language: str, name: str):
    LanguageFactory(code=language, names={"en": name}, native_name=name)
    return CountryFactory(code=code, names={"en": code})


@pytest.fixture
def world(db, pq_area, services_area):
    """Everyone in an alert's life (see the module's text), with one user per part."""
    countries = {
        "NL": _country("NL", "nl", "Dutch"),
        "DE": _country("DE", "de", "German"),
        "PL": _country("PL", "pl", "Polish"),
        "FR": _country("FR", "fr", "French"),
    }
    w = SimpleNamespace(area=pq_area, services_area=services_area, countries=countries)

    def authority(country, name, kind=Authority.Kind.COMPETENT_AUTHORITY, language=None):
        made = AuthorityFactory(
            country=countries[country],
            language_id=language or country.lower(),
            official_name=name,
            informal_title=name,
            kind=kind,
            email=f"{name.split()[0].lower()}@{country.lower()}.example",
        )
        for area in (pq_area, services_area):
            AreaPreferencesFactory(authority=made, area=area)
        return made

    def user(authority_, username, roles, language="en"):
        return UserFactory(authority=authority_, username=username, roles=roles, language=language)

    def handler(area=pq_area):
        return [
            (Role.REQUEST_HANDLER, area),
            (Role.REQUEST_HANDLER, services_area),
        ]  # noqa: E731

    w.sender = authority("NL", "CIBG BIG-register")
    w.nl_alco = authority(
        "NL", "Ministerie VWS alertcoördinator", Authority.Kind.NATIONAL_COORDINATOR
    )
    w.de_alco = authority("DE", "Bundesamt Alarmkoordination", Authority.Kind.NATIONAL_COORDINATOR)
    w.pl_alco = authority(
        "PL", "Ministerstwo Zdrowia koordynator", Authority.Kind.NATIONAL_COORDINATOR
    )
    w.fr_alco = authority(
        "FR", "Ministère coordination alertes", Authority.Kind.NATIONAL_COORDINATOR
    )
    w.de_authority = authority("DE", "Landesprüfungsamt Köln")
    w.pl_authority = authority("PL", "Naczelna Izba Pielęgniarek")
    w.fr_authority = authority("FR", "Ordre national des infirmiers")
    for alco in (w.nl_alco, w.de_alco, w.pl_alco, w.fr_alco):
        for area in (pq_area, services_area):
            AlertCoordinator.objects.create(country_id=alco.country_id, area=area, authority=alco)
    w.sender_handler = user(w.sender, "nl_handler", handler(), "nl")
    w.sender_colleague = user(w.sender, "nl_colleague", handler(), "nl")
    w.sender_supervisor = user(w.sender, "nl_supervisor", [(Role.SUPERVISOR, pq_area)], "nl")
    w.sender_basic = user(w.sender, "nl_basic", [], "nl")
    w.sender_lda = user(w.sender, "nl_lda", [(Role.LOCAL_DATA_ADMINISTRATOR, None)], "nl")
    w.nl_alco_user = user(w.nl_alco, "nl_alco", handler(), "nl")
    w.nl_alco_lda = user(w.nl_alco, "nl_alco_lda", [(Role.LOCAL_DATA_ADMINISTRATOR, None)], "nl")
    w.de_alco_user = user(w.de_alco, "de_alco", handler(), "de")
    w.pl_alco_user = user(w.pl_alco, "pl_alco", handler(), "pl")
    w.fr_alco_user = user(w.fr_alco, "fr_alco", handler(), "fr")
    w.de_reader = user(w.de_authority, "de_reader", handler(), "de")
    w.pl_reader = user(w.pl_authority, "pl_reader", handler(), "pl")
    w.fr_reader = user(w.fr_authority, "fr_reader", handler(), "fr")
    w.network_admin = UserFactory(
        authority=None, username="network_admin", roles=[(Role.NETWORK_ADMINISTRATOR, None)]
    )
    return w


PQ_FIELDS = {
    "activity": "Nurse (verpleegkundige)",
    "deciding_authority": "Regionaal Tuchtcollege Amsterdam",
    "restriction_scope": "Struck off the register: may not practise as a nurse.",
    "description": "Decision of the disciplinary tribunal after repeated negligence.",
}
PQ_PERSONAL = {
    "full_name": "Johanna Maria de Vries",
    "date_of_birth": "1980-04-12",
    "place_of_birth": "Utrecht",
    "nationality": "Dutch",
    "identifier": "BIG 19012345601",
}


def pq_fields(**overrides):
    today = timezone.localdate()
    return {
        **PQ_FIELDS,
        "decision_date": today - dt.timedelta(days=1),
        "restriction_start": today - dt.timedelta(days=1),
        **overrides,
    }


@pytest.fixture
def pq_alert(world):
    """A complete PQ health alert, still a draft of the Dutch sender."""
    return services.alert_create_draft(
        actor=world.sender_handler,
        alert_type=AlertType.PQ_HEALTH,
        fields=pq_fields(),
        personal=PQ_PERSONAL,
        language="en",
    )


@pytest.fixture
def sent_alert(world, pq_alert):
    """The PQ alert submitted, validated and so received by DE, PL and FR."""
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    return services.alert_validate(alert=pq_alert, actor=world.nl_alco_user)


@pytest.fixture
def distributed_alert(world, sent_alert):
    """The sent alert passed by the German coordinator to the German authority, and by the
    Polish one to the Polish authority (the French one did not distribute it)."""
    for alco_user, target in (
        (world.de_alco_user, world.de_authority),
        (world.pl_alco_user, world.pl_authority),
    ):
        recipient = sent_alert.recipients.get(coordinator=alco_user.authority)
        services.alert_distribute(recipient=recipient, actor=alco_user, authorities=[target])
    return sent_alert
