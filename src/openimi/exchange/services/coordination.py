"""Allocation, mediation by the coordinator, and the audited reads of personal data.

- Allocation (seed 6.3, Bijlage 3): where the responding authority works with allocation, its
  allocators allocate an incoming request to one or more of its request handlers, and may
  re-allocate; only the allocated handlers may then act on it.
- Mediation: either side's request handlers may refer an open request to their supervising
  coordinator; the coordinator's request handlers and the parties write in the mediation
  thread until the coordinator ends the mediation.
- Reading personal data and downloading documents is allowed to few and recorded each time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access import requests as rules
from openimi.access.policy import Action
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange import events, selectors, workflow
from openimi.exchange.models import (
    Allocation,
    Attachment,
    InformationRequest,
    MediationMessage,
    PersonalData,
)
from openimi.exchange.services._base import begin, finish, language_of, lock, required_text
from openimi.exchange.workflow import Transition

if TYPE_CHECKING:
    from openimi.accounts.models import User

Audience = events.Audience


def request_allocate(
    *, info_request: InformationRequest, actor: User, handlers: Iterable[User]
) -> InformationRequest:
    """Allocate the request to ``handlers`` (request handlers of the responding authority for
    the area), replacing the current allocation. The newly allocated are told by e-mail."""
    handlers = list(dict.fromkeys(handlers))
    if not handlers:
        raise ApplicationError(_("Choose at least one request handler."), field="handlers")
    with transaction.atomic():
        info_request, current, _target = begin(
            info_request=info_request,
            actor=actor,
            transition=Transition.ALLOCATE,
            action=Action.REQUEST_ALLOCATE,
        )
        for handler in handlers:
            if not rules.is_request_handler(
                handler, info_request.responding_authority_id, info_request.area_id
            ):
                raise ApplicationError(
                    _("%(name)s is not a request handler of your authority for this area.")
                    % {"name": handler},
                    field="handlers",
                )
        wanted = {handler.pk for handler in handlers}
        active = set(
            info_request.allocations.filter(is_active=True).values_list("handler_id", flat=True)
        )
        if wanted == active:
            return info_request
        # Newly allocated handlers must be able to act now (those allocated already stay
        # when the request is allocated again, whatever happened to them since).
        able = set(
            selectors.allocatable_handler_list(info_request=info_request)
            .filter(pk__in=wanted - active)
            .values_list("pk", flat=True)
        )
        for handler in handlers:
            if handler.pk not in active and handler.pk not in able:
                raise ApplicationError(
                    _(
                        "%(name)s cannot be allocated requests now: they have not logged in "
                        "yet, are locked out or were deleted."
                    )
                    % {"name": handler},
                    field="handlers",
                )
        now = timezone.now()
        info_request.allocations.filter(is_active=True).exclude(handler_id__in=wanted).update(
            is_active=False, ended_at=now
        )
        Allocation.objects.bulk_create(
            [
                Allocation(info_request=info_request, handler_id=pk, allocated_by=actor)
                for pk in sorted(wanted - active)
            ]
        )
        finish(
            info_request=info_request,
            actor=actor,
            code=events.ALLOCATED,
            from_status=current,
            fields=["updated_at"],
            data={
                "handlers": sorted(wanted),
                "new_handlers": sorted(wanted - active),
                "ended_handlers": sorted(active - wanted),
            },
            audience=Audience.RESPONDING,
        )
    return info_request


def request_take(*, info_request: InformationRequest, actor: User) -> InformationRequest:
    """ "I'll handle this": where the responding authority works without allocation, a request
    handler marks an incoming request as theirs, so that colleagues see who has it. Every
    handler may still act on it (nothing is taken from them); others may take it as well."""
    with transaction.atomic():
        info_request, current, _target = begin(
            info_request=info_request,
            actor=actor,
            transition=Transition.ALLOCATE,
            action=Action.REQUEST_TAKE,
        )
        if info_request.allocations.filter(handler=actor, is_active=True).exists():
            raise ApplicationError(_("You already handle this request."))
        Allocation.objects.create(info_request=info_request, handler=actor, allocated_by=actor)
        finish(
            info_request=info_request,
            actor=actor,
            code=events.TAKEN,
            from_status=current,
            fields=["updated_at"],
            data={"handler": actor.pk},
            audience=Audience.RESPONDING,
        )
    return info_request


def request_refer_to_coordinator(
    *, info_request: InformationRequest, actor: User, text: str, language: str = ""
) -> MediationMessage:
    """Refer the request to the actor's supervising coordinator for mediation, saying why
    (the first message of the mediation thread)."""
    text = required_text(
        text, field="text", message=_("Say what the coordinator should help with.")
    )
    with transaction.atomic():
        info_request, current, _target = begin(
            info_request=info_request,
            actor=actor,
            transition=Transition.REFER_TO_COORDINATOR,
            action=Action.REQUEST_REFER_TO_COORDINATOR,
        )
        if info_request.referred_to_coordinator:
            raise ApplicationError(_("This request is already referred to a coordinator."))
        side = rules.REQUESTING if rules.is_requester(actor, info_request) else rules.RESPONDING
        coordinator_id = rules.supervising_coordinator_id(info_request, side)
        if coordinator_id is None:
            raise ApplicationError(
                _("No supervising coordinator is registered for your authority in this area.")
            )
        language = language_of(text, language, actor, field="language")
        info_request.referred_to_coordinator = True
        info_request.mediating_coordinator_id = coordinator_id
        assert actor.authority_id is not None  # the policy admitted an authority's user
        message = MediationMessage.objects.create(
            info_request=info_request,
            author=actor,
            author_authority_id=actor.authority_id,
            text=text,
            language=language,
        )
        finish(
            info_request=info_request,
            actor=actor,
            code=events.REFERRED,
            from_status=current,
            fields=["referred_to_coordinator", "mediating_coordinator"],
            data={"coordinator": coordinator_id, "side": side, "message": message.pk},
        )
    return message


def mediation_post(
    *, info_request: InformationRequest, actor: User, text: str, language: str = ""
) -> MediationMessage:
    """Write in the mediation thread of a referred request (coordinator or either party)."""
    text = required_text(text, field="text", message=_("Write the message."))
    with transaction.atomic():
        info_request = lock(info_request)
        policy.require(actor, Action.REQUEST_VIEW, info_request)
        policy.require(actor, Action.REQUEST_MEDIATE, info_request)
        language = language_of(text, language, actor, field="language")
        assert actor.authority_id is not None  # the policy admitted an authority's user
        message = MediationMessage.objects.create(
            info_request=info_request,
            author=actor,
            author_authority_id=actor.authority_id,
            text=text,
            language=language,
        )
        finish(
            info_request=info_request,
            actor=actor,
            code=events.MEDIATION_MESSAGE,
            from_status=info_request.status,
            fields=["updated_at"],
            data={"message": message.pk},
        )
    return message


def request_end_mediation(*, info_request: InformationRequest, actor: User) -> InformationRequest:
    """The mediating coordinator ends the mediation; the thread stays readable."""
    with transaction.atomic():
        info_request = lock(info_request)
        policy.require(actor, Action.REQUEST_VIEW, info_request)
        current = info_request.status
        workflow.next_status(current, Transition.END_MEDIATION)
        if not info_request.referred_to_coordinator:
            raise ApplicationError(_("This request is not in mediation."))
        policy.require(actor, Action.REQUEST_END_MEDIATION, info_request)
        info_request.referred_to_coordinator = False
        finish(
            info_request=info_request,
            actor=actor,
            code=events.MEDIATION_ENDED,
            from_status=current,
            fields=["referred_to_coordinator"],
        )
    return info_request


def personal_data_view(
    *, info_request: InformationRequest, actor: User, part: str = "personal_data"
) -> PersonalData | None:
    """The request's personal data for someone allowed to see it; every read is recorded,
    with ``part`` naming where it was shown (``page:detail``, ``report:full``, ...) for the
    personal-data access log (``privacy``)."""
    with transaction.atomic():
        try:
            fresh = InformationRequest.objects.get(pk=info_request.pk)
        except InformationRequest.DoesNotExist:
            raise PermissionDenied(_("You may not do this.")) from None
        # The facts the page read ahead for its checks serve this one too (the request page:
        # one or two queries fewer).
        rules.copy_facts(info_request, fresh)
        info_request = fresh
        personal_data_view_record(info_request=info_request, actor=actor, part=part)
        return (
            PersonalData.objects.select_related("country").filter(info_request=info_request).first()
        )


def personal_data_view_record(
    *, info_request: InformationRequest, actor: User, part: str = "personal_data"
) -> None:
    """Check and record one showing of the request's personal data: ``personal_data_view``
    calls it before reading the data; a page from the content cache (``common.content_cache``),
    which holds the data already, calls it alone."""
    policy.require(actor, Action.REQUEST_VIEW_PERSONAL_DATA, info_request)
    events.record_personal_data_viewed(info_request, actor, part)


def attachment_open(*, attachment_id: int, actor: User) -> Attachment:
    """The attachment for download by someone allowed to see it; every download is recorded.

    The caller streams ``attachment.file`` (e.g. ``FileResponse(attachment.file.open("rb"),
    as_attachment=True, filename=attachment.original_name)``).
    """
    with transaction.atomic():
        attachment = (
            Attachment.objects.select_related("info_request").filter(pk=attachment_id).first()
        )
        if attachment is None:
            raise PermissionDenied(_("You may not do this."))
        policy.require(actor, Action.REQUEST_DOWNLOAD_ATTACHMENT, attachment)
        events.record(
            attachment.info_request,
            actor,
            events.ATTACHMENT_DOWNLOADED,
            data={"attachment": attachment.pk, "part": f"attachment:{attachment.pk}"},
            audience=Audience.AUDIT,
        )
    return attachment


# --- people who leave ---------------------------------------------------------------------------


class HandOverError(ApplicationError):
    """The colleague cannot take some of the requests; ``requests`` names them. Nothing moved."""

    def __init__(self, message: str, requests: list[InformationRequest]):
        super().__init__(message, field="colleague")
        self.requests = requests


def requests_hand_over(*, actor: User, leaver: User, colleague: User) -> list[InformationRequest]:
    """A local data administrator hands every open request of ``leaver`` to ``colleague`` of
    the same authority (seed 6.2: a user with open requests cannot be deleted): the drafts and
    sent requests the leaver made become the colleague's, and the leaver's allocations move
    to the colleague. All or nothing: when the colleague is not a request handler for the area
    of one of them, nothing moves and ``HandOverError`` names those requests. Each request
    gets a "handed over" event, and the colleague an e-mail per request."""
    from openimi.accounts.users.selectors import open_request_list

    policy.require(actor, Action.USER_HAND_OVER, leaver)
    if (
        colleague.pk == leaver.pk
        or colleague.authority_id != leaver.authority_id
        or not colleague.is_active
    ):
        raise ApplicationError(
            _("Choose an active colleague of the same authority."), field="colleague"
        )
    with transaction.atomic():
        handed = []
        refused = []
        for row in open_request_list(user=leaver):
            info_request = lock(row.pk)
            as_requester = info_request.requesting_user_id == leaver.pk
            allocation = info_request.allocations.filter(handler=leaver, is_active=True).first()
            authorities = [
                *([info_request.requesting_authority_id] if as_requester else []),
                *([info_request.responding_authority_id] if allocation else []),
            ]
            if not all(
                authority_id == leaver.authority_id
                and rules.is_request_handler(colleague, authority_id, info_request.area_id)
                for authority_id in authorities
            ):
                refused.append(info_request)
                continue
            handed.append((info_request, as_requester, allocation))
        if refused:
            raise HandOverError(
                _(
                    "%(name)s is not a request handler for the legislative area of these "
                    "requests. Give them the role first, or choose another colleague."
                )
                % {"name": colleague.get_full_name()},
                requests=refused,
            )
        for info_request, as_requester, allocation in handed:
            parts = []  # (part, changed fields, who sees the event)
            if as_requester:
                info_request.requesting_user = colleague
                parts.append(("requester", ["requesting_user"], Audience.REQUESTING))
            if allocation is not None:
                allocation.is_active = False
                allocation.ended_at = timezone.now()
                allocation.save(update_fields=["is_active", "ended_at"])
                if not info_request.allocations.filter(handler=colleague, is_active=True).exists():
                    Allocation.objects.create(
                        info_request=info_request, handler=colleague, allocated_by=actor
                    )
                parts.append(("handler", ["updated_at"], Audience.RESPONDING))
            for part, fields, audience in parts:
                finish(
                    info_request=info_request,
                    actor=actor,
                    code=events.HANDED_OVER,
                    from_status=info_request.status,
                    fields=fields,
                    data={"from_user": leaver.pk, "to_user": colleague.pk, "part": part},
                    audience=audience,
                )
    return [info_request for info_request, _requester, _allocation in handed]
