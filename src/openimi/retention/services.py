"""The personal-data lifecycle: block and delete (DESIGN: "removed on a fixed schedule").

What goes: the provider's personal data (``PersonalData``), the documents (rows and files),
and every free text of the request (justification, typed answers and date answers,
notes, mediation messages), since any of them may name a person; whatever of these was copied
into event data, outbox e-mails or operator justifications is replaced by ``[removed]``.
What stays is a skeleton for the statistics: dates, authorities, countries, area, question
codes, yes/no and choice answers, standard answers chosen, the event log.

Blocking moves the same things into ``BlockedPersonalData`` (and the files under
``retention/blocked/``), where no page or e-mail reaches them; deleting removes that too.

The job works in batches, one short transaction per batch; the first has ``RETENTION_BATCH_SIZE``
requests and each next one is sized from the last one's duration so that a batch holds its
locks about ``RETENTION_BATCH_SECONDS`` (issue 21: a fixed 200 held rows up to 1.9 s when the
database was busy; ``BatchSizer``):
the batch's request rows are locked with ``SKIP LOCKED`` (a request someone is working on at
that moment waits for the next run), everything else is done with a few set-based statements.
Files are removed from storage after the transaction commits. Every step is idempotent.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import or_
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.authorities.models import LegislativeArea
from openimi.common import content_cache
from openimi.common.errors import ApplicationError
from openimi.exchange import events as exchange_events
from openimi.exchange.models import (
    Answer,
    Attachment,
    InformationRequest,
    MediationMessage,
    PersonalData,
    Question,
    RequestEvent,
    RequestMessage,
)
from openimi.exchange.workflow import FINAL_STATES
from openimi.notifications.models import OutboxMessage
from openimi.privacy import retention as privacy_retention  # privacy: corrections, contest marks
from openimi.retention import schedule
from openimi.retention.models import (
    BlockedAccessLog,
    BlockedPersonalData,
    DeletionLog,
    Lifecycle,
    RetentionState,
)

logger = logging.getLogger(__name__)

REMOVED = "[removed]"
BLOCK, DELETE = "block", "delete"
# Shorter values (a two-letter country code, "BV") would redact ordinary words.
_MIN_TERM_LENGTH = 4
# Outbox keys that may belong to a request: exchange e-mails ("exchange:<event id>:…") and
# deadline e-mails ("deadline:<request id>:…").
_OUTBOX_PREFIX_CHUNK = 200


@dataclass(frozen=True)
class RunResult:
    blocked: int = 0
    deleted: int = 0

    def __add__(self, other: RunResult) -> RunResult:
        return RunResult(self.blocked + other.blocked, self.deleted + other.deleted)


@dataclass
class BatchSizer:
    """The size of the next batch, from how long the last one took: a batch should hold its
    row locks about ``target`` seconds. It grows at most twofold and shrinks at once (a slow
    batch is what must not repeat), between ``minimum`` and ``maximum`` requests; the rate
    stays that of the fixed size while the database is quick, and a busy database gets
    shorter transactions instead of longer locks."""

    size: int
    target: float
    minimum: int = 10
    maximum: int = 5000
    clock: Callable[[], float] = time.monotonic

    def timed(self, work: Callable[[list[int]], Any], pks: list[int]) -> Any:
        started = self.clock()
        done = work(pks)
        self.record(len(pks), self.clock() - started)
        return done

    def record(self, count: int, seconds: float) -> None:
        if count < self.size and seconds <= self.target:
            return  # a short last batch says nothing about the rate
        per_request = max(seconds, 1e-6) / max(count, 1)
        wanted = int(self.target / per_request)
        self.size = max(self.minimum, min(self.maximum, wanted, self.size * 2))


def retention_run(
    *,
    now: dt.datetime | None = None,
    batch_size: int | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> RunResult:
    """Block and delete the personal data that is due, area by area, in batches.

    Idempotent: a request is blocked once and deleted once; a second run finds nothing.
    ``batch_size`` fixes the size of every batch (the benchmarks compare); without it the
    batches adapt to ``RETENTION_BATCH_SECONDS`` (``BatchSizer``), read with ``clock``.
    """
    now = now or timezone.now()
    sizer = BatchSizer(
        size=batch_size or settings.RETENTION_BATCH_SIZE,
        target=settings.RETENTION_BATCH_SECONDS,
        clock=clock,
    )
    if batch_size:
        sizer.minimum = sizer.maximum = batch_size
    result = RunResult()
    sqlite_erase_before(connection)
    for area_id, area_code in LegislativeArea.objects.values_list("pk", "code").order_by("pk"):
        lifecycle, block_cutoff, delete_cutoff = schedule.cutoffs(area_code, now)
        ended = InformationRequest.objects.filter(area_id=area_id, status__in=FINAL_STATES)
        if block_cutoff is not None:
            due = ended.filter(closed_at__lte=block_cutoff, retention__isnull=True)
            result += _in_batches(due, BLOCK, lifecycle, now, sizer)
        due = ended.filter(closed_at__lte=delete_cutoff).filter(
            Q(retention__isnull=True) | Q(retention__deleted_at__isnull=True)
        )
        result += _in_batches(due, DELETE, lifecycle, now, sizer)
    if result.blocked or result.deleted:
        logger.info("Retention: blocked %s, deleted %s", result.blocked, result.deleted)
        sqlite_erase_after(connection)
    return result


def sqlite_erase_before(db: Any) -> None:
    """On SQLite, make this connection overwrite what it deletes with zeros (by default the
    freed pages keep the old values until reused)."""
    if db.vendor == "sqlite":
        with db.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def sqlite_erase_after(db: Any) -> None:
    """On SQLite, copy the write-ahead log into the database and empty it: the log still holds
    the pages as they were before the deletion. Nothing to do on PostgreSQL (its WAL and
    backups are the operator's: docs/operations.md). A reader holding the log open makes the
    checkpoint incomplete: logged, and done by the next run or SQLite's own checkpoints."""
    if db.vendor != "sqlite" or db.in_atomic_block:
        return
    with db.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy, _log, _done = cursor.fetchone()
    if busy:
        logger.warning("Retention: the SQLite write-ahead log could not be emptied (busy)")


def personal_data_delete(
    *, info_request: InformationRequest, now: dt.datetime | None = None
) -> DeletionLog | None:
    """Delete the personal data of one ended request now (blocked data included).

    Returns the log entry, or ``None`` when there was nothing left to delete.
    """
    return _one(info_request, DELETE, now)


def personal_data_block(
    *, info_request: InformationRequest, now: dt.datetime | None = None
) -> DeletionLog | None:
    """Block the personal data of one ended request now: move it out of reach of every user.

    Returns the log entry, or ``None`` when it was already blocked or deleted.
    """
    return _one(info_request, BLOCK, now)


def blocked_personal_data_read(
    *, info_request_id: int, operator: str, justification: str
) -> BlockedPersonalData:
    """The blocked personal data of one request, for an operator; the read is recorded with
    its justification before anything is returned."""
    justification = (justification or "").strip()
    if len(justification) < 10:
        raise ApplicationError(_("Give a justification of at least 10 characters."))
    if not operator.strip():
        raise ApplicationError(_("Say who is reading."))
    with transaction.atomic():
        blocked = BlockedPersonalData.objects.filter(info_request_id=info_request_id).first()
        if blocked is None:
            raise ApplicationError(_("This request has no blocked personal data."))
        BlockedAccessLog.objects.create(
            info_request_id=info_request_id,
            operator=operator.strip()[:150],
            justification=justification,
        )
    return blocked


# --- The work --------------------------------------------------------------------------------


def _one(
    info_request: InformationRequest, step: str, now: dt.datetime | None
) -> DeletionLog | None:
    info_request = InformationRequest.objects.select_related("area").get(pk=info_request.pk)
    if info_request.status not in FINAL_STATES:
        raise ApplicationError(_("Personal data is kept while the request is open."))
    lifecycle = schedule.lifecycle_for(info_request.area.code)
    state = RetentionState.objects.filter(info_request=info_request).first()
    if state and (state.deleted_at or (step == BLOCK and state.blocked_at)):
        return None
    sqlite_erase_before(connection)
    logs = _process([info_request.pk], step, lifecycle, now or timezone.now())
    if logs:
        sqlite_erase_after(connection)
    return logs[0] if logs else None


def _in_batches(
    due: Any, step: str, lifecycle: Lifecycle, now: dt.datetime, sizer: BatchSizer
) -> RunResult:
    done, last_pk = 0, 0

    def work(pks: list[int]) -> list[DeletionLog]:
        return _process(pks, step, lifecycle, now)

    while True:
        # Keyset pagination: a request skipped because it was locked is not asked for again.
        batch = due.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)
        pks = list(batch[: sizer.size])
        if not pks:
            break
        done += len(sizer.timed(work, pks))
        last_pk = pks[-1]
    return RunResult(blocked=done) if step == BLOCK else RunResult(deleted=done)


