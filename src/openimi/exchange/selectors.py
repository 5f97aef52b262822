"""Reads of information requests, always scoped by the policy (``requests_visible_to``).

Pages and the API read through these and never touch ``InformationRequest.objects``. What a
selector returns is what the user may see: answers not yet sent are left out for the
requesting side, documents for whoever may not see personal data, notes for whoever may not
see details. Personal data itself is read only through ``services.personal_data_view``
(recorded); nothing here shows it. The free texts (justification, answers, notes, mediation)
reach a reader who may not read them as typed (``Action.REQUEST_READ_AS_TYPED``: a
coordinator's users) with the request's personal data masked (``free_text_masker``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from openimi.access import policy
from openimi.access import requests as rules
from openimi.access.policy import Action
from openimi.authorities.models import Authority, AuthorityTranslation
from openimi.common.i18n import current_language
from openimi.deadlines.selectors import (
    ACCEPTANCE_STATES,
    REPLY_STATES,
    overdue_q,
    with_overdue,
)
from openimi.exchange.models import (
    Allocation,
    Answer,
    Attachment,
    InformationRequest,
    MediationMessage,
    Question,
    QuestionSet,
    RequestEvent,
    RequestQuestion,
    Side,
)
from openimi.exchange.workflow import (
    BEFORE_RESPONDER,
    OPEN_STATES,
    WITH_RESPONDER,
    State,
    Transition,
    transitions_from,
)
from openimi.privacy import masking

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.authorities.models import LegislativeArea

INCOMING = "incoming"
OUTGOING = "outgoing"

# The action a page declares (and the policy checks) for each transition.
TRANSITION_ACTIONS: dict[Transition, Action] = {
    Transition.EDIT_DRAFT: Action.REQUEST_EDIT_DRAFT,
    Transition.SEND: Action.REQUEST_SEND,
    Transition.SEND_FOR_APPROVAL: Action.REQUEST_SEND,
    Transition.APPROVE: Action.REQUEST_APPROVE,
    Transition.RETURN: Action.REQUEST_RETURN,
    Transition.ACCEPT: Action.REQUEST_ACCEPT,
    Transition.FORWARD: Action.REQUEST_FORWARD,
    Transition.REJECT: Action.REQUEST_REJECT,
    Transition.ALLOCATE: Action.REQUEST_ALLOCATE,
    Transition.REQUEST_INFO: Action.REQUEST_REQUEST_INFO,
    Transition.PROVIDE_INFO: Action.REQUEST_PROVIDE_INFO,
    Transition.EDIT_ANSWER: Action.REQUEST_ANSWER,
    Transition.ANSWER: Action.REQUEST_ANSWER,
    Transition.ANSWER_FOR_APPROVAL: Action.REQUEST_ANSWER,
    Transition.ACCEPT_ANSWER: Action.REQUEST_ACCEPT_ANSWER,
    Transition.ASK_FOLLOW_UP: Action.REQUEST_ASK_FOLLOW_UP,
    Transition.WITHDRAW: Action.REQUEST_WITHDRAW,
    Transition.REFER_TO_COORDINATOR: Action.REQUEST_REFER_TO_COORDINATOR,
    Transition.END_MEDIATION: Action.REQUEST_END_MEDIATION,
}

# What a list row shows; everything else (the justification, personal data) stays unloaded.
_LIST_FIELDS = (
    "pk",
    "status",
    "is_practice",
    "reply_by",
    "acceptance_deadline",
    "sent_at",
    "created_at",
    "updated_at",
    "closed_at",
    "referred_to_coordinator",
    "requesting_authority",
    "responding_authority",
    "area",
    "question_set",
    "requesting_user",
    "mediating_coordinator",
)


@dataclass(frozen=True)
class RequestFilters:
    """What the list of requests can be narrowed to (every field optional)."""

    direction: str | None = None  # INCOMING or OUTGOING, seen from the user's authority
    statuses: tuple[str, ...] = ()
    area_id: int | None = None
    question_set_id: int | None = None
    is_practice: bool | None = None
    referred: bool | None = None
    reply_by_before: dt.date | None = None
    overdue: bool = False  # a deadline passed, as ``deadlines.selectors.overdue_q`` says
    number: int | None = None
    allocated_to_me: bool = False


def request_list(
    *, user: User, filters: RequestFilters | None = None, authority_details: bool = True
) -> QuerySet[InformationRequest]:
    """The requests the user may see, newest first, with what a list row shows.

    The cost is constant in the number of rows: one query for the page (the two authorities
    and the retention state joined), one each for the countries of both sides, the areas and
    the question sets, and two for the authorities' titles in the reader's language. The
    incoming list starts from the requests received (``policy.requests_received_by``). Slice
    it for a page. ``authority_details=False``: without the authorities' countries and titles,
    which ``authority_details_load`` then reads for the page's rows in one query each instead
    of one per side (a page that reads its rows itself).
    """
    filters = filters or RequestFilters()
    requests = (
        policy.requests_received_by(user)
        if filters.direction == INCOMING
        else policy.requests_visible_to(user)
    )
    return _filtered(requests, user, filters, authority_details=authority_details)


def newest_open_request_list(*, user: User, limit: int) -> list[InformationRequest]:
    """The user's open requests in ``request_list``'s order (not yet sent first, then the
    newest sent), at most ``limit``, in at most three queries whatever their number.

    Two short reads find them and a third reads their rows: the open requests not yet sent
    are those awaiting approval (few, from the status index), and the newest sent ones come
    from the newest-first index after its unsent part. Asked in one go, PostgreSQL walked
    through every unsent request of all authorities first (bench/RESULTS.md: the home page
    at scale L, 9.9 ms → 1 ms). The ids come through the visibility filter, so the rows are
    read by their keys alone (building and compiling that filter twice more cost 3 of this
    function's 20 ms of CPU at bench scale L).

    A coordinator's users see every request of the authorities it supervises; of those only
    what may wait for them counts (``_coordinator_work_q``), or the newest requests it merely
    supervises would push its referrals and approvals off the home page.
    """
    # One status test per read: two on the same column make PostgreSQL multiply their
    # selectivities, expect a tenth of the rows and read them all instead of the newest.
    ids = request_list(user=user).prefetch_related(None).values_list("pk", flat=True)
    if user.authority_id is not None and not rules.sees_own_authority_only(user):
        ids = ids.filter(_coordinator_work_q(user.authority_id))
    found = list(ids.filter(status__in=[str(s) for s in OPEN_STATES & BEFORE_RESPONDER])[:limit])
    if len(found) < limit:
        # A request reaches the responder when it is sent: these states always have sent_at.
        found += ids.filter(status__in=[str(s) for s in WITH_RESPONDER], sent_at__isnull=False)[
            : limit - len(found)
        ]
    if not found:
        return []
    rows = list(
        _filtered(
            InformationRequest.objects.filter(pk__in=found),
            user,
            RequestFilters(),
            authority_details=False,
        )
    )
    authority_details_load(rows)
    return rows


def _coordinator_work_q(authority_id: int) -> Q:
    """The requests that may wait for a coordinator (the policy decides for each): those its
    authority is a party to (forwarded to it, or its own), those awaiting an approval, and
    those referred to it for mediation."""
    return (
        Q(requesting_authority_id=authority_id)
        | Q(responding_authority_id=authority_id)
        | Q(status__in=[State.AWAITING_APPROVAL, State.ANSWER_AWAITING_APPROVAL])
        | Q(referred_to_coordinator=True, mediating_coordinator_id=authority_id)
    )


def practice_request_sent(*, user: User) -> bool:
    """Whether the user's authority sent a practice request the user may see (the onboarding
    checklist): one query, without what ``request_list`` prepares for showing rows."""
    return (
        policy.requests_visible_to(user)
        .filter(requesting_authority_id=user.authority_id, is_practice=True, sent_at__isnull=False)
        .exists()
    )


def coordinator_request_list(
    *, user: User, filters: RequestFilters | None = None, authority_details: bool = True
) -> QuerySet[InformationRequest]:
    """The requests of the authorities the user's coordinator supervises, as an overview:
    never personal data, documents or free text (not even the justification).
    ``authority_details`` as for ``request_list``."""
    supervised = rules.requests_supervised_by(user)
    return _filtered(
        supervised, user, filters or RequestFilters(), authority_details=authority_details
    )


def request_get(
    *, user: User, pk: int, read_ahead: bool = False, relations: bool = True
) -> InformationRequest:
    """One request the user may see; ``InformationRequest.DoesNotExist`` when it does not
    exist or is not the user's to see (views answer 404 alike). ``read_ahead``: for a page
    that checks many actions on it, read at once what the policy's rules need (two queries
    instead of one per check). ``relations=False``: the row alone (one query), enough for
    the policy to decide whether the user may see it; a page that goes on to show it reads it
    again with ``request_relations_load``.

    A user who sees their own authority's requests only gets the row by its key, and the
    policy's rule for one request decides (``access.requests.visible_by_key``): the visibility
    filter, with its ``OR`` of cases and the user's grants, is not built and compiled."""
    by_key = rules.sees_own_authority_only(user)
    requests = InformationRequest.objects.all() if by_key else policy.requests_visible_to(user)
    info_request = (_with_relations(requests) if relations else requests).get(pk=pk)
    if by_key and not rules.visible_by_key(user, info_request):
        raise InformationRequest.DoesNotExist("Not visible to this user.")
    if read_ahead:
        rules.load_facts([info_request])
    return info_request


