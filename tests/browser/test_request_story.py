"""The seed's story, end to end in the browser.

A German authority asks Gemeente Oeteldonk about a service provider's building permit and
criminal record; Publieksbalie allocates the request to Pieter de Kort; he answers the permit
question and gives the data-protection standard answer to the criminal-sanctions question,
naming Dienst Justis; the requester accepts the answer and the request is closed. The e-mails
go through the outbox, the real worker and a real SMTP server to the right addresses, each
in its recipient's language.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from openimi.accounts.models import Role
from openimi.authorities.models import AreaPreferences, Authority, LegislativeArea
from openimi.exchange.models import InformationRequest
from openimi.exchange.workflow import State
from openimi.notifications.models import OutboxMessage
from tests.factories import UserFactory
from tests.notifications.conftest import run_worker  # noqa: F401 - fixture
from tests.smtp import smtp_sink  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/openimi-story")


@pytest.fixture
def story(db, settings, tmp_path):
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
    AreaPreferences.objects.create(authority=oeteldonk, area=services, uses_allocation=True)
    koeln = Authority.objects.create(
        country_id="DE",
        language_id="de",
        official_name="Stadt Köln – Bauaufsichtsamt",
        informal_title="Bauaufsichtsamt der Stadt Köln",
        email="bauaufsicht@stadt-koeln.example.de",
        city="Köln",
    )
    AreaPreferences.objects.create(authority=koeln, area=services)
    justis = Authority.objects.create(
        country_id="NL",
        language_id="nl",
        official_name="Dienst Justis",
        informal_title="Dienst Justis",
        email="imi@justis.example.nl",
        city="Den Haag",
    )
    AreaPreferences.objects.create(authority=justis, area=services)
    users = {
        "requester": UserFactory(
            authority=koeln,
            username="sabine.wolff",
            first_name="Sabine",
            last_name="Wolff",
            email="s.wolff@stadt-koeln.example.de",
            # She works in English here, so the story reads in one language; the German,
            # Polish and Greek pages are tests/browser/test_languages.py's.
            language="en",
            roles=[(Role.REQUEST_HANDLER, services)],
        ),
        "allocator": UserFactory(
            authority=oeteldonk,
            username="publieksbalie",
            first_name="Publieksbalie",
            last_name="Oeteldonk",
            email="publieksbalie@oeteldonk.example.nl",
            language="nl",
            roles=[(Role.ALLOCATOR, services)],
        ),
        "handler": UserFactory(
            authority=oeteldonk,
            username="pieter.dekort",
            first_name="Pieter",
            last_name="de Kort",
            email="p.dekort@oeteldonk.example.nl",
            language="nl",
            roles=[(Role.REQUEST_HANDLER, services)],
        ),
    }
    return users


def _shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _switch(context, login_as, user):
    context.clear_cookies()
    login_as(user)


def test_the_seed_story(
    page,
    context,
    live_server,
    login_as,
    axe_violations,
    story,
    smtp_sink,  # noqa: F811
    run_worker,  # noqa: F811
):
    page.set_extra_http_headers({"Accept-Language": "en"})
    # 1. The German handler composes and sends the request.
    login_as(story["requester"])
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Compose request").click()
    page.get_by_label(re.compile("Services Directive: establishment")).check()
    page.get_by_role("button", name="Start the request").click()
    page.get_by_label(re.compile("hold an authorisation for the activity concerned")).check()
    page.get_by_label(re.compile("Have criminal sanctions been imposed")).check()
    _shot(page, "01-questions")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Name of the service provider").fill("Bouwbedrijf Carnaval B.V.")
    page.get_by_label("Town or city").fill("Oeteldonk")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Why do you need this information?").fill(
        "Der Dienstleister beantragt eine Baugenehmigung in Köln."
    )
    page.get_by_label("Language of the text").select_option("de")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Search for the authority").fill("Oeteldonk")
    page.get_by_label("Gemeente Oeteldonk (Netherlands)").check()
    _shot(page, "02-recipient")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save and continue").click()
    reply_by = timezone.localdate() + dt.timedelta(days=21)
    page.get_by_label("Day").fill(str(reply_by.day))
    page.get_by_label("Month").fill(str(reply_by.month))
    page.get_by_label("Year").fill(str(reply_by.year))
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Check and send")).to_be_visible()
    _shot(page, "03-review")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("The request was sent.")).to_be_visible()
    info_request = InformationRequest.objects.get()
    assert info_request.status == State.AWAITING_ACCEPTANCE

    # 2. Publieksbalie allocates it to Pieter de Kort.
    _switch(context, login_as, story["allocator"])
    page.goto(live_server.url + "/requests/")
    page.get_by_role("link", name=f"Request {info_request.pk}").click()
    page.get_by_role("link", name="Allocate").click()
    page.get_by_label("Pieter de Kort").check()
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_text("The request was allocated.")).to_be_visible()

    # 3. Pieter accepts and answers.
    _switch(context, login_as, story["handler"])
    page.goto(live_server.url + "/requests/?allocated_to_me=on")
    page.get_by_role("link", name=f"Request {info_request.pk}").click()
    _shot(page, "04-detail-incoming")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Accept request").click()
    expect(page.get_by_role("heading", name="Accept request")).to_be_visible()
    _shot(page, "04b-accept")
    assert axe_violations(page) == []
    page.get_by_role("main").locator("button[type=submit]", has_text="Accept request").click()
    expect(page.get_by_text("You accepted the request.")).to_be_visible()
    page.get_by_role("link", name="Answer the questions").click()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Save and go to the next question").click()
    page.get_by_label(re.compile("Given our data protection rules")).check()
    page.get_by_label("Explanation").fill(
        "Please ask Dienst Justis for a certificate of conduct (VOG)."
    )
    page.get_by_label("Language of the text").select_option("en")
    _shot(page, "05-answer")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save answer").click()
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("The answer was sent.")).to_be_visible()

    # 4. The requester reads the answer in its own interface language and closes the request.
    _switch(context, login_as, story["requester"])
    page.goto(live_server.url + f"/requests/{info_request.pk}/")
    expect(page.get_by_text("Please ask Dienst Justis")).to_be_visible()
    expect(page.get_by_text(re.compile("Given our data protection rules"))).to_be_visible()
    page.get_by_role("button", name="Accept the answer and close the request").click()
    expect(page.get_by_text("The request is closed.")).to_be_visible()
    _shot(page, "06-closed")
    info_request.refresh_from_db()
    assert info_request.status == State.CLOSED

    # 5. The e-mails: the real worker delivers the outbox to the real SMTP server.
    run_worker()
    rows = list(OutboxMessage.objects.values_list("event_code", "recipient_email", "language"))
    by_event = {}
    for code, address, language in rows:
        by_event.setdefault(code, set()).add((address, language))
    # New incoming request: Oeteldonk works with allocation, so its allocators are told, and
    # its general address, in Dutch.
    assert ("publieksbalie@oeteldonk.example.nl", "nl") in by_event["request.sent"]
    assert ("imi@oeteldonk.example.nl", "nl") in by_event["request.sent"]
    assert ("p.dekort@oeteldonk.example.nl", "nl") in by_event["request.allocated"]
    # The answer goes to the requester in her language and to her authority's general
    # address in the authority's language.
    assert ("s.wolff@stadt-koeln.example.de", "en") in by_event["request.answered"]
    assert ("bauaufsicht@stadt-koeln.example.de", "de") in by_event["request.answered"]
    delivered = {address for d in smtp_sink.deliveries for address in d.rcpt_tos}
    assert {
        "publieksbalie@oeteldonk.example.nl",
        "p.dekort@oeteldonk.example.nl",
        "s.wolff@stadt-koeln.example.de",
    } <= delivered
    assert OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).count() == 0
