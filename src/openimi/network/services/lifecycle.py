"""The coordinator's part in an authority's life (issue 19, item 3; seed 6.4, 6.1).

A coordinator of the authority's country (``Action.AUTHORITY_COORDINATE``) changes its official
name, adds and removes legislative areas with their supervising coordinator, and resets the
access of its local data administrators. The national coordinator or the network administrator
(``Action.AUTHORITY_RESTRUCTURE``) hands its open requests to another authority, deactivates it,
or merges it into another (a municipal merger). Every change writes an ``AuthorityEvent`` with
the old and new values in the same transaction, and moves the content cache versions.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openimi.access import policy
from openimi.access.policy import Action
from openimi.accounts import services as account_services
from openimi.accounts.models import RoleGrant, User
from openimi.accounts.users import password_mail
from openimi.accounts.users.credentials import temporary_password_generate
from openimi.accounts.users.selectors import local_data_administrator_list
from openimi.alerts import services as alert_services
from openimi.authorities.models import AreaPreferences, Authority, LegislativeArea
from openimi.common import content_cache
from openimi.common.errors import ApplicationError
from openimi.common.validators import prohibit_control_characters
from openimi.exchange.services import authority_moves
from openimi.network.models import AuthorityEvent

if TYPE_CHECKING:
    from django.http import HttpRequest

audit = logging.getLogger("openimi.audit")

Kind = AuthorityEvent.Kind
NAME_LENGTH = Authority._meta.get_field("official_name").max_length or 300


def _locked(authority: Authority) -> Authority:
    return Authority.objects.select_for_update().get(pk=authority.pk)


def _record(authority: Authority, actor: User, kind: str, **details: Any) -> AuthorityEvent:
    audit.info("%s id=%s by=%s", kind, authority.pk, actor.pk)
    return AuthorityEvent.objects.create(
        authority=authority, actor=actor, kind=kind, details=details
    )


def _changed(*authorities: Authority) -> None:
    content_cache.changed(authorities={a.pk for a in authorities}, directory=True)


def _refuse_inactive(authority: Authority) -> None:
    if not authority.is_active:
        raise ApplicationError(_("This authority has been deactivated."))


def _check_coordinator(authority: Authority, coordinator: Authority | None) -> None:
    """A supervising coordinator is an active coordinator of the authority's country."""
    if coordinator is None:
        return
    if (
        not coordinator.is_coordinator
        or not coordinator.is_active
        or coordinator.country_id != authority.country_id
        or coordinator.pk == authority.pk
    ):
        raise ApplicationError(
            _("Choose an active coordinator of the authority's country."),
            field="supervising_coordinator",
        )


def authority_official_name_change(
    *, authority: Authority, actor: User, official_name: str
) -> bool:
    """Change the official name (only a coordinator may: the authority's own local data
    administrators cannot). Returns whether it changed; the search text follows (``save``)."""
    official_name = " ".join((official_name or "").split())
    if not official_name:
        raise ApplicationError(_("Enter the official name."), field="official_name")
    if len(official_name) > NAME_LENGTH:
        raise ApplicationError(
            _("The official name can be at most %(limit)s characters long.")
            % {"limit": NAME_LENGTH},
            field="official_name",
        )
    try:
        prohibit_control_characters(official_name)
    except ValidationError as error:
        raise ApplicationError(error.messages[0], field="official_name") from None
    with transaction.atomic():
        authority = _locked(authority)
        policy.require(actor, Action.AUTHORITY_COORDINATE, authority)
        _refuse_inactive(authority)
        old = authority.official_name
        if old == official_name:
            return False
        authority.official_name = official_name
        authority.save(update_fields=["official_name", "updated_at"])
        _record(authority, actor, Kind.OFFICIAL_NAME_CHANGED, old=old, new=official_name)
        _changed(authority)
    return True


