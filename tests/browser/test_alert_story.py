"""Issue 22's Done-when, played in the browser by the people of the story.

A Dutch handler of the BIG-register writes a Professional Qualifications alert about a nurse
struck off the register, with the tribunal's decision attached; the Dutch alert coordinator
validates it; the German and the Polish alert coordinators receive it on German and Polish
pages and pass it to an authority each; the German authority reads it; the sender adds new
information, which the coordinator validates, and later proposes closure, which the
coordinator validates; three days after the closure (ALERT_RETENTION_DAYS for these alerts)
the daily retention job removes the nurse, and a search of the whole database and of the file
storage finds no trace of her (``tests/retention/test_lifecycle.py``'s check for requests).

Everyone logs in with the real two-step login (password, then three characters of the security
code), in their browser's language. Every page of the story is checked with axe, and the German
and Polish ones for English interface text (``tests/browser/test_languages.py``'s check: a
message whose translation exists must not appear in English). The e-mails go through the
outbox and the real worker to a real SMTP server; the German coordinator's is in German.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone, translation
from playwright.sync_api import expect

from openimi.accounts.models import Role
from openimi.accounts.security_code import security_code_set
from openimi.alerts import events, services
from openimi.alerts.models import Alert, AlertDistribution, AlertUpdate
from openimi.alerts.workflow import RecipientState, State
from openimi.authorities.models import AreaPreferences, Authority, LegislativeArea
from openimi.common.i18n import country_name
from openimi.notifications.models import OutboxMessage
from openimi.retention.tasks import retention_daily_task
from tests.browser.test_languages import _english_on_page, _english_only, _t
from tests.factories import UserFactory
from tests.notifications.conftest import run_worker  # noqa: F401 - fixture
from tests.retention.test_lifecycle import dump_database, storage_files
from tests.smtp import smtp_sink  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp/openimi-alert-story")
PASSWORD = "Beroepskwalificaties 2005/36"
CODE = "Artikel#56a7"

NURSE = {
    "full_name": "Johanna Wilhelmina Quakernaat",
    "date_of_birth": dt.date(1978, 3, 14),
    "place_of_birth": "Hoogezand-Sappemeer",
    "nationality": "Nederlandse",
    "identifier": "BIG-79035512301",
}
SCOPE = "Doorgehaald in het BIG-register: Quakernaat mag het beroep niet meer uitoefenen."
DESCRIPTION = "Herhaalde medicatiefouten op de afdeling cardiologie, vastgesteld door de inspectie."
NEW_INFORMATION = "Het beroep van mevrouw Quakernaat tegen de doorhaling is verworpen."
CLOSING_REASON = "Quakernaat is overleden; de waarschuwing is niet meer nodig."
DOCUMENT = "uitspraak-tuchtcollege-quakernaat.txt"
DOCUMENT_TEXT = "Uitspraak in de zaak van J.W. Quakernaat, BIG-79035512301."
# What a search of the database and the files must no longer find once the period is over.
TRACES = [
    NURSE["full_name"],
    NURSE["place_of_birth"],
    NURSE["identifier"],
    SCOPE,
    DESCRIPTION,
    NEW_INFORMATION,
    CLOSING_REASON,
    DOCUMENT,
    DOCUMENT_TEXT,
    "Quakernaat",
]
# The date of birth, as the database holds it and as a copy in text would.
BIRTH_DATES = ["datetime.date(1978, 3, 14)", "1978-03-14"]


@pytest.fixture
def story(db, settings, tmp_path):
    """The reference data, the four authorities of the story and the two alert coordinators'
    authorities registered as the network administrator does (``alert_coordinator_set``);
    each person has a password and a security code for the real login."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    call_command("load_reference", verbosity=0)
    pq = LegislativeArea.objects.get(code="professional_qualifications")

    def authority(country, language, name, email, kind=Authority.Kind.COMPETENT_AUTHORITY):
        made = Authority.objects.create(
            country_id=country,
            language_id=language,
            official_name=name,
            informal_title=name,
            email=email,
            kind=kind,
        )
        AreaPreferences.objects.create(authority=made, area=pq)
        return made

    coordinator = Authority.Kind.NATIONAL_COORDINATOR
    big = authority("NL", "nl", "CIBG BIG-register", "imi@big-register.example.nl")
    vws = authority("NL", "nl", "Ministerie van VWS", "imi@minvws.example.nl", coordinator)
    bmg = authority(
        "DE", "de", "Bundesministerium für Gesundheit", "imi@bmg.example.de", coordinator
    )
    mz = authority("PL", "pl", "Ministerstwo Zdrowia", "imi@mz.example.pl", coordinator)
    koeln = authority("DE", "de", "Landesprüfungsamt Köln", "imi@lpa-koeln.example.de")
    nipip = authority("PL", "pl", "Naczelna Izba Pielęgniarek", "imi@nipip.example.pl")

    def person(authority_, username, first, last, language):
        user = UserFactory(
            authority=authority_,
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@{authority_.email.split('@')[1]}",
            language=language,
            roles=[(Role.REQUEST_HANDLER, pq)],
        )
        user.set_password(PASSWORD)
        user.save()
        security_code_set(user=user, code=CODE)
        return user

    admin = UserFactory(
        authority=None, username="operator", roles=[(Role.NETWORK_ADMINISTRATOR, None)]
    )
    for alco in (vws, bmg, mz):
        services.alert_coordinator_set(actor=admin, area=pq, authority=alco)
    return {
        "media": tmp_path / "media",
        "area": pq,
        "koeln": koeln,
        "nipip": nipip,
        "sender": person(big, "anouk.visser", "Anouk", "Visser", "nl"),
        "nl_alco": person(vws, "bram.de.groot", "Bram", "de Groot", "nl"),
        "de_alco": person(bmg, "katrin.becker", "Katrin", "Becker", "de"),
        "pl_alco": person(mz, "tomasz.zielinski", "Tomasz", "Zieliński", "pl"),
        "de_reader": person(koeln, "jonas.hoffmann", "Jonas", "Hoffmann", "de"),
    }


