"""Passkeys in a real browser: Chromium's virtual authenticator (CDP WebAuthn domain) plays the
device; static/openimi/passkeys.mjs runs the ceremonies, the server verifies them."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from openimi.accounts.models import Passkey, SecurityEvent
from openimi.accounts.security_code import security_code_set
from tests.factories import TEST_PASSWORD, UserFactory

GENERIC_ERROR = "The username, password or security code is not correct."

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "Febru#ri2009"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"  # gitignored


def virtual_authenticator(page) -> tuple:
    """A platform authenticator with resident keys and user verification, as a laptop with a
    fingerprint reader; returns the CDP session and its id."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    found = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, found["authenticatorId"]


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"passkeys-{name}.png"), full_page=True)


@pytest.fixture
def person(authority):
    user = UserFactory(authority=authority, username="marieke.devries")
    security_code_set(user=user, code=CODE)
    return user


def add_passkey(page, live_server, name, axe_violations=None):
    page.goto(f"{live_server.url}/accounts/me/login-methods/")
    page.get_by_role("link", name="Add a passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a passkey")
    if axe_violations is not None:
        assert axe_violations(page) == []
        screenshot(page, "add")
    page.get_by_label("Name of the passkey").fill(name)
    page.get_by_role("button", name="Add passkey").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Passkey “{name}” has been added."
    )


def test_register_a_passkey_in_my_account_and_remove_it(
    page, live_server, login_as, person, axe_violations
):
    cdp, authenticator = virtual_authenticator(page)
    login_as(person)
    add_passkey(page, live_server, "Werklaptop", axe_violations)

    # The device holds it as a discoverable credential; openimi lists it.
    held = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(held) == 1
    assert held[0]["isResidentCredential"] is True
    passkey = Passkey.objects.get(user=person)
    assert passkey.name == "Werklaptop"
    row = page.locator(".govuk-summary-list__row", has_text="Werklaptop")
    expect(row).to_contain_text("Not used yet")
    assert axe_violations(page) == []
    screenshot(page, "account")

    # The same device cannot hold a second passkey of the same user.
    page.get_by_role("link", name="Add a passkey").click()
    page.get_by_label("Name of the passkey").fill("Nog een")
    page.get_by_role("button", name="Add passkey").click()
    expect(page.locator("[data-passkey-error]")).to_contain_text("already holds a passkey")
    assert Passkey.objects.filter(user=person).count() == 1
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/accounts/me/login-methods/")
    page.get_by_role("link", name="Remove Werklaptop").click()
    assert axe_violations(page) == []
    screenshot(page, "remove")
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Remove passkey").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Passkey “Werklaptop” has been removed."
    )
    assert not Passkey.objects.filter(user=person).exists()
    events = SecurityEvent.objects.filter(user=person).values_list("event", flat=True)
    assert {SecurityEvent.Code.PASSKEY_ADDED, SecurityEvent.Code.PASSKEY_REMOVED} <= set(events)


def test_without_javascript_the_page_says_passkeys_need_it(
    browser, live_server, person, axe_violations
):
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(java_script_enabled=False)
    client = Client()
    client.force_login(person)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/me/passkeys/add/")
    expect(page.get_by_text("Adding a passkey needs JavaScript")).to_be_visible()
    expect(page.get_by_role("button", name="Add passkey")).to_be_hidden()
    context.close()


def log_in_with_passkey(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="A passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in with a passkey")


def test_register_then_log_in_with_a_passkey(page, live_server, login_as, person, axe_violations):
    cdp, authenticator = virtual_authenticator(page)
    login_as(person)
    add_passkey(page, live_server, "Werklaptop")
    page.get_by_role("button", name="Log out").click()

    log_in_with_passkey(page, live_server, "marieke.devries")
    expect(page.get_by_text("needs JavaScript")).to_be_hidden()
    assert axe_violations(page) == []
    screenshot(page, "login")
    page.get_by_role("button", name="Use a passkey").click()

    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
    passkey = Passkey.objects.get(user=person)
    assert passkey.last_used_at is not None
    assert passkey.sign_count >= 1
    success = SecurityEvent.objects.filter(user=person, event=SecurityEvent.Code.LOGIN_SUCCEEDED)
    assert success.first().detail == "way: passkey"


def test_a_passkey_of_another_user_is_refused(page, live_server, login_as, person, authority):
    cdp, authenticator = virtual_authenticator(page)
    login_as(person)
    add_passkey(page, live_server, "Werklaptop")
    page.get_by_role("button", name="Log out").click()
    other = UserFactory(authority=authority, username="joost.bakker")
    security_code_set(user=other, code=CODE)

    # Joost's password, then the only passkey on this device: Marieke's.
    log_in_with_passkey(page, live_server, "joost.bakker")
    page.get_by_role("button", name="Use a passkey").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text(GENERIC_ERROR)
    expect(page.get_by_role("navigation", name="Main menu")).to_have_count(0)
    refused = SecurityEvent.objects.get(user=other, event=SecurityEvent.Code.PASSKEY_REFUSED)
    assert refused.detail == "another user's"
