"""The seed story, through the API alone: a German authority asks Gemeente Oeteldonk (which
works with allocation) about a provider's building permit and criminal record; the allocator
allocates to Pieter de Kort; he answers, using the data-protection standard answer for the
criminal-sanctions question and naming Dienst Justis; the requester accepts; closed."""

import datetime as dt

import pytest
from django.utils import timezone

from openimi.accounts.models import Role
from openimi.exchange.reference import load_question_sets
from tests.exchange.conftest import SAMPLE, write_sample
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STORY_SET = {
    "version": "story.1",
    "standard_answers": SAMPLE["standard_answers"],
    "question_sets": [
        {
            "code": "services-story",
            "area": "services",
            "is_practice": False,
            "titles": {"en": "Services: permits and sanctions", "nl": "Diensten: vergunningen"},
            "questions": [
                {
                    "code": "PERMIT",
                    "answer_type": "yes_no",
                    "texts": {
                        "en": "Does the provider hold a valid building permit?",
                        "nl": "Heeft de dienstverrichter een geldige bouwvergunning?",
                    },
                    "standard_answers": ["data_protection"],
                },
                {
                    "code": "CRIMINAL",
                    "answer_type": "yes_no_unknown",
                    "texts": {
                        "en": "Has the provider been convicted of a criminal offence?",
                        "nl": "Is de dienstverrichter strafrechtelijk veroordeeld?",
                    },
                    "standard_answers": ["data_protection"],
                },
            ],
        }
    ],
}


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def test_seed_story_through_the_api(api, world, tmp_path):
    load_question_sets(directory=write_sample(tmp_path / "story", STORY_SET))
    world.set_prefs(world.requesting, uses_allocation=True)
    pieter = UserFactory(
        authority=world.requesting,
        username="pdekort",
        first_name="Pieter",
        last_name="de Kort",
        roles=[(Role.REQUEST_HANDLER, world.area)],
    )
    german = api(world["resp_handler"])  # Gewerbeamt Köln
    allocator = api(world["allocator"])  # Gemeente Oeteldonk
    handler = api(pieter)

    # The German handler finds Oeteldonk in the directory and the question set.
    found = ok(german.get("/api/v1/authorities/", {"text": "Oeteldonk", "area": "services"}))
    oeteldonk = next(a for a in found["results"] if a["official_name"] == "Gemeente Oeteldonk")
    sets = ok(german.get("/api/v1/question-sets/", {"area": "services"}))
    story_set = next(q for q in sets["results"] if q["code"] == "services-story")
    questions = ok(german.get(f"/api/v1/question-sets/{story_set['id']}/"))["questions"]

    draft = ok(
        german.post(
            "/api/v1/requests/",
            {
                "area": world.area.pk,
                "question_set": story_set["id"],
                "questions": [q["id"] for q in questions],
                "responding_authority": oeteldonk["id"],
                "reply_by": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
                "justification": "Bauantrag: we must check the provider's permit and record.",
                "justification_language": "en",
            },
            format="json",
        ),
        201,
    )
    pk = draft["id"]
    assert draft["status"] == "draft"
    ok(
        german.put(
            f"/api/v1/requests/{pk}/personal-data/",
            {"provider_name": "Bouwbedrijf Jansen B.V.", "city": "Oeteldonk"},
            format="json",
        )
    )
    assert ok(german.post(f"/api/v1/requests/{pk}/send/"))["status"] == "awaiting_acceptance"

    # Oeteldonk: the allocator sees it among the incoming requests and allocates it.
    incoming = ok(allocator.get("/api/v1/requests/", {"direction": "incoming"}))
    assert [row["id"] for row in incoming["results"]] == [pk]
    candidates = ok(allocator.get(f"/api/v1/requests/{pk}/allocation-candidates/"))
    pieter_id = next(c["id"] for c in candidates if c["name"] == "Pieter de Kort")
    ok(allocator.post(f"/api/v1/requests/{pk}/allocate/", {"handlers": [pieter_id]}, format="json"))

    # Pieter accepts and answers.
    assert ok(handler.post(f"/api/v1/requests/{pk}/accept/"))["status"] == "accepted"
    asked = {q["code"]: q["id"] for q in ok(handler.get(f"/api/v1/requests/{pk}/"))["questions"]}
    ok(handler.put(f"/api/v1/requests/{pk}/questions/{asked['PERMIT']}/answer/", {"value": "yes"}))
    ok(
        handler.put(
            f"/api/v1/requests/{pk}/questions/{asked['CRIMINAL']}/answer/",
            {
                "standard_answer": "data_protection",
                "free_text": "Ask Dienst Justis for a certificate of conduct (VOG).",
                "free_text_language": "en",
            },
            format="json",
        )
    )
    assert ok(handler.post(f"/api/v1/requests/{pk}/answer/"))["status"] == "answered"

    # The requester reads the answers and accepts them.
    detail = ok(german.get(f"/api/v1/requests/{pk}/"))
    answers = {q["code"]: q["answer"] for q in detail["questions"]}
    assert answers["PERMIT"]["value"] == "yes"
    assert answers["CRIMINAL"]["standard_answer"] == "data_protection"
    assert "Dienst Justis" in answers["CRIMINAL"]["free_text"]
    assert ok(german.post(f"/api/v1/requests/{pk}/accept-answer/"))["status"] == "closed"

    timeline = ok(german.get(f"/api/v1/requests/{pk}/timeline/"))
    codes = [entry["code"] for entry in timeline]
    assert codes[-1] == "request.answer_accepted"
    assert "request.sent" in codes and "request.answered" in codes
