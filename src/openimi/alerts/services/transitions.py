"""The alert's life after submission: validation, updates, closure, withdrawal (the sender's
country), and each recipient country's acknowledgement and distribution. One function per
transition (DESIGN rule 2): lock, check the table and the policy, save, record, publish."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access.policy import Action
from openimi.alerts import events, workflow
from openimi.alerts.models import (
    Alert,
    AlertCoordinator,
    AlertDistribution,
    AlertEvent,
    AlertRecipient,
    AlertUpdate,
)
from openimi.alerts.services._base import begin, finish, language_of, required_text
from openimi.alerts.services.drafts import recipient_countries
from openimi.alerts.workflow import LIVE_STATES, RecipientState, Transition
from openimi.authorities.models import Authority
from openimi.common.errors import ApplicationError, PermissionDenied

if TYPE_CHECKING:
    from openimi.accounts.models import User

Audience = AlertEvent.Audience
UpdateKind, UpdateStatus = AlertUpdate.Kind, AlertUpdate.Status


def alert_validate(*, alert: Alert, actor: User) -> Alert:
    """The sender country's alert coordinator validates the alert: it leaves for every
    recipient country at once (one ``AlertRecipient`` each, through its alert coordinator)."""
    with transaction.atomic():
        locked, current, target = begin(
            alert=alert, actor=actor, transition=Transition.VALIDATE, action=Action.ALERT_VALIDATE
        )
        codes = recipient_countries(locked)
        coordinators = dict(
            AlertCoordinator.objects.filter(
                area_id=locked.area_id, country_id__in=codes
            ).values_list("country_id", "authority_id")
        )
        missing = sorted(set(codes) - set(coordinators))
        if not codes or missing:
            raise ApplicationError(
                _("These countries have no alert coordinator for this area yet: %(countries)s.")
                % {"countries": ", ".join(missing) or "—"}
            )
        now = timezone.now()
        AlertRecipient.objects.bulk_create(
            AlertRecipient(
                alert=locked, country_id=code, coordinator_id=coordinators[code], received_at=now
            )
            for code in codes
        )
        locked.status = target
        locked.sent_at = now
        finish(
            alert=locked,
            actor=actor,
            code=events.VALIDATED,
            from_status=current,
            fields=["status", "sent_at"],
            data={"countries": codes},
        )
    return locked


def alert_return(*, alert: Alert, actor: User, reason: str, language: str = "") -> Alert:
    """The coordinator sends the alert back to its sender as a draft, saying why."""
    reason = required_text(
        reason, field="reason", message=_("Say why the alert goes back to its sender.")
    )
    with transaction.atomic():
        locked, current, target = begin(
            alert=alert, actor=actor, transition=Transition.RETURN, action=Action.ALERT_VALIDATE
        )
        note = _note(locked, actor, UpdateKind.RETURN, reason, language)
        locked.status = target
        finish(
            alert=locked,
            actor=actor,
            code=events.RETURNED,
            from_status=current,
            fields=["status"],
            data={"update": note.pk},
            audience=Audience.SENDER,
        )
    return locked


def alert_propose_update(
    *, alert: Alert, actor: User, text: str, language: str = ""
) -> AlertUpdate:
    """The sender adds new information; it reaches the recipients once validated."""
    text = required_text(text, field="text", message=_("Write the new information."))
    with transaction.atomic():
        locked, current, _target = begin(
            alert=alert,
            actor=actor,
            transition=Transition.PROPOSE_UPDATE,
            action=Action.ALERT_UPDATE,
        )
        update = _note(
            locked, actor, UpdateKind.INFORMATION, text, language, UpdateStatus.AWAITING_VALIDATION
        )
        finish(
            alert=locked,
            actor=actor,
            code=events.UPDATE_PROPOSED,
            from_status=current,
            fields=[],
            data={"update": update.pk},
            audience=Audience.SENDER,
        )
    return update


def alert_validate_update(*, update: AlertUpdate, actor: User) -> AlertUpdate:
    return _decide_update(update, actor, validate=True, reason="", language="")


def alert_return_update(
    *, update: AlertUpdate, actor: User, reason: str, language: str = ""
) -> AlertUpdate:
    reason = required_text(
        reason, field="reason", message=_("Say why the new information goes back.")
    )
    return _decide_update(update, actor, validate=False, reason=reason, language=language)


def _decide_update(
    update: AlertUpdate, actor: User, *, validate: bool, reason: str, language: str
) -> AlertUpdate:
    transition = Transition.VALIDATE_UPDATE if validate else Transition.RETURN_UPDATE
    with transaction.atomic():
        locked, current, _target = begin(
            alert=update.alert_id, actor=actor, transition=transition, action=Action.ALERT_VALIDATE
        )
        found = (
            AlertUpdate.objects.select_for_update()
            .filter(pk=update.pk, alert=locked, kind=UpdateKind.INFORMATION)
            .first()
        )
        if found is None:
            raise PermissionDenied(_("You may not do this."))
        if found.status != UpdateStatus.AWAITING_VALIDATION:
            raise workflow.TransitionNotAllowed(
                _("This new information was already validated or returned.")
            )
        found.status = UpdateStatus.VALIDATED if validate else UpdateStatus.RETURNED
        found.decided_at, found.decided_by = timezone.now(), actor
        if not validate:
            found.return_reason = reason
            language_of(reason, language, actor, field="reason")
        found.save(update_fields=["status", "decided_at", "decided_by", "return_reason"])
        finish(
            alert=locked,
            actor=actor,
            code=events.UPDATE_VALIDATED if validate else events.UPDATE_RETURNED,
            from_status=current,
            fields=["updated_at"],
            data={"update": found.pk},
            audience=Audience.ALL if validate else Audience.SENDER,
        )
    return found


def alert_propose_closure(*, alert: Alert, actor: User, reason: str, language: str = "") -> Alert:
    """The sender proposes to close the alert (the restriction was lifted or ended, the
    danger is over); its coordinator validates."""
    reason = required_text(reason, field="reason", message=_("Say why the alert can be closed."))
    with transaction.atomic():
        locked, current, target = begin(
            alert=alert,
            actor=actor,
            transition=Transition.PROPOSE_CLOSURE,
            action=Action.ALERT_UPDATE,
        )
        proposal = _note(
            locked, actor, UpdateKind.CLOSURE, reason, language, UpdateStatus.AWAITING_VALIDATION
        )
        locked.status = target
        finish(
            alert=locked,
            actor=actor,
            code=events.CLOSURE_PROPOSED,
            from_status=current,
            fields=["status"],
            data={"update": proposal.pk},
            audience=Audience.SENDER,
        )
    return locked


def alert_validate_closure(*, alert: Alert, actor: User) -> Alert:
    return _decide_closure(alert, actor, validate=True, reason="", language="")


def alert_return_closure(*, alert: Alert, actor: User, reason: str, language: str = "") -> Alert:
    reason = required_text(reason, field="reason", message=_("Say why the alert stays open."))
    return _decide_closure(alert, actor, validate=False, reason=reason, language=language)


def _decide_closure(
    alert: Alert, actor: User, *, validate: bool, reason: str, language: str
) -> Alert:
    transition = Transition.VALIDATE_CLOSURE if validate else Transition.RETURN_CLOSURE
    with transaction.atomic():
        locked, current, target = begin(
            alert=alert, actor=actor, transition=transition, action=Action.ALERT_VALIDATE
        )
        proposal = (
            locked.updates.select_for_update()
            .filter(kind=UpdateKind.CLOSURE, status=UpdateStatus.AWAITING_VALIDATION)
            .last()
        )
        now = timezone.now()
        if proposal is not None:
            proposal.status = UpdateStatus.VALIDATED if validate else UpdateStatus.RETURNED
            proposal.decided_at, proposal.decided_by = now, actor
            if not validate:
                language_of(reason, language, actor, field="reason")
                proposal.return_reason = reason
            proposal.save(update_fields=["status", "decided_at", "decided_by", "return_reason"])
        locked.status = target
        fields = ["status"]
        if validate:
            locked.closed_at = now
            fields.append("closed_at")
        finish(
            alert=locked,
            actor=actor,
            code=events.CLOSED if validate else events.CLOSURE_RETURNED,
            from_status=current,
            fields=fields,
            data={"update": proposal.pk if proposal else None},
            audience=Audience.ALL if validate else Audience.SENDER,
        )
    return locked


def alert_withdraw(*, alert: Alert, actor: User, reason: str, language: str = "") -> Alert:
    """End the alert at once (it was sent in error): the sender or its coordinator."""
    reason = required_text(reason, field="reason", message=_("Say why the alert is withdrawn."))
    with transaction.atomic():
        locked, current, target = begin(
            alert=alert, actor=actor, transition=Transition.WITHDRAW, action=Action.ALERT_WITHDRAW
        )
        note = _note(locked, actor, UpdateKind.WITHDRAWAL, reason, language)
        locked.updates.filter(status=UpdateStatus.AWAITING_VALIDATION).update(
            status=UpdateStatus.RETURNED, decided_at=timezone.now(), decided_by=actor
        )
        locked.status = target
        locked.closed_at = timezone.now()
        finish(
            alert=locked,
            actor=actor,
            code=events.WITHDRAWN,
            from_status=current,
            fields=["status", "closed_at"],
            data={"update": note.pk},
            audience=Audience.ALL if current in LIVE_STATES else Audience.SENDER,
        )
    return locked


def _note(
    alert: Alert,
    actor: User,
    kind: str,
    text: str,
    language: str,
    status: str = UpdateStatus.NOTE,
) -> AlertUpdate:
    return AlertUpdate.objects.create(
        alert=alert,
        kind=kind,
        status=status,
        text=text,
        language=language_of(text, language, actor, field="text"),
        author=actor,
    )


# --- The recipient countries -------------------------------------------------------------------


def _begin_recipient(
    recipient: AlertRecipient, actor: User, transition: Transition
) -> tuple[Alert, AlertRecipient, RecipientState]:
    locked, _current, _target = begin(
        alert=recipient.alert_id, actor=actor, transition=transition, action=None
    )
    row = AlertRecipient.objects.select_for_update().filter(pk=recipient.pk, alert=locked).first()
    if row is None:
        raise PermissionDenied(_("You may not do this."))
    row.alert = locked
    policy.require(actor, Action.ALERT_RECEIVE, row)
    return locked, row, workflow.next_recipient_status(row.status, transition)


def alert_acknowledge(*, recipient: AlertRecipient, actor: User) -> AlertRecipient:
    """The recipient country's alert coordinator confirms it received the alert."""
    with transaction.atomic():
        alert, row, target = _begin_recipient(recipient, actor, Transition.ACKNOWLEDGE)
        row.status, row.acknowledged_at, row.acknowledged_by = target, timezone.now(), actor
        row.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
        finish(
            alert=alert,
            actor=actor,
            code=events.ACKNOWLEDGED,
            from_status=alert.status,
            fields=[],
            country_id=row.country_id,
        )
    return row


