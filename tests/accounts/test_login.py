"""The login flow: first login, normal login, one message for every failure, names that are
no account look like accounts, the same positions after a failure, lockout and its end."""

import logging
import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from openimi.accounts.models import SecurityEvent, User
from tests.accounts.conftest import (
    CODE,
    PASSWORD,
    TEMPORARY_PASSWORD,
    characters_of,
    is_logged_in,
    log_in,
    make_user,
    positions_on,
    step1,
)

GENERIC = "The username, password or security code is not correct."
NEW_PASSWORD = "Maasdijk-Lente-2010"
NEW_CODE = "Tr0mp3t!huis"

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def _form_shape(response) -> list[str]:
    """What the challenge page asks, with the position numbers taken out."""
    html = response.content.decode()
    names = re.findall(r'name="([^"]+)"', html)
    labels = re.sub(r"\d+", "N", " ".join(re.findall(r"Character \d+ of your security code", html)))
    return [*names, labels]


class TestFirstLogin:
    def test_temporary_password_then_new_password_then_code_then_home(self, client, authority):
        user = make_user(
            "pieter",
            password=TEMPORARY_PASSWORD,
            code=None,
            status=User.Status.PENDING,
            must_change_password=True,
            authority=authority,
            language="nl",
        )
        response, positions = log_in(client, "pieter", TEMPORARY_PASSWORD, code=None)
        assert positions == (), "no characters of a code that does not exist yet"
        assert response.status_code == 302
        assert response.url == reverse("accounts:setup_password")
        assert not is_logged_in(client), "no session before the setup is complete"

        page = client.get(reverse("accounts:setup_password"))
        assert page.status_code == 200
        assert b'name="new_password1"' in page.content
        # Django's validators: too short, and the temporary password again, are refused.
        short = client.post(
            reverse("accounts:setup_password"),
            {"new_password1": "kort1!", "new_password2": "kort1!"},
        )
        assert short.status_code == 200
        assert b"govuk-error-summary" in short.content
        same = client.post(
            reverse("accounts:setup_password"),
            {"new_password1": TEMPORARY_PASSWORD, "new_password2": TEMPORARY_PASSWORD},
        )
        assert same.status_code == 200
        response = client.post(
            reverse("accounts:setup_password"),
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
        assert response.url == reverse("accounts:setup_security_code")

        page = client.get(reverse("accounts:setup_security_code"))
        html = page.content.decode()
        assert "<table" in html and "<caption" in html
        assert "Febru#ri2009" in html  # the seed's example, with a symbol
        for position in range(1, 13):
            assert f">{position}</th>" in html
        bad = client.post(
            reverse("accounts:setup_security_code"),
            {"code1": "Februari2009", "code2": "Februari2009"},
        )
        assert bad.status_code == 200
        assert "must contain a symbol" in bad.content.decode()
        mismatch = client.post(
            reverse("accounts:setup_security_code"), {"code1": NEW_CODE, "code2": CODE}
        )
        assert "not the same" in mismatch.content.decode()
        for page in (bad, mismatch):  # what was typed is never sent back
            assert "Februari2009" not in page.content.decode()
            assert NEW_CODE not in page.content.decode() and CODE not in page.content.decode()
        response = client.post(
            reverse("accounts:setup_security_code"), {"code1": NEW_CODE, "code2": NEW_CODE}
        )
        assert response.status_code == 302
        assert response.url == reverse("home")
        assert response.cookies["django_language"].value == "nl"
        assert NEW_CODE not in client.get(reverse("home")).content.decode()
        assert is_logged_in(client)

        user.refresh_from_db()
        assert user.status == User.Status.ACTIVE
        assert not user.must_change_password
        assert user.check_password(NEW_PASSWORD)
        assert user.has_security_code
        events = list(
            SecurityEvent.objects.filter(user=user).order_by("pk").values_list("event", flat=True)
        )
        assert events == [
            "login.succeeded",
            "password.changed",
            "security_code.set",
            "account.activated",
        ]

        # The next login asks three characters of the new code.
        client.post(reverse("accounts:logout"))
        response, _ = log_in(client, "pieter", NEW_PASSWORD, NEW_CODE)
        assert response.status_code == 302 and response.url == reverse("home")

    def test_the_temporary_password_stops_working(self, client):
        make_user("pieter", password=TEMPORARY_PASSWORD, code=None, must_change_password=True)
        log_in(client, "pieter", TEMPORARY_PASSWORD, code=None)
        client.post(
            reverse("accounts:setup_password"),
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        client.post(reverse("accounts:setup_security_code"), {"code1": NEW_CODE, "code2": NEW_CODE})
        client.post(reverse("accounts:logout"))
        response, _ = log_in(client, "pieter", TEMPORARY_PASSWORD, NEW_CODE)
        assert GENERIC in response.content.decode()

    def test_a_reset_password_with_a_code_asks_the_code_then_a_new_password(self, client):
        make_user("pieter", password=TEMPORARY_PASSWORD, must_change_password=True)
        response, _ = log_in(client, "pieter", TEMPORARY_PASSWORD, CODE)
        assert response.url == reverse("accounts:setup_password")
        response = client.post(
            reverse("accounts:setup_password"),
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert response.url == reverse("home")
        assert is_logged_in(client)

    def test_setup_pages_need_a_verified_login(self, client):
        for name in ("accounts:setup_password", "accounts:setup_security_code"):
            response = client.get(reverse(name))
            assert response.status_code == 302
            assert response.url == reverse("accounts:login")

    def test_a_user_with_a_code_cannot_leave_the_boxes_empty(self, client, user):
        response, _ = log_in(client, user.username, PASSWORD, code=None)
        assert GENERIC in response.content.decode()
        assert not is_logged_in(client)


class TestNormalLogin:
    def test_password_and_three_characters_open_a_session(self, client, user):
        page = client.get(reverse("accounts:login"))
        assert page.status_code == 200
        response = step1(client, user.username, PASSWORD)
        assert response.status_code == 302
        challenge = client.get(response.url)
        html = challenge.content.decode()
        positions = positions_on(challenge)
        assert len(positions) == 3 and len(set(positions)) == 3
        assert list(positions) == sorted(positions)
        assert all(1 <= p <= 12 for p in positions)
        for index in (1, 2, 3):
            tag = re.search(rf'<input[^>]*name="character_{index}"[^>]*>', html).group(0)
            assert 'maxlength="1"' in tag
            assert 'autocomplete="off"' in tag
            assert f'id="id_character_{index}"' in tag
            assert f'for="id_character_{index}"' in html
        response = client.post(reverse("accounts:login_code"), characters_of(CODE, positions))
        assert response.status_code == 302
        assert response.url == reverse("home")
        assert is_logged_in(client)
        assert SecurityEvent.objects.filter(user=user, event="login.succeeded").exists()

    def test_the_interface_switches_to_the_users_language(self, client, authority):
        make_user("anke", language="nl", authority=authority)
        response, _ = log_in(client, "anke")
        assert response.cookies["django_language"].value == "nl"
        assert client.get(reverse("home")).headers["Content-Language"] == "nl"

    def test_next_is_kept_across_the_steps(self, client, user):
        target = reverse("accounts:account")
        client.post(
            reverse("accounts:login"),
            {"username": user.username, "password": PASSWORD, "next": target},
        )
        positions = positions_on(client.get(reverse("accounts:login_code")))
        response = client.post(reverse("accounts:login_code"), characters_of(CODE, positions))
        assert response.url == target

    def test_an_outside_next_is_ignored(self, client, user):
        client.post(
            reverse("accounts:login"),
            {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"},
        )
        positions = positions_on(client.get(reverse("accounts:login_code")))
        response = client.post(reverse("accounts:login_code"), characters_of(CODE, positions))
        assert response.url == reverse("home")

    def test_capitals_count(self, client, user):
        client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
        positions = positions_on(client.get(reverse("accounts:login_code")))
        data = characters_of(CODE.swapcase(), positions)
        if data == characters_of(CODE, positions):
            pytest.skip("these positions hold no letters")
        response = client.post(reverse("accounts:login_code"), data)
        assert GENERIC in response.content.decode()

    def test_step_two_without_step_one_goes_back_to_step_one(self, client, user):
        assert client.get(reverse("accounts:login_code")).url == reverse("accounts:login")
        response = client.post(reverse("accounts:login_code"), {"character_1": "K"})
        assert response.status_code == 302
        assert response.url == reverse("accounts:login")
        assert not AccessAttempt.objects.exists()

    def test_a_step_one_is_used_once(self, client, user):
        client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
        client.post(reverse("accounts:login_code"), {"character_1": "~"})
        response = client.post(reverse("accounts:login_code"), {"character_1": "~"})
        assert response.status_code == 302 and response.url == reverse("accounts:login")

    def test_a_deactivated_user_gets_the_same_message(self, client, user):
        user.is_active = False
        user.status = User.Status.INACTIVE
        user.save()
        response, _ = log_in(client, user.username)
        assert GENERIC in response.content.decode()
        assert not is_logged_in(client)

    def test_a_password_alone_logs_nobody_in(self, rf, user):
        from django.contrib.auth import authenticate
        from django.contrib.sessions.backends.db import SessionStore

        request = rf.post("/accounts/login/")
        request.session = SessionStore()
        assert authenticate(request, username=user.username, password=PASSWORD) is None


class TestNothingGivesAway:
    """Step 1 says nothing; step 2 says one thing for every failure; unknown names look alike."""

    def test_step_one_answers_alike_whatever_the_password(self, client, user):
        right = step1(client, user.username, PASSWORD)
        right_page = client.get(right.url)
        wrong = step1(client, user.username, "not-the-password")
        wrong_page = client.get(wrong.url)
        unknown = step1(client, "nobody-here", "whatever")
        unknown_page = client.get(unknown.url)
        assert right.status_code == wrong.status_code == unknown.status_code == 302
        assert right.url == wrong.url == unknown.url
        assert _form_shape(right_page) == _form_shape(wrong_page) == _form_shape(unknown_page)
        assert positions_on(right_page) == positions_on(wrong_page)

    @pytest.mark.parametrize("case", ["wrong_password", "wrong_code", "unknown_user"])
    def test_one_message_for_every_failure(self, client, user, case):
        if case == "wrong_password":
            response, _ = log_in(client, user.username, "not-the-password")
        elif case == "wrong_code":
            response, _ = log_in(client, user.username, wrong_code=True)
        else:
            response, _ = log_in(client, "nobody-here", "whatever", CODE)
        assert response.status_code == 200
        html = response.content.decode()
        assert GENERIC in html
        assert html.count("govuk-error-message") == 1  # no field singled out
        assert 'name="username"' in html and 'name="password"' in html
        assert "not-the-password" not in html

    def test_unknown_and_known_names_cannot_be_told_apart(self, client, user):
        shapes, statuses, messages = [], [], []
        for name in (user.username, "nobody-here"):
            response = step1(client, name, "wrong-password")
            statuses.append(response.status_code)
            page = client.get(response.url)
            statuses.append(page.status_code)
            shapes.append(_form_shape(page))
            failure = client.post(
                reverse("accounts:login_code"),
                {"character_1": "x", "character_2": "y", "character_3": "z"},
            )
            statuses.append(failure.status_code)
            messages.append(
                re.findall(r"govuk-error-message[^>]*>(.*?)</p>", failure.content.decode(), re.S)
            )
        assert statuses[:3] == statuses[3:]
        assert shapes[0] == shapes[1]
        assert messages[0] == messages[1]

    def test_positions_for_unknown_names_are_stable_and_differ_between_names(self, client):
        seen = {}
        for name in ["nobody", "niemand", "personne", "keiner", "nessuno", "ninguno"]:
            first = positions_on(client.get(step1(client, name, "x").url))
            client.post(reverse("accounts:login_code"), {"character_1": "x"})
            again = positions_on(client.get(step1(client, name, "y").url))
            assert first == again
            assert len(first) == 3
            seen[name] = first
        assert len(set(seen.values())) > 1
        # Normalised: the same positions for the same name typed in other capitals.
        assert positions_on(client.get(step1(client, "NOBODY", "x").url)) == seen["nobody"]

    def test_the_same_positions_are_asked_after_a_failure(self, client, user):
        _, first = log_in(client, user.username, wrong_code=True)
        _, second = log_in(client, user.username, "not-the-password")
        response, third = log_in(client, user.username)
        assert first == second == third
        assert response.url == reverse("home")

    def test_positions_change_between_successful_logins(self, client, user):
        seen = []
        for _ in range(6):
            response, positions = log_in(client, user.username)
            assert response.url == reverse("home")
            seen.append(positions)
            client.post(reverse("accounts:logout"))
        # All six alike by chance: (1/220)^5.
        assert len(set(seen)) > 1

    def test_nothing_secret_is_logged_or_stored(self, client, user, caplog):
        caplog.set_level(logging.DEBUG)
        log_in(client, user.username, wrong_code=True)
        log_in(client, user.username, "wrong-password-x")
        log_in(client, user.username)
        text = caplog.text
        rows = " ".join(
            str(value) for row in SecurityEvent.objects.values_list() for value in row
        ) + " ".join(f"{a.get_data} {a.post_data}" for a in AccessAttempt.objects.all())
        for secret in (PASSWORD, "wrong-password-x", CODE):
            assert secret not in text
            assert secret not in rows
        attempt_posts = " ".join(a.post_data for a in AccessAttempt.objects.all())
        assert "character_1=********************" in attempt_posts or not attempt_posts
        assert "openimi.security" in {record.name for record in caplog.records}


class TestLockout:
    def _fail(self, client, username, times):
        last = None
        for _ in range(times):
            last, _ = log_in(client, username, "not-the-password", CODE)
        return last

    def test_locked_after_the_limit_and_free_after_the_cool_off(
        self, client, user, clock, settings
    ):
        assert settings.LOGIN_FAILURE_LIMIT == 5
        for _ in range(4):
            response, _ = log_in(client, user.username, wrong_code=True)
            assert GENERIC in response.content.decode()
        fifth, _ = log_in(client, user.username, "not-the-password")
        assert fifth.status_code == 429
        assert "Too many attempts" in fifth.content.decode()

        # Now even the right password and code are refused, at step 1 already.
        refused = step1(client, user.username, PASSWORD)
        assert refused.status_code == 429
        assert user.username not in refused.content.decode()
        assert "15 minutes" in refused.content.decode()
        assert SecurityEvent.objects.filter(user=user, event="account.locked").count() == 1
        assert SecurityEvent.objects.filter(user=user, event="login.refused_locked").exists()

        clock.advance(minutes=14)
        assert step1(client, user.username, PASSWORD).status_code == 429
        clock.advance(minutes=2)
        response, _ = log_in(client, user.username)
        assert response.status_code == 302 and response.url == reverse("home")

    def test_an_unknown_name_locks_the_same_way(self, client, user):
        known = self._fail(client, user.username, 5)
        unknown = self._fail(client, "nobody-here", 5)
        assert known.status_code == unknown.status_code == 429
        assert user.username not in _main(known)
        assert _main(known) == _main(unknown)
        assert step1(client, "nobody-here", "x").status_code == 429

    def test_the_limit_counts_per_name(self, client, user):
        other = make_user("other")
        self._fail(client, user.username, 5)
        response, _ = log_in(client, other.username)
        assert response.url == reverse("home")

    def test_a_success_resets_the_count(self, client, user):
        for _ in range(4):
            log_in(client, user.username, wrong_code=True)
        response, _ = log_in(client, user.username)
        assert response.url == reverse("home")
        client.post(reverse("accounts:logout"))
        for _ in range(4):
            response, _ = log_in(client, user.username, wrong_code=True)
        assert response.status_code == 200
        response, _ = log_in(client, user.username)
        assert response.url == reverse("home")

    def test_a_locked_name_cannot_finish_a_login_started_before(self, client, user):
        # A step 1 taken before the lock does not get around it.
        from django.test import Client

        patient = Client()
        step1(patient, user.username, PASSWORD)
        positions = positions_on(patient.get(reverse("accounts:login_code")))
        self._fail(client, user.username, 5)
        response = patient.post(reverse("accounts:login_code"), characters_of(CODE, positions))
        assert response.status_code == 429
        assert not is_logged_in(patient)

    def test_the_limit_is_a_setting(self, client, user, settings):
        settings.AXES_FAILURE_LIMIT = 2
        self._fail(client, user.username, 1)
        assert self._fail(client, user.username, 1).status_code == 429
