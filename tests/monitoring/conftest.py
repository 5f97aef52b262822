"""A hand-computed data set for the monitoring figures, built through the real services on a
moved clock (no status or timestamp is set by hand).

Gemeente Oeteldonk (``authority``, NL) receives requests from the Gewerbeamt Köln
(``other_authority``, DE) in two areas, Services and Professional qualifications, in January,
February and March 2026; "today" is Friday 20 March 2026, 12:00 in Brussels. Gemeente
Anderstad (NL, supervised by the same coordinator in Services) receives one request; Köln
receives one from Oeteldonk. All times are Brussels time (UTC+1 in these months).

====  =====  ====================  ==================  ==================  ======  =========
req   area   received              accepted            answered            reply   now
====  =====  ====================  ==================  ==================  ======  =========
R1    S      Mon  5 Jan 10:00      Wed  7 Jan 10:00    Thu 15 Jan 10:00    20 Jan  closed
R2    S      Sat 10 Jan 10:00      Tue 20 Jan 10:00    Tue  3 Feb 10:00    5 Feb*  answered
R3    S      Mon 12 Jan 10:00      Tue 13 Jan 10:00    Mon  9 Feb 10:00    30 Jan  answered
R4    PQ     Tue 20 Jan 10:00      Tue 27 Jan 09:00    –                   10 Feb  accepted
R5    PQ     Sun  1 Feb 00:30 †    –                   –                   20 Feb  awaiting
R6    S      Mon  2 Feb 10:00      Wed  4 Feb 10:00    Thu 12 Feb 10:00    20 Feb  closed
R7    S      Tue 10 Feb 10:00      rejected 11 Feb     –                   28 Feb  rejected
R8    S      Tue  3 Feb 10:00      practice set: accepted and answered         answered
R9    PQ     Sun 15 Feb 10:00      Mon 16 Feb 10:00    Sat 21 Feb 10:00    30 Mar  answered
R10   PQ     Wed 18 Mar 10:00      –                   –                   15 Apr  awaiting
R11   S      Oeteldonk → Köln: Thu 8 Jan 10:00, accepted 9 Jan, answered 12 Jan 10:00
R12   S      Köln → Anderstad: Thu 5 Feb 10:00, accepted 6 Feb, answered 8 Feb 10:00
====  =====  ====================  ==================  ==================  ======  =========

\\* R2 asked for 25 January; Oeteldonk proposed 5 February when it accepted.
† 00:30 on 1 February in Brussels is 23:30 on 31 January in UTC: it counts for February.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

import pytest

from openimi.accounts.models import Role, User
from openimi.authorities.models import AreaPreferences, Authority, LegislativeArea
from openimi.exchange import services
from openimi.exchange.models import InformationRequest, QuestionSet
from openimi.exchange.reference import load_question_sets
from tests.exchange.conftest import write_sample
from tests.factories import AreaPreferencesFactory, AuthorityFactory, UserFactory
from tests.notifications.conftest import clock  # noqa: F401 - fixture

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
TODAY = dt.datetime(2026, 3, 20, 12, 0, tzinfo=BRUSSELS)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BRUSSELS)


def _question_set(code: str, area: str, practice: bool = False) -> dict:
    return {
        "code": code,
        "area": area,
        "is_practice": practice,
        "titles": {"en": code, "nl": code},
        "questions": [
            {
                "code": f"{code}-1",
                "answer_type": "yes_no",
                "texts": {"en": "Is it registered?", "nl": "Is het ingeschreven?"},
                "standard_answers": [],
            }
        ],
    }


SAMPLE = {
    "version": "monitoring.1",
    "standard_answers": [],
    "question_sets": [
        _question_set("services-m", "services"),
        _question_set("pq-m", "professional_qualifications"),
        _question_set("services-practice-m", "services", practice=True),
    ],
}


@dataclass
class Stats:
    services: LegislativeArea
    pq: LegislativeArea
    oeteldonk: Authority
    koeln: Authority
    anderstad: Authority
    coordinator: Authority
    users: dict[str, User] = field(default_factory=dict)
    requests: dict[str, InformationRequest] = field(default_factory=dict)
    walk: Walker | None = None

    def __getitem__(self, name: str) -> User:
        return self.users[name]


class Walker:
    """Sends, accepts, answers and closes requests through the services at given times."""

    def __init__(self, moved_clock, sets: dict[tuple[int, bool], QuestionSet]):
        self.clock, self.sets = moved_clock, sets

    def send(self, *, sender, to, area, sent, reply_by, practice=False):
        question_set = self.sets[(area.pk, practice)]
        self.clock.now = sent - dt.timedelta(minutes=5)
        info_request = services.request_create_draft(
            actor=sender, area=area, question_set=question_set, responding_authority=to
        )
        services.request_update_draft(
            info_request=info_request,
            actor=sender,
            questions=list(question_set.questions.all()),
            reply_by=reply_by,
            justification="We must check the registration.",
            justification_language="en",
        )
        services.request_set_personal_data(
            info_request=info_request, actor=sender, data={"provider_name": "Jansen B.V."}
        )
        self.clock.now = sent
        services.request_send(info_request=info_request, actor=sender)
        return info_request

    def accept(self, info_request, *, actor, when, reply_by=None):
        self.clock.now = when
        services.request_accept(info_request=info_request, actor=actor, reply_by=reply_by)

    def answer(self, info_request, *, actor, when):
        self.clock.now = when
        for request_question in info_request.request_questions.all():
            services.answer_save(
                info_request=info_request,
                actor=actor,
                request_question=request_question,
                value="yes",
            )
        services.request_answer(info_request=info_request, actor=actor)

    def close(self, info_request, *, actor, when):
        self.clock.now = when
        services.request_accept_answer(info_request=info_request, actor=actor)

    def reject(self, info_request, *, actor, when):
        self.clock.now = when
        services.request_reject(info_request=info_request, actor=actor, reason="outside_scope")


@pytest.fixture
def stats(
    tmp_path,
    clock,  # noqa: F811
    services_area,
    authority,
    other_authority,
    coordinator,
    supervisor,
    basic_user,
    lda,
    coordinator_lda,
    handler,
) -> Stats:
    pq = LegislativeArea.objects.create(
        code="professional_qualifications",
        names={"en": "Professional qualifications", "nl": "Beroepskwalificaties"},
        position=2,
    )
    load_question_sets(directory=write_sample(tmp_path / "question_sets", SAMPLE))
    sets = {
        (qs.area_id, qs.is_practice): qs
        for qs in QuestionSet.objects.filter(code__in=["services-m", "pq-m", "services-practice-m"])
    }
    AreaPreferencesFactory(authority=authority, area=pq, supervising_coordinator=coordinator)
    AreaPreferencesFactory(authority=other_authority, area=pq)
    AreaPreferences.objects.filter(authority=authority, area=services_area).update(may_reject=True)
    anderstad = AuthorityFactory(
        country=authority.country,
        language_id="nl",
        official_name="Gemeente Anderstad",
        email="imi@anderstad.example",
    )
    AreaPreferencesFactory(
        authority=anderstad, area=services_area, supervising_coordinator=coordinator
    )
    both = [(Role.REQUEST_HANDLER, services_area), (Role.REQUEST_HANDLER, pq)]
    users = {
        "supervisor": supervisor,  # Oeteldonk, Services only
        "basic": basic_user,
        "lda": lda,
        "handler": handler,
        "coordinator_lda": coordinator_lda,
        "receiver": UserFactory(authority=authority, username="receiver", roles=both),
        "sender": UserFactory(authority=other_authority, username="sender", roles=both),
        "koeln_supervisor": UserFactory(
            authority=other_authority,
            username="koeln_supervisor",
            roles=[(Role.SUPERVISOR, services_area)],
        ),
        "anderstad_handler": UserFactory(
            authority=anderstad,
            username="anderstad_handler",
            roles=[(Role.REQUEST_HANDLER, services_area)],
        ),
        "coordinator_supervisor": UserFactory(
            authority=coordinator,
            username="coordinator_supervisor",
            roles=[(Role.SUPERVISOR, services_area)],
        ),
    }
    world = Stats(services_area, pq, authority, other_authority, anderstad, coordinator, users)
    walk = world.walk = Walker(clock, sets)
    s, p = services_area, pq
    sender, receiver = users["sender"], users["receiver"]

    def incoming(name, area, sent, reply_by, practice=False):
        world.requests[name] = walk.send(
            sender=sender,
            to=authority,
            area=area,
            sent=sent,
            reply_by=reply_by,
            practice=practice,
        )
        return world.requests[name]

    r1 = incoming("R1", s, at(1, 5), dt.date(2026, 1, 20))
    walk.accept(r1, actor=receiver, when=at(1, 7))
    walk.answer(r1, actor=receiver, when=at(1, 15))
    walk.close(r1, actor=sender, when=at(1, 16))

    r2 = incoming("R2", s, at(1, 10), dt.date(2026, 1, 25))
    walk.accept(r2, actor=receiver, when=at(1, 20), reply_by=dt.date(2026, 2, 5))
    walk.answer(r2, actor=receiver, when=at(2, 3))

    r3 = incoming("R3", s, at(1, 12), dt.date(2026, 1, 30))
    walk.accept(r3, actor=receiver, when=at(1, 13))
    walk.answer(r3, actor=receiver, when=at(2, 9))

    r4 = incoming("R4", p, at(1, 20), dt.date(2026, 2, 10))
    walk.accept(r4, actor=receiver, when=at(1, 27, hour=9))

    incoming("R5", p, at(2, 1, hour=0, minute=30), dt.date(2026, 2, 20))

    r6 = incoming("R6", s, at(2, 2), dt.date(2026, 2, 20))
    walk.accept(r6, actor=receiver, when=at(2, 4))
    walk.answer(r6, actor=receiver, when=at(2, 12))
    walk.close(r6, actor=sender, when=at(2, 13))

    r7 = incoming("R7", s, at(2, 10), dt.date(2026, 2, 28))
    walk.reject(r7, actor=receiver, when=at(2, 11))

    r8 = incoming("R8", s, at(2, 3), dt.date(2026, 2, 20), practice=True)
    walk.accept(r8, actor=receiver, when=at(2, 3, hour=11))
    walk.answer(r8, actor=receiver, when=at(2, 4))

    r9 = incoming("R9", p, at(2, 15), dt.date(2026, 3, 30))
    walk.accept(r9, actor=receiver, when=at(2, 16))
    walk.answer(r9, actor=receiver, when=at(2, 21))

    incoming("R10", p, at(3, 18), dt.date(2026, 4, 15))

    r11 = walk.send(
        sender=receiver, to=other_authority, area=s, sent=at(1, 8), reply_by=dt.date(2026, 1, 30)
    )
    walk.accept(r11, actor=sender, when=at(1, 9))
    walk.answer(r11, actor=sender, when=at(1, 12))
    world.requests["R11"] = r11

    r12 = walk.send(
        sender=sender, to=anderstad, area=s, sent=at(2, 5), reply_by=dt.date(2026, 2, 20)
    )
    walk.accept(r12, actor=users["anderstad_handler"], when=at(2, 6))
    walk.answer(r12, actor=users["anderstad_handler"], when=at(2, 8))
    world.requests["R12"] = r12

    clock.now = TODAY
    return world
