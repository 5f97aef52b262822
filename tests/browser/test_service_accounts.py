"""A local data administrator adds a service account, makes its API token, sees it once,
and revokes it, in the browser (issue 16): where they land, what the pages say, axe."""

import re

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from openimi.accounts.models import User
from openimi.api.models import ApiToken

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_a_service_account_make_and_revoke_its_token(
    page, live_server, login_as, lda, services_area, axe_violations
):
    login_as(lda)
    page.goto(f"{live_server.url}/administration/users/")
    page.get_by_role("button", name="Add service account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add service account")
    expect(page.get_by_label("Local data administrator")).to_have_count(0)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Add service account").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_contain_text("Enter the name of the service account")
    assert axe_violations(page) == []
    page.get_by_label(re.compile(r"^Name")).fill("Zaaksysteem")
    page.get_by_label("Contact e-mail").fill("zaken@oeteldonk.example")
    page.get_by_role("group", name="Request handler for").get_by_label(services_area.name).check()
    page.get_by_role("button", name="Add service account").click()

    account = User.objects.get(is_service_account=True)
    expect(page).to_have_url(f"{live_server.url}/administration/users/{account.pk}/")
    expect(page.get_by_text("The service account Zaaksysteem has been added.")).to_be_visible()
    expect(page.get_by_role("button", name="Reset password")).to_have_count(0)
    expect(page.get_by_text("It has no tokens yet.")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Make an API token").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Make an API token")
    assert axe_violations(page) == []
    page.get_by_label("Name of the token").fill("productie")
    page.get_by_label("Valid for").fill("30")
    page.get_by_role("button", name="Make token").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("The API token has been made")
    secret = page.locator("code.openimi-token").inner_text()
    assert re.fullmatch(r"oimi_[0-9a-f]{12}_[\w-]+", secret)
    assert axe_violations(page) == []
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/requests/").status_code == 200

    page.get_by_role("link", name="Back to the service account").click()
    row = page.get_by_role("row", name=re.compile("productie"))
    expect(row).to_be_visible()
    expect(page.get_by_text(secret)).to_have_count(0)  # shown once, never again
    assert axe_violations(page) == []
    row.get_by_role("link", name="Revoke the token productie").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke the token productie?")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Revoke token").click()
    expect(page).to_have_url(f"{live_server.url}/administration/users/{account.pk}/")
    expect(page.get_by_text("The token productie has been revoked.")).to_be_visible()
    expect(row.get_by_text("Revoked")).to_be_visible()
    assert ApiToken.objects.get().revoked_at is not None
    assert api.get("/api/v1/requests/").status_code == 401

    page.goto(f"{live_server.url}/administration/users/")
    user_row = page.get_by_role("row", name=re.compile("Zaaksysteem"))
    expect(user_row.get_by_text("Service account", exact=True)).to_be_visible()
    expect(user_row.get_by_role("link", name=re.compile("Reset password"))).to_have_count(0)
