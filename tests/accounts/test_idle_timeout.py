"""The idle timeout, seen from the server (issue 15, item 18; the browser side is in
tests/browser/test_idle_timeout.py): the login page says why the user must log in again,
"Stay logged in" renews the session, and every page carries the warning."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from openimi.accounts.middleware import LOGGED_IN_HINT_COOKIE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REASON = "You were logged out because you did nothing for 30 minutes."


@pytest.fixture
def user(authority):
    return UserFactory(authority=authority, username="pieter")


def _idle_timeout_passes(client):
    """The browser drops the session cookie when its max-age (the idle timeout) ran out."""
    del client.cookies[settings.SESSION_COOKIE_NAME]


def test_after_the_idle_timeout_the_login_page_says_why(client, user):
    client.force_login(user)
    assert client.get(reverse("accounts:account")).status_code == 200
    assert LOGGED_IN_HINT_COOKIE in client.cookies
    _idle_timeout_passes(client)
    response = client.post(reverse("accounts:preferences"), {"first_name": "Pieter"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")
    page = client.get(response.url)
    html = page.content.decode()
    assert REASON in html
    assert 'name="next" value="/accounts/me/details/"' in html
    # Said once: the next visit of the login page is an ordinary one.
    assert REASON not in client.get(reverse("accounts:login")).content.decode()


def test_the_reason_is_in_the_users_language(client, user):
    client.force_login(user)
    client.get(reverse("accounts:account"))
    _idle_timeout_passes(client)
    html = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "U bent uitgelogd omdat u 30 minuten niets hebt gedaan." in html


def test_after_logging_out_the_login_page_gives_no_reason(client, user):
    client.force_login(user)
    client.get(reverse("accounts:account"))
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert REASON not in client.get(reverse("accounts:login")).content.decode()


def test_a_first_visit_gets_no_reason(client):
    assert REASON not in client.get(reverse("accounts:login")).content.decode()


def test_stay_logged_in_renews_the_session(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:session_keepalive"))
    assert response.status_code == 204
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE


def test_stay_logged_in_without_a_session_goes_to_the_login_page(client):
    response = client.post(reverse("accounts:session_keepalive"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_every_page_of_a_logged_in_user_carries_the_warning(client, user, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 120
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    dialog = re.search(r"<dialog[^>]*>", html).group(0)
    assert 'data-timeout-seconds="1800"' in dialog
    assert 'data-warning-seconds="120"' in dialog
    assert "you will be logged out in 2 minutes" in html
    assert "Stay logged in" in html
    client.logout()
    assert "<dialog" not in client.get(reverse("accounts:login")).content.decode()
