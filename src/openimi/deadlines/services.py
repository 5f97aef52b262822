"""Deadline reminders and escalations, written to the outbox (DESIGN rule 4).

``deadline_check`` runs from a periodic task. For every request with an open deadline it
writes, at most once each (the outbox key is request × deadline kind × deadline date × stage
× recipient):

- a **reminder** to whoever must act at the responding authority (the allocated handlers, or
  every request handler for the area, or the allocators while nobody is allocated) and its
  general address, when a lead time of ``DEADLINES_REMINDER_DAYS`` is reached;
- an **escalation** to the supervising coordinator of the late authority (its request
  handlers for the area and its general address) when the request is still overdue
  ``DEADLINES_ESCALATION_AFTER_DAYS`` after the deadline.

A new deadline (a new reply date, a forward) has a new date and so new keys. Like every
e-mail these carry no personal data: the request number, the authorities, the area, dates.
Reminders and escalations are always sent at once, never held for a daily digest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openimi.access import requests as rules
from openimi.authorities.models import Authority
from openimi.common.i18n import translated
from openimi.deadlines import dates
from openimi.deadlines.selectors import ACCEPTANCE, ACCEPTANCE_STATES, REPLY, REPLY_STATES
from openimi.exchange.models import InformationRequest
from openimi.exchange.notify import request_link
from openimi.notifications.models import OutboxMessage
from openimi.notifications.services import outbox_render_and_enqueue

REMINDER, ESCALATION = "reminder", "escalation"
EVENT_CODES = {REMINDER: "deadline.reminder", ESCALATION: "deadline.escalation"}


@dataclass
class CheckResult:
    reminders: int = 0
    escalations: int = 0


def deadline_check(*, now: dt.datetime | None = None) -> CheckResult:
    """Write the reminders and escalations due today; idempotent (run it as often as liked)."""
    today = timezone.localdate(now or timezone.now())
    horizon = today + dt.timedelta(days=dates.lookahead_days())
    candidates = (
        InformationRequest.objects.filter(
            Q(status__in=list(ACCEPTANCE_STATES), acceptance_deadline__lte=horizon)
            | Q(status__in=list(REPLY_STATES), reply_by__lte=horizon)
        )
        .select_related("area", "requesting_authority", "responding_authority")
        .order_by("pk")
    )
    result = CheckResult()
    for info_request in candidates.iterator(chunk_size=200):
        for kind, deadline in _deadlines(info_request):
            if today >= dates.escalation_date(deadline):
                result.escalations += _send(info_request, kind, deadline, ESCALATION, "")
                continue
            lead = dates.reminder_due(deadline, today)
            if lead is not None:
                result.reminders += _send(info_request, kind, deadline, REMINDER, str(lead))
    return result


def _deadlines(info_request: InformationRequest) -> list[tuple[str, dt.date]]:
    found = []
    if info_request.status in ACCEPTANCE_STATES and info_request.acceptance_deadline:
        found.append((ACCEPTANCE, info_request.acceptance_deadline))
    if info_request.status in REPLY_STATES and info_request.reply_by:
        found.append((REPLY, info_request.reply_by))
    return found


def _recipients(info_request: InformationRequest, stage: str) -> tuple[list, Authority | None]:
    """The users to write to and the authority whose general address gets a copy."""
    if stage == ESCALATION:
        coordinator_id = rules.supervising_coordinator_id(info_request, rules.RESPONDING)
        if coordinator_id is None:
            return [], None
        users = list(rules.request_handlers_of(coordinator_id, info_request.area_id))
        return users, Authority.objects.get(pk=coordinator_id)
    users = list(rules.responding_actors(info_request))
    if not users and rules.uses_allocation(info_request):
        users = list(
            rules.allocators_of(info_request.responding_authority_id, info_request.area_id)
        )
    return users, info_request.responding_authority


def _send(
    info_request: InformationRequest, kind: str, deadline: dt.date, stage: str, lead: str
) -> int:
    """Write one stage's e-mails for one deadline; returns how many were new."""
    users, authority = _recipients(info_request, stage)
    addresses: dict[str, tuple[str, object, int | None]] = {}
    for user in users:
        if user.email:
            addresses.setdefault(user.email.lower(), (user.language, user, user.authority_id))
    if authority is not None and authority.email:
        addresses.setdefault(authority.email.lower(), (authority.language_id, None, authority.pk))
    key_base = f"deadline:{info_request.pk}:{kind}:{deadline.isoformat()}:{stage}{lead}"
    keys = {email: f"{key_base}:{email}" for email in addresses}
    sent = set(OutboxMessage.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    created = 0
    with transaction.atomic():
        for email, (language, user, authority_id) in addresses.items():
            if keys[email] in sent:
                continue
            outbox_render_and_enqueue(
                key=keys[email],
                template=f"deadline_{stage}",
                context=_context(info_request, kind, deadline, language),
                recipient_email=email,
                language=language,
                event_code=EVENT_CODES[stage],
                recipient_user=user,
                authority=Authority(pk=authority_id) if authority_id else None,
            )
            created += 1
    return created


def _context(
    info_request: InformationRequest, kind: str, deadline: dt.date, language: str
) -> dict[str, object]:
    responding = info_request.responding_authority
    return {
        "reference": info_request.reference,
        "is_practice": info_request.is_practice,
        "kind": kind,
        "deadline": deadline,
        "area": translated(info_request.area.names, language),
        "requesting_authority": info_request.requesting_authority.title_for(language)[0],
        "responding_authority": responding.title_for(language)[0] if responding else "",
        "link": request_link(info_request.pk),
    }
