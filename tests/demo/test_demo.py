"""The demo (``openimi demo``): its users in Köln, Kraków and Athens work in German, Polish and
Greek, and the Greek authority can receive a request (issue 18)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from openimi.accounts.models import Role, User
from openimi.authorities.models import Authority
from openimi.demo.data import _send, load_demo
from openimi.exchange.models import InformationRequest, QuestionSet
from openimi.exchange.workflow import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", stdout=io.StringIO())


def test_each_user_abroad_works_in_their_own_language(demo):
    languages = dict(User.objects.values_list("username", "language"))
    assert languages["klaus.weber"] == "de"
    assert languages["koeln.admin"] == "de"
    assert languages["anna.nowak"] == "pl"
    assert languages["eleni.papadopoulou"] == "el"
    assert languages["nikos.georgiou"] == "el"


def test_athens_is_a_greek_authority_with_a_handler_and_a_local_data_administrator(demo):
    athens = Authority.objects.get(city="Αθήνα")
    assert athens.country_id == "GR" and athens.language_id == "el"
    assert athens.official_name.startswith("Δήμος Αθηναίων")
    assert athens.informal_title == "Δήμος Αθηναίων, Διεύθυνση Αδειοδοτήσεων"
    assert athens.translations.get(language_id="en").informal_title == (
        "City of Athens, Licensing Directorate"
    )
    assert [p.area.code for p in athens.preferences.all()] == ["services"]
    assert athens.preferences.get().supervising_coordinator.country_id == "GR"
    roles = {
        (grant.user.username, grant.role)
        for grant in athens.users.get(username="nikos.georgiou").role_grants.all()
    } | {
        (grant.user.username, grant.role)
        for grant in athens.users.get(username="eleni.papadopoulou").role_grants.all()
    }
    assert ("nikos.georgiou", Role.LOCAL_DATA_ADMINISTRATOR) in roles
    assert ("eleni.papadopoulou", Role.REQUEST_HANDLER) in roles


def test_athens_receives_a_request_from_krakow(demo):
    athens = Authority.objects.get(city="Αθήνα")
    anna = User.objects.get(username="anna.nowak")
    _send(
        actor=anna,
        to=athens,
        question_set=QuestionSet.objects.get(code="services-general"),
        question_codes=["SG-08"],
        justification="Potrzebujemy potwierdzenia zezwolenia.",
        provider={"provider_name": "Ταβέρνα Ο Πλάτανος", "city": "Αθήνα"},
        area=athens.preferences.get().area,
    )
    received = InformationRequest.objects.get(responding_authority=athens)
    assert received.status == State.AWAITING_ACCEPTANCE


def test_running_again_creates_nothing_and_gives_each_user_their_language_back(demo):
    User.objects.filter(username="eleni.papadopoulou").update(language="en")
    users, authorities = User.objects.count(), Authority.objects.count()
    assert load_demo() == []
    assert (User.objects.count(), Authority.objects.count()) == (users, authorities)
    assert User.objects.get(username="eleni.papadopoulou").language == "el"


def test_the_readme_lists_every_demo_user_with_their_language():
    from pathlib import Path

    from babel import Locale

    from openimi.demo.data import (
        AUTHORITIES,
        NATIONAL_COORDINATORS,
        NETWORK_ADMINISTRATOR,
        _national_coordinator_spec,
    )

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `"): line for line in readme.splitlines() if "| `" in line}
    assert NETWORK_ADMINISTRATOR.username in rows
    national = [_national_coordinator_spec(country) for country in NATIONAL_COORDINATORS]
    for authority in [*AUTHORITIES, *national]:
        for user in authority.users:
            assert user.username in rows, f"{user.username} is not in the README's demo users"
            language = Locale.parse(user.language).get_display_name("en")
            assert rows[user.username].rstrip(" |").endswith(language), rows[user.username]


def test_the_demo_network_is_registered_through_the_services(demo):
    """Issue 19: `openimi demo` builds its data through the registration services: each
    authority has its REGISTERED event, by the network administrator for a national
    coordinator and by its national coordinator's administrator for the others."""
    from openimi.accounts.models import Role
    from openimi.network.models import AuthorityEvent

    registered = dict(
        AuthorityEvent.objects.filter(kind=AuthorityEvent.Kind.REGISTERED).values_list(
            "authority__official_name", "actor__username"
        )
    )
    assert len(registered) == Authority.objects.count()
    assert registered["Ministerstwo Rozwoju – Krajowy koordynator IMI"] == "network.admin"
    assert registered["Urząd Miasta Krakowa – Wydział Spraw Administracyjnych"] == "pl.coordinator"
    network_admin = User.objects.get(username="network.admin")
    assert network_admin.authority is None
    assert set(network_admin.role_grants.values_list("role", flat=True)) == {
        Role.NETWORK_ADMINISTRATOR
    }
    assert User.objects.filter(must_change_password=True).count() == 0
