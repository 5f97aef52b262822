"""Registration as people use it (issue 19, item 2): a national coordinator registers an
authority; an anonymous visitor asks to join; the coordinator validates the request."""

import pytest
from playwright.sync_api import expect

from openimi.accounts.models import User
from openimi.authorities.models import Authority
from openimi.network.models import JoinRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_ask_to_join_and_validate(
    page,
    live_server,
    login_as,
    axe_violations,
    national_coordinator_lda,
    coordinator,
    services_area,
):
    # A national coordinator registers an authority.
    login_as(national_coordinator_lda)
    page.goto(f"{live_server.url}/network/registration/register/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register an authority")
    assert axe_violations(page) == []
    page.get_by_label("Official name").fill("Gemeente Bommelerwaard")
    page.get_by_label("Informal title").fill("Gemeente Bommelerwaard (gemeente)")
    page.get_by_label("Language of the authority").select_option("nl")
    page.get_by_label("General e-mail address").fill("imi@bommelerwaard.nl")
    page.get_by_role("checkbox", name="Services").check()
    page.get_by_label("Supervising coordinator for Services").select_option(str(coordinator.pk))
    page.locator("#id_administrator_first_name").fill("Pieter")
    page.locator("#id_administrator_last_name").fill("de Kort")
    page.locator("#id_administrator_email").fill("p.dekort@bommelerwaard.nl")
    page.get_by_role("button", name="Register the authority").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Pieter de Kort will receive an e-mail with a temporary password"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gemeente Bommelerwaard")
    assert User.objects.filter(username="pieter.dekort").exists()

    # An anonymous visitor asks to join, from the login page.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Ask to join openimi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask to join openimi")
    assert axe_violations(page) == []
    page.get_by_label("Country").select_option("NL")
    page.get_by_label("Official name").fill("Gemeente Maasdriel")
    page.get_by_label("Informal title").fill("Gemeente Maasdriel (gemeente)")
    page.get_by_label("Language of the authority").select_option("nl")
    page.get_by_label("General e-mail address").fill("imi@maasdriel.nl")
    page.get_by_role("checkbox", name="Services").check()
    page.locator("#id_administrator_first_name").fill("Anke")
    page.locator("#id_administrator_last_name").fill("Jansen")
    page.locator("#id_administrator_email").fill("a.jansen@maasdriel.nl")
    page.get_by_role("button", name="Send the request to join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your request to join has been sent")
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    assert axe_violations(page) == []

    # The coordinator validates it.
    login_as(national_coordinator_lda)
    page.goto(f"{live_server.url}/network/registration/requests/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Gemeente Maasdriel").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Validate").click()
    expect(page.get_by_label("Official name")).to_have_value("Gemeente Maasdriel")
    expect(page.get_by_role("checkbox", name="Services")).to_be_checked()
    page.get_by_label("Supervising coordinator for Services").select_option(str(coordinator.pk))
    page.get_by_role("button", name="Register the authority").click()
    expect(page.get_by_role("alert")).to_contain_text("Gemeente Maasdriel has been registered")
    join_request = JoinRequest.objects.get()
    assert join_request.status == JoinRequest.Status.VALIDATED
    assert join_request.authority == Authority.objects.get(official_name="Gemeente Maasdriel")
