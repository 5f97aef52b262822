"""Every entry of the error summary names its field (the GOV.UK pattern: "Enter “General
e-mail address”", never a bare "This field is required." that leaves the reader guessing
which field), in English and in Dutch; the message at the field says the same."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from openimi.exchange.forms import ReplyDateForm


class EveryKindForm(forms.Form):
    name = forms.CharField(label="Name")
    remarks = forms.CharField(label="Remarks", widget=forms.Textarea)
    email = forms.EmailField(label="E-mail", required=False)
    country = forms.ChoiceField(label="Country", choices=[("", "—"), ("NL", "Netherlands")])
    colour = forms.ChoiceField(label="Colour", choices=[("red", "Red")], widget=forms.RadioSelect)
    areas = forms.MultipleChoiceField(
        label="Areas", choices=[("s", "Services")], widget=forms.CheckboxSelectMultiple
    )
    agree = forms.BooleanField(label="I agree")
    document = forms.FileField(label="Document")
    number = forms.IntegerField(label="Number of staff", required=False)


EXPECTED = {
    "en": [
        "Enter “Name”",
        "Enter “Remarks”",
        "E-mail: Enter a valid email address.",
        "Choose an option for “Country”",
        "Choose an option for “Colour”",
        "Tick at least one option for “Areas”",
        "Tick “I agree”",
        "Choose a file for “Document”",
        "Number of staff: Enter a whole number.",
    ],
    "nl": [
        "Vul „Name” in",
        "Vul „Remarks” in",
        "E-mail: Voer een geldig e-mailadres in.",
        "Kies een optie bij „Country”",
        "Kies een optie bij „Colour”",
        "Vink ten minste één optie aan bij „Areas”",
        "Vink „I agree” aan",
        "Kies een bestand bij „Document”",
        "Number of staff: Voer een geheel getal in.",
    ],
}


def _summary(form) -> list[str]:
    html = render_to_string("forms/error_summary.html", {"form": form})
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<a [^>]*>(.*?)</a>", html)]


def _field_messages(form) -> list[str]:
    html = str(form)
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r'class="govuk-error-message"[^>]*>.*?</span>(.*?)</p>', html, re.S)
    ]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_summary_entry_names_its_field(language):
    with translation.override(language):
        form = EveryKindForm(data={"email": "not-an-address", "number": "many"})
        assert not form.is_valid()
        assert _summary(form) == [message.replace("&", "&amp;") for message in EXPECTED[language]]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_field_says_what_the_summary_says_for_a_missing_value(language):
    with translation.override(language):
        form = EveryKindForm(data={"email": "not-an-address", "number": "many"})
        form.is_valid()
        messages = _field_messages(form)
    assert messages[0] == EXPECTED[language][0]  # Name: the summary's words
    assert messages[2] == EXPECTED[language][2].split(": ", 1)[1]  # the label is right above
    assert not any("required" in m or "verplicht" in m for m in messages)


def test_a_message_of_its_own_is_kept():
    class OwnMessage(forms.Form):
        phone = forms.CharField(label="Phone", error_messages={"required": "Give a number."})
        reason = forms.CharField(label="Reason", error_messages={"required": "Say why: reason."})

    form = OwnMessage(data={})
    form.is_valid()
    # a message that already names the field is not prefixed twice
    assert _summary(form) == ["Phone: Give a number.", "Say why: reason."]


@pytest.mark.parametrize(
    ("language", "entry"),
    [
        ("en", "By when would you like a reply?: Enter a date."),
        ("nl", "Wanneer wilt u uiterlijk een antwoord?: Vul een datum in."),
    ],
)
def test_a_date_names_its_question_in_the_summary(language, entry):
    with translation.override(language):
        form = ReplyDateForm(data={"day": "", "month": "", "year": ""})
        assert not form.is_valid()
        assert _summary(form) == [entry]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "entry"),
    [
        ("en", "Enter “General e-mail address”"),
        ("nl", "Vul „Algemeen e-mailadres” in"),
    ],
)
def test_authority_contact_page_names_the_general_email_address(client, lda, language, entry):
    client.force_login(lda)
    url = reverse("authorities:edit_contact")
    data = client.get(url).context["form"].initial
    data = {key: value for key, value in data.items() if isinstance(value, str)}
    data["email"] = ""
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    body = re.search(r'govuk-error-summary__list">(.*?)</ul>', response.text, re.S)[1]
    entries = [re.sub(r"\s+", " ", t).strip() for t in re.findall(r">([^<]+)</a>", body)]
    assert entries == [entry]
