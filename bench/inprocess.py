"""What ``run.py`` does inside Django against a bench database; prints one JSON object.

    python bench/inprocess.py prepare  <database url>   # tokens, ids, pools reset
    python bench/inprocess.py queries  <database url> <ops.json>
    python bench/inprocess.py fanout   <database url> <sends>

Run with the environment of ``benchenv.environment`` (``run.py`` does).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchenv import REPO  # noqa: E402


def setup() -> None:
    import django

    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimi.settings")
    django.setup()


def marker() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT scale, info FROM bench_marker ORDER BY created_at DESC LIMIT 1")
        scale, info = cursor.fetchone()
    info = json.loads(info) if isinstance(info, str) else info
    return {"scale": scale, **info}


def prepare() -> dict:
    from django.db import connection
    from django.utils import timezone

    from openimi.access.requests import requests_received_by
    from openimi.accounts.models import User
    from openimi.api.tokens import token_create
    from openimi.authorities.models import Authority, EconomicSector, LegislativeArea

    info = marker()
    reader = User.objects.get(username="bench.reader")
    writer = User.objects.get(username="bench.writer")
    expires = timezone.now() + dt.timedelta(days=1)
    tokens = {
        user.username: token_create(actor=user, user=user, name="bench", expires_at=expires).secret
        for user in (reader, writer)
    }
    # The accept pool goes back to "awaiting acceptance" (a previous run accepted some).
    pool = info["pool_accept"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE exchange_informationrequest SET status = 'awaiting_acceptance', "
            "accepted_at = NULL, reply_by = NULL WHERE id = ANY(%s) "
            "AND status <> 'awaiting_acceptance'",
            [pool],
        )
        reset = cursor.rowcount
    area = LegislativeArea.objects.order_by("position", "code").first()
    # Detail pages: the reader's 200 most recent incoming requests, whatever their state, so
    # that both scales read as many different pages (scale S has only 50 accepted ones).
    detail_ids = list(
        requests_received_by(reader)
        .filter(sent_at__isnull=False)
        .order_by("-sent_at")
        .values_list("pk", flat=True)[:200]
    )
    read_authority = Authority.objects.get(pk=reader.authority_id)
    section = EconomicSector.objects.filter(level="section").order_by("position").first()
    return {
        "scale": info["scale"],
        "tokens": tokens,
        "pool_reset": reset,
        "accept_ids": pool[:-1],
        "accept_probe": pool[-1],
        "answer_items": info["pool_answer"][:-1],
        "answer_probe": info["pool_answer"][-1],
        "detail_ids": detail_ids,
        "area_id": area.pk,
        "area_code": area.code,
        "country": read_authority.country_id,
        # One word at both scales, so that S and L run the same query: a city of the
        # generator's lists (about 1 % of the authorities at either scale).
        "search_word": "Torino",
        "sector": section.code if section else "",
        "fanout_authority": info["fanout_authority"],
        "read_authority": info["read_authority"],
        "counts": info.get("counts", {}),
    }


def queries(ops_file: str) -> dict:
    """Each operation once, in process, through the whole middleware stack: its SQL count."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from openimi.accounts.models import User

    ops = json.loads(Path(ops_file).read_text())
    result = {}
    clients = {}
    for op in ops:
        auth = op["auth"]
        if auth not in clients:
            client = Client(HTTP_HOST="127.0.0.1")
            if auth.startswith("session:"):
                client.force_login(User.objects.get(username=auth.split(":", 1)[1]))
            clients[auth] = client
        client = clients[auth]
        headers = {}
        if op.get("token"):
            headers["Authorization"] = f"Bearer {op['token']}"
        method = getattr(client, op["method"].lower())
        kwargs = {"headers": headers}
        if op["method"] in ("POST", "PUT"):
            kwargs.update(data=op.get("body") or "{}", content_type="application/json")
        method(op["probe_path"], **kwargs)  # warm caches (content types, translations)
        if op["method"] in ("POST", "PUT") and op.get("reset_sql"):
            with connection.cursor() as cursor:
                cursor.execute(op["reset_sql"])
        with CaptureQueriesContext(connection) as captured:
            response = method(op["probe_path"], **kwargs)
        result[op["name"]] = {
            "queries": len(captured.captured_queries),
            "status": response.status_code,
        }
    return result


def fanout(sends: int) -> dict:
    """Send ``sends`` new requests to the authority with 1,000 request handlers: the time of
    ``request_send`` alone (drafting is not counted) and the rows it writes."""
    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from openimi.accounts.models import User
    from openimi.authorities.models import Authority
    from openimi.exchange import selectors, services
    from openimi.exchange.models import RequestEvent
    from openimi.notifications.models import OutboxMessage

    info = marker()
    sender = User.objects.get(username="bench.sender")
    target = Authority.objects.get(pk=info["fanout_authority"])
    area = target.preferences.order_by("area__position").first().area
    question_set = selectors.question_set_list(area=area, include_practice=False).first()
    questions = list(selectors.question_list(question_set=question_set)[:3])
    timings, rows = [], []
    for index in range(sends):
        draft = services.request_create_draft(
            actor=sender, area=area, question_set=question_set, responding_authority=target
        )
        draft = services.request_update_draft(
            info_request=draft,
            actor=sender,
            questions=questions,
            reply_by=timezone.localdate() + dt.timedelta(days=30),
            justification="Benchmark: verify the registration of this provider.",
            justification_language="en",
        )
        services.request_set_personal_data(
            info_request=draft, actor=sender, data={"provider_name": f"Bench provider {index}"}
        )
        outbox_before = OutboxMessage.objects.aggregate(m=Max("pk"))["m"] or 0
        events_before = RequestEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        connection.queries_log.clear()  # the log keeps 9,000 queries: start from empty
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            services.request_send(info_request=draft, actor=sender)
            timings.append(time.perf_counter() - started)
        rows.append(
            {
                "outbox": OutboxMessage.objects.filter(pk__gt=outbox_before).count(),
                "events": RequestEvent.objects.filter(pk__gt=events_before).count(),
                "queries": len(captured.captured_queries),
            }
        )
    timings.sort()
    return {
        "sends": sends,
        "seconds": timings,
        "median_ms": timings[len(timings) // 2] * 1000,
        "max_ms": timings[-1] * 1000,
        "rows": rows[-1] if rows else {},
        "handlers": target.users.count() - 1,
    }


def main() -> int:
    command = sys.argv[1]
    setup()
    if command == "prepare":
        output = prepare()
    elif command == "queries":
        output = queries(sys.argv[3])
    elif command == "fanout":
        output = fanout(int(sys.argv[3]))
    else:
        raise SystemExit(f"unknown command {command}")
    print("BENCH-JSON " + json.dumps(output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