def distributable_authorities(recipient: AlertRecipient):
    """The authorities a recipient coordinator may pass the alert to: the active ones of its
    country competent in the alert's area (itself included, for a small country)."""
    area_id = recipient.alert.area_id
    return Authority.objects.filter(
        Q(country_id=recipient.country_id, is_active=True)
        & (Q(competent_in_all_areas=True) | Q(preferences__area_id=area_id))
    ).distinct()


def alert_distribute(
    *, recipient: AlertRecipient, actor: User, authorities: Sequence[Authority | int]
) -> list[AlertDistribution]:
    """Pass the alert to competent authorities of the recipient country (more may follow)."""
    ids = sorted({a if isinstance(a, int) else a.pk for a in authorities})
    if not ids:
        raise ApplicationError(
            _("Choose at least one authority to pass the alert to."), field="authorities"
        )
    with transaction.atomic():
        alert, row, target = _begin_recipient(recipient, actor, Transition.DISTRIBUTE)
        allowed = set(
            distributable_authorities(row).filter(pk__in=ids).values_list("pk", flat=True)
        )
        if allowed != set(ids):
            raise ApplicationError(
                _("Choose authorities of your country that are competent in this area."),
                field="authorities",
            )
        already = set(row.distributions.values_list("authority_id", flat=True))
        new = [pk for pk in ids if pk not in already]
        if not new:
            raise ApplicationError(
                _("The alert was already passed to these authorities."), field="authorities"
            )
        now = timezone.now()
        created = AlertDistribution.objects.bulk_create(
            AlertDistribution(
                recipient=row, authority_id=pk, distributed_by=actor, distributed_at=now
            )
            for pk in new
        )
        row.status = target
        row.distributed_at = row.distributed_at or now
        row.save(update_fields=["status", "distributed_at"])
        finish(
            alert=alert,
            actor=actor,
            code=events.DISTRIBUTED,
            from_status=alert.status,
            fields=[],
            country_id=row.country_id,
            data={"authorities": new},
        )
    return created


