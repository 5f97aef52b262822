"""Alerts through the API (issue 22): the list and its filters, drafts, the detail with its
personal data (recorded), every transition, the recipient countries' steps, and the errors:
400 per field, 404 for not yours, 409 for a step that no longer applies."""

# The alerts' fixtures are imported into this module (tests/api/conftest.py has the
# exchange's ``world``), so their names come back as test parameters.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openimi.alerts import events, services
from openimi.alerts.models import Alert, AlertEvent
from openimi.alerts.types import AlertType
from tests.alerts.conftest import (  # noqa: F401 - fixtures
    PQ_PERSONAL,
    distributed_alert,
    pq_alert,
    pq_area,
    pq_fields,
    sent_alert,
    world,
)

pytestmark = pytest.mark.django_db


def _body(**overrides) -> dict:
    fields = {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in pq_fields().items()
    }
    return {
        "kind": AlertType.PQ_HEALTH,
        "language": "en",
        **fields,
        "personal_data": dict(PQ_PERSONAL),
        **overrides,
    }


def _path(alert, suffix: str = "") -> str:
    return f"/api/v1/alerts/{alert.pk if hasattr(alert, 'pk') else alert}/{suffix}"


def _fields(response) -> set:
    return {error["field"] for error in response.json()["errors"]}


