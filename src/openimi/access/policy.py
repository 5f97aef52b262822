"""THE permission policy: the only code that reads roles and authority flags.

Views declare an ``Action`` and call ``can``/``require`` through ``PolicyRequiredMixin``;
services call ``require`` before they write. ``can`` never raises; ``require`` raises
``PermissionDenied``, which views turn into the same 404 as a missing object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from openimi.access import alerts as alert_rules
from openimi.access import monitoring as monitoring_rules
from openimi.access import network as network_rules
from openimi.access import requests as request_rules
from openimi.access.actions import Action
from openimi.access.roles import _is_active, grants, has_role, is_local_data_administrator
from openimi.common import content_cache
from openimi.common.errors import PermissionDenied

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openimi.accounts.models import User
    from openimi.alerts.models import Alert
    from openimi.authorities.models import AreaPreferences, Authority
    from openimi.exchange.models import InformationRequest


def _coordinator_lda_for(user: User, preferences: AreaPreferences) -> bool:
    """A local data administrator of the coordinator that supervises these preferences."""
    coordinator_id = preferences.supervising_coordinator_id
    return coordinator_id is not None and is_local_data_administrator(
        user, preferences.supervising_coordinator
    )


def _may_make_token_for(user: User, owner: User | None) -> bool:
    """A token acts as its owner, so a person's token is made by that person alone (an
    administrator who could make one would act as them, unseen); a service account's by the
    local data administrators of its authority. A service account makes none itself."""
    if owner is None or user.is_service_account:
        return False
    if owner.is_service_account:
        return is_local_data_administrator(user, owner.authority)
    return owner.pk == user.pk


def can(user: User | None, action: Action, obj: Any = None) -> bool:
    """Whether ``user`` may perform ``action`` on ``obj``. Anonymous users may do nothing."""
    if not _is_active(user):
        return False
    match action:
        case Action.VIEW_DIRECTORY:
            return True
        case Action.VIEW_ADMINISTRATION | Action.VIEW_AUTHORITY_DATA | Action.CHANGE_AUTHORITY:
            return is_local_data_administrator(user, obj)
        case Action.CHANGE_AREA_PREFERENCES:
            return is_local_data_administrator(user, obj.authority)
        case Action.CHANGE_COORDINATOR_SETTINGS:
            return _coordinator_lda_for(user, obj)
        case Action.USER_MANAGE:
            return is_local_data_administrator(user, obj)
        case Action.USER_CHANGE | Action.USER_HAND_OVER:
            return obj is not None and is_local_data_administrator(user, obj.authority)
        case Action.USER_SSO_LINK:
            # A service account never logs in interactively, so it has no login to link.
            return (
                obj is not None
                and not obj.is_service_account
                and obj.is_active
                and is_local_data_administrator(user, obj.authority)
            )
        case Action.PASSKEY_MANAGE:
            # One's own only: a passkey is a way to log in as its owner. A service account
            # never logs in interactively, so it has none.
            return obj is not None and obj.pk == user.pk and not user.is_service_account
        case Action.USER_SECOND_FACTORS_RESET:
            return (
                obj is not None
                and not obj.is_service_account
                and is_local_data_administrator(user, obj.authority)
            )
        case Action.API_TOKEN_MANAGE:
            return _may_make_token_for(user, obj)
        case Action.API_TOKEN_REVOKE:
            # Revoking only takes power away: the owner, or an administrator of its authority.
            return obj is not None and (
                obj.pk == user.pk or is_local_data_administrator(user, obj.authority)
            )
        case Action.WEBHOOK_MANAGE:
            return is_local_data_administrator(user, obj)
        case Action.OUTBOX_VIEW_FAILED:
            return is_local_data_administrator(user, obj)
        case Action.OUTBOX_RESEND:
            return obj is not None and is_local_data_administrator(user, obj.authority)
        case Action.PERSONAL_DATA_LOG_VIEW:
            return personal_data_log_areas(user, obj) != []
        case Action.DATA_SUBJECT_MANAGE:
            return is_local_data_administrator(user, obj)
        case Action.DATA_SUBJECT_HANDLE:
            return _data_subject_party(user, obj)
        case Action.DATA_SUBJECT_CORRECT:
            # The authority that entered the data corrects it (as in IMI): the requester's.
            return _data_subject_party(user, obj) and (
                obj.requesting_authority_id == user.authority_id
            )
    if action.value.startswith("alert."):
        return alert_rules.can(user, action, obj)
    if action.value.startswith("network."):
        return network_rules.can(user, action, obj)
    if action.value.startswith("monitoring."):
        return monitoring_rules.can(user, action, obj)
    if action.value.startswith("request."):
        return request_rules.can(user, action, obj)
    return False


def network_countries(user: User | None) -> list[str] | None:
    """The countries ``user`` registers authorities in and watches as a coordinator: ``None``
    for every country (the network administrator), an empty list for none
    (``access/network.py``)."""
    if not _is_active(user):
        return []
    return network_rules.countries(user)


def coordinated_authorities(user: User | None) -> Q:
    """``AUTHORITY_COORDINATE`` as a filter on authorities (``access/network.py``)."""
    if not _is_active(user):
        return Q(pk__in=[])
    return network_rules.coordinated_authorities(user)


def second_factor_required(user: User) -> bool:
    """Whether ``user``'s authority requires a second factor at login (its local data
    administrators set the rule, ``CHANGE_AUTHORITY``)."""
    authority = user.authority
    return authority is not None and authority.second_factor_required


def require(user: User | None, action: Action, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied("You may not do this.")


def alerts_visible_to(user: User | None) -> QuerySet[Alert]:
    """Every alert ``user`` may see, as one query (rules: access/alerts.py). Selectors start
    from this; nothing else reads ``Alert.objects`` for a user."""
    return alert_rules.alerts_visible_to(user)


def alert_parties(user: User, alert: Alert) -> frozenset[str]:
    """The parts ``user`` plays in ``alert``: "sender", "validator", "recipient_coordinator",
    "recipient_authority" (access/alerts.py); pages show each party its own actions."""
    if not _is_active(user):
        return frozenset()
    return alert_rules.parties(user, alert)


def alert_recipients_for(user: User | None) -> Q:
    """The recipient countries' rows ``user`` acts on as their alert coordinator (a filter)."""
    return alert_rules.alert_recipients_for(user)


