"""The question catalogue (issue 19; seed step 1.3): every user reads the published question
sets of each area before composing; drafts, replaced and expired sets are not shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openimi.exchange.models import Question, QuestionSet, StandardAnswer
from tests.factories import LegislativeAreaFactory

pytestmark = pytest.mark.django_db


def _set(area, code, **fields):
    defaults = {"status": QuestionSet.Status.PUBLISHED, "titles": {"en": code.title()}}
    question_set = QuestionSet.objects.create(code=code, area=area, **{**defaults, **fields})
    question = Question.objects.create(
        question_set=question_set,
        code="q1",
        answer_type="choice",
        texts={"en": f"Question of {code}", "nl": f"Vraag van {code}"},
        choices=[{"code": "a", "texts": {"en": "Option A"}}],
    )
    answer, _ = StandardAnswer.objects.get_or_create(
        code="refusal", defaults={"texts": {"en": "We cannot answer."}}
    )
    question.standard_answers.add(answer)
    return question_set


@pytest.fixture
def sets(services_area):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    return {
        "published": _set(services_area, "registration"),
        "practice": _set(services_area, "practice", is_practice=True),
        "draft": _set(services_area, "draft-one", status=QuestionSet.Status.DRAFT),
        "old": _set(services_area, "old-one", status=QuestionSet.Status.SUPERSEDED),
        "expired": _set(services_area, "expired", available_until=yesterday),
    }


@pytest.mark.parametrize(
    "who", ["handler", "lda", "basic_user", "coordinator_lda", "network_admin", "other_handler"]
)
def test_every_user_reads_the_catalogue(request, client, who, sets, services_area):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("exchange:catalogue")).status_code == 200
    url = reverse("exchange:catalogue_area", args=[services_area.code])
    assert client.get(url).status_code == 200


def test_anonymous_is_sent_to_login(client, services_area):
    for url in (
        reverse("exchange:catalogue"),
        reverse("exchange:catalogue_area", args=[services_area.code]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_only_published_sets_on_offer_are_shown(client, handler, sets, services_area):
    client.force_login(handler)
    body = client.get(reverse("exchange:catalogue_area", args=[services_area.code])).content
    body = body.decode()
    assert "Question of registration" in body
    assert "Option A" in body
    assert "We cannot answer." in body
    assert "A choice of standard answers" in body
    assert "FICTITIOUS" in body
    for hidden in ("draft-one", "old-one", "expired"):
        assert f"Question of {hidden}" not in body
    index = client.get(reverse("exchange:catalogue")).content.decode()
    assert "(2 question sets)" in index


def test_texts_in_the_readers_language_else_english_marked(client, handler, sets, services_area):
    handler.language = "nl"
    handler.save(update_fields=["language"])
    client.force_login(handler)
    client.post(reverse("set_language"), {"language": "nl"})
    body = client.get(reverse("exchange:catalogue_area", args=[services_area.code])).content
    body = body.decode()
    assert "Vraag van registration" in body
    assert '<span lang="en">Option A</span>' in body


def test_an_unknown_area_is_404(client, handler):
    client.force_login(handler)
    assert client.get(reverse("exchange:catalogue_area", args=["nowhere"])).status_code == 404


def test_constant_queries_whatever_the_number_of_sets(
    client, handler, sets, services_area, django_assert_num_queries
):
    client.force_login(handler)
    url = reverse("exchange:catalogue_area", args=[services_area.code])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for index in range(4):
        _set(services_area, f"more-{index}")
    with django_assert_num_queries(len(one.captured_queries)):
        body = client.get(url).content.decode()
    assert "Question of more-3" in body


def test_the_index_takes_constant_queries(client, handler, sets, django_assert_num_queries):
    client.force_login(handler)
    url = reverse("exchange:catalogue")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for index in range(3):
        area = LegislativeAreaFactory(code=f"area-{index}")
        _set(area, f"set-{index}")
    with django_assert_num_queries(len(one.captured_queries)):
        body = client.get(url).content.decode()
    assert "(1 question set)" in body


def test_the_compose_page_links_to_the_catalogue(client, handler):
    client.force_login(handler)
    body = client.get(reverse("exchange:compose")).content.decode()
    assert "See the questions of each set" in body
    assert reverse("exchange:catalogue") in body
