"""The help the network maintains, in the browser: a visitor who cannot log in reads the FAQ
in German and finds the Dutch helpdesk; the network administrator edits a FAQ page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from openimi.onboarding import services
from openimi.onboarding.models import FaqPage

SCREENSHOTS = Path("/tmp/openimi-help")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def help_content(network_admin, nl, de):
    FaqPage.objects.all().delete()  # the first pages (data migration), if still there
    page = services.faq_page_create(
        actor=network_admin,
        slug="login-problems",
        title="Problems logging in",
        body="Ask a local data administrator.\n\nOr see https://example.eu/imi for more.",
    )
    services.faq_page_text_save(
        actor=network_admin,
        faq_page=page,
        language="de",
        title="Probleme bei der Anmeldung",
        body="Fragen Sie einen lokalen Datenadministrator.\n\nOder sehen Sie https://example.eu/imi.",
    )
    services.faq_page_publish(actor=network_admin, faq_page=page, published=True)
    services.helpdesk_contact_save(
        actor=network_admin,
        country=nl,
        names={"en": "IMI helpdesk Netherlands", "nl": "IMI-helpdesk Nederland"},
        email="imi-helpdesk@example.nl",
        phone="+31 70 123 4567",
    )
    return page


def test_anonymous_reads_the_faq_in_german_and_finds_the_dutch_helpdesk(
    page, live_server, axe_violations, help_content
):
    page.set_extra_http_headers({"Accept-Language": "de"})
    page.goto(f"{live_server.url}/accounts/login/")
    # The login page is in German too (Accept-Language): its link says so in German.
    page.get_by_role("link", name="Häufig gestellte Fragen und Ihr nationaler Helpdesk").click()
    expect(page.get_by_role("link", name="Probleme bei der Anmeldung")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_text("Niederlande").click()  # the country's name in German (CLDR)
    expect(page.get_by_text("IMI helpdesk Netherlands")).to_be_visible()
    expect(page.get_by_role("link", name="imi-helpdesk@example.nl")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "faq-de.png"), full_page=True)

    page.get_by_role("link", name="Probleme bei der Anmeldung").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Probleme bei der Anmeldung")
    expect(page.get_by_role("link", name="https://example.eu/imi")).to_be_visible()
    assert axe_violations(page) == []


def test_network_admin_edits_a_faq_page(
    page, live_server, login_as, axe_violations, help_content, network_admin
):
    login_as(network_admin)
    page.goto(f"{live_server.url}/network/help/faq/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Problems logging in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Problems logging in")
    assert axe_violations(page) == []

    page.screenshot(path=str(SCREENSHOTS / "faq-manage.png"), full_page=True)
    page.get_by_role("link", name="Add Dutch").click()
    page.get_by_label("Title").fill("Problemen met inloggen")
    page.get_by_label("Text").fill("Vraag een lokale gegevensbeheerder.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The text in Dutch has been saved.")).to_be_visible()

    page.get_by_role("link", name="Change English").click()
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Title")
    page.get_by_label("Title").fill("Problems when logging in")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The text in English has been saved.")).to_be_visible()
    expect(page.get_by_text("English changed since").first).to_be_visible()

    page.get_by_role("button", name="Unpublish").click()
    expect(page.get_by_text("is no longer published")).to_be_visible()
    assert not FaqPage.objects.get().is_published
