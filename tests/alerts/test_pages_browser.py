"""The alert pages in Chromium, as a person uses them, with axe on each page: a Dutch handler
writes a PQ alert (kind, form, save, a missing field shown in the error summary, submit);
the Dutch coordinator validates it; the German coordinator opens it and passes it on."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (  # noqa: F401 - fixtures
    axe_violations,
    browser_type_launch_args,
    login_as,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_write_validate_and_distribute_an_alert(
    page,
    context,
    live_server,
    login_as,  # noqa: F811
    axe_violations,  # noqa: F811
    world,
):
    page.set_extra_http_headers({"Accept-Language": "en"})
    login_as(world.sender_handler)
    page.goto(f"{live_server.url}/alerts/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Write an alert").click()
    assert axe_violations(page) == []
    page.get_by_label("Health professional restricted or banned from practising").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Full name of the professional").fill("Johanna Maria de Vries")
    page.get_by_role("textbox", name=re.compile(r"^Profession")).fill("Nurse")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("saved")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Submit for validation").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert axe_violations(page) == []
    summary.get_by_role("link").filter(has_text="Date of birth").first.click()
    page.get_by_label("Date of birth").fill("1980-04-12")
    page.get_by_label("Authority or court that decided the restriction").fill("Tuchtcollege")
    page.get_by_label("Date of the decision").fill("2026-12-01")
    page.get_by_label("Scope of the restriction").fill("Struck off the register.")
    page.get_by_label("Restriction applies from").fill("2026-12-01")
    page.get_by_role("button", name="Submit for validation").click()
    expect(page.get_by_text("submitted to your alert coordinator")).to_be_visible()
    alert_url = page.url
    assert axe_violations(page) == []

    context.clear_cookies()
    login_as(world.nl_alco_user)
    page.goto(alert_url)
    page.get_by_role("button", name="Validate and send").click()
    expect(page.get_by_text("The alert was validated and sent")).to_be_visible()

    context.clear_cookies()
    login_as(world.de_alco_user)
    page.goto(f"{live_server.url}/alerts/")
    page.get_by_role("link", name="Alert A-").first.click()
    expect(page.get_by_text("Johanna Maria de Vries")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Pass to competent authorities").click()
    page.get_by_label(str(world.de_authority)).check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Pass the alert on").click()
    expect(page.get_by_text("passed to the authorities you chose")).to_be_visible()