def authority_area_add(
    *,
    authority: Authority,
    actor: User,
    area: LegislativeArea,
    supervising_coordinator: Authority | None,
) -> AreaPreferences:
    """Register the authority for ``area`` under ``supervising_coordinator``; the other
    settings start as for any new area (the model's defaults)."""
    with transaction.atomic():
        authority = _locked(authority)
        policy.require(actor, Action.AUTHORITY_COORDINATE, authority)
        _refuse_inactive(authority)
        _check_coordinator(authority, supervising_coordinator)
        if AreaPreferences.objects.filter(authority=authority, area=area).exists():
            raise ApplicationError(
                _("The authority already works in this legislative area."), field="area"
            )
        preferences = AreaPreferences.objects.create(
            authority=authority, area=area, supervising_coordinator=supervising_coordinator
        )
        _record(
            authority,
            actor,
            Kind.AREA_ADDED,
            area=area.code,
            coordinator=getattr(supervising_coordinator, "pk", None),
            coordinator_name=getattr(supervising_coordinator, "official_name", ""),
        )
        _changed(authority)
    return preferences


def authority_area_remove(*, authority: Authority, actor: User, area: LegislativeArea) -> None:
    """Take ``area`` from the authority; refused while it has open requests in that area."""
    with transaction.atomic():
        authority = _locked(authority)
        policy.require(actor, Action.AUTHORITY_COORDINATE, authority)
        _refuse_inactive(authority)
        preferences = AreaPreferences.objects.filter(authority=authority, area=area).first()
        if preferences is None:
            raise ApplicationError(_("The authority does not work in this legislative area."))
        open_count = authority_moves.authority_open_request_count(
            authority=authority, area_id=area.pk
        )
        if open_count:
            raise ApplicationError(
                ngettext(
                    "The authority still has %(count)d open request in this legislative area. "
                    "The area can be removed when it has ended.",
                    "The authority still has %(count)d open requests in this legislative area. "
                    "The area can be removed when they have ended.",
                    open_count,
                )
                % {"count": open_count}
            )
        coordinator_id = preferences.supervising_coordinator_id
        preferences.delete()
        _record(authority, actor, Kind.AREA_REMOVED, area=area.code, coordinator=coordinator_id)
        _changed(authority)


def authority_area_coordinator_change(
    *,
    authority: Authority,
    actor: User,
    area: LegislativeArea,
    supervising_coordinator: Authority | None,
) -> bool:
    """Give the authority's ``area`` another supervising coordinator; returns whether it
    changed."""
    with transaction.atomic():
        authority = _locked(authority)
        policy.require(actor, Action.AUTHORITY_COORDINATE, authority)
        _refuse_inactive(authority)
        _check_coordinator(authority, supervising_coordinator)
        preferences = (
            AreaPreferences.objects.select_for_update()
            .filter(authority=authority, area=area)
            .first()
        )
        if preferences is None:
            raise ApplicationError(_("The authority does not work in this legislative area."))
        old = preferences.supervising_coordinator_id
        new = getattr(supervising_coordinator, "pk", None)
        if old == new:
            return False
        preferences.supervising_coordinator = supervising_coordinator
        preferences.save(update_fields=["supervising_coordinator", "updated_at"])
        _record(authority, actor, Kind.COORDINATOR_CHANGED, area=area.code, old=old, new=new)
        _changed(authority)
    return True


