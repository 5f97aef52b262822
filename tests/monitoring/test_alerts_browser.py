"""The alerts' figures in the browser: reached from the network's figures, read by role,
accessible (axe), downloadable. The data set is ``test_alerts.py``'s."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (  # noqa: F401 - fixtures
    axe_violations,
    browser_type_launch_args,
    login_as,
)
from tests.monitoring.test_alerts import alerts_world, pq_area, world  # noqa: F401 - fixtures

SCREENSHOTS = Path("/tmp/openimi-monitoring")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_network_administrator_reads_the_alerts_figures(
    page,
    live_server,
    login_as,  # noqa: F811
    axe_violations,  # noqa: F811
    alerts_world,  # noqa: F811
):
    login_as(alerts_world.network_admin)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/monitoring/network/")
    page.get_by_role("link", name="Figures of alerts: the three-day deadline").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring of alerts")
    page.get_by_label("From month").select_option(label="March 2026")
    page.get_by_label("To month").select_option(label="March 2026")
    page.get_by_role("button", name="Show").click()

    tiles = page.get_by_role("list", name="Alerts sent, for the whole period")
    expect(tiles).to_contain_text("50.0%")  # 2 of the 4 PQ alerts sent in time
    table = page.get_by_role("table", name="Alerts sent and received per country")
    expect(table.get_by_role("row", name="Netherlands")).to_contain_text("66.7%")
    authorities = page.get_by_role("table", name="Alerts sent per authority")
    expect(authorities.get_by_role("row").nth(1)).to_contain_text("CIBG BIG-register")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "alerts.png"), full_page=True)
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures as a spreadsheet (CSV)").click()
    assert download.value.suggested_filename == "openimi-alerts-2026-03-to-2026-03.csv"
