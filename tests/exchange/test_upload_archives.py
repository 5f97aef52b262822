"""Issue 16, item 7: a .docx, .xlsx, .odt or .ods upload must be the archive its name says,
with its expected parts, within a bound on its unpacked size and number of entries; any zip
archive no longer passes. The refusal is at the field, in the user's language, and the
compose page keeps the user where they were."""

from __future__ import annotations

import io
import zipfile

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from openimi.common.archives import check_office_archive
from openimi.common.errors import ApplicationError
from openimi.exchange.models import Attachment
from openimi.exchange.workflow import State
from openimi.onboarding import importers

pytestmark = pytest.mark.django_db

ODF_TEXT = "application/vnd.oasis.opendocument.text"
ODF_SHEET = "application/vnd.oasis.opendocument.spreadsheet"


def archive(parts: dict[str, bytes | str], *, mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        if mimetype is not None:  # ODF: first, stored
            zipped.writestr(zipfile.ZipInfo("mimetype"), mimetype, zipfile.ZIP_STORED)
        for name, content in parts.items():
            zipped.writestr(name, content)
    return buffer.getvalue()


def docx() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Uittreksel Kamer van Koophandel")
    document.save(buffer)
    return buffer.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


GOOD = {
    "uittreksel.docx": docx,
    "cijfers.xlsx": xlsx,
    "brief.odt": lambda: archive({"content.xml": "<office/>"}, mimetype=ODF_TEXT),
    "cijfers.ods": lambda: archive({"content.xml": "<office/>"}, mimetype=ODF_SHEET),
}
NOT_THE_TYPE = {
    # Any zip archive with the name of an office file.
    "any.docx": lambda: archive({"notes.txt": "hello"}),
    "any.xlsx": lambda: archive({"notes.txt": "hello"}),
    "any.odt": lambda: archive({"notes.txt": "hello"}),
    "any.ods": lambda: archive({"content.xml": "<sheet/>"}),  # no mimetype
    # The parts of another type.
    "word.xlsx": docx,
    "sheet.docx": xlsx,
    "sheet.odt": lambda: archive({"content.xml": "<office/>"}, mimetype=ODF_SHEET),
    "text.ods": lambda: archive({"content.xml": "<office/>"}, mimetype=ODF_TEXT),
    # A zip's first bytes and then nothing a zip reader understands.
    "damaged.docx": lambda: b"PK\x03\x04" + b"\x00" * 200,
}
NOT_THE_TYPE_MESSAGE = "The file is not a real {kind} document: it may be damaged."


def _upload(client, draft, name: str, content: bytes):
    url = reverse("exchange:compose_step", args=[draft.pk, "attachments"])
    return url, client.post(url, {"file": SimpleUploadedFile(name, content)})


def _field_error(response) -> str:
    document = lxml.html.fromstring(response.content.decode())
    return " ".join(document.xpath("string(//p[@id='id_file_error'])").split())


@pytest.mark.parametrize("name", GOOD)
def test_real_office_files_are_accepted(client, world, make_request, name):
    draft = make_request(State.DRAFT)
    client.force_login(world["handler"])
    url, response = _upload(client, draft, name, GOOD[name]())
    assert response.status_code == 302 and response.url == url
    assert Attachment.objects.filter(info_request=draft, original_name=name).exists()
    assert "The document was added." in client.get(url).content.decode()


@pytest.mark.parametrize("name", NOT_THE_TYPE)
def test_a_zip_that_is_not_the_named_type_is_refused_at_the_field(
    client, world, make_request, name
):
    draft = make_request(State.DRAFT)
    client.force_login(world["handler"])
    _, response = _upload(client, draft, name, NOT_THE_TYPE[name]())
    assert response.status_code == 200
    error = _field_error(response)
    assert "is not a real" in error and "it may be damaged" in error, error
    assert not Attachment.objects.filter(info_request=draft).exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(client, world, make_request, settings):
    # 200 MB of zeros pack into about 200 KB, far under the 10 MB upload limit.
    bomb = archive(
        {
            "[Content_Types].xml": "<Types/>",
            "word/document.xml": b"\0" * (200 * 1024 * 1024),
        }
    )
    assert len(bomb) < settings.EXCHANGE_ATTACHMENT_MAX_BYTES
    draft = make_request(State.DRAFT)
    client.force_login(world["handler"])
    _, response = _upload(client, draft, "bomb.docx", bomb)
    assert response.status_code == 200
    assert _field_error(response) == (
        "Error: The file unpacks to more than 100 MB, which is more than openimi accepts."
    )
    assert not Attachment.objects.filter(info_request=draft).exists()


def test_an_archive_of_too_many_entries_is_refused(client, world, make_request):
    parts: dict[str, bytes | str] = {f"word/media/{n}.xml": "" for n in range(10_001)}
    parts.update({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
    draft = make_request(State.DRAFT)
    client.force_login(world["handler"])
    _, response = _upload(client, draft, "many.docx", archive(parts))
    assert response.status_code == 200
    assert _field_error(response) == (
        "Error: The file holds more than 10000 parts, which is more than openimi accepts."
    )


def test_the_refusal_is_in_the_users_language(client, world, make_request):
    world["handler"].language = "nl"
    world["handler"].save(update_fields=["language"])
    draft = make_request(State.DRAFT)
    client.force_login(world["handler"])
    client.cookies["django_language"] = "nl"
    _, response = _upload(client, draft, "any.docx", NOT_THE_TYPE["any.docx"]())
    assert response.status_code == 200
    assert "is geen echt document van het type Word" in _field_error(response)


def test_declared_sizes_are_not_trusted_alone():
    """A part whose header claims less than it holds fails its check instead of passing."""
    content = bytearray(
        archive({"[Content_Types].xml": "<Types/>", "word/document.xml": "x" * 5000})
    )
    with translation.override("en"), pytest.raises(ApplicationError):
        # Flip a byte of the compressed data: the CRC no longer matches.
        index = content.index(b"word/document.xml") + len("word/document.xml") + 10
        content[index] ^= 0xFF
        check_office_archive(io.BytesIO(bytes(content)), ".docx")


def test_the_rollout_import_refuses_a_zip_bomb():
    bomb = archive(
        {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": b"\0" * (200 * 1024 * 1024)}
    )
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        importers.read_table(name="table.xlsx", content=bomb)
    assert refused.value.field == "file" and refused.value.code == "too_large"
    assert "unpacks to more than 100 MB" in refused.value.message