def request_relations_load(
    info_request: InformationRequest, *, read_ahead: bool = False
) -> InformationRequest:
    """``info_request``, which ``request_get(..., relations=False)`` gave (the policy admitted
    the user to it), read again with its relations as ``request_get`` reads them; ``read_ahead``
    as there. By its key alone: the visibility filter is not built and compiled a second time
    (about 2,400 of the 67,000 Python calls of a first read of the request page at bench scale
    L)."""
    info_request = _with_relations(InformationRequest.objects.all(), authority_details=False).get(
        pk=info_request.pk
    )
    authority_details_load([info_request])
    if read_ahead:
        rules.load_facts([info_request])
    return info_request


def request_available_transitions(
    *,
    user: User,
    info_request: InformationRequest,
    among: Collection[Transition] | None = None,
) -> list[Transition]:
    """The transitions the user can take on the request now (buttons to show); with
    ``among``, only those of them are checked (a page that shows only some)."""
    available = []
    for transition in transitions_from(info_request.status):
        if among is not None and transition not in among:
            continue
        if transition in (Transition.SEND, Transition.SEND_FOR_APPROVAL):
            wanted = (
                Transition.SEND_FOR_APPROVAL
                if rules.outgoing_needs_approval(info_request)
                else Transition.SEND
            )
            if transition != wanted:
                continue
        if transition in (Transition.ANSWER, Transition.ANSWER_FOR_APPROVAL):
            wanted = (
                Transition.ANSWER_FOR_APPROVAL
                if rules.answer_needs_approval(info_request)
                else Transition.ANSWER
            )
            if transition != wanted:
                continue
        if transition == Transition.REFER_TO_COORDINATOR and info_request.referred_to_coordinator:
            continue
        if transition == Transition.END_MEDIATION and not info_request.referred_to_coordinator:
            continue
        if policy.can(user, TRANSITION_ACTIONS[transition], info_request):
            available.append(transition)
    return available


