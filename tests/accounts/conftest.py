"""Helpers for the login tests: users with a known password and code, a person who logs in
through the pages (reading the positions from the labels, as a person would), the clock
(``tests/clock.py``)."""

import re

import pytest
from django.urls import reverse

from openimi.accounts.models import User
from openimi.accounts.security_code import security_code_set
from tests.clock import clock  # noqa: F401 - makes the fixture available here
from tests.factories import UserFactory

PASSWORD = "Kanaal-Oeteldonk-2009"
CODE = "K4nt0or#Blok"
TEMPORARY_PASSWORD = "tijdelijk-wachtwoord-1"
# English or Dutch: a user whose language is Dutch gets the Dutch page.
LABEL = re.compile(r"(?:Character|Teken) (\d+) (?:of your security code|van uw veiligheidscode)")


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # argon2 by design is slow; the flow is what these tests are about. The factories' PBKDF2
    # hashes still verify (and are upgraded) through the second hasher.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


def make_user(
    username="bram",
    *,
    password=PASSWORD,
    code=CODE,
    language="en",
    status=User.Status.ACTIVE,
    must_change_password=False,
    authority=None,
) -> User:
    extra = {"authority": authority} if authority is not None else {}
    user = UserFactory(
        username=username,
        language=language,
        status=status,
        must_change_password=must_change_password,
        **extra,
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    if code:
        security_code_set(user=user, code=code)
    return user


@pytest.fixture
def user(authority):
    return make_user(authority=authority)


def positions_on(response) -> tuple[int, ...]:
    """The positions the challenge page asks, read from its labels."""
    return tuple(int(p) for p in LABEL.findall(response.content.decode()))


def characters_of(code: str, positions) -> dict[str, str]:
    return {f"character_{i}": code[p - 1] for i, p in enumerate(positions, start=1)}


def step1(client, username, password, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password, **extra}
    )


def log_in(client, username, password=PASSWORD, code=CODE, *, wrong_code=False):
    """Both steps, as a person; returns (step-2 response, positions asked)."""
    response = step1(client, username, password)
    assert response.status_code == 302, response.status_code
    assert response.url == reverse("accounts:login_code")
    page = client.get(response.url)
    positions = positions_on(page)
    if code is None:
        data = {"character_1": "", "character_2": "", "character_3": ""}
    else:
        data = characters_of(code, positions)
        if wrong_code:
            data["character_1"] = "~" if data["character_1"] != "~" else "^"
    return client.post(reverse("accounts:login_code"), data), positions


def is_logged_in(client) -> bool:
    response = client.get(reverse("accounts:account"))
    return response.status_code == 200