class Story:
    """The browser, and what every page of the story is checked for."""

    def __init__(self, page, live_server, axe_violations):
        self.page, self.url, self.axe = page, live_server.url, axe_violations
        self.language = "en"
        self.english: dict[str, tuple] = {}
        self.problems: dict[str, list[str]] = {}

    def t(self, message: str) -> str:
        """The interface text in the current person's language (the catalogue's, so the
        story follows the translations as they come)."""
        return _t(self.language, message)

    def log_in(self, user) -> None:
        """The real login, in the browser's language (the person's own)."""
        page, self.language = self.page, user.language
        page.context.clear_cookies()
        page.set_extra_http_headers({"Accept-Language": self.language})
        page.goto(f"{self.url}/accounts/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name=self.t("Continue")).click()
        boxes = page.locator("input[id^=id_character]")
        expect(boxes).to_have_count(3)
        for index in range(3):
            box = boxes.nth(index)
            label = page.locator(f"label[for='{box.get_attribute('id')}']").inner_text()
            box.fill(CODE[int(re.search(r"\d+", label).group()) - 1])
        page.get_by_role("button", name=self.t("Log in")).click()
        expect(page.get_by_role("navigation", name=self.t("Main menu"))).to_be_visible()

    def look(self, name: str) -> None:
        """axe on the page, English on a page in another language, and a screenshot."""
        page = self.page
        expect(page.locator("html")).to_have_attribute("lang", self.language)
        violations = self.axe(page)
        if violations:
            self.problems[f"{name}: axe"] = violations
        if self.language != "en":
            if self.language not in self.english:
                self.english[self.language] = _english_only(self.language)
            leaks = _english_on_page(page, self.language, self.english[self.language])
            if leaks:
                self.problems[f"{name}: English on a {self.language} page"] = leaks
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def field(self, label: str, *, context: str | None = None):
        """The field whose label starts with ``label`` (a label may carry a hint); ``context``:
        the label's msgctxt, when it has one."""
        if context is not None:
            with translation.override(self.language):
                text = translation.pgettext(context, label)
        else:
            text = self.t(label)
        return self.page.get_by_label(re.compile("^" + re.escape(text)))

    def button(self, name: str):
        return self.page.get_by_role("main").get_by_role("button", name=self.t(name), exact=True)

    def confirmation(self, message: str, **values) -> None:
        text = self.t(message) % values if values else self.t(message)
        expect(self.page.get_by_role("alert")).to_contain_text(text)

    def alerts(self) -> None:
        """The list of alerts, through the main menu."""
        menu = self.page.get_by_role("navigation", name=self.t("Main menu"))
        menu.get_by_role("link", name=self.t("Alerts")).click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text(self.t("Alerts"))

    def open_alert(self, alert: Alert, name: str) -> None:
        """From the list of alerts (looked at as ``name``-list) to the alert, as the person
        finds it."""
        page = self.page
        self.alerts()
        self.look(f"{name}-list")
        page.get_by_role("link", name=alert.reference).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(alert.reference)


def test_the_alert_story(
    page,
    live_server,
    axe_violations,
    story,
    smtp_sink,  # noqa: F811
    run_worker,  # noqa: F811
):
    s = Story(page, live_server, axe_violations)
    page.set_viewport_size({"width": 1280, "height": 900})

    # 1. The Dutch handler writes the alert about the nurse, attaches the decision, submits.
    s.log_in(story["sender"])
    s.alerts()
    s.look("01-sender-list")
    page.get_by_role("link", name=s.t("Write an alert")).click()
    page.get_by_label(s.t("Health professional restricted or banned from practising")).check()
    s.look("02-kind")
    s.button("Continue").click()
    s.field("Full name of the professional").fill(NURSE["full_name"])
    s.field("Date of birth").fill(NURSE["date_of_birth"].isoformat())
    s.field("Place of birth").fill(NURSE["place_of_birth"])
    s.field("Nationality").fill(NURSE["nationality"])
    s.field("Registration or identity number").fill(NURSE["identifier"])
    s.field("Profession").fill("Verpleegkundige (nurse)")
    s.field("Authority or court that decided the restriction").fill(
        "Regionaal Tuchtcollege voor de Gezondheidszorg Groningen"
    )
    decided = timezone.localdate() - dt.timedelta(days=1)
    s.field("Date of the decision").fill(decided.isoformat())
    s.field("Scope of the restriction").fill(SCOPE)
    s.field("Restriction applies from").fill(decided.isoformat())
    s.field("Further information", context="alert field").fill(DESCRIPTION)
    s.field("Language of the texts").select_option("nl")
    s.look("03-form")
    s.button("Save the draft").click()
    alert = Alert.objects.get()
    s.confirmation(
        "Draft alert %(reference)s saved. Add documents, then submit it for validation.",
        reference=alert.reference,
    )
    page.get_by_label(s.t("Add a document")).set_input_files(
        {"name": DOCUMENT, "mimeType": "text/plain", "buffer": DOCUMENT_TEXT.encode()}
    )
    s.button("Upload the document").click()
    expect(page.get_by_role("link", name=DOCUMENT)).to_be_visible()
    s.look("04-draft")
    s.button("Submit for validation").click()
    s.confirmation(
        "Alert %(reference)s was submitted to your alert coordinator for validation.",
        reference=alert.reference,
    )
    s.look("05-submitted")
    alert.refresh_from_db()
    assert alert.status == State.AWAITING_VALIDATION

    # 2. The Dutch alert coordinator validates it: it leaves for Germany and Poland.
    s.log_in(story["nl_alco"])
    s.open_alert(alert, "06-to-validate")
    expect(page.get_by_text(NURSE["full_name"])).to_be_visible()
    s.look("06-to-validate")
    s.button("Validate and send").click()
    s.confirmation("The alert was validated and sent to the countries it warns.")
    alert.refresh_from_db()
    assert alert.status == State.SENT
    assert sorted(alert.recipients.values_list("country_id", flat=True)) == ["DE", "PL"]

    # 3. The German and the Polish alert coordinators receive it on pages in their language
    # and pass it to an authority each.
    for alco, authority, name in (
        (story["de_alco"], story["koeln"], "de"),
        (story["pl_alco"], story["nipip"], "pl"),
    ):
        s.log_in(alco)
        s.alerts()
        s.look(f"07-{name}-received-list")
        page.get_by_role("link", name=alert.reference).click()
        expect(page.get_by_text(NURSE["full_name"])).to_be_visible()
        # The sender's text keeps its language, marked for screen readers.
        expect(page.locator("main [lang=nl]", has_text=SCOPE)).to_be_visible()
        s.look(f"08-{name}-received")
        page.get_by_role("link", name=s.t("Pass to competent authorities")).click()
        page.get_by_label(str(authority)).check()
        s.look(f"09-{name}-distribute")
        s.button("Pass the alert on").click()
        s.confirmation("The alert was passed to the authorities you chose.")
        recipient = alert.recipients.get(country_id=alco.authority.country_id)
        assert recipient.status == RecipientState.DISTRIBUTED
        assert list(recipient.distributions.values_list("authority", flat=True)) == [authority.pk]

    # 4. The German authority reads it; the German coordinator sees that it was read.
    s.log_in(story["de_reader"])
    s.open_alert(alert, "10-de-authority-reads")
    expect(page.get_by_text(NURSE["full_name"])).to_be_visible()
    expect(page.get_by_role("link", name=DOCUMENT)).to_be_visible()
    s.look("10-de-authority-reads")
    reading = AlertDistribution.objects.get(authority=story["koeln"])
    assert reading.first_read_by == story["de_reader"]
    # Every showing of the nurse is in the access log.
    assert alert.events.filter(code=events.PERSONAL_DATA_VIEWED, actor=story["de_reader"]).exists()
    s.log_in(story["de_alco"])
    s.open_alert(alert, "11-de-coordinator-sees-it-read")
    # "read on <date>" (``_t`` capitalises a message it finds only in lower case).
    read_on = s.t("read on %(date)s").split("%(date)s")[0].strip()
    expect(
        page.get_by_role("row", name=re.compile("^" + country_name("DE", "de")))
    ).to_contain_text(re.compile(f"Landesprüfungsamt Köln – {re.escape(read_on)} ", re.I))
    s.look("11-de-coordinator-sees-it-read")

    # 5. The sender adds new information; the coordinator validates it; the German authority
    # reads it.
    s.log_in(story["sender"])
    s.open_alert(alert, "12-sender-sent")
    s.look("12-sender-sent")
    page.get_by_role("link", name=s.t("Add new information")).click()
    s.field("New information").fill(NEW_INFORMATION)
    s.field("Language of the text").select_option("nl")
    s.look("13-new-information")
    s.button("Add new information").click()
    s.confirmation("The new information waits for your alert coordinator's validation.")
    s.log_in(story["nl_alco"])
    s.open_alert(alert, "14-update-to-validate")
    expect(page.get_by_text(NEW_INFORMATION)).to_be_visible()
    s.look("14-update-to-validate")
    page.get_by_role(
        "button", name=f"{s.t('Validate and send')} – {s.t('new information')}"
    ).click()
    s.confirmation("The new information was validated and sent to the countries.")
    assert alert.updates.get().status == AlertUpdate.Status.VALIDATED
    s.log_in(story["de_reader"])
    s.open_alert(alert, "15-de-authority-update")
    expect(page.locator("main [lang=nl]", has_text=NEW_INFORMATION)).to_be_visible()
    s.look("15-de-authority-update")

    # 6. Later the sender proposes to close the alert; the coordinator closes it.
    s.log_in(story["sender"])
    s.open_alert(alert, "16-propose-closure")
    page.get_by_role("link", name=s.t("Propose to close the alert")).click()
    s.field("Why can the alert be closed?").fill(CLOSING_REASON)
    s.field("Language of the text").select_option("nl")
    s.look("16-propose-closure")
    s.button("Propose to close the alert").click()
    s.confirmation("The proposal to close waits for your alert coordinator's validation.")
    s.log_in(story["nl_alco"])
    s.open_alert(alert, "17-closure-to-validate")
    s.look("17-closure-to-validate")
    s.button("Close the alert").click()
    s.confirmation("The alert was closed.")
    alert.refresh_from_db()
    assert alert.status == State.CLOSED

    assert s.problems == {}

    # 7. The e-mails: the real worker delivers the outbox to the real SMTP server, each in its
    # recipient's language, none naming the nurse; the German coordinator's is German (the
    # country and the area by their German names, the interface text from the catalogue).
    run_worker()
    assert OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).count() == 0
    mails = {
        address: d.message.get_body(preferencelist=("plain",)).get_content()
        for d in smtp_sink.deliveries
        for address in d.rcpt_tos
    }
    assert {
        "katrin.becker@bmg.example.de",
        "tomasz.zielinski@mz.example.pl",
        "bram.de.groot@minvws.example.nl",
    } <= set(mails)
    assert [address for address, body in mails.items() if "Quakernaat" in body] == []
    german = mails["katrin.becker@bmg.example.de"]
    assert country_name("NL", "de") in german and "Niederlande" in german
    assert story["area"].names["de"] in german
    assert _t("de", "Open the alert") in german
    assert set(
        OutboxMessage.objects.filter(recipient_email="katrin.becker@bmg.example.de").values_list(
            "language", flat=True
        )
    ) == {"de"}
    polish = mails["tomasz.zielinski@mz.example.pl"]
    assert country_name("NL", "pl") in polish and story["area"].names["pl"] in polish

    # 8. Three days after the closure the daily retention job removes the nurse: a search of
    # the whole database and of the file storage finds none of her.
    dump = dump_database()
    # The search does find her before: in the rows, and the decision in the file storage.
    assert [trace for trace in TRACES if trace not in dump] == [DOCUMENT_TEXT]
    assert BIRTH_DATES[0] in dump
    media = story["media"]
    assert [content.decode() for content in storage_files(media).values()] == [DOCUMENT_TEXT]
    with time_machine.travel(alert.closed_at + dt.timedelta(days=3, hours=-1), tick=False):
        retention_daily_task.call()
    assert Alert.objects.get(pk=alert.pk).personal_data_removed_at is None
    with time_machine.travel(alert.closed_at + dt.timedelta(days=3, hours=1), tick=True):
        retention_daily_task.call()
        dump = dump_database()
        assert [trace for trace in [*TRACES, *BIRTH_DATES] if trace in dump] == []
        assert storage_files(media) == {}
        alert.refresh_from_db()
        assert alert.status == State.CLOSED and alert.personal_data_removed_at
        # What the German authority now finds: the alert's skeleton, not the nurse.
        s.log_in(story["de_reader"])
        s.open_alert(alert, "18-after-retention")
        expect(page.get_by_role("main")).not_to_contain_text("Quakernaat")
        expect(page.get_by_text(s.t("Personal data removed (retention period)"))).to_be_visible()
        s.look("18-after-retention")
    assert s.problems == {}
