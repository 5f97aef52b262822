"""Reads of alerts for the pages (STYLE: selectors), each starting from
``policy.alerts_visible_to(user)``: nothing here reads ``Alert.objects`` for a user.

The list has three sections, by the part the user's authority plays: alerts waiting for its
validation, alerts it received (as a country's alert coordinator or as an authority the
alert was distributed to) and the alerts it sends (drafts included). A section's page costs
the same queries whatever the number of rows: what a row shows is joined or annotated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from openimi.access import policy
from openimi.alerts.models import (
    Alert,
    AlertAttachment,
    AlertDistribution,
    AlertEvent,
    AlertRecipient,
    AlertUpdate,
)
from openimi.alerts.workflow import State

if TYPE_CHECKING:
    from openimi.accounts.models import User

TO_VALIDATE, RECEIVED, SENT = "to_validate", "received", "sent"
SECTIONS = (TO_VALIDATE, RECEIVED, SENT)


@dataclass(frozen=True)
class AlertFilters:
    section: str = SENT
    status: str = ""


def _awaiting_update() -> Exists:
    return Exists(
        AlertUpdate.objects.filter(
            alert=OuterRef("pk"),
            kind=AlertUpdate.Kind.INFORMATION,
            status=AlertUpdate.Status.AWAITING_VALIDATION,
        )
    )


def _authority_id(user: User) -> int:
    # A user without an authority sees no alert (the policy's queryset is empty): 0 matches
    # nothing either.
    return user.authority_id or 0


def _section_q(user: User, section: str) -> Q:
    authority_id = _authority_id(user)
    if section == TO_VALIDATE:
        return Q(validating_coordinator_id=authority_id) & (
            Q(status__in=[State.AWAITING_VALIDATION, State.CLOSURE_PROPOSED])
            | Q(_awaiting_update(), status=State.SENT)
        )
    if section == RECEIVED:
        return ~Q(sending_authority_id=authority_id) & (
            Q(
                Exists(
                    AlertRecipient.objects.filter(alert=OuterRef("pk"), coordinator_id=authority_id)
                )
            )
            | Q(
                Exists(
                    AlertDistribution.objects.filter(
                        recipient__alert=OuterRef("pk"), authority_id=authority_id
                    )
                )
            )
        )
    return Q(sending_authority_id=authority_id)


def alert_list(*, user: User, filters: AlertFilters) -> QuerySet[Alert]:
    """The alerts of one section of the list, newest first, with what a row shows: the
    sending authority, and for received alerts the user's country's progress and whether the
    user's authority has read it. No personal data."""
    qs = policy.alerts_visible_to(user).filter(_section_q(user, filters.section))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.section == RECEIVED:
        authority_id = _authority_id(user)
        qs = qs.annotate(
            country_status=Subquery(
                AlertRecipient.objects.filter(
                    alert=OuterRef("pk"), coordinator_id=authority_id
                ).values("status")[:1]
            ),
            unread=Exists(
                AlertDistribution.objects.filter(
                    recipient__alert=OuterRef("pk"),
                    authority_id=authority_id,
                    first_read_at=None,
                )
            ),
        )
    return qs.select_related("sending_authority__country", "area").order_by(
        "-sent_at", "-created_at", "-pk"
    )


def alert_section_counts_list(*, user: User) -> dict[str, int]:
    """How many alerts each section holds (one query per section, whatever the numbers)."""
    visible = policy.alerts_visible_to(user)
    return {section: visible.filter(_section_q(user, section)).count() for section in SECTIONS}


def alert_get(*, user: User, pk: int) -> Alert:
    """One alert the user may see (``Alert.DoesNotExist`` otherwise: not found = not yours)."""
    return (
        policy.alerts_visible_to(user)
        .select_related(
            "sending_authority__country",
            "validating_coordinator__country",
            "area",
            "personal_data",
            "author",
        )
        .get(pk=pk)
    )


def alert_updates_list(*, alert: Alert, parties: frozenset[str]) -> list[AlertUpdate]:
    """The texts the alert's life added, as the user may read them: validated information
    and closures and the withdrawal for every party; pending and returned ones, and the
    reasons for a return, for the sending country only."""
    from openimi.access.alerts import SENDER, VALIDATOR

    qs = alert.updates.select_related("author__authority")
    if not parties & {SENDER, VALIDATOR}:
        qs = qs.filter(Q(status=AlertUpdate.Status.VALIDATED) | Q(kind=AlertUpdate.Kind.WITHDRAWAL))
    return list(qs)


def alert_attachment_list(*, alert: Alert) -> list[AlertAttachment]:
    return list(alert.attachments.all())


def alert_attachment_get(*, user: User, alert_pk: int, pk: int) -> AlertAttachment:
    """A document of an alert the user may see (``DoesNotExist`` otherwise)."""
    return AlertAttachment.objects.select_related("alert").get(
        pk=pk, alert__in=policy.alerts_visible_to(user).filter(pk=alert_pk)
    )


def alert_recipient_list(*, alert: Alert, user: User, parties: frozenset[str]) -> list:
    """The recipient countries the user may follow: every one for the sending country, its
    own for a recipient coordinator, none for an authority the alert was distributed to; each
    with the authorities it was passed to and whether they read it."""
    from openimi.access.alerts import RECIPIENT_COORDINATOR, SENDER, VALIDATOR

    qs = alert.recipients.select_related("country", "coordinator").prefetch_related(
        "distributions__authority"
    )
    if parties & {SENDER, VALIDATOR}:
        return list(qs)
    if RECIPIENT_COORDINATOR in parties:
        return list(qs.filter(policy.alert_recipients_for(user)))
    return []


def alert_own_recipient_get(*, alert: Alert, user: User) -> AlertRecipient:
    """The recipient row of the user's country for this alert (``DoesNotExist`` otherwise)."""
    return (
        AlertRecipient.objects.filter(policy.alert_recipients_for(user))
        .select_related("alert", "country")
        .get(alert=alert)
    )


def alert_events_list(*, alert: Alert, parties: frozenset[str]) -> list[AlertEvent]:
    """The timeline: no audit entries; the sending country's own steps only for it."""
    from openimi.access.alerts import SENDER, VALIDATOR

    audiences = [AlertEvent.Audience.ALL]
    if parties & {SENDER, VALIDATOR}:
        audiences.append(AlertEvent.Audience.SENDER)
    return list(
        alert.events.filter(audience__in=audiences).select_related("actor_authority", "country")
    )
