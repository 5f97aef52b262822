"""Issue 15, item 2: whatever text is stored, every report is written, and keeps every
character a reader can see.

Form feed, bell or ESC pasted from a PDF used to be stored and then made every Word report
(and its PDF) fail with "All strings must be XML compatible". Input now refuses them, but
text stored before that (or by an import) must still print: the report is the authority's
only archive before the personal data is deleted. Hypothesis feeds arbitrary text, control
characters included, through every stored field each report prints.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import CharField
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from openimi.accounts.models import User
from openimi.authorities.models import Authority
from openimi.exchange.models import (
    Answer,
    Attachment,
    InformationRequest,
    MediationMessage,
    PersonalData,
    Question,
    RequestMessage,
)
from openimi.exchange.workflow import State
from openimi.reports import documents, pdf
from openimi.reports.docx_layout import Report
from tests.reports.conftest import docx_text

pytestmark = pytest.mark.django_db

# Every C0 control character, DEL and the C1 controls, the two non-characters XML refuses,
# and the line and paragraph separators: what PDFs, terminals and old systems paste.
CONTROLS = [chr(c) for c in range(0x20)] + ["\x7f", "\x85", "\x9b", "\ufffe", "\uffff"]
WILD = st.text(
    alphabet=st.one_of(
        st.sampled_from(CONTROLS),
        st.characters(codec="utf-8"),  # every script; no lone surrogates (no database takes them)
        st.sampled_from("Øßçéł中文العربيةΕλληνικά"),
    ),
    max_size=60,
)
LONG = "Ünïcødé – 中文 – \x0c\x07\x1b[0m " * 400  # 10,000+ characters with controls inside

_UNSEEN = {"\ufffe", "\uffff"}


def seen(text: str) -> str:
    """What a reader sees of ``text``: no control characters, no white space, no
    non-characters. The report may turn those into spaces or line breaks; never lose the rest."""
    return "".join(
        c
        for c in text
        if unicodedata.category(c) not in ("Cc", "Cs") and not c.isspace() and c not in _UNSEEN
    )


def storable(text: str) -> str:
    """PostgreSQL refuses NUL in text; every other character is stored as it is."""
    return text.replace("\x00", "") if connection.vendor == "postgresql" else text


def _limit(model, name: str, value: str) -> str:
    field = model._meta.get_field(name)
    return value[: field.max_length] if isinstance(field, CharField) else value


def _store(model, pk: int, tagged: dict[str, str], **lookup) -> dict[str, str]:
    """Write the values (each cut to its column) with an UPDATE: stored text, as an old row or
    an import left it; returns what was written."""
    values = {name: _limit(model, name, storable(value)) for name, value in tagged.items()}
    model.objects.filter(pk=pk, **lookup).update(**values)
    return values


def _store_one(model, pk: int, name: str, value: str) -> str:
    return _store(model, pk, {name: value})[name]


def _assert_kept(values: dict[str, str], text: str) -> None:
    shown = seen(text)
    for name, value in values.items():
        assert seen(value) in shown, f"{name}: {value!r} lost in the report"


@pytest.fixture
def full_world(world, make_request):
    """A closed request with everything a report prints: personal data, justification,
    answers of every type, a document, a note, a mediation message."""
    info_request = make_request(State.CLOSED, referred=True, attachment=True)
    return world, info_request


def _fill(world, info_request: InformationRequest, text: str) -> dict[str, str]:
    """Put ``text`` (tagged per field, so each must show on its own) in every stored text a
    request report prints; returns the values written."""
    written: dict[str, str] = {}
    personal = PersonalData.objects.get(info_request=info_request)
    text_fields = [
        name
        for name in PersonalData.data_fields()
        if isinstance(PersonalData._meta.get_field(name), CharField) or name == "other_details"
    ]
    written |= {
        f"personal.{k}": v
        for k, v in _store(
            PersonalData, personal.pk, {name: f"{name[:3]}§{text}" for name in text_fields}
        ).items()
    }
    written |= _store(InformationRequest, info_request.pk, {"justification": f"just§{text}"})
    for answer in Answer.objects.filter(request_question__info_request=info_request).select_related(
        "request_question__question"
    ):
        kind = answer.request_question.question.answer_type
        if kind == Question.AnswerType.FREE_TEXT:
            written[f"answer.{answer.pk}.free_text"] = _store_one(
                Answer, answer.pk, "free_text", f"ftx§{text}"
            )
        elif kind != Question.AnswerType.DOCUMENT:
            # A stored value no choice, date or yes/no knows: printed as it is.
            written[f"answer.{answer.pk}.value"] = _store_one(
                Answer, answer.pk, "value", f"val{answer.pk}§{text}"
            )
    for attachment in Attachment.objects.filter(info_request=info_request):
        written[f"attachment.{attachment.pk}"] = _store_one(
            Attachment, attachment.pk, "original_name", f"doc{attachment.pk}§{text}"
        )
    for message in RequestMessage.objects.filter(info_request=info_request):
        written[f"note.{message.pk}"] = _store_one(
            RequestMessage, message.pk, "text", f"note{message.pk}§{text}"
        )
    # The mediation thread and the contact persons (item 17).
    for message in MediationMessage.objects.filter(info_request=info_request):
        written[f"mediation.{message.pk}"] = _store_one(
            MediationMessage, message.pk, "text", f"med{message.pk}§{text}"
        )
    for who in ("handler", "resp_handler"):
        written[f"{who}.phone"] = _store_one(User, world[who].pk, "phone", f"{who}§{text}")
    for authority in (world.requesting, world.responding):
        written[f"authority.{authority.pk}.phone"] = _store_one(
            Authority, authority.pk, "phone", f"tel{authority.pk}§{text}"
        )
    # The consent statement prints the requesting authority's address.
    _store(Authority, world.requesting.pk, {"street": f"str§{text}", "city": f"cty§{text}"})
    return written


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=WILD)
@example(text=LONG)
@example(text="Jansen\x0cBouw\x07B.V.\x1b[1m\x00\x0b\x08\r\n\t")
def test_request_reports_print_any_stored_text(full_world, text):
    world, info_request = full_world
    written = _fill(world, info_request, text)
    info_request = InformationRequest.objects.get(pk=info_request.pk)
    full = docx_text(
        # A supervisor: reads the personal data and the mediation thread.
        documents.full_report(info_request=info_request, actor=world["supervisor"], language="en")
    )
    assert "Mediation by the coordinator" in full
    _assert_kept(written, full)
    consent = docx_text(
        documents.consent_statement(
            info_request=info_request, actor=world["handler"], language="nl"
        )
    )
    address = Authority.objects.values("street", "city").get(pk=world.requesting.pk)
    _assert_kept(
        {k: v for k, v in written.items() if k in {"personal.provider_name", "personal.email"}}
        | address,
        consent,
    )


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=WILD)
@example(text=LONG)
@example(text="Bram\x0cPauwels\x07\x1b[1m\x00")
def test_user_details_print_any_stored_text(world, text):
    user = world["handler2"]
    written = _store(
        User,
        user.pk,
        {
            "first_name": f"fn§{text}",
            "last_name": f"ln§{text}",
            "email": f"em§{text}",
            "phone": f"tel§{text}",
        },
    )
    written |= _store(Authority, user.authority_id, {"official_name": f"auth§{text}"})
    user = User.objects.select_related("authority").get(pk=user.pk)
    shown = docx_text(documents.user_details(user=user, actor=world["lda"], language="en"))
    _assert_kept(written, shown)


@given(
    text=st.text(
        alphabet=st.one_of(st.sampled_from(CONTROLS), st.characters(codec=None)), max_size=80
    )
)
@settings(max_examples=60, deadline=None)
@example(text="\ud800 lone surrogate \udfff and NUL \x00")
def test_every_block_of_the_layout_takes_any_text(text):
    """The one place text enters python-docx takes any Python string, lone surrogates and NUL
    included, in every kind of block and in the document's properties."""
    report = Report(title=f"T{text}", language="en", author=f"A{text}", subtitle=f"S{text}")
    report.heading(f"H{text}")
    report.heading(f"H2{text}", level=2)
    report.paragraph(f"P{text}", grey=True, lang="nl")
    report.warning(f"W{text}")
    report.bullets([f"B{text}"])
    report.facts([(f"L{text}", f"V{text}")])
    report.table([f"C{text}"], [[f"R{text}"]])
    report.signature_lines([f"G{text}"])
    shown = docx_text(report.bytes())
    for tag in "TSHPWBLVCRG":
        assert seen(f"{tag}{text}".encode("utf-8", "ignore").decode()) in seen(shown)


