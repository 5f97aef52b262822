"""The question set editor's services (issue 19): drafts, publishing, versions, immutability,
translations, and what requests and the fixture loader make of them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange import selectors, services
from openimi.exchange.models import Question, QuestionSet, StandardAnswer
from openimi.exchange.reference import load_question_sets
from openimi.exchange.workflow import State
from openimi.reports import documents
from tests.exchange.conftest import write_sample
from tests.reports.conftest import docx_text

pytestmark = pytest.mark.django_db

NEVER = "A published question set never changes: make a new version."


@pytest.fixture
def draft(network_admin, services_area):
    question_set = services.question_set_create(
        actor=network_admin,
        area=services_area,
        code="posting-of-workers",
        titles={"en": "Posting of workers", "nl": "Detachering van werknemers"},
        descriptions={"en": "Workers posted abroad."},
    )
    services.question_add(
        actor=network_admin,
        question_set=question_set,
        code="Q-01",
        answer_type=Question.AnswerType.YES_NO,
        texts={"en": "Is the worker posted?", "de": "Ist der Arbeitnehmer entsandt?"},
    )
    services.question_add(
        actor=network_admin,
        question_set=question_set,
        code="Q-02",
        answer_type=Question.AnswerType.CHOICE,
        texts={"en": "Which contract?"},
        help={"en": "As the employer states it."},
        choices=[
            {"code": "fixed", "texts": {"en": "Fixed term"}},
            {"code": "open", "texts": {"en": "Open ended"}},
        ],
    )
    return question_set


def _refresh(question_set):
    return QuestionSet.objects.get(pk=question_set.pk)


def test_a_new_set_is_a_draft_of_version_one_offered_to_nobody(draft, services_area):
    draft = _refresh(draft)
    assert (draft.status, draft.family, draft.version_number) == (
        QuestionSet.Status.DRAFT,
        "posting-of-workers",
        1,
    )
    assert draft not in selectors.question_set_list(area=services_area)
    assert not draft.is_available()
    assert list(draft.questions.values_list("code", "position")) == [("Q-01", 1), ("Q-02", 2)]


def test_only_the_network_administrator_writes(draft, handler, lda, coordinator_lda):
    for user in (handler, lda, coordinator_lda):
        with pytest.raises(PermissionDenied):
            services.question_set_update(actor=user, question_set=draft, titles={"en": "X"})
        with pytest.raises(PermissionDenied):
            services.question_set_create(
                actor=user, area=draft.area, code="other", titles={"en": "Other"}
            )


def test_codes_are_checked(draft, network_admin):
    with pytest.raises(ApplicationError, match="exists already"):
        services.question_set_create(
            actor=network_admin, area=draft.area, code="posting-of-workers", titles={"en": "X"}
        )
    with pytest.raises(ApplicationError, match="letters a to z"):
        services.question_set_create(
            actor=network_admin, area=draft.area, code="two words", titles={"en": "X"}
        )
    with pytest.raises(ApplicationError, match="already"):
        services.question_add(
            actor=network_admin,
            question_set=draft,
            code="Q-01",
            answer_type="yes_no",
            texts={"en": "Again?"},
        )


def test_a_choice_question_needs_two_options(draft, network_admin):
    with pytest.raises(ApplicationError, match="at least two options") as error:
        services.question_add(
            actor=network_admin,
            question_set=draft,
            code="Q-03",
            answer_type="choice",
            texts={"en": "Which?"},
            choices=[{"code": "a", "texts": {"en": "A"}}],
        )
    assert error.value.field == "choices"
    assert not draft.questions.filter(code="Q-03").exists()


def test_texts_are_checked(draft, network_admin):
    with pytest.raises(ApplicationError, match="at most 200"):
        services.question_set_update(
            actor=network_admin, question_set=draft, titles={"en": "x" * 10_000}
        )
    with pytest.raises(ApplicationError, match="control characters"):
        services.question_set_update(
            actor=network_admin, question_set=draft, titles={"en": "Bad\x00title"}
        )
    services.question_set_update(
        actor=network_admin,
        question_set=draft,
        titles={"en": "Posting of workers", "el": "Απόσπαση εργαζομένων", "bg": "Командироване"},
    )
    assert _refresh(draft).titles["el"] == "Απόσπαση εργαζομένων"


def test_move_and_remove_keep_the_order(draft, network_admin):
    q1, q2 = draft.questions.order_by("position")
    services.question_move(actor=network_admin, question=q2, up=True)
    assert list(draft.questions.order_by("position").values_list("code", flat=True)) == [
        "Q-02",
        "Q-01",
    ]
    services.question_move(actor=network_admin, question=q2, up=True)  # at the top already
    services.question_remove(actor=network_admin, question=q2)
    assert list(draft.questions.values_list("code", "position")) == [("Q-01", 1)]


def test_publishing_needs_every_text_in_english(draft, network_admin):
    question = draft.questions.get(code="Q-01")
    services.question_update(
        actor=network_admin,
        question=question,
        code="Q-01",
        answer_type="yes_no",
        texts={"en": "Is the worker posted?"},
    )
    Question.objects.filter(pk=question.pk).update(texts={"nl": "Alleen Nederlands"})
    with pytest.raises(ApplicationError, match="Q-01 needs its text in English"):
        services.question_set_publish(actor=network_admin, question_set=draft)
    assert _refresh(draft).status == QuestionSet.Status.DRAFT


def test_publishing_offers_the_set_and_freezes_it(draft, network_admin, services_area):
    services.question_set_publish(actor=network_admin, question_set=draft)
    published = _refresh(draft)
    assert published.status == QuestionSet.Status.PUBLISHED and published.published_at
    assert published in selectors.question_set_list(area=services_area)
    question = published.questions.first()
    writes = [
        lambda: services.question_set_update(
            actor=network_admin, question_set=published, titles={"en": "Changed"}
        ),
        lambda: services.question_add(
            actor=network_admin,
            question_set=published,
            code="Q-09",
            answer_type="yes_no",
            texts={"en": "New?"},
        ),
        lambda: services.question_update(
            actor=network_admin,
            question=question,
            code="Q-01",
            answer_type="yes_no",
            texts={"en": "Changed?"},
        ),
        lambda: services.question_remove(actor=network_admin, question=question),
        lambda: services.question_move(actor=network_admin, question=question, up=False),
        lambda: services.question_set_publish(actor=network_admin, question_set=published),
        lambda: services.question_set_discard_draft(actor=network_admin, question_set=published),
        lambda: services.question_set_translate(
            actor=network_admin, question_set=published, language="nl", title="Anders"
        ),
    ]
    for write in writes:
        with pytest.raises(ApplicationError, match=NEVER):
            write()
    assert _refresh(draft).titles["en"] == "Posting of workers"
    assert question.texts == Question.objects.get(pk=question.pk).texts


def test_a_new_version_copies_and_replaces_on_publishing(draft, network_admin, services_area):
    answer = StandardAnswer.objects.create(code="not_competent", texts={"en": "Not competent."})
    q1 = draft.questions.get(code="Q-01")
    q1.standard_answers.add(answer)
    v1 = services.question_set_publish(actor=network_admin, question_set=draft)
    v2 = services.question_set_new_version(actor=network_admin, question_set=v1)
    assert (v2.code, v2.family, v2.version_number, v2.status) == (
        "posting-of-workers-v2",
        "posting-of-workers",
        2,
        QuestionSet.Status.DRAFT,
    )
    copied = v2.questions.get(code="Q-01")
    assert copied.pk != q1.pk and copied.texts == q1.texts
    assert list(copied.standard_answers.all()) == [answer]
    assert v2.questions.get(code="Q-02").choices == draft.questions.get(code="Q-02").choices
    # The one draft per family: asking again shows that draft.
    with pytest.raises(services.DraftExistsError) as exists:
        services.question_set_new_version(actor=network_admin, question_set=v1)
    assert exists.value.draft == v2
    # While v2 is a draft, v1 is offered.
    assert list(selectors.question_set_list(area=services_area)) == [_refresh(v1)]
    services.question_set_publish(actor=network_admin, question_set=v2)
    v1 = _refresh(v1)
    assert v1.status == QuestionSet.Status.SUPERSEDED and not v1.is_active
    assert list(selectors.question_set_list(area=services_area)) == [_refresh(v2)]
    with pytest.raises(ApplicationError, match="Only the published version"):
        services.question_set_new_version(actor=network_admin, question_set=v1)
    v3 = services.question_set_new_version(actor=network_admin, question_set=_refresh(v2))
    assert v3.code == "posting-of-workers-v3"


def test_a_draft_can_be_discarded(draft, network_admin):
    services.question_set_discard_draft(actor=network_admin, question_set=draft)
    assert not QuestionSet.objects.filter(code="posting-of-workers").exists()
    assert not Question.objects.filter(code__in=["Q-01", "Q-02"]).exists()


def test_translating_and_its_status(draft, network_admin):
    q1, q2 = draft.questions.order_by("position")
    by_language = {
        s.language: s for s in selectors.question_set_translation_list(question_set=draft)
    }
    # title, description, 2 questions, 1 help, 2 options
    assert by_language["en"].needed == 7 and by_language["en"].complete
    assert by_language["nl"].present == 1 and by_language["nl"].missing == 6
    services.question_set_translate(
        actor=network_admin,
        question_set=draft,
        language="nl",
        title="Detachering van werknemers",
        description="Werknemers die in het buitenland werken.",
        questions={
            q1.pk: {"text": "Is de werknemer gedetacheerd?"},
            q2.pk: {
                "text": "Welk contract?",
                "help": "Zoals de werkgever het zegt.",
                "choices": {0: "Bepaalde tijd", 1: "Onbepaalde tijd"},
            },
        },
    )
    by_language = {
        s.language: s for s in selectors.question_set_translation_list(question_set=_refresh(draft))
    }
    assert by_language["nl"].complete
    assert Question.objects.get(pk=q2.pk).choices[1]["texts"] == {
        "en": "Open ended",
        "nl": "Onbepaalde tijd",
    }
    with pytest.raises(ApplicationError):
        services.question_set_translate(
            actor=network_admin, question_set=draft, language="en", title="x"
        )


# --- versions in use -------------------------------------------------------------------------


def test_a_request_keeps_the_version_it_was_sent_with(world, make_request, network_admin, client):
    info_request = make_request(State.ANSWERED)
    v1 = world.question_set
    v2 = services.question_set_new_version(actor=network_admin, question_set=v1)
    services.question_update(
        actor=network_admin,
        question=v2.questions.get(code="S-01"),
        code="S-01",
        answer_type="yes_no",
        texts={"en": "Is it in the trade register since 2020?", "nl": "Sinds 2020?"},
    )
    services.question_set_publish(actor=network_admin, question_set=v2)
    assert info_request.question_set_id == v1.pk
    client.force_login(world["handler"])
    page = client.get(reverse("exchange:detail", args=[info_request.pk])).content.decode()
    assert "Is it registered?" in page and "trade register since 2020" not in page
    report = docx_text(
        documents.full_report(info_request=info_request, actor=world["handler"], language="en")
    )
    assert "Is it registered?" in report and "trade register since 2020" not in report


def test_drafts_never_reach_compose_or_the_api(world, network_admin, client):
    draft = services.question_set_new_version(actor=network_admin, question_set=world.question_set)
    services.question_set_update(
        actor=network_admin, question_set=draft, titles={"en": "Secret draft title"}
    )
    client.force_login(world["handler"])
    page = client.get(reverse("exchange:compose")).content.decode()
    assert "Services: establishment" in page and "Secret draft title" not in page
    from openimi.api import tokens

    secret = tokens.token_create(actor=world["handler"], user=world["handler"], name="t").secret
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    listed = client.get("/api/v1/question-sets/", **headers).json()
    assert draft.pk not in [row["id"] for row in listed["results"]]
    assert client.get(f"/api/v1/question-sets/{draft.pk}/", **headers).status_code == 404
    assert (
        client.get(f"/api/v1/question-sets/{world.question_set.pk}/", **headers).status_code == 200
    )


# --- the fixture loader ----------------------------------------------------------------------


def test_the_loader_leaves_families_versioned_in_the_product_alone(world, network_admin, tmp_path):
    v1 = world.question_set
    Question.objects.filter(question_set=v1, code="S-01").update(texts={"en": "Tampered"})
    draft = services.question_set_new_version(actor=network_admin, question_set=v1)
    out = io.StringIO()
    counts = load_question_sets(directory=write_sample(tmp_path / "again"), stdout=out)
    assert counts["question_sets"].left_alone == ["services-sample"]
    assert "question set services-sample: left as it is" in out.getvalue()
    # The family is left as it is; the other set of the fixtures is still loaded.
    assert Question.objects.get(question_set=v1, code="S-01").texts == {"en": "Tampered"}
    assert QuestionSet.objects.filter(family="services-sample").count() == 2
    assert _refresh(draft).status == QuestionSet.Status.DRAFT
    assert counts["question_sets"].items == 1


def test_the_loader_creates_what_is_missing(world, network_admin, tmp_path):
    services.question_set_create(
        actor=network_admin, area=world.area, code="made-here", titles={"en": "Made here"}
    )
    Question.objects.filter(question_set__code="services-practice").delete()  # no request
    QuestionSet.objects.filter(code="services-practice").delete()
    counts = load_question_sets(directory=write_sample(tmp_path / "again"))
    assert counts["question_sets"].created == 1
    assert QuestionSet.objects.get(code="services-practice").is_available()
    assert QuestionSet.objects.get(code="made-here").status == QuestionSet.Status.DRAFT


def test_done_when_a_german_request_with_a_new_set_reads_in_dutch(world, network_admin, client):
    """Issue 19's story: the set written in English, Dutch and German, published; a German
    authority sends a request with it; the Dutch side reads it in Dutch; a new version later
    leaves that request as it was."""
    draft = services.question_set_create(
        actor=network_admin,
        area=world.area,
        code="posting-of-workers",
        titles={"en": "Posting of workers", "nl": "Detachering", "de": "Entsendung"},
    )
    question = services.question_add(
        actor=network_admin,
        question_set=draft,
        code="Q-01",
        answer_type="yes_no",
        texts={
            "en": "Is the worker posted?",
            "nl": "Is de werknemer gedetacheerd?",
            "de": "Ist der Arbeitnehmer entsandt?",
        },
    )
    published = services.question_set_publish(actor=network_admin, question_set=draft)
    german = world["resp_handler"]
    info_request = services.request_create_draft(
        actor=german,
        area=world.area,
        question_set=published,
        responding_authority=world.requesting,
    )
    services.request_update_draft(
        info_request=info_request,
        actor=german,
        questions=[question],
        reply_by=timezone.localdate() + dt.timedelta(days=14),
        justification="Wir prüfen die Entsendung.",
        justification_language="de",
    )
    services.request_set_personal_data(
        info_request=info_request, actor=german, data={"provider_name": "Bau GmbH"}
    )
    services.request_send(info_request=info_request, actor=german)
    dutch = world["handler2"]
    client.force_login(dutch)
    url = reverse("exchange:detail", args=[info_request.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Is de werknemer gedetacheerd?" in page
    v2 = services.question_set_new_version(actor=network_admin, question_set=published)
    services.question_update(
        actor=network_admin,
        question=v2.questions.get(code="Q-01"),
        code="Q-01",
        answer_type="yes_no",
        texts={"en": "Changed?", "nl": "Gewijzigd?"},
    )
    services.question_set_publish(actor=network_admin, question_set=v2)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Is de werknemer gedetacheerd?" in page and "Gewijzigd?" not in page
