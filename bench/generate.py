"""A synthetic, realistic openimi data set at a chosen scale, written with COPY into PostgreSQL.

    python bench/generate.py --scale S          # 1,000 authorities, 5,000 users, 10,000 requests
    python bench/generate.py --scale L          # 130,000 / 450,000 / 1,000,000
    python bench/generate.py --scale S,L --force

Each scale has its own database (``openimi_bench_s``, ``openimi_bench_l`` on
postgres://root@127.0.0.1:5432 unless ``--server`` says otherwise). The database is migrated
(``openimi migrate``), the reference data loaded (``openimi load_reference``), then every row
is written with COPY through several connections at once (one per table), with foreign-key
triggers off for the load (``session_replication_role = replica``: the ids are assigned here,
so every reference is known to hold). A marker table ``bench_marker`` records the scale and
the generator version: a database that already holds this scale at this version is reused,
not written again (``--force`` drops and rewrites it).

Distributions: authorities in 30 countries weighted by size, a few coordinators per country;
requests sent to and from authorities with Zipf weights (a few big authorities receive most);
dates over three years, older requests mostly closed, rejected or withdrawn; 3-6 questions per
request, answered where the state says so; events and outbox rows as the services write them;
personal data only where retention would still keep it. Most users are basic users; some hold
request handler, allocator, supervisor or local data administrator roles. All users share one
password hash (``BENCH_PASSWORD``) and each has the security code ``BENCH_SECURITY_CODE``
(encrypted per user: the ciphertext is bound to the user's id).

Special rows for ``bench/run.py`` (their ids are in the marker):
- ``bench.reader``: request handler, allocator and local data administrator of the authority
  that receives the most requests (the reads);
- ``bench.writer`` at a separate authority with a pool of requests awaiting acceptance (the
  accept operation) and of accepted requests (the answer operation);
- ``bench.sender`` and an authority with 1,000 request handlers (the notification fan-out).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

GENERATOR_VERSION = "1"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchenv import REPO, environment  # noqa: E402

BENCH_PASSWORD = "bench-Password-2026!"
BENCH_SECURITY_CODE = "Bench#2026ab"
POOL_ACCEPT = 3000  # requests awaiting acceptance at the writer's authority
POOL_ANSWER = 1000  # accepted requests with questions to answer, same authority
FANOUT_HANDLERS = 1000

SCALES = {
    "S": {"authorities": 1_000, "users": 5_000, "requests": 10_000},
    "L": {"authorities": 130_000, "users": 450_000, "requests": 1_000_000},
}

# Rough weights for where authorities are (bigger member states have more of them).
COUNTRY_WEIGHTS = {
    "DE": 16, "FR": 13, "IT": 12, "ES": 10, "PL": 8, "NL": 5, "BE": 4, "RO": 4, "CZ": 3,
    "SE": 3, "PT": 3, "GR": 3, "HU": 3, "AT": 3, "BG": 2, "DK": 2, "FI": 2, "SK": 2,
    "IE": 2, "HR": 2, "LT": 1, "SI": 1, "LV": 1, "EE": 1, "CY": 1, "LU": 1, "MT": 1,
}  # fmt: skip
CITIES = {
    "DE": ["Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Stuttgart", "Leipzig", "Dresden"],
    "FR": ["Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Lille", "Bordeaux", "Rennes"],
    "IT": ["Roma", "Milano", "Napoli", "Torino", "Palermo", "Bologna", "Firenze", "Genova"],
    "ES": ["Madrid", "Barcelona", "Valencia", "Sevilla", "Zaragoza", "Málaga", "Bilbao"],
    "PL": ["Warszawa", "Kraków", "Łódź", "Wrocław", "Poznań", "Gdańsk", "Lublin"],
    "NL": ["Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "Groningen", "Oeteldonk"],
    "BE": ["Brussel", "Antwerpen", "Gent", "Liège", "Charleroi", "Brugge"],
}
DEFAULT_CITIES = ["Capital", "North", "South", "East", "West", "Central", "Harbour"]
BODIES = [
    ("Chamber of Commerce", "Registration of businesses and their directors."),
    ("Municipality", "Permits, licences and local registers for residents and businesses."),
    ("Building Inspectorate", "Building permits and inspections of construction works."),
    ("Health Professions Board", "Registration and discipline of doctors, nurses and dentists."),
    ("Bar Association", "Admission and supervision of lawyers."),
    ("Tax Office", "Taxes of companies and self-employed persons."),
    ("Consumer Protection Authority", "Enforcement of consumer law and unfair practices."),
    ("Labour Inspectorate", "Working conditions, posting of workers and safety at work."),
    ("Architects Council", "Registration of architects and professional qualifications."),
    ("Food Safety Agency", "Inspections of food businesses and restaurants."),
    ("Transport Licensing Office", "Licences for road haulage and passenger transport."),
    ("Education Recognition Centre", "Recognition of diplomas and teaching qualifications."),
]
WORDS = [
    "services",
    "provider",
    "directive",
    "recognition",
    "qualification",
    "licence",
    "register",
    "supervision",
    "inspection",
    "permit",
    "company",
    "director",
    "establishment",
    "cross-border",
    "temporary",
    "complaint",
    "evidence",
    "certificate",
    "insurance",
    "guarantee",
    "professional",
    "conduct",
    "sanction",
]
# Old requests are mostly finished; recent ones spread over the workflow.
OPEN_STATUS_WEIGHTS = {
    "draft": 6, "awaiting_approval": 2, "awaiting_acceptance": 18, "accepted": 24,
    "awaiting_information": 5, "answer_awaiting_approval": 2, "answered": 13, "closed": 22,
    "rejected": 4, "withdrawn": 4,
}  # fmt: skip
OLD_STATUS_WEIGHTS = {"closed": 86, "rejected": 6, "withdrawn": 8}
ANSWERED_STATES = {"answered", "closed", "answer_awaiting_approval"}
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


# --- text COPY helpers ---------------------------------------------------------------------------

NULL = "\\N"


def ts(value: dt.datetime | None) -> str:
    return NULL if value is None else value.isoformat()


def day(value: dt.date | None) -> str:
    return NULL if value is None else value.isoformat()


def boolean(value: bool) -> str:
    return "t" if value else "f"


def clean(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n")


def nullable(value) -> str:
    return NULL if value is None else str(value)


class Table:
    """COPY into one model's table through a connection of its own.

    ``columns`` are the ones given per row (as text); every other column of the model gets
    its constant default, so a column added to the model later needs no change here.
    """

    def __init__(self, conn, model, columns: list[str]):
        from django.db import connection as django_connection

        self.model = model
        self.table = model._meta.db_table
        self.conn = conn
        self.rows = 0
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise SystemExit(f"{self.table}: no such columns {sorted(unknown)}")
        rest = [c for c in fields if c not in columns and fields[c] is not model._meta.auto_field]
        tail = []
        for column in rest:
            field = fields[column]
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = NOW
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            else:
                value = ""
            tail.append(self._text(field, value, django_connection))
        self.tail = ("\t" + "\t".join(tail)) if tail else ""
        self.copy_cm = conn.cursor().copy(
            f"COPY {self.table} ({', '.join([*columns, *rest])}) FROM STDIN"
        )
        self.copy = self.copy_cm.__enter__()
        self.buffer: list[str] = []

    @staticmethod
    def _text(field, value, connection) -> str:
        if value is None:
            return NULL
        internal = field.get_internal_type()
        if internal == "JSONField":
            return clean(json.dumps(value))
        if internal == "BooleanField":
            return boolean(value)
        if isinstance(value, dt.datetime):
            return ts(value)
        return clean(str(value))

    def add(self, *values: str) -> None:
        self.buffer.append("\t".join(values) + self.tail + "\n")
        self.rows += 1
        if len(self.buffer) >= 5000:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.copy.write("".join(self.buffer))
            self.buffer = []

    def close(self) -> None:
        self.flush()
        self.copy_cm.__exit__(None, None, None)


# --- database setup ------------------------------------------------------------------------------


def database_url(server: str, scale: str) -> str:
    return f"{server.rstrip('/')}/openimi_bench_{scale.lower()}"


def marker(url: str) -> dict | None:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT to_regclass('bench_marker') IS NOT NULL").fetchone()
            if not row[0]:
                return None
            row = conn.execute(
                "SELECT scale, version, info FROM bench_marker ORDER BY created_at DESC LIMIT 1"
            ).fetchone()
    except psycopg.OperationalError:
        return None
    if row is None:
        return None
    return {"scale": row[0], "version": row[1], **row[2]}


def recreate_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_openimi(url: str, *args: str) -> None:
    env = environment(url)
    openimi = REPO / ".venv" / "bin" / "openimi"
    subprocess.run([str(openimi), *args], env=env, check=True, stdout=subprocess.DEVNULL)


# --- the data ----------------------------------------------------------------------------------


def zipf_cumulative(n: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, n + 1)))


def pick(rng: random.Random, cumulative: list[float]) -> int:
    return bisect.bisect_left(cumulative, rng.random() * cumulative[-1])


class Generator:
    def __init__(self, url: str, scale: str, seed: int = 8):
        self.url = url
        self.scale = scale
        self.size = SCALES[scale]
        self.rng = random.Random(seed)
        self.info: dict = {}

    # -- connections
    def connect(self):
        import psycopg

        conn = psycopg.connect(self.url)
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET synchronous_commit = off")
        return conn

    def tables(self, *specs):
        """Open a COPY per (model, columns); yields the Table objects; commits them all."""
        return _Tables(self, specs)

    # -- reference data
    def load_reference_ids(self) -> None:
        from openimi.authorities.models import (
            Country,
            EconomicSector,
            Keyword,
            LegislativeArea,
            PolicyArea,
        )
        from openimi.exchange.models import Question, QuestionSet, StandardAnswer

        self.countries = []
        for country in Country.objects.prefetch_related("languages").order_by("code"):
            languages = sorted(lang.code for lang in country.languages.all()) or ["en"]
            self.countries.append((country.code, languages, COUNTRY_WEIGHTS.get(country.code, 0)))
        self.countries = [c for c in self.countries if c[2] > 0] or [
            (c[0], c[1], 1) for c in self.countries
        ]
        self.areas = list(LegislativeArea.objects.order_by("position", "code"))
        self.keywords = {a.pk: list(Keyword.objects.filter(area=a).values_list("pk", flat=True))
                         for a in self.areas}  # fmt: skip
        self.divisions = list(
            EconomicSector.objects.filter(level="division").values_list("pk", flat=True)
        )
        self.policy_areas = list(PolicyArea.objects.values_list("pk", flat=True))
        self.question_sets = {}  # area id -> (set id, is_practice, [(question id, type)])
        for qset in QuestionSet.objects.filter(is_active=True).order_by("position", "code"):
            questions = list(
                Question.objects.filter(question_set=qset, is_active=True)
                .order_by("position", "code")
                .values_list("pk", "answer_type", "choices")
            )
            self.question_sets.setdefault(qset.area_id, []).append(
                (qset.pk, qset.is_practice, questions)
            )
        self.standard_answer = StandardAnswer.objects.order_by("position").first().pk

    # -- authorities
    def authorities(self) -> None:
        from openimi.authorities.models import (
            AreaPreferences,
            Authority,
            AuthorityTranslation,
            search_text_of,
        )

        rng = self.rng
        n = self.size["authorities"]
        weights = list(itertools.accumulate(c[2] for c in self.countries))
        self.auth_country: list[str] = [""] * (n + 1)  # index = id
        self.auth_areas: list[tuple[int, ...]] = [()] * (n + 1)
        coordinators: dict[tuple[str, int | None], int] = {}
        next_id = 1
        specials = {}
        through_sectors = Authority.economic_sectors.through
        through_policy = Authority.policy_areas.through
        through_keywords = AreaPreferences.keywords.through
        auth_cols = ["id", "kind", "country_id", "official_name", "language_id",
                     "informal_title", "description", "street", "postal_code", "city",
                     "email", "phone", "website", "competent_in_all_areas",
                     "search_text"]  # fmt: skip
        with self.tables(
            (Authority, auth_cols),
            (
                AuthorityTranslation,
                ["authority_id", "language_id", "informal_title", "description", "search_text"],
            ),  # fmt: skip
            (AreaPreferences, ["id", "authority_id", "area_id", "supervising_coordinator_id"]),
            (through_keywords, ["areapreferences_id", "keyword_id"]),
            (through_sectors, ["authority_id", "economicsector_id"]),
            (through_policy, ["authority_id", "policyarea_id"]),
        ) as (auth, translation, prefs, pref_keywords, sectors, policy):
            pref_id = itertools.count(1)

            def add_authority(kind, code, languages, name, title, description, areas):
                nonlocal next_id
                pk = next_id
                next_id += 1
                language = languages[0]
                city = rng.choice(CITIES.get(code, DEFAULT_CITIES))
                auth.add(
                    str(pk), kind, code, clean(name), language, clean(title), clean(description),
                    f"{rng.randint(1, 200)} Main Street", f"{rng.randint(1000, 99999)}",
                    clean(city), f"contact@authority{pk}.example.eu",
                    f"+{rng.randint(30, 49)} {rng.randint(100000, 999999)}",
                    f"https://authority{pk}.example.eu", boolean(kind != "ca"),
                    clean(search_text_of(name, title, description)),
                )  # fmt: skip
                self.auth_country[pk] = code
                self.auth_areas[pk] = tuple(areas)
                for area in areas:
                    coordinator = coordinators.get((code, area))
                    preference = next(pref_id)
                    prefs.add(str(preference), str(pk), str(area), nullable(coordinator))
                    keywords = self.keywords.get(area) or []
                    for keyword in rng.sample(keywords, min(len(keywords), rng.randint(1, 3))):
                        pref_keywords.add(str(preference), str(keyword))
                if kind == "ca" and rng.random() < 0.7:
                    for sector in rng.sample(self.divisions, rng.randint(1, 3)):
                        sectors.add(str(pk), str(sector))
                    policy.add(str(pk), str(rng.choice(self.policy_areas)))
                if rng.random() < 0.2:
                    others = [lang for lang in ("en", "fr", "de", "nl") if lang != language]
                    for other in rng.sample(others, rng.randint(1, 2)):
                        other_title, other_text = f"{title} ({other})", f"{description} [{other}]"
                        translation.add(
                            str(pk), other, clean(other_title), clean(other_text),
                            clean(search_text_of(other_title, other_text)),
                        )  # fmt: skip
                return pk

            area_ids = [a.pk for a in self.areas]
            # Coordinators first: one national per country, one delegated per country and area.
            for code, languages, _w in self.countries:
                add_authority(
                    "nimic", code, languages, f"National IMI Coordinator {code}",
                    f"NIMIC {code}", "The national IMI coordinator.", [],
                )  # fmt: skip
                for area in self.areas:
                    kind = "sdimic" if area.code.startswith("serv") else "dimic"
                    coordinators[(code, area.pk)] = add_authority(
                        kind, code, languages, f"IMI coordinator {area.code} {code}",
                        f"Coordinator {area.code} {code}",
                        f"Delegated coordinator for {area.code}.", [area.pk],
                    )  # fmt: skip
            # Authorities for run.py: the writer's (pool) and the fan-out target.
            nl = (
                next(c for c in self.countries if c[0] == "NL")
                if any(c[0] == "NL" for c in self.countries)
                else self.countries[0]
            )
            specials["writer_authority"] = add_authority(
                "ca", nl[0], nl[1], "Bench Write Authority", "Bench writes",
                "Receives the requests the write benchmarks act on.", area_ids,
            )  # fmt: skip
            specials["fanout_authority"] = add_authority(
                "ca", nl[0], nl[1], "Bench Fan-out Authority", "Bench fan-out",
                "An authority with 1,000 request handlers.", area_ids[:1],
            )  # fmt: skip
            # The others: competent authorities.
            while next_id <= n:
                code, languages, _w = self.countries[pick(rng, weights)]
                body, description = rng.choice(BODIES)
                city = rng.choice(CITIES.get(code, DEFAULT_CITIES))
                areas = [a for a in area_ids if rng.random() < 0.6] or [rng.choice(area_ids)]
                add_authority(
                    "ca", code, languages, f"{body} {city} {next_id}", f"{body} {city}",
                    f"{description} {' '.join(rng.sample(WORDS, 6))}.", areas,
                )  # fmt: skip
        self.n_authorities = next_id - 1
        self.first_ca = specials["fanout_authority"] + 1
        self.info.update(specials)
        log(f"authorities: {self.n_authorities:,}")

    # -- users
    def users(self) -> None:
        from django.contrib.auth.hashers import make_password

        from openimi.accounts import security_code
        from openimi.accounts.models import RoleGrant, User

        rng = self.rng
        n_auth = self.n_authorities
        n_users = self.size["users"]
        password = make_password(BENCH_PASSWORD)
        key_id = security_code.settings.SECURITY_CODE_CURRENT_KEY_ID

        class _Row:  # enough of a User for the encryption (it binds to the pk)
            def __init__(self, pk):
                self.pk = pk

        # How many users each authority has: one each, the rest Zipf over a shuffled order.
        counts = [0] + [1] * n_auth
        counts[self.info["fanout_authority"]] = FANOUT_HANDLERS + 1
        counts[self.info["writer_authority"]] = 3
        order = list(range(self.first_ca, n_auth + 1))
        rng.shuffle(order)
        self.read_authority = order[0]  # the biggest: most users, most requests
        cumulative = zipf_cumulative(len(order), 0.9)
        for _ in range(max(0, n_users - sum(counts))):
            counts[order[pick(rng, cumulative)]] += 1
        self.user_start = [0] * (n_auth + 1)
        self.user_count = counts
        self.handlers: list[list[int]] = [[] for _ in range(n_auth + 1)]
        user_cols = ["id", "password", "username", "first_name", "last_name", "email",
                     "authority_id", "language", "status", "must_change_password",
                     "security_code_ciphertext", "security_code_key_id",
                     "security_code_set_at", "date_joined"]  # fmt: skip
        first_names = ["Anna", "Jan", "Marie", "Luca", "Sofia", "Piotr", "Eva", "Mikael"]
        last_names = ["Jansen", "Müller", "Rossi", "García", "Nowak", "Dubois", "Novák"]
        named = {
            self.read_authority: ["bench.reader"],
            self.info["writer_authority"]: ["bench.writer"],
            # The sender sits at the writer's authority: requests go out from there.
            self.info["fanout_authority"]: [],
        }
        named[self.info["writer_authority"]].append("bench.sender")
        pk = 0
        grant_ids = itertools.count(1)
        grant_cols = ["id", "user_id", "authority_id", "role", "area_id", "granted_at"]
        with self.tables((User, user_cols), (RoleGrant, grant_cols)) as (users, grants):
            for authority in range(1, n_auth + 1):
                self.user_start[authority] = pk + 1
                areas = self.auth_areas[authority] or (self.areas[0].pk,)
                language = "en"
                for index in range(counts[authority]):
                    pk += 1
                    special = named.get(authority, [])
                    username = special[index] if index < len(special) else f"user{pk}"
                    ciphertext = security_code._encrypt(
                        BENCH_SECURITY_CODE, user=_Row(pk), key_id=key_id
                    )
                    joined = NOW - dt.timedelta(days=rng.randint(0, 1200))
                    users.add(
                        str(pk), password, username, rng.choice(first_names),
                        rng.choice(last_names), f"{username}@example.eu", str(authority),
                        language, "active", "f", "\\\\x" + ciphertext.hex(), key_id, ts(joined),
                        ts(joined),
                    )  # fmt: skip
                    roles: list[tuple[str, int | None]] = []
                    if index == 0:
                        roles.append(("local_data_administrator", None))
                    if username.startswith("bench."):
                        roles += [("request_handler", a) for a in areas]
                        roles += [("allocator", a) for a in areas]
                        if username == "bench.reader":
                            roles += [("supervisor", a) for a in areas]
                    elif authority == self.info["fanout_authority"] and index > 0:
                        roles.append(("request_handler", areas[0]))
                    else:
                        draw = rng.random()
                        if draw < 0.30:
                            roles.append(("request_handler", rng.choice(areas)))
                        elif draw < 0.35:
                            roles.append(("allocator", rng.choice(areas)))
                        elif draw < 0.38:
                            roles.append(("supervisor", rng.choice(areas)))
                    for role, area in roles:
                        grants.add(
                            str(next(grant_ids)), str(pk), str(authority), role, nullable(area),
                            ts(joined),
                        )  # fmt: skip
                        if role == "request_handler":
                            self.handlers[authority].append(pk)
        self.n_users = pk
        self.info["read_authority"] = self.read_authority
        log(f"users: {self.n_users:,}")

    def some_user(self, authority: int) -> int:
        handlers = self.handlers[authority]
        if handlers:
            return self.rng.choice(handlers)
        return self.user_start[authority] + self.rng.randrange(self.user_count[authority])

    # -- requests
    def requests(self) -> None:
        from openimi.exchange.models import (
            Answer,
            InformationRequest,
            PersonalData,
            RequestEvent,
            RequestQuestion,
        )
        from openimi.notifications.models import OutboxMessage

        rng = self.rng
        n = self.size["requests"]
        cas = list(range(self.first_ca, self.n_authorities + 1))
        responding_order = cas[:]
        rng.shuffle(responding_order)
        responding_order.remove(self.read_authority)
        responding_order.insert(0, self.read_authority)
        requesting_order = cas[:]
        rng.shuffle(requesting_order)
        responding_cum = zipf_cumulative(len(responding_order), 1.0)
        requesting_cum = zipf_cumulative(len(requesting_order), 0.8)
        open_states = list(OPEN_STATUS_WEIGHTS)
        open_cum = list(itertools.accumulate(OPEN_STATUS_WEIGHTS.values()))
        old_states = list(OLD_STATUS_WEIGHTS)
        old_cum = list(itertools.accumulate(OLD_STATUS_WEIGHTS.values()))
        three_years = 3 * 365 * 86400
        # Creation times in order, so that ids grow with time as they do in production.
        offsets = sorted((rng.random() ** 0.8) * three_years for _ in range(n))
        request_cols = ["id", "created_at", "updated_at", "requesting_authority_id",
                        "requesting_user_id", "responding_authority_id", "area_id",
                        "question_set_id", "status", "is_practice", "justification",
                        "justification_language", "reply_by", "acceptance_deadline",
                        "sent_at", "accepted_at", "answered_at", "closed_at",
                        "rejection_reason"]  # fmt: skip
        event_cols = ["id", "info_request_id", "actor_id", "actor_authority_id", "code",
                      "from_status", "to_status", "data", "created_at"]  # fmt: skip
        outbox_cols = ["created_at", "updated_at", "key", "event_code", "recipient_email",
                       "recipient_user_id", "authority_id", "subject", "body_text", "status",
                       "attempts", "next_attempt_at", "sent_at"]  # fmt: skip
        pd_cols = ["info_request_id", "provider_name", "legal_form", "registration_number",
                   "contact_person", "street", "postal_code", "city", "country_id",
                   "email"]  # fmt: skip
        ids = {"request": 0, "question": 0, "event": 0}
        tallies = dict.fromkeys(("requests", "questions", "answers", "events", "outbox",
                                 "personal_data"), 0)  # fmt: skip
        pools: dict[str, list] = {"accept": [], "answer": []}

        with self.tables(
            (InformationRequest, request_cols),
            (PersonalData, pd_cols),
            (RequestQuestion, ["id", "info_request_id", "question_id", "position"]),
            (
                Answer,
                [
                    "request_question_id",
                    "value",
                    "standard_answer_id",
                    "free_text",
                    "free_text_language",
                    "answered_by_id",
                    "answered_at",
                    "sent_at",
                ],
            ),  # fmt: skip
            (RequestEvent, event_cols),
            (OutboxMessage, outbox_cols),
        ) as (requests, personal, questions, answers, events, outbox):

            def event(request_id, actor, actor_authority, code, before, after, when, notify):
                ids["event"] += 1
                events.add(
                    str(ids["event"]), str(request_id), str(actor), str(actor_authority), code,
                    before, after, "{}", ts(when),
                )  # fmt: skip
                if notify:
                    recipient = self.some_user(notify)
                    sent = when < NOW - dt.timedelta(minutes=5)
                    text = (
                        f"Information request {request_id}: {code.split('.')[-1]}. "
                        f"Open {os.environ.get('SITE_URL', 'http://127.0.0.1:8000')}"
                        f"/requests/{request_id}/ to see it. " + " ".join(rng.sample(WORDS, 12))
                    )
                    outbox.add(
                        ts(when), ts(when), f"{ids['event']}:{recipient}", code,
                        f"user{recipient}@example.eu", str(recipient), str(notify),
                        clean(f"IMI request {request_id}: {code}"), clean(text),
                        "sent" if sent else "pending", "1" if sent else "0", ts(when),
                        ts(when) if sent else NULL,
                    )  # fmt: skip
                    tallies["outbox"] += 1
                tallies["events"] += 1

            def add_request(created, requesting, responding, status, practice=False,
                            n_questions=None, answered_types=None):  # fmt: skip
                ids["request"] += 1
                pk = ids["request"]
                areas = self.auth_areas[responding] or (self.areas[0].pk,)
                area = rng.choice(areas)
                sets = self.question_sets.get(area) or next(iter(self.question_sets.values()))
                qset = next((s for s in sets if s[1] == practice), sets[0])
                requester = self.some_user(requesting)
                responder = self.some_user(responding)
                sent = None if status in ("draft",) else created + dt.timedelta(
                    hours=rng.randint(1, 48))  # fmt: skip
                if status == "awaiting_approval":
                    sent = None
                accepted = answered = closed = None
                if sent and status not in ("awaiting_acceptance", "rejected"):
                    accepted = sent + dt.timedelta(hours=rng.randint(2, 240))
                if status in ANSWERED_STATES:
                    answered = accepted + dt.timedelta(hours=rng.randint(24, 720))
                if status == "closed":
                    closed = answered + dt.timedelta(hours=rng.randint(1, 240))
                if status == "rejected":
                    closed = sent + dt.timedelta(hours=rng.randint(2, 200))
                if status == "withdrawn":
                    closed = (accepted or sent or created) + dt.timedelta(hours=rng.randint(1, 99))
                    if sent is None:
                        sent = created + dt.timedelta(hours=1)
                times = [t for t in (created, sent, accepted, answered, closed) if t]
                latest = max(times)
                if latest > NOW:  # keep everything in the past
                    shift = latest - NOW + dt.timedelta(minutes=10)
                    created, sent, accepted, answered, closed = (
                        t - shift if t else None
                        for t in (created, sent, accepted, answered, closed)
                    )
                reply_by = (sent or created).date() + dt.timedelta(days=rng.randint(14, 45))
                language = "en"
                requests.add(
                    str(pk), ts(created), ts(closed or answered or accepted or sent or created),
                    str(requesting), str(requester), str(responding), str(area), str(qset[0]),
                    status, boolean(practice),
                    clean("We need to verify the registration and the professional conduct of "
                          "this provider before granting a licence. " + " ".join(
                              rng.sample(WORDS, 10))),
                    language, day(reply_by), day((sent or created).date() + dt.timedelta(days=7)),
                    ts(sent), ts(accepted), ts(answered), ts(closed),
                    "outside_scope" if status == "rejected" else "",
                )  # fmt: skip
                tallies["requests"] += 1
                # Personal data is kept while the request is open and 6 months after.
                if closed is None or closed > NOW - dt.timedelta(days=182):
                    personal.add(
                        str(pk), clean(f"Provider {pk} B.V."), "B.V.", f"KVK{pk:08d}",
                        "J. Smit", f"{rng.randint(1, 300)} Market Street",
                        f"{rng.randint(1000, 9999)} AB", "Oeteldonk", self.auth_country[requesting],
                        f"provider{pk}@example.eu",
                    )  # fmt: skip
                    tallies["personal_data"] += 1
                # Questions and answers.
                count = n_questions or rng.randint(3, 6)
                chosen = (
                    [q for q in qset[2] if q[1] in answered_types][:count]
                    if answered_types
                    else rng.sample(qset[2], min(count, len(qset[2])))
                )
                answer_all = status in ANSWERED_STATES
                answer_some = status in ("accepted", "awaiting_information")
                asked = []
                for position, (question_id, answer_type, choices) in enumerate(chosen):
                    ids["question"] += 1
                    questions.add(str(ids["question"]), str(pk), str(question_id), str(position))
                    asked.append((ids["question"], answer_type))
                    tallies["questions"] += 1
                    if answer_all or (answer_some and rng.random() < 0.3):
                        value, standard, text = NULL, NULL, ""
                        if answer_type in ("yes_no", "yes_no_unknown"):
                            value = '"yes"'
                        elif answer_type == "choice" and choices:
                            value = json.dumps(choices[0]["code"])
                        elif answer_type == "date":
                            value = json.dumps((sent or created).date().isoformat())
                        elif answer_type == "document":
                            standard = str(self.standard_answer)
                        if answer_type == "free_text" or rng.random() < 0.3:
                            text = "The provider is registered and in good standing since 2019."
                        when = answered or accepted or NOW
                        answers.add(
                            str(ids["question"]), value, standard, text, "en" if text else "",
                            str(responder), ts(when), ts(answered),
                        )  # fmt: skip
                        tallies["answers"] += 1
                # Events (and their e-mails), as the services write them.
                event(pk, requester, requesting, "request.created", "", "draft", created, None)
                if sent:
                    event(pk, requester, requesting, "request.sent", "draft",
                          "awaiting_acceptance", sent, responding)  # fmt: skip
                if accepted:
                    event(pk, responder, responding, "request.accepted", "awaiting_acceptance",
                          "accepted", accepted, requesting)  # fmt: skip
                if answered:
                    event(pk, responder, responding, "request.answered", "accepted", "answered",
                          answered, requesting)  # fmt: skip
                if status == "closed":
                    event(pk, requester, requesting, "request.answer_accepted", "answered",
                          "closed", closed, responding)  # fmt: skip
                elif status == "rejected":
                    event(pk, responder, responding, "request.rejected", "awaiting_acceptance",
                          "rejected", closed, requesting)  # fmt: skip
                elif status == "withdrawn":
                    event(pk, requester, requesting, "request.withdrawn", "accepted",
                          "withdrawn", closed, responding)  # fmt: skip
                return pk, asked

            start = NOW - dt.timedelta(seconds=three_years)
            report_every = max(1, n // 10)
            for index, offset in enumerate(offsets):
                created = start + dt.timedelta(seconds=offset)
                responding = responding_order[pick(rng, responding_cum)]
                requesting = requesting_order[pick(rng, requesting_cum)]
                while requesting == responding:
                    requesting = rng.choice(cas)
                age = NOW - created
                if age > dt.timedelta(days=120):
                    status = old_states[pick(rng, old_cum)]
                else:
                    status = open_states[pick(rng, open_cum)]
                add_request(created, requesting, responding, status,
                            practice=rng.random() < 0.02)  # fmt: skip
                if (index + 1) % report_every == 0:
                    log(f"requests: {index + 1:,} of {n:,}")
            # The pools for the write operations, sent to the writer's authority recently.
            writer = self.info["writer_authority"]
            for kind, status, size in (("accept", "awaiting_acceptance", POOL_ACCEPT),
                                       ("answer", "accepted", POOL_ANSWER)):  # fmt: skip
                for _ in range(size):
                    created = NOW - dt.timedelta(days=rng.randint(1, 20))
                    requesting = rng.choice(cas)
                    pk, asked = add_request(
                        created, requesting, writer, status, n_questions=3,
                        answered_types={"yes_no", "yes_no_unknown", "free_text"},
                    )  # fmt: skip
                    pools[kind].append((pk, asked[0] if asked else None))
        self.info["pool_accept"] = [pk for pk, _q in pools["accept"]]
        self.info["pool_answer"] = [[pk, q[0], q[1]] for pk, q in pools["answer"] if q]
        self.info["counts"] = tallies
        self.info["max_ids"] = dict(ids)
        log("requests written: " + ", ".join(f"{k} {v:,}" for k, v in tallies.items()))

    def finish(self) -> None:
        import psycopg

        from openimi.accounts.models import RoleGrant, User
        from openimi.authorities.models import AreaPreferences, Authority, AuthorityTranslation
        from openimi.exchange.models import (
            Answer,
            InformationRequest,
            PersonalData,
            RequestEvent,
            RequestQuestion,
        )
        from openimi.notifications.models import OutboxMessage

        models = [Authority, AuthorityTranslation, AreaPreferences, User, RoleGrant,
                  InformationRequest, PersonalData, RequestQuestion, Answer, RequestEvent,
                  OutboxMessage, Authority.economic_sectors.through,
                  Authority.policy_areas.through, AreaPreferences.keywords.through]  # fmt: skip
        with psycopg.connect(self.url, autocommit=True) as conn:
            for model in models:
                table = model._meta.db_table
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
            log("VACUUM ANALYZE ...")
            conn.execute("VACUUM ANALYZE")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS bench_marker (scale text, version text, "
                "created_at timestamptz DEFAULT now(), info jsonb)"
            )
            conn.execute(
                "INSERT INTO bench_marker (scale, version, info) VALUES (%s, %s, %s)",
                (self.scale, GENERATOR_VERSION, json.dumps(self.info)),
            )


class _Tables:
    def __init__(self, generator: Generator, specs):
        self.generator = generator
        self.specs = specs

    def __enter__(self):
        self.conns = [self.generator.connect() for _ in self.specs]
        self.tables = [
            Table(c, m, cols) for c, (m, cols) in zip(self.conns, self.specs, strict=True)
        ]
        return self.tables

    def __exit__(self, exc_type, exc, tb):
        for table, conn in zip(self.tables, self.conns, strict=True):
            if exc_type is None:
                table.close()
                conn.commit()
            conn.close()
        return False


def generate(server: str, scale: str, force: bool) -> dict:
    url = database_url(server, scale)
    found = marker(url)
    if found and found["scale"] == scale and found["version"] == GENERATOR_VERSION and not force:
        log(f"{scale}: reusing {url} (generator version {GENERATOR_VERSION}); migrating")
        run_openimi(url, "migrate", "--no-input", "--verbosity", "0")  # new product migrations
        return found
    started = time.monotonic()
    log(f"{scale}: creating {url}")
    recreate_database(server, url.rsplit("/", 1)[1])
    run_openimi(url, "migrate", "--no-input", "--verbosity", "0")
    run_openimi(url, "load_reference")
    log(f"{scale}: migrated and reference data loaded ({time.monotonic() - started:.0f} s)")
    os.environ.update(environment(url))
    _django_setup()
    from django.db import connections

    connections["default"].close()
    connections["default"].settings_dict.update(_parse(url))
    generator = Generator(url, scale)
    generator.load_reference_ids()
    generator.authorities()
    generator.users()
    generator.requests()
    generator.finish()
    elapsed = time.monotonic() - started
    log(f"{scale}: done in {elapsed:.0f} s")
    return {"scale": scale, "version": GENERATOR_VERSION, **generator.info}


def _parse(url: str) -> dict:
    import dj_database_url

    parsed = dj_database_url.parse(url)
    return {key: parsed[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}


def _django_setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimi.settings")
    sys.path.insert(0, str(REPO / "src"))
    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="S", help="S, L or S,L")
    parser.add_argument("--server", default="postgres://root@127.0.0.1:5432")
    parser.add_argument("--force", action="store_true", help="rewrite even when up to date")
    args = parser.parse_args(argv)
    for scale in args.scale.upper().split(","):
        if scale not in SCALES:
            parser.error(f"unknown scale {scale!r} (S or L)")
        generate(args.server, scale, args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
