"""The Word documents, opened with python-docx: what each holds, in the reader's language."""

import io

import pytest
from docx import Document

from openimi.exchange import events
from openimi.exchange.models import RequestEvent
from openimi.exchange.workflow import State
from openimi.reports import documents
from tests.exchange.conftest import JUSTIFICATION, PROVIDER_EMAIL, PROVIDER_NAME
from tests.reports.conftest import docx_footer_xml, docx_text

pytestmark = pytest.mark.django_db


def _audits(info_request):
    return RequestEvent.objects.filter(
        info_request=info_request, code=events.PERSONAL_DATA_VIEWED
    ).count()


def test_full_report_holds_everything_and_is_recorded(world, make_request):
    info_request = make_request(State.CLOSED)
    handler = world["handler"]
    content = documents.full_report(info_request=info_request, actor=handler, language="en")
    text = docx_text(content)
    assert "Full report with personal data" in text
    assert f"Information request {info_request.pk}" in text
    # authorities, dates
    assert "Gemeente Oeteldonk" in text and "Gewerbeamt der Stadt Köln" in text
    assert "Requested reply date" in text and "Sent" in text and "Ended" in text
    # the provider's personal data
    assert PROVIDER_NAME in text and PROVIDER_EMAIL in text and "Den Bosch" in text
    # every question and its answer in the reader's language, free text in the original
    for question in ("Is it registered?", "Any sanctions?", "Legal form?", "Since when?"):
        assert question in text
    assert "Private company" in text and "Unknown" in text
    assert "Building work." in text and "Answer (original text, English)" in text
    assert JUSTIFICATION in text
    # documents listed and the timeline
    assert "answer.pdf" in text
    assert "Answer accepted; request closed" in text and "Accepted" in text
    assert _audits(info_request) == 1


def test_full_report_in_dutch(world, make_request):
    info_request = make_request(State.ANSWERED)
    content = documents.full_report(
        info_request=info_request, actor=world["handler"], language="nl"
    )
    text = docx_text(content)
    assert "Is het ingeschreven?" in text
    assert "BV" in text
    assert Document(io.BytesIO(content)).core_properties.language == "nl"


def test_practice_request_says_fictitious(world, make_request):
    info_request = make_request(State.DRAFT, practice=True)
    text = docx_text(
        documents.full_report(info_request=info_request, actor=world["handler"], language="en")
    )
    assert "FICTITIOUS" in text


def test_every_document_numbers_its_pages(world, make_request):
    info_request = make_request(State.DRAFT)
    for content in (
        documents.full_report(info_request=info_request, actor=world["handler"], language="en"),
        documents.consent_statement(
            info_request=info_request, actor=world["handler"], language="en"
        ),
        documents.user_details(user=world["handler"], actor=world["lda"], language="en"),
    ):
        footer = docx_footer_xml(content)
        assert " PAGE " in footer and " NUMPAGES " in footer
        assert "Page" in footer
        document = Document(io.BytesIO(content))
        assert any(p.style.name.startswith("Heading") for p in document.paragraphs)
        assert document.tables


def test_consent_statement_is_prefilled(world, make_request):
    info_request = make_request(State.DRAFT)
    content = documents.consent_statement(
        info_request=info_request, actor=world["handler"], language="en"
    )
    text = docx_text(content)
    assert "Consent statement of the data subject" in text
    assert PROVIDER_NAME in text
    assert "Gemeente Oeteldonk" in text  # the requesting authority
    assert "Gewerbeamt der Stadt Köln" in text  # the authority asked
    assert "Signature" in text and "Date" in text
    assert _audits(info_request) == 1


def test_user_details_hold_no_password(world, lda):
    from openimi.accounts.users import services as user_services

    new = user_services.user_create(
        actor=lda,
        authority=lda.authority,
        first_name="Bram",
        last_name="Pauwels",
        language="nl",
        email="b.pauwels@oeteldonk.nl",
        phone="",
        roles=[("request_handler", world.area)],
    )
    content = documents.user_details(user=new, actor=lda, language="en")
    text = docx_text(content)
    assert "Bram Pauwels" in text
    assert "bram.pauwels" in text
    assert "Gemeente Oeteldonk" in text
    assert "Request handler: Services" in text and "Basic user" in text
    assert "Password" not in text.replace("password;", "").replace("temporary password", "")
    # Nothing in the file could be the password: no hash, no secret in any part.
    raw = content.decode("latin-1")
    assert new.password not in raw
    assert "pbkdf2" not in raw and "argon2" not in raw