def _process(
    pks: list[int], step: str, lifecycle: Lifecycle, now: dt.datetime
) -> list[DeletionLog]:
    """Block or delete one batch in one transaction; returns the log entries written."""
    new_files: list[str] = []
    try:
        with transaction.atomic():
            rows: list[tuple[Any, ...]] = list(
                InformationRequest.objects.select_for_update(skip_locked=True)
                .filter(pk__in=pks, status__in=FINAL_STATES)
                .values_list(
                    "pk",
                    "closed_at",
                    "justification",
                    "requesting_authority_id",
                    "responding_authority_id",
                    "status",
                )
            )
            if not rows:
                return []
            parties = {
                pk
                for *_, requesting, responding, _status in rows
                for pk in (requesting, responding)
            }
            statuses = {row[0]: row[-1] for row in rows}
            rows = [(pk, closed_at, text) for pk, closed_at, text, *_ in rows]
            ids = [pk for pk, _closed, _text in rows]
            batch = _Batch.load(ids, {pk: text for pk, _closed, text in rows})
            if step == BLOCK:
                new_files = batch.move_to_vault(now)
            counts = batch.remove(vault_too=step == DELETE)
            states = [
                RetentionState(
                    info_request_id=pk,
                    lifecycle=lifecycle,
                    blocked_at=now if step == BLOCK else None,
                    deleted_at=now if step == DELETE else None,
                )
                for pk in ids
            ]
            RetentionState.objects.bulk_create(
                states,
                update_conflicts=True,
                unique_fields=["info_request"],
                update_fields=["lifecycle", "blocked_at" if step == BLOCK else "deleted_at"],
            )
            action = DeletionLog.Action.BLOCKED if step == BLOCK else DeletionLog.Action.DELETED
            logs = DeletionLog.objects.bulk_create(
                DeletionLog(
                    info_request_id=pk,
                    action=action,
                    lifecycle=lifecycle,
                    closed_at=closed_at,
                    performed_at=now,
                    removed=counts[pk],
                )
                for pk, closed_at, _text in rows
            )
            # The history says what happened (DESIGN rule 3): an event per request, no actor.
            RequestEvent.objects.bulk_create(
                RequestEvent(
                    info_request_id=pk,
                    code=(
                        exchange_events.PERSONAL_DATA_BLOCKED
                        if step == BLOCK
                        else exchange_events.PERSONAL_DATA_DELETED
                    ),
                    from_status=statuses[pk],
                    to_status=statuses[pk],
                    audience=RequestEvent.Audience.ALL,
                    data={"lifecycle": str(lifecycle)},
                    created_at=now,
                )
                for pk in ids
            )
            old_files = batch.files_to_delete(vault_too=step == DELETE)
            transaction.on_commit(lambda: _delete_files(old_files))
            # Cached pages of these requests' authorities showed the data just removed.
            content_cache.changed(authorities=parties)
    except BaseException:
        _delete_files(new_files)  # copies made for a vault that was never written
        raise
    return logs


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("Retention: could not delete a file from storage")


