"""Purge the personal data of many closed requests with the real retention job, on PostgreSQL,
and measure how fast it goes and how long it holds locks.

    nice -n 10 .venv/bin/python bench/purge.py \
        --database-url postgres://root@127.0.0.1:5432/openimi_bench_purge [--requests 100000]

Steps: (re)create the database, migrate it and load the reference data; write the requests
with COPY (closed, rejected or withdrawn, ended seven months ago: past the six-month retention
period) with personal data, questions and answers (free texts, dates of birth), notes and
mediation messages, events (some with the provider's name in their data), outbox e-mails
(some naming the provider) and, for one request in a hundred, a small document in storage;
then run ``retention.services.retention_run`` (the function the daily task calls; it works in
batches of ``RETENTION_BATCH_SIZE``) and report:

- requests purged per second;
- per batch transaction: the longest and the median time. The job locks its batch's request
  rows (``FOR UPDATE``) and every row it changes until its transaction commits, so the longest
  batch transaction is the longest any row lock was held;
- per table: the longest time a table-level lock was seen held, sampled every 10 ms from a
  second connection (``pg_locks`` joined to ``pg_stat_activity``). These are the ``ROW
  EXCLUSIVE`` locks every UPDATE and DELETE takes; they block only DDL, never other readers or
  writers, but they show how long each table was touched;
- and that no personal data is left (counts that must all be 0), and that a second run finds
  nothing to do.

The database is dropped and written again on every run. Settings come from ``benchenv.py``
(production settings, mail to a dummy backend); files go to ``bench/.var-purge/media``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchenv import REPO, environment  # noqa: E402

PROVIDER = "Benchperson"  # every provider's name starts with this: what must be gone after
SAMPLE_SECONDS = 0.010
COPY_BATCH = 20_000


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


# --- The database -----------------------------------------------------------------------------


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"Refusing an unusual database name: {name!r}")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def django_setup(url: str) -> None:
    # Its own folder for files: another bench's data under bench/.var is left alone.
    os.environ.update(environment(url, OPENIMI_VAR_DIR=str(REPO / "bench" / ".var-purge")))
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimi.settings")
    import django

    django.setup()


class Copier:
    """COPY rows into a model's table; values by attname, defaults filled in."""

    def __init__(self, model) -> None:
        from django.db import connection

        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.table = model._meta.db_table
        self.connection = connection
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, **values) -> None:
        row = []
        for field in self.fields:
            value = values[field.attname] if field.attname in values else field.get_default()
            if field.get_internal_type() == "JSONField":
                value = None if value is None else json.dumps(value)
            row.append(value)
        self.rows.append(tuple(row))
        if len(self.rows) >= COPY_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        columns = ", ".join(f'"{c}"' for c in self.columns)
        sql = f'COPY "{self.table}" ({columns}) FROM STDIN'
        with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in self.rows:
                copy.write_row(row)
        self.count += len(self.rows)
        self.rows = []

    def reset_sequence(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{self.table}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{self.table}"), 1))'
            )


# --- The data ---------------------------------------------------------------------------------


def world():
    """Two authorities in two countries with a request handler each, in the services area."""
    from openimi.accounts.models import User
    from openimi.authorities.models import Authority, Country, LegislativeArea
    from openimi.exchange.models import Question, QuestionSet

    area = LegislativeArea.objects.get(code="services")
    question_set = QuestionSet.objects.filter(area=area, is_practice=False).order_by("pk").first()
    questions = list(Question.objects.filter(question_set=question_set).order_by("position"))
    nl, de = Country.objects.get(code="NL"), Country.objects.get(code="DE")
    authorities = []
    for country, language, name in ((nl, "nl", "Gemeente Bench"), (de, "de", "Benchamt")):
        authorities.append(
            Authority.objects.create(
                country=country,
                language_id=language,
                official_name=name,
                email=f"imi@{language}.bench.example",
            )
        )
    users = [
        User.objects.create(
            username=f"bench{i}",
            email=f"handler{i}@bench.example",
            authority=authority,
            first_name="Bench",
            last_name=f"Handler {i}",
        )
        for i, authority in enumerate(authorities)
    ]
    return area, question_set, questions, authorities, users, nl


