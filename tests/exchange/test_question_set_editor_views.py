"""The question set editor's pages (issue 19): who may open them, where each action lands and
what it says, saving unchanged, bad input, and the list's query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openimi.exchange import services
from openimi.exchange.models import Question, QuestionSet
from tests.factories import LegislativeAreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(network_admin, services_area):
    question_set = services.question_set_create(
        actor=network_admin,
        area=services_area,
        code="posting-of-workers",
        titles={"en": "Posting of workers"},
        descriptions={"en": "Workers posted abroad."},
    )
    for code, text in (("Q-01", "Is the worker posted?"), ("Q-02", "Since when?")):
        services.question_add(
            actor=network_admin,
            question_set=question_set,
            code=code,
            answer_type=Question.AnswerType.YES_NO,
            texts={"en": text},
            help={"en": "Ask the employer."} if code == "Q-01" else {},
        )
    return QuestionSet.objects.get(pk=question_set.pk)


@pytest.fixture
def published(network_admin, services_area):
    question_set = services.question_set_create(
        actor=network_admin, area=services_area, code="published-set", titles={"en": "Published"}
    )
    services.question_add(
        actor=network_admin,
        question_set=question_set,
        code="P-01",
        answer_type="yes_no",
        texts={"en": "Published question?"},
    )
    return services.question_set_publish(actor=network_admin, question_set=question_set)


def _pages(draft, published):
    question = draft.questions.get(code="Q-01")
    return {
        "list": reverse("exchange:question_set_manage"),
        "create": reverse("exchange:question_set_create"),
        "detail": reverse("exchange:question_set_manage_detail", args=[draft.pk]),
        "published": reverse("exchange:question_set_manage_detail", args=[published.pk]),
        "edit": reverse("exchange:question_set_edit", args=[draft.pk]),
        "translate": reverse("exchange:question_set_translate", args=[draft.pk, "nl"]),
        "add": reverse("exchange:question_add", args=[draft.pk]),
        "question": reverse("exchange:question_edit", args=[draft.pk, question.pk]),
        "remove": reverse("exchange:question_remove", args=[draft.pk, question.pk]),
        "publish": reverse("exchange:question_set_publish", args=[draft.pk]),
        "discard": reverse("exchange:question_set_discard", args=[draft.pk]),
    }


def _posts(draft, published):
    question = draft.questions.get(code="Q-01")
    return {
        "move": reverse("exchange:question_move", args=[draft.pk, question.pk]),
        "new_version": reverse("exchange:question_set_new_version", args=[published.pk]),
    }


def test_the_network_administrator_opens_every_page(client, network_admin, draft, published):
    client.force_login(network_admin)
    for name, url in _pages(draft, published).items():
        response = client.get(url)
        assert response.status_code == 200, name
    for url in _posts(draft, published).values():
        assert client.get(url).status_code == 405


@pytest.mark.parametrize(
    "who",
    [
        "handler",
        "lda",
        "coordinator_lda",
        "national_coordinator_lda",
        "other_coordinator_lda",
    ],
)
def test_everyone_else_gets_404(request, client, who, draft, published):
    client.force_login(request.getfixturevalue(who))
    for name, url in _pages(draft, published).items():
        assert client.get(url).status_code == 404, name
        assert client.post(url).status_code == 404, name
    for name, url in _posts(draft, published).items():
        assert client.post(url).status_code == 404, name
    assert QuestionSet.objects.filter(status=QuestionSet.Status.DRAFT).count() == 1


def test_anonymous_is_sent_to_login(client, draft, published):
    for url in [*_pages(draft, published).values(), *_posts(draft, published).values()]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_unknown_language_and_set_answer_404(client, network_admin, draft):
    client.force_login(network_admin)
    url = reverse("exchange:question_set_translate", args=[draft.pk, "xx"])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("exchange:question_set_translate", args=[draft.pk, "en"])).status_code
        == 404
    )
    assert (
        client.get(reverse("exchange:question_set_manage_detail", args=[99999])).status_code == 404
    )


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_create_add_publish_and_new_version(client, network_admin, services_area):
    client.force_login(network_admin)
    response = client.post(
        reverse("exchange:question_set_create"),
        {
            "area": services_area.pk,
            "code": "posting",
            "title": "Posting of workers",
            "description": "",
            "available_until": "",
        },
        follow=True,
    )
    question_set = QuestionSet.objects.get(code="posting")
    assert response.redirect_chain[-1][0] == reverse(
        "exchange:question_set_manage_detail", args=[question_set.pk]
    )
    assert "The question set is saved as a draft. Now add its questions." in _messages(response)
    for code, answer_type, choices in (
        ("Q-01", "yes_no", ""),
        ("Q-02", "choice", "fixed = Fixed term\nopen = Open ended"),
    ):
        response = client.post(
            reverse("exchange:question_add", args=[question_set.pk]),
            {"code": code, "answer_type": answer_type, "text": f"{code}?", "choices": choices},
            follow=True,
        )
        assert f"Question {code} is added." in _messages(response)
    q2 = question_set.questions.get(code="Q-02")
    assert [c["code"] for c in q2.choices] == ["fixed", "open"]
    response = client.post(
        reverse("exchange:question_move", args=[question_set.pk, q2.pk]),
        {"direction": "up"},
        follow=True,
    )
    assert "Question Q-02 moved up." in _messages(response)
    assert list(question_set.questions.order_by("position").values_list("code", flat=True)) == [
        "Q-02",
        "Q-01",
    ]
    publish = reverse("exchange:question_set_publish", args=[question_set.pk])
    assert "Publish this question set?" in client.get(publish).content.decode()
    response = client.post(publish, follow=True)
    assert any("is published" in m for m in _messages(response))
    assert QuestionSet.objects.get(pk=question_set.pk).status == QuestionSet.Status.PUBLISHED
    # A published set's edit pages send the user back with the rule.
    response = client.get(
        reverse("exchange:question_set_edit", args=[question_set.pk]), follow=True
    )
    assert "A published question set never changes: make a new version." in _messages(response)
    new_version = reverse("exchange:question_set_new_version", args=[question_set.pk])
    response = client.post(new_version, follow=True)
    v2 = QuestionSet.objects.get(code="posting-v2")
    assert response.redirect_chain[-1][0] == reverse(
        "exchange:question_set_manage_detail", args=[v2.pk]
    )
    assert any("Version 2 is a draft copy" in m for m in _messages(response))
    # Asked again: the draft that exists is shown, with a message.
    response = client.post(new_version, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/{v2.pk}/")
    assert any("already has a draft" in m for m in _messages(response))
    assert QuestionSet.objects.filter(family="posting").count() == 2


def test_publish_page_lists_what_is_missing(client, network_admin, services_area):
    empty = services.question_set_create(
        actor=network_admin, area=services_area, code="empty", titles={"en": "Empty"}
    )
    client.force_login(network_admin)
    url = reverse("exchange:question_set_publish", args=[empty.pk])
    page = client.get(url).content.decode()
    assert "Add at least one question before publishing." in page
    response = client.post(url, follow=True)
    assert "Add at least one question before publishing." in _messages(response)
    assert QuestionSet.objects.get(pk=empty.pk).status == QuestionSet.Status.DRAFT


def test_remove_and_discard_land_with_a_message(client, network_admin, draft):
    client.force_login(network_admin)
    question = draft.questions.get(code="Q-01")
    response = client.post(
        reverse("exchange:question_remove", args=[draft.pk, question.pk]), follow=True
    )
    assert "Question Q-01 is removed." in _messages(response)
    response = client.post(reverse("exchange:question_set_discard", args=[draft.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("exchange:question_set_manage")
    assert "The draft is deleted." in _messages(response)
    assert not QuestionSet.objects.filter(pk=draft.pk).exists()


def _form_data(response) -> dict:
    """The form's data as the page shows it (what a browser sends back unchanged)."""
    form = response.context["form"]
    data: dict = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, list):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        elif value is True:
            data[name] = "on"
        elif value not in (None, False):
            shown = field.widget.format_value(value)
            if shown is not None:
                data[name] = shown
    return data


