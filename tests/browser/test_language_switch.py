"""The language switch of the header works at 320 px, by keyboard and without JavaScript: a
labelled list of the 26 languages, each named in itself, and a button."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choose_greek_by_keyboard_without_javascript_at_320_px(browser, live_server):
    context = browser.new_context(
        java_script_enabled=False,
        viewport={"width": 320, "height": 640},
        extra_http_headers={"Accept-Language": "pl"},
    )
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    switch = page.locator("#language-switch")
    expect(switch).to_have_value("pl")
    assert switch.locator("option").count() == 26
    expect(switch.locator('option[value="el"]')).to_have_attribute("lang", "el")
    expect(switch.locator('option[value="el"]')).to_have_text("Ελληνικά")
    # Tab from the start of the page: the skip link, the service name, the list.
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(switch).to_be_focused()
    switch.select_option("el")  # what the arrow keys do in the open list
    page.keyboard.press("Tab")
    expect(page.locator(".openimi-language-switch__button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "el")
    expect(page.locator("#language-switch")).to_have_value("el")
    box = page.locator(".openimi-language-switch").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


@pytest.mark.parametrize("language", ["el", "bg", "mt"])
def test_the_switch_passes_axe_in_every_script(page, live_server, axe_violations, language):
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(live_server.url + "/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert axe_violations(page) == []
