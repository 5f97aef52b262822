"""API tokens: shown once, stored hashed, expire, revocable, every use logged."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from openimi.api import tokens
from openimi.api.models import ApiToken, ApiTokenUse
from openimi.common.errors import ApplicationError, PermissionDenied
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def client_with(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_token_is_shown_once_and_stored_hashed(handler):
    client = APIClient()
    client.force_authenticate(handler)
    response = client.post("/api/v1/tokens/", {"name": "back office"}, format="json")
    assert response.status_code == 201
    secret = response.json()["token"]
    token = ApiToken.objects.get()
    assert secret not in (token.secret_sha256, token.prefix)
    assert token.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    listed = client.get("/api/v1/tokens/").json()["results"]
    assert listed[0]["prefix"] == token.prefix and "token" not in listed[0]


def test_every_use_is_logged(handler):
    issued = tokens.token_create(actor=handler, user=handler, name="t")
    client = client_with(issued.secret)
    assert client.get("/api/v1/requests/").status_code == 200
    assert client.get("/api/v1/authorities/").status_code == 200
    uses = list(ApiTokenUse.objects.order_by("pk").values_list("method", "path"))
    assert uses == [("GET", "/api/v1/requests/"), ("GET", "/api/v1/authorities/")]
    assert ApiToken.objects.get().last_used_at is not None


def test_wrong_secret_with_a_known_prefix_is_refused(handler):
    issued = tokens.token_create(actor=handler, user=handler, name="t")
    assert client_with(issued.secret[:-2] + "xx").get("/api/v1/requests/").status_code == 401
    assert ApiTokenUse.objects.count() == 0


def test_expiry_is_required_and_capped(handler, settings):
    settings.API_TOKEN_MAX_DAYS = 30
    default = tokens.token_create(actor=handler, user=handler, name="t").token
    assert default.expires_at <= timezone.now() + dt.timedelta(days=30)
    with pytest.raises(ApplicationError) as error:
        tokens.token_create(
            actor=handler,
            user=handler,
            name="t",
            expires_at=timezone.now() + dt.timedelta(days=31),
        )
    assert error.value.field == "expires_at"


def test_expired_and_revoked_tokens_stop_working(handler):
    issued = tokens.token_create(actor=handler, user=handler, name="t")
    client = client_with(issued.secret)
    assert client.get("/api/v1/requests/").status_code == 200
    response = client.delete(f"/api/v1/tokens/{issued.token.pk}/")
    assert response.status_code == 204
    assert client.get("/api/v1/requests/").status_code == 401
    other = tokens.token_create(actor=handler, user=handler, name="t2")
    ApiToken.objects.filter(pk=other.token.pk).update(expires_at=timezone.now())
    assert client_with(other.secret).get("/api/v1/requests/").status_code == 401


def test_deactivated_user_token_stops_working(handler):
    issued = tokens.token_create(actor=handler, user=handler, name="t")
    handler.is_active = False
    handler.save(update_fields=["is_active"])
    assert client_with(issued.secret).get("/api/v1/requests/").status_code == 401


def test_lda_creates_a_token_for_a_service_account_of_its_authority(lda, authority, other_lda):
    system = UserFactory(
        authority=authority, username="backoffice", roles=[], is_service_account=True
    )
    client = client_with(tokens.token_create(actor=lda, user=lda, name="mine").secret)
    response = client.post(
        "/api/v1/tokens/", {"name": "zaaksysteem", "user": system.pk}, format="json"
    )
    assert response.status_code == 201
    created = ApiToken.objects.get(name="zaaksysteem")
    assert (created.user, created.created_by) == (system, lda)
    # The system account uses it like any user.
    assert client_with(response.json()["token"]).get("/api/v1/authorities/").status_code == 200
    # Not for another authority's users, nor by a user who is no administrator.
    with pytest.raises(PermissionDenied):
        tokens.token_create(actor=other_lda, user=system, name="x")
    with pytest.raises(PermissionDenied):
        tokens.token_create(actor=system, user=lda, name="x")


def test_throttled_is_429(handler, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import UserRateThrottle

    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute", "anon": None})
    client = client_with(tokens.token_create(actor=handler, user=handler, name="t").secret)
    assert [client.get("/api/v1/requests/").status_code for _ in range(3)] == [200, 200, 429]
    response = client.get("/api/v1/requests/")
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert response.json()["detail"]
    cache.clear()
