"""The permission rules for information requests; part of the policy (``policy.py`` imports it).

Like the rest of the policy this is the only code that reads roles and authority flags for
requests: services ask ``require``, selectors ask ``requests_visible_to``, and the outbox asks
who is to be told (``request_handlers_of``, ``allocators_of``, ``responding_actors``...).
The facts about one request these rules read (preferences, allocations, the read-ahead) are in
``access/request_facts.py``, re-exported here.

Who is who, for one request in one legislative area:

- the **requesting side**: the users of the requesting authority. Its *request handlers* for
  the area act (edit, send, withdraw, provide information, accept the answer, follow up);
  its allocators and supervisors read with personal data; every other user reads the overview
  and the questions and answers, never personal data or documents. A draft is seen only by
  the area's handlers and supervisors.
- the **responding side**: the users of the responding authority, once the request reached it
  (``sent_at`` is set and the request is no longer a draft or awaiting approval). Its request
  handlers act (accept, forward, reject, ask for information, answer); when the authority
  works with allocation, only the handlers allocated to the request. Allocators allocate.
  Reading as on the requesting side.
- the **supervising coordinators**: the users of the coordinator set as supervising coordinator
  in the preferences of either authority for the area. They see the overview (never personal
  data or documents); the questions and answers only where that authority lets its coordinator
  view details, or while an approval waits for them, and that free text with the personal
  data masked (``REQUEST_READ_AS_TYPED`` is the parties'). Their request handlers approve or return
  what awaits their approval and write in the mediation thread they were referred.
- supervisors read every request of their authority in their area and act on none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from django.db.models import Exists, OuterRef, Q, QuerySet

from openimi.access.actions import Action

# The facts the rules read (access/request_facts.py), re-exported: callers ask them as
# ``rules.<fact>`` next to the rules.
from openimi.access.request_facts import (  # noqa: F401
    REQUESTING,
    RESPONDING,
    answer_needs_approval,
    authorities_receiving_requests,
    can_receive_requests,
    copy_facts,
    is_allocated,
    load_facts,
    may_accept,
    may_reject,
    outgoing_needs_approval,
    preferences,
    reached_responder,
    read_ahead_allocations,
    supervising_coordinator_id,
    uses_allocation,
)
from openimi.access.roles import grants, has_role

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.exchange.models import Attachment, InformationRequest


# Actions the requesting side's request handlers take.
_REQUESTER_ACTIONS = frozenset(
    {
        Action.REQUEST_EDIT_DRAFT,
        Action.REQUEST_SEND,
        Action.REQUEST_WITHDRAW,
        Action.REQUEST_PROVIDE_INFO,
        Action.REQUEST_ACCEPT_ANSWER,
        Action.REQUEST_ASK_FOLLOW_UP,
    }
)
# Actions the responding side's (allocated) request handlers take.
_RESPONDER_ACTIONS = frozenset(
    {Action.REQUEST_FORWARD, Action.REQUEST_REQUEST_INFO, Action.REQUEST_ANSWER}
)

REQUEST_ACTIONS = frozenset(
    {
        Action.REQUEST_LIST,
        Action.REQUEST_COORDINATOR_OVERVIEW,
        Action.REQUEST_CREATE,
        Action.REQUEST_VIEW,
        Action.REQUEST_VIEW_DETAILS,
        Action.REQUEST_VIEW_PERSONAL_DATA,
        Action.REQUEST_READ_AS_TYPED,
        Action.REQUEST_DOWNLOAD_ATTACHMENT,
        Action.REQUEST_APPROVE,
        Action.REQUEST_RETURN,
        Action.REQUEST_ACCEPT,
        Action.REQUEST_REJECT,
        Action.REQUEST_ALLOCATE,
        Action.REQUEST_TAKE,
        Action.REQUEST_REFER_TO_COORDINATOR,
        Action.REQUEST_VIEW_MEDIATION,
        Action.REQUEST_MEDIATE,
        Action.REQUEST_END_MEDIATION,
        *_REQUESTER_ACTIONS,
        *_RESPONDER_ACTIONS,
    }
)


def _roles() -> Any:
    from openimi.accounts.models import Role

    return Role


# --- Who the user is for this request ------------------------------------------------------


def _active(user: User | None) -> TypeGuard[User]:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _area_role(user: User, role: str, info_request: InformationRequest) -> bool:
    return has_role(user, role, area_id=info_request.area_id)


def is_request_handler(user: User, authority_id: int | None, area_id: int) -> bool:
    """Whether ``user`` is a request handler of that authority for that area."""
    return (
        _active(user)
        and authority_id is not None
        and user.authority_id == authority_id
        and has_role(user, _roles().REQUEST_HANDLER, area_id=area_id)
    )


def _requesting_member(user: User, info_request: InformationRequest) -> bool:
    return user.authority_id is not None and user.authority_id == (
        info_request.requesting_authority_id
    )


def _responding_member(user: User, info_request: InformationRequest) -> bool:
    return (
        user.authority_id is not None
        and user.authority_id == info_request.responding_authority_id
        and reached_responder(info_request)
    )


def is_requester(user: User, info_request: InformationRequest) -> bool:
    """A request handler of the requesting authority for the area: acts for the requester."""
    return _requesting_member(user, info_request) and _area_role(
        user, _roles().REQUEST_HANDLER, info_request
    )


def is_responder(user: User, info_request: InformationRequest) -> bool:
    """A request handler of the responding authority who may act on this request now."""
    if not (
        _responding_member(user, info_request)
        and _area_role(user, _roles().REQUEST_HANDLER, info_request)
    ):
        return False
    return not uses_allocation(info_request) or is_allocated(user, info_request)


def _is_responding_allocator(user: User, info_request: InformationRequest) -> bool:
    return (
        _responding_member(user, info_request)
        and _area_role(user, _roles().ALLOCATOR, info_request)
        and uses_allocation(info_request)
    )


def coordinator_sides(user: User, info_request: InformationRequest) -> set[str]:
    """The sides whose supervising coordinator the user works for (and may see by now)."""
    from openimi.exchange.workflow import State

    sides: set[str] = set()
    if user.authority_id is None:
        return sides
    if info_request.status != State.DRAFT and (
        supervising_coordinator_id(info_request, REQUESTING) == user.authority_id
    ):
        sides.add(REQUESTING)
    if reached_responder(info_request) and (
        supervising_coordinator_id(info_request, RESPONDING) == user.authority_id
    ):
        sides.add(RESPONDING)
    return sides


def _approval_side(info_request: InformationRequest) -> str | None:
    """The side whose coordinator must approve now, if any."""
    from openimi.exchange.workflow import State

    if info_request.status == State.AWAITING_APPROVAL:
        return REQUESTING
    if info_request.status == State.ANSWER_AWAITING_APPROVAL:
        return RESPONDING
    return None


def _is_approver(user: User, info_request: InformationRequest) -> bool:
    side = _approval_side(info_request)
    return (
        side is not None
        and side in coordinator_sides(user, info_request)
        and _area_role(user, _roles().REQUEST_HANDLER, info_request)
    )


def sides_of(user: User, info_request: InformationRequest) -> set[str]:
    """The sides whose internal events and notes the user may read (members and coordinators)."""
    sides: set[str] = set()
    if _requesting_member(user, info_request):
        sides.add(REQUESTING)
    if _responding_member(user, info_request):
        sides.add(RESPONDING)
    return sides | coordinator_sides(user, info_request)


def _can_view(user: User, info_request: InformationRequest) -> bool:
    from openimi.exchange.workflow import State

    roles = _roles()
    if _requesting_member(user, info_request):
        if info_request.status != State.DRAFT:
            return True
        return _area_role(user, roles.REQUEST_HANDLER, info_request) or _area_role(
            user, roles.SUPERVISOR, info_request
        )
    return _responding_member(user, info_request) or bool(coordinator_sides(user, info_request))


def _can_view_details(user: User, info_request: InformationRequest) -> bool:
    if not _can_view(user, info_request):
        return False
    if _requesting_member(user, info_request) or _responding_member(user, info_request):
        return True
    # A coordinator sees what waits for its approval.
    if _approval_side(info_request) in coordinator_sides(user, info_request):
        return True
    return any(
        (prefs := preferences(info_request, side)) is not None
        and prefs.coordinator_may_view_details
        for side in coordinator_sides(user, info_request)
    )


def _can_view_personal_data(user: User, info_request: InformationRequest) -> bool:
    if not _can_view(user, info_request):
        return False
    roles = _roles()
    readers = (roles.ALLOCATOR, roles.SUPERVISOR)  # besides the handlers who act
    if _requesting_member(user, info_request):
        return any(
            _area_role(user, role, info_request) for role in (roles.REQUEST_HANDLER, *readers)
        )
    if _responding_member(user, info_request):
        # The readers' roles first: they need no query, where ``is_responder`` may read the
        # area preferences and the allocations.
        return any(_area_role(user, role, info_request) for role in readers) or is_responder(
            user, info_request
        )
    return False  # coordinators, other authorities: never


def _can_download(user: User, attachment: Attachment) -> bool:
    from openimi.exchange.models import Side

    info_request = attachment.info_request
    if not _can_view_personal_data(user, info_request):
        return False
    own_side = Side.REQUESTING if _requesting_member(user, info_request) else Side.RESPONDING
    return attachment.side == own_side or attachment.released_at is not None


def _can_mediate(user: User, info_request: InformationRequest) -> bool:
    """Write in the mediation thread: the mediating coordinator's handlers and the parties',
    while the request is open (a request that ended before its mediation did takes none)."""
    if not info_request.referred_to_coordinator or info_request.is_final:
        return False
    if is_requester(user, info_request) or is_responder(user, info_request):
        return True
    # The mediating coordinator is the supervising coordinator of the side that referred.
    return user.authority_id == info_request.mediating_coordinator_id and _area_role(
        user, _roles().REQUEST_HANDLER, info_request
    )


def _rejects_for_country(user: User, info_request: InformationRequest) -> bool:
    """The coordinator to whom the responding side referred the request rejects it on behalf
    of its country (seed 6.3: normally only the coordinator may): its request handlers, while
    the request is in its mediation."""
    return (
        info_request.referred_to_coordinator
        and user.authority_id is not None
        and user.authority_id == info_request.mediating_coordinator_id
        and reached_responder(info_request)
        and supervising_coordinator_id(info_request, RESPONDING) == user.authority_id
        and _area_role(user, _roles().REQUEST_HANDLER, info_request)
    )


def _can_view_mediation(user: User, info_request: InformationRequest) -> bool:
    if info_request.mediating_coordinator_id is None:
        return False
    if _can_mediate(user, info_request):
        return True
    roles = _roles()
    if user.authority_id == info_request.mediating_coordinator_id:
        return bool(coordinator_sides(user, info_request))
    return (
        _requesting_member(user, info_request) or _responding_member(user, info_request)
    ) and _area_role(user, roles.SUPERVISOR, info_request)


def can(user: User, action: Action, obj: Any) -> bool:
    """The request rules of ``policy.can``; ``user`` is known to be active."""
    roles = _roles()
    if action is Action.REQUEST_LIST:
        return user.authority_id is not None
    if action is Action.REQUEST_COORDINATOR_OVERVIEW:
        return user.authority is not None and user.authority.is_coordinator
    if action is Action.REQUEST_CREATE:
        if user.authority_id is None:
            return False
        if obj is None:
            return has_role(user, roles.REQUEST_HANDLER)
        return has_role(user, roles.REQUEST_HANDLER, area_id=obj.pk)
    if obj is None:
        return False
    if action is Action.REQUEST_DOWNLOAD_ATTACHMENT:
        return _can_download(user, obj)
    info_request: InformationRequest = obj
    match action:
        case Action.REQUEST_VIEW:
            return _can_view(user, info_request)
        case Action.REQUEST_VIEW_DETAILS:
            return _can_view_details(user, info_request)
        case Action.REQUEST_VIEW_PERSONAL_DATA:
            return _can_view_personal_data(user, info_request)
        case Action.REQUEST_READ_AS_TYPED:
            # The parties' users, who typed it or received it; a coordinator's users read it
            # with the request's personal data masked, whatever their roles.
            return _can_view(user, info_request) and (
                _requesting_member(user, info_request) or _responding_member(user, info_request)
            )
        case Action.REQUEST_APPROVE | Action.REQUEST_RETURN:
            return _is_approver(user, info_request)
        case Action.REQUEST_ACCEPT:
            return is_responder(user, info_request) and may_accept(info_request)
        case Action.REQUEST_REJECT:
            return (
                is_responder(user, info_request) and may_reject(info_request)
            ) or _rejects_for_country(user, info_request)
        case Action.REQUEST_ALLOCATE:
            return _is_responding_allocator(user, info_request)
        case Action.REQUEST_TAKE:  # without allocation every handler acts: one says "mine"
            return is_responder(user, info_request) and not uses_allocation(info_request)
        case Action.REQUEST_REFER_TO_COORDINATOR:
            return is_requester(user, info_request) or is_responder(user, info_request)
        case Action.REQUEST_VIEW_MEDIATION:
            return _can_view_mediation(user, info_request)
        case Action.REQUEST_MEDIATE:
            return _can_mediate(user, info_request)
        case Action.REQUEST_END_MEDIATION:
            return (
                info_request.referred_to_coordinator
                and user.authority_id == info_request.mediating_coordinator_id
                and _area_role(user, roles.REQUEST_HANDLER, info_request)
            )
    if action in _REQUESTER_ACTIONS:
        return is_requester(user, info_request)
    if action in _RESPONDER_ACTIONS:
        return is_responder(user, info_request)
    return False


# --- Lists ---------------------------------------------------------------------------------


def requests_visible_to(user: User | None) -> QuerySet[InformationRequest]:
    """Every request ``user`` may see (``Action.REQUEST_VIEW``), as one query.

    The rules are ``_can_view``'s, written as a filter; a test keeps the two in step.
    """
    from openimi.exchange.models import InformationRequest
    from openimi.exchange.workflow import State

    requests = InformationRequest.objects.all()
    if not _active(user) or user.authority_id is None:
        return requests.none()
    roles = _roles()
    authority_id = user.authority_id
    draft_areas = [
        area for role, area in grants(user) if role in (roles.REQUEST_HANDLER, roles.SUPERVISOR)
    ]
    visible = (
        (Q(requesting_authority_id=authority_id) & ~Q(status=State.DRAFT))
        | Q(requesting_authority_id=authority_id, status=State.DRAFT, area_id__in=draft_areas)
        | (Q(responding_authority_id=authority_id) & _reached_q())
    )
    if user.authority is not None and user.authority.is_coordinator:
        visible |= _supervised_q(authority_id)
    return requests.filter(visible)


def visible_by_key(user: User | None, info_request: InformationRequest) -> bool:
    """``Action.REQUEST_VIEW`` for a request read by its key alone, for a user who sees their
    own authority's requests only (``sees_own_authority_only``): such a request is theirs to
    see only if their authority is a party, and then ``_can_view`` needs no query. The same
    answer as ``requests_visible_to``'s filter without building and compiling it (a test keeps
    the two in step). False for everyone else (a coordinator's users see more: ask the filter).
    """
    party = user is not None and user.authority_id in (
        info_request.requesting_authority_id,
        info_request.responding_authority_id,
    )
    return party and sees_own_authority_only(user) and _can_view(user, info_request)


def sees_own_authority_only(user: User | None) -> TypeGuard[User]:
    """Whether every request ``user`` may see has the user's authority as a party: so for
    everyone but the users of a coordinator, who also see the requests of the authorities it
    supervises (``requests_visible_to``)."""
    return _active(user) and user.authority is not None and not user.authority.is_coordinator


def requests_received_by(user: User | None) -> QuerySet[InformationRequest]:
    """The requests ``user`` may see that were sent to its authority (the incoming list).

    The same set as ``requests_visible_to`` limited to sent requests with the user's
    authority responding, written as the one case that applies there: a sent request never
    returns to a state before the responder, so the other cases add nothing (a test keeps the
    two in step). Without the ``OR`` PostgreSQL counts and pages from the authority's index
    (bench/RESULTS.md: the incoming list's count 12 → 0.4 ms at scale L).
    """
    from openimi.exchange.models import InformationRequest

    requests = InformationRequest.objects.all()
    if not _active(user) or user.authority_id is None:
        return requests.none()
    return requests.filter(Q(responding_authority_id=user.authority_id) & _reached_q())


def requests_supervised_by(user: User | None) -> QuerySet[InformationRequest]:
    """The requests ``user`` sees because its authority is the supervising coordinator of one
    of the two authorities for the area (a coordinator's overview)."""
    visible = requests_visible_to(user)
    if not _active(user) or user.authority is None or not user.authority.is_coordinator:
        return visible.none()
    return visible.filter(_supervised_q(user.authority.pk))


def _reached_q() -> Q:
    from openimi.exchange.workflow import BEFORE_RESPONDER

    return Q(sent_at__isnull=False) & ~Q(status__in=list(BEFORE_RESPONDER))


def _supervised_q(coordinator_id: int) -> Q:
    """``coordinator_sides`` as a filter: the requesting side once sent (or awaiting
    approval), the responding side once the request reached it."""
    from openimi.authorities.models import AreaPreferences
    from openimi.exchange.workflow import State

    def supervised(side_field: str) -> Exists:
        return Exists(
            AreaPreferences.objects.filter(
                authority_id=OuterRef(side_field),
                area_id=OuterRef("area_id"),
                supervising_coordinator_id=coordinator_id,
            )
        )

    return (supervised("requesting_authority_id") & ~Q(status=State.DRAFT)) | (
        supervised("responding_authority_id") & _reached_q()
    )


def request_handlers_of(authority_id: int | None, area_id: int) -> QuerySet[User]:
    """The active request handlers of an authority for an area."""
    return _users_with_role(authority_id, _roles().REQUEST_HANDLER, area_id)


def allocators_of(authority_id: int | None, area_id: int) -> QuerySet[User]:
    """The active allocators of an authority for an area."""
    return _users_with_role(authority_id, _roles().ALLOCATOR, area_id)


def responding_actors(info_request: InformationRequest) -> QuerySet[User]:
    """Who acts for the responding authority: the allocated handlers, or every handler."""
    handlers = request_handlers_of(info_request.responding_authority_id, info_request.area_id)
    if uses_allocation(info_request):
        return handlers.filter(
            request_allocations__info_request=info_request,
            request_allocations__is_active=True,
        )
    return handlers


def _users_with_role(authority_id: int | None, role: str, area_id: int) -> QuerySet[User]:
    from openimi.accounts.models import User

    if authority_id is None:  # a draft without a responder yet: nobody acts for it
        return User.objects.none()
    return (
        User.objects.filter(
            authority_id=authority_id,
            is_active=True,
            role_grants__role=role,
            role_grants__area_id=area_id,
        )
        .exclude(status=User.Status.INACTIVE)
        .distinct()
        .order_by("pk")
    )
