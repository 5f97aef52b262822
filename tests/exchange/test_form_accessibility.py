"""Forms a screen reader can trust (issue 15, item 20).

- No radio group carries the HTML ``required`` attribute: the forms are ``novalidate``, and a
  required radio group is announced "invalid" before the user chose anything.
- Every error-summary link points at an element that takes focus: the Day box of a date, the
  first field for an error of the whole form, the first character box after a wrong
  security code.
- "Or give a standard answer" comes after the answer itself, on every question type.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from openimi.exchange.workflow import State
from tests.exchange.conftest import SAMPLE

pytestmark = pytest.mark.django_db

ANSWER_TYPES = [q["code"] for q in SAMPLE["question_sets"][0]["questions"]]
FOCUSABLE = re.compile(r"<(input|select|textarea|button|a)\b[^>]*>")


def _ids_of_focusable(html: str) -> set[str]:
    ids = set()
    for tag in FOCUSABLE.finditer(html):
        if 'type="hidden"' in tag.group(0) or (tag.group(1) == "a" and "href=" not in tag.group(0)):
            continue
        found = re.search(r'\bid="([^"]+)"', tag.group(0))
        if found:
            ids.add(found.group(1))
    return ids


def _summary_targets(html: str) -> list[str]:
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="#([^"]+)"', summary)


def _assert_summary_links_focus_a_field(html: str) -> list[str]:
    targets = _summary_targets(html)
    assert targets
    focusable = _ids_of_focusable(html)
    for target in targets:
        assert target in focusable, f"#{target} takes no focus"
    return targets


def _answer_url(info_request, code):
    asked = info_request.request_questions.get(question__code=code)
    return reverse("exchange:answer", args=[info_request.pk, asked.pk])


@pytest.mark.parametrize("code", ANSWER_TYPES)
def test_the_standard_answer_comes_after_the_answer(client, world, make_request, code):
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["resp_handler"])
    html = client.get(_answer_url(info_request, code)).content.decode()
    form = html.split('enctype="multipart/form-data"', 1)[1]
    answer_control = re.search(
        r'name="(value|file)"' if code != "S-05" else r'<textarea name="free_text"', form
    )
    assert answer_control, code
    standard = form.index("Or give a standard answer")
    assert answer_control.start() < standard, code


def test_required_radio_groups_everywhere_carry_no_required_attribute(client, world):
    """The compose wizard's first step: a required choice of question set (a radio group)."""
    client.force_login(world["handler"])
    html = client.get(reverse("exchange:compose")).content.decode()
    radios = re.findall(r'<input type="radio"[^>]*>', html)
    assert radios
    assert not [r for r in radios if re.search(r"\srequired\b", r)]


def test_a_date_error_links_to_the_day_box(client, world, make_request):
    info_request = make_request(State.AWAITING_ACCEPTANCE)
    client.force_login(world["resp_handler"])
    url = reverse("exchange:accept", args=[info_request.pk])
    response = client.post(url, {"day": "31", "month": "2", "year": "2031"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a real date." in html
    assert _assert_summary_links_focus_a_field(html) == ["id_day"]
    # The form keeps what was typed.
    assert 'name="day" type="text" inputmode="numeric" value="31"' in html


def test_a_form_level_error_links_to_the_first_field(client, world, make_request):
    """The whole answer is missing: an error of the form, not of one field."""
    info_request = make_request(State.ACCEPTED)
    client.force_login(world["resp_handler"])
    response = client.post(_answer_url(info_request, "S-01"), {"free_text_language": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    assert _assert_summary_links_focus_a_field(html) == ["id_value_0"]


def test_a_wrong_security_code_links_to_a_box_that_takes_focus(client, authority):
    """After a wrong code the one message for every failure belongs to no field: it links to
    the first box of the login form, never to a paragraph that cannot take focus."""
    from tests.accounts.conftest import log_in, make_user

    user = make_user("anke", authority=authority)
    response, _ = log_in(client, user.username, wrong_code=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert _assert_summary_links_focus_a_field(html) == ["id_username"]
    assert f'value="{user.username}"' in html  # the form keeps the name typed


def test_the_check_page_links_each_problem_to_its_change_link(client, world):
    """A draft with nothing filled in: every problem links to the Change link of its row."""
    from openimi.exchange import services

    draft = services.request_create_draft(
        actor=world["handler"], area=world.area, question_set=world.question_set
    )
    client.force_login(world["handler"])
    response = client.get(reverse("exchange:compose_step", args=[draft.pk, "review"]))
    targets = _assert_summary_links_focus_a_field(response.content.decode())
    assert "review-personal_data-change" in targets


def test_no_radio_group_or_checkbox_of_any_form_carries_required():
    """The class: any required radio group or checkbox, rendered by the project's renderer;
    a required text box keeps its attribute (it is not announced invalid before input)."""
    from django import forms

    class Sample(forms.Form):
        choice = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
        confirm = forms.BooleanField()
        name = forms.CharField()

    html = str(Sample())
    assert len(re.findall(r'<input type="(?:radio|checkbox)"', html)) == 3
    assert not re.search(r'<input type="(?:radio|checkbox)"[^>]*\srequired\b', html)
    assert re.search(r'<input type="text"[^>]*\srequired\b', html)
