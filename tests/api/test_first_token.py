"""The first API token, made by a logged-in user from the API reference (issue 15, item 13).

A browser session may call the API, but only with the CSRF token: without it the answer is
403 and says so (never the 404 of "not found"), in the user's language. The reference page
carries the token for its "Try it out" calls (the CSRF cookie is HttpOnly, so its script
cannot read the cookie); the browser test is tests/browser/test_api_docs.py.
"""

import re

import pytest
from django.test import Client

from openimi.api.models import ApiToken

pytestmark = pytest.mark.django_db


def _session(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/tokens/"),
        ("post", "/api/v1/requests/"),
        ("delete", "/api/v1/tokens/1/"),
        ("put", "/api/v1/users/1/roles/"),
    ],
)
def test_a_session_without_the_csrf_token_gets_403_saying_so(handler, method, path):
    response = getattr(_session(handler), method)(
        path, data={"name": "first"}, content_type="application/json"
    )
    assert response.status_code == 403
    body = response.json()
    assert "CSRF" in body["detail"]
    assert body["errors"] == [{"field": None, "detail": body["detail"]}]
    assert not ApiToken.objects.exists()


def test_the_csrf_failure_is_explained_in_the_users_language(handler):
    client = _session(handler)
    response = client.post(
        "/api/v1/tokens/",
        data={"name": "first"},
        content_type="application/json",
        headers={"accept-language": "nl"},
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert "Laad de pagina opnieuw" in response.json()["detail"]


def test_the_reference_page_carries_the_csrf_token_for_try_it_out(handler):
    client = _session(handler)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    token = re.search(r'data-csrf-token="([^"]+)"', page.content.decode()).group(1)
    response = client.post(
        "/api/v1/tokens/",
        data={"name": "first"},
        content_type="application/json",
        headers={"x-csrftoken": token},
    )
    assert response.status_code == 201
    assert response.json()["token"].startswith("oimi_")
    assert ApiToken.objects.get().user == handler


def test_the_reference_page_for_anonymous_visitors_still_loads(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    assert b"swagger-ui" in page.content
