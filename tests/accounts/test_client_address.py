"""Behind reverse proxies the login pages, django-axes and the security log record the
caller's address from X-Forwarded-For (``common.net.client_address``), not the proxy's."""

import pytest
from axes.models import AccessAttempt

from openimi.accounts.models import SecurityEvent
from tests.accounts.conftest import PASSWORD, is_logged_in, log_in

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
CALLER = "203.0.113.9"
# What the caller wrote itself comes first; the proxy appended the address it saw.
FORWARDED = f"198.51.100.66, {CALLER}"


def test_a_failed_login_is_logged_with_the_callers_address(client, settings, user):
    settings.TRUSTED_PROXY_COUNT = 1
    client.defaults.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=FORWARDED)
    response, _positions = log_in(client, user.username, PASSWORD, wrong_code=True)
    assert response.status_code == 200  # the code page again, with its error
    assert not is_logged_in(client)
    event = SecurityEvent.objects.get(event=SecurityEvent.Code.LOGIN_FAILED)
    assert event.ip_address == CALLER
    assert AccessAttempt.objects.get(username=user.username).ip_address == CALLER


def test_a_login_is_logged_with_the_callers_address(client, settings, user):
    settings.TRUSTED_PROXY_COUNT = 1
    client.defaults.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=FORWARDED)
    response, _positions = log_in(client, user.username, PASSWORD)
    assert response.status_code == 302
    event = SecurityEvent.objects.get(event=SecurityEvent.Code.LOGIN_SUCCEEDED)
    assert event.ip_address == CALLER


def test_without_trusted_proxies_the_header_is_not_believed(client, settings, user):
    settings.TRUSTED_PROXY_COUNT = 0
    client.defaults.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=FORWARDED)
    log_in(client, user.username, PASSWORD, wrong_code=True)
    event = SecurityEvent.objects.get(event=SecurityEvent.Code.LOGIN_FAILED)
    assert event.ip_address == PROXY
