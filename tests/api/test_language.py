"""The API answers in its caller's language (issue 18): the Accept-Language header when the
caller sends one, otherwise the token's user's language (not the installation's default)."""

from __future__ import annotations

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db

NOT_FOUND = "/api/v1/requests/999999/"


def _detail(response) -> str:
    return str(response.json().get("detail") or response.json())


def _in(language: str, english: str) -> str:
    with translation.override(language):
        return translation.gettext(english)


def _speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_a_tokens_user_who_names_no_language_reads_the_errors_in_their_own(api, handler):
    in_english = api(_speaking(handler, "en")).get(NOT_FOUND)
    assert in_english.status_code == 404 and in_english["Content-Language"] == "en"
    in_dutch = api(_speaking(handler, "nl")).get(NOT_FOUND)
    assert in_dutch.status_code == 404 and in_dutch["Content-Language"] == "nl"
    assert _detail(in_dutch) == _in("nl", _detail(in_english)) != _detail(in_english)


def test_a_caller_that_names_a_language_reads_that_one(api, handler):
    response = api(_speaking(handler, "nl")).get(NOT_FOUND, HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"


def test_a_validation_error_is_in_the_users_language(api, handler):
    response = api(_speaking(handler, "nl")).get("/api/v1/requests/?status=nonsense")
    assert response.status_code == 400
    assert response["Content-Language"] == "nl"
    assert "is not a valid choice" not in str(response.json())


def test_without_a_valid_token_the_header_chooses(api):
    response = api().get(
        NOT_FOUND, HTTP_AUTHORIZATION="Bearer oimi_nonsense", HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 401
    assert _detail(response) == _in("nl", "The token is invalid, expired or revoked.")
    assert response["Content-Language"] == "nl"


def test_a_language_the_installation_does_not_offer_falls_back_to_the_default(
    api, handler, settings
):
    settings.LANGUAGES = [("en", "English"), ("nl", "Nederlands")]
    response = api(_speaking(handler, "pl")).get(NOT_FOUND)
    assert response.status_code == 404 and response["Content-Language"] == "en"
