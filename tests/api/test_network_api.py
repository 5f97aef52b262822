"""Running the network through the API (issue 19): legislative areas, keywords, policy areas
and question set versions, for the network administrator; reading the reference data is
everyone's. Each endpoint: allowed, refused (404 for a logged-in user who may not, 401
without a token), and what it wrote."""

import json

import pytest

from openimi.accounts.models import Role
from openimi.authorities.models import Keyword, LegislativeArea, PolicyArea
from openimi.exchange.models import QuestionSet
from openimi.network.models import AuthorityEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAMES = {"en": "Posting of workers", "nl": "Detachering van werknemers", "de": "Entsendung"}


@pytest.fixture
def admin_api(api, network_admin):
    return api(network_admin)


@pytest.fixture
def others(lda, handler, coordinator_lda, national_coordinator_lda, other_lda):
    return [lda, handler, coordinator_lda, national_coordinator_lda, other_lda]


def _refused(api, others, method, path, body=None):
    for user in others:
        response = getattr(api(user), method)(path, body or {}, format="json")
        assert response.status_code == 404, (user.username, response.content)
    response = getattr(api(), method)(path, body or {}, format="json")
    assert response.status_code == 401


def test_an_area_is_created_read_and_changed(api, admin_api, others, handler):
    _refused(api, others, "post", "/api/v1/legislative-areas/", {"code": "x", "names": NAMES})
    assert not LegislativeArea.objects.filter(code="x").exists()

    response = admin_api.post(
        "/api/v1/legislative-areas/", {"code": "posting-of-workers", "names": NAMES}, format="json"
    )
    assert response.status_code == 201, response.content
    area = LegislativeArea.objects.get(code="posting-of-workers")
    assert area.names["de"] == "Entsendung"
    assert response.json()["id"] == area.pk

    listed = api(handler).get("/api/v1/legislative-areas/")  # reference data: everyone reads
    assert listed.status_code == 200
    assert "posting-of-workers" in [row["code"] for row in listed.json()]
    assert api().get("/api/v1/legislative-areas/").status_code == 401

    path = f"/api/v1/legislative-areas/{area.pk}/"
    change = {"names": {**NAMES, "en": "Posted workers"}, "position": 7}
    _refused(api, others, "patch", path, change)
    response = admin_api.patch(path, change, format="json")
    assert response.status_code == 200
    area.refresh_from_db()
    assert area.names["en"] == "Posted workers" and area.position == 7