class _Batch:
    """The personal data of a batch of requests, read once, then moved and/or removed."""

    def __init__(self, ids: list[int], justifications: dict[int, str]) -> None:
        self.ids = ids
        self.justifications = justifications
        self.personal: dict[int, dict[str, Any]] = {}
        self.attachments: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.messages: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.mediation: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.answers: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.vault: dict[int, BlockedPersonalData] = {}
        self.privacy: dict[int, dict[str, Any]] = {}  # privacy: corrections, contest marks

    @classmethod
    def load(cls, ids: list[int], justifications: dict[int, str]) -> _Batch:
        batch = cls(ids, justifications)
        fields = PersonalData.data_fields()
        for row in PersonalData.objects.filter(info_request_id__in=ids).values(
            "info_request_id", *(f if f != "country" else "country_id" for f in fields)
        ):
            batch.personal[row.pop("info_request_id")] = _jsonable(row)
        for row in Attachment.objects.filter(info_request_id__in=ids).values(
            "pk",
            "info_request_id",
            "request_question_id",
            "side",
            "file",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "created_at",
        ):
            batch.attachments[row["info_request_id"]].append(_jsonable(row))
        for row in RequestMessage.objects.filter(info_request_id__in=ids).values(
            "pk", "info_request_id", "event_id", "kind", "text", "language", "created_at"
        ):
            batch.messages[row["info_request_id"]].append(_jsonable(row))
        for row in MediationMessage.objects.filter(info_request_id__in=ids).values(
            "pk", "info_request_id", "author_authority_id", "text", "language", "created_at"
        ):
            batch.mediation[row["info_request_id"]].append(_jsonable(row))
        for row in _personal_answers(ids).values(
            "pk",
            "request_question__info_request_id",
            "request_question__question__code",
            "request_question__question__answer_type",
            "value",
            "free_text",
            "free_text_language",
        ):
            batch.answers[row["request_question__info_request_id"]].append(_jsonable(row))
        batch.privacy = privacy_retention.collect(ids)  # privacy
        batch.vault = {
            v.info_request_id: v
            for v in BlockedPersonalData.objects.filter(info_request_id__in=ids)
        }
        return batch

    def move_to_vault(self, now: dt.datetime) -> list[str]:
        """Copy everything into ``BlockedPersonalData`` (files under ``retention/blocked/``);
        returns the new file names so that a failure can remove them again."""
        created, new_files = [], []
        for pk in self.ids:
            if pk in self.vault:
                continue
            files = []
            for attachment in self.attachments[pk]:
                suffix = PurePath(attachment["file"]).suffix[:10]
                with default_storage.open(attachment["file"], "rb") as source:
                    name = default_storage.save(
                        f"retention/blocked/{pk}/{uuid.uuid4().hex}{suffix}", source
                    )
                new_files.append(name)
                files.append(name)
                attachment["blocked_file"] = name
            created.append(
                BlockedPersonalData(
                    info_request_id=pk,
                    blocked_at=now,
                    payload={
                        "personal_data": self.personal.get(pk),
                        "justification": self.justifications.get(pk, ""),
                        "attachments": self.attachments[pk],
                        "notes": self.messages[pk],
                        "mediation_messages": self.mediation[pk],
                        "answers": self.answers[pk],
                        "privacy": self.privacy.get(pk, {}),  # privacy
                    },
                    files=files,
                )
            )
        BlockedPersonalData.objects.bulk_create(created)
        return new_files

    def remove(self, *, vault_too: bool) -> dict[int, dict[str, int]]:
        """Remove the personal data from the exchange (and the vault); counts per request."""
        ids = self.ids
        counts = {
            pk: {
                "personal_data": int(pk in self.personal),
                "attachments": len(self.attachments[pk]),
                "notes": len(self.messages[pk]),
                "mediation_messages": len(self.mediation[pk]),
                "answers": len(self.answers[pk]),
                "justification": int(bool(self.justifications.get(pk))),
            }
            for pk in ids
        }
        terms = self._terms(vault_too)
        PersonalData.objects.filter(info_request_id__in=ids).delete()
        Attachment.objects.filter(info_request_id__in=ids).delete()
        RequestMessage.objects.filter(info_request_id__in=ids).delete()
        MediationMessage.objects.filter(info_request_id__in=ids).delete()
        InformationRequest.objects.filter(pk__in=ids).exclude(justification="").update(
            justification=""
        )
        personal_answers = _personal_answers(ids)
        personal_answers.filter(
            request_question__question__answer_type=Question.AnswerType.DATE
        ).update(value=None)
        personal_answers.exclude(free_text="").update(free_text="")
        for pk, count in _redact_copies(ids, terms).items():
            counts[pk]["copies_redacted"] = count
        for pk, count in privacy_retention.clear(ids).items():  # privacy
            counts[pk]["privacy_records"] = count
        if vault_too:
            for pk, vault in self.vault.items():
                counts[pk]["blocked_data"] = 1
                counts[pk]["attachments"] += len(vault.files)
            BlockedPersonalData.objects.filter(info_request_id__in=ids).delete()
        return counts

    def files_to_delete(self, *, vault_too: bool) -> list[str]:
        names = [a["file"] for pk in self.ids for a in self.attachments[pk]]
        if vault_too:
            names += [name for vault in self.vault.values() for name in vault.files]
        return names

    def _terms(self, vault_too: bool) -> dict[int, list[str]]:
        """The identifying strings of each request (the provider's data, the documents'
        names), to find copies of them elsewhere."""
        terms: dict[int, list[str]] = {}
        for pk in self.ids:
            personal = [self.personal.get(pk) or {}]
            personal += privacy_retention.old_values(self.privacy.get(pk))  # privacy
            attachments = list(self.attachments[pk])
            if vault_too and pk in self.vault:
                payload = self.vault[pk].payload
                personal.append(payload.get("personal_data") or {})
                personal += privacy_retention.old_values(payload.get("privacy"))  # privacy
                attachments += payload.get("attachments") or []
            found = {str(v).strip() for data in personal for v in data.values() if v}
            found |= {a["original_name"].strip() for a in attachments}
            terms[pk] = sorted(
                (t for t in found if len(t) >= _MIN_TERM_LENGTH and not t.isdigit()),
                key=len,
                reverse=True,
            )
        return terms


