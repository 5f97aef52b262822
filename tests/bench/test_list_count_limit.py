"""Request lists count at most ``COUNT_LIMIT`` requests (a fix from bench/RESULTS.md): past it
the page says "more than" instead of counting every request of a big authority."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openimi.exchange.views import lists
from openimi.exchange.workflow import State
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_below_the_limit_the_list_says_how_many(client, world, make_request, monkeypatch):  # noqa: F811
    monkeypatch.setattr(lists, "COUNT_LIMIT", 5)
    make_request(State.AWAITING_ACCEPTANCE)
    make_request(State.ACCEPTED)
    client.force_login(world["resp_handler"])
    page = client.get(reverse("exchange:list"))
    assert "2 requests" in page.text
    assert "More than" not in page.text


def test_past_the_limit_the_list_says_more_than(client, world, make_request, monkeypatch):  # noqa: F811
    monkeypatch.setattr(lists, "COUNT_LIMIT", 2)
    made = [make_request(State.AWAITING_ACCEPTANCE) for _ in range(3)]
    client.force_login(world["resp_handler"])
    page = client.get(reverse("exchange:list"))
    assert page.status_code == 200
    assert "More than 2 requests" in page.text
    # The page still lists the newest requests.
    assert reverse("exchange:detail", args=[made[-1].pk]) in page.text
