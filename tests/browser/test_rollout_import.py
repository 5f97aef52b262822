"""The rollout table as an administrator uses it: upload the seed's Bijlage 4, check the
preview, save it, create the users; a file with errors saves nothing. Pages pass axe."""

import re

import pytest
from playwright.sync_api import expect

from openimi.accounts.models import User
from openimi.onboarding.models import RolloutRow
from tests.onboarding.conftest import ERRORS_CSV, SEED_EMAILS, seed_rows, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = "/tmp/issue6/screens"


def test_import_the_seed_table(page, live_server, login_as, lda, tmp_path, axe_violations):
    xlsx = write_xlsx(tmp_path / "resultatentabel.xlsx", seed_rows())
    login_as(lda)
    page.goto(live_server.url + "/administration/")
    page.get_by_role("link", name="Rollout table").click()
    expect(page.get_by_role("heading", name="Rollout table", level=1)).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Upload the rollout table").set_input_files(str(xlsx))
    page.get_by_role("button", name="Check the file").click()
    expect(
        page.get_by_role("heading", name="Check the rows of resultatentabel.xlsx")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="Publieksbalie").first).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=f"{SCREENSHOTS}/rollout-preview.png", full_page=True)
    assert not RolloutRow.objects.exists()

    page.get_by_role("button", name="Save the rollout table").click()
    expect(page.get_by_text("The rollout table has been saved with 4 rows.")).to_be_visible()
    page.get_by_role("button", name="Create the users and roles").click()
    expect(page.get_by_text("Users created: 4.")).to_be_visible()
    expect(page.get_by_text("Users created or checked: 4 of 4 rows.")).to_be_visible()
    expect(page.get_by_role("link", name="pieter.dekort")).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=f"{SCREENSHOTS}/rollout-saved.png", full_page=True)

    # Again: nothing is created twice.
    page.get_by_role("button", name="Create the users and roles").click()
    expect(page.get_by_text("Already as in the table: 4.")).to_be_visible()
    assert User.objects.filter(email__in=SEED_EMAILS).count() == 4


def test_a_file_with_errors_saves_nothing(page, live_server, login_as, lda, axe_violations):
    login_as(lda)
    page.goto(live_server.url + "/administration/onboarding/rollout-table/")
    page.get_by_label("Upload the rollout table").set_input_files(str(ERRORS_CSV))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="The file has 5 problems")).to_be_visible()
    expect(page.get_by_text("Unknown role: “Gatekeeper”.")).to_be_visible()
    expect(page.get_by_role("button", name="Save the rollout table")).to_have_count(0)
    assert axe_violations(page) == []
    page.screenshot(path=f"{SCREENSHOTS}/rollout-errors.png", full_page=True)
    assert not RolloutRow.objects.exists()


def test_checklist_and_help_pages(page, live_server, login_as, lda, axe_violations):
    login_as(lda)
    page.goto(live_server.url + "/administration/onboarding/")
    expect(page.get_by_role("heading", name="Onboarding checklist")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Mark as done\W+Hand the usernames over")).click()
    expect(page.get_by_text("Ticked by")).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=f"{SCREENSHOTS}/checklist.png", full_page=True)
    page.get_by_role("link", name="Help").first.click()
    expect(page.get_by_role("heading", name="Help", level=1)).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=f"{SCREENSHOTS}/help.png", full_page=True)
    page.goto(live_server.url + "/")
    assert axe_violations(page) == []
    page.screenshot(path=f"{SCREENSHOTS}/home-lda.png", full_page=True)