def load(count: int, seed: int = 5) -> dict[str, int]:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import transaction
    from django.utils import timezone

    from openimi.exchange import events
    from openimi.exchange.models import (
        Answer,
        Attachment,
        InformationRequest,
        MediationMessage,
        PersonalData,
        Question,
        RequestEvent,
        RequestMessage,
        RequestQuestion,
    )
    from openimi.exchange.workflow import State
    from openimi.notifications.models import OutboxMessage

    rng = random.Random(seed)
    area, question_set, questions, (requesting, responding), (asker, answerer), nl = world()
    now = timezone.now()
    copiers = {
        model: Copier(model)
        for model in (
            InformationRequest,
            PersonalData,
            RequestQuestion,
            Answer,
            RequestEvent,
            RequestMessage,
            MediationMessage,
            OutboxMessage,
            Attachment,
        )
    }
    ids = defaultdict(int)

    def next_id(model) -> int:
        ids[model] += 1
        return ids[model]

    personal_fields = PersonalData.data_fields()
    field_of = {f.name: f for f in PersonalData._meta.concrete_fields}
    with transaction.atomic():
        for i in range(1, count + 1):
            ended = now - dt.timedelta(days=213 + rng.randrange(300), minutes=rng.randrange(1440))
            sent = ended - dt.timedelta(days=10 + rng.randrange(60))
            status = rng.choices(
                [State.CLOSED, State.REJECTED, State.WITHDRAWN], weights=[8, 1, 1]
            )[0]
            person = f"{PROVIDER} {i} Jansen-{rng.randrange(10**6):06d}"
            pk = next_id(InformationRequest)
            copiers[InformationRequest].add(
                id=pk,
                requesting_authority_id=requesting.pk,
                requesting_user_id=asker.pk,
                responding_authority_id=responding.pk,
                area_id=area.pk,
                question_set_id=question_set.pk,
                status=status,
                justification=f"Checks on {person}, who offers building work in Köln.",
                justification_language="en",
                sent_at=sent,
                accepted_at=sent + dt.timedelta(days=2) if status != State.WITHDRAWN else None,
                answered_at=ended if status == State.CLOSED else None,
                closed_at=ended,
                reply_by=(sent + dt.timedelta(days=20)).date(),
                acceptance_deadline=(sent + dt.timedelta(days=7)).date(),
                rejection_reason="other" if status == State.REJECTED else "",
                created_at=sent,
                updated_at=ended,
            )
            data = {}
            for name in personal_fields:
                field = field_of[name]
                kind = field.get_internal_type()
                if kind == "DateField":
                    data[field.attname] = dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28)
                elif kind == "ForeignKey":
                    data[field.attname] = nl.pk
                elif name == "email":
                    data[name] = f"benchperson{i}@bench.example"
                elif name == "website":
                    data[name] = f"https://benchperson{i}.example"
                else:
                    data[name] = f"{person} {name}"[: field.max_length or 200]
            copiers[PersonalData].add(
                id=next_id(PersonalData),
                info_request_id=pk,
                created_at=sent,
                updated_at=sent,
                **data,
            )
            for position, question in enumerate(questions[:4]):
                rq = next_id(RequestQuestion)
                copiers[RequestQuestion].add(
                    id=rq, info_request_id=pk, question_id=question.pk, position=position
                )
                if status != State.CLOSED:
                    continue
                kind = question.answer_type
                value, free_text = True, ""
                if kind == Question.AnswerType.DATE:
                    value = "1970-05-01"
                elif kind == Question.AnswerType.FREE_TEXT:
                    value, free_text = None, f"{person} has been registered since 2001."
                elif kind in (Question.AnswerType.CHOICE, Question.AnswerType.DOCUMENT):
                    value = None
                elif kind == Question.AnswerType.YES_NO_UNKNOWN:
                    value = "unknown"
                if position == 0 and not free_text:
                    free_text = f"According to the register {person} is the owner."
                copiers[Answer].add(
                    id=next_id(Answer),
                    request_question_id=rq,
                    value=value,
                    free_text=free_text,
                    free_text_language="de" if free_text else "",
                    answered_by_id=answerer.pk,
                    answered_at=ended - dt.timedelta(days=1),
                    sent_at=ended - dt.timedelta(days=1),
                )
            event_ids = []
            trail = [(events.SENT, State.AWAITING_ACCEPTANCE, asker, requesting, sent, {})]
            if status == State.WITHDRAWN:
                trail.append((events.WITHDRAWN, State.WITHDRAWN, asker, requesting, ended, {}))
            elif status == State.REJECTED:
                trail.append((events.REJECTED, State.REJECTED, answerer, responding, ended, {}))
            else:
                data = {"answers": 4, "provider": person} if i % 3 == 0 else {}
                trail += [
                    (events.ACCEPTED, State.ACCEPTED, answerer, responding, sent, {}),
                    (events.ANSWERED, State.ANSWERED, answerer, responding, ended, data),
                    (events.ANSWER_ACCEPTED, State.CLOSED, asker, requesting, ended, {}),
                ]
            before = State.DRAFT
            for code, after, actor, actor_authority, when, data in trail:
                event = next_id(RequestEvent)
                event_ids.append(event)
                copiers[RequestEvent].add(
                    id=event,
                    info_request_id=pk,
                    actor_id=actor.pk,
                    actor_authority_id=actor_authority.pk,
                    code=code,
                    from_status=before,
                    to_status=after,
                    data=data,
                    created_at=when,
                )
                before = after
                # One e-mail per event to the other side's handler; some name the provider
                # (as an older version of a template might have).
                other = answerer if actor is asker else asker
                copiers[OutboxMessage].add(
                    id=next_id(OutboxMessage),
                    key=f"exchange:{event}:{other.email}",
                    event_code=code,
                    recipient_email=other.email,
                    recipient_user_id=other.pk,
                    authority_id=other.authority_id,
                    language="en",
                    subject=f"Information request – request {pk}",
                    body_text=f"Request {pk}." + (f" About {person}." if i % 5 == 0 else ""),
                    status=OutboxMessage.Status.SENT,
                    attempts=1,
                    next_attempt_at=when,
                    sent_at=when,
                    created_at=when,
                    updated_at=when,
                )
            kind = RequestMessage.Kind.WITHDRAWAL_NOTE
            if status == State.REJECTED:
                kind = RequestMessage.Kind.REJECTION_NOTE
            elif status == State.CLOSED:
                kind = RequestMessage.Kind.FOLLOW_UP
            copiers[RequestMessage].add(
                id=next_id(RequestMessage),
                info_request_id=pk,
                event_id=event_ids[-1],
                kind=kind,
                audience="all",
                author_id=asker.pk,
                text=f"A note about {person}.",
                language="en",
                created_at=ended,
            )
            if i % 20 == 0:
                copiers[MediationMessage].add(
                    id=next_id(MediationMessage),
                    info_request_id=pk,
                    author_id=asker.pk,
                    author_authority_id=requesting.pk,
                    text=f"{person} did not reply to the authority.",
                    language="en",
                    created_at=ended,
                )
            if i % 100 == 0:
                name = default_storage.save(
                    f"exchange/{pk}/bench.pdf", ContentFile(b"%PDF-1.4\n% bench document\n")
                )
                copiers[Attachment].add(
                    id=next_id(Attachment),
                    info_request_id=pk,
                    side="requesting",
                    file=name,
                    original_name=f"{PROVIDER}-{i}-certificate.pdf",
                    content_type="application/pdf",
                    size=25,
                    sha256="0" * 64,
                    uploaded_by_id=asker.pk,
                    created_at=sent,
                )
            if i % 10_000 == 0:
                log(f"  {i:,} requests written")
        for copier in copiers.values():
            copier.flush()
            copier.reset_sequence()
    with transaction.get_connection().cursor() as cursor:
        cursor.execute("ANALYZE")
    return {copier.table: copier.count for copier in copiers.values()}


