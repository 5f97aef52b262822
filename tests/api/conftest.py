"""API test helpers: a client that calls with a real token, and the exchange's test world."""

import pytest
from rest_framework.test import APIClient

from openimi.api import tokens
from tests.exchange.conftest import make_request, media_root, world  # noqa: F401 - fixtures


def bearer(user) -> str:
    return "Bearer " + tokens.token_create(actor=user, user=user, name="test").secret


@pytest.fixture
def api():
    """``api(user)``: an APIClient authenticated with a fresh token of ``user`` (or none)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=bearer(user))
        return client

    return make
