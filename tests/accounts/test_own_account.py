"""My account: the overview, password, security code, language and telephone."""

import re

import pytest
from django.urls import reverse

from openimi.accounts.models import SecurityEvent
from tests.accounts.conftest import CODE, PASSWORD, is_logged_in, log_in, step1

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Maasdijk-Lente-2010"
NEW_CODE = "Tr0mp3t!huis"
PAGES = [
    "accounts:account",
    "accounts:password_change",
    "accounts:security_code_change",
    "accounts:preferences",
]


@pytest.fixture
def logged_in(client, user):
    log_in(client, user.username)
    return client


class TestPages:
    @pytest.mark.parametrize("name", PAGES)
    def test_anonymous_visitors_are_sent_to_the_login(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("name", PAGES)
    def test_open_for_the_user(self, logged_in, name):
        assert logged_in.get(reverse(name)).status_code == 200

    def test_the_overview_shows_the_details_and_recent_activity(self, logged_in, user):
        html = logged_in.get(reverse("accounts:account")).content.decode()
        assert user.username in html
        assert "Login succeeded" in html
        assert CODE not in html
        assert "0 authenticator apps" in html and "0 passkeys" in html

    def test_the_overview_counts_the_passkeys(self, logged_in, user):
        from openimi.accounts.models import Passkey

        Passkey.objects.create(
            user=user, name="Laptop", credential_id="id-1", public_key=b"key", sign_count=0
        )
        html = " ".join(logged_in.get(reverse("accounts:account")).content.decode().split())
        assert "0 authenticator apps<br>1 passkey</dd>" in html


class TestPassword:
    def test_change(self, logged_in, user):
        response = logged_in.post(
            reverse("accounts:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        assert response.status_code == 302
        assert response.url == reverse("accounts:account")
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        assert is_logged_in(logged_in)
        assert SecurityEvent.objects.filter(user=user, event="password.changed").exists()

    def test_the_current_password_is_asked(self, logged_in, user):
        response = logged_in.post(
            reverse("accounts:password_change"),
            {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()
        user.refresh_from_db()
        assert user.check_password(PASSWORD)
        assert SecurityEvent.objects.filter(user=user, event="password.change_failed").exists()

    def test_the_validators_apply(self, logged_in, user):
        for weak in ("short1!", "password1234", user.username + "1234567"):
            response = logged_in.post(
                reverse("accounts:password_change"),
                {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
            )
            assert response.status_code == 200, weak
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_wrong_current_passwords_count_towards_the_lockout(self, logged_in, user):
        for _ in range(4):
            logged_in.post(reverse("accounts:password_change"), {"old_password": "wrong"})
        response = logged_in.post(reverse("accounts:password_change"), {"old_password": "wrong"})
        assert response.status_code == 429
        # ...and so the login is locked too.
        from django.test import Client

        assert step1(Client(), user.username, PASSWORD).status_code == 429


class TestSecurityCode:
    def test_change(self, client, logged_in, user):
        response = logged_in.post(
            reverse("accounts:security_code_change"),
            {"current_code": CODE, "code1": NEW_CODE, "code2": NEW_CODE},
        )
        assert response.status_code == 302
        assert SecurityEvent.objects.filter(user=user, event="security_code.changed").exists()
        follow = logged_in.get(response.url).content.decode()
        assert NEW_CODE not in follow and CODE not in follow
        client.post(reverse("accounts:logout"))
        old, _ = log_in(client, user.username, PASSWORD, CODE)  # differs at every position
        assert old.status_code == 200
        new, _ = log_in(client, user.username, PASSWORD, NEW_CODE)
        assert new.status_code == 302 and new.url == reverse("home")

    def test_the_current_code_is_asked_in_full(self, logged_in, user):
        response = logged_in.post(
            reverse("accounts:security_code_change"),
            {"current_code": CODE[:11] + "x", "code1": NEW_CODE, "code2": NEW_CODE},
        )
        assert response.status_code == 200
        assert "The security code is not correct." in response.content.decode()
        assert SecurityEvent.objects.filter(user=user, event="security_code.change_failed").exists()

    @pytest.mark.parametrize(
        ("code1", "code2", "message"),
        [
            (NEW_CODE, "Tr0mp3t!huiS", "not the same"),
            ("tekort#1", "tekort#1", "exactly 12 characters"),
            (CODE, CODE, "differs from the current one"),
        ],
    )
    def test_the_new_code_is_checked(self, logged_in, code1, code2, message):
        response = logged_in.post(
            reverse("accounts:security_code_change"),
            {"current_code": CODE, "code1": code1, "code2": code2},
        )
        assert response.status_code == 200
        assert message in response.content.decode()

    def test_no_box_cuts_a_code_short(self, logged_in):
        # A browser would drop a 13th character silently: the validator must say it instead.
        html = logged_in.get(reverse("accounts:security_code_change")).content.decode()
        for name in ("current_code", "code1", "code2"):
            tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
            assert "maxlength" not in tag
            assert 'type="password"' in tag

    def test_the_page_never_shows_a_code(self, logged_in):
        response = logged_in.post(
            reverse("accounts:security_code_change"),
            {"current_code": CODE, "code1": NEW_CODE, "code2": "Tr0mp3t!huiS"},
        )
        html = response.content.decode()
        assert CODE not in html and NEW_CODE not in html


class TestPreferences:
    def test_language_and_telephone(self, logged_in, user):
        response = logged_in.post(
            reverse("accounts:preferences"), {"language": "nl", "phone": "+31 70 888 7537"}
        )
        assert response.status_code == 302
        assert response.cookies["django_language"].value == "nl"
        user.refresh_from_db()
        assert user.language == "nl"
        assert user.phone == "+31 70 888 7537"
        assert logged_in.get(reverse("accounts:account")).headers["Content-Language"] == "nl"

    @pytest.mark.parametrize("language", ["mt", "el", "ga", "nb"])
    def test_every_interface_language_is_a_choice_named_in_itself(self, logged_in, user, language):
        html = logged_in.get(reverse("accounts:preferences")).content.decode()
        form = re.search(
            r'<select name="language"[^>]*id="id_language"[^>]*>(.*?)</select>', html, re.S
        )
        options = dict(
            re.findall(r'<option value="([a-z]+)"[^>]* lang="\1"[^>]*>([^<]+)</option>', form[1])
        )
        assert len(options) == 26
        assert options["mt"] == "Malti"
        assert options["el"] == "Ελληνικά"
        response = logged_in.post(reverse("accounts:preferences"), {"language": language})
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.language == language
        html = logged_in.get(reverse("accounts:account")).content.decode()
        assert f'<html lang="{language}"' in html

    def test_only_interface_languages(self, logged_in):
        response = logged_in.post(reverse("accounts:preferences"), {"language": "xx", "phone": ""})
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()
