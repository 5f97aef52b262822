"""Issue 19's Done-when, played in the browser by the people of the story.

From an installation with only the reference data and one network administrator made on the
command line: the network administrator creates the legislative area "Posting of workers" and a
question set in it (English, Dutch, German), publishes it and registers the Dutch national
coordinator; that coordinator registers Gemeente Bommelerwaard, whose first local data
administrator gets the temporary password by e-mail (the real worker, a real SMTP server),
checks the authority's data and adds a request handler; a German handler sends a request with
the new set; the Dutch handler reads it in Dutch; version 2 of the set changes a question, the
old request keeps version 1's texts and the compose page offers version 2 only.

Requests to join (validated and declined) and a merger are proved in the browser by
``test_registration.py`` and ``test_authority_lifecycle.py``; here they are a short
service-level part at the end of the story, on its own authorities.
"""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from openimi.accounts.models import Role, RoleGrant, User
from openimi.authorities.models import AreaPreferences, Authority, LegislativeArea
from openimi.exchange.models import InformationRequest, QuestionSet
from openimi.network.models import AuthorityEvent, JoinRequest
from tests.browser.test_login import _fill_challenge, _start
from tests.factories import UserFactory
from tests.notifications.conftest import run_worker  # noqa: F401 - fixture
from tests.smtp import smtp_sink  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/openimi-network-story")
PASSWORD = "Detachering in de Bommelerwaard 2026"
CODE = "Zaltbommel#9"

AREA_NAMES = {
    "en": "Posting of workers",
    "nl": "Detachering van werknemers",
    "de": "Entsendung von Arbeitnehmern",
}
# Per language: title, the yes/no question, the free-text question.
V1 = {
    "en": ("Posting of workers", "Is the worker posted?", "Describe the work done."),
    "nl": (
        "Detachering van werknemers",
        "Is de werknemer gedetacheerd?",
        "Beschrijf het verrichte werk.",
    ),
    "de": (
        "Entsendung von Arbeitnehmern",
        "Ist der Arbeitnehmer entsandt?",
        "Beschreiben Sie die geleistete Arbeit.",
    ),
}
V2_SECOND = {
    "en": "Describe the work done and where it is done.",
    "nl": "Beschrijf het verrichte werk en waar het wordt verricht.",
    "de": "Beschreiben Sie die geleistete Arbeit und wo sie geleistet wird.",
}


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _language_name(code: str) -> str:
    from django.conf import settings

    return str(dict(settings.LANGUAGES)[code])


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


def _first_login(page, live_server, username: str, temporary: str) -> None:
    """The first login: the temporary password, a new password and a security code."""
    page.context.clear_cookies()
    _start(page, live_server, username, temporary)
    expect(page.get_by_role("heading", level=1)).to_have_text("You will choose a new security code")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label(re.compile(r"^New password(?! again)")).fill(PASSWORD)
    page.get_by_label("New password again").fill(PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your security code")
    page.get_by_label(re.compile(r"^New security code(?! again)")).fill(CODE)
    page.get_by_label("New security code again").fill(CODE)
    page.get_by_role("button", name="Save security code and log in").click()
    expect(page.get_by_role("navigation", name=re.compile("Main menu|Hoofdmenu"))).to_be_visible()


def _login(page, live_server, username: str) -> None:
    """A normal login: password, then three characters of the security code."""
    page.context.clear_cookies()
    _start(page, live_server, username, PASSWORD)
    _fill_challenge(page, CODE)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name=re.compile("Main menu|Hoofdmenu"))).to_be_visible()


def _mailed_password(worker, sink, address: str) -> str:
    """A day later the worker delivers the first temporary password: read it from the mail."""
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25), tick=True):
        worker()
    bodies = [
        d.message.get_body(preferencelist=("plain",)).get_content()
        for d in sink.deliveries
        if address in d.rcpt_tos
    ]
    passwords = [
        found.group(1)
        for body in bodies
        if (found := re.search(r"^\s+(\S{4}-\S{4}-\S{4}-\S{4})\s*$", body, re.M))
    ]
    assert len(passwords) == 1, f"{len(passwords)} temporary passwords to {address}"
    return passwords[0]


