"""Allocating in the browser (issue 15, item 11): the allocator sees whom it chooses,
narrows the list to a department, allocates, and the request leaves the queue; without
allocation a handler says "I'll handle this" and a colleague sees it. Pages pass axe."""

# ruff: noqa: F811 - the exchange's fixtures are imported by name

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from openimi.accounts.models import Role, User
from openimi.exchange.workflow import State
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _handler(world, username, **extra):
    return UserFactory(
        authority=world.responding,
        username=username,
        first_name=username.capitalize(),
        last_name="Handler",
        email=f"{username}@koeln.example",
        roles=[(Role.REQUEST_HANDLER, world.area)],
        **extra,
    )


def test_allocate_by_department(page, live_server, login_as, world, make_request, axe_violations):
    _handler(world, "vera", department="Vergunningen")
    _handler(world, "toon", department="Toezicht")
    _handler(world, "pending", status=User.Status.PENDING, last_login=None)
    info_request = make_request(State.AWAITING_ACCEPTANCE, allocation=True)
    info_request.allocations.update(is_active=False)  # waiting to be allocated
    login_as(world["resp_allocator"])

    page.goto(live_server.url + reverse("home"))
    expect(page.get_by_role("heading", name="Requests to allocate")).to_be_visible()
    page.get_by_role("link", name=f"Request {info_request.reference}").click()
    page.get_by_role("link", name="Allocate").click()
    expect(page.get_by_role("heading", name="Allocate", level=1)).to_be_visible()
    vera = page.get_by_role("checkbox", name="Vera Handler")
    expect(vera).to_have_accessible_description("Vergunningen · vera@koeln.example · Active")
    expect(page.get_by_role("checkbox", name="Toon Handler")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Pending Handler")).to_have_count(0)
    assert axe_violations(page) == []

    page.get_by_label("Department").select_option("Vergunningen")
    page.get_by_role("button", name="Show the handlers of this department").click()
    expect(page.get_by_role("checkbox", name="Toon Handler")).to_have_count(0)
    expect(page.get_by_label("Department")).to_have_value("Vergunningen")
    page.get_by_role("checkbox", name="Vera Handler").check()
    page.get_by_role("button", name="Allocate", exact=True).click()
    expect(page.get_by_text("The request was allocated.")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="Vera Handler")).to_be_visible()

    page.goto(live_server.url + reverse("home"))
    expect(page.get_by_role("heading", name="Requests to allocate")).to_have_count(0)


def test_ill_handle_this(page, live_server, login_as, world, make_request, axe_violations):
    info_request = make_request(State.AWAITING_ACCEPTANCE)  # the authority does not allocate
    taker = world["resp_handler2"]
    login_as(taker)
    page.goto(live_server.url + reverse("exchange:detail", args=[info_request.pk]))
    take = page.get_by_role("button", name="I’ll handle this")
    expect(take).to_have_accessible_description(
        "Your colleagues then see on the request and in the list that you handle it."
    )
    assert axe_violations(page) == []
    take.click()
    expect(page.get_by_text("You handle this request now. Your colleagues see it.")).to_be_visible()
    expect(page.get_by_role("button", name="I’ll handle this")).to_have_count(0)
    expect(page.get_by_role("term").filter(has_text="Handled by")).to_be_visible()

    page.context.clear_cookies()
    login_as(world["resp_handler"])
    page.goto(live_server.url + reverse("exchange:list"))
    expect(page.get_by_role("row").filter(has_text=info_request.reference)).to_contain_text(
        f"Handled by {taker}"
    )
    assert axe_violations(page) == []