def _snapshot(question_set):
    question_set = QuestionSet.objects.get(pk=question_set.pk)
    questions = [
        (
            q.code,
            q.answer_type,
            q.texts,
            q.help,
            q.choices,
            q.position,
            list(q.standard_answers.all()),
        )
        for q in question_set.questions.order_by("position")
    ]
    return (
        question_set.titles,
        question_set.descriptions,
        question_set.is_practice,
        question_set.available_until,
        questions,
    )


def test_saving_each_form_unchanged_changes_nothing(client, network_admin, draft):
    services.question_set_translate(
        actor=network_admin,
        question_set=draft,
        language="nl",
        title="Detachering",
        questions={draft.questions.get(code="Q-01").pk: {"text": "Gedetacheerd?"}},
    )
    services.question_set_update(
        actor=network_admin,
        question_set=draft,
        available_until=dt.date(2027, 6, 30),
    )
    before = _snapshot(draft)
    client.force_login(network_admin)
    question = draft.questions.get(code="Q-01")
    for url in (
        reverse("exchange:question_set_edit", args=[draft.pk]),
        reverse("exchange:question_set_translate", args=[draft.pk, "nl"]),
        reverse("exchange:question_edit", args=[draft.pk, question.pk]),
    ):
        data = _form_data(client.get(url))
        response = client.post(url, data)
        assert response.status_code == 302, (
            url,
            response.context and response.context["form"].errors,
        )
        assert _snapshot(draft) == before, url


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("x" * 10_000, "at most 200 characters"),
        ("Posting\x07 of workers", "control character"),
    ],
)
def test_bad_input_is_refused_and_kept(client, network_admin, draft, value, message):
    client.force_login(network_admin)
    url = reverse("exchange:question_set_edit", args=[draft.pk])
    response = client.post(url, {"title": value, "description": "Kept text"})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "Kept text" in page
    assert QuestionSet.objects.get(pk=draft.pk).titles == {"en": "Posting of workers"}


