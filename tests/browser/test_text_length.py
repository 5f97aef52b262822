"""Layout holds when every text is 40 % longer than English (German, Finnish, Greek run that
long): a pseudo-language whose catalogue, built here from the Dutch one's messages, lengthens
every word of every message. At 320 and at 1024 CSS pixels no element of the main pages
overflows its box and the page grows no wider than the window."""

import math
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings

from openimi.exchange.workflow import State
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PSEUDO = "en-xa"  # the customary pseudo-locale code (Android, Chromium)
GROWTH = 0.4
# What must stay as it is: placeholders, HTML tags and entities.
_KEEP = re.compile(r"%\([^)]+\)[sdr]|%[sdr]|\{[^}]*\}|<[^>]+>|&[#a-z0-9]+;")
_WORD = re.compile(r"[^\W\d_]+")


def lengthen(text: str) -> str:
    """Every word 40 % longer (rounded up), so that the text is too and words get longer, as
    compounds do: "Search" → "Searchsea"."""

    def word(match: re.Match) -> str:
        w = match.group(0)
        extra = math.ceil(len(w) * GROWTH)
        return w + (w.lower() * (extra // len(w) + 1))[:extra]

    parts, last = [], 0
    for kept in _KEEP.finditer(text):
        parts.append(_WORD.sub(word, text[last : kept.start()]))
        parts.append(kept.group(0))
        last = kept.end()
    parts.append(_WORD.sub(word, text[last:]))
    return "".join(parts)


def test_lengthen_keeps_placeholders_and_grows_by_40_percent():
    assert lengthen("Search") == "Searchsea"
    assert lengthen("%(count)s requests") == "%(count)s requestsrequ"
    assert lengthen('<a href="%(url)s">Log in</a>') == '<a href="%(url)s">Loglo ini</a>'
    text = "Send the request to the competent authority"
    assert len(lengthen(text)) >= len(text) * 1.3


@pytest.fixture
def pseudo_language(settings, tmp_path):
    """A catalogue for PSEUDO in a temporary locale directory, every message lengthened."""
    source = polib.pofile(str(django_settings.LOCALE_PATHS[0] / "nl" / "LC_MESSAGES" / "django.po"))
    catalogue = polib.POFile()
    catalogue.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    for entry in source:
        if entry.obsolete:
            continue
        pseudo = polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt)
        if entry.msgid_plural:
            pseudo.msgid_plural = entry.msgid_plural
            pseudo.msgstr_plural = {0: lengthen(entry.msgid), 1: lengthen(entry.msgid_plural)}
        else:
            pseudo.msgstr = lengthen(entry.msgid)
        catalogue.append(pseudo)
    directory = tmp_path / "locale" / "en_XA" / "LC_MESSAGES"
    directory.mkdir(parents=True)
    catalogue.save_as_mofile(str(directory / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path / "locale", *django_settings.LOCALE_PATHS]
    settings.LANGUAGES = [*django_settings.LANGUAGES, (PSEUDO, lengthen("English"))]
    return PSEUDO


# What a longer text breaks: a text that sticks out of the box that holds it (a button, a
# table header, a menu item, a tab), or a control, header cell or menu item that sticks out of
# the window. A scroll region (a data table at 320 px) scrolls on purpose; visually hidden
# texts are 1 pixel wide on purpose. (Every element's scrollWidth would also count GOV.UK's
# grid rows, whose negative margins stick out by design, and a button's enlarged click area.)
OVERFLOWING = (Path(__file__).parent / "overflowing.js").read_text()


@pytest.mark.parametrize("width", [320, 1024])
def test_no_element_overflows_with_texts_40_percent_longer(
    page,
    live_server,
    login_as,
    world,  # noqa: F811
    make_request,  # noqa: F811
    pseudo_language,
    width,
):
    info_request = make_request(State.ACCEPTED)
    page.set_viewport_size({"width": width, "height": 800})
    page.set_extra_http_headers({"Accept-Language": pseudo_language})
    pages = {
        "handler": [
            "/",
            "/requests/outgoing/",
            f"/requests/{info_request.pk}/",
            "/authorities/?country=DE",
        ],
        "lda": ["/administration/users/"],
    }
    problems = []
    for user, paths in pages.items():
        page.context.clear_cookies()
        login_as(world[user])
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            assert page.locator("html").get_attribute("lang") == pseudo_language, path
            # The pseudo-language is on the page (the menu, the headings …).
            assert lengthen("Log out") in page.content(), path
            page_width = page.evaluate("document.documentElement.scrollWidth")
            if page_width > width:
                problems.append(f"{path}: the page is {page_width} px wide")
            problems += [f"{path}: {found}" for found in page.evaluate(OVERFLOWING)]
    assert problems == [], "\n".join(problems)
