"""Reflow at 320 CSS pixels (WCAG 1.4.10): a wide data table scrolls inside its own focusable,
named region, as Manage users does, instead of widening the page."""

import pytest

from openimi.exchange.workflow import State
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_WIDTH = """() => document.documentElement.scrollWidth"""
# Every visible table and the scroll region around it: its role, tabindex and name.
TABLE_REGIONS = """() => [...document.querySelectorAll('main table')]
  .filter((table) => table.getClientRects().length)
  .map((table) => {
    const region = table.closest('[role=region]');
    if (!region) return null;
    const ids = (region.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
    const name = ids.map((id) => document.getElementById(id)?.textContent.trim()).join(' ');
    return {tabindex: region.getAttribute('tabindex'), name: name};
  })"""


def _assert_reflows(page, url):
    page.goto(url)
    assert page.evaluate(PAGE_WIDTH) <= 320, url
    regions = page.evaluate(TABLE_REGIONS)
    assert regions, url
    for region in regions:
        assert region is not None, f"{url}: a table outside a scroll region"
        assert region["tabindex"] == "0", url
        assert region["name"], url


@pytest.mark.parametrize(
    ("user", "path"),
    [
        ("handler", "/requests/outgoing/"),
        ("resp_handler", "/requests/"),
        ("coord_handler", "/requests/coordinator/"),
    ],
)
def test_request_lists_reflow_at_320_px(
    page,
    live_server,
    login_as,
    world,  # noqa: F811
    make_request,  # noqa: F811
    user,
    path,
):
    make_request(State.AWAITING_ACCEPTANCE)
    page.set_viewport_size({"width": 320, "height": 640})
    page.set_extra_http_headers({"Accept-Language": "en"})
    login_as(world[user])
    _assert_reflows(page, live_server.url + path)


@pytest.mark.parametrize("tab", ["#preferences-services", "#translations"])
def test_manage_authority_data_tables_reflow_at_320_px(page, live_server, login_as, world, tab):  # noqa: F811
    page.set_viewport_size({"width": 320, "height": 640})
    page.set_extra_http_headers({"Accept-Language": "en"})
    login_as(world["lda"])
    _assert_reflows(page, live_server.url + "/administration/authority/" + tab)


@pytest.mark.parametrize(
    ("user", "path"), [("lda", "/monitoring/"), ("coord_lda", "/monitoring/coordinator/")]
)
def test_monitoring_tables_reflow_at_320_px(
    page,
    live_server,
    login_as,
    world,  # noqa: F811
    make_request,  # noqa: F811
    user,
    path,
):
    make_request(State.CLOSED)
    page.set_viewport_size({"width": 320, "height": 640})
    page.set_extra_http_headers({"Accept-Language": "en"})
    login_as(world[user])
    _assert_reflows(page, live_server.url + path)
