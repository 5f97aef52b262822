"""The directory as a person uses it: search, open, and change the own authority's data."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from openimi.accounts.models import Role
from openimi.authorities.models import AreaPreferences, Authority, AuthorityTranslation, Keyword
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def directory(db):
    """Reference data as in production, a Dutch municipality and a German trade office."""
    call_command("load_reference", verbosity=0)
    services = AreaPreferences._meta.get_field("area").related_model.objects.get(code="services")
    building = Keyword.objects.get(area=services, code="building-permits")
    oeteldonk = Authority.objects.create(
        country_id="NL",
        language_id="nl",
        official_name="Gemeente Oeteldonk",
        informal_title="Gemeente Oeteldonk",
        description="Verleent bouwvergunningen.",
        email="imi@oeteldonk.example.nl",
        city="Oeteldonk",
    )
    koeln = Authority.objects.create(
        country_id="DE",
        language_id="de",
        official_name="Stadt Köln – Bauaufsichtsamt",
        informal_title="Bauaufsichtsamt der Stadt Köln",
        description="Erteilt Baugenehmigungen.",
        email="bauaufsicht@stadt-koeln.example.de",
        phone="+49 221 0000",
        city="Köln",
    )
    AuthorityTranslation.objects.create(
        authority=koeln, language_id="en", informal_title="Building Control Office of Cologne"
    )
    bonn = Authority.objects.create(
        country_id="DE",
        language_id="de",
        official_name="Stadt Bonn – Ordnungsamt",
        informal_title="Ordnungsamt der Stadt Bonn",
        email="ordnungsamt@bonn.example.de",
    )
    for authority in (oeteldonk, koeln, bonn):
        AreaPreferences.objects.create(authority=authority, area=services)
    for authority in (oeteldonk, koeln):
        authority.preferences.get().keywords.add(building)
    lda = UserFactory(
        authority=oeteldonk,
        username="anne.jansen",
        first_name="Anne",
        last_name="Jansen",
        roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None), (Role.REQUEST_HANDLER, services)],
    )
    return {"oeteldonk": oeteldonk, "koeln": koeln, "lda": lda}


def test_search_by_keyword_and_country_open_and_change_own_title(
    page, live_server, login_as, directory
):
    login_as(directory["lda"])
    page.goto(f"{live_server.url}/authorities/")
    page.get_by_label("Keyword").select_option(label="Building permits")
    page.get_by_label("Country").select_option(label="Germany")
    page.get_by_role("button", name="Search").click()

    results = page.locator("#search-results")
    expect(results).to_contain_text("1 authority found")
    page.get_by_role("link", name="Building Control Office of Cologne").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Building Control Office of Cologne")
    expect(page.get_by_text("bauaufsicht@stadt-koeln.example.de")).to_be_visible()

    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Manage authority data").click()
    page.get_by_role("link", name=re.compile(r"^Change\s+the Authority tab")).click()
    title = page.get_by_label("Informal title")
    expect(title).to_have_value("Gemeente Oeteldonk")
    title.fill("Gemeente Oeteldonk (Noord-Brabant)")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("alert")).to_contain_text("saved")
    expect(page.locator("#authority")).to_contain_text("Gemeente Oeteldonk (Noord-Brabant)")
    directory["oeteldonk"].refresh_from_db()
    assert directory["oeteldonk"].informal_title == "Gemeente Oeteldonk (Noord-Brabant)"


def test_a_rejected_change_keeps_what_was_typed(page, live_server, login_as, directory):
    login_as(directory["lda"])
    page.goto(f"{live_server.url}/administration/authority/contact/")
    page.get_by_label("Informal title").fill("Gemeente Oeteldonk aan de Dommel")
    page.get_by_label("General e-mail address").fill("geen adres")
    page.get_by_role("button", name="Save").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.get_by_label("Informal title")).to_have_value("Gemeente Oeteldonk aan de Dommel")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("General e-mail address")).to_be_focused()


@pytest.mark.parametrize(
    "path",
    [
        "/authorities/?q=&country=DE",
        "/authorities/{koeln}/",
        "/administration/authority/",
        "/administration/authority/contact/",
        "/administration/authority/preferences/services/",
        "/administration/authority/translations/en/",
        "/administration/",
    ],
)
def test_pages_have_no_accessibility_violations(
    page, live_server, login_as, directory, axe_violations, path
):
    login_as(directory["lda"])
    page.goto(live_server.url + path.format(koeln=directory["koeln"].pk))
    assert axe_violations(page) == []


def test_the_search_page_in_dutch(page, live_server, login_as, directory, axe_violations):
    directory["lda"].language = "nl"
    directory["lda"].save()
    login_as(directory["lda"])
    page.goto(f"{live_server.url}/authorities/?country=DE")
    page.get_by_label("Language").select_option(label="Nederlands")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevoegde autoriteit zoeken")
    assert axe_violations(page) == []