@dataclass(frozen=True)
class RejectThroughCoordinator:
    """The responding authority may not reject: its supervising coordinator (``None`` when
    none is registered) rejects on behalf of the country once the request is forwarded to it."""

    coordinator_id: int | None


def request_reject_through_coordinator(
    *, info_request: InformationRequest, available: Collection[Transition]
) -> RejectThroughCoordinator | None:
    """Where the user acts for the responding authority on a request that could be rejected
    now, but the authority may not reject (``may_reject``, which its coordinator sets; seed
    6.3: normally only the coordinator rejects on behalf of its country): where to forward it
    instead. ``None`` where this does not apply. ``available`` is what
    ``request_available_transitions`` gave for the user (no query: the preferences are the
    policy's facts already read)."""
    if (
        Transition.REJECT not in transitions_from(info_request.status)
        or Transition.REJECT in available
        or Transition.FORWARD not in available
    ):
        return None
    return RejectThroughCoordinator(
        rules.supervising_coordinator_id(info_request, rules.RESPONDING)
    )


def requests_available_transitions(
    *,
    user: User,
    info_requests: list[InformationRequest],
    among: Collection[Transition] | None = None,
) -> dict[int, list[Transition]]:
    """``request_available_transitions`` for many requests (a page of a list) at a constant
    cost: the policy reads what its rules need for all of them at once (``load_facts``)."""
    rules.load_facts(info_requests)
    return {
        info_request.pk: request_available_transitions(
            user=user, info_request=info_request, among=among
        )
        for info_request in info_requests
    }


