"""The network rules (access/network.py): allow and deny for each action and role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from openimi.access import policy
from openimi.access.actions import Action
from openimi.accounts.models import Role
from tests.factories import AuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db

NETWORK_ACTIONS = [
    Action.NETWORK_VIEW,
    Action.NETWORK_ADMINISTER,
    Action.QUESTION_CATALOGUE_VIEW,
    Action.AUTHORITY_REGISTER,
    Action.AUTHORITY_COORDINATE,
    Action.AUTHORITY_RESTRUCTURE,
    Action.HELP_MANAGE,
    Action.NETWORK_MONITORING_VIEW,
]


@pytest.mark.parametrize("action", NETWORK_ACTIONS)
def test_anonymous_may_do_nothing(action, authority, nl):
    assert not policy.can(AnonymousUser(), action, None)
    assert not policy.can(AnonymousUser(), action, authority)
    assert not policy.can(None, action, nl)
    assert policy.network_countries(AnonymousUser()) == []


def test_network_administrator_may_do_all(network_admin, authority, other_authority, nl, de):
    assert network_admin.authority_id is None
    for obj in (None, nl, de):
        assert policy.can(network_admin, Action.AUTHORITY_REGISTER, obj)
    for action in (Action.NETWORK_ADMINISTER, Action.NETWORK_MONITORING_VIEW, Action.HELP_MANAGE):
        assert policy.can(network_admin, action, None)
    for target in (authority, other_authority):
        assert policy.can(network_admin, Action.AUTHORITY_COORDINATE, target)
        assert policy.can(network_admin, Action.AUTHORITY_RESTRUCTURE, target)
    assert policy.can(network_admin, Action.HELP_MANAGE, de)
    assert policy.network_countries(network_admin) is None


def test_an_inactive_network_administrator_may_do_nothing(network_admin, nl):
    network_admin.is_active = False
    assert not policy.can(network_admin, Action.NETWORK_ADMINISTER, None)
    assert not policy.can(network_admin, Action.AUTHORITY_REGISTER, nl)


def test_question_catalogue_is_for_every_active_user(basic_user, other_handler, network_admin):
    for user in (basic_user, other_handler, network_admin):
        assert policy.can(user, Action.QUESTION_CATALOGUE_VIEW, None)


def test_only_the_network_administrator_administers_reference_data(
    lda, coordinator_lda, national_coordinator_lda, handler
):
    for user in (lda, coordinator_lda, national_coordinator_lda, handler):
        assert not policy.can(user, Action.NETWORK_ADMINISTER, None)
        assert not policy.can(user, Action.HELP_MANAGE, None)


def test_a_coordinator_registers_in_its_own_country(
    coordinator_lda, national_coordinator_lda, other_coordinator_lda, nl, de
):
    for user in (coordinator_lda, national_coordinator_lda):
        assert policy.can(user, Action.AUTHORITY_REGISTER, None)
        assert policy.can(user, Action.AUTHORITY_REGISTER, nl)
        assert not policy.can(user, Action.AUTHORITY_REGISTER, de)
        assert policy.network_countries(user) == ["NL"]
    assert policy.can(other_coordinator_lda, Action.AUTHORITY_REGISTER, de)
    assert not policy.can(other_coordinator_lda, Action.AUTHORITY_REGISTER, nl)


def test_others_register_nowhere(lda, handler, supervisor, coordinator, nl, services_area):
    coordinator_handler = UserFactory(
        authority=coordinator, roles=[(Role.REQUEST_HANDLER, services_area)]
    )
    for user in (lda, handler, supervisor, coordinator_handler):
        assert not policy.can(user, Action.AUTHORITY_REGISTER, nl)
        assert not policy.can(user, Action.AUTHORITY_REGISTER, None)
        assert policy.network_countries(user) == []


def test_the_supervising_coordinator_coordinates_its_authorities(
    coordinator_lda, authority, other_authority, coordinator
):
    assert policy.can(coordinator_lda, Action.AUTHORITY_COORDINATE, authority)
    # Not an authority of another country, not its own, and it neither deactivates nor merges.
    assert not policy.can(coordinator_lda, Action.AUTHORITY_COORDINATE, other_authority)
    assert not policy.can(coordinator_lda, Action.AUTHORITY_COORDINATE, coordinator)
    assert not policy.can(coordinator_lda, Action.AUTHORITY_RESTRUCTURE, authority)


def test_a_delegated_coordinator_does_not_coordinate_what_it_does_not_supervise(
    coordinator_lda, nl
):
    unsupervised = AuthorityFactory(country=nl, language_id="nl")
    assert not policy.can(coordinator_lda, Action.AUTHORITY_COORDINATE, unsupervised)


def test_the_national_coordinator_runs_its_country(
    national_coordinator_lda, authority, other_authority, coordinator, national_coordinator, nl, de
):
    for target in (authority, coordinator):
        assert policy.can(national_coordinator_lda, Action.AUTHORITY_COORDINATE, target)
        assert policy.can(national_coordinator_lda, Action.AUTHORITY_RESTRUCTURE, target)
    for target in (other_authority, national_coordinator):
        assert not policy.can(national_coordinator_lda, Action.AUTHORITY_COORDINATE, target)
        assert not policy.can(national_coordinator_lda, Action.AUTHORITY_RESTRUCTURE, target)
    assert policy.can(national_coordinator_lda, Action.HELP_MANAGE, nl)
    assert not policy.can(national_coordinator_lda, Action.HELP_MANAGE, de)
    assert policy.can(national_coordinator_lda, Action.NETWORK_MONITORING_VIEW, None)


def test_local_roles_do_not_coordinate(lda, handler, supervisor, other_lda, authority, nl):
    for user in (lda, handler, supervisor, other_lda):
        assert not policy.can(user, Action.AUTHORITY_COORDINATE, authority)
        assert not policy.can(user, Action.AUTHORITY_RESTRUCTURE, authority)
        assert not policy.can(user, Action.HELP_MANAGE, nl)
        assert not policy.can(user, Action.NETWORK_MONITORING_VIEW, None)


def test_network_figures_for_the_national_coordinators_supervisors(
    national_coordinator, coordinator, services_area
):
    supervisor = UserFactory(
        authority=national_coordinator, roles=[(Role.SUPERVISOR, services_area)]
    )
    handler = UserFactory(
        authority=national_coordinator, roles=[(Role.REQUEST_HANDLER, services_area)]
    )
    delegated_supervisor = UserFactory(
        authority=coordinator, roles=[(Role.SUPERVISOR, services_area)]
    )
    assert policy.can(supervisor, Action.NETWORK_MONITORING_VIEW, None)
    assert policy.network_countries(supervisor) == ["NL"]
    assert not policy.can(handler, Action.NETWORK_MONITORING_VIEW, None)
    assert not policy.can(delegated_supervisor, Action.NETWORK_MONITORING_VIEW, None)


def test_local_data_administrators_cannot_grant_the_network_role(lda, basic_user):
    from openimi.accounts.users import services as user_services
    from openimi.common.errors import ApplicationError

    with pytest.raises(ApplicationError):
        user_services.user_roles_set(
            actor=lda, user=basic_user, roles=[(Role.NETWORK_ADMINISTRATOR, None)]
        )
    assert not basic_user.role_grants.exists()


def test_saving_roles_keeps_the_network_role(lda, authority, services_area):
    from openimi.accounts.users import services as user_services

    operator = UserFactory(
        authority=authority,
        roles=[(Role.NETWORK_ADMINISTRATOR, None), (Role.REQUEST_HANDLER, services_area)],
    )
    user_services.user_roles_set(actor=lda, user=operator, roles=[])
    assert set(operator.role_grants.values_list("role", flat=True)) == {Role.NETWORK_ADMINISTRATOR}


def test_the_network_page_is_for_whoever_has_a_part(
    network_admin,
    coordinator_lda,
    national_coordinator_lda,
    national_coordinator,
    lda,
    handler,
    supervisor,
    services_area,
):
    national_supervisor = UserFactory(
        authority=national_coordinator, roles=[(Role.SUPERVISOR, services_area)]
    )
    for user in (network_admin, coordinator_lda, national_coordinator_lda, national_supervisor):
        assert policy.can(user, Action.NETWORK_VIEW, None)
    for user in (lda, handler, supervisor):
        assert not policy.can(user, Action.NETWORK_VIEW, None)