# --- Measuring --------------------------------------------------------------------------------


class LockSampler(threading.Thread):
    """Every 10 ms, from its own connection: the table locks other sessions hold."""

    QUERY = """
        SELECT l.pid, a.xact_start, c.relname, l.mode
        FROM pg_locks l
        JOIN pg_class c ON c.oid = l.relation
        JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.granted AND l.locktype = 'relation' AND c.relkind = 'r'
          AND c.relnamespace = 'public'::regnamespace
          AND a.datname = current_database() AND l.pid <> pg_backend_pid()
    """

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.seen: dict[tuple, list[float]] = {}
        self.samples = 0

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.is_set():
                at = time.perf_counter()
                for pid, xact_start, table, mode in conn.execute(self.QUERY).fetchall():
                    span = self.seen.setdefault((pid, xact_start, table, mode), [at, at])
                    span[1] = at
                self.samples += 1
                self.stop.wait(max(0.0, SAMPLE_SECONDS - (time.perf_counter() - at)))

    def longest(self) -> dict[str, tuple[float, float]]:
        """table -> (longest write lock, longest lock of any mode), in seconds, as seen.

        A transaction keeps every lock until it ends; a write lock is ``ROW EXCLUSIVE`` (any
        UPDATE or DELETE) or stronger, the others come from SELECT (``FOR UPDATE``: ``ROW
        SHARE``). Seen = from the first to the last sample that found it (10 ms resolution).
        """
        result: dict[str, tuple[float, float]] = {}
        for (_pid, _xact, table, mode), (first, last) in self.seen.items():
            held = last - first
            write, any_mode = result.get(table, (0.0, 0.0))
            if mode not in ("AccessShareLock", "RowShareLock"):
                write = max(write, held)
            result[table] = (write, max(any_mode, held))
        return result


def purge(batch_size: int | None) -> tuple[float, list[tuple[int, float]], object]:
    from openimi.retention import services

    batches: list[tuple[int, float]] = []
    process = services._process

    def timed(pks, step, lifecycle, now):
        started = time.perf_counter()
        logs = process(pks, step, lifecycle, now)
        batches.append((len(logs), time.perf_counter() - started))
        if len(batches) % 50 == 0:
            done = sum(n for n, _ in batches)
            log(f"  {len(batches)} batches, {done:,} requests purged")
        return logs

    services._process = timed
    try:
        started = time.perf_counter()
        result = services.retention_run(batch_size=batch_size)
        elapsed = time.perf_counter() - started
    finally:
        services._process = process
    return elapsed, batches, result


