"""The monitoring pages in the browser: read at a glance, accessible (axe), downloadable."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.monitoring.conftest import clock, stats  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/openimi-monitoring")


def test_a_local_data_administrator_reads_the_figures(
    page,
    live_server,
    login_as,
    axe_violations,
    stats,  # noqa: F811
):
    login_as(stats["lda"])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Monitoring").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring")
    page.get_by_label("From month").select_option(label="January 2026")
    page.get_by_label("To month").select_option(label="March 2026")
    page.get_by_role("button", name="Show").click()

    expect(
        page.get_by_role("heading", name="Indicators, January 2026 to March 2026")
    ).to_be_visible()
    tiles = page.get_by_role("list", name="Indicators for the whole period")
    expect(tiles).to_contain_text("71.4%")  # accepted within 7 days, 5 of 7
    expect(tiles).to_contain_text("15.6")  # days on average to answer
    expect(tiles).to_contain_text("80.0%")  # answered by the agreed date, 4 of 5
    expect(page.get_by_role("img", name="Accepted within 7 days, per month")).to_be_visible()
    month_table = page.get_by_role("table", name="Per month (the month the responding authority")
    expect(month_table.get_by_role("row", name="January 2026")).to_contain_text("75.0%")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "monitoring.png"), full_page=True)
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures as a spreadsheet (CSV)").click()
    assert download.value.suggested_filename == (
        "openimi-monitoring-received-2026-01-to-2026-03.csv"
    )


def test_the_coordinators_page(page, live_server, login_as, axe_violations, stats):  # noqa: F811
    login_as(stats["coordinator_lda"])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/monitoring/coordinator/?first=2026-01&last=2026-03")
    table = page.get_by_role("table", name="Per authority")
    expect(table.get_by_role("row").nth(1)).to_contain_text("Gemeente Oeteldonk")
    page.screenshot(path=str(SCREENSHOTS / "coordinator.png"), full_page=True)
    assert axe_violations(page) == []