@dataclass
class AskedQuestion:
    """One asked question with what the user may see of its answer."""

    request_question: RequestQuestion
    question: Question
    answer: Answer | None
    attachments: list[Attachment] = field(default_factory=list)


def request_question_list(*, user: User, info_request: InformationRequest) -> list[AskedQuestion]:
    """The asked questions in order, with the answers the user may see. Needs
    ``REQUEST_VIEW_DETAILS``; documents only with ``REQUEST_VIEW_PERSONAL_DATA``."""
    policy.require(user, Action.REQUEST_VIEW_DETAILS, info_request)
    # The responding side (and its coordinator, who may have to approve them) sees answers
    # being written; the requesting side only what was sent.
    own_answers = rules.RESPONDING in rules.sides_of(user, info_request)
    with_documents = policy.can(user, Action.REQUEST_VIEW_PERSONAL_DATA, info_request)
    asked = (
        RequestQuestion.objects.filter(info_request=info_request)
        .select_related("question", "answer__standard_answer")
        .prefetch_related("question__standard_answers")
        .order_by("position", "pk")
    )
    documents: dict[int, list[Attachment]] = {}
    if with_documents:
        for attachment in _visible_attachment_list(user, info_request):
            if attachment.request_question_id is not None:
                documents.setdefault(attachment.request_question_id, []).append(attachment)
    masker = free_text_masker(user=user, info_request=info_request)
    result = []
    for request_question in asked:
        answer = getattr(request_question, "answer", None)
        if answer is not None and not own_answers and answer.sent_at is None:
            answer = None
        if answer is not None and answer.free_text:
            answer.free_text = masker.mask(answer.free_text)  # read-only instance
        result.append(
            AskedQuestion(
                request_question=request_question,
                question=request_question.question,
                answer=answer,
                attachments=documents.get(request_question.pk, []),
            )
        )
    return result


def request_attachment_list(*, user: User, info_request: InformationRequest) -> list[Attachment]:
    """The documents of the request itself (not of a question) the user may download."""
    if not policy.can(user, Action.REQUEST_VIEW_PERSONAL_DATA, info_request):
        return []
    return [
        attachment
        for attachment in _visible_attachment_list(user, info_request)
        if attachment.request_question_id is None
    ]


@dataclass
class TimelineEntry:
    event: RequestEvent
    note: str | None
    note_language: str | None


def timeline_entry_list(*, user: User, info_request: InformationRequest) -> list[TimelineEntry]:
    """The request's history as the user may see it: the events for both sides and for the
    user's own side; the notes only with ``REQUEST_VIEW_DETAILS``. Audit entries never."""
    policy.require(user, Action.REQUEST_VIEW, info_request)
    audiences = [RequestEvent.Audience.ALL, *rules.sides_of(user, info_request)]
    with_notes = policy.can(user, Action.REQUEST_VIEW_DETAILS, info_request)
    entries = info_request.events.filter(audience__in=audiences).select_related(
        "actor", "actor_authority", "api_token"
    )
    if with_notes:
        entries = entries.select_related("message")
    masker = free_text_masker(user=user, info_request=info_request) if with_notes else None
    result = []
    for event in entries.order_by("created_at", "pk"):
        message = getattr(event, "message", None) if with_notes else None
        result.append(
            TimelineEntry(
                event=event,
                note=masker.mask(message.text) if message and masker else None,
                note_language=message.language if message else None,
            )
        )
    return result


def mediation_message_list(
    *, user: User, info_request: InformationRequest
) -> list[MediationMessage]:
    """The mediation thread, for the mediating coordinator and the parties."""
    policy.require(user, Action.REQUEST_VIEW_MEDIATION, info_request)
    messages = list(
        info_request.mediation_messages.select_related("author", "author_authority").order_by(
            "created_at", "pk"
        )
    )
    masker = free_text_masker(user=user, info_request=info_request)
    for message in messages:
        message.text = masker.mask(message.text) or ""  # read-only instances
    return messages


