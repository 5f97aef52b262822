"""Issue 16, item 4: weak and leaked passwords are refused, offline, with the reason in the
user's language: a strength estimate (zxcvbn, the user's names, user name and authority as
known words) and a list of about four million leaked passwords shipped with the product."""

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from openimi.accounts.models import SecurityEvent
from openimi.accounts.passwords import PasswordStrengthValidator
from tests.accounts.conftest import PASSWORD, log_in, make_user

pytestmark = pytest.mark.django_db

STRONG = "Maasdijk-Lente-2010"


@pytest.fixture
def logged_in(client, user):
    log_in(client, user.username)
    return client


def _change(client, new):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )


def _errors(response) -> str:
    import lxml.html

    document = lxml.html.fromstring(response.content.decode())
    return " ".join(document.xpath("string(//p[@id='id_new_password1_error'])").split())


@pytest.mark.parametrize(
    ("weak", "reason"),
    [
        ("Welcome2024!", "This password is too easy to guess."),
        ("iloveyou12345", "This password is in lists of passwords leaked from other websites"),
        ("passwordpassword", "This password is in lists of passwords leaked from other websites"),
        ("{username}-Zomer-2026", "The password must not contain your user name."),
        ("{USERNAME}wandelt2026", "The password must not contain your user name."),
    ],
)
def test_weak_passwords_are_refused_at_the_field_and_nothing_changes(logged_in, user, weak, reason):
    weak = weak.format(username=user.username, USERNAME=user.username.upper())
    response = _change(logged_in, weak)
    assert response.status_code == 200
    assert reason in _errors(response)
    document = response.content.decode()
    assert 'name="new_password1"' in document  # the form is shown again, at the field
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not SecurityEvent.objects.filter(user=user, event="password.changed").exists()


def test_a_strong_password_is_accepted(logged_in, user):
    response = _change(logged_in, STRONG)
    assert response.status_code == 302 and response.url == reverse("accounts:account")
    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_the_authority_is_a_known_word(authority, other_authority):
    """ "Oeteldonk2026!" is strong for a stranger, weak for a civil servant of Oeteldonk."""
    assert "Oeteldonk" in authority.official_name
    own = make_user("piet", authority=authority)
    stranger = make_user("hans", authority=other_authority)
    password_validation.validate_password("Oeteldonk2026!", user=stranger)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        password_validation.validate_password("Oeteldonk2026!", user=own)
    assert "This password is too easy to guess." in " ".join(refused.value.messages)


def test_the_users_names_are_known_words(authority):
    """The strength estimate on its own (Django's similarity rule also catches this one)."""
    user = make_user("piet", authority=authority)
    user.first_name, user.last_name = "Wilhelmina", "Vandermeulen"
    validator = PasswordStrengthValidator()
    validator.validate("Vandermeulen1971!", user=make_user("kees"))
    with pytest.raises(ValidationError) as refused:
        validator.validate("Vandermeulen1971!", user=user)
    assert refused.value.code == "password_too_guessable"


def test_the_refusal_is_in_dutch_for_a_dutch_user(logged_in, user):
    logged_in.cookies["django_language"] = "nl"
    response = _change(logged_in, "Welcome2024!")
    assert response.status_code == 200
    errors = _errors(response)
    assert "Dit wachtwoord is te gemakkelijk te raden." in errors, errors
    assert "lijkt op een veelgebruikt wachtwoord" in errors, errors
    response = _change(logged_in, "passwordpassword")
    assert "uitgelekt" in _errors(response)


@pytest.mark.parametrize(
    "text",
    [
        "a" * 10_000,
        "Straße-Ωμέγα-東京-" * 600,  # long, other scripts: strong, and still fast
        "Correct-Paard-Batterij-Nietje-" + "x" * 9_000,
    ],
)
def test_text_from_the_wild_does_not_break_the_check(text):
    user = make_user("piet")
    if text.startswith("a"):
        with pytest.raises(ValidationError):
            password_validation.validate_password(text, user=user)
    else:
        password_validation.validate_password(text, user=user)


def test_the_help_text_names_the_rules(logged_in):
    page = logged_in.get(reverse("accounts:password_change")).content.decode()
    assert "leaked" in page and "easy to guess" in page
