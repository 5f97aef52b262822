"""Logging in as a person does: the first login with a temporary password, then a normal one."""

import re

import pytest
from playwright.sync_api import expect

from openimi.accounts.models import User
from openimi.accounts.security_code import security_code_set
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEMPORARY = "Tijdelijk-Wachtwoord-2026"
NEW_PASSWORD = "Carnaval in Oeteldonk 11-11"
CODE = "Febru#ri2009"


def _fill_challenge(page, code):
    boxes = page.get_by_label(re.compile(r"^Character \d+ of your security code"))
    expect(boxes).to_have_count(3)
    for index in range(3):
        box = boxes.nth(index)
        position = int(re.search(r"\d+", _label(page, box)).group())
        box.fill(code[position - 1] if code else "")


def _label(page, box):
    return page.locator(f"label[for='{box.get_attribute('id')}']").inner_text()


def _start(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()


def test_first_login_then_a_normal_login(page, live_server, authority, axe_violations):
    user = UserFactory(
        authority=authority,
        username="pieter.dekort",
        status=User.Status.PENDING,
        must_change_password=True,
    )
    user.set_password(TEMPORARY)
    user.save()

    _start(page, live_server, "pieter.dekort", TEMPORARY)
    # Without a code yet, no characters are asked: the page says a new code comes next.
    expect(page.get_by_role("heading", level=1)).to_have_text("You will choose a new security code")
    expect(page.get_by_label(re.compile(r"^Character \d+"))).to_have_count(0)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label(re.compile(r"^New password(?! again)")).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your security code")
    expect(page.get_by_role("table")).to_contain_text("12")
    assert axe_violations(page) == []
    page.get_by_label(re.compile(r"^New security code(?! again)")).fill(CODE)
    page.get_by_label("New security code again").fill(CODE)
    page.get_by_role("button", name="Save security code and log in").click()

    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
    user.refresh_from_db()
    assert user.status == User.Status.ACTIVE
    assert not user.must_change_password

    page.get_by_role("button", name="Log out").click()
    _start(page, live_server, "pieter.dekort", NEW_PASSWORD)
    _fill_challenge(page, CODE)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()


def test_a_wrong_character_gets_the_generic_error_and_the_same_positions(
    page, live_server, authority
):
    user = UserFactory(authority=authority, username="anne.jansen")
    security_code_set(user=user, code=CODE)
    from tests.factories import TEST_PASSWORD

    _start(page, live_server, "anne.jansen", TEST_PASSWORD)
    labels = page.get_by_label(re.compile(r"^Character \d+")).all()
    positions = [_label(page, box) for box in labels]
    for box in labels:
        box.fill("~")
    page.get_by_role("button", name="Log in").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The username, password or security code is not correct."
    )
    _start(page, live_server, "anne.jansen", TEST_PASSWORD)
    again = [_label(page, box) for box in page.get_by_label(re.compile(r"^Character \d+")).all()]
    assert again == positions
