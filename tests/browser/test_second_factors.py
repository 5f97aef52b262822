"""Second factors in a real browser (issue 23): register an authenticator app in My account,
log in with a TOTP code computed here as the app would, and an authority that requires a
second factor refuses the seed's login alone and makes a user without one register an app.
No JavaScript is needed on any of these pages."""

import os
import re
import time
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect

from openimi.accounts import authenticators
from openimi.accounts.security_code import security_code_set
from openimi.authorities.services import authority_second_factor_rule_set
from tests.browser.test_login import _fill_challenge, _start
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Carnaval in Oeteldonk 11-11"
CODE = "Febru#ri2009"
SHOTS = Path(os.environ.get("OPENIMI_SCREENSHOTS", "/tmp/openimi-shots"))


def _person(authority, username):
    user = UserFactory(authority=authority, username=username, must_change_password=False)
    user.set_password(PASSWORD)
    user.save()
    security_code_set(user=user, code=CODE)
    return user


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _next_step_code(totp: pyotp.TOTP) -> str:
    """The code of the next 30-second step: accepted within the drift, and never the step
    used just before to confirm the app."""
    return totp.at(time.time() + 30)


def test_register_an_app_then_log_in_with_its_code(page, live_server, authority, axe_violations):
    _person(authority, "bram.vos")
    _start(page, live_server, "bram.vos", PASSWORD)
    _fill_challenge(page, CODE)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()

    page.goto(f"{live_server.url}/accounts/me/")
    page.get_by_role("link", name="Change login methods").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Login methods")
    assert axe_violations(page) == []
    _shot(page, "login-methods-empty")
    page.get_by_role("link", name="Add an authenticator app").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Continue").click()  # no name: a clear error
    expect(page.locator(".govuk-error-summary")).to_contain_text("Name of the app or phone")
    page.get_by_label("Name of the app or phone").fill("Werktelefoon")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Scan the QR code")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    page.get_by_text("Cannot scan the code? Type the key instead").click()
    secret = "".join(page.locator("code.openimi-secret").inner_text().split())
    assert axe_violations(page) == []
    _shot(page, "authenticator-confirm")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from your authenticator app").fill("12345")
    page.get_by_role("button", name="Add the app").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the 6 digits")
    expect(page.get_by_label("Code from your authenticator app")).to_have_value("12345")
    page.get_by_label("Code from your authenticator app").fill(totp.now())
    page.get_by_role("button", name="Add the app").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Werktelefoon has been added"
    )
    expect(page.locator(".govuk-summary-list")).to_contain_text("Werktelefoon")
    _shot(page, "login-methods-one-app")

    page.get_by_role("button", name="Log out").click()
    _start(page, live_server, "bram.vos", PASSWORD)
    page.get_by_role("link", name="A code from your authenticator app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    assert axe_violations(page) == []
    _shot(page, "login-authenticator")
    page.get_by_label("Code from your authenticator app").fill(_next_step_code(totp))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()


def test_an_authority_that_requires_a_second_factor(
    page, live_server, authority, lda, axe_violations
):
    with_app = _person(authority, "anna.app")
    enrolment = authenticators.authenticator_begin(user=with_app, name="Telefoon")
    totp = pyotp.TOTP(enrolment.secret)
    assert authenticators.authenticator_confirm(request=None, enrolment=enrolment, code=totp.now())
    _person(authority, "karel.zonder")
    authority_second_factor_rule_set(authority=authority, actor=lda, required=True)

    # The seed's login alone is refused for a user who has an app, after it was right.
    _start(page, live_server, "anna.app", PASSWORD)
    _fill_challenge(page, CODE)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Your authority requires a second factor to log in."
    )
    expect(page.get_by_role("navigation", name="Main menu")).to_have_count(0)
    expect(page.get_by_label("User name")).to_have_value("anna.app")
    # With the app's code the same user gets in.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="A code from your authenticator app").click()
    page.get_by_label("Code from your authenticator app").fill(_next_step_code(totp))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # A user without one registers an app before the session opens.
    _start(page, live_server, "karel.zonder", PASSWORD)
    _fill_challenge(page, CODE)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an authenticator app")
    expect(page.get_by_role("navigation", name="Main menu")).to_have_count(0)
    expect(page.get_by_text(re.compile("add a passkey"))).to_be_visible()
    assert axe_violations(page) == []
    _shot(page, "setup-second-factor")
    page.get_by_text("Cannot scan the code? Type the key instead").click()
    secret = "".join(page.locator("code.openimi-secret").inner_text().split())
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Add the app and log in").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()


def test_the_lda_sets_the_rule_and_resets_a_users_factors(
    page, live_server, authority, lda, login_as, axe_violations
):
    user = _person(authority, "els.kwijt")
    enrolment = authenticators.authenticator_begin(user=user, name="Oude telefoon")
    authenticators.authenticator_confirm(
        request=None, enrolment=enrolment, code=pyotp.TOTP(enrolment.secret).now()
    )
    login_as(lda)
    page.goto(f"{live_server.url}/administration/authority/")
    page.get_by_role("link", name="Change whether a second factor is required").click()
    assert axe_violations(page) == []
    _shot(page, "second-factor-rule")
    page.get_by_label("Require a second factor for every user of the authority").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#authority")).to_contain_text("Yes: an authenticator app or passkey")

    page.goto(f"{live_server.url}/administration/users/{user.pk}/")
    page.get_by_role("button", name="Reset login methods").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reset the login methods of")
    assert axe_violations(page) == []
    _shot(page, "reset-second-factors")
    page.get_by_role("button", name="Reset login methods").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("have been reset")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("0 authenticator apps")


def test_recovery_codes_and_removing_an_app(page, live_server, authority, axe_violations):
    user = _person(authority, "joke.kwijt")
    enrolment = authenticators.authenticator_begin(user=user, name="Oude telefoon")
    authenticators.authenticator_confirm(
        request=None, enrolment=enrolment, code=pyotp.TOTP(enrolment.secret).now()
    )
    _start(page, live_server, "joke.kwijt", PASSWORD)
    _fill_challenge(page, CODE)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/accounts/me/login-methods/")
    page.get_by_role("link", name="Make recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Make recovery codes")
    assert axe_violations(page) == []
    _shot(page, "recovery-codes-create")
    page.get_by_label("Current password").fill("not my password")
    page.get_by_role("button", name="Make recovery codes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("not correct")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_role("button", name="Make recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.locator(".openimi-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert axe_violations(page) == []
    _shot(page, "recovery-codes-show")
    page.get_by_role("link", name="I have saved my codes").click()

    page.get_by_role("link", name="Remove Oude telefoon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove Oude telefoon?")
    assert axe_violations(page) == []
    _shot(page, "authenticator-remove")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_role("button", name="Remove the app").click()
    expect(page.get_by_text("You have not added an authenticator app.")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    _start(page, live_server, "joke.kwijt", PASSWORD)
    page.get_by_role("link", name="A recovery code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter a recovery code")
    assert axe_violations(page) == []
    _shot(page, "login-recovery-code")
    page.get_by_label("Recovery code").fill(codes[3].lower())
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
    expect(page.get_by_text("You used a recovery code. You have 9 left")).to_be_visible()
