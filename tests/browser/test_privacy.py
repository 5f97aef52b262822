"""A local data administrator handles a data subject's request in the browser: finds the
requests about the provider, marks the data as contested, corrects it, reads the access log;
every page passes axe."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from openimi.exchange.workflow import State
from openimi.privacy.models import ContestMark, PersonalDataCorrection
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401, F811 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/openimi-privacy")


def test_data_subject_request(page, live_server, login_as, world, make_request, axe_violations):  # noqa: F811
    SCREENSHOTS.mkdir(exist_ok=True)
    info_request = make_request(State.ACCEPTED)
    login_as(world["lda"])

    page.goto(f"{live_server.url}/administration/")
    page.get_by_role("link", name="Data subject requests").click()
    page.get_by_label("Name of the service provider").fill("jansen")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("table")).to_contain_text("Requesting")
    # Posted, not put in the URL (issue 15, item 3); the form still shows what was searched.
    assert page.url == f"{live_server.url}/administration/privacy/subjects/"
    expect(page.get_by_label("Name of the service provider")).to_have_value("jansen")
    page.reload()  # the browser asks nothing and the results are still there
    expect(page.get_by_role("table")).to_contain_text("Requesting")
    assert axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "subjects.png"), full_page=True)

    page.get_by_role("link", name=str(info_request.pk), exact=True).click()
    page.get_by_label("What does the data subject contest?").fill("The address is old.")
    page.get_by_role("button", name="Mark as contested").click()
    expect(page.locator("#contested")).to_contain_text("contests the accuracy")
    assert axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "subject_request.png"), full_page=True)
    assert ContestMark.objects.filter(info_request=info_request).exists()

    page.get_by_role("link", name="Correct the personal data").click()
    page.get_by_label("Town or city").fill("'s-Hertogenbosch")
    page.get_by_label("Why is the data corrected?").fill("The subject sent the new address.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("table")).to_contain_text("The subject sent the new address.")
    assert PersonalDataCorrection.objects.get(info_request=info_request).fields == ["city"]

    page.get_by_role("link", name="Data subject requests").click()  # back to the results
    expect(page.get_by_role("table")).to_contain_text("Requesting")
    page.get_by_role("button", name="New search").click()
    expect(page.get_by_label("Name of the service provider")).to_have_value("")
    expect(page.get_by_role("table")).to_have_count(0)

    page.goto(f"{live_server.url}/administration/privacy/access-log/")
    expect(page.get_by_role("table")).to_contain_text("Correction form")
    assert axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "access_log.png"), full_page=True)
