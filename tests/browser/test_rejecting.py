"""Rejecting in the browser (issue 15, items 8 and 9): a handler whose authority may not reject
is told so, follows "Forward to the coordinator", finds the coordinator chosen, forwards and
lands on the incoming list with the confirmation; the coordinator then rejects on a ground.
"""

import re

import pytest
from playwright.sync_api import expect

from openimi.exchange.workflow import State
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_forward_to_the_coordinator_who_rejects(
    page,
    context,
    live_server,
    login_as,
    axe_violations,
    world,  # noqa: F811
    make_request,  # noqa: F811
):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    coordinator = world.other_coordinator
    page.set_extra_http_headers({"Accept-Language": "en"})
    login_as(world["resp_handler"])
    page.goto(f"{live_server.url}/requests/{info_request.pk}/")
    expect(page.get_by_text("Your authority may not reject requests")).to_be_visible()
    expect(page.get_by_role("link", name="Reject", exact=True)).to_have_count(0)
    assert axe_violations(page) == []

    page.get_by_role("link", name="Forward to the coordinator").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forward")
    expect(page.get_by_label(str(coordinator))).to_be_checked()
    page.get_by_label("Note for the authority you forward to (optional)").fill(
        "Outside the scope of the Services Directive, we think."
    )
    page.get_by_role("button", name="Forward").click()

    expect(page).to_have_url(re.compile(r"/requests/$"))
    banner = page.get_by_text("The request was forwarded.")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(f"You can no longer open request {info_request.reference}.")
    expect(page.get_by_role("heading", name="Page not found")).to_have_count(0)

    context.clear_cookies()
    login_as(world["resp_coord_handler"])
    page.goto(f"{live_server.url}/requests/{info_request.pk}/")
    page.get_by_role("link", name="Reject", exact=True).click()
    page.get_by_label("Outside the scope of the legislation").check()
    page.get_by_role("button", name="Reject").click()
    expect(page).to_have_url(re.compile(rf"/requests/{info_request.pk}/$"))
    expect(page.get_by_text("The request was rejected.")).to_be_visible()
    info_request.refresh_from_db()
    assert info_request.status == State.REJECTED
    assert info_request.responding_authority == coordinator