def authority_administrator_access_reset(
    *,
    authority: Authority,
    actor: User,
    administrator: User,
    request: HttpRequest | None = None,
) -> None:
    """A local data administrator who lost their access gets a new temporary password by
    e-mail (as ``user_reset_password`` sends it) and chooses a new security code at the next
    login; their sessions end and a lockout is lifted."""
    with transaction.atomic():
        authority = _locked(authority)
        policy.require(actor, Action.AUTHORITY_COORDINATE, authority)
        _refuse_inactive(authority)
        user = (
            local_data_administrator_list(authority=authority)
            .select_for_update()
            .filter(pk=administrator.pk, is_active=True)
            .first()
        )
        if user is None:
            raise ApplicationError(
                _("Choose a local data administrator of this authority."), field="administrator"
            )
        if user.pk == actor.pk:
            raise ApplicationError(_("To change your own password, go to My account."))
        password_mail.temporary_passwords_cancel(user=user)
        temporary = temporary_password_generate()
        account_services.user_password_reset(
            user=user,
            actor=actor,
            request=request,
            clear_security_code=True,
            temporary=temporary,
        )
        password_mail.temporary_password_send(
            user=user,
            password=temporary,
            send_after=None,
            first=user.status == User.Status.PENDING,
        )
        _record(authority, actor, Kind.ADMINISTRATOR_ACCESS_RESET, user=user.pk)


def _both_locked(first: Authority, second: Authority) -> tuple[Authority, Authority]:
    """Lock two authorities in a fixed order (no deadlock between two coordinators)."""
    locked = {
        a.pk: a
        for a in Authority.objects.select_for_update()
        .filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
    }
    return locked[first.pk], locked[second.pk]


def _check_other(authority: Authority, other: Authority, *, field: str) -> None:
    if other.pk == authority.pk or other.country_id != authority.country_id or not other.is_active:
        raise ApplicationError(
            _("Choose another active authority of the same country."), field=field
        )


def authority_requests_hand_over(*, authority: Authority, actor: User, target: Authority) -> int:
    """Before a deactivation: the authority's open requests go to ``target`` (received ones
    as responding authority, its drafts and sent ones as requesting authority). Returns how
    many moved."""
    with transaction.atomic():
        authority, target = _both_locked(authority, target)
        policy.require(actor, Action.AUTHORITY_RESTRUCTURE, authority)
        _refuse_inactive(authority)
        _check_other(authority, target, field="target")
        count = authority_moves.requests_move_to_authority(
            actor=actor, source=authority, target=target, open_only=True
        )
        if not count:
            raise ApplicationError(_("The authority has no open requests to hand over."))
        _record(
            authority,
            actor,
            Kind.REQUESTS_HANDED_OVER,
            to_authority=target.pk,
            to_name=target.official_name,
            count=count,
        )
        _changed(authority, target)
    return count


def _deactivate_users(authority: Authority, actor: User, request: HttpRequest | None) -> int:
    users = list(User.objects.select_for_update().filter(authority=authority, is_active=True))
    for user in users:
        password_mail.temporary_passwords_cancel(user=user)
        account_services.user_deactivate(user=user, actor=actor, request=request)
    return len(users)


def authority_deactivate(
    *, authority: Authority, actor: User, request: HttpRequest | None = None
) -> int:
    """The authority leaves the network: it receives no request, leaves the directory, and
    its users can no longer log in (their sessions end). Refused while it has open requests:
    hand them over first. Returns how many users were deactivated."""
    with transaction.atomic():
        authority = _locked(authority)
        policy.require(actor, Action.AUTHORITY_RESTRUCTURE, authority)
        _refuse_inactive(authority)
        open_count = authority_moves.authority_open_request_count(authority=authority)
        if open_count:
            raise ApplicationError(
                ngettext(
                    "The authority still has %(count)d open request. Hand it over to another "
                    "authority first.",
                    "The authority still has %(count)d open requests. Hand them over to "
                    "another authority first.",
                    open_count,
                )
                % {"count": open_count}
            )
        _refuse_while_supervising(authority)
        if alert_services.authority_alert_work_count(authority=authority):
            raise ApplicationError(
                _(
                    "The authority still has open alerts or coordinates alerts for its "
                    "country. Let them end, or register another alert coordinator, first."
                )
            )
        users = _deactivate_users(authority, actor, request)
        authority.is_active = False
        authority.deactivated_at = timezone.now()
        authority.save(update_fields=["is_active", "deactivated_at", "updated_at"])
        _record(authority, actor, Kind.DEACTIVATED, users=users)
        _changed(authority)
    return users


