"""What every request service does the same way: lock, check, save, record, notify.

``begin`` must run inside ``transaction.atomic()``: it locks the request row (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite serialises writers anyway), asks the policy whether the actor may
see the request at all (so "not found" and "not yours" raise the same ``PermissionDenied``),
asks the state table whether the step is possible now (``TransitionNotAllowed`` tells the
second of two people acting at once that someone was quicker), and finally asks the policy
whether this actor may take this step. ``finish`` saves the changed fields, appends the event,
keeps the note and writes the outbox rows, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, Final

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access.policy import Action
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.deadlines import dates as deadline_dates
from openimi.exchange import events, workflow
from openimi.exchange.models import InformationRequest, RequestEvent
from openimi.exchange.workflow import State, Transition

if TYPE_CHECKING:
    from openimi.accounts.models import User


class _Unset:
    """Marks an argument that was not given (``None`` is a value: "clear this")."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()

_LANGUAGE = re.compile(r"[a-z]{2,3}")


class IncompleteError(ApplicationError):
    """The request (or its answer) lacks something; ``problems`` maps field -> message."""

    def __init__(self, message: str, problems: dict[str, str]):
        super().__init__(message)
        self.problems = problems


class ConcurrentChangeError(ApplicationError):
    """Someone else saved the same thing since the actor loaded it."""


def lock(info_request: InformationRequest | int) -> InformationRequest:
    """The request row, locked until the transaction ends; missing reads as not allowed."""
    pk = info_request if isinstance(info_request, int) else info_request.pk
    try:
        return InformationRequest.objects.select_for_update().get(pk=pk)
    except InformationRequest.DoesNotExist:
        raise PermissionDenied(_("You may not do this.")) from None


def begin(
    *,
    info_request: InformationRequest | int,
    actor: User,
    transition: Transition,
    action: Action,
) -> tuple[InformationRequest, State, State]:
    """Lock and check; returns the locked request, its status now and the status to be."""
    locked = lock(info_request)
    policy.require(actor, Action.REQUEST_VIEW, locked)
    current = State(locked.status)
    if not workflow.allowed(current, transition):
        workflow.next_status(current, transition, done_by_actor=_changed_last_by(locked, actor))
    target = workflow.next_status(current, transition)
    policy.require(actor, action, locked)
    return locked, current, target


def _changed_last_by(info_request: InformationRequest, actor: User) -> bool:
    """Whether the request's last change of status was ``actor``'s (only asked to explain a
    refusal: one query)."""
    last = (
        info_request.events.exclude(from_status=F("to_status"))
        .exclude(audience=RequestEvent.Audience.AUDIT)
        .order_by("-created_at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )
    return last is not None and last == actor.pk


def finish(
    *,
    info_request: InformationRequest,
    actor: User,
    code: str,
    from_status: str,
    fields: list[str],
    data: dict[str, Any] | None = None,
    audience: str = RequestEvent.Audience.ALL,
    note: tuple[str, str, str] | None = None,
) -> RequestEvent:
    """Save ``fields``, append the event (with its note: ``(kind, text, language)``) and
    write its e-mails to the outbox."""
    if fields:
        info_request.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    event = events.record(
        info_request, actor, code, from_status, info_request.status, data, audience=audience
    )
    if note is not None:
        kind, text, language = note
        events.attach_note(event, kind=kind, author=actor, text=text, language=language)
    events.publish(event)
    return event


def end_mediation_with_request(*, info_request: InformationRequest, actor: User) -> None:
    """Closing, withdrawing or rejecting ends the request's mediation, if any: the flag is
    cleared and the mediating coordinator told (the thread stays readable). Call after the
    transition's own ``finish``, in its transaction."""
    if not info_request.referred_to_coordinator:
        return
    info_request.referred_to_coordinator = False
    finish(
        info_request=info_request,
        actor=actor,
        code=events.MEDIATION_ENDED_WITH_REQUEST,
        from_status=info_request.status,
        fields=["referred_to_coordinator"],
    )


def language_of(text: str, language: str, actor: User, *, field: str) -> str:
    """The language a free text is written in: given, or the actor's. Checked when text."""
    language = (language or "").strip().lower() or (actor.language or "").lower()
    if text.strip() and not _LANGUAGE.fullmatch(language):
        raise ApplicationError(_("Say which language the text is written in."), field=field)
    return language


def required_text(text: str, *, field: str, message: str) -> str:
    if not (text or "").strip():
        raise ApplicationError(message, field=field)
    return text.strip()


def today() -> dt.date:
    return timezone.localdate()


def check_reply_date(reply_by: dt.date | None, *, field: str = "reply_by") -> None:
    """A reply date must lie after today."""
    if reply_by is not None and reply_by <= today():
        raise ApplicationError(_("The reply date must be after today."), field=field)


def deliver(info_request: InformationRequest) -> list[str]:
    """Mark the request as arrived at its responding authority; returns the changed fields.

    The acceptance deadline counts from the local date, per area and in working or calendar
    days as configured (``deadlines.dates`` is the one place that counts days)."""
    info_request.sent_at = timezone.now()
    info_request.acceptance_deadline = deadline_dates.acceptance_deadline(
        area_code=info_request.area.code, sent_on=today()
    )
    return ["sent_at", "acceptance_deadline"]