def request_justification(*, user: User, info_request: InformationRequest) -> str | None:
    """The justification as the user may read it: ``None`` without ``REQUEST_VIEW_DETAILS``,
    masked for a reader who may not read it as typed."""
    if not policy.can(user, Action.REQUEST_VIEW_DETAILS, info_request):
        return None
    masker = free_text_masker(user=user, info_request=info_request)
    return masker.mask(info_request.justification)


def free_text_masker(*, user: User, info_request: InformationRequest) -> masking.Masker:
    """What the request's free texts pass through for ``user``: as typed for the parties'
    users; for a coordinator's users, the masker of the request's personal data (read once
    per instance, only to look for it: nothing of it is shown, so nothing is recorded)."""
    if policy.can(user, Action.REQUEST_READ_AS_TYPED, info_request):
        return masking.AS_TYPED
    return masking.masker_for(info_request)


def request_allocation_list(*, user: User, info_request: InformationRequest) -> list[Allocation]:
    """The handlers the request is allocated to now (for the responding authority's users)."""
    policy.require(user, Action.REQUEST_VIEW, info_request)
    if user.authority_id != info_request.responding_authority_id:
        return []
    if rules.read_ahead_allocations(info_request) == frozenset():
        return []  # none, as the policy's facts read ahead say (``load_facts``)
    return list(info_request.allocations.filter(is_active=True).select_related("handler"))


def allocation_candidate_list(*, user: User, info_request: InformationRequest) -> QuerySet:
    """The request handlers an allocator can allocate the request to, by name."""
    policy.require(user, Action.REQUEST_ALLOCATE, info_request)
    return allocatable_handler_list(info_request=info_request).order_by(
        "last_name", "first_name", "pk"
    )


def allocatable_handler_list(*, info_request: InformationRequest) -> QuerySet:
    """The responding authority's request handlers for the area who can act on a request now:
    active (logged in at least once, not deleted) and not locked out. A pending user cannot
    log in yet, and a locked one not for a while: a request given to them would wait."""
    from openimi.accounts.models import User as UserModel
    from openimi.accounts.selectors import locked_usernames

    return (
        rules.request_handlers_of(info_request.responding_authority_id, info_request.area_id)
        .filter(status=UserModel.Status.ACTIVE)
        .exclude(username__in=locked_usernames())
    )


def awaits_allocation(info_request: InformationRequest) -> bool:
    """Whether no handler is allocated to the request now (the allocator's queue). Reads
    what ``requests_available_transitions`` read ahead, else asks."""
    allocated = rules.read_ahead_allocations(info_request)
    if allocated is not None:
        return not allocated
    return not info_request.allocations.filter(is_active=True).exists()


def handlers_load(*, user: User, info_requests: list[InformationRequest]) -> None:
    """Set ``handled_by`` (the handlers allocated now, or who took it) on the rows of a page
    of the user's incoming requests, in one query; other rows get an empty list."""
    own = [ir for ir in info_requests if ir.responding_authority_id == user.authority_id]
    for info_request in info_requests:
        info_request.handled_by = []  # type: ignore[attr-defined]  # read by the list page
    if not own:
        return
    by_pk = {info_request.pk: info_request for info_request in own}
    for allocation in (
        Allocation.objects.filter(info_request_id__in=list(by_pk), is_active=True)
        .select_related("handler")
        .order_by("created_at", "pk")
    ):
        by_pk[allocation.info_request_id].handled_by.append(allocation.handler)  # type: ignore[attr-defined]


def forward_candidate_list(*, info_request: InformationRequest) -> QuerySet[Authority]:
    """Where the responding authority may forward ``info_request``: another authority of the
    same member state that receives requests of its area (the rule of ``request_forward``)."""
    responding = info_request.responding_authority
    assert responding is not None  # only a request that reached a responder is forwarded
    return (
        Authority.objects.filter(country_id=responding.country_id)
        .filter(rules.authorities_receiving_requests(info_request.area_id))
        .exclude(pk__in=[responding.pk, info_request.requesting_authority_id])
        .distinct()
        .order_by("official_name")
    )