def _register(page, *, kind: str | None, name: str, area: str, coordinator: str | None, admin):
    if kind:
        page.get_by_label(kind).check()
    page.get_by_label("Official name").fill(name)
    page.get_by_label("Informal title").fill(name)
    page.get_by_label("Language of the authority").select_option("nl")
    page.get_by_label("General e-mail address").fill(admin["general"])
    page.get_by_role("checkbox", name=area).check()
    if coordinator:
        page.get_by_label(f"Supervising coordinator for {area}").select_option(label=coordinator)
    page.locator("#id_administrator_first_name").fill(admin["first_name"])
    page.locator("#id_administrator_last_name").fill(admin["last_name"])
    page.locator("#id_administrator_email").fill(admin["email"])
    page.locator("#id_administrator_language").select_option("en")
    page.get_by_role("button", name="Register the authority").click()
    expect(page.get_by_role("alert")).to_contain_text(
        f"{name} has been registered; {admin['first_name']} {admin['last_name']} will receive "
        "an e-mail with a temporary password in 24 hours."
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def _translate(page, language: str, texts: tuple[str, str, str]) -> None:
    page.get_by_role("link", name=f"Translate into {_language_name(language)}").click()
    page.get_by_label("Title", exact=True).fill(texts[0])
    page.get_by_label("Question Q-01").fill(texts[1])
    page.get_by_label("Question Q-02").fill(texts[2])
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("are saved")).to_be_visible()


