"""The home page by role: what needs the user now, with bounded queries."""

# The exchange's fixtures are imported into this module (tests/conftest.py is shared), so
# their names come back as test parameters.
# ruff: noqa: F811

import pytest
from django.urls import reverse

from openimi.exchange.workflow import State
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401
from tests.notifications.conftest import clock  # noqa: F401

pytestmark = pytest.mark.django_db


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.context["home"], response.content.decode()


def _keys(home):
    return {section.key: [r.pk for r in section.requests] for section in home.sections}


def test_responding_handler_sees_what_to_accept_then_answer(client, world, make_request):
    waiting = make_request(State.AWAITING_ACCEPTANCE)
    home, page = _home(client, world["resp_handler"])
    assert _keys(home) == {"accept": [waiting.pk]}
    assert reverse("exchange:detail", kwargs={"pk": waiting.pk}) in page
    accepted = make_request(State.ACCEPTED)
    home, _page = _home(client, world["resp_handler"])
    assert _keys(home)["answer"] == [accepted.pk]


def test_allocator_sees_what_to_allocate(client, world, make_request):
    world.set_prefs(world.responding, uses_allocation=True)
    waiting = make_request(State.AWAITING_ACCEPTANCE)
    home, _page = _home(client, world["resp_allocator"])
    assert _keys(home) == {"allocate": [waiting.pk]}


def test_coordinator_sees_what_to_approve(client, world, make_request):
    pending = make_request(State.AWAITING_APPROVAL)
    home, _page = _home(client, world["coord_handler"])
    assert _keys(home) == {"approve": [pending.pk]}


def test_requester_sees_answers_to_read(client, world, make_request):
    answered = make_request(State.ANSWERED)
    home, _page = _home(client, world["handler"])
    assert _keys(home) == {"answered": [answered.pk]}


def test_basic_user_and_other_authority_see_nothing_to_do(client, world, make_request):
    make_request(State.AWAITING_ACCEPTANCE)
    for name in ("basic", "third_handler", "resp_basic"):
        home, page = _home(client, world[name])
        assert home.sections == []
        assert "No request is waiting for you." in page


def test_overdue(client, world, make_request, clock):
    make_request(State.ACCEPTED)
    home, _page = _home(client, world["resp_handler"])
    assert home.overdue == 0
    clock.advance(days=30)  # the requested reply date passes
    home, page = _home(client, world["resp_handler"])
    assert home.overdue == 1 and "1 incoming request is overdue" in page


def test_checklist_summary_for_administrators(client, world):
    home, page = _home(client, world["lda"])
    assert home.checklist_total == 8 and "onboarding steps" in page
    home, page = _home(client, world["handler"])
    assert home.checklist_total is None and "onboarding steps" not in page


def test_home_queries_do_not_grow(client, world, make_request, django_assert_max_num_queries):
    make_request(State.AWAITING_ACCEPTANCE)
    client.force_login(world["resp_handler"])
    client.get(reverse("home"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home"))
    for _i in range(3):
        make_request(State.AWAITING_ACCEPTANCE)
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("home"))
    # Bounded: the checks run on at most HOME_REQUESTS rows; per row a fixed few queries.
    assert len(four.captured_queries) - len(one.captured_queries) <= 3 * 6
