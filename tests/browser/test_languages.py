"""A German, a Polish and a Greek civil servant work in their own language (issue #18).

Each logs in through the real two-step login, composes a request from the predefined questions
and sends it to a Dutch municipality; the Dutch handler reads it in Dutch. On every page the
non-English user sees, no English interface text may appear: every visible text node (and every
label a screen reader reads) is compared with the English catalogue, and axe must find nothing
(the page's ``lang`` and the ``lang`` of free text in another language included).

The labels the test clicks are looked up through gettext in the user's language, so the test
follows the catalogues instead of hard-coding translations.

With ``OPENIMI_SCREENSHOTS=<folder>`` the home page and the request page are saved there as
``<lang>-home.png`` and ``<lang>-request.png`` (docs/images/ holds the committed ones).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from playwright.sync_api import expect

from openimi.accounts.models import Role
from openimi.accounts.security_code import security_code_set
from openimi.authorities.models import AreaPreferences, Authority, LegislativeArea
from openimi.exchange.models import InformationRequest, Question, QuestionSet
from openimi.exchange.workflow import State
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Dienstleistungsrichtlinie 2006/123"
CODE = "Oeteldonk#11"
SCREENSHOTS = os.environ.get("OPENIMI_SCREENSHOTS", "")
LOCALE = Path(settings.LOCALE_PATHS[0])

PEOPLE = {
    "de": {
        "country": "DE",
        "official_name": "Stadt Köln – Amt für öffentliche Ordnung",
        "city": "Köln",
        "user": ("sabine.wolff", "Sabine", "Wolff"),
        "justification": "Der Dienstleister beantragt eine Gewerbeerlaubnis in Köln.",
        "provider": "Bäckerei Müller GmbH",
    },
    "pl": {
        "country": "PL",
        "official_name": "Urząd Miasta Krakowa – Wydział Spraw Administracyjnych",
        "city": "Kraków",
        "user": ("anna.nowak", "Anna", "Nowak"),
        "justification": "Usługodawca złożył wniosek o zezwolenie w Krakowie.",
        "provider": "Łódzka Spółdzielnia Usługowa",
    },
    "el": {
        "country": "GR",
        "official_name": "Δήμος Αθηναίων – Διεύθυνση Αδειοδοτήσεων",
        "city": "Αθήνα",
        "user": ("eleni.papadopoulou", "Ελένη", "Παπαδοπούλου"),
        "justification": "Ο πάροχος υπηρεσιών ζήτησε άδεια λειτουργίας στην Αθήνα.",
        "provider": "Ελληνική Τεχνική Εταιρεία Α.Ε.",
    },
}

# Text nodes that are the same in every language: names, numbers, the product.
NEUTRAL = re.compile(r"^[\W\d_]*$|^openimi$|^IMI$", re.UNICODE)

_COLLECT = """() => {
  const pageLang = document.documentElement.lang;
  const out = [];
  const langOf = (el) => {
    const marked = el.closest('[lang]');
    return marked ? marked.getAttribute('lang') : pageLang;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest('script,style,noscript,template,[hidden],[aria-hidden=true]')) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.push([text, langOf(el)]);
  }
  const named = '[aria-label],[title],[placeholder],[alt],input[type=submit],input[type=button]';
  for (const el of document.body.querySelectorAll(named)) {
    for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'value']) {
      if (name === 'value' && !(el.type === 'submit' || el.type === 'button')) continue;
      const text = (el.getAttribute(name) || '').replace(/\\s+/g, ' ').trim();
      if (text) out.push([text, langOf(el)]);
    }
  }
  return [pageLang, out];
}"""


def _english_only(language: str) -> tuple[set[str], list[re.Pattern]]:
    """The English messages whose translation differs: exact texts, and patterns for the
    messages with placeholders (a placeholder stands for any text)."""
    exact, patterns = set(), []
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    for entry in catalogue:
        if entry.obsolete or entry.msgid_plural:
            continue
        english = " ".join(entry.msgid.split())
        if not entry.msgstr or " ".join(entry.msgstr.split()) == english:
            continue
        if re.search(r"%\(\w+\)[sd]|<", english):
            pieces = re.split(r"%\(\w+\)[sd]|<[^>]+>", english)
            if sum(len(p.strip()) for p in pieces) >= 12:
                regex = ".+?".join(re.escape(p) for p in pieces)
                patterns.append(re.compile(f"^{regex}$"))
            continue
        exact.add(english)
    return exact, patterns


def _english_on_page(page, language: str, english) -> list[str]:
    exact, patterns = english
    page_lang, texts = page.evaluate(_COLLECT)
    assert page_lang == language, f"{page.url}: <html lang={page_lang!r}>, expected {language!r}"
    leaks = []
    for text, lang in texts:
        if lang != language or NEUTRAL.match(text):
            continue
        if text in exact or any(p.match(text) for p in patterns):
            leaks.append(text)
    return sorted(set(leaks))


def _t(language: str, message: str) -> str:
    """The message in the language; a form label made from a model field's lower-case name
    (Django capitalises it) is looked up in lower case."""
    with translation.override(language):
        text = gettext(message)
        if text == message and language != "en":
            text = capfirst(gettext(message[0].lower() + message[1:]))
        return text


@pytest.fixture
def network(db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    call_command("load_reference", verbosity=0)
    services = LegislativeArea.objects.get(code="services")
    oeteldonk = Authority.objects.create(
        country_id="NL",
        language_id="nl",
        official_name="Gemeente Oeteldonk",
        informal_title="Gemeente Oeteldonk",
        email="imi@oeteldonk.example.nl",
        city="Oeteldonk",
    )
    AreaPreferences.objects.create(authority=oeteldonk, area=services)
    handler = UserFactory(
        authority=oeteldonk,
        username="pieter.dekort",
        first_name="Pieter",
        last_name="de Kort",
        language="nl",
        roles=[(Role.REQUEST_HANDLER, services)],
    )
    people = {}
    for language, person in PEOPLE.items():
        authority = Authority.objects.create(
            country_id=person["country"],
            language_id=language,
            official_name=person["official_name"],
            informal_title=person["official_name"],
            email=f"imi-{language}@example.org",
            city=person["city"],
        )
        AreaPreferences.objects.create(authority=authority, area=services)
        username, first, last = person["user"]
        user = UserFactory(
            authority=authority,
            username=username,
            first_name=first,
            last_name=last,
            language=language,
            roles=[(Role.REQUEST_HANDLER, services)],
        )
        user.set_password(PASSWORD)
        user.save()
        security_code_set(user=user, code=CODE)
        people[language] = user
    return {"handler": handler, "people": people}


def _log_in(page, live_server, user, language):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=_t(language, "Continue")).click()
    boxes = page.locator("input[id^=id_character]")
    expect(boxes).to_have_count(3)
    for index in range(3):
        box = boxes.nth(index)
        label = page.locator(f"label[for='{box.get_attribute('id')}']").inner_text()
        position = int(re.search(r"\d+", label).group())
        box.fill(CODE[position - 1])
    page.get_by_role("button", name=_t(language, "Log in")).click()


def _field(page, label: str):
    """The field whose label starts with ``label`` (a label may carry a hint or a marker)."""
    return page.get_by_label(re.compile("^" + re.escape(label)))


def _shot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("language", ["de", "pl", "el"])
def test_a_civil_servant_works_in_their_own_language(
    page, context, live_server, login_as, axe_violations, network, language
):
    english = _english_only(language)
    person = PEOPLE[language]
    user = network["people"][language]
    seen: dict[str, list[str]] = {}
    problems: dict[str, list[str]] = {}

    def look(name):
        seen[name] = _english_on_page(page, language, english)
        violations = axe_violations(page)
        if violations:
            problems[name] = violations

    page.set_extra_http_headers({"Accept-Language": language})
    # 1. The login pages, before the user is known, follow the browser's language.
    page.goto(f"{live_server.url}/accounts/login/")
    look("login")
    _log_in(page, live_server, user, language)
    expect(page.get_by_role("link", name=_t(language, "Compose request"))).to_be_visible()
    look("home")
    _shot(page, f"{language}-home")

    # 2. Compose from the predefined questions, which read in the user's language.
    general = QuestionSet.objects.get(code="services-general")
    permit = Question.objects.get(question_set=general, code="SG-08")
    sanctions = Question.objects.get(question_set=general, code="SG-18")
    page.get_by_role("link", name=_t(language, "Compose request")).click()
    look("compose-set")
    page.get_by_label(general.titles[language]).check()
    page.get_by_role("button", name=_t(language, "Start the request")).click()
    page.get_by_label(permit.texts[language]).check()
    page.get_by_label(sanctions.texts[language]).check()
    look("compose-questions")
    page.get_by_role("button", name=_t(language, "Save and continue")).click()
    _field(page, _t(language, "Name of the service provider")).fill(person["provider"])
    _field(page, _t(language, "Town or city")).fill(person["city"])
    look("compose-provider")
    page.get_by_role("button", name=_t(language, "Save and continue")).click()
    _field(page, _t(language, "Why do you need this information?")).fill(person["justification"])
    _field(page, _t(language, "Language of the text")).select_option(language)
    look("compose-justification")
    page.get_by_role("button", name=_t(language, "Save and continue")).click()
    expect(page.get_by_role("heading", name=_t(language, "Documents"))).to_be_visible()
    look("compose-documents")
    page.get_by_role("button", name=_t(language, "Save and continue")).click()
    _field(page, _t(language, "Search for the authority")).fill("Oeteldonk")
    page.get_by_label(re.compile("^Gemeente Oeteldonk")).check()
    look("compose-recipient")
    page.get_by_role("button", name=_t(language, "Save and continue")).click()
    reply_by = timezone.localdate() + dt.timedelta(days=21)
    _field(page, _t(language, "Day")).fill(str(reply_by.day))
    _field(page, _t(language, "Month")).fill(str(reply_by.month))
    _field(page, _t(language, "Year")).fill(str(reply_by.year))
    look("compose-deadline")
    page.get_by_role("button", name=_t(language, "Save and continue")).click()
    expect(page.get_by_role("heading", name=_t(language, "Check and send"))).to_be_visible()
    look("compose-review")
    page.get_by_role("button", name=_t(language, "Send request")).click()
    expect(page.get_by_text(_t(language, "The request was sent."))).to_be_visible()
    info_request = InformationRequest.objects.get(requesting_authority=user.authority)
    assert info_request.status == State.AWAITING_ACCEPTANCE
    look("request")
    _shot(page, f"{language}-request")
    page.goto(f"{live_server.url}/requests/outgoing/")
    look("outgoing")
    page.goto(f"{live_server.url}/authorities/?q=Oeteldonk")
    look("directory")

    assert {name: leaks for name, leaks in seen.items() if leaks} == {}
    assert problems == {}

    # 3. The Dutch handler reads the same request in Dutch; the free text keeps its language.
    context.clear_cookies()
    page.set_extra_http_headers({"Accept-Language": "nl"})
    login_as(network["handler"])
    page.goto(f"{live_server.url}/requests/{info_request.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_text(permit.texts["nl"]).first).to_be_visible()
    expect(page.get_by_text(sanctions.texts["nl"]).first).to_be_visible()
    expect(
        page.locator(f"main [lang={language}]", has_text=person["justification"])
    ).to_be_visible()
    assert axe_violations(page) == []


def test_english_text_on_a_translated_page_is_found(page):
    """The detector itself: English interface text is named, English free text marked as
    such is not, and neither are names and numbers."""
    english = _english_only("nl")
    page.set_content(
        '<html lang="nl"><body><main><h1>Compose request</h1><p>Verzoek opstellen</p>'
        '<p lang="en">Compose request</p><p>Gemeente Oeteldonk</p><p>12 345</p>'
        '<button aria-label="Send request">x</button>'
        "<p>Character 7 of your security code</p>"
        "</main></body></html>"
    )
    assert _english_on_page(page, "nl", english) == [
        "Character 7 of your security code",
        "Compose request",
        "Send request",
    ]
