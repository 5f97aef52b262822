"""What every alert service does the same way (as ``exchange.services._base`` for requests):
lock the alert row, check that the actor may see it at all (so "not found" and "not yours"
raise the same ``PermissionDenied``), check the state table, check the step's action; then
save the changed fields, append the event and publish it, in the caller's transaction.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access.policy import Action
from openimi.alerts import events, workflow
from openimi.alerts.models import Alert, AlertEvent
from openimi.alerts.workflow import State, Transition
from openimi.common.errors import ApplicationError, PermissionDenied

if TYPE_CHECKING:
    from openimi.accounts.models import User

_LANGUAGE = re.compile(r"[a-z]{2,3}")


class IncompleteError(ApplicationError):
    """The alert lacks something its kind requires; ``problems`` maps field -> message."""

    def __init__(self, message: str, problems: dict[str, str]):
        super().__init__(message)
        self.problems = problems


def lock(alert: Alert | int) -> Alert:
    """The alert row, locked until the transaction ends; missing reads as not allowed."""
    pk = alert if isinstance(alert, int) else alert.pk
    try:
        return Alert.objects.select_for_update().get(pk=pk)
    except Alert.DoesNotExist:
        raise PermissionDenied(_("You may not do this.")) from None


def begin(
    *, alert: Alert | int, actor: User, transition: Transition, action: Action | None
) -> tuple[Alert, State, State]:
    """Lock and check; returns the locked alert, its status now and the status to be.
    ``action`` None: the caller asks the policy itself (a recipient country's step)."""
    locked = lock(alert)
    policy.require(actor, Action.ALERT_VIEW, locked)
    current = State(locked.status)
    target = workflow.next_status(current, transition)
    if action is not None:
        policy.require(actor, action, locked)
    return locked, current, target


def finish(
    *,
    alert: Alert,
    actor: User | None,
    code: str,
    from_status: str,
    fields: list[str],
    data: dict[str, Any] | None = None,
    country_id: str | None = None,
    audience: str = AlertEvent.Audience.ALL,
) -> AlertEvent:
    """Save ``fields``, append the event and publish it (e-mails, webhooks)."""
    if fields:
        alert.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    event = events.record(
        alert, actor, code, from_status, data, country_id=country_id, audience=audience
    )
    events.publish(event)
    return event


def language_of(text: str, language: str, actor: User, *, field: str) -> str:
    """The language a free text is written in: given, or the actor's."""
    language = (language or "").strip().lower() or (actor.language or "").lower()
    if text.strip() and not _LANGUAGE.fullmatch(language):
        raise ApplicationError(_("Say which language the text is written in."), field=field)
    return language


def plain(text: str | None) -> str:
    """``text`` without control characters (kept: line breaks and tabs), trimmed: a pasted
    NUL or escape code would otherwise reach the database or a Word report. Forms and the API
    refuse them with a message; this is the last guard for any other caller."""
    return "".join(
        ch for ch in (text or "") if ch in "\n\t" or (ch >= " " and ch != "\x7f")
    ).strip()


def required_text(text: str, *, field: str, message: str) -> str:
    text = plain(text)
    if not text:
        raise ApplicationError(message, field=field)
    return text
