"""Issue 16, item 8, in a browser: the page a database outage shows is in Dutch for a Dutch
visitor, offers to try again (which asks the server again) and passes axe."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.common.test_error_pages import site_without_database  # noqa: F401 - fixture


def test_the_outage_page_in_a_browser(
    page,
    site_without_database,  # noqa: F811
    axe_violations,
):
    page.context.add_cookies(
        [
            {"name": "sessionid", "value": "x" * 32, "url": site_without_database},
            {"name": "django_language", "value": "nl", "url": site_without_database},
        ]
    )
    response = page.goto(site_without_database + "/requests/incoming/")
    assert response.status == 503
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Excuses, openimi is op dit moment niet beschikbaar"
    )
    expect(page.get_by_text("Probeer het over enkele minuten opnieuw.")).to_be_visible()
    assert axe_violations(page) == []
    with page.expect_response(site_without_database + "/requests/incoming/") as again:
        page.get_by_role("link", name="Opnieuw proberen").click()
    assert again.value.status == 503
    expect(page.get_by_role("heading", level=1)).to_be_visible()
