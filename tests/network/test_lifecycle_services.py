"""The coordinator's part in an authority's life (network/services/lifecycle.py): each change,
its event, the rows moved, the refusals, and the directory's handling of merged and
deactivated authorities."""

import pytest
from django.db import IntegrityError

from openimi.accounts.models import Role, RoleGrant, User
from openimi.authorities.models import AreaPreferences
from openimi.authorities.selectors import AuthoritySearch, authority_search
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange.models import InformationRequest
from openimi.exchange.services import authority_moves
from openimi.exchange.workflow import State
from openimi.network.models import AuthorityEvent
from openimi.network.services import lifecycle
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401
from tests.factories import AuthorityFactory, LegislativeAreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(request):
    """The exchange's test world (tests/exchange/conftest.py)."""
    return request.getfixturevalue("world")


@pytest.fixture
def make(request):
    """``make_request``: a request brought to a state by the real services."""
    return request.getfixturevalue("make_request")


Kind = AuthorityEvent.Kind


def _events(authority, kind):
    return list(AuthorityEvent.objects.filter(authority=authority, kind=kind))


# --- official name ---------------------------------------------------------------------------


def test_a_coordinator_changes_the_official_name_and_the_search_follows(
    authority, national_coordinator_lda
):
    changed = lifecycle.authority_official_name_change(
        authority=authority, actor=national_coordinator_lda, official_name="  Gemeente  Maashorst "
    )
    authority.refresh_from_db()
    assert changed and authority.official_name == "Gemeente Maashorst"
    assert "maashorst" in authority.search_text
    (event,) = _events(authority, Kind.OFFICIAL_NAME_CHANGED)
    assert event.details == {"old": "Gemeente Oeteldonk", "new": "Gemeente Maashorst"}
    assert event.actor == national_coordinator_lda


def test_the_same_name_changes_nothing(authority, coordinator_lda):
    assert not lifecycle.authority_official_name_change(
        authority=authority, actor=coordinator_lda, official_name="Gemeente Oeteldonk"
    )
    assert not AuthorityEvent.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 10_000, "Gemeente\x00Oeteldonk"])
def test_a_bad_name_is_refused_and_nothing_is_written(authority, coordinator_lda, name):
    with pytest.raises(ApplicationError):
        lifecycle.authority_official_name_change(
            authority=authority, actor=coordinator_lda, official_name=name
        )
    authority.refresh_from_db()
    assert authority.official_name == "Gemeente Oeteldonk"
    assert not AuthorityEvent.objects.exists()


def test_the_authoritys_own_administrator_cannot_change_the_name(authority, lda):
    with pytest.raises(PermissionDenied):
        lifecycle.authority_official_name_change(
            authority=authority, actor=lda, official_name="Eigen naam"
        )


def test_greek_and_cyrillic_names_are_kept(authority, network_admin):
    for name in ("Δήμος Αθηναίων", "Община София"):
        lifecycle.authority_official_name_change(
            authority=authority, actor=network_admin, official_name=name
        )
        authority.refresh_from_db()
        assert authority.official_name == name


# --- areas -------------------------------------------------------------------------------------


def test_an_area_is_added_and_removed_with_events(
    authority, national_coordinator, national_coordinator_lda
):
    area = LegislativeAreaFactory(code="qualifications")
    lifecycle.authority_area_add(
        authority=authority,
        actor=national_coordinator_lda,
        area=area,
        supervising_coordinator=national_coordinator,
    )
    preferences = AreaPreferences.objects.get(authority=authority, area=area)
    assert preferences.supervising_coordinator == national_coordinator
    assert preferences.may_accept and not preferences.uses_allocation  # the model's defaults
    assert _events(authority, Kind.AREA_ADDED)[0].details["area"] == "qualifications"
    with pytest.raises(ApplicationError):
        lifecycle.authority_area_add(
            authority=authority,
            actor=national_coordinator_lda,
            area=area,
            supervising_coordinator=national_coordinator,
        )
    lifecycle.authority_area_remove(authority=authority, actor=national_coordinator_lda, area=area)
    assert not AreaPreferences.objects.filter(authority=authority, area=area).exists()
    assert _events(authority, Kind.AREA_REMOVED)[0].details["area"] == "qualifications"


