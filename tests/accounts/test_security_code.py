"""The security code: rules, encryption at rest, the verifier, challenges, key rotation."""

import base64
import os
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from openimi.accounts.models import User
from openimi.accounts.security_code import (
    SecurityCodeKeyMissing,
    SecurityCodeUnreadable,
    security_code_challenge_positions,
    security_code_reencrypt_all,
    security_code_set,
    security_code_validate,
    security_code_verify,
)
from openimi.settings import _security_code_keys
from tests.accounts.conftest import CODE, PASSWORD, log_in, make_user

pytestmark = pytest.mark.django_db

FULL = range(1, 13)


def _new_key() -> bytes:
    return os.urandom(32)


class TestRules:
    @pytest.mark.parametrize(
        "code", ["Febru#ri2009", "K4nt0or#Blok", "ÄÖü-1234-xyz", "a1!a1!a1!a1!"]
    )
    def test_accepted(self, code):
        assert security_code_validate(code) == code

    @pytest.mark.parametrize(
        ("code", "error"),
        [
            ("Februari2009", "no_symbol"),
            ("Febru#ri200", "length"),
            ("Febru#ri20099", "length"),
            ("Februa#riABC", "no_digit"),
            ("2009#2009#20", "no_letter"),
            ("Febru ri2009", "characters"),
            ("Febru\tri2009", "characters"),
            ("", "length"),
        ],
    )
    def test_refused(self, code, error):
        with pytest.raises(ValidationError) as raised:
            security_code_validate(code)
        assert error in {e.code for e in raised.value.error_list}


class TestVerifier:
    def test_three_right_characters(self, user):
        assert security_code_verify(user=user, positions=(1, 5, 11), characters=["K", "0", "o"])

    def test_full_code(self, user):
        assert security_code_verify(user=user, positions=FULL, characters=list(CODE))
        assert not security_code_verify(user=user, positions=FULL, characters=list(CODE.lower()))

    @pytest.mark.parametrize(
        ("positions", "characters"),
        [
            ((1, 5, 11), ["K", "0", "x"]),
            ((1, 5, 11), ["k", "0", "o"]),  # capitals count
            ((1, 5, 11), ["K0", "", "o"]),  # the right string, split wrongly
            ((1, 1, 11), ["K", "K", "o"]),  # positions must differ
            ((0, 5, 11), ["", "0", "o"]),
            ((1, 5, 13), ["K", "0", ""]),
            ((1, 5), ["K", "0", "o"]),
            ((), []),
        ],
    )
    def test_wrong_or_malformed(self, user, positions, characters):
        assert not security_code_verify(user=user, positions=positions, characters=characters)

    def test_no_code_verifies_nothing(self, db):
        user = make_user("new", code=None)
        assert not security_code_verify(user=user, positions=(1, 2, 3), characters=["", "", ""])

    def test_the_code_is_normalised(self, db):
        # Set with a combining accent (13 code points), typed precomposed, or the reverse.
        user = make_user("anna", code="Cafe\u0301-2009-xy")
        assert security_code_verify(user=user, positions=FULL, characters=list("Caf\u00e9-2009-xy"))
        characters = ["C", "a", "f", "e\u0301"]
        assert security_code_verify(user=user, positions=(1, 2, 3, 4), characters=characters)


