"""Every read operation costs a constant number of queries (issue #8).

Each test measures an operation once with one of everything that could grow (requests,
questions, answers, events, attachments, allocations, mediation messages, authorities, role
grants, translations) and again with many, and asserts the SAME number, written here: a
change that adds a query per row fails, and so does one that adds a query at all (then the
budget in docs/architecture.md and here is raised on purpose). The numbers are the same on
SQLite and PostgreSQL. A page's number includes the session, the user, the menu and the
session's idle-timeout refresh; a role that sees a different page has its own number.
"""

# The exchange's fixtures are imported into this module (tests/conftest.py is shared), so
# their names come back as test parameters.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from openimi.access import policy
from openimi.access import requests as rules
from openimi.access.policy import Action
from openimi.accounts.models import RoleGrant
from openimi.api import tokens
from openimi.authorities.models import AreaPreferences, Authority, AuthorityTranslation
from openimi.exchange import selectors, services
from openimi.exchange.models import InformationRequest, Question
from openimi.exchange.workflow import OPEN_STATES, State, Transition
from openimi.onboarding.home import SECTIONS
from tests.exchange.conftest import (  # noqa: F401 - fixtures
    JUSTIFICATION,
    PROVIDER_NAME,
    answer_all,
    make_request,
    media_root,
    pdf,
    world,
)
from tests.factories import (
    AuthorityFactory,
    EconomicSectorFactory,
    KeywordFactory,
    LanguageFactory,
    LegislativeAreaFactory,
)

pytestmark = pytest.mark.django_db

MANY = 12  # "many" of each thing that could grow

# Requests in the states the pages list; every one works with allocation and with the
# coordinator's approval, so that the requests made later follow the same path.
RECIPE = (
    State.DRAFT,
    State.AWAITING_APPROVAL,
    State.AWAITING_ACCEPTANCE,
    State.ACCEPTED,
    State.ANSWERED,
)


def _requests(make_request, times: int) -> None:
    for _ in range(times):
        for state in RECIPE:
            make_request(state, allocation=True, outgoing_approval=True)


def _more_of_everything(world, times: int) -> None:
    """More authorities (with preferences), role grants in more areas, and translations of
    every authority in more languages."""
    areas = [LegislativeAreaFactory(code=f"growth-area-{i}") for i in range(times)]
    languages = [
        LanguageFactory(code=code).code for code in ("fr", "it", "es", "pl", "sv", "fi")[:times]
    ]
    for user in world.users.values():
        roles = {role for role, area in user.role_grants.values_list("role", "area") if area}
        RoleGrant.objects.bulk_create(
            RoleGrant(user=user, role=role, area=area) for role in roles for area in areas
        )
    for number in range(times):
        extra = AuthorityFactory(
            country=world.responding.country, language_id="de", official_name=f"Amt {number}"
        )
        AreaPreferences.objects.create(
            authority=extra, area=world.area, supervising_coordinator=world.other_coordinator
        )
    for authority in Authority.objects.all():
        AuthorityTranslation.objects.bulk_create(
            AuthorityTranslation(
                authority=authority, language_id=code, informal_title=f"{authority} ({code})"
            )
            for code in ["en", *languages]
            if code != authority.language_id
            and not authority.translations.filter(language_id=code).exists()
        )


def _page(client, user, url, data=None):
    """A call of the page as ``user``, prepared outside the measurement: ``(prepare, call)``."""

    def prepare():
        client.force_login(user)
        client.get(url, data)  # the first call of a session writes it: not what is measured

    return prepare, lambda: client.get(url, data)


def _assert_constant(django_assert_num_queries, budgets, calls, *, grow):
    """Measure every call (``name -> (prepare, call)``), grow the data, measure again: each time
    exactly ``budgets[name]`` queries, and a successful answer."""
    for _round in range(2):
        for name, (prepare, call) in calls.items():
            prepare()
            with django_assert_num_queries(budgets[name], info=name):
                response = call()
            assert response.status_code == 200, (name, response.status_code)
        if _round == 0:
            grow()