def test_a_supervising_coordinator_of_another_country_is_refused(
    authority, national_coordinator_lda, other_coordinator
):
    area = LegislativeAreaFactory(code="qualifications")
    with pytest.raises(ApplicationError):
        lifecycle.authority_area_add(
            authority=authority,
            actor=national_coordinator_lda,
            area=area,
            supervising_coordinator=other_coordinator,
        )
    assert not AreaPreferences.objects.filter(area=area).exists()


def test_the_supervising_coordinator_changes(
    authority, services_area, coordinator, national_coordinator, national_coordinator_lda
):
    assert lifecycle.authority_area_coordinator_change(
        authority=authority,
        actor=national_coordinator_lda,
        area=services_area,
        supervising_coordinator=national_coordinator,
    )
    assert (
        AreaPreferences.objects.get(authority=authority, area=services_area).supervising_coordinator
        == national_coordinator
    )
    (event,) = _events(authority, Kind.COORDINATOR_CHANGED)
    assert event.details == {
        "area": "services",
        "old": coordinator.pk,
        "new": national_coordinator.pk,
    }


def test_an_area_with_open_requests_is_not_removed(w, make, national_coordinator_lda):
    make(State.AWAITING_ACCEPTANCE)
    with pytest.raises(ApplicationError, match="open request"):
        lifecycle.authority_area_remove(
            authority=w.requesting, actor=national_coordinator_lda, area=w.area
        )
    assert AreaPreferences.objects.filter(authority=w.requesting, area=w.area).exists()


# --- reset the local data administrator's access ----------------------------------------------


def test_the_administrators_access_is_reset(authority, lda, coordinator_lda):
    lda.status = User.Status.ACTIVE
    lda.must_change_password = False
    lda.save()
    old_password = lda.password
    lifecycle.authority_administrator_access_reset(
        authority=authority, actor=coordinator_lda, administrator=lda
    )
    lda.refresh_from_db()
    assert lda.password != old_password and lda.must_change_password
    assert not lda.has_security_code
    assert lda.temporary_password_expires_at is not None
    (event,) = _events(authority, Kind.ADMINISTRATOR_ACCESS_RESET)
    assert event.details == {"user": lda.pk}


def test_only_an_administrator_of_the_authority_is_reset(authority, handler, coordinator_lda):
    with pytest.raises(ApplicationError):
        lifecycle.authority_administrator_access_reset(
            authority=authority, actor=coordinator_lda, administrator=handler
        )
    assert not AuthorityEvent.objects.exists()


# --- hand over and deactivate ----------------------------------------------------------------


def test_deactivation_is_refused_while_requests_are_open(w, make, network_admin):
    make(State.ACCEPTED)
    with pytest.raises(ApplicationError, match="1 open request. Hand it over"):
        lifecycle.authority_deactivate(authority=w.responding, actor=network_admin)
    w.responding.refresh_from_db()
    assert w.responding.is_active


def test_open_requests_are_handed_over_then_the_authority_is_deactivated(
    w,
    make,
    network_admin,
):
    closed = make(State.CLOSED)
    received = make(State.ACCEPTED, allocation=True)
    assert received.allocations.filter(is_active=True).exists()
    count = lifecycle.authority_requests_hand_over(
        authority=w.responding, actor=network_admin, target=w.target
    )
    assert count == 1
    received.refresh_from_db()
    closed.refresh_from_db()
    assert received.responding_authority == w.target
    assert not received.allocations.filter(is_active=True).exists()
    assert closed.responding_authority == w.responding  # a closed one stays
    event = received.events.get(code=authority_moves.AUTHORITY_MOVED)
    assert event.data == {
        "side": "responding",
        "from_authority": w.responding.pk,
        "to_authority": w.target.pk,
    }
    (handed,) = _events(w.responding, Kind.REQUESTS_HANDED_OVER)
    assert handed.details["count"] == 1 and handed.details["to_authority"] == w.target.pk

    users = lifecycle.authority_deactivate(authority=w.responding, actor=network_admin)
    w.responding.refresh_from_db()
    assert not w.responding.is_active and w.responding.deactivated_at is not None
    assert users == 6
    assert not User.objects.filter(authority=w.responding, is_active=True).exists()
    assert _events(w.responding, Kind.DEACTIVATED)[0].details == {"users": 6}
    with pytest.raises(ApplicationError):
        lifecycle.authority_deactivate(authority=w.responding, actor=network_admin)


