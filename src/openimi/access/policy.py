"""THE permission policy: the only code that reads roles and authority flags.

Views declare an ``Action`` and call ``can``/``require`` through ``PolicyRequiredMixin``;
services call ``require`` before they write. ``can`` never raises; ``require`` raises
``PermissionDenied``, which views turn into the same 404 as a missing object.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from openimi.common import content_cache
from openimi.common.errors import PermissionDenied

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openimi.accounts.models import User
    from openimi.authorities.models import AreaPreferences, Authority
    from openimi.exchange.models import InformationRequest


class Action(StrEnum):
    VIEW_DIRECTORY = "directory.view"
    VIEW_ADMINISTRATION = "administration.view"
    VIEW_AUTHORITY_DATA = "authority.view_data"
    CHANGE_AUTHORITY = "authority.change"
    CHANGE_AREA_PREFERENCES = "authority.change_preferences"
    CHANGE_COORDINATOR_SETTINGS = "authority.change_coordinator_settings"
    # Information requests: the rules live in access/requests.py. The object is the
    # InformationRequest, except REQUEST_LIST and REQUEST_COORDINATOR_OVERVIEW (none),
    # REQUEST_CREATE (a LegislativeArea, or None for "any area") and
    # REQUEST_DOWNLOAD_ATTACHMENT (an Attachment).
    REQUEST_LIST = "request.list"
    REQUEST_COORDINATOR_OVERVIEW = "request.coordinator_overview"
    REQUEST_CREATE = "request.create"
    REQUEST_VIEW = "request.view"
    REQUEST_VIEW_DETAILS = "request.view_details"
    REQUEST_VIEW_PERSONAL_DATA = "request.view_personal_data"
    REQUEST_DOWNLOAD_ATTACHMENT = "request.download_attachment"
    REQUEST_EDIT_DRAFT = "request.edit_draft"
    REQUEST_SEND = "request.send"
    REQUEST_APPROVE = "request.approve"
    REQUEST_RETURN = "request.return"
    REQUEST_ACCEPT = "request.accept"
    REQUEST_FORWARD = "request.forward"
    REQUEST_REJECT = "request.reject"
    REQUEST_ALLOCATE = "request.allocate"
    # "I'll handle this": a request handler takes an incoming request where the authority
    # works without allocation, so that colleagues see who has it.
    REQUEST_TAKE = "request.take"
    REQUEST_REQUEST_INFO = "request.request_info"
    REQUEST_PROVIDE_INFO = "request.provide_info"
    REQUEST_ANSWER = "request.answer"
    REQUEST_ACCEPT_ANSWER = "request.accept_answer"
    REQUEST_ASK_FOLLOW_UP = "request.ask_follow_up"
    REQUEST_WITHDRAW = "request.withdraw"
    REQUEST_REFER_TO_COORDINATOR = "request.refer_to_coordinator"
    REQUEST_VIEW_MEDIATION = "request.view_mediation"
    REQUEST_MEDIATE = "request.mediate"
    REQUEST_END_MEDIATION = "request.end_mediation"
    # User management (Administration → Manage users): the object of USER_MANAGE is the
    # Authority, of USER_CHANGE the User being changed.
    USER_MANAGE = "users.manage"
    USER_CHANGE = "users.change"
    # The REST API: API_TOKEN_MANAGE's object is the User the token acts as (oneself, or a
    # (system) user of the authority one administers); WEBHOOK_MANAGE's the Authority.
    API_TOKEN_MANAGE = "api.token_manage"
    WEBHOOK_MANAGE = "api.webhook_manage"
    # Failed e-mail deliveries (Administration → E-mails not delivered): OUTBOX_VIEW_FAILED's
    # object is the Authority, OUTBOX_RESEND's the OutboxMessage (its ``authority`` answers).
    OUTBOX_VIEW_FAILED = "outbox.view_failed"
    OUTBOX_RESEND = "outbox.resend"
    # Monitoring (timeliness figures, access/monitoring.py): MONITORING_VIEW's object is the
    # user's own Authority; MONITORING_COORDINATE has none (the coordinator's supervised ones).
    MONITORING_VIEW = "monitoring.view"
    MONITORING_COORDINATE = "monitoring.coordinate"
    # Privacy (Administration → Personal-data access log, Data subject requests):
    # PERSONAL_DATA_LOG_VIEW's and DATA_SUBJECT_MANAGE's object is the Authority;
    # DATA_SUBJECT_HANDLE's (read, export, mark contested) and DATA_SUBJECT_CORRECT's the
    # InformationRequest.
    PERSONAL_DATA_LOG_VIEW = "privacy.log_view"
    DATA_SUBJECT_MANAGE = "privacy.subject_manage"
    DATA_SUBJECT_HANDLE = "privacy.subject_handle"
    DATA_SUBJECT_CORRECT = "privacy.subject_correct"


def _is_active(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def grants(user: User) -> set[tuple[str, int | None]]:
    """The user's ``(role, area_id)`` grants, read once per request."""
    found = getattr(user, "_policy_grants", None)
    if found is None:
        found = set(user.role_grants.values_list("role", "area_id"))
        user._policy_grants = found
    return found


