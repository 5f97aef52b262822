"""The network administrator in the browser: made on the command line, logs in for the first
time as everyone does, finds the network's figures from the home page, reads and downloads
them (axe on every page)."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.test_login import _fill_challenge, _start
from tests.monitoring.conftest import clock, stats  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Netwerk-Beheer 2026!"
CODE = "Brussel#2026"


def _create_operator() -> str:
    out = io.StringIO()
    call_command(
        "network_admin",
        "create",
        "--username",
        "operator",
        "--email",
        "operator@example.eu",
        "--first-name",
        "Ada",
        "--last-name",
        "Operator",
        stdout=out,
    )
    return re.search(r"first login\): (\S+)$", out.getvalue(), re.M).group(1)


def test_the_first_network_administrator_logs_in_and_opens_the_network_figures(
    page,
    live_server,
    axe_violations,
    stats,  # noqa: F811
):
    temporary = _create_operator()
    page.set_viewport_size({"width": 1280, "height": 900})

    _start(page, live_server, "operator", temporary)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label(re.compile(r"^New password(?! again)")).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your security code")
    page.get_by_label(re.compile(r"^New security code(?! again)")).fill(CODE)
    page.get_by_label("New security code again").fill(CODE)
    page.get_by_role("button", name="Save security code and log in").click()

    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="List of requests")).to_have_count(0)
    expect(menu.get_by_role("link", name="Administration")).to_have_count(0)
    expect(page.get_by_role("heading", name="Network administration")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Monitoring of the network").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring of the network")
    page.get_by_label("From month").select_option(label="January 2026")
    page.get_by_label("To month").select_option(label="March 2026")
    page.get_by_role("button", name="Show").click()
    countries = page.get_by_role("table", name="Per country, January 2026 to March 2026")
    expect(countries.get_by_role("row", name=re.compile("^Netherlands"))).to_contain_text("10")
    expect(countries.get_by_role("row", name=re.compile("^Germany"))).to_contain_text("1")
    netherlands = page.get_by_role("table", name="Netherlands: per legislative area")
    expect(netherlands.get_by_role("row", name=re.compile("^Services"))).to_contain_text("6")
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures as a spreadsheet (CSV)").click()
    assert download.value.suggested_filename == "openimi-network-received-2026-01-to-2026-03.csv"

    page.get_by_role("link", name=re.compile("My account")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.get_by_text("None: you work for the whole installation.")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Log out").click()
    _start(page, live_server, "operator", NEW_PASSWORD)
    _fill_challenge(page, CODE)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Network administration")).to_be_visible()
