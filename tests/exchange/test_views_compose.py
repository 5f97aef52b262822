"""The compose wizard and the answer page, walked through as a person would post them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from openimi.exchange.models import Answer, InformationRequest, PersonalData
from openimi.exchange.workflow import State
from tests.exchange.conftest import PDF

pytestmark = pytest.mark.django_db


def _step(pk, step):
    return reverse("exchange:compose_step", args=[pk, step])


def test_compose_walk_from_question_set_to_sent(client, world):
    client.force_login(world["handler"])
    start = client.get(reverse("exchange:compose"))
    assert start.status_code == 200 and "FICTITIOUS" in start.text
    response = client.post(reverse("exchange:compose"), {"question_set": world.question_set.pk})
    info_request = InformationRequest.objects.get()
    assert response.url == _step(info_request.pk, "questions")
    questions = list(world.question_set.questions.order_by("position")[:2])
    client.post(_step(info_request.pk, "questions"), {"questions": [q.pk for q in questions]})
    assert info_request.request_questions.count() == 2
    client.post(
        _step(info_request.pk, "provider"),
        {"provider_name": "Jansen B.V.", "city": "Den Bosch", "email": ""},
    )
    assert PersonalData.objects.get().provider_name == "Jansen B.V."
    # Saving as draft at any step keeps what was typed and goes to the list.
    response = client.post(
        _step(info_request.pk, "justification"),
        {"justification": "Licence check.", "justification_language": "en", "save_and_close": "1"},
    )
    assert response.url == reverse("exchange:outgoing")
    info_request.refresh_from_db()
    assert info_request.justification == "Licence check."
    assert info_request.justification_language == "en"
    # The draft can be resumed from the compose page.
    assert _step(info_request.pk, "review") in client.get(reverse("exchange:compose")).text
    upload = SimpleUploadedFile("permit.pdf", PDF, content_type="application/pdf")
    client.post(_step(info_request.pk, "attachments"), {"file": upload})
    assert info_request.attachments.count() == 1
    bad = SimpleUploadedFile("evil.exe", b"MZ...", content_type="application/pdf")
    response = client.post(_step(info_request.pk, "attachments"), {"file": bad})
    assert "cannot be attached" in response.text
    found = client.get(_step(info_request.pk, "recipient"), {"q": "Köln"})
    assert "Gewerbeamt" in found.text
    partial = client.get(
        _step(info_request.pk, "recipient"), {"q": "Köln"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.text and "Gewerbeamt" in partial.text
    client.post(_step(info_request.pk, "recipient"), {"responding_authority": world.responding.pk})
    reply_by = timezone.localdate() + dt.timedelta(days=20)
    client.post(
        _step(info_request.pk, "reply-date"),
        {"day": reply_by.day, "month": reply_by.month, "year": reply_by.year},
    )
    review = client.get(_step(info_request.pk, "review"))
    assert "Before you can send" not in review.text
    assert "Jansen B.V." in review.text and "permit.pdf" in review.text
    response = client.post(reverse("exchange:send", args=[info_request.pk]), follow=True)
    assert "The request was sent." in response.text
    info_request.refresh_from_db()
    assert info_request.status == State.AWAITING_ACCEPTANCE


def test_review_lists_what_is_missing_and_send_refuses(client, world):
    client.force_login(world["handler"])
    client.post(reverse("exchange:compose"), {"question_set": world.question_set.pk})
    info_request = InformationRequest.objects.get()
    review = client.get(_step(info_request.pk, "review"))
    assert "Before you can send the request" in review.text
    assert "Give the name of the service provider." in review.text
    response = client.post(reverse("exchange:send", args=[info_request.pk]))
    assert response.url == _step(info_request.pk, "review")
    info_request.refresh_from_db()
    assert info_request.status == State.DRAFT


def test_reply_date_in_the_past_is_refused(client, world):
    client.force_login(world["handler"])
    client.post(reverse("exchange:compose"), {"question_set": world.question_set.pk})
    info_request = InformationRequest.objects.get()
    response = client.post(
        _step(info_request.pk, "reply-date"), {"day": "1", "month": "1", "year": "2001"}
    )
    assert "The reply date must be after today." in response.text


def test_change_link_returns_to_review(client, world, make_request):
    info_request = make_request(State.DRAFT)
    client.force_login(world["handler"])
    response = client.post(
        _step(info_request.pk, "justification") + "?change=review",
        {"justification": "Other reason.", "justification_language": "nl"},
    )
    assert response.url == _step(info_request.pk, "review")


def test_delete_draft(client, world, make_request):
    info_request = make_request(State.DRAFT)
    client.force_login(world["handler"])
    client.post(reverse("exchange:delete_draft", args=[info_request.pk]))
    assert not InformationRequest.objects.filter(pk=info_request.pk).exists()


@pytest.mark.parametrize("name", ["handler2_other_area", "basic", "resp_handler", "supervisor"])
def test_others_may_not_edit_the_draft(client, world, make_request, name):
    info_request = make_request(State.DRAFT)
    user = world["third_handler"] if name == "handler2_other_area" else world[name]
    client.force_login(user)
    assert client.get(_step(info_request.pk, "questions")).status_code == 404
    assert client.post(reverse("exchange:delete_draft", args=[info_request.pk])).status_code == 404


def test_compose_only_for_request_handlers(client, world):
    client.force_login(world["basic"])
    assert client.get(reverse("exchange:compose")).status_code == 404
    assert client.get(reverse("exchange:compose"), follow=False).status_code == 404
    client.logout()
    assert client.get(reverse("exchange:compose")).status_code == 302


def test_menu_entries(client, world):
    client.force_login(world["handler"])
    page = client.get(reverse("exchange:compose")).text
    assert page.index("Compose request") < page.index("Search competent authority")
    assert page.index("Search competent authority") < page.index("List of requests")
    client.force_login(world["basic"])
    page = client.get(reverse("exchange:list")).text
    assert "Compose request</a>" not in page and "List of requests" in page


class TestAnswerPage:
    def test_answer_each_question_and_send(self, client, world, make_request):
        info_request = make_request(State.ACCEPTED)
        client.force_login(world["resp_handler"])
        asked = list(info_request.request_questions.select_related("question"))
        standard = world.question_set.questions.get(code="S-01").standard_answers.get(
            code="data_protection"
        )
        for rq in asked:
            url = reverse("exchange:answer", args=[info_request.pk, rq.pk])
            page = client.get(url)
            assert page.status_code == 200
            data = {"free_text": "", "free_text_language": "en"}
            kind = rq.question.answer_type
            if kind == "yes_no":
                data["standard_answer"] = standard.pk
            elif kind in ("yes_no_unknown",):
                data["value"] = "no"
            elif kind == "choice":
                data["value"] = "bv"
            elif kind == "date":
                data["value"] = "2019-05-01"
            elif kind == "free_text":
                data["free_text"] = "Gebäude."
                data["free_text_language"] = "de"
            elif kind == "document":
                data["file"] = SimpleUploadedFile("permit.pdf", PDF)
            response = client.post(url, data)
            assert response.status_code == 302, response.content
        assert Answer.objects.filter(request_question__info_request=info_request).count() == 6
        response = client.post(reverse("exchange:send_answer", args=[info_request.pk]), follow=True)
        assert "The answer was sent." in response.text
        info_request.refresh_from_db()
        assert info_request.status == State.ANSWERED
        client.force_login(world["handler"])
        page = client.get(reverse("exchange:detail", args=[info_request.pk]))
        assert "Given our data protection rules" in page.text
        assert 'lang="de"' in page.text and "permit.pdf" in page.text

    def test_wrong_typed_answer_is_refused(self, client, world, make_request):
        info_request = make_request(State.ACCEPTED)
        rq = info_request.request_questions.get(question__code="S-01")
        client.force_login(world["resp_handler"])
        url = reverse("exchange:answer", args=[info_request.pk, rq.pk])
        response = client.post(url, {"free_text_language": "en"})
        assert response.status_code == 200 and "Choose one of the answers." in response.text

    def test_concurrent_change_is_reported(self, client, world, make_request):
        info_request = make_request(State.ACCEPTED)
        rq = info_request.request_questions.get(question__code="S-01")
        client.force_login(world["resp_handler"])
        url = reverse("exchange:answer", args=[info_request.pk, rq.pk])
        client.post(url, {"value": "yes", "free_text_language": "en"})
        response = client.post(url, {"value": "no", "free_text_language": "en", "base_version": 0})
        assert "Someone else changed this answer" in response.text

    @pytest.mark.parametrize("name", ["handler", "resp_basic", "third_handler"])
    def test_others_may_not_answer(self, client, world, make_request, name):
        info_request = make_request(State.ACCEPTED)
        rq = info_request.request_questions.first()
        client.force_login(world[name])
        url = reverse("exchange:answer", args=[info_request.pk, rq.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"value": "yes"}).status_code == 404


class TestOptionalDocumentsStep:
    """The documents step is optional: nothing on it is marked required, leaving it without a
    document (Save and continue, Save as draft and close) just moves on, and pressing Upload
    without choosing a file says so at the field."""

    def test_nothing_is_marked_required(self, client, world, make_request):
        draft = make_request()
        client.force_login(world["handler"])
        for language, optional in (("en", "This step is optional."), ("nl", "optioneel")):
            page = client.get(_step(draft.pk, "attachments"), HTTP_ACCEPT_LANGUAGE=language).text
            assert optional in page
            assert "openimi-required" not in page and "(required)" not in page
            assert "(verplicht)" not in page

    def test_leaving_without_a_document_moves_on(self, client, world, make_request):
        draft = make_request()
        client.force_login(world["handler"])
        response = client.post(_step(draft.pk, "attachments"), {"continue": "1"})
        assert response.status_code == 302 and response.url == _step(draft.pk, "recipient")
        response = client.post(_step(draft.pk, "attachments"), {"save_and_close": "1"}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("exchange:outgoing")
        assert f"Your draft {draft.reference} is saved" in response.text
        assert draft.attachments.count() == 0

    def test_upload_without_a_file_says_so_at_the_field(self, client, world, make_request):
        draft = make_request()
        client.force_login(world["handler"])
        response = client.post(_step(draft.pk, "attachments"), {})
        assert response.status_code == 200
        assert response.text.count("Choose a document to upload.") == 2  # summary and field
        assert draft.attachments.count() == 0