def test_running_the_network_story(
    page,
    live_server,
    login_as,
    axe_violations,
    smtp_sink,  # noqa: F811
    run_worker,  # noqa: F811
):
    call_command("load_reference", verbosity=0)
    temporary = _create_operator()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_extra_http_headers({"Accept-Language": "en"})

    # 1. The network administrator logs in for the first time ...
    page.goto(f"{live_server.url}/accounts/login/")
    _start(page, live_server, "operator", temporary)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label(re.compile(r"^New password(?! again)")).fill(PASSWORD)
    page.get_by_label("New password again").fill(PASSWORD)
    page.get_by_role("button", name="Save password").click()
    page.get_by_label(re.compile(r"^New security code(?! again)")).fill(CODE)
    page.get_by_label("New security code again").fill(CODE)
    page.get_by_role("button", name="Save security code and log in").click()
    menu = page.get_by_role("navigation", name="Main menu")
    menu.get_by_role("link", name="Network").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Network")
    _shot(page, "01-network-hub")
    assert axe_violations(page) == []

    # ... creates the legislative area in English, Dutch and German ...
    page.get_by_role("link", name="Legislative areas, keywords and policy areas").click()
    page.get_by_role("link", name="Add a legislative area").click()
    page.get_by_label("Code").fill("posting-of-workers")
    for language, name in AREA_NAMES.items():
        page.locator(f"#id_name_{language}").fill(name)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The legislative area Posting of workers has been created."
    )
    area = LegislativeArea.objects.get(code="posting-of-workers")
    assert {k: area.names.get(k) for k in AREA_NAMES} == AREA_NAMES

    # ... writes a question set in it with two questions in three languages, and publishes it.
    page.goto(f"{live_server.url}/network/")
    page.get_by_role("link", name="Question sets", exact=True).click()
    page.get_by_role("button", name="New question set").click()
    page.get_by_label("Legislative area").select_option(label="Posting of workers")
    page.get_by_label("Code").fill("posting-of-workers")
    page.get_by_label("Title in English").fill(V1["en"][0])
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The question set is saved as a draft.")).to_be_visible()
    for code, answer_type, text in (
        ("Q-01", "Yes or no", V1["en"][1]),
        ("Q-02", "Free text", V1["en"][2]),
    ):
        page.get_by_role("button", name="Add a question").click()
        page.get_by_label("Code").fill(code)
        page.get_by_label(answer_type, exact=True).check()
        page.get_by_label("Question in English").fill(text)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text(f"Question {code} is added.")).to_be_visible()
    for language in ("nl", "de"):
        _translate(page, language, V1[language])
    _shot(page, "02-question-set-draft")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish this question set?")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Version 1 is published")).to_be_visible()
    v1 = QuestionSet.objects.get(family="posting-of-workers", version_number=1)
    assert v1.status == QuestionSet.Status.PUBLISHED

    # 2. The network administrator registers the Dutch national coordinator ...
    page.goto(f"{live_server.url}/network/")
    page.get_by_role("link", name="Register an authority").click()
    page.get_by_label("Country").select_option(label="Netherlands")
    page.get_by_role("button", name="Continue").click()
    assert axe_violations(page) == []
    _register(
        page,
        kind="National IMI coordinator",
        name="Ministerie van Sociale Zaken – nationale IMI-coördinator",
        area="Posting of workers",
        coordinator=None,
        admin={
            "general": "nimic@szw.example.nl",
            "first_name": "Nina",
            "last_name": "de Vries",
            "email": "n.devries@szw.example.nl",
        },
    )
    national = Authority.objects.get(kind=Authority.Kind.NATIONAL_COORDINATOR, country_id="NL")
    nina = User.objects.get(authority=national)

    # ... who logs in with the mailed password and registers Gemeente Bommelerwaard.
    _first_login(
        page, live_server, nina.username, _mailed_password(run_worker, smtp_sink, nina.email)
    )
    page.goto(f"{live_server.url}/network/")
    page.get_by_role("link", name="Register an authority").click()
    _register(
        page,
        kind=None,
        name="Gemeente Bommelerwaard",
        area="Posting of workers",
        coordinator=national.official_name,
        admin={
            "general": "imi@bommelerwaard.example.nl",
            "first_name": "Pieter",
            "last_name": "de Kort",
            "email": "p.dekort@bommelerwaard.example.nl",
        },
    )
    _shot(page, "03-bommelerwaard-registered")
    assert axe_violations(page) == []
    bommelerwaard = Authority.objects.get(official_name="Gemeente Bommelerwaard")
    pieter = User.objects.get(authority=bommelerwaard)

    # Its first local data administrator logs in, checks the authority's data ...
    _first_login(
        page, live_server, pieter.username, _mailed_password(run_worker, smtp_sink, pieter.email)
    )
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Manage authority data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage authority data")
    expect(page.locator("#authority")).to_contain_text("Gemeente Bommelerwaard")
    assert axe_violations(page) == []
    page.get_by_role("link", name=re.compile(r"^Change\s+the Authority tab")).click()
    expect(page.get_by_label("Informal title")).to_have_value("Gemeente Bommelerwaard")
    before = Authority.objects.filter(pk=bommelerwaard.pk).values().get()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("The authority's data has been saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage authority data")
    _shot(page, "04-authority-data-saved-unchanged")
    assert Authority.objects.filter(pk=bommelerwaard.pk).values().get() == before

    # ... and adds a request handler for Posting of workers, who writes in Dutch.
    page.goto(f"{live_server.url}/administration/")
    page.get_by_role("link", name="Manage users").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Add new user").click()
    page.get_by_label("First name").fill("Sanne")
    page.get_by_label("Last name").fill("Verhoeven")
    page.get_by_label("E-mail").fill("s.verhoeven@bommelerwaard.example.nl")
    page.get_by_label("Language", exact=True).select_option("nl")
    page.get_by_role("group", name=re.compile("^Request handler")).get_by_label(
        "Posting of workers"
    ).check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Add user").click()
    sanne = User.objects.get(email="s.verhoeven@bommelerwaard.example.nl")
    expect(page.get_by_role("alert")).to_contain_text(
        f"Sanne Verhoeven has been added with the username {sanne.username}."
    )
    assert RoleGrant.objects.filter(user=sanne, role=Role.REQUEST_HANDLER, area=area).exists()

    # 3. A German authority in the area; its handler sends a request with the new set.
    bonn = Authority.objects.create(
        country_id="DE",
        language_id="de",
        official_name="Hauptzollamt Bonn – Finanzkontrolle Schwarzarbeit",
        informal_title="Zollverwaltung, Finanzkontrolle Schwarzarbeit, Bonn",
        email="fks@hza-bonn.example.de",
        city="Bonn",
    )
    AreaPreferences.objects.create(authority=bonn, area=area)
    requester = UserFactory(
        authority=bonn,
        username="jonas.becker",
        first_name="Jonas",
        last_name="Becker",
        email="j.becker@hza-bonn.example.de",
        language="en",
        roles=[(Role.REQUEST_HANDLER, area)],
    )
    page.context.clear_cookies()
    login_as(requester)
    info_request = _compose_and_send(page, live_server, axe_violations, first=V1["en"])
    assert info_request.question_set_id == v1.pk

    # 4. The Dutch handler logs in (mailed password) and reads the questions in Dutch.
    _first_login(
        page, live_server, sanne.username, _mailed_password(run_worker, smtp_sink, sanne.email)
    )
    page.goto(f"{live_server.url}/requests/{info_request.pk}/")
    for text in V1["nl"][1:]:
        expect(page.get_by_text(text)).to_be_visible()
    _shot(page, "05-request-in-dutch")
    assert axe_violations(page) == []

    # 5. The network administrator makes version 2 with a changed question, and publishes it.
    _login(page, live_server, "operator")
    page.goto(f"{live_server.url}/requests/question-sets/manage/")
    page.get_by_role("link", name=re.compile("Posting of workers")).first.click()
    page.get_by_role("button", name="Make a new version").click()
    expect(page.get_by_text("Version 2 is a draft copy of the published version.")).to_be_visible()
    page.get_by_role("link", name="Change question Q-02").click()
    page.get_by_label("Question in English").fill(V2_SECOND["en"])
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Question Q-02 is saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Posting of workers")
    for language in ("nl", "de"):
        _translate(page, language, (V1[language][0], V1[language][1], V2_SECOND[language]))
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Version 2 is published")).to_be_visible()
    v1.refresh_from_db()
    assert v1.status == QuestionSet.Status.SUPERSEDED

    # The old request still reads version 1 (in Dutch for the Dutch handler) ...
    _login(page, live_server, sanne.username)
    page.goto(f"{live_server.url}/requests/{info_request.pk}/")
    expect(page.get_by_text(V1["nl"][2])).to_be_visible()
    expect(page.get_by_text(V2_SECOND["nl"])).to_have_count(0)

    # ... and the compose page offers version 2 only.
    page.context.clear_cookies()
    login_as(requester)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Compose request").click()
    expect(page.get_by_label(re.compile("Posting of workers"))).to_have_count(1)
    page.get_by_label(re.compile("Posting of workers")).check()
    page.get_by_role("button", name="Start the request").click()
    expect(page.get_by_text(V2_SECOND["en"])).to_be_visible()
    expect(page.get_by_text(V1["en"][2], exact=True)).to_have_count(0)
    _shot(page, "06-compose-offers-version-2")
    draft = InformationRequest.objects.exclude(pk=info_request.pk).get()
    assert draft.question_set.version_number == 2

    # Requests to join and a merger, at the level of the services (see the docstring).
    _join_requests_and_merger(
        page, live_server, nina, national, area, bommelerwaard, sanne, info_request
    )


