"""Roles of a user, for ``services``: checking them, applying a change, and the rule that an
authority keeps a local data administrator. Called inside the services' transaction, after
they have locked the authority and the user and asked the policy."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from openimi.accounts.models import AREA_ROLES, Role, RoleGrant, SecurityEvent, User
from openimi.accounts.security_log import security_event_record
from openimi.accounts.users import selectors
from openimi.common.errors import ApplicationError

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openimi.authorities.models import Authority, LegislativeArea

RoleSpec = tuple[str, "LegislativeArea | None"]
EVENT_ROLES_CHANGED = SecurityEvent.Code.ROLES_CHANGED


def checked_roles(
    *,
    authority: Authority,
    roles: list[RoleSpec],
    held: AbstractSet[tuple[str, int | None]] = frozenset(),
    service_account: bool = False,
) -> set[tuple[str, int | None]]:
    """The roles as (role, area id), checked: area roles in an area the authority works in
    (or one the user already holds), the local data administrator without an area. A service
    account may not be a local data administrator: whoever held its token would manage the
    authority's users and make tokens, and nobody would be told."""
    areas = set(selectors.authority_area_list(authority=authority).values_list("pk", flat=True))
    areas |= {area_id for _role, area_id in held if area_id is not None}
    wanted: set[tuple[str, int | None]] = set()
    for role, area in roles:
        if role == Role.LOCAL_DATA_ADMINISTRATOR and service_account:
            raise ApplicationError(
                _("A service account cannot be a local data administrator."),
                field=str(Role.LOCAL_DATA_ADMINISTRATOR),
            )
        if role == Role.LOCAL_DATA_ADMINISTRATOR and area is None:
            wanted.add((Role.LOCAL_DATA_ADMINISTRATOR, None))
        elif role in AREA_ROLES and area is not None and area.pk in areas:
            wanted.add((str(role), area.pk))
        else:
            raise ApplicationError(_("Choose roles for the areas your authority works in."))
    return wanted


def roles_detail(by: str, *, added: set, removed: set) -> str:
    def codes(grants: set) -> list[str]:
        return [f"{role}:{area_id}" if area_id else role for role, area_id in sorted(grants)]

    return " ".join([by, *(f"+{c}" for c in codes(added)), *(f"-{c}" for c in codes(removed))])


def roles_apply(
    *, actor: User, user: User, roles: list[RoleSpec], request: HttpRequest | None
) -> None:
    grants = {
        (g.role, g.area_id): g
        # The network administrator's role is the operator's to give (``openimi
        # network_admin``), never an authority's: its local data administrators neither
        # grant it nor take it away.
        for g in RoleGrant.objects.select_for_update()
        .filter(user=user)
        .exclude(role=Role.NETWORK_ADMINISTRATOR)
    }
    wanted = checked_roles(
        authority=user.authority,
        roles=roles,
        held=set(grants),
        service_account=user.is_service_account,
    )
    added, removed = wanted - set(grants), set(grants) - wanted
    if not added and not removed:
        return
    if (Role.LOCAL_DATA_ADMINISTRATOR, None) in removed:
        check_not_last_administrator(actor=actor, user=user)
    handler_areas = {area_id for role, area_id in removed if role == Role.REQUEST_HANDLER}
    if handler_areas and (
        selectors.open_request_list(user=user).filter(area_id__in=handler_areas).exists()
    ):
        raise ApplicationError(
            _(
                "%(name)s has open requests in this area. They stay request handler until "
                "those requests are handled or given to someone else."
            )
            % {"name": user.get_full_name()},
            field=str(Role.REQUEST_HANDLER),
        )
    RoleGrant.objects.filter(pk__in=[grants[key].pk for key in removed]).delete()
    RoleGrant.objects.bulk_create(
        RoleGrant(user=user, role=role, area_id=area_id) for role, area_id in sorted(added)
    )
    user.__dict__.pop("_policy_grants", None)  # the policy's per-request cache of roles
    security_event_record(
        event=EVENT_ROLES_CHANGED,
        request=request,
        user=user,
        detail=roles_detail(f"by {actor.get_username()}", added=added, removed=removed),
    )


def check_not_last_administrator(*, actor: User, user: User) -> None:
    others = selectors.local_data_administrator_list(authority=user.authority, logged_in_only=True)
    if others.exclude(pk=user.pk).exists():
        return
    if actor.pk == user.pk:
        message = _(
            "You are the only local data administrator of your authority. Give this role to "
            "a colleague first; once they have logged in, you can give it up."
        )
    else:
        message = _(
            "%(name)s is the only local data administrator of your authority. Give this role "
            "to a colleague first; once they have logged in, %(name)s can give it up."
        ) % {"name": user.get_full_name()}
    raise ApplicationError(message, field=str(Role.LOCAL_DATA_ADMINISTRATOR))