def test_bad_input_is_400_with_the_field_and_nothing_is_written(admin_api, services_area):
    for body, field in [
        ({"code": "services", "names": NAMES}, "code"),  # exists
        ({"code": "no spaces", "names": NAMES}, "code"),
        ({"code": "x1", "names": {"nl": "Alleen Nederlands"}}, "names"),  # English required
        ({"code": "x2", "names": {"en": "Bad\x07bell"}}, "names"),
        ({"code": "x3", "names": {"en": "x" * 10_000}}, "names"),
    ]:
        response = admin_api.post("/api/v1/legislative-areas/", body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert response.json()["field"].startswith(field[:4]), response.json()
    assert LegislativeArea.objects.count() == 1
    greek = admin_api.post(
        "/api/v1/legislative-areas/",
        {"code": "greek", "names": {"en": "Greek", "el": "Απόσπαση εργαζομένων"}},
        format="json",
    )
    assert greek.status_code == 201
    assert LegislativeArea.objects.get(code="greek").names["el"] == "Απόσπαση εργαζομένων"


def test_keywords_and_policy_areas(api, admin_api, others, services_area, handler):
    path = f"/api/v1/legislative-areas/{services_area.pk}/keywords/"
    body = {"code": "permits", "names": {"en": "Permits", "nl": "Vergunningen"}}
    _refused(api, others, "post", path, body)
    response = admin_api.post(path, body, format="json")
    assert response.status_code == 201, response.content
    keyword = Keyword.objects.get(area=services_area, code="permits")
    change = {"names": {"en": "Permits and licences"}, "position": 3}
    _refused(api, others, "patch", f"/api/v1/keywords/{keyword.pk}/", change)
    assert admin_api.patch(f"/api/v1/keywords/{keyword.pk}/", change, format="json").json()[
        "names"
    ] == {"en": "Permits and licences"}
    area = api(handler).get(f"/api/v1/legislative-areas/{services_area.pk}/").json()
    assert [row["code"] for row in area["keywords"]] == ["permits"]

    body = {"code": "environment", "names": {"en": "Environment"}}
    _refused(api, others, "post", "/api/v1/policy-areas/", body)
    assert admin_api.post("/api/v1/policy-areas/", body, format="json").status_code == 201
    assert PolicyArea.objects.filter(code="environment").exists()
    assert "environment" in [
        row["code"] for row in api(handler).get("/api/v1/policy-areas/").json()
    ]


def _set_file(area_code: str) -> dict:
    texts = {"en": "Does the worker hold an A1 certificate?", "nl": "Heeft de werknemer een A1?"}
    return {
        "version": "export",
        "standard_answers": [],
        "question_sets": [
            {
                "code": "posting",
                "area": area_code,
                "titles": {"en": "Posting of workers", "nl": "Detachering"},
                "questions": [{"code": "P-01", "answer_type": "yes_no", "texts": texts}],
            }
        ],
    }


def test_a_question_set_is_imported_published_and_versioned(api, admin_api, others, services_area):
    body = _set_file(services_area.code)
    _refused(api, others, "post", "/api/v1/question-sets/import/", body)
    response = admin_api.post("/api/v1/question-sets/import/", body, format="json")
    assert response.status_code == 201, response.content
    draft = QuestionSet.objects.get(pk=response.json()["id"])
    assert draft.status == QuestionSet.Status.DRAFT and draft.family == "posting"

    # A draft is nobody's to read in the list of offered sets, but its file is the admin's.
    file_path = f"/api/v1/question-sets/{draft.pk}/file/"
    _refused(api, others, "get", file_path)
    exported = json.loads(admin_api.get(file_path).content)
    assert exported["question_sets"][0]["questions"][0]["code"] == "P-01"

    publish = f"/api/v1/question-sets/{draft.pk}/publish/"
    _refused(api, others, "post", publish)
    response = admin_api.post(publish, format="json")
    assert response.status_code == 200 and response.json()["status"] == "published"

    new_version = f"/api/v1/question-sets/{draft.pk}/new-version/"
    _refused(api, others, "post", new_version)
    response = admin_api.post(new_version, format="json")
    assert response.status_code == 201
    assert response.json()["code"] == "posting-v2" and response.json()["status"] == "draft"
    # A published version never changes: publishing it again is refused with the reason.
    again = admin_api.post(publish, format="json")
    assert again.status_code == 400


def test_a_bad_file_lists_every_problem_and_writes_nothing(admin_api, services_area):
    body = _set_file(services_area.code)
    questions = body["question_sets"][0]["questions"]
    questions.append({**questions[0], "code": "P-02"})
    for question in questions:
        question["answer_type"] = "poetry"
    response = admin_api.post("/api/v1/question-sets/import/", body, format="json")
    assert response.status_code == 400
    assert len(response.json()["errors"]) >= 2, response.json()
    assert not QuestionSet.objects.filter(family="posting").exists()
    assert not AuthorityEvent.objects.exists()


def test_a_national_coordinators_supervisor_is_refused_too(
    api, national_coordinator, services_area
):
    supervisor = UserFactory(
        authority=national_coordinator, roles=[(Role.SUPERVISOR, services_area)]
    )
    response = api(supervisor).post(
        "/api/v1/legislative-areas/", {"code": "x", "names": NAMES}, format="json"
    )
    assert response.status_code == 404