def alert_mark_read(*, alert: Alert, actor: User) -> bool:
    """Note the first reading of the alert by an authority it was distributed to (the
    coordinator who distributed it sees who has read it). True when this was the first."""
    if actor.authority_id is None:
        return False
    with transaction.atomic():
        distribution = (
            AlertDistribution.objects.select_for_update()
            .filter(recipient__alert=alert, authority_id=actor.authority_id, first_read_at=None)
            .select_related("recipient")
            .first()
        )
        if distribution is None or not policy.can(actor, Action.ALERT_VIEW, alert):
            return False
        distribution.first_read_at, distribution.first_read_by = timezone.now(), actor
        distribution.save(update_fields=["first_read_at", "first_read_by"])
        event = events.record(
            alert,
            actor,
            events.READ,
            alert.status,
            {"authority": actor.authority_id},
            country_id=distribution.recipient.country_id,
        )
        events.publish(event)
    return True


def alerts_remind_restriction_ended(*, today: dt.date | None = None) -> int:
    """Remind the senders of live alerts whose restriction ended to propose closure (once per
    alert; the periodic job runs it). Returns how many were reminded."""
    today = today or timezone.localdate()
    reminded = 0
    due = Alert.objects.filter(
        status__in=LIVE_STATES,
        restriction_end__lt=today,
        restriction_end_reminded_at=None,
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            alert = Alert.objects.select_for_update().get(pk=pk)
            if alert.restriction_end_reminded_at is not None or alert.status not in LIVE_STATES:
                continue
            alert.restriction_end_reminded_at = timezone.now()
            finish(
                alert=alert,
                actor=None,
                code=events.RESTRICTION_ENDED,
                from_status=alert.status,
                fields=["restriction_end_reminded_at"],
                audience=Audience.SENDER,
            )
            reminded += 1
    return reminded