class TestEncryptionAtRest:
    def test_the_user_row_does_not_contain_the_code(self, user):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM accounts_user WHERE id = %s", [user.pk])
            row = cursor.fetchone()
        as_text = []
        for value in row:
            if isinstance(value, bytes | memoryview):
                raw = bytes(value)
                as_text += [raw.hex(), base64.b64encode(raw).decode(), raw.decode("latin-1")]
            else:
                as_text.append(str(value))
        dump = "\n".join(as_text)
        code_bytes = [CODE.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-32-le")]
        forms = [CODE, CODE.lower()]
        for encoded in code_bytes:
            forms += [encoded.hex(), base64.b64encode(encoded).decode()]
        for form in forms:
            assert form not in dump
            assert form.lower() not in dump.lower()
        # Not even a four-character stretch of it.
        for start in range(len(CODE) - 3):
            assert CODE[start : start + 4] not in dump

    def test_every_ciphertext_is_new_and_of_one_length(self, db):
        first = make_user("a", code="K4nt0or#Blok")
        second = make_user("b", code="K4nt0or#Blok")
        other = make_user("c", code="ÄÖü-1234-xyz")
        a, b, c = (bytes(u.security_code_ciphertext) for u in (first, second, other))
        assert a != b
        assert len(a) == len(b) == len(c)

    def test_a_ciphertext_moved_to_another_user_does_not_decrypt(self, user):
        thief = make_user("dief", code="Z9!zzzzzzzzz")
        User.objects.filter(pk=thief.pk).update(
            security_code_ciphertext=user.security_code_ciphertext,
            security_code_key_id=user.security_code_key_id,
        )
        thief.refresh_from_db()
        with pytest.raises(SecurityCodeUnreadable):
            security_code_verify(user=thief, positions=FULL, characters=list(CODE))

    def test_a_copy_of_the_database_without_the_key_cannot_verify(self, user, settings):
        settings.SECURITY_CODE_KEYS = {}
        with pytest.raises(SecurityCodeKeyMissing):
            security_code_verify(user=user, positions=(1, 2, 3), characters=list(CODE[:3]))

    def test_another_key_under_the_same_id_cannot_verify(self, user, settings):
        settings.SECURITY_CODE_KEYS = {user.security_code_key_id: _new_key()}
        with pytest.raises(SecurityCodeUnreadable):
            security_code_verify(user=user, positions=(1, 2, 3), characters=list(CODE[:3]))

    def test_without_the_key_the_login_fails_closed_with_the_usual_message(
        self, client, user, settings
    ):
        settings.SECURITY_CODE_KEYS = {"other": _new_key()}
        settings.SECURITY_CODE_CURRENT_KEY_ID = "other"
        response, _ = log_in(client, user.username)
        assert response.status_code == 200
        assert "The username, password or security code is not correct." in (
            response.content.decode()
        )


class TestChallenge:
    def test_unknown_names_get_stable_positions(self):
        first = security_code_challenge_positions(username="nobody")
        assert first == security_code_challenge_positions(username="nobody")
        assert first == security_code_challenge_positions(username=" NoBody ")
        assert len(first) == 3 and list(first) == sorted(set(first))
        assert all(1 <= p <= 12 for p in first)

    def test_unknown_names_spread_over_the_positions(self):
        seen = {security_code_challenge_positions(username=f"name{i}") for i in range(200)}
        assert len(seen) > 100  # of 220 possible

    def test_unknown_positions_depend_on_the_secret_key(self, settings):
        before = [security_code_challenge_positions(username=f"n{i}") for i in range(20)]
        settings.SECRET_KEY = "another-secret-key-" * 3
        after = [security_code_challenge_positions(username=f"n{i}") for i in range(20)]
        assert before != after

    def test_a_user_keeps_the_positions_until_they_are_forgotten(self, user):
        first = security_code_challenge_positions(user=user, username=user.username)
        assert security_code_challenge_positions(user=user, username=user.username) == first
        user.refresh_from_db()
        assert tuple(user.security_challenge) == first
        seen = set()
        for _ in range(10):
            security_code_set(user=user, code=CODE)  # a new code forgets the challenge
            seen.add(security_code_challenge_positions(user=user, username=user.username))
        assert len(seen) > 1


class TestKeyRotation:
    def _two_keys(self, settings):
        old_id = settings.SECURITY_CODE_CURRENT_KEY_ID
        old = settings.SECURITY_CODE_KEYS[old_id]
        settings.SECURITY_CODE_KEYS = {old_id: old, "k2": _new_key()}
        return old_id

    def test_rotation_keeps_every_user_able_to_log_in(self, client, settings, db):
        users = [make_user(f"user{i}") for i in range(3)]
        old_id = self._two_keys(settings)
        settings.SECURITY_CODE_CURRENT_KEY_ID = "k2"
        out = StringIO()
        call_command("rotate_security_code_key", stdout=out)
        assert "3 re-encrypted, 0 already current, 0 failed" in out.getvalue()
        for user in users:
            user.refresh_from_db()
            assert user.security_code_key_id == "k2"
        # The old key can go now.
        settings.SECURITY_CODE_KEYS = {"k2": settings.SECURITY_CODE_KEYS["k2"]}
        for user in users:
            response, _ = log_in(client, user.username, PASSWORD, CODE)
            assert response.status_code == 302 and response.url == reverse("home")
            client.post(reverse("accounts:logout"))
        out = StringIO()
        call_command("rotate_security_code_key", stdout=out)
        assert "0 re-encrypted, 3 already current, 0 failed" in out.getvalue()
        assert old_id != "k2"

    def test_codes_whose_key_is_missing_are_reported_and_left(self, settings, db):
        user = make_user("anna")
        old_id = user.security_code_key_id
        settings.SECURITY_CODE_KEYS = {"k2": _new_key()}
        settings.SECURITY_CODE_CURRENT_KEY_ID = "k2"
        result = security_code_reencrypt_all()
        assert result.failed == {old_id: 1}
        assert result.reencrypted == 0
        user.refresh_from_db()
        assert user.security_code_key_id == old_id
        with pytest.raises(CommandError):
            call_command("rotate_security_code_key", stdout=StringIO(), stderr=StringIO())

    def test_an_unknown_target_key_changes_nothing(self, user):
        with pytest.raises(CommandError):
            call_command("rotate_security_code_key", key_id="nope", stdout=StringIO())
        user.refresh_from_db()
        assert security_code_verify(user=user, positions=FULL, characters=list(CODE))

    def test_new_codes_use_the_current_key(self, settings, user):
        self._two_keys(settings)
        settings.SECURITY_CODE_CURRENT_KEY_ID = "k2"
        security_code_set(user=user, code="Nieuw#code12")
        user.refresh_from_db()
        assert user.security_code_key_id == "k2"


class TestKeySetting:
    def test_parses_ids_and_base64_keys(self):
        one, two = _new_key(), _new_key()
        first = base64.b64encode(one).decode()
        second = base64.urlsafe_b64encode(two).decode()
        value = f"2026a:{first}, 2026b:{second}"
        assert _security_code_keys(value) == {"2026a": one, "2026b": two}
        assert _security_code_keys("") == {}

    @pytest.mark.parametrize(
        "value",
        [
            "nokey",
            f":{base64.b64encode(b'x' * 32).decode()}",
            f"k1:{base64.b64encode(b'x' * 16).decode()}",
            "k1:not-base64-at-all!!",
        ],
    )
    def test_refuses_bad_values_without_echoing_them(self, value):
        with pytest.raises(ImproperlyConfigured) as raised:
            _security_code_keys(value)
        secret = value.partition(":")[2]
        if secret:
            assert secret not in str(raised.value)
