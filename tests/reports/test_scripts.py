"""Greek and Cyrillic in a Word report: the report's one font has their glyphs, so the PDF
LibreOffice makes of it embeds that font alone (no other font stood in for a character)."""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from openimi.exchange.models import InformationRequest, PersonalData
from openimi.exchange.workflow import State
from openimi.reports import documents, pdf
from openimi.reports.docx_layout import FONT
from tests.reports.conftest import docx_text

pytestmark = pytest.mark.django_db

GREEK = "Η επιχείρηση ζητά άδεια λειτουργίας στην Αθήνα."
CYRILLIC = "Строителна фирма „Иванов“ ЕООД"


def _fonts(pdf_content: bytes) -> set[str]:
    with tempfile.TemporaryDirectory(prefix="openimi-pdffonts-") as work:
        source = Path(work) / "report.pdf"
        source.write_bytes(pdf_content)
        listed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["pdffonts", str(source)],  # noqa: S607
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    # "ABCDEF+LiberationSans-Bold  CID TrueType ..." after two header lines.
    return {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in listed.splitlines()[2:]}


@pytest.mark.skipif(
    not (shutil.which("libreoffice") and shutil.which("pdffonts") and shutil.which("fc-list")),
    reason="apt-get install libreoffice-writer-nogui poppler-utils fontconfig",
)
def test_a_report_in_greek_and_cyrillic_needs_no_other_font(world, make_request):
    covering = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        ["fc-list", ":lang=el:lang=bg", "family"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert FONT in {name for line in covering.splitlines() for name in line.split(",")}
    info_request = make_request(State.ACCEPTED)
    InformationRequest.objects.filter(pk=info_request.pk).update(
        justification=GREEK, justification_language="el"
    )
    PersonalData.objects.filter(info_request=info_request).update(provider_name=CYRILLIC)
    info_request = InformationRequest.objects.get(pk=info_request.pk)
    content = documents.full_report(
        info_request=info_request, actor=world["handler"], language="en"
    )
    assert GREEK in docx_text(content) and CYRILLIC in docx_text(content)
    made = pdf.docx_to_pdf(content)
    family = FONT.replace(" ", "")
    assert {name.split("-")[0] for name in _fonts(made)} == {family}
