"""The seed's story with the keyboard alone (issue 15, "Done when"): Tab, Shift+Tab, Enter,
Space and the arrow keys, never a click. A request is composed and sent, allocated, accepted
and answered, and the responding authority's data is saved; after each step the test asserts
where focus is and what is announced (role=alert, role=status).

Locators only find the element the keyboard should reach; every action is a key press.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openimi.accounts.models import Role
from openimi.authorities.models import Authority
from openimi.exchange.models import InformationRequest
from openimi.exchange.workflow import State
from tests.browser.test_request_story import story  # noqa: F401 - fixture
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IS_FOCUSED = "(el) => el === document.activeElement"
FOCUSED = """() => {
  const el = document.activeElement;
  return el ? `${el.tagName.toLowerCase()}#${el.id} ${el.textContent.trim().slice(0, 80)}` : '';
}"""


def tab_to(page, target, *, limit=250):
    """Press Tab until ``target`` has focus, as a keyboard user moves through the page."""
    expect(target).to_have_count(1)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate(IS_FOCUSED):
            return
    raise AssertionError(f"Tab never reached {target}; focus ended on {page.evaluate(FOCUSED)}")


def press(page, target, key="Enter"):
    """Tab to ``target`` and press ``key``; Enter on a link or a button loads the next page."""
    tab_to(page, target)
    if key == "Enter":
        with page.expect_navigation():
            page.keyboard.press(key)
    else:
        page.keyboard.press(key)


def type_into(page, target, text):
    tab_to(page, target)
    page.keyboard.type(text)


def choose_radio(page, group_name, target):
    """Tab into a radio group, then the arrow keys move to (and choose) the option."""
    for _ in range(250):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.name === '{group_name}'"):
            break
    else:
        raise AssertionError(f"Tab never reached the radio group {group_name}")
    for _ in range(20):
        if target.evaluate(IS_FOCUSED):
            page.keyboard.press("Space")
            expect(target).to_be_checked()
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached {target}")


def assert_announced(page, text):
    """The success banner has focus and its role (alert) makes screen readers read it."""
    banner = page.get_by_role("alert").filter(has_text=text)
    expect(banner).to_be_focused()
    expect(banner).to_be_in_viewport()


def _switch(context, login_as, user):
    context.clear_cookies()
    login_as(user)


def test_the_seed_story_with_the_keyboard_alone(page, context, live_server, login_as, story):  # noqa: F811
    page.set_extra_http_headers({"Accept-Language": "en"})
    main = page.get_by_role("main")

    # 1. The German handler composes and sends the request.
    login_as(story["requester"])
    page.goto(live_server.url + "/")
    press(page, page.get_by_role("link", name="Compose request").first)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    choose_radio(
        page, "question_set", page.get_by_label(re.compile("Services Directive: establishment"))
    )
    press(page, page.get_by_role("button", name="Start the request"))
    for question in ("hold an authorisation for the activity concerned", "Have criminal sanctions"):
        press(page, page.get_by_label(re.compile(question)), "Space")
        expect(page.get_by_label(re.compile(question))).to_be_checked()
    press(page, page.get_by_role("button", name="Save and continue"))
    type_into(page, page.get_by_label("Name of the service provider"), "Bouwbedrijf Carnaval B.V.")
    type_into(page, page.get_by_label("Town or city"), "Oeteldonk")
    press(page, page.get_by_role("button", name="Save and continue"))
    type_into(
        page,
        page.get_by_label("Why do you need this information?"),
        "Der Dienstleister beantragt eine Baugenehmigung in Köln.",
    )
    press(page, page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    press(page, page.get_by_role("button", name="Save and continue"))

    # The recipient search: the status region says how many authorities match.
    status = page.get_by_role("status")
    type_into(page, page.get_by_label("Search for the authority"), "Oeteldonk")
    expect(status).to_have_text("1 authority matches")
    recipient = page.get_by_label("Gemeente Oeteldonk (Netherlands)")
    choose_radio(page, "responding_authority", recipient)
    press(page, page.get_by_role("button", name="Save and continue"))

    # A wrong date: the error summary takes focus; its link takes focus to the Day box.
    type_into(page, page.get_by_label("Day"), "31")
    type_into(page, page.get_by_label("Month"), "2")
    type_into(page, page.get_by_label("Year"), str(timezone.localdate().year + 1))
    press(page, page.get_by_role("button", name="Save and continue"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("alert")).to_contain_text("Enter a real date.")
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link", name="Enter a real date.")).to_be_focused()
    page.keyboard.press("Enter")
    day = page.get_by_label("Day")
    expect(day).to_be_focused()
    reply_by = timezone.localdate() + dt.timedelta(days=21)
    for label, value in (("Day", reply_by.day), ("Month", reply_by.month), ("Year", reply_by.year)):
        if label != "Day":  # the Day box has focus already
            tab_to(page, page.get_by_label(label))
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(str(value))
    press(page, page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_role("heading", name="Check and send")).to_be_visible()
    press(page, page.get_by_role("button", name="Send request"))
    assert_announced(page, "The request was sent.")
    info_request = InformationRequest.objects.get()
    assert info_request.status == State.AWAITING_ACCEPTANCE

    # 2. Publieksbalie allocates it to Pieter de Kort.
    _switch(context, login_as, story["allocator"])
    page.goto(live_server.url + "/requests/")
    press(page, page.get_by_role("link", name=f"Request {info_request.pk}"))
    press(page, main.get_by_role("link", name="Allocate"))
    press(page, page.get_by_label("Pieter de Kort"), "Space")
    expect(page.get_by_label("Pieter de Kort")).to_be_checked()
    press(page, main.get_by_role("button", name="Allocate"))
    assert_announced(page, "The request was allocated.")

    # 3. Pieter accepts and answers.
    _switch(context, login_as, story["handler"])
    page.goto(live_server.url + "/requests/?allocated_to_me=on")
    press(page, page.get_by_role("link", name=f"Request {info_request.pk}"))
    press(page, main.get_by_role("link", name="Accept request"))
    expect(page.get_by_role("heading", name="Accept request")).to_be_visible()
    press(page, main.locator("button[type=submit]", has_text="Accept request"))
    assert_announced(page, "You accepted the request.")
    press(page, main.get_by_role("link", name="Answer the questions"))
    choose_radio(page, "value", page.get_by_label("Yes", exact=True))
    press(page, page.get_by_role("button", name="Save and go to the next question"))
    assert_announced(page, "Your answer is saved.")
    # The answer's own radios come first; "Or give a standard answer" after them.
    choose_radio(
        page, "standard_answer", page.get_by_label(re.compile("Given our data protection rules"))
    )
    type_into(
        page,
        page.get_by_label("Explanation"),
        "Please ask Dienst Justis for a certificate of conduct (VOG).",
    )
    press(page, page.get_by_role("button", name="Save answer"))
    assert_announced(page, "Your answer is saved.")
    press(page, main.get_by_role("button", name="Send the answer"))
    assert_announced(page, "The answer was sent.")
    info_request.refresh_from_db()
    assert info_request.status == State.ANSWERED

    # 4. Oeteldonk's local data administrator saves the authority's data.
    oeteldonk = story["handler"].authority
    lda = UserFactory(
        authority=oeteldonk, username="lda.oeteldonk", roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)]
    )
    before = Authority.objects.filter(pk=oeteldonk.pk).values().get()
    _switch(context, login_as, lda)
    page.goto(live_server.url + "/administration/authority/")
    press(page, page.get_by_role("link", name="Change the Authority tab"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the Authority tab")
    press(page, page.get_by_role("button", name="Save"))
    expect(page).to_have_url(re.compile(r"/administration/authority/#authority$"))
    assert_announced(page, "The authority's data has been saved.")
    # Saved unchanged, so nothing changed.
    after = Authority.objects.filter(pk=oeteldonk.pk).values().get()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