def test_question_form_refuses_a_choice_question_with_one_option(client, network_admin, draft):
    client.force_login(network_admin)
    response = client.post(
        reverse("exchange:question_add", args=[draft.pk]),
        {"code": "Q-03", "answer_type": "choice", "text": "Which?", "choices": "a = Only one"},
    )
    assert response.status_code == 200
    assert "A choice question needs at least two options." in response.content.decode()
    assert not draft.questions.filter(code="Q-03").exists()


def test_greek_and_cyrillic_translations_are_kept(client, network_admin, draft):
    client.force_login(network_admin)
    q1 = draft.questions.get(code="Q-01")
    for language, title, text in (
        ("el", "Απόσπαση εργαζομένων", "Είναι ο εργαζόμενος αποσπασμένος;"),
        ("bg", "Командироване на работници", "Командирован ли е работникът?"),
    ):
        url = reverse("exchange:question_set_translate", args=[draft.pk, language])
        response = client.post(url, {"title": title, f"q{q1.pk}_text": text}, follow=True)
        assert response.redirect_chain, response.content.decode()[:500]
        assert any("are saved" in m for m in _messages(response))
        question_set = QuestionSet.objects.get(pk=draft.pk)
        assert question_set.titles[language] == title
        assert Question.objects.get(pk=q1.pk).texts[language] == text
        page = client.get(url).content.decode()
        assert f'lang="{language}"' in page and title in page


def test_the_list_reads_in_constant_queries(
    client, network_admin, draft, published, django_assert_num_queries
):
    client.force_login(network_admin)
    url = reverse("exchange:question_set_manage")
    client.get(url)  # session and caches warm
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    other_area = LegislativeAreaFactory(code="professional_qualifications")
    for number in range(4):
        question_set = services.question_set_create(
            actor=network_admin,
            area=other_area,
            code=f"more-{number}",
            titles={"en": f"More {number}"},
        )
        services.question_add(
            actor=network_admin,
            question_set=question_set,
            code="M-01",
            answer_type="yes_no",
            texts={"en": "More?"},
        )
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "More 3" in page and "Posting of workers" in page and "Published" in page


def test_a_practice_set_needs_its_last_day(client, network_admin, draft):
    client.force_login(network_admin)
    url = reverse("exchange:question_set_edit", args=[draft.pk])
    response = client.post(url, {"title": "Posting of workers", "is_practice": "on"})
    assert "Enter the last day a practice set can be chosen." in response.content.decode()
    response = client.post(
        url,
        {"title": "Posting of workers", "is_practice": "on", "available_until": "2027-06-30"},
        follow=True,
    )
    assert "The question set is saved." in _messages(response)
    question_set = QuestionSet.objects.get(pk=draft.pk)
    assert question_set.is_practice and question_set.available_until == dt.date(2027, 6, 30)
