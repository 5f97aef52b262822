"""What the compose pages and the API accept: a date of birth up to today, attachments of
exactly the types the hint names (spreadsheets too)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from openimi.api import tokens
from openimi.exchange.files import accepted_extensions
from openimi.exchange.models import Attachment, PersonalData
from openimi.exchange.workflow import State

FUTURE_MESSAGE = "The date of birth must be today or in the past."


def _provider(client, draft, date_of_birth: str):
    return client.post(
        reverse("exchange:compose_step", args=[draft.pk, "provider"]),
        {"provider_name": "Jan Jansen", "date_of_birth": date_of_birth},
    )


def _field_error(response, name: str) -> str:
    document = lxml.html.fromstring(response.content.decode())
    return document.xpath(f"string(//p[@id='id_{name}_error'])")


class TestDateOfBirth:
    def test_a_date_in_the_future_is_refused_at_the_field(self, client, world, make_request):
        draft = make_request(State.DRAFT)
        client.force_login(world["handler"])
        tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
        response = _provider(client, draft, tomorrow)
        assert response.status_code == 200
        assert FUTURE_MESSAGE in _field_error(response, "date_of_birth")
        document = lxml.html.fromstring(response.content.decode())
        assert document.xpath("//input[@name='date_of_birth']/@value") == [tomorrow]
        assert PersonalData.objects.get(info_request=draft).date_of_birth is None

    def test_today_is_accepted_and_the_picker_offers_no_later_date(
        self, client, world, make_request
    ):
        draft = make_request(State.DRAFT)
        client.force_login(world["handler"])
        today = timezone.localdate()
        page = client.get(reverse("exchange:compose_step", args=[draft.pk, "provider"]))
        document = lxml.html.fromstring(page.content.decode())
        assert document.xpath("//input[@name='date_of_birth']/@max") == [today.isoformat()]
        response = _provider(client, draft, today.isoformat())
        assert response.status_code == 302
        assert PersonalData.objects.get(info_request=draft).date_of_birth == today

    def test_the_api_refuses_a_date_in_the_future(self, world, make_request):
        draft = make_request(State.DRAFT)
        client = APIClient()
        token = tokens.token_create(actor=world["handler"], user=world["handler"], name="t")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.secret}")
        response = client.put(
            f"/api/v1/requests/{draft.pk}/personal-data/",
            {
                "provider_name": "Jan Jansen",
                "date_of_birth": (timezone.localdate() + dt.timedelta(days=400)).isoformat(),
            },
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["field"] == "date_of_birth"
        assert PersonalData.objects.get(info_request=draft).date_of_birth is None


def _spreadsheet(name: str) -> SimpleUploadedFile:
    """A minimal real spreadsheet of each kind (issue 16: the structure is checked)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if name.endswith(".ods"):
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("content.xml", "<sheet/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "<workbook/>")
    return SimpleUploadedFile(name, buffer.getvalue())


class TestAttachmentTypes:
    def _page(self, client, draft):
        response = client.get(reverse("exchange:compose_step", args=[draft.pk, "attachments"]))
        return lxml.html.fromstring(response.content.decode())

    def test_the_hint_and_the_file_chooser_name_exactly_the_accepted_types(
        self, client, world, make_request
    ):
        draft = make_request(State.DRAFT)
        client.force_login(world["handler"])
        document = self._page(client, draft)
        extensions = accepted_extensions()
        assert {".xlsx", ".ods", ".pdf", ".docx", ".odt"} <= set(extensions)
        hint = document.xpath("string(//div[@id='id_file_helptext'])").strip()
        assert hint == f"One file at a time. Accepted types: {', '.join(extensions)}."
        assert document.xpath("//input[@name='file']/@accept") == [",".join(extensions)]

    def test_a_narrower_setting_narrows_the_hint(self, client, world, make_request, settings):
        settings.EXCHANGE_ATTACHMENT_CONTENT_TYPES = ["application/pdf"]
        draft = make_request(State.DRAFT)
        client.force_login(world["handler"])
        hint = self._page(client, draft).xpath("string(//div[@id='id_file_helptext'])")
        assert hint.strip() == "One file at a time. Accepted types: .pdf."

    @pytest.mark.parametrize("name", ["figures.xlsx", "figures.ods"])
    def test_spreadsheets_are_accepted(self, client, world, make_request, name):
        draft = make_request(State.DRAFT)
        client.force_login(world["handler"])
        url = reverse("exchange:compose_step", args=[draft.pk, "attachments"])
        response = client.post(url, {"file": _spreadsheet(name)})
        assert response.status_code == 302
        assert response.url == url
        assert Attachment.objects.filter(info_request=draft, original_name=name).exists()
        assert "The document was added." in client.get(url).content.decode()


def test_control_characters_are_dropped_from_a_file_name(client, world, make_request):
    """A guard: Django's upload parsing drops them today, so no report meets them."""
    draft = make_request(State.DRAFT)
    client.force_login(world["handler"])
    url = reverse("exchange:compose_step", args=[draft.pk, "attachments"])
    upload = SimpleUploadedFile("licence\x07 2024\x1b.pdf", b"%PDF-1.4\n%test\n")
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    assert list(
        Attachment.objects.filter(info_request=draft).values_list("original_name", flat=True)
    ) == ["licence 2024.pdf"]


def test_the_correction_refuses_a_date_of_birth_in_the_future(client, world, make_request):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["lda"])
    url = reverse("privacy:correct", args=[info_request.pk])
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        url,
        {
            "provider_name": "Bouwbedrijf Jansen B.V.",
            "date_of_birth": tomorrow,
            "reason": "The data subject sent a new date.",
        },
    )
    assert response.status_code == 200
    assert FUTURE_MESSAGE in _field_error(response, "date_of_birth")
    assert PersonalData.objects.get(info_request=info_request).date_of_birth is None
