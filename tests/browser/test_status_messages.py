"""Status messages (WCAG 4.1.3): what changes on the page without a page load is announced.

A screen reader announces a change inside a live region that was already on the page, not a
region swapped in whole; so each search keeps one status region and only its text changes.
After saving a Change page of authority data the success banner takes focus, in view.
"""

import pytest
from playwright.sync_api import expect

from openimi.exchange import services
from tests.exchange.conftest import media_root, world  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Marks the status region; a region replaced by a new element loses the mark.
MARK = "(el) => { el.dataset.original = 'yes'; }"


def _english(page):
    page.set_extra_http_headers({"Accept-Language": "en"})


def test_the_recipient_search_announces_its_count(page, live_server, login_as, world):  # noqa: F811
    draft = services.request_create_draft(
        actor=world["handler"], area=world.area, question_set=world.question_set
    )
    _english(page)
    login_as(world["handler"])
    page.goto(f"{live_server.url}/requests/{draft.pk}/compose/recipient/")
    status = page.get_by_role("status")
    expect(status).to_have_count(1)
    status.evaluate(MARK)
    search = page.get_by_label("Search for the authority")
    search.fill("Köln")
    expect(status).to_have_text("1 authority matches")
    expect(page.get_by_label("Gewerbeamt der Stadt Köln (Germany)")).to_be_visible()
    search.fill("Zzyzx-no-such-authority")
    expect(status).to_have_text("No authority matches. Try fewer words.")
    expect(
        page.get_by_role("main").get_by_text("No authority matches. Try fewer words.")
    ).to_have_count(2)
    assert status.get_attribute("data-original") == "yes"


def test_the_authority_search_announces_its_count(page, live_server, login_as, world):  # noqa: F811
    _english(page)
    login_as(world["handler"])
    page.goto(f"{live_server.url}/authorities/")
    status = page.get_by_role("status")
    expect(status).to_have_count(1)
    status.evaluate(MARK)
    query = page.get_by_label("Name, title or description")
    query.fill("Köln")
    query.press("Enter")
    expect(status).to_have_text("1 authority found")
    query.fill("Zzyzx-no-such-authority")
    query.press("Enter")
    expect(status).to_have_text("No authority matches. Try fewer words or fewer filters.")
    assert status.get_attribute("data-original") == "yes"


@pytest.mark.parametrize(
    ("change", "tab"),
    [("Change the Authority tab", "#authority"), ("Change the competences", "#competences")],
)
def test_after_saving_authority_data_the_banner_takes_focus(
    page,
    live_server,
    login_as,
    world,  # noqa: F811
    change,
    tab,
):
    _english(page)
    page.set_viewport_size({"width": 1024, "height": 700})
    login_as(world["lda"])
    page.goto(f"{live_server.url}/administration/authority/{tab}")
    page.get_by_role("link", name=change).click()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{live_server.url}/administration/authority/{tab}")
    banner = page.get_by_role("alert").filter(has_text="Success")
    expect(banner).to_be_focused()
    box = banner.bounding_box()
    assert box is not None and 0 <= box["y"] < 700, box
    # The tab the user changed stays the one shown.
    expect(page.locator(f"{tab}.govuk-tabs__panel")).to_be_visible()