def _personal_answers(ids: list[int]) -> Any:
    """Answers holding something personal: an explanation, or a date (a birth date…)."""
    return Answer.objects.filter(request_question__info_request_id__in=ids).filter(
        ~Q(free_text="")
        | Q(request_question__question__answer_type=Question.AnswerType.DATE, value__isnull=False)
    )


def _redact_copies(ids: list[int], terms: dict[int, list[str]]) -> dict[int, int]:
    """Replace the terms wherever they were copied: event data, outbox e-mails, operator
    justifications. Returns the number of rows changed per request."""
    changed: dict[int, int] = defaultdict(int)
    redactor = _Redactor(terms)
    if not redactor.ids:
        return changed
    event_request = dict(
        RequestEvent.objects.filter(info_request_id__in=redactor.ids).values_list(
            "pk", "info_request_id"
        )
    )
    # Changed rows are written back with one UPDATE per table (bulk_update), not one each.
    events = []
    for event_pk, request_pk, data in (
        RequestEvent.objects.filter(info_request_id__in=redactor.ids)
        .exclude(data={})
        .values_list("pk", "info_request_id", "data")
    ):
        cleaned = _scrub(data, request_pk, redactor)
        if cleaned != data:
            # Events are append-only for people; removing personal data is the one exception.
            events.append(RequestEvent(pk=event_pk, data=cleaned))
            changed[request_pk] += 1
    RequestEvent.objects.bulk_update(events, ["data"], batch_size=500)
    prefixes = [(f"exchange:{e}:", r) for e, r in event_request.items()]
    prefixes += [(f"deadline:{pk}:", pk) for pk in redactor.ids]
    redact_outbox(prefixes, redactor, changed)
    for log in BlockedAccessLog.objects.filter(info_request_id__in=redactor.ids):
        cleaned = redactor.sub(log.info_request_id, log.justification)
        if cleaned != log.justification:
            BlockedAccessLog.objects.filter(pk=log.pk).update(justification=cleaned)
            changed[log.info_request_id] += 1
    return changed