def question_set_list(
    *, area: LegislativeArea | None = None, include_practice: bool = True
) -> QuerySet[QuestionSet]:
    """The question sets offered for new requests in ``area`` (every area when None): active,
    published (not a draft, not replaced by a later version) and not past their last day."""
    sets = QuestionSet.objects.filter(is_active=True, status=QuestionSet.Status.PUBLISHED).filter(
        Q(available_until__isnull=True) | Q(available_until__gte=timezone.localdate())
    )
    if area is not None:
        sets = sets.filter(area=area)
    if not include_practice:
        sets = sets.filter(is_practice=False)
    return sets.order_by("is_practice", "position", "code")


def question_list(*, question_set: QuestionSet) -> QuerySet[Question]:
    """The questions offered in a set, in order, with their standard answers."""
    return (
        question_set.questions.filter(is_active=True)
        .prefetch_related("standard_answers")
        .order_by("position", "code")
    )


# --- helpers --------------------------------------------------------------------------------


def _filtered(
    requests: QuerySet[InformationRequest],
    user: User,
    filters: RequestFilters,
    *,
    authority_details: bool = True,
) -> QuerySet[InformationRequest]:
    if filters.direction == INCOMING:
        requests = requests.filter(responding_authority_id=user.authority_id)
    elif filters.direction == OUTGOING:
        requests = requests.filter(requesting_authority_id=user.authority_id)
    if filters.statuses:
        requests = requests.filter(status__in=[State(status) for status in filters.statuses])
    if filters.area_id is not None:
        requests = requests.filter(area_id=filters.area_id)
    if filters.question_set_id is not None:
        requests = requests.filter(question_set_id=filters.question_set_id)
    if filters.is_practice is not None:
        requests = requests.filter(is_practice=filters.is_practice)
    if filters.referred is not None:
        requests = requests.filter(referred_to_coordinator=filters.referred)
    if filters.reply_by_before is not None:
        requests = requests.filter(reply_by__lt=filters.reply_by_before)
    if filters.overdue:
        # The status test is implied by overdue_q; said again at the top level it lets
        # PostgreSQL read the (authority, status) index instead of every request of the
        # authority (bench/RESULTS.md: the home page's overdue count at scale L).
        states = [str(s) for s in ACCEPTANCE_STATES | REPLY_STATES]
        requests = requests.filter(overdue_q(), status__in=states)
    if filters.number is not None:
        requests = requests.filter(pk=filters.number)
    if filters.allocated_to_me:
        requests = requests.filter(
            allocations__handler=user, allocations__is_active=True
        ).distinct()
    return (
        with_overdue(_with_relations(requests, authority_details=authority_details))
        .only(*_LIST_FIELDS, *_related_list_fields())
        .order_by(F("sent_at").desc(nulls_first=True), "-created_at", "-pk")
    )


def _related_list_fields() -> list[str]:
    authority = ("official_name", "informal_title", "language", "kind", "country")
    return [
        *(f"requesting_authority__{name}" for name in authority),
        *(f"responding_authority__{name}" for name in authority),
        # The retention notice of a row ("Personal data deleted on …", retention.selectors).
        "retention__blocked_at",
        "retention__deleted_at",
    ]


def _with_relations(
    requests: QuerySet[InformationRequest], *, authority_details: bool = True
) -> QuerySet[InformationRequest]:
    """Join what grows with the requests (the two authorities, the retention state); read the
    small reference tables (countries, areas, question sets) in queries of their own. Each
    joined table doubles the orders PostgreSQL weighs: with them joined, planning the home
    page's query took 9.9 ms at bench scale L, without them 0.8 ms (bench/RESULTS.md).

    ``authority_details=False`` leaves out the authorities' countries and titles, for a
    caller that reads the rows itself and then calls ``authority_details_load`` (one query
    each for both sides instead of one per side)."""
    requests = requests.select_related(
        "requesting_authority",
        "responding_authority",
        "retention",  # the personal-data notice, without a query per row
    ).prefetch_related("area", "question_set")
    if not authority_details:
        return requests
    translations = _translations()
    return requests.prefetch_related(
        "requesting_authority__country",
        "responding_authority__country",
        Prefetch("requesting_authority__translations", queryset=translations),
        Prefetch("responding_authority__translations", queryset=translations),
    )


def _translations() -> QuerySet[AuthorityTranslation]:
    return AuthorityTranslation.objects.filter(language_id=current_language())