def leftovers() -> dict[str, int]:
    """Counts that must all be 0 once every request's personal data is gone."""
    from django.db.models import Q

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
    from openimi.notifications.models import OutboxMessage
    from openimi.retention.models import BlockedPersonalData

    media = Path(os.environ["OPENIMI_VAR_DIR"]) / "media" / "exchange"
    return {
        "personal data rows": PersonalData.objects.count(),
        "documents (rows)": Attachment.objects.count(),
        "documents (files)": sum(1 for p in media.rglob("*") if p.is_file()),
        "notes": RequestMessage.objects.count(),
        "mediation messages": MediationMessage.objects.count(),
        "justifications": InformationRequest.objects.exclude(justification="").count(),
        "answer explanations": Answer.objects.exclude(free_text="").count(),
        "date answers": Answer.objects.filter(
            request_question__question__answer_type=Question.AnswerType.DATE,
            value__isnull=False,
        ).count(),
        "events naming the provider": RequestEvent.objects.filter(data__icontains=PROVIDER).count(),
        "e-mails naming the provider": OutboxMessage.objects.filter(
            Q(subject__icontains=PROVIDER) | Q(body_text__icontains=PROVIDER)
        ).count(),
        "blocked personal data": BlockedPersonalData.objects.count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://root@127.0.0.1:5432/openimi_bench_purge"
    )
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="a fixed size for every batch (default: adaptive, see RETENTION_BATCH_SECONDS)",
    )
    args = parser.parse_args(argv)

    log(f"Database {args.database_url}: dropped and created again")
    recreate_database(args.database_url)
    django_setup(args.database_url)
    media = Path(os.environ["OPENIMI_VAR_DIR"]) / "media"
    for folder in ("exchange", "retention"):  # the files of an earlier run's database
        shutil.rmtree(media / folder, ignore_errors=True)
    from django.conf import settings
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    log(f"Migrated and reference data loaded in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    written = load(args.requests)
    rows = sum(written.values())
    elapsed = time.perf_counter() - started
    log(f"Wrote {rows:,} rows in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s):")
    for table, count in written.items():
        print(f"    {table:40} {count:>10,}")

    sampler = LockSampler(args.database_url)
    sampler.start()
    if args.batch_size:
        sizing = f"batches of {args.batch_size}"
    else:
        sizing = (
            f"adaptive batches: the first of {settings.RETENTION_BATCH_SIZE}, then about "
            f"{settings.RETENTION_BATCH_SECONDS} s each"
        )
    log(f"Purging with retention_run ({sizing})")
    elapsed, batches, result = purge(args.batch_size)
    sampler.stop.set()
    sampler.join()
    purged = result.deleted + result.blocked
    durations = sorted(seconds for _n, seconds in batches)

    print()
    print(f"Requests purged:              {purged:,} of {args.requests:,}")
    print(f"Total time:                   {elapsed:.1f} s")
    print(f"Requests per second:          {purged / elapsed:,.0f}")
    sizes = sorted(n for n, _seconds in batches)
    print(f"Batches (transactions):       {len(batches)} ({sizing})")
    print(f"Batch size, median and max:   {statistics.median(sizes):.0f}, {sizes[-1]}")
    print(f"Batch transaction, median:    {statistics.median(durations) * 1000:.0f} ms")
    print(f"Batch transaction, p95:       {durations[int(len(durations) * 0.95)] * 1000:.0f} ms")
    print(f"Batch transaction, longest:   {durations[-1] * 1000:.0f} ms  (= longest row lock held)")
    print(
        f"Lock samples taken:           {sampler.samples:,} (every {SAMPLE_SECONDS * 1000:.0f} ms)"
    )
    print()
    print(f"    {'table':36} {'longest write lock':>19} {'longest any lock':>17}")
    for table, (write, any_mode) in sorted(sampler.longest().items(), key=lambda kv: -kv[1][0]):
        print(f"    {table:36} {write * 1000:>16.0f} ms {any_mode * 1000:>14.0f} ms")

    print()
    left = leftovers()
    print("Personal data left (all must be 0):")
    for name, count in left.items():
        print(f"    {name:40} {count:>10,}")
    started = time.perf_counter()
    again = purge(args.batch_size)[2]
    print(
        f"A second run: {again.deleted + again.blocked} purged "
        f"in {time.perf_counter() - started:.2f} s"
    )
    print(f"Machine: {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    ok = purged == args.requests and not any(left.values()) and not (again.deleted + again.blocked)
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
