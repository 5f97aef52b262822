"""The idle timeout without lost work (WCAG 2.2.1), in a real browser with a short timeout.

The warning comes before the session ends and "Stay logged in" (the keyboard: Enter) keeps
the session; when the session did end, what was typed comes back after the login, and the
login page says why the user had to log in again.
"""

import re
import time

import pytest
from django.conf import settings
from playwright.sync_api import expect

from openimi.accounts.security_code import security_code_set
from openimi.exchange import services
from tests.exchange.conftest import media_root, world  # noqa: F401 - fixtures
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "Febru#ri2009"
TIMEOUT, WARNING = 10, 5
# Text from the wild: other scripts, a right-to-left line, a tab, 10,000 characters.
WILD = "Bouwbedrijf Ελληνικά 日本語\nעברית\tend " + "x" * 9_950


@pytest.fixture
def short_timeout(settings):
    settings.SESSION_COOKIE_AGE = TIMEOUT
    settings.SESSION_TIMEOUT_WARNING_SECONDS = WARNING


def _english(page):
    page.set_extra_http_headers({"Accept-Language": "en"})


def _log_in(page, username):
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    boxes = page.get_by_label(re.compile(r"^Character \d+ of your security code"))
    expect(boxes).to_have_count(3)
    for index in range(3):
        box = boxes.nth(index)
        label = page.locator(f"label[for='{box.get_attribute('id')}']").inner_text()
        box.fill(CODE[int(re.search(r"\d+", label).group()) - 1])
    page.get_by_role("button", name="Log in").click()


def test_the_warning_comes_first_and_stay_logged_in_keeps_the_session(
    page,
    live_server,
    login_as,
    axe_violations,
    world,  # noqa: F811
    short_timeout,
):
    _english(page)
    login_as(world["handler"])
    page.goto(f"{live_server.url}/requests/")
    started = time.monotonic()
    dialog = page.get_by_role("dialog", name="You will be logged out soon")
    expect(dialog).to_be_visible(timeout=TIMEOUT * 1000)
    assert time.monotonic() - started < TIMEOUT  # before the end, not after
    expect(dialog).to_contain_text("you will be logged out in 1 minute")
    stay = dialog.get_by_role("button", name="Stay logged in")
    expect(stay).to_be_focused()
    assert axe_violations(page) == []
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    # Past the first session's end: still logged in, because the session was renewed.
    time.sleep(max(0, TIMEOUT + 0.5 - (time.monotonic() - started)))
    page.goto(f"{live_server.url}/requests/")
    expect(page.get_by_role("heading", level=1)).to_have_text("List of requests")


def test_what_was_typed_comes_back_after_the_login(
    page,
    live_server,
    login_as,
    world,  # noqa: F811
    short_timeout,
):
    handler = world["handler"]
    security_code_set(user=handler, code=CODE)
    draft = services.request_create_draft(
        actor=handler, area=world.area, question_set=world.question_set
    )
    _english(page)
    login_as(handler)
    url = f"{live_server.url}/requests/{draft.pk}/compose/justification/"
    page.goto(url)
    justification = page.get_by_label("Why do you need this information?")
    justification.fill(WILD)
    # Nobody answers the warning: the session ends, and the dialog says so.
    dialog = page.get_by_role("dialog")
    ended = dialog.get_by_role("heading", name="You have been logged out")
    expect(ended).to_be_visible(timeout=(TIMEOUT + 3) * 1000)
    login_again = dialog.get_by_role("button", name="Log in again")
    expect(login_again).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to openimi")
    expect(page.get_by_role("region", name="Important")).to_contain_text(
        "You were logged out because you did nothing for 1 minute."
    )
    assert WILD[:20] not in page.url  # nothing typed travels in the URL
    _log_in(page, handler.username)

    expect(page).to_have_url(url)
    notice = page.get_by_role("alert").filter(has_text="has been put back")
    expect(notice).to_be_focused()
    expect(justification).to_have_value(WILD.replace("\r\n", "\n"))
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    draft.refresh_from_db()
    assert draft.justification.replace("\r\n", "\n") == WILD


def test_a_form_sent_after_the_session_ended_is_kept(
    page,
    live_server,
    login_as,
    world,  # noqa: F811
    short_timeout,
):
    """The computer slept through the warning: Save goes to the login page, the text stays."""
    handler = world["handler"]
    security_code_set(user=handler, code=CODE)
    draft = services.request_create_draft(
        actor=handler, area=world.area, question_set=world.question_set
    )
    _english(page)
    login_as(handler)
    url = f"{live_server.url}/requests/{draft.pk}/compose/justification/"
    page.goto(url)
    justification = page.get_by_label("Why do you need this information?")
    justification.fill("Vergunning 2009 – Oeteldonk")
    # What a sleeping computer does: no timer ran, the session ended meanwhile.
    page.evaluate("localStorage.setItem('openimi:last-activity', String(Date.now() - 3600e3))")
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    justification.evaluate("(el) => el.form.requestSubmit()")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to openimi")
    expect(page.get_by_role("region", name="Important")).to_contain_text("did nothing")
    _log_in(page, handler.username)
    expect(page).to_have_url(url)
    expect(justification).to_have_value("Vergunning 2009 – Oeteldonk")
