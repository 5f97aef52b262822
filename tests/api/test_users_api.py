"""The users and roles endpoints: the Manage users pages' rules, through the same services.

The permission matrix (every role, own and other authority, anonymous, revoked and expired
tokens) is in test_permissions.py; these tests follow what each endpoint does.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openimi.accounts.models import Role, RoleGrant, SecurityEvent, User
from openimi.accounts.users import services
from openimi.accounts.users.selectors import TEMPORARY_PASSWORD_EVENT
from openimi.notifications.models import OutboxMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW = {
    "first_name": "Pieter",
    "last_name": "de Kort",
    "language": "nl",
    "email": "p.dekort@oeteldonk.nl",
    "phone": "+31 73 1234567",
}


def users_of(response) -> list[str]:
    return [row["username"] for row in response.json()["results"]]


def create(client, **changes):
    return client.post("/api/v1/users/", {**NEW, **changes}, format="json")


def pending_user(world, username="pending"):
    return UserFactory(
        authority=world.requesting, username=username, status=User.Status.PENDING, last_login=None
    )


class TestList:
    def test_own_authority_only_with_roles(self, api, world):
        response = api(world["lda"]).get("/api/v1/users/")
        assert response.status_code == 200
        names = users_of(response)
        assert {"basic", "handler", "handler2", "allocator", "supervisor", "lda"} <= set(names)
        assert not {"resp_handler", "resp_lda", "third_handler"} & set(names)
        handler = next(r for r in response.json()["results"] if r["username"] == "handler")
        assert handler["roles"] == [
            {"role": "request_handler", "area": world.area.pk, "area_code": "services"}
        ]
        assert handler["status"] == "active"
        assert "password" not in handler

    def test_filters(self, api, world):
        client = api(world["lda"])
        UserFactory(authority=world.requesting, username="jan", first_name="Jan", last_name="Pol")
        assert users_of(client.get("/api/v1/users/", {"text": "jan pol"})) == ["jan"]
        by_role = client.get("/api/v1/users/", {"role": "allocator"})
        assert users_of(by_role) == ["allocator"]
        in_area = client.get("/api/v1/users/", {"role": "request_handler", "area": world.area.pk})
        assert set(users_of(in_area)) == {"handler", "handler2"}
        services.user_delete(actor=world["lda"], user=world["supervisor"])
        assert users_of(client.get("/api/v1/users/", {"status": "inactive"})) == ["supervisor"]
        active = users_of(client.get("/api/v1/users/", {"status": "active"}))
        assert "supervisor" not in active
        assert "lda" in active

    def test_bad_filter_is_400_with_the_field(self, api, world):
        response = api(world["lda"]).get("/api/v1/users/", {"role": "king"})
        assert response.status_code == 400
        assert response.json()["field"] == "role"

    def test_query_count_is_constant(self, api, world, django_assert_num_queries):
        client = api(world["lda"])
        client.get("/api/v1/users/")  # the token's first use also stamps last_used_at
        with CaptureQueriesContext(connection) as first:
            client.get("/api/v1/users/")
        for number in range(5):
            UserFactory(
                authority=world.requesting,
                username=f"extra{number}",
                roles=[(Role.SUPERVISOR, world.area), (Role.ALLOCATOR, world.area)],
            )
        with django_assert_num_queries(len(first.captured_queries)):
            assert len(client.get("/api/v1/users/").json()["results"]) >= 11

    def test_cursor_pages(self, api, world):
        client = api(world["lda"])
        first = client.get("/api/v1/users/", {"page_size": 2}).json()
        second = client.get(first["next"]).json()
        assert len(first["results"]) == len(second["results"]) == 2
        assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


class TestCreate:
    @pytest.mark.parametrize("language", ["de", "pl", "el", "mt", "nb"])
    def test_every_interface_language(self, api, world, language):
        response = create(api(world["lda"]), language=language)
        assert response.status_code == 201, response.content
        assert response.json()["language"] == language

    def test_username_from_the_names_roles_and_a_delayed_mail(self, api, world, settings):
        before = timezone.now()
        response = create(
            api(world["lda"]),
            roles=[
                {"role": "request_handler", "area": world.area.pk},
                {"role": "local_data_administrator"},
            ],
        )
        assert response.status_code == 201, response.content
        data = response.json()
        assert (data["username"], data["status"], data["language"]) == (
            "pieter.dekort",
            "pending",
            "nl",
        )
        assert {(r["role"], r["area"]) for r in data["roles"]} == {
            ("request_handler", world.area.pk),
            ("local_data_administrator", None),
        }
        user = User.objects.get(pk=data["id"])
        assert user.authority == world.requesting
        assert user.must_change_password
        mail = OutboxMessage.objects.get(recipient_user=user, event_code=TEMPORARY_PASSWORD_EVENT)
        assert mail.status == OutboxMessage.Status.PENDING
        assert mail.next_attempt_at >= before + settings.TEMPORARY_PASSWORD_DELAY
        events = set(SecurityEvent.objects.filter(user=user).values_list("event", flat=True))
        assert services.EVENT_CREATED in events

    def test_a_namesake_gets_a_number(self, api, world):
        client = api(world["lda"])
        create(client)
        assert create(client, email="other@oeteldonk.nl").json()["username"] == "pieter.dekort2"

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"email": "not an address"}, "email"),
            ({"first_name": "   "}, "first_name"),
            ({"language": "xx"}, "language"),
            ({"phone": "call me"}, "phone"),
            ({"roles": [{"role": "supervisor"}]}, "roles"),
            ({"roles": [{"role": "supervisor", "area": 999999}]}, "roles"),
            ({"roles": [{"role": "local_data_administrator", "area": 1}]}, "roles"),
            ({"roles": [{"role": "emperor", "area": None}]}, "roles.0.role"),
        ],
    )
    def test_invalid_input_is_400_with_the_field(self, api, world, changes, field):
        response = create(api(world["lda"]), **changes)
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["field"] == field
        assert body["detail"]
        assert not User.objects.filter(first_name="Pieter").exists()

    def test_an_area_the_authority_does_not_work_in_is_refused(self, api, world):
        from tests.factories import LegislativeAreaFactory

        elsewhere = LegislativeAreaFactory(code="elsewhere")
        response = create(api(world["lda"]), roles=[{"role": "supervisor", "area": elsewhere.pk}])
        assert response.status_code == 400
        assert response.json()["field"] == "roles"

    def test_errors_in_the_callers_language(self, api, world):
        client = api(world["lda"])
        body = {name: value for name, value in NEW.items() if name != "first_name"}
        response = client.post("/api/v1/users/", body, format="json", HTTP_ACCEPT_LANGUAGE="nl")
        assert response.status_code == 400
        assert response.json()["field"] == "first_name"
        assert response.json()["detail"] == "Dit veld is verplicht."


class TestOneUser:
    def test_other_authority_is_404_like_missing(self, api, world):
        client = api(world["resp_lda"])
        path = f"/api/v1/users/{world['basic'].pk}/"
        not_yours, missing = client.get(path), client.get("/api/v1/users/999999/")
        assert not_yours.status_code == missing.status_code == 404
        assert not_yours.json() == missing.json()
        for suffix in ("roles/",):
            assert client.get(path + suffix).status_code == 404
        assert client.post(path + "reset-password/").status_code == 404
        assert client.delete(path).status_code == 404
        assert world["basic"].is_active

    def test_change_details(self, api, world):
        basic = world["basic"]
        response = api(world["lda"]).patch(
            f"/api/v1/users/{basic.pk}/", {"phone": "+31 73 7654321"}, format="json"
        )
        assert response.status_code == 200, response.content
        basic.refresh_from_db()
        assert basic.phone == "+31 73 7654321"
        assert basic.first_name == response.json()["first_name"]

    def test_username_only_while_pending(self, api, world):
        client = api(world["lda"])
        pending = pending_user(world)
        path = f"/api/v1/users/{pending.pk}/"
        assert client.patch(path, {"username": "p.new"}, format="json").json()["username"] == (
            "p.new"
        )
        response = client.patch(
            f"/api/v1/users/{world['basic'].pk}/", {"username": "b.new"}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["field"] == "username"
        taken = client.patch(path, {"username": "handler"}, format="json")
        assert (taken.status_code, taken.json()["field"]) == (400, "username")

    def test_names_are_locked_while_requests_are_assigned(self, api, world, make_request):
        make_request("accepted")
        response = api(world["lda"]).patch(
            f"/api/v1/users/{world['handler'].pk}/", {"last_name": "Other"}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["field"] == "last_name"


class TestDelete:
    def test_pending_user_who_never_logged_in_is_removed(self, api, world):
        pending = pending_user(world)
        response = api(world["lda"]).delete(f"/api/v1/users/{pending.pk}/")
        assert response.status_code == 200
        assert response.json()["outcome"] == "removed"
        assert not User.objects.filter(pk=pending.pk).exists()

    def test_anyone_else_is_deactivated_and_their_token_stops(self, api, world):
        basic = world["basic"]
        theirs = api(basic)
        assert theirs.get("/api/v1/authorities/").status_code == 200
        response = api(world["lda"]).delete(f"/api/v1/users/{basic.pk}/")
        assert response.status_code == 200
        assert response.json()["outcome"] == "deactivated"
        basic.refresh_from_db()
        assert (basic.status, basic.is_active) == (User.Status.INACTIVE, False)
        assert theirs.get("/api/v1/authorities/").status_code == 401
        # Still readable; no longer changeable.
        client = api(world["lda"])
        assert client.get(f"/api/v1/users/{basic.pk}/").json()["status"] == "inactive"
        path = f"/api/v1/users/{basic.pk}/"
        assert client.delete(path).status_code == 404
        assert client.patch(path, {"phone": ""}, format="json").status_code == 404
        assert client.post(path + "reset-password/").status_code == 404

    def test_refused_with_open_requests_and_for_oneself(self, api, world, make_request):
        make_request("accepted")
        client = api(world["lda"])
        refused = client.delete(f"/api/v1/users/{world['handler'].pk}/")
        assert refused.status_code == 400
        assert "requests assigned" in refused.json()["detail"]
        assert client.delete(f"/api/v1/users/{world['lda'].pk}/").status_code == 400
        assert User.objects.get(pk=world["lda"].pk).is_active


class TestRoles:
    def test_read_and_replace(self, api, world):
        client = api(world["lda"])
        path = f"/api/v1/users/{world['basic'].pk}/roles/"
        assert client.get(path).json() == {"roles": []}
        wanted = [
            {"role": "allocator", "area": world.area.pk},
            {"role": "supervisor", "area": world.area.pk},
        ]
        response = client.put(path, {"roles": wanted}, format="json")
        assert response.status_code == 200, response.content
        assert {(r["role"], r["area"]) for r in response.json()["roles"]} == {
            ("allocator", world.area.pk),
            ("supervisor", world.area.pk),
        }
        assert client.get(path).json() == response.json()
        assert SecurityEvent.objects.filter(
            user=world["basic"], event=services.EVENT_ROLES_CHANGED
        ).exists()
        assert client.put(path, {"roles": []}, format="json").json() == {"roles": []}
        assert not RoleGrant.objects.filter(user=world["basic"]).exists()

    def test_the_last_administrator_keeps_the_role(self, api, world):
        lda = world["lda"]
        response = api(lda).put(f"/api/v1/users/{lda.pk}/roles/", {"roles": []}, format="json")
        assert response.status_code == 400
        assert response.json()["field"] == "roles"
        assert RoleGrant.objects.filter(user=lda, role=Role.LOCAL_DATA_ADMINISTRATOR).exists()

    def test_a_handler_keeps_the_area_of_open_requests(self, api, world, make_request):
        make_request("accepted")
        handler = world["handler"]
        response = api(world["lda"]).put(
            f"/api/v1/users/{handler.pk}/roles/", {"roles": []}, format="json"
        )
        assert (response.status_code, response.json()["field"]) == (400, "roles")


class TestResetPassword:
    def test_mailed_at_once(self, api, world):
        basic = world["basic"]
        response = api(world["lda"]).post(f"/api/v1/users/{basic.pk}/reset-password/")
        assert response.status_code == 200, response.content
        assert response.json()["detail"]
        basic.refresh_from_db()
        assert basic.must_change_password
        mail = OutboxMessage.objects.get(recipient_user=basic, event_code=TEMPORARY_PASSWORD_EVENT)
        assert mail.next_attempt_at <= timezone.now()

    def test_not_ones_own(self, api, world):
        lda = world["lda"]
        response = api(lda).post(f"/api/v1/users/{lda.pk}/reset-password/")
        assert response.status_code == 400
        lda.refresh_from_db()
        assert not lda.must_change_password


def test_a_service_account_gets_a_token_from_its_administrator(api, world):
    """Issue #7: the administrator makes a user for a back-office system, gives it roles and
    a token; the system then works with those roles. Issue 16: that user is a service account
    (an ordinary user's token is made by that user alone)."""
    client = api(world["lda"])
    system = create(
        client,
        first_name="Zaaksysteem",
        last_name="",
        email="zaaksysteem@oeteldonk.nl",
        roles=[{"role": "request_handler", "area": world.area.pk}],
        service_account=True,
    ).json()
    assert system["is_service_account"] and system["status"] == "active"
    assert system["username"] == "zaaksysteem"
    person = create(client, email="p@oeteldonk.nl").json()
    refused = client.post("/api/v1/tokens/", {"name": "x", "user": person["id"]}, format="json")
    assert refused.status_code == 404
    as_lda = client.post(
        "/api/v1/users/",
        {
            **NEW,
            "email": "x@oeteldonk.nl",
            "service_account": True,
            "roles": [{"role": "local_data_administrator"}],
        },
        format="json",
    )
    assert as_lda.status_code == 400 and as_lda.json()["field"] == "roles"
    token = client.post("/api/v1/tokens/", {"name": "zaken", "user": system["id"]}, format="json")
    assert token.status_code == 201, token.content
    assert token.json()["user"] == system["id"]
    from rest_framework.test import APIClient

    as_system = APIClient()
    as_system.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    assert as_system.get("/api/v1/requests/").status_code == 200
    assert as_system.get("/api/v1/users/").status_code == 404
    # Another authority's administrator cannot.
    other = api(world["resp_lda"]).post(
        "/api/v1/tokens/", {"name": "x", "user": system["id"]}, format="json"
    )
    assert other.status_code == 404


def test_the_department_through_the_api(api, world):
    """Issue 15, item 11: the API reads, creates and changes a user's department; a PATCH
    without it keeps it."""
    client = api(world["lda"])
    created = create(client, department="Economische Zaken")
    assert created.status_code == 201, created.content
    assert created.json()["department"] == "Economische Zaken"
    pk = created.json()["id"]
    kept = client.patch(f"/api/v1/users/{pk}/", {"phone": "+31 6 1"}, format="json")
    assert kept.json()["department"] == "Economische Zaken"
    changed = client.patch(f"/api/v1/users/{pk}/", {"department": "Energie"}, format="json")
    assert changed.status_code == 200 and changed.json()["department"] == "Energie"
    assert User.objects.get(pk=pk).department == "Energie"
    too_long = client.patch(f"/api/v1/users/{pk}/", {"department": "d" * 201}, format="json")
    assert too_long.status_code == 400 and too_long.json()["field"] == "department"