def test_create_a_draft_then_read_it_with_its_personal_data_recorded(api, world):
    client = api(world.sender_handler)
    response = client.post("/api/v1/alerts/", _body(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft"
    assert data["kind"] == "pq_health"
    assert data["reference"] == f"A-{data['id']}"
    assert data["personal_data"]["full_name"] == "Johanna Maria de Vries"
    assert data["personal_data"]["date_of_birth"] == "1980-04-12"
    assert data["activity"] == "Nurse (verpleegkundige)"
    assert data["available_transitions"] == ["edit_draft", "submit"]
    viewed = AlertEvent.objects.filter(alert_id=data["id"], code=events.PERSONAL_DATA_VIEWED)
    assert [event.data for event in viewed] == [{"part": "api"}]
    assert viewed.get().via == "api"

    detail = client.get(_path(data["id"]))
    assert detail.status_code == 200
    assert detail.json()["personal_data"]["identifier"] == "BIG 19012345601"
    assert viewed.all().count() == 2  # a fresh count: the list above filled the cache


def test_bad_input_is_400_per_field_and_writes_nothing(api, world):
    client = api(world.sender_handler)
    cases = [
        ({"kind": "tax"}, "kind"),
        ({"decision_date": "12/04/2026"}, "decision_date"),
        ({"personal_data": {"date_of_birth": "2999-01-01"}}, "personal.date_of_birth"),
        ({"activity": "Nurse\x00"}, "activity"),
        ({"activity": "x" * 301}, "activity"),
        ({"kind": "services", "countries": ["XX"]}, "countries"),
        ({"kind": "services", "countries": ["NL"]}, "countries"),
        ({"restriction_start": "2026-05-01", "restriction_end": "2026-04-01"}, "restriction_end"),
        ({"language": "not a language"}, "language"),
    ]
    for change, field in cases:
        response = client.post("/api/v1/alerts/", _body(**change), format="json")
        assert response.status_code == 400, (change, response.content)
        assert field in _fields(response), (change, response.json())
        assert response.json()["detail"]
    assert not Alert.objects.exists()


def test_kind_missing_is_400(api, world):
    body = _body()
    del body["kind"]
    response = api(world.sender_handler).post("/api/v1/alerts/", body, format="json")
    assert response.status_code == 400
    assert _fields(response) == {"kind"}


def test_text_from_the_wild_is_kept(api, world):
    long_text = "Ζημία υγείας; 損害; ضرر. " * 500  # over 10,000 characters, other scripts
    assert len(long_text) >= 10000
    response = api(world.sender_handler).post(
        "/api/v1/alerts/",
        _body(description=long_text, activity="Pielęgniarka – 看護師"),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["description"] == long_text.strip()
    assert response.json()["activity"] == "Pielęgniarka – 看護師"


def test_patch_saves_only_what_is_given(api, world, pq_alert):
    client = api(world.sender_handler)
    response = client.patch(
        _path(pq_alert),
        {"measures": "Registration suspended.", "personal_data": {"nationality": "Belgian"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["measures"] == "Registration suspended."
    assert data["personal_data"]["nationality"] == "Belgian"
    assert data["personal_data"]["full_name"] == PQ_PERSONAL["full_name"]
    assert data["activity"] == "Nurse (verpleegkundige)"

    refused = client.patch(_path(pq_alert), {"decision_date": "2999-01-01"}, format="json")
    assert refused.status_code == 400
    assert _fields(refused) == {"decision_date"}
    pq_alert.refresh_from_db()
    assert pq_alert.decision_date != dt.date(2999, 1, 1)


def test_incomplete_draft_lists_every_missing_field(api, world):
    client = api(world.sender_handler)
    draft = client.post("/api/v1/alerts/", {"kind": "pq_health"}, format="json").json()
    response = client.post(_path(draft["id"], "submit/"))
    assert response.status_code == 400
    assert {
        "personal.full_name",
        "personal.date_of_birth",
        "activity",
        "deciding_authority",
        "decision_date",
        "restriction_scope",
        "restriction_start",
    } <= _fields(response)
    assert Alert.objects.get(pk=draft["id"]).status == "draft"


def test_the_whole_life_of_an_alert_through_the_api(api, world, pq_alert):
    sender, validator = api(world.sender_handler), api(world.nl_alco_user)
    german, german_reader = api(world.de_alco_user), api(world.de_reader)

    assert sender.post(_path(pq_alert, "submit/")).json()["status"] == "awaiting_validation"
    assert "validate" in validator.get(_path(pq_alert)).json()["available_transitions"]
    sent = validator.post(_path(pq_alert, "validate/")).json()
    assert sent["status"] == "sent"
    assert [row["country"] for row in sent["recipients"]] == ["DE", "FR", "PL"]

    # The German coordinator sees its own country's row and acts on it.
    seen = german.get(_path(pq_alert)).json()
    assert [row["country"] for row in seen["recipients"]] == ["DE"]
    assert set(seen["available_transitions"]) == {"acknowledge", "distribute"}
    acknowledged = german.post(_path(pq_alert, "countries/de/acknowledge/")).json()
    assert acknowledged["recipients"][0]["status"] == "acknowledged"
    assert german.post(_path(pq_alert, "countries/DE/acknowledge/")).status_code == 409
    distributed = german.post(
        _path(pq_alert, "countries/DE/distribute/"),
        {"authorities": [world.de_authority.pk]},
        format="json",
    )
    assert distributed.status_code == 200, distributed.content
    assert distributed.json()["recipients"][0]["distributions"][0]["authority"] == (
        world.de_authority.pk
    )
    wrong = german.post(
        _path(pq_alert, "countries/DE/distribute/"),
        {"authorities": [world.pl_authority.pk]},
        format="json",
    )
    assert wrong.status_code == 400
    assert _fields(wrong) == {"authorities"}
    # The Polish coordinator cannot act for Germany; a code that is no country is 404 too.
    assert (
        api(world.pl_alco_user).post(_path(pq_alert, "countries/DE/acknowledge/")).status_code
        == 404
    )
    assert german.post(_path(pq_alert, "countries/D%00/acknowledge/")).status_code == 404

    # The German authority reads it with the personal data; no country's progress.
    read = german_reader.get(_path(pq_alert)).json()
    assert read["personal_data"]["full_name"] == PQ_PERSONAL["full_name"]
    assert read["recipients"] == []
    assert read["available_transitions"] == []

    # New information: proposed, returned, proposed again and validated.
    update = sender.post(
        _path(pq_alert, "propose-update/"),
        {"text": "Also registered in Belgium.", "language": "en"},
        format="json",
    ).json()["updates"][-1]
    assert update["status"] == "awaiting_validation"
    assert german_reader.get(_path(pq_alert)).json()["updates"] == []
    returned = validator.post(
        _path(pq_alert, f"updates/{update['id']}/return/"),
        {"reason": "Say which register.", "language": "en"},
        format="json",
    )
    assert returned.json()["updates"][-1]["status"] == "returned"
    assert validator.post(_path(pq_alert, f"updates/{update['id']}/validate/")).status_code == 409
    second = sender.post(
        _path(pq_alert, "propose-update/"),
        {"text": "Registered with the Belgian Order of Nurses.", "language": "en"},
        format="json",
    ).json()["updates"][-1]
    validator.post(_path(pq_alert, f"updates/{second['id']}/validate/"))
    shown = german_reader.get(_path(pq_alert)).json()["updates"]
    assert [u["text"] for u in shown] == ["Registered with the Belgian Order of Nurses."]

    # Closure: proposed, refused, proposed again, validated.
    reason = {"reason": "The restriction was lifted on appeal.", "language": "en"}
    proposed = sender.post(_path(pq_alert, "propose-closure/"), reason, format="json")
    assert proposed.json()["status"] == "closure_proposed"
    refused = validator.post(
        _path(pq_alert, "return-closure/"), {"reason": "Send the appeal decision."}, format="json"
    )
    assert refused.json()["status"] == "sent"
    sender.post(_path(pq_alert, "propose-closure/"), reason, format="json")
    closed = validator.post(_path(pq_alert, "validate-closure/"))
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_at"]
    assert sender.post(_path(pq_alert, "withdraw/"), reason, format="json").status_code == 409


def test_returned_to_the_sender_is_204_for_the_coordinator(api, world, pq_alert):
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    validator = api(world.nl_alco_user)
    missing = validator.post(_path(pq_alert, "return/"), {"reason": ""}, format="json")
    assert missing.status_code == 400
    assert _fields(missing) == {"reason"}
    response = validator.post(
        _path(pq_alert, "return/"), {"reason": "Add the register number."}, format="json"
    )
    assert response.status_code == 204
    draft = api(world.sender_handler).get(_path(pq_alert)).json()
    assert draft["status"] == "draft"
    assert draft["updates"][-1]["kind"] == "return"
    assert draft["updates"][-1]["text"] == "Add the register number."
    assert validator.get(_path(pq_alert)).status_code == 404


def test_withdrawal_by_the_sender(api, world, sent_alert):
    response = api(world.sender_handler).post(
        _path(sent_alert, "withdraw/"), {"reason": "Sent about the wrong person."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    read = api(world.de_alco_user).get(_path(sent_alert)).json()
    assert [u["kind"] for u in read["updates"]] == ["withdrawal"]


def test_no_personal_data_once_removed_and_nothing_recorded(api, world, sent_alert):
    Alert.objects.filter(pk=sent_alert.pk).update(personal_data_removed_at=timezone.now())
    before = AlertEvent.objects.filter(code=events.PERSONAL_DATA_VIEWED).count()
    data = api(world.de_alco_user).get(_path(sent_alert)).json()
    assert data["personal_data"] is None
    assert data["description"] is None
    assert data["restriction_scope"] is None
    assert data["personal_data_removed_at"]
    assert data["activity"] == "Nurse (verpleegkundige)"
    assert AlertEvent.objects.filter(code=events.PERSONAL_DATA_VIEWED).count() == before


def test_not_yours_reads_as_missing(api, world, distributed_alert):
    french_reader = api(world.fr_reader)
    not_yours = french_reader.get(_path(distributed_alert))
    missing = french_reader.get("/api/v1/alerts/999999/")
    assert not_yours.status_code == missing.status_code == 404
    assert not_yours.json() == missing.json()
    assert french_reader.get("/api/v1/alerts/").json()["results"] == []


def test_list_filters_and_who_sees_what(api, world, pq_alert):
    services_draft = services.alert_create_draft(
        actor=world.sender_handler, alert_type=AlertType.SERVICES, language="en"
    )
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    services.alert_validate(alert=pq_alert, actor=world.nl_alco_user)
    sender = api(world.sender_handler)

    def ids(client, query=""):
        response = client.get(f"/api/v1/alerts/{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids(sender) == [services_draft.pk, pq_alert.pk]
    assert ids(sender, "?status=draft") == [services_draft.pk]
    assert ids(sender, "?status=sent&status=closed") == [pq_alert.pk]
    assert ids(sender, "?kind=services") == [services_draft.pk]
    assert ids(api(world.de_alco_user)) == [pq_alert.pk]
    assert ids(api(world.de_reader)) == []  # not passed to it yet
    bad = sender.get("/api/v1/alerts/?status=lost")
    assert bad.status_code == 400
    assert _fields(bad) == {"status.0"}
    assert api().get("/api/v1/alerts/").status_code == 401


def test_list_costs_the_same_for_one_alert_and_many(api, world):
    client = api(world.sender_handler)
    services.alert_create_draft(
        actor=world.sender_handler, alert_type=AlertType.PQ_HEALTH, language="en"
    )
    client.get("/api/v1/alerts/")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/alerts/").json()["results"]) == 1
    for _ in range(12):
        services.alert_create_draft(
            actor=world.sender_handler, alert_type=AlertType.SERVICES, language="en"
        )
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/alerts/").json()["results"]) == 13
    assert len(many) == len(one)


def test_a_step_with_bad_input_or_another_alerts_update_changes_nothing(api, world, sent_alert):
    sender, validator = api(world.sender_handler), api(world.nl_alco_user)
    bad = sender.post(
        _path(sent_alert, "propose-update/"), {"text": "More\x07", "language": "en"}, format="json"
    )
    assert bad.status_code == 400
    assert _fields(bad) == {"text"}
    assert not sent_alert.updates.exists()
    other = services.alert_create_draft(
        actor=world.sender_handler, alert_type=AlertType.PQ_HEALTH, language="en"
    )
    services.alert_propose_update(alert=sent_alert, actor=world.sender_handler, text="More.")
    update = sent_alert.updates.get()
    assert validator.post(_path(other, f"updates/{update.pk}/validate/")).status_code == 404
    assert validator.post(_path(sent_alert, "updates/999999/validate/")).status_code == 404
    update.refresh_from_db()
    assert update.status == "awaiting_validation"