def _compose_and_send(page, live_server, axe_violations, *, first) -> InformationRequest:
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Compose request").click()
    page.get_by_label(re.compile("Posting of workers")).check()
    page.get_by_role("button", name="Start the request").click()
    page.get_by_label(first[1]).check()
    page.get_by_label(first[2]).check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Name of the service provider").fill("Bouwbedrijf Maas en Waal B.V.")
    page.get_by_label("Town or city").fill("Zaltbommel")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Why do you need this information?").fill(
        "Der Arbeitgeber meldet die Entsendung von zwölf Bauarbeitern nach Bonn."
    )
    page.get_by_label("Language of the text").select_option("de")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Search for the authority").fill("Bommelerwaard")
    page.get_by_label("Gemeente Bommelerwaard (Netherlands)").check()
    page.get_by_role("button", name="Save and continue").click()
    reply_by = timezone.localdate() + dt.timedelta(days=21)
    page.get_by_label("Day").fill(str(reply_by.day))
    page.get_by_label("Month").fill(str(reply_by.month))
    page.get_by_label("Year").fill(str(reply_by.year))
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Check and send")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("The request was sent.")).to_be_visible()
    return InformationRequest.objects.get()


def _join_requests_and_merger(
    page, live_server, nina, national, area, bommelerwaard, sanne, info_request
):
    from openimi.authorities.models import Country
    from openimi.network.services import lifecycle, registration

    netherlands = Country.objects.get(code="NL")
    asked = {}
    for name in ("Gemeente Zaltbommel", "Gemeente Nergenshuizen"):
        asked[name] = registration.join_request_submit(
            country=netherlands,
            language="nl",
            official_name=name,
            informal_title=name,
            kind_of_work="Gemeente",
            street="",
            postal_code="",
            city="",
            email=f"imi@{name.split()[1].lower()}.example.nl",
            phone="",
            website="",
            areas=[area],
            administrator_first_name="Anke",
            administrator_last_name=name.split()[1],
            administrator_email=f"anke@{name.split()[1].lower()}.example.nl",
            administrator_phone="",
        )
    zaltbommel = registration.authority_register(
        actor=nina,
        country=netherlands,
        kind=Authority.Kind.COMPETENT_AUTHORITY,
        official_name="Gemeente Zaltbommel",
        informal_title="Gemeente Zaltbommel",
        language="nl",
        street="",
        postal_code="",
        city="Zaltbommel",
        email="imi@zaltbommel.example.nl",
        phone="",
        website="",
        areas=[(area, national)],
        administrator={
            "first_name": "Anke",
            "last_name": "Zaltbommel",
            "email": "anke@zaltbommel.example.nl",
            "language": "nl",
        },
        join_request=asked["Gemeente Zaltbommel"],
    )
    registration.join_request_decline(
        actor=nina,
        join_request=asked["Gemeente Nergenshuizen"],
        reason="Deze gemeente bestaat niet.",
    )
    statuses = dict(JoinRequest.objects.values_list("official_name", "status"))
    assert statuses == {
        "Gemeente Zaltbommel": JoinRequest.Status.VALIDATED,
        "Gemeente Nergenshuizen": JoinRequest.Status.DECLINED,
    }
    assert AuthorityEvent.objects.filter(
        kind=AuthorityEvent.Kind.JOIN_VALIDATED,
        join_request=asked["Gemeente Zaltbommel"],
        authority=zaltbommel,
    ).exists()
    assert AuthorityEvent.objects.filter(
        kind=AuthorityEvent.Kind.JOIN_DECLINED, join_request=asked["Gemeente Nergenshuizen"]
    ).exists()

    # Bommelerwaard merges into Zaltbommel: its users and its request move.
    lifecycle.authority_merge(authority=bommelerwaard, actor=nina, into=zaltbommel)
    sanne.refresh_from_db()
    assert sanne.authority_id == zaltbommel.pk
    info_request.refresh_from_db()
    assert info_request.responding_authority_id == zaltbommel.pk

    # The directory's search for the old name finds the continuing authority.
    page.goto(f"{live_server.url}/authorities/")
    page.get_by_label("Name, title or description").fill("Bommelerwaard")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#search-results")
    expect(results.get_by_role("link", name="Gemeente Zaltbommel")).to_be_visible()
    expect(results).to_contain_text("1 authority found")
    expect(results).to_contain_text("Formerly Gemeente Bommelerwaard")
    _shot(page, "07-directory-finds-the-continuing-authority")