def _supervised(authority: Authority) -> Any:
    """The area preferences of other active authorities that ``authority`` supervises."""
    return AreaPreferences.objects.filter(
        supervising_coordinator=authority, authority__is_active=True
    ).exclude(authority=authority)


def _refuse_while_supervising(authority: Authority) -> None:
    """A coordinator that leaves must first hand its supervision to another coordinator:
    otherwise requests needing its approval, and the authorities it watches, would have no
    one."""
    count = _supervised(authority).values("authority").distinct().count()
    if count:
        raise ApplicationError(
            ngettext(
                "This coordinator supervises %(count)d other authority. Choose another "
                "supervising coordinator for it first.",
                "This coordinator supervises %(count)d other authorities. Choose another "
                "supervising coordinator for them first.",
                count,
            )
            % {"count": count}
        )


def _copy_missing_areas(source: Authority, target: Authority) -> list[str]:
    """The areas of ``source`` that ``target`` lacks, added to it with ``source``'s settings
    and keywords: the continuing authority takes over the work (and its users' area roles)."""
    held = set(target.preferences.values_list("area_id", flat=True))
    added = []
    for preferences in source.preferences.select_related("area").prefetch_related("keywords"):
        if preferences.area_id in held:
            continue
        keywords = list(preferences.keywords.all())
        copy = AreaPreferences.objects.create(
            authority=target,
            area=preferences.area,
            supervising_coordinator=preferences.supervising_coordinator,
            needs_coordinator_approval=preferences.needs_coordinator_approval,
            may_reject=preferences.may_reject,
            may_accept=preferences.may_accept,
            uses_allocation=preferences.uses_allocation,
            coordinator_may_view_details=preferences.coordinator_may_view_details,
        )
        copy.keywords.set(keywords)
        added.append(preferences.area.code)
    return added


def authority_merge(*, authority: Authority, actor: User, into: Authority) -> Authority:
    """A municipal merger: ``authority`` continues as ``into`` (same country, both allowed).

    Its users and every request move to ``into`` (each request with an event); the areas
    ``into`` lacks are added with their settings; ``authority`` keeps its history, is
    deactivated and points to ``into``, so that the directory sends searches for its name
    there. All or nothing; an authority merged once cannot be merged again."""
    with transaction.atomic():
        authority, into = _both_locked(authority, into)
        policy.require(actor, Action.AUTHORITY_RESTRUCTURE, authority)
        policy.require(actor, Action.AUTHORITY_RESTRUCTURE, into)
        if authority.merged_into_id is not None or not authority.is_active:
            raise ApplicationError(_("This authority has been deactivated."))
        _check_other(authority, into, field="into")
        if into.is_coordinator:
            # Two coordinators merge: the continuing one supervises what the other did.
            _supervised(authority).update(supervising_coordinator=into)
        else:
            _refuse_while_supervising(authority)
        areas = _copy_missing_areas(authority, into)
        users = User.objects.filter(authority=authority).update(authority=into)
        RoleGrant.objects.filter(authority=authority).update(authority=into)
        requests = authority_moves.requests_move_to_authority(
            actor=actor, source=authority, target=into, open_only=False
        )
        alert_services.alerts_move_to_authority(actor=actor, source=authority, target=into)
        authority.is_active = False
        authority.deactivated_at = timezone.now()
        authority.merged_into = into
        authority.save(update_fields=["is_active", "deactivated_at", "merged_into", "updated_at"])
        _record(
            authority,
            actor,
            Kind.MERGED_INTO,
            into=into.pk,
            into_name=into.official_name,
            users=users,
            requests=requests,
        )
        _record(
            into,
            actor,
            Kind.MERGED_FROM,
            source=authority.pk,
            source_name=authority.official_name,
            users=users,
            requests=requests,
            areas=areas,
        )
        _changed(authority, into)
    return into
