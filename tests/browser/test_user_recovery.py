"""A local data administrator gets a locked colleague back in, then resets their forgotten
security code, in the browser (issue 15, item 12): where they land, what the page says, axe."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from openimi.accounts.models import User
from tests.accounts.conftest import log_in, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unlock_then_reset_the_security_code(
    page, live_server, login_as, lda, authority, settings, axe_violations
):
    colleague = make_user("tessa", authority=authority)
    colleague.first_name, colleague.last_name = "Tessa", "Target"
    colleague.save(update_fields=["first_name", "last_name"])
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        log_in(Client(), "tessa", wrong_code=True)

    login_as(lda)
    page.goto(f"{live_server.url}/administration/users/")
    row = page.get_by_role("row", name=re.compile("Target"))
    expect(row.get_by_text("Locked", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    row.get_by_role("link", name="Unlock Tessa Target").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Unlock Tessa Target?")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Unlock").click()

    expect(page).to_have_url(f"{live_server.url}/administration/users/{colleague.pk}/")
    expect(page.get_by_text("Tessa Target can log in again.")).to_be_visible()
    expect(page.get_by_text("Locked", exact=True)).to_have_count(0)

    page.get_by_role("button", name="Reset security code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Reset the security code of Tessa Target?"
    )
    assert axe_violations(page) == []
    page.get_by_role("button", name="Reset security code").click()
    expect(page).to_have_url(f"{live_server.url}/administration/users/{colleague.pk}/")
    expect(page.get_by_text("chooses a new one at the next login")).to_be_visible()
    assert not User.objects.get(pk=colleague.pk).has_security_code