def authority_details_load(info_requests: list[InformationRequest]) -> None:
    """The countries and titles in the reader's language of both sides' authorities of rows
    read with ``authority_details=False``: one query each, whatever the number of rows."""
    authorities = [
        authority
        for info_request in info_requests
        for authority in (info_request.requesting_authority, info_request.responding_authority)
        if authority is not None
    ]
    prefetch_related_objects(
        authorities, "country", Prefetch("translations", queryset=_translations())
    )


def _visible_attachment_list(user: User, info_request: InformationRequest) -> list[Attachment]:
    """``_visible_attachments``, read once per instance and user: a page shows the questions'
    documents and the request's own (``request_question_list``, ``request_attachment_list``)."""
    memo = info_request.__dict__.setdefault("_visible_attachments", {})
    if user.pk not in memo:
        memo[user.pk] = list(_visible_attachments(user, info_request))
    return memo[user.pk]


def _visible_attachments(user: User, info_request: InformationRequest) -> QuerySet[Attachment]:
    own_side = (
        Side.REQUESTING
        if user.authority_id == info_request.requesting_authority_id
        else Side.RESPONDING
    )
    attachments = info_request.attachments.order_by("created_at", "pk")
    return attachments.filter(side=own_side) | attachments.filter(released_at__isnull=False)


# --- question sets in the network administrator's editor (issue 19) -------------------------


@dataclass(frozen=True)
class TranslationStatus:
    """How many of a set's texts exist in one installation language, of those needed."""

    language: str
    name: str
    present: int
    needed: int

    @property
    def missing(self) -> int:
        return self.needed - self.present

    @property
    def complete(self) -> bool:
        return self.missing == 0


def question_set_manage_list() -> list[QuestionSet]:
    """Every question set in every version and status, by area, for the editor's list; each
    carries ``questions_in_order`` and ``translations`` (``TranslationStatus`` per language).
    Two queries whatever the number of sets."""
    sets: list[Any] = list(
        QuestionSet.objects.select_related("area")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.filter(is_active=True).order_by("position", "pk"),
                to_attr="questions_in_order",
            )
        )
        .order_by("area__code", "family", "version_number")
    )
    for question_set in sets:
        question_set.translations = question_set_translation_list(
            question_set=question_set, questions=question_set.questions_in_order
        )
        question_set.incomplete_languages = len(
            [status for status in question_set.translations if not status.complete]
        )
    return sets


def question_set_manage_get(*, pk: int) -> QuestionSet:
    """One question set (any status) with its area, its questions in order (with their
    standard answers) as ``questions_in_order``, and the other versions of its family as
    ``versions``. Raises ``QuestionSet.DoesNotExist``."""
    question_set: Any = QuestionSet.objects.select_related("area").get(pk=pk)
    question_set.questions_in_order = list(
        question_set.questions.filter(is_active=True)
        .prefetch_related("standard_answers")
        .order_by("position", "pk")
    )
    question_set.versions = list(
        QuestionSet.objects.filter(family=question_set.family).order_by("version_number")
    )
    return question_set


def question_set_offered_get(*, pk: int) -> QuestionSet:
    """A question set anyone may read: published or replaced (requests were sent with it),
    never a draft. Raises ``QuestionSet.DoesNotExist``."""
    return (
        QuestionSet.objects.exclude(status=QuestionSet.Status.DRAFT)
        .select_related("area")
        .get(pk=pk)
    )


def question_set_translation_list(
    *, question_set: QuestionSet, questions: list[Question] | None = None
) -> list[TranslationStatus]:
    """Per installation language (``settings.LANGUAGES``): how many of the set's texts exist
    of those needed. Needed: the title, each question and option, and the description and
    help texts that the installation's language (English) has."""
    from django.conf import settings

    if questions is None:
        questions = list(question_set.questions.filter(is_active=True))
    english = settings.LANGUAGE_CODE
    needed: list[dict] = [question_set.titles or {}]
    if (question_set.descriptions or {}).get(english):
        needed.append(question_set.descriptions)
    for question in questions:
        needed.append(question.texts or {})
        if (question.help or {}).get(english):
            needed.append(question.help)
        needed += [choice.get("texts") or {} for choice in question.choices]
    return [
        TranslationStatus(
            language=code,
            name=str(name),
            present=sum(1 for texts in needed if (texts.get(code) or "").strip()),
            needed=len(needed),
        )
        for code, name in settings.LANGUAGES
    ]
