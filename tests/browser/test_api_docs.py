"""The API reference's "Try it out", as an integrator gets the first token (issue 15, item 13):
logged in to openimi, open /api/v1/docs/, create a token with POST /api/v1/tokens/."""

import json

import pytest
from playwright.sync_api import expect

from openimi.api.models import ApiToken

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_try_it_out_creates_the_first_token(live_server, page, login_as, handler):
    login_as(handler)
    page.goto(f"{live_server.url}/api/v1/docs/")
    operation = page.locator("#operations-tokens-tokens_create")
    operation.locator(".opblock-summary-control").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("textarea.body-param__text").fill(json.dumps({"name": "back office"}))
    operation.get_by_role("button", name="Execute").click()

    live = operation.locator(".live-responses-table tr.response .response-col_status")
    expect(live.first).to_have_text("201", timeout=15000)
    body = operation.locator(".live-responses-table .response-col_description pre").first
    expect(body).to_contain_text('"token": "oimi_')
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (handler, "back office")