def test_sent_requests_and_drafts_are_handed_over_as_requesting_authority(
    w,
    make,
    national_coordinator_lda,
):
    draft = make(State.DRAFT)
    sent = make(State.AWAITING_ACCEPTANCE)
    count = lifecycle.authority_requests_hand_over(
        authority=w.requesting, actor=national_coordinator_lda, target=w.third
    )
    assert count == 2
    for info_request in (draft, sent):
        info_request.refresh_from_db()
        assert info_request.requesting_authority == w.third


def test_hand_over_to_another_country_is_refused(w, make, network_admin):
    info_request = make(State.ACCEPTED)
    with pytest.raises(ApplicationError):
        lifecycle.authority_requests_hand_over(
            authority=w.responding, actor=network_admin, target=w.third
        )
    info_request.refresh_from_db()
    assert info_request.responding_authority == w.responding
    assert not AuthorityEvent.objects.exists()


def test_hand_over_to_an_authority_without_the_area_is_refused(
    w,
    make,
    de,
    network_admin,
):
    make(State.ACCEPTED)
    elsewhere = AuthorityFactory(country=de, language_id="de")
    with pytest.raises(ApplicationError, match="does not receive requests"):
        lifecycle.authority_requests_hand_over(
            authority=w.responding, actor=network_admin, target=elsewhere
        )
    assert not InformationRequest.objects.filter(responding_authority=elsewhere).exists()


def test_a_delegated_coordinator_may_not_deactivate(authority, coordinator_lda):
    with pytest.raises(PermissionDenied):
        lifecycle.authority_deactivate(authority=authority, actor=coordinator_lda)


# --- merge -------------------------------------------------------------------------------------


def test_a_merger_moves_users_grants_requests_and_areas(
    w,
    make,
    national_coordinator_lda,
    coordinator,
):
    old, continuing = w.requesting, w.third
    extra_area = LegislativeAreaFactory(code="qualifications")
    AreaPreferences.objects.create(
        authority=old, area=extra_area, supervising_coordinator=coordinator, may_reject=True
    )
    sent = make(State.ACCEPTED)
    closed = make(State.CLOSED)
    users = set(User.objects.filter(authority=old).values_list("pk", flat=True))
    lifecycle.authority_official_name_change(
        authority=old, actor=national_coordinator_lda, official_name="Gemeente Oeteldonk"
    )  # unchanged: no event
    AuthorityEvent.objects.create(authority=old, kind=Kind.REGISTERED)

    lifecycle.authority_merge(authority=old, actor=national_coordinator_lda, into=continuing)

    old.refresh_from_db()
    assert not old.is_active and old.merged_into == continuing
    assert set(User.objects.filter(authority=continuing).values_list("pk", flat=True)) >= users
    assert not User.objects.filter(authority=old).exists()
    assert not RoleGrant.objects.filter(authority=old).exists()
    assert RoleGrant.objects.filter(
        authority=continuing, user=w["handler"], role=Role.REQUEST_HANDLER
    ).exists()
    for info_request in (sent, closed):
        info_request.refresh_from_db()
        assert info_request.requesting_authority == continuing
        assert info_request.events.filter(code=authority_moves.AUTHORITY_MOVED).count() == 1
    copied = AreaPreferences.objects.get(authority=continuing, area=extra_area)
    assert copied.may_reject and copied.supervising_coordinator == coordinator
    # The old authority keeps its history; both get their event.
    assert _events(old, Kind.REGISTERED)
    into = _events(old, Kind.MERGED_INTO)[0].details
    assert into["into"] == continuing.pk and into["users"] == len(users)
    source = _events(continuing, Kind.MERGED_FROM)[0].details
    assert source["source_name"] == "Gemeente Oeteldonk" and source["areas"] == ["qualifications"]
    assert source["requests"] == 2
    # The handler continues at the new authority.
    handler = User.objects.get(pk=w["handler"].pk)
    assert handler.authority == continuing and handler.is_active

    with pytest.raises(ApplicationError):
        lifecycle.authority_merge(authority=old, actor=national_coordinator_lda, into=continuing)


