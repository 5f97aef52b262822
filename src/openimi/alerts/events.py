"""The event log of alerts (DESIGN rule 3): every change writes one ``AlertEvent``.

``publish`` sends ``published`` inside the transaction that recorded the event: the e-mails
(``alerts.notify``) and the webhooks (``api.webhooks``) subscribe, so their rows exist if and
only if the change does. ``data`` carries codes, ids and dates only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.dispatch import Signal

from openimi.alerts.models import Alert, AlertEvent
from openimi.exchange import via

if TYPE_CHECKING:
    from openimi.accounts.models import User

Audience = AlertEvent.Audience

published = Signal()

CREATED = "alert.created"
DRAFT_UPDATED = "alert.draft_updated"
ATTACHMENT_ADDED = "alert.attachment_added"
ATTACHMENT_REMOVED = "alert.attachment_removed"
SUBMITTED = "alert.submitted"  # for validation by the sender country's alert coordinator
VALIDATED = "alert.validated"  # and sent: ``data["countries"]`` lists the recipient countries
RETURNED = "alert.returned"  # to the sender, with the reason in ``data["update"]``'s row
UPDATE_PROPOSED = "alert.update_proposed"
UPDATE_VALIDATED = "alert.update_validated"  # the new information reached the recipients
UPDATE_RETURNED = "alert.update_returned"
CLOSURE_PROPOSED = "alert.closure_proposed"
CLOSED = "alert.closed"
CLOSURE_RETURNED = "alert.closure_returned"
WITHDRAWN = "alert.withdrawn"
ACKNOWLEDGED = "alert.acknowledged"  # by a recipient country (``country``)
DISTRIBUTED = "alert.distributed"  # ``data["authorities"]``: the ids it was passed to
READ = "alert.read"  # first read by a distributed authority (``data["authority"]``)
RESTRICTION_ENDED = "alert.restriction_ended"  # the sender reminded to propose closure
PERSONAL_DATA_VIEWED = "alert.personal_data_viewed"
ATTACHMENT_DOWNLOADED = "alert.attachment_downloaded"
PERSONAL_DATA_DELETED = "alert.personal_data_deleted"  # by the retention job
# A merger moved the alert's sending or validating authority (``data``: from, to).
AUTHORITY_MOVED = "alert.authority_moved"


def record(
    alert: Alert,
    actor: User | None,
    code: str,
    from_status: str = "",
    data: dict[str, Any] | None = None,
    *,
    country_id: str | None = None,
    audience: str = Audience.ALL,
) -> AlertEvent:
    """Append one event; its ``to_status`` is the alert's status now."""
    return AlertEvent.objects.create(
        alert=alert,
        actor=actor,
        actor_authority_id=getattr(actor, "authority_id", None),
        code=code,
        from_status=from_status or "",
        to_status=alert.status,
        country_id=country_id,
        audience=audience,
        data=data or {},
        via=via.current().via,
    )


def record_personal_data_viewed(alert: Alert, actor: User | None, part: str) -> AlertEvent:
    """One showing of the alert's personal data (the access log lists these)."""
    return record(alert, actor, PERSONAL_DATA_VIEWED, data={"part": part}, audience=Audience.AUDIT)


def publish(event: AlertEvent) -> None:
    """Tell the subscribers (e-mails, webhooks) of ``event``; call in its transaction."""
    published.send(sender=AlertEvent, event=event)
