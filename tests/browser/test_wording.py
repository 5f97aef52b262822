"""Wording a Dutch and an English reader meet in the browser: an error summary entry that
names its field and leads to it, and country lists in the reader's alphabetical order."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from openimi.common.i18n import sorted_by_name
from tests.browser.test_directory import directory  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _language(context, live_server, language):
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )


def test_a_dutch_error_summary_names_the_field_and_leads_to_it(
    page,
    context,
    live_server,
    login_as,
    directory,  # noqa: F811 - the fixture imported above
    axe_violations,
):
    login_as(directory["lda"])
    _language(context, live_server, "nl")
    page.goto(f"{live_server.url}/administration/authority/contact/")
    page.get_by_label("Algemeen e-mailadres").fill("")
    page.get_by_role("button", name="Opslaan").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link")
    expect(link).to_have_count(1)
    expect(link).to_have_text("Vul „Algemeen e-mailadres” in")
    expect(page.locator("#id_email_error")).to_have_text("Fout: Vul „Algemeen e-mailadres” in")
    html = page.content()
    assert "This field is required" not in html and "Dit veld is verplicht" not in html
    assert axe_violations(page) == []
    link.click()
    expect(page.get_by_label("Algemeen e-mailadres")).to_be_focused()


@pytest.mark.parametrize(("language", "first"), [("en", "Austria"), ("nl", "België")])
def test_countries_in_the_readers_alphabetical_order(
    page,
    context,
    live_server,
    login_as,
    directory,  # noqa: F811 - the fixture imported above
    language,
    first,
):
    login_as(directory["lda"])
    _language(context, live_server, language)
    page.goto(f"{live_server.url}/authorities/")
    select = page.locator("select[name=country]")
    names = [name.strip() for name in select.locator("option").all_inner_texts()][1:]
    assert len(names) > 25
    assert names == sorted_by_name(names)
    assert names[0] == first
    if language == "nl":
        assert names.index("Ierland") < names.index("IJsland") < names.index("Italië")