def test_a_merger_is_all_or_nothing(w, make, national_coordinator_lda, monkeypatch):
    sent = make(State.ACCEPTED)

    def broken(**kwargs):
        raise IntegrityError("boom")

    monkeypatch.setattr(lifecycle.authority_moves, "requests_move_to_authority", broken)
    with pytest.raises(IntegrityError):
        lifecycle.authority_merge(
            authority=w.requesting, actor=national_coordinator_lda, into=w.third
        )
    w.requesting.refresh_from_db()
    sent.refresh_from_db()
    assert w.requesting.is_active and w.requesting.merged_into is None
    assert User.objects.filter(authority=w.requesting).exists()
    assert sent.requesting_authority == w.requesting
    assert not AuthorityEvent.objects.exists()


def test_a_merger_across_countries_is_refused(authority, other_authority, network_admin):
    with pytest.raises(ApplicationError):
        lifecycle.authority_merge(authority=authority, actor=network_admin, into=other_authority)


def test_both_authorities_must_allow_the_merger(
    authority, national_coordinator, national_coordinator_lda
):
    # The national coordinator does not restructure itself.
    with pytest.raises(PermissionDenied):
        lifecycle.authority_merge(
            authority=authority, actor=national_coordinator_lda, into=national_coordinator
        )
    authority.refresh_from_db()
    assert authority.is_active


# --- the directory -----------------------------------------------------------------------------


def _search(text="", **filters):
    return list(authority_search(search=AuthoritySearch(text=text, **filters), language="en"))


def test_the_search_for_a_merged_authority_finds_the_continuing_one(
    w,
    national_coordinator_lda,
):
    lifecycle.authority_merge(authority=w.requesting, actor=national_coordinator_lda, into=w.third)
    (found,) = _search("oeteldonk")
    assert found == w.third and found.formerly == "Gemeente Oeteldonk"
    (found,) = _search("anderstad")
    assert found == w.third and found.formerly is None
    assert w.requesting not in _search(country="NL")


def test_deactivated_authorities_are_left_out_of_the_search_and_the_recipients(
    w,
    network_admin,
):
    # The compose page offers recipients from authority_search (exchange/views/compose.py).
    assert w.target in _search("handwerkskammer", area="services")
    lifecycle.authority_deactivate(authority=w.target, actor=network_admin)
    assert _search("handwerkskammer") == []
    assert w.target not in _search(country="DE", area="services")


def test_a_coordinator_that_supervises_others_is_not_deactivated(
    authority, coordinator, network_admin
):
    with pytest.raises(ApplicationError, match="supervises 1 other authority"):
        lifecycle.authority_deactivate(authority=coordinator, actor=network_admin)
    coordinator.refresh_from_db()
    assert coordinator.is_active
    assert not AuthorityEvent.objects.filter(kind=AuthorityEvent.Kind.DEACTIVATED).exists()


def test_a_coordinator_merged_into_another_hands_it_its_supervision(
    authority, coordinator, national_coordinator, network_admin
):
    lifecycle.authority_merge(authority=coordinator, actor=network_admin, into=national_coordinator)
    preferences = AreaPreferences.objects.get(authority=authority)
    assert preferences.supervising_coordinator == national_coordinator


def test_a_coordinator_is_not_merged_into_a_competent_authority_while_it_supervises(
    authority, coordinator, nl, network_admin
):
    municipality = AuthorityFactory(country=nl, language_id="nl")
    with pytest.raises(ApplicationError, match="Choose another supervising coordinator"):
        lifecycle.authority_merge(authority=coordinator, actor=network_admin, into=municipality)
    coordinator.refresh_from_db()
    assert coordinator.is_active and coordinator.merged_into is None
