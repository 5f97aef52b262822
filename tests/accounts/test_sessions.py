"""Sessions: a new one at login, ended by logout, by a password change (the others), by a
reset or a deactivation (all), and after the absolute lifetime whatever the activity."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from openimi.accounts import services
from openimi.accounts.models import SecurityEvent, UserSession
from tests.accounts.conftest import PASSWORD, is_logged_in, log_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Maasdijk-Lente-2010"


def _session_key(client) -> str | None:
    cookie = client.cookies.get("sessionid")
    return cookie.value if cookie else None


class TestLoginAndLogout:
    def test_login_starts_a_new_session(self, client, user):
        client.get(reverse("accounts:login"))
        client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
        before = _session_key(client)
        assert before
        response, _ = log_in(client, user.username)
        after = _session_key(client)
        assert response.url == reverse("home")
        assert after and after != before
        assert not Session.objects.filter(session_key=before).exists()
        assert UserSession.objects.filter(user=user, session_key=after).exists()

    def test_logout_ends_the_server_session(self, client, user):
        log_in(client, user.username)
        key = _session_key(client)
        assert Session.objects.filter(session_key=key).exists()
        response = client.post(reverse("accounts:logout"))
        assert response.status_code == 302
        assert not Session.objects.filter(session_key=key).exists()
        assert not UserSession.objects.filter(session_key=key).exists()
        assert not is_logged_in(client)
        assert SecurityEvent.objects.filter(user=user, event="logout").exists()

    def test_a_replayed_session_cookie_is_dead_after_logout(self, client, user):
        log_in(client, user.username)
        key = _session_key(client)
        client.post(reverse("accounts:logout"))
        replay = Client()
        replay.cookies["sessionid"] = key
        assert not is_logged_in(replay)


class TestEndingSessions:
    def test_a_password_change_ends_the_other_sessions_only(self, user):
        here, elsewhere = Client(), Client()
        log_in(here, user.username)
        log_in(elsewhere, user.username)
        assert is_logged_in(here) and is_logged_in(elsewhere)
        response = here.post(
            reverse("accounts:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        assert response.status_code == 302
        assert is_logged_in(here)
        assert not is_logged_in(elsewhere)
        assert UserSession.objects.filter(user=user).count() == 1
        assert UserSession.objects.get(user=user).session_key == _session_key(here)

    def test_a_reset_ends_every_session(self, user, lda):
        first, second = Client(), Client()
        log_in(first, user.username)
        log_in(second, user.username)
        temporary = services.user_password_reset(user=user, actor=lda)
        assert len(temporary) >= 12
        assert not is_logged_in(first) and not is_logged_in(second)
        assert not UserSession.objects.filter(user=user).exists()
        user.refresh_from_db()
        assert user.must_change_password
        assert SecurityEvent.objects.filter(user=user, event="password.reset").exists()
        assert temporary not in " ".join(
            str(v) for row in SecurityEvent.objects.values_list() for v in row
        )

    def test_a_reset_can_forget_the_security_code(self, client, user, lda):
        temporary = services.user_password_reset(user=user, actor=lda, clear_security_code=True)
        user.refresh_from_db()
        assert not user.has_security_code
        response, _ = log_in(client, user.username, temporary, code=None)
        assert response.url == reverse("accounts:setup_password")

    def test_a_reset_lifts_a_lockout(self, client, user, lda):
        for _ in range(5):
            last, _ = log_in(client, user.username, "wrong-password")
        assert last.status_code == 429
        temporary = services.user_password_reset(user=user, actor=lda)
        response, _ = log_in(client, user.username, temporary)
        assert response.url == reverse("accounts:setup_password")

    def test_deactivation_ends_every_session(self, user, lda):
        browser = Client()
        log_in(browser, user.username)
        services.user_deactivate(user=user, actor=lda)
        assert not is_logged_in(browser)
        assert not UserSession.objects.filter(user=user).exists()
        response, _ = log_in(browser, user.username)
        assert response.status_code == 200  # the generic failure, not a session

    def test_force_login_is_noted_too(self, client, user):
        client.force_login(user)
        assert is_logged_in(client)
        assert UserSession.objects.filter(user=user).count() == 1


class TestLifetime:
    def test_the_session_ends_after_the_absolute_lifetime_however_busy(
        self, client, user, clock, settings
    ):
        settings.SESSION_ABSOLUTE_SECONDS = 3600
        log_in(client, user.username)
        for _ in range(3):  # busy: a request every 20 minutes, never idle
            clock.advance(minutes=19)
            assert is_logged_in(client)
        clock.advance(minutes=4)  # 61 minutes after the login
        response = client.get(reverse("accounts:account"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
        assert "next=" in response.url
        assert SecurityEvent.objects.filter(user=user, event="session.expired").exists()
        assert not is_logged_in(client)

    def test_the_default_lifetime_is_ten_hours(self, settings):
        assert settings.SESSION_ABSOLUTE_SECONDS == 10 * 3600

    def test_an_idle_session_ends_after_the_idle_timeout(self, client, user, clock, settings):
        log_in(client, user.username)
        clock.advance(seconds=settings.SESSION_COOKIE_AGE + 1)
        assert not is_logged_in(client)

    def test_a_session_without_a_login_time_ends(self, client, user):
        client.force_login(user)
        session = client.session
        del session["openimi.login.at"]
        session.save()
        assert not is_logged_in(client)


def test_a_cookie_session_engine_is_refused(settings):
    from openimi.accounts.checks import session_engine_is_server_side

    assert session_engine_is_server_side(None) == []
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    assert [e.id for e in session_engine_is_server_side(None)] == ["openimi.accounts.E001"]