# --- The home page ------------------------------------------------------------------------

# session, user, role grants, own authority; the newest open requests (the ids of those not
# yet sent and of the newest sent, then their rows), their areas and question sets, both
# sides' countries and authorities' titles (one query each); the policy's facts for all of them (2:
# preferences, allocations); the overdue count; the session's idle-timeout refresh (3)
HOME = {
    "basic": 17,
    "handler": 17,
    "resp_handler": 17,
    "resp_allocator": 17,
    "supervisor": 17,
    "lda": 25,  # and the onboarding checklist's summary (8)
    "coord_handler": 17,
}


def test_home(client, world, make_request, django_assert_num_queries):
    _requests(make_request, 1)
    calls = {name: _page(client, world[name], reverse("home")) for name in HOME}

    def grow():
        _requests(make_request, MANY // len(RECIPE) + 1)
        _more_of_everything(world, 3)

    _assert_constant(django_assert_num_queries, HOME, calls, grow=grow)


def test_home_sections_are_those_of_one_check_per_request(client, world, make_request):
    """The home page reads the policy's facts for all its requests at once; its sections are
    what checking each request on its own gives."""
    _requests(make_request, 2)
    for name in HOME:
        user = world[name]
        client.force_login(user)
        home = client.get(reverse("home")).context["home"]
        shown = {section.key: [r.pk for r in section.requests] for section in home.sections}
        expected: dict[str, list[int]] = {}
        for info_request in selectors.request_list(
            user=user, filters=selectors.RequestFilters(statuses=tuple(OPEN_STATES))
        ):
            fresh = InformationRequest.objects.get(pk=info_request.pk)  # nothing read ahead
            available = set(selectors.request_available_transitions(user=user, info_request=fresh))
            if fresh.allocations.filter(is_active=True).exists():
                available.discard(Transition.ALLOCATE)  # the allocator's queue: not allocated
            for key, _title, transitions in SECTIONS:
                if available & transitions:
                    expected.setdefault(key, []).append(info_request.pk)
        assert shown == expected, name
    assert shown  # the coordinator has something to approve


def test_facts_read_ahead_give_the_same_answers(world, make_request):
    """``load_facts`` only reads ahead: every request action answers as without it."""
    _requests(make_request, 1)
    make_request(State.AWAITING_ACCEPTANCE, allocation=True, outgoing_approval=True, referred=True)
    loaded = list(InformationRequest.objects.all())
    rules.load_facts(loaded)
    on_other_objects = {
        Action.REQUEST_LIST,
        Action.REQUEST_COORDINATOR_OVERVIEW,
        Action.REQUEST_CREATE,
        Action.REQUEST_DOWNLOAD_ATTACHMENT,
    }
    actions = sorted(rules.REQUEST_ACTIONS - on_other_objects)
    for user in world.users.values():
        for info_request in loaded:
            fresh = InformationRequest.objects.get(pk=info_request.pk)
            for action in actions:
                expected = policy.can(user, action, fresh)
                assert policy.can(user, action, info_request) == expected, (user, action)


def test_copied_facts_give_the_same_answers_and_stay_with_their_request(world, make_request):
    """``copy_facts`` hands the facts read ahead to a fresh read of the same request only."""
    _requests(make_request, 1)
    loaded = list(InformationRequest.objects.all())
    rules.load_facts(loaded)
    for info_request in loaded:
        fresh = InformationRequest.objects.get(pk=info_request.pk)
        rules.copy_facts(info_request, fresh)
        for user in world.users.values():
            expected = policy.can(user, Action.REQUEST_VIEW_PERSONAL_DATA, info_request)
            assert policy.can(user, Action.REQUEST_VIEW_PERSONAL_DATA, fresh) == expected
    first, other = loaded[0], InformationRequest.objects.get(pk=loaded[1].pk)
    rules.copy_facts(first, other)
    assert "_policy_allocated" not in other.__dict__


# --- The lists of requests ------------------------------------------------------------------

# session, user, the filter form's areas and countries, role grants, own authority; the count,
# one page of rows, their areas and question sets, both sides' countries and authorities'
# titles (one query each: `authority_details_load`); the session's refresh (3); incoming
# lists also the handlers of the page's rows (`handlers_load`: who handles each request)
INCOMING = {
    "resp_basic": 16,
    "resp_handler": 16,
    "resp_allocator": 16,
    "resp_supervisor": 16,
    "resp_lda": 16,
}
OUTGOING = {
    "basic": 15,
    "handler": 15,
    "allocator": 15,
    "supervisor": 15,
    "lda": 15,
}
FILTERED = {"resp_handler": 16, "resp_allocator": 16}
COORDINATOR_OVERVIEW = {"coord_handler": 15, "resp_coord_handler": 15}


def test_lists(client, world, make_request, django_assert_num_queries):
    _requests(make_request, 1)
    filters = {
        "status": "accepted",
        "area": world.area.pk,
        "country": "NL",
        "sort": "reply_by",
    }
    calls, budgets = {}, {}
    for url_name, table in (
        ("exchange:list", INCOMING),
        ("exchange:outgoing", OUTGOING),
        ("exchange:coordinator_overview", COORDINATOR_OVERVIEW),
    ):
        for name, budget in table.items():
            key = f"{url_name} {name}"
            calls[key] = _page(client, world[name], reverse(url_name))
            budgets[key] = budget
    for name, budget in FILTERED.items():
        calls[f"filtered {name}"] = _page(client, world[name], reverse("exchange:list"), filters)
        budgets[f"filtered {name}"] = budget
    calls["allocated to me"] = _page(
        client, world["resp_handler"], reverse("exchange:list"), {"allocated_to_me": "on"}
    )
    budgets["allocated to me"] = FILTERED["resp_handler"]

    def grow():
        _requests(make_request, MANY // len(RECIPE) + 1)
        _more_of_everything(world, 3)

    _assert_constant(django_assert_num_queries, budgets, calls, grow=grow)
    client.force_login(world["handler"])
    assert client.get(reverse("exchange:outgoing")).context["page"].paginator.count > MANY


# --- The detail of a request ----------------------------------------------------------------

# The row alone first (the policy decides on it before the content cache is asked), then with
# its relations to render. Reading personal data records it (a savepoint, the request, the data
# and an insert; the check reuses the facts read ahead); the questions with their answers and
# standard answers (2), the documents (of the questions and of the request together), the
# timeline, the mediation thread and the allocations (none read when the facts say there are
# none) are one query each whatever their number; the policy's facts (preferences,
# allocations) are read once for all the page's checks. The languages of the mediation form
# are read only where it is shown.
DETAIL = {
    "handler": 27,  # the requester
    "resp_handler": 28,  # the allocated responder
    "resp_allocator": 26,
    "supervisor": 26,
    "basic": 19,
    "lda": 19,
    # the mediating coordinator: + the personal data and its corrections' earlier values,
    # looked for in the free texts it reads masked (privacy/masking.py)
    "coord_handler": 23,
    "resp_coord_handler": 19,  # the other side's coordinator: the overview only
}
# The same through the API (token, user, the rate-limit count, ...): no session, no menu.
API_DETAIL = {
    "handler": 17,
    "resp_handler": 17,
    "resp_allocator": 17,
    "supervisor": 17,
    "basic": 16,
    "lda": 16,
    "coord_handler": 14,
}


def _extra_questions(world, count: int) -> list[Question]:
    questions = []
    for number in range(count):
        question = Question.objects.create(
            question_set=world.question_set,
            code=f"X-{number:02d}",
            answer_type=Question.AnswerType.FREE_TEXT,
            texts={"en": f"Extra question {number}?", "nl": f"Extra vraag {number}?"},
            position=100 + number,
        )
        question.standard_answers.set(world.question_set.questions.first().standard_answers.all())
        questions.append(question)
    return questions


def _answered_request(world, *, questions: list[Question], size: int) -> InformationRequest:
    """An answered, allocated, referred request with ``size`` documents, information rounds,
    mediation messages and allocated handlers (at least one of each)."""
    w = world
    requester, responder = w["handler"], w["resp_handler"]
    w.set_prefs(w.responding, uses_allocation=True)
    info_request = services.request_create_draft(
        actor=requester,
        area=w.area,
        question_set=w.question_set,
        responding_authority=w.responding,
    )
    services.request_update_draft(
        info_request=info_request,
        actor=requester,
        questions=questions,
        reply_by=timezone.localdate() + dt.timedelta(days=14),
        justification=JUSTIFICATION,
        justification_language="en",
    )
    services.request_set_personal_data(
        info_request=info_request, actor=requester, data={"provider_name": PROVIDER_NAME}
    )
    for number in range(size):
        services.request_add_attachment(
            info_request=info_request, actor=requester, file=pdf(f"document-{number}.pdf")
        )
    services.request_send(info_request=info_request, actor=requester)
    handlers = [responder, w["resp_handler2"]][: min(size, 2)]
    services.request_allocate(
        info_request=info_request, actor=w["resp_allocator"], handlers=handlers
    )
    services.request_refer_to_coordinator(
        info_request=info_request, actor=requester, text="No answer yet.", language="en"
    )
    for number in range(size):
        services.mediation_post(
            info_request=info_request,
            actor=w["coord_handler"],
            text=f"Message {number}",
            language="en",
        )
    services.request_accept(info_request=info_request, actor=responder)
    for number in range(size):
        services.request_request_info(
            info_request=info_request, actor=responder, text=f"Which {number}?", language="en"
        )
        services.request_provide_info(
            info_request=info_request,
            actor=requester,
            text=f"This {number}.",
            language="en",
            files=[pdf(f"information-{number}.pdf")] if number == 0 else [],
        )
    answer_all(w, info_request, responder)
    services.request_answer(info_request=info_request, actor=responder)
    return InformationRequest.objects.get(pk=info_request.pk)


def test_detail(client, world, django_assert_num_queries):
    sample = list(world.question_set.questions.order_by("position"))
    small = _answered_request(world, questions=sample[:1], size=1)
    large = _answered_request(world, questions=sample + _extra_questions(world, MANY), size=MANY)
    assert large.request_questions.count() == len(sample) + MANY
    assert large.events.count() > small.events.count() + 3 * MANY
    for name, budget in DETAIL.items():
        client.force_login(world[name])
        for info_request in (small, large):
            url = reverse("exchange:detail", args=[info_request.pk])
            client.get(url)
            with django_assert_num_queries(budget, info=name):
                response = client.get(url)
            assert response.status_code == 200, name
    for name, budget in API_DETAIL.items():
        api = _api(world[name])
        for info_request in (small, large):
            url = f"/api/v1/requests/{info_request.pk}/"
            api.get(url)  # the token's first use is recorded once
            with django_assert_num_queries(budget, info=name):
                response = api.get(url)
            assert response.status_code == 200, name
            if policy.can(world[name], Action.REQUEST_VIEW_DETAILS, info_request):
                asked = info_request.request_questions.count()
                assert len(response.json()["questions"]) == asked


# --- The directory -------------------------------------------------------------------------

# session, user, the form's countries, areas, keywords and sectors (4), role grants and own
# authority (menu); one page with the total, its countries, the titles in the reader's
# language; the refresh (3)
# (the same page, and the same number, for every role)
SEARCH = {"basic": 15, "handler": 15, "lda": 15, "coord_handler": 15}


def _registered_authorities(world, start: int, count: int, keyword, sector) -> None:
    """Authorities matching both searches, each with preferences, keywords, sectors and
    translations in several languages."""
    for number in range(start, start + count):
        authority = AuthorityFactory(
            country=world.requesting.country,
            language_id="nl",
            official_name=f"Bouwtoezicht {number}",
            description="Toezicht op de bouw",
        )
        preferences = AreaPreferences.objects.create(
            authority=authority, area=world.area, supervising_coordinator=world.coordinator
        )
        preferences.keywords.add(keyword)
        authority.economic_sectors.add(sector)
        AuthorityTranslation.objects.bulk_create(
            AuthorityTranslation(
                authority=authority, language_id=code, informal_title=f"Building control {code}"
            )
            for code in ("en", "de")
        )


def test_authority_search(client, world, django_assert_num_queries):
    keyword = KeywordFactory(area=world.area, code="building")
    sector = EconomicSectorFactory(code="41")
    _registered_authorities(world, 0, 1, keyword, sector)
    url = reverse("authorities:search")
    by_filters = {
        "country": "NL",
        "kind": Authority.Kind.COMPETENT_AUTHORITY,
        "area": world.area.code,
        "keyword": keyword.pk,
        "sector": sector.code,
    }
    calls, budgets = {}, {}
    for name, budget in SEARCH.items():
        calls[f"text {name}"] = _page(client, world[name], url, {"q": "bouwtoezicht"})
        calls[f"filters {name}"] = _page(client, world[name], url, by_filters)
        budgets[f"text {name}"] = budgets[f"filters {name}"] = budget

    def grow():
        _registered_authorities(world, 1, MANY, keyword, sector)
        _more_of_everything(world, 3)

    _assert_constant(django_assert_num_queries, budgets, calls, grow=grow)
    assert client.get(url, by_filters).context["page"].paginator.count == MANY + 1


# --- The API --------------------------------------------------------------------------------

# the token (with its user) and its use, the rate-limit count, role grants, own authority; one
# page (cursor: no count), its countries (2), areas, question sets and titles (2)
API_LIST = {"handler": 12, "resp_handler": 12, "basic": 12, "coord_handler": 12}
# incoming only: the received requests need neither the role grants nor the own authority
API_LIST_FILTERED = 10
# the token and its use, the rate-limit count; one page (cursor: no count), its countries and
# the titles in the reader's language
API_SEARCH = 6


def _noop() -> None:
    pass


def _api(user) -> APIClient:
    client = APIClient()
    secret = tokens.token_create(actor=user, user=user, name="test").secret
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_api(world, make_request, django_assert_num_queries):
    _requests(make_request, 1)
    keyword = KeywordFactory(area=world.area, code="building")
    sector = EconomicSectorFactory(code="41")
    _registered_authorities(world, 0, 1, keyword, sector)
    clients = {name: _api(world[name]) for name in API_LIST}
    calls, budgets = {}, {}
    for name, budget in API_LIST.items():
        calls[f"list {name}"] = _noop, lambda c=clients[name]: c.get("/api/v1/requests/")
        budgets[f"list {name}"] = budget
    calls["list filtered"] = (
        _noop,
        lambda: clients["resp_handler"].get(
            "/api/v1/requests/",
            {"direction": "incoming", "status": "accepted", "area": world.area.pk},
        ),
    )
    budgets["list filtered"] = API_LIST_FILTERED
    calls["search"] = (
        _noop,
        lambda: clients["basic"].get(
            "/api/v1/authorities/", {"text": "bouwtoezicht", "country": "NL"}
        ),
    )
    budgets["search"] = API_SEARCH
    for _prepare, call in calls.values():
        call()  # the token's first use is recorded once

    def grow():
        _requests(make_request, MANY // len(RECIPE) + 1)
        _registered_authorities(world, 1, MANY, keyword, sector)
        _more_of_everything(world, 3)

    _assert_constant(django_assert_num_queries, budgets, calls, grow=grow)
