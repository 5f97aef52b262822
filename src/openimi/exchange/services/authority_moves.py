"""Requests that move with an authority's life (issue 19, ``network.services.lifecycle``): an
authority being deactivated hands its open requests to another authority of its country, and
one merged into another (a municipal merger) passes every request to the continuing one.

Each moved request gets a ``request.authority_moved`` event saying which side moved, from
which authority to which; nobody is e-mailed (the coordinator tells the authorities).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access import requests as rules
from openimi.access.policy import Action
from openimi.common.errors import ApplicationError
from openimi.exchange import events
from openimi.exchange.models import InformationRequest
from openimi.exchange.services._base import finish
from openimi.exchange.workflow import FINAL_STATES, WITH_RESPONDER

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.authorities.models import Authority

# ``data``: the side that moved ("requesting" or "responding") and the two authorities' ids.
AUTHORITY_MOVED = events.AUTHORITY_MOVED

REQUESTING, RESPONDING = "requesting", "responding"


def _open_sent(authority_id: int) -> Q:
    """Drafts and sent requests of the authority that have not ended."""
    return Q(requesting_authority_id=authority_id) & ~Q(status__in=FINAL_STATES)


def _open_received(authority_id: int) -> Q:
    """Requests that reached the authority and have not ended."""
    return Q(responding_authority_id=authority_id, status__in=WITH_RESPONDER)


def authority_open_request_count(*, authority: Authority, area_id: int | None = None) -> int:
    """How many requests of ``authority`` are open (its drafts and sent ones, those it
    received), in ``area_id`` when given."""
    qs = InformationRequest.objects.filter(_open_sent(authority.pk) | _open_received(authority.pk))
    if area_id is not None:
        qs = qs.filter(area_id=area_id)
    return qs.count()


def requests_move_to_authority(
    *, actor: User, source: Authority, target: Authority, open_only: bool
) -> int:
    """Give ``source``'s requests to ``target``: those it received (its allocations end) get
    ``target`` as responding authority, those it sent and its drafts get it as requesting
    authority. ``open_only``: only the open ones (handing over before a deactivation); else
    every request (a merger). Returns how many requests moved. Call it inside the caller's
    transaction; refused unless the actor may restructure ``source``."""
    policy.require(actor, Action.AUTHORITY_RESTRUCTURE, source)
    if target.pk == source.pk or target.country_id != source.country_id or not target.is_active:
        raise ApplicationError(
            _("Choose another active authority of the same country."), field="target"
        )
    if open_only:
        sent, received = _open_sent(source.pk), _open_received(source.pk)
    else:
        sent, received = Q(requesting_authority_id=source.pk), Q(responding_authority_id=source.pk)
    moved: set[int] = set()
    with transaction.atomic():
        rows = list(
            InformationRequest.objects.select_for_update().filter(sent | received).order_by("pk")
        )
        if open_only:
            refused = [
                row
                for row in rows
                if row.responding_authority_id == source.pk
                and row.status in WITH_RESPONDER
                and not rules.can_receive_requests(target, row.area)
            ]
            if refused:
                raise ApplicationError(
                    _(
                        "%(authority)s does not receive requests in the legislative area of "
                        "%(count)s open request(s). Choose another authority, or add the area "
                        "to it first."
                    )
                    % {"authority": target.official_name, "count": len(refused)},
                    field="target",
                )
        now = timezone.now()
        for info_request in rows:
            sides = []
            if info_request.requesting_authority_id == source.pk and (
                not open_only or info_request.status not in FINAL_STATES
            ):
                info_request.requesting_authority = target
                sides.append((REQUESTING, "requesting_authority"))
            if info_request.responding_authority_id == source.pk and (
                not open_only or info_request.status in WITH_RESPONDER
            ):
                info_request.allocations.filter(is_active=True).update(
                    is_active=False, ended_at=now
                )
                info_request.responding_authority = target
                sides.append((RESPONDING, "responding_authority"))
            for side, field in sides:
                finish(
                    info_request=info_request,
                    actor=actor,
                    code=AUTHORITY_MOVED,
                    from_status=info_request.status,
                    fields=[field],
                    data={"side": side, "from_authority": source.pk, "to_authority": target.pk},
                )
                moved.add(info_request.pk)
    return len(moved)