# --- issue 15, item 17: what an archive needs -----------------------------------------------


def test_full_report_holds_the_mediation_and_the_contact_persons(world, make_request):
    from openimi.accounts.models import User
    from openimi.exchange import services

    info_request = make_request(State.ANSWERED, referred=True)
    services.mediation_post(
        info_request=info_request,
        actor=world["coord_handler"],
        text="Please answer by Friday; I asked Köln.",
        language="en",
    )
    User.objects.filter(pk=world["handler"].pk).update(phone="+31 73 615 5555")
    User.objects.filter(pk=world["resp_handler"].pk).update(phone="+49 221 2210")
    text = docx_text(
        documents.full_report(info_request=info_request, actor=world["supervisor"], language="en")
    )
    assert "Mediation by the coordinator" in text
    assert "No answer yet." in text  # the referral, the thread's first message
    assert "Please answer by Friday; I asked Köln." in text
    assert "Contact persons" in text
    for who, phone in (("handler", "+31 73 615 5555"), ("resp_handler", "+49 221 2210")):
        user = world[who]
        assert user.get_full_name() in text and user.email in text and phone in text
    # each authority's general address too
    assert world.requesting.email in text and world.responding.email in text


def test_full_report_without_mediation_says_nothing_of_it(world, make_request):
    info_request = make_request(State.ACCEPTED)
    text = docx_text(
        documents.full_report(info_request=info_request, actor=world["handler"], language="en")
    )
    assert "Mediation by the coordinator" not in text
    assert "Contact persons" in text


def _three_documents(world, make_request):
    info_request = make_request(State.ACCEPTED)
    handler, lda = world["handler"], world["lda"]
    return [
        (
            documents.full_report(info_request=info_request, actor=handler, language="nl"),
            "Volledig rapport met persoonlijke gegevens",
            handler,
        ),
        (
            documents.consent_statement(info_request=info_request, actor=handler, language="nl"),
            "Instemmingsverklaring van de betrokkene",
            handler,
        ),
        (
            documents.user_details(user=world["handler2"], actor=lda, language="nl"),
            "Gebruikersgegevens",
            lda,
        ),
    ]


def test_every_document_carries_todays_date_a_title_and_its_author(world, make_request):
    from django.utils import timezone

    before = timezone.now().replace(microsecond=0)
    for content, title, author in _three_documents(world, make_request):
        properties = Document(io.BytesIO(content)).core_properties
        assert properties.title == title
        assert properties.author == author.get_full_name()
        assert properties.last_modified_by == author.get_full_name()
        assert properties.language == "nl"
        assert before <= properties.created <= timezone.now()
        assert before <= properties.modified <= timezone.now()
        assert properties.revision == 1


def test_every_document_uses_one_font_family_throughout(world, make_request):
    """No theme fonts (Calibri, Cambria, …), no Symbol bullets, no Courier: every font named
    anywhere in the file is the report font."""
    import re
    import zipfile

    from openimi.reports.docx_layout import FONT

    for content, _title, _author in _three_documents(world, make_request):
        names = set()
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for part in archive.namelist():
                if not part.endswith(".xml") or part.endswith("fontTable.xml"):
                    continue
                xml = archive.read(part).decode("utf-8")
                for fonts in re.findall(r"<w:rFonts\b[^>]*>", xml):
                    assert "Theme=" not in fonts and "cstheme=" not in fonts, (part, fonts)
                    names |= set(re.findall(r'w:(?:ascii|hAnsi|eastAsia|cs)="([^"]*)"', fonts))
                assert "\uf0b7" not in xml, part  # a Symbol-font bullet
        assert names == {FONT}


def test_user_details_without_an_actor_name_openimi_as_author(world):
    content = documents.user_details(user=world["handler2"], language="en")
    assert Document(io.BytesIO(content)).core_properties.author == "openimi"