_PDF_TOOLS = shutil.which("libreoffice") and shutil.which("pdftotext")


def _pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory(prefix="openimi-pdftext-") as work:
        source = Path(work) / "report.pdf"
        source.write_bytes(content)
        return subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["pdftotext", "-enc", "UTF-8", str(source), "-"],  # noqa: S607
            check=True,
            capture_output=True,
            text=True,
        ).stdout


@pytest.mark.skipif(
    not _PDF_TOOLS,
    reason="LibreOffice and pdftotext are not installed "
    "(apt-get install libreoffice-writer-nogui poppler-utils)",
)
@settings(
    max_examples=1,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=WILD)
@example(text="Jansen\x0cBouw\x07B.V.\x1b[1m\x00\x0b\x08")
def test_pdf_of_every_report_with_any_stored_text(full_world, text):
    world, info_request = full_world
    _fill(world, info_request, text)
    _store(User, world["handler2"].pk, {"first_name": f"fn§{text}"})
    info_request = InformationRequest.objects.get(pk=info_request.pk)
    user = User.objects.select_related("authority").get(pk=world["handler2"].pk)
    for content in (
        documents.full_report(info_request=info_request, actor=world["handler"], language="en"),
        documents.consent_statement(
            info_request=info_request, actor=world["handler"], language="en"
        ),
        documents.user_details(user=user, actor=world["lda"], language="en"),
    ):
        made = pdf.docx_to_pdf(content)
        assert made.startswith(b"%PDF")
        words = _pdf_text(made)
        assert "§" in words  # the tagged stored values are there
