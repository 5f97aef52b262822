"""Greek and Cyrillic are drawn with a font that has their glyphs: the fonts Chromium takes
for such a text from our font stack all hold Greek and Cyrillic (fontconfig's own list), so
no character falls to a box or to a font of another design."""

import shutil
import subprocess

import pytest

from openimi.authorities.models import Authority
from tests.exchange.conftest import media_root, world  # noqa: F401 - fixtures
from tests.factories import LanguageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GREEK_AND_CYRILLIC = "Δήμος Αθηναίων · Столична община"


def _families(language: str) -> set[str]:
    listed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        ["fc-list", f":lang={language}", "family"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {name for line in listed.splitlines() for name in line.split(",")}


@pytest.mark.skipif(not shutil.which("fc-list"), reason="fontconfig's fc-list is not installed")
def test_greek_and_cyrillic_are_drawn_with_fonts_that_have_them(page, live_server, login_as, world):  # noqa: F811
    LanguageFactory(code="el")
    Authority.objects.filter(pk=world.requesting.pk).update(
        official_name=GREEK_AND_CYRILLIC, language_id="el"
    )
    login_as(world["handler"])
    page.goto(live_server.url + "/")
    header = page.locator(".openimi-header__authority")
    assert header.inner_text() == GREEK_AND_CYRILLIC
    assert header.get_attribute("lang") == "el"
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": ".openimi-header__authority"})
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    used = {font["familyName"] for font in fonts if font["glyphCount"]}
    assert used, fonts
    covering = _families("el") & _families("bg")
    assert used <= covering, (
        f"{used} drawn, of which only {used & covering} have Greek and Cyrillic"
    )
