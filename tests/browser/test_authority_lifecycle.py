"""An authority's life as its national coordinator runs it: two municipalities merge, and the
directory's search for the old name finds the continuing one."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from openimi.accounts.models import Role, User
from openimi.authorities.models import AreaPreferences, Authority, LegislativeArea
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def municipalities(db):
    """Reference data as in production, the Dutch national coordinator and two
    municipalities about to merge."""
    call_command("load_reference", verbosity=0)
    services = LegislativeArea.objects.get(code="services")
    national = Authority.objects.create(
        country_id="NL",
        language_id="nl",
        kind=Authority.Kind.NATIONAL_COORDINATOR,
        official_name="Ministerie van Economische Zaken – nationale IMI-coördinator",
        informal_title="Nationale IMI-coördinator",
        email="nimic@example.nl",
    )
    schijndel = Authority.objects.create(
        country_id="NL",
        language_id="nl",
        official_name="Gemeente Schijndel",
        informal_title="Gemeente Schijndel",
        email="imi@schijndel.example.nl",
    )
    meierijstad = Authority.objects.create(
        country_id="NL",
        language_id="nl",
        official_name="Gemeente Meierijstad",
        informal_title="Gemeente Meierijstad",
        email="imi@meierijstad.example.nl",
    )
    for authority in (schijndel, meierijstad):
        AreaPreferences.objects.create(
            authority=authority, area=services, supervising_coordinator=national
        )
    coordinator = UserFactory(
        authority=national,
        username="nina.coordinator",
        first_name="Nina",
        last_name="de Vries",
        roles=[(Role.LOCAL_DATA_ADMINISTRATOR, None)],
    )
    clerk = UserFactory(
        authority=schijndel,
        username="sam.schijndel",
        roles=[(Role.REQUEST_HANDLER, services)],
    )
    return {
        "schijndel": schijndel,
        "meierijstad": meierijstad,
        "coordinator": coordinator,
        "clerk": clerk,
    }


def test_a_national_coordinator_merges_two_municipalities(
    page, live_server, login_as, municipalities, axe_violations
):
    login_as(municipalities["coordinator"])
    page.goto(f"{live_server.url}/network/authorities/")
    assert axe_violations(page) == []
    page.get_by_label("Name", exact=True).fill("schijndel")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Gemeente Schijndel").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeente Schijndel")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Merge into another authority").click()
    assert axe_violations(page) == []
    page.get_by_role("combobox", name="Continuing authority").select_option(
        label="Gemeente Meierijstad"
    )
    page.get_by_role("button", name="Merge").click()
    # Not confirmed: the form says so and keeps the choice.
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_role("combobox", name="Continuing authority")).to_have_value(
        str(municipalities["meierijstad"].pk)
    )
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Merge").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeente Meierijstad")
    expect(page.get_by_role("alert")).to_contain_text(
        "Gemeente Schijndel has merged into Gemeente Meierijstad."
    )
    expect(page.get_by_text("Another authority merged into it")).to_be_visible()
    assert axe_violations(page) == []
    clerk = User.objects.get(pk=municipalities["clerk"].pk)
    assert clerk.authority_id == municipalities["meierijstad"].pk

    page.goto(f"{live_server.url}/authorities/")
    page.get_by_label("Name, title or description").fill("Schijndel")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#search-results")
    expect(results).to_contain_text("1 authority found")
    expect(results).to_contain_text("Formerly Gemeente Schijndel")
    expect(results.get_by_role("link", name="Gemeente Meierijstad")).to_be_visible()
    assert axe_violations(page) == []