# With re.IGNORECASE these four letters outside ASCII match ASCII letters (checked against
# every code point); any other letter outside ASCII only ever matches letters outside ASCII.
_ASCII_TWINS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _skeleton(text: str) -> str:
    """Lower-case ASCII with every other letter dropped. Whenever a term matches ``text``
    case-insensitively, the term's skeleton is part of the text's: a cheap first test."""
    return text.translate(_ASCII_TWINS).encode("ascii", "ignore").decode().lower()


class _Redactor:
    """The terms of each request. A text is first tested cheaply on skeletons; only the terms
    that pass go into a pattern (compiling one is slow: once per set of terms)."""

    def __init__(self, terms: dict[int, list[str]]) -> None:
        # In the caller's order: longest first, so a longer term wins over one inside it.
        self.terms = {
            pk: [(t, _skeleton(t)) for t in words] for pk, words in terms.items() if words
        }
        self.ids = list(self.terms)
        self.patterns: dict[tuple[str, ...], re.Pattern[str]] = {}

    def sub(self, pk: int, text: str) -> str:
        if not text:
            return text
        skeleton = _skeleton(text)
        present = tuple(term for term, term_skeleton in self.terms[pk] if term_skeleton in skeleton)
        if not present:
            return text
        pattern = self.patterns.get(present)
        if pattern is None:
            pattern = re.compile("|".join(re.escape(t) for t in present), re.IGNORECASE)
            self.patterns[present] = pattern
        return pattern.sub(REMOVED, text)