def requests_visible_to(user: User | None) -> QuerySet[InformationRequest]:
    """Every information request ``user`` may see, as one query (rules: access/requests.py).

    Selectors start from this; nothing else reads ``InformationRequest.objects`` for a user.
    """
    return request_rules.requests_visible_to(user)


def sees_own_authority_only(user: User | None) -> bool:
    """Whether every request the user may see involves the user's own authority (not so for a
    coordinator's users)."""
    return request_rules.sees_own_authority_only(user)


def content_reader(user: User) -> content_cache.Reader:
    """The reader the content cache keys a page by: the grants the policy decides with, and
    whether the user sees only the own authority's requests (the cache keeps only those)."""
    return content_cache.Reader(
        user_id=user.pk,
        authority_id=user.authority_id,
        grants=frozenset(grants(user)),
        own_authority_only=sees_own_authority_only(user),
    )


def requests_received_by(user: User | None) -> QuerySet[InformationRequest]:
    """The requests ``user`` may see that were sent to its authority: the incoming list."""
    return request_rules.requests_received_by(user)


# --- Privacy: the personal-data access log and data-subject requests -----------------------


def personal_data_log_areas(user: User | None, authority: Authority | None) -> list[int] | None:
    """Whose personal-data accesses ``user`` may read in ``authority``'s access log: ``None``
    for every area (its local data administrators), else the areas the user supervises there
    (an empty list: none)."""
    from openimi.accounts.models import Role

    if not _is_active(user) or authority is None or user.authority_id != authority.pk:
        return []
    if has_role(user, Role.LOCAL_DATA_ADMINISTRATOR):
        return None
    return sorted(
        area_id for role, area_id in grants(user) if role == Role.SUPERVISOR and area_id is not None
    )


def _data_subject_party(user: User, info_request: InformationRequest | None) -> bool:
    """A local data administrator of an authority that is party to the request: the requesting
    one, or the responding one once the request reached it."""
    if info_request is None or not is_local_data_administrator(user, user.authority):
        return False
    if info_request.requesting_authority_id == user.authority_id:
        return True
    return info_request.responding_authority_id == user.authority_id and (
        request_rules.reached_responder(info_request)
    )


def data_subject_requests(user: User | None) -> QuerySet[InformationRequest]:
    """The requests whose personal data ``user`` handles for data subjects (``DATA_SUBJECT_HANDLE``
    as a filter): every request its authority is party to, for a local data administrator."""
    from django.db.models import Q

    from openimi.exchange.models import InformationRequest

    requests = InformationRequest.objects.all()
    if not _is_active(user) or not is_local_data_administrator(user, user.authority):
        return requests.none()
    authority_id = user.authority_id
    return requests.filter(
        Q(requesting_authority_id=authority_id)
        | (Q(responding_authority_id=authority_id) & request_rules._reached_q())
    )
