"""The personal-data lifecycle of alerts (issue 22): removed ``ALERT_RETENTION_DAYS`` after the
alert ended, with no trace left.

What goes, once a closed or withdrawn alert's period is over: the person (``AlertPersonalData``,
the whole row), every free text that may name them (``personal(...)`` fields: the alert's
restriction scope, description and measures; the updates' texts and return reasons), the
documents (rows, and files once the transaction commits); whatever of the person's name,
identifier, place of birth, address or the documents' names was copied into event data or
outbox e-mails is replaced by ``[removed]``. What stays is the skeleton for the statistics and
the history: kind, area, dates, authorities, countries, the event log. The alert gets
``personal_data_removed_at`` and an ``alert.personal_data_deleted`` event with no actor. There
is no blocking step for alerts: Article 56a(7) of Directive 2005/36/EC asks for deletion.

Drafts never submitted (nobody outside the sender's authority ever saw them) and left alone for
the same period are deleted whole, with their documents: no event tells of them since the
events go with them; the job logs how many.

As for requests (``retention.services``), the work is done in batches of one short transaction
each, sized by a ``BatchSizer`` so that a batch holds its row locks about
``RETENTION_BATCH_SECONDS``; the alert rows are locked with ``SKIP LOCKED`` (an alert someone
is working on waits for the next run), the rest is a few set-based statements per batch. Every
step is idempotent: a cleared alert is not due again, a deleted draft is gone.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from openimi.alerts import events as alert_events
from openimi.alerts.models import (
    Alert,
    AlertAttachment,
    AlertDistribution,
    AlertEvent,
    AlertPersonalData,
    AlertRecipient,
    AlertUpdate,
)
from openimi.alerts.types import AlertType
from openimi.alerts.workflow import State
from openimi.common import content_cache
from openimi.retention.services import (
    _MIN_TERM_LENGTH,
    BatchSizer,
    _delete_files,
    _Redactor,
    _scrub,
    redact_outbox,
    sqlite_erase_after,
    sqlite_erase_before,
)

logger = logging.getLogger(__name__)

ENDED_STATES = (State.CLOSED, State.WITHDRAWN)
# The free texts of an alert and of its updates that may name the person (``personal(...)``).
ALERT_TEXTS = ("restriction_scope", "description", "measures")
UPDATE_TEXTS = ("text", "return_reason")
# The person's data searched for in copies; the nationality and the date of birth are no
# search terms: alone they name nobody, and "Dutch" would be cut out of every e-mail.
_TERM_FIELDS = ("full_name", "identifier", "place_of_birth", "address")
# Outbox keys of alert e-mails: "alerts:<event id>:<recipient>" (alerts.notify; as
# "exchange:" for requests).
OUTBOX_KEY_PREFIX = "alerts"


@dataclass(frozen=True)
class AlertRunResult:
    cleared: int = 0  # ended alerts whose personal data was removed
    drafts_deleted: int = 0  # drafts never submitted, deleted whole

    def __add__(self, other: AlertRunResult) -> AlertRunResult:
        return AlertRunResult(
            self.cleared + other.cleared, self.drafts_deleted + other.drafts_deleted
        )


def retention_days(alert_type: str) -> int | None:
    """The days an ended alert of this kind keeps its personal data: the kind's own entry in
    ``ALERT_RETENTION_DAYS``, else its ``"*"`` entry; ``None`` when neither is set (kept)."""
    periods = settings.ALERT_RETENTION_DAYS
    days = periods.get(alert_type, periods.get("*"))
    return None if days is None else int(days)


def alert_retention_run(
    *,
    now: dt.datetime | None = None,
    batch_size: int | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> AlertRunResult:
    """Remove the personal data of the alerts whose period is over, and delete the abandoned
    drafts, kind by kind, in batches (see the module's docstring). Idempotent.

    ``batch_size`` fixes the size of every batch; without it the batches adapt to
    ``RETENTION_BATCH_SECONDS``, read with ``clock``."""
    now = now or timezone.now()
    sizer = BatchSizer(
        size=batch_size or settings.RETENTION_BATCH_SIZE,
        target=settings.RETENTION_BATCH_SECONDS,
        clock=clock,
    )
    if batch_size:
        sizer.minimum = sizer.maximum = batch_size
    result = AlertRunResult()
    sqlite_erase_before(connection)
    for alert_type in AlertType.values:
        days = retention_days(alert_type)
        if days is None:
            logger.warning("Retention: no ALERT_RETENTION_DAYS for %s alerts: kept", alert_type)
            continue
        cutoff = now - dt.timedelta(days=days)
        due = Alert.objects.filter(
            alert_type=alert_type,
            status__in=ENDED_STATES,
            closed_at__lte=cutoff,
            personal_data_removed_at__isnull=True,
        )
        cleared = _in_batches(due, partial(_clear, cutoff=cutoff, now=now), sizer)
        drafts = abandoned_drafts(Alert.objects.filter(alert_type=alert_type), cutoff)
        deleted = _in_batches(drafts, partial(_delete_drafts, cutoff=cutoff), sizer)
        result += AlertRunResult(cleared=cleared, drafts_deleted=deleted)
    if result.cleared or result.drafts_deleted:
        logger.info(
            "Retention: alerts cleared %s, drafts deleted %s", result.cleared, result.drafts_deleted
        )
        sqlite_erase_after(connection)
    return result


def abandoned_drafts(alerts: QuerySet[Alert], cutoff: dt.datetime) -> QuerySet[Alert]:
    """``alerts`` narrowed to the drafts never submitted, unchanged since ``cutoff`` and with
    nothing done to them since (an attachment added, the draft read). A returned draft was
    submitted once: it is not one of them."""
    recent = AlertEvent.objects.filter(alert=OuterRef("pk"), created_at__gt=cutoff)
    return alerts.filter(
        status=State.DRAFT, submitted_at__isnull=True, updated_at__lte=cutoff
    ).filter(~Exists(recent))


def _in_batches(due: QuerySet[Alert], work: Callable[[list[int]], int], sizer: BatchSizer) -> int:
    done, last_pk = 0, 0
    while True:
        # Keyset pagination: an alert skipped because it was locked is not asked for again.
        pks = list(
            due.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[: sizer.size]
        )
        if not pks:
            return done
        done += sizer.timed(work, pks)
        last_pk = pks[-1]


def _clear(pks: list[int], *, cutoff: dt.datetime, now: dt.datetime) -> int:
    """Remove the personal data of one batch of ended alerts in one transaction."""
    with transaction.atomic():
        rows = list(
            Alert.objects.select_for_update(skip_locked=True)
            .filter(
                pk__in=pks,
                status__in=ENDED_STATES,
                closed_at__lte=cutoff,
                personal_data_removed_at__isnull=True,
            )
            .values_list("pk", "status", "sending_authority_id", "validating_coordinator_id")
        )
        if not rows:
            return 0
        ids = [pk for pk, *_rest in rows]
        terms = _terms(ids)
        files = list(
            AlertAttachment.objects.filter(alert_id__in=ids)
            .exclude(file="")
            .values_list("file", flat=True)
        )
        parties = _parties(ids) | {pk for row in rows for pk in row[2:]}
        counts: dict[int, dict[str, int]] = {pk: defaultdict(int) for pk in ids}
        for alert_id in AlertAttachment.objects.filter(alert_id__in=ids).values_list(
            "alert_id", flat=True
        ):
            counts[alert_id]["attachments"] += 1
        for alert_id in AlertPersonalData.objects.filter(alert_id__in=ids).values_list(
            "alert_id", flat=True
        ):
            counts[alert_id]["personal_data"] = 1
        AlertPersonalData.objects.filter(alert_id__in=ids).delete()
        AlertAttachment.objects.filter(alert_id__in=ids).delete()
        empty = dict.fromkeys(ALERT_TEXTS, "")
        Alert.objects.filter(pk__in=ids).update(**empty, personal_data_removed_at=now)
        AlertUpdate.objects.filter(alert_id__in=ids).filter(
            ~Q(text="") | ~Q(return_reason="")
        ).update(**dict.fromkeys(UPDATE_TEXTS, ""))
        for pk, changed in _redact_copies(ids, terms).items():
            counts[pk]["copies_redacted"] = changed
        statuses = {pk: status for pk, status, *_rest in rows}
        # The history says what happened (DESIGN rule 3): an event per alert, no actor; the
        # data holds counts only.
        AlertEvent.objects.bulk_create(
            AlertEvent(
                alert_id=pk,
                code=alert_events.PERSONAL_DATA_DELETED,
                from_status=statuses[pk],
                to_status=statuses[pk],
                audience=AlertEvent.Audience.ALL,
                data={"removed": dict(counts[pk])},
                created_at=now,
            )
            for pk in ids
        )
        transaction.on_commit(lambda: _delete_files(files))
        # Cached pages of the parties' authorities showed what was just removed.
        content_cache.changed(authorities=parties)
    return len(ids)


def _delete_drafts(pks: list[int], *, cutoff: dt.datetime) -> int:
    """Delete one batch of abandoned drafts whole, in one transaction."""
    with transaction.atomic():
        locked = Alert.objects.select_for_update(skip_locked=True).filter(pk__in=pks)
        # Checked again under the lock: the draft may have been submitted or edited since.
        ids = list(abandoned_drafts(locked, cutoff).values_list("pk", flat=True))
        if not ids:
            return 0
        files = list(
            AlertAttachment.objects.filter(alert_id__in=ids)
            .exclude(file="")
            .values_list("file", flat=True)
        )
        authorities = set(
            Alert.objects.filter(pk__in=ids).values_list("sending_authority_id", flat=True)
        )
        # The events of a draft are deleted with it: append-only holds for people, and no
        # one but its authority ever saw the draft.
        Alert.objects.filter(pk__in=ids).delete()
        transaction.on_commit(lambda: _delete_files(files))
        content_cache.changed(authorities=authorities)
    return len(ids)


def _parties(ids: list[int]) -> set[int]:
    """The recipient coordinators and the authorities the alerts were distributed to."""
    coordinators = set(
        AlertRecipient.objects.filter(alert_id__in=ids).values_list("coordinator_id", flat=True)
    )
    distributed = set(
        AlertDistribution.objects.filter(recipient__alert_id__in=ids).values_list(
            "authority_id", flat=True
        )
    )
    return coordinators | distributed


def _terms(ids: list[int]) -> dict[int, list[str]]:
    """The identifying strings of each alert (the person's data, the documents' names), to
    find copies of them elsewhere; longest first, so that a longer term wins."""
    found: dict[int, set[str]] = defaultdict(set)
    for pk, *values in AlertPersonalData.objects.filter(alert_id__in=ids).values_list(
        "alert_id", *_TERM_FIELDS
    ):
        found[pk] |= {str(value).strip() for value in values if value}
    for pk, name in AlertAttachment.objects.filter(alert_id__in=ids).values_list(
        "alert_id", "original_name"
    ):
        found[pk].add(name.strip())
    return {
        pk: sorted(
            (t for t in terms if len(t) >= _MIN_TERM_LENGTH and not t.isdigit()),
            key=len,
            reverse=True,
        )
        for pk, terms in found.items()
    }


def _redact_copies(ids: list[int], terms: dict[int, list[str]]) -> dict[int, int]:
    """Replace the terms wherever they were copied: event data and outbox e-mails. Returns the
    number of rows changed per alert."""
    changed: dict[int, int] = defaultdict(int)
    redactor = _Redactor(terms)
    if not redactor.ids:
        return changed
    events = []
    for event_pk, alert_pk, data in (
        AlertEvent.objects.filter(alert_id__in=redactor.ids)
        .exclude(data={})
        .values_list("pk", "alert_id", "data")
    ):
        cleaned = _scrub(data, alert_pk, redactor)
        if cleaned != data:
            # Events are append-only for people; removing personal data is the one exception
            # (bulk_update writes with UPDATE, past ``AlertEvent.save``).
            events.append(AlertEvent(pk=event_pk, data=cleaned))
            changed[alert_pk] += 1
    AlertEvent.objects.bulk_update(events, ["data"], batch_size=500)
    prefixes = [
        (f"{OUTBOX_KEY_PREFIX}:{event_pk}:", alert_pk)
        for event_pk, alert_pk in AlertEvent.objects.filter(alert_id__in=redactor.ids).values_list(
            "pk", "alert_id"
        )
    ]
    redact_outbox(prefixes, redactor, changed)
    return changed