def redact_outbox(
    prefixes: list[tuple[str, int]], redactor: _Redactor, changed: dict[int, int]
) -> None:
    """Replace the personal data in the e-mails whose key starts with one of ``prefixes``
    (``(prefix, pk)``: the request or alert the e-mail was about), counting in ``changed``.
    The requests' and the alerts' retention share it; a key's prefix is ``kind:number:``."""
    messages = []
    for start in range(0, len(prefixes), _OUTBOX_PREFIX_CHUNK):
        chunk = dict(prefixes[start : start + _OUTBOX_PREFIX_CHUNK])
        query = reduce(or_, (Q(key__startswith=prefix) for prefix in chunk))
        for message in OutboxMessage.objects.filter(query).only(
            "pk", "key", "subject", "body_text", "body_html"
        ):
            kind, number, _rest = message.key.split(":", 2)  # the prefix it matched
            pk = chunk[f"{kind}:{number}:"]
            fields = {
                name: redactor.sub(pk, getattr(message, name))
                for name in ("subject", "body_text", "body_html")
            }
            if any(fields[name] != getattr(message, name) for name in fields):
                messages.append(OutboxMessage(pk=message.pk, **fields))
                changed[pk] += 1
    OutboxMessage.objects.bulk_update(
        messages, ["subject", "body_text", "body_html"], batch_size=500
    )


def _scrub(value: Any, pk: int, redactor: _Redactor) -> Any:
    if isinstance(value, str):
        return redactor.sub(pk, value)
    if isinstance(value, list):
        return [_scrub(item, pk, redactor) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, pk, redactor) for key, item in value.items()}
    return value


def _jsonable(row: Mapping[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(row, default=str))
