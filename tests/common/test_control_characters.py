"""No text input takes a control character: every form and every API serializer refuses C0
control characters other than tab, line feed and carriage return, with an error at the field
in the user's language; the form keeps what was typed and nothing is stored."""

from __future__ import annotations

import importlib
import pkgutil

import lxml.html
import pytest
from django import forms
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.test import APIClient

import openimi
from openimi.api import tokens
from openimi.api.serializers.common import ControlCharactersRefused as SerializerBase
from openimi.common.forms import ControlCharactersRefused as FormBase
from openimi.common.validators import prohibit_control_characters
from openimi.exchange.models import InformationRequest, PersonalData
from openimi.exchange.workflow import State

ALLOWED_CONTROLS = "\t\n\r"
REFUSED = [chr(c) for c in range(0x20) if chr(c) not in ALLOWED_CONTROLS]
MESSAGE_EN = "This text contains an invisible control character"
MESSAGE_NL = "Deze tekst bevat een onzichtbaar stuurteken"


def _product_classes(base: type) -> list[type]:
    for module in pkgutil.walk_packages(openimi.__path__, "openimi."):
        if ".migrations" not in module.name and ".management" not in module.name:
            importlib.import_module(module.name)
    found, to_visit = [], [base]
    while to_visit:
        for subclass in to_visit.pop().__subclasses__():
            to_visit.append(subclass)
            if subclass.__module__.startswith("openimi."):
                found.append(subclass)
    return found


@given(st.text())
def test_the_validator_refuses_exactly_the_c0_controls_but_tab_and_newlines(text):
    refused = any(character in REFUSED for character in text)
    try:
        prohibit_control_characters(text)
    except forms.ValidationError:
        assert refused
    else:
        assert not refused


def test_every_form_of_the_product_refuses_control_characters():
    product_forms = _product_classes(forms.BaseForm)
    assert len(product_forms) > 30
    assert [f for f in product_forms if not issubclass(f, FormBase)] == []


def test_every_serializer_of_the_product_refuses_control_characters():
    product_serializers = _product_classes(serializers.BaseSerializer)
    assert len(product_serializers) > 30
    assert [s for s in product_serializers if not issubclass(s, SerializerBase)] == []


def _field_error(response, name: str) -> str:
    document = lxml.html.fromstring(response.content.decode())
    return " ".join(e.text_content() for e in document.xpath(f"//p[@id='id_{name}_error']"))


@pytest.mark.parametrize("character", ["\x0c", "\x07", "\x1b", "\x00"])
def test_the_provider_name_with_a_control_character_is_refused_at_the_field(
    client, world, make_request, character
):
    draft = make_request(State.DRAFT)
    client.force_login(world["handler"])
    typed = f"Bouwbedrijf{character} Jansen B.V."
    url = reverse("exchange:compose_step", args=[draft.pk, "provider"])
    response = client.post(url, {"provider_name": typed, "country": "NL"})
    assert response.status_code == 200
    assert MESSAGE_EN in _field_error(response, "provider_name")
    document = lxml.html.fromstring(response.content.decode())
    shown = typed.replace("\x00", "\ufffd")  # as an HTML parser reads a NUL
    assert document.xpath("//input[@name='provider_name']/@value") == [shown]
    assert MESSAGE_EN in document.xpath("string(//div[contains(@class,'govuk-error-summary')])")
    assert PersonalData.objects.get(info_request=draft).provider_name == "Bouwbedrijf Jansen B.V."


def test_the_justification_error_is_in_the_users_language(client, world, make_request):
    draft = make_request(State.DRAFT)
    handler = world["handler"]
    handler.language = "nl"
    handler.save(update_fields=["language"])
    client.force_login(handler)
    url = reverse("exchange:compose_step", args=[draft.pk, "justification"])
    typed = "Zie bijlage.\x0cPagina 2 van de aanvraag."
    with translation.override("nl"):
        response = client.post(
            url,
            {"justification": typed, "justification_language": "nl"},
            HTTP_ACCEPT_LANGUAGE="nl",
        )
    assert response.status_code == 200
    assert MESSAGE_NL in _field_error(response, "justification")
    document = lxml.html.fromstring(response.content.decode())
    assert document.xpath("string(//textarea[@name='justification'])").strip() == typed
    draft.refresh_from_db()
    assert "\x0c" not in draft.justification


def test_tabs_line_breaks_other_scripts_and_long_text_are_kept(client, world, make_request):
    draft = make_request(State.DRAFT)
    client.force_login(world["handler"])
    url = reverse("exchange:compose_step", args=[draft.pk, "justification"])
    typed = "Αίτηση\tпроверка\r\n建筑许可 — " + "x" * 10_000
    response = client.post(url, {"justification": typed, "justification_language": "en"})
    assert response.status_code == 302
    assert response.url == reverse("exchange:compose_step", args=[draft.pk, "attachments"])
    draft.refresh_from_db()
    assert draft.justification == typed


def test_the_authority_contact_page_refuses_a_control_character(client, lda):
    client.force_login(lda)
    response = client.post(
        reverse("authorities:edit_contact"),
        {"informal_title": "Gemeente\x1bOeteldonk", "email": "imi@oeteldonk.nl"},
    )
    assert response.status_code == 200
    assert MESSAGE_EN in _field_error(response, "informal_title")
    lda.authority.refresh_from_db()
    assert lda.authority.informal_title == "Gemeente Oeteldonk"


def _api(user) -> APIClient:
    client = APIClient()
    token = tokens.token_create(actor=user, user=user, name="test").secret
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_the_api_refuses_a_control_character_in_a_draft_at_the_field(world):
    response = _api(world["handler"]).post(
        "/api/v1/requests/",
        {
            "area": world.area.pk,
            "question_set": world.question_set.pk,
            "justification": "Permit\x07 check",
            "justification_language": "en",
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "justification"
    assert MESSAGE_EN in body["detail"]
    assert not InformationRequest.objects.exists()


def test_the_api_refuses_a_control_character_in_the_personal_data(world, make_request):
    draft = make_request(State.DRAFT)
    response = _api(world["handler"]).put(
        f"/api/v1/requests/{draft.pk}/personal-data/",
        {"provider_name": "Jansen\x0c B.V.", "city": "Oeteldonk"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "provider_name"
    assert PersonalData.objects.get(info_request=draft).provider_name == "Bouwbedrijf Jansen B.V."