def has_role(user: User, role: str, *, area_id: int | None = None) -> bool:
    """Whether the user holds ``role`` (for ``area_id`` when given); cached per request."""
    grants_ = grants(user)
    if area_id is None:
        return any(granted_role == role for granted_role, _ in grants_)
    return (role, area_id) in grants_


def is_local_data_administrator(user: User, authority: Authority | None) -> bool:
    from openimi.accounts.models import Role

    return (
        _is_active(user)
        and authority is not None
        and user.authority_id == authority.pk
        and has_role(user, Role.LOCAL_DATA_ADMINISTRATOR)
    )


def _coordinator_lda_for(user: User, preferences: AreaPreferences) -> bool:
    """A local data administrator of the coordinator that supervises these preferences."""
    coordinator_id = preferences.supervising_coordinator_id
    return coordinator_id is not None and is_local_data_administrator(
        user, preferences.supervising_coordinator
    )


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
        case Action.USER_CHANGE:
            return obj is not None and is_local_data_administrator(user, obj.authority)
        case Action.API_TOKEN_MANAGE:
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
    if action.value.startswith("monitoring."):
        from openimi.access import monitoring as monitoring_rules

        return monitoring_rules.can(user, action, obj)
    if action.value.startswith("request."):
        from openimi.access import requests as request_rules

        return request_rules.can(user, action, obj)
    return False


def require(user: User | None, action: Action, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied("You may not do this.")


def requests_visible_to(user: User | None) -> QuerySet[InformationRequest]:
    """Every information request ``user`` may see, as one query (rules: access/requests.py).

    Selectors start from this; nothing else reads ``InformationRequest.objects`` for a user.
    """
    from openimi.access import requests as request_rules

    return request_rules.requests_visible_to(user)


def sees_own_authority_only(user: User | None) -> bool:
    """Whether every request the user may see involves the user's own authority (not so for a
    coordinator's users)."""
    from openimi.access import requests as request_rules

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
    from openimi.access import requests as request_rules

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
        area_id
        for role, area_id in user._policy_grants
        if role == Role.SUPERVISOR and area_id is not None
    )


def _data_subject_party(user: User, info_request: InformationRequest | None) -> bool:
    """A local data administrator of an authority that is party to the request: the requesting
    one, or the responding one once the request reached it."""
    from openimi.access import requests as request_rules

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

    from openimi.access import requests as request_rules
    from openimi.exchange.models import InformationRequest

    requests = InformationRequest.objects.all()
    if not _is_active(user) or not is_local_data_administrator(user, user.authority):
        return requests.none()
    authority_id = user.authority_id
    return requests.filter(
        Q(requesting_authority_id=authority_id)
        | (Q(responding_authority_id=authority_id) & request_rules._reached_q())
    )
