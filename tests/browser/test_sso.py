"""Single sign-on against a REAL OpenID Connect provider (panva's oidc-provider, started by the
test as its own process; tests/oidc.py): the code flow with PKCE in Chromium, an expired token,
an unlinked subject, a required acr not met, the logout at both ends; and an ID token made by
the provider for another client, refused by openimi's check of the audience."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.test import override_settings
from playwright.sync_api import expect

from openimi.accounts.models import SecurityEvent, SsoLink
from openimi.accounts.sso import services
from openimi.accounts.sso.providers import provider_get
from tests.factories import UserFactory
from tests.oidc import client, oidc_provider, provider_setting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "openimi-test-secret-0123456789abcdef"


@pytest.fixture
def op(live_server):
    """The provider, knowing openimi (client "openimi") and another application."""
    clients = [
        client(live_server.url, "testid", "openimi", SECRET),
        {
            "client_id": "another-app",
            "client_secret": "another-secret-0123456789abcdef",
            "redirect_uris": ["http://127.0.0.1:9/another-app/callback"],
        },
    ]
    with oidc_provider(clients=clients) as issuer:
        yield issuer


def _configure(settings, issuer, **extra):
    settings.OIDC_PROVIDERS = [provider_setting("testid", issuer, "openimi", SECRET, **extra)]


@pytest.fixture
def linked_user(authority, lda):
    user = UserFactory(authority=authority, username="an.peeters", first_name="An")
    SsoLink.objects.create(user=user, provider="testid", subject="subject-an", linked_by=lda)
    return user


def _sign_in_at_provider(page, subject, acr="substantial"):
    expect(page.get_by_role("heading", name="Test provider login")).to_be_visible()
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Assurance").select_option(acr)
    page.get_by_role("button", name="Sign in").click()


def _logged_in_as(page, user):
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.locator("header")).to_contain_text(user.get_full_name())


def test_code_flow_with_pkce_logs_in(page, live_server, settings, op, linked_user, axe_violations):
    _configure(settings, op)
    authorize = []
    page.on(
        "request", lambda r: authorize.append(r.url) if r.url.startswith(op + "/auth") else None
    )
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Log in with Test ID").click()
    _sign_in_at_provider(page, "subject-an")
    _logged_in_as(page, linked_user)

    query = parse_qs(urlparse(authorize[0]).query)
    assert query["client_id"] == ["openimi"]
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256
    assert query["state"][0] and query["nonce"][0]
    event = SecurityEvent.objects.filter(user=linked_user).first()
    assert (event.event, event.detail) == (SecurityEvent.Code.SSO_LOGIN, "testid")
    link = SsoLink.objects.get(user=linked_user)
    assert link.last_login_at is not None


def test_an_unlinked_subject_is_told_whom_to_ask_in_dutch(
    page, live_server, settings, op, linked_user, axe_violations
):
    _configure(settings, op)
    page.context.add_cookies([{"name": "django_language", "value": "nl", "url": live_server.url}])
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Inloggen met Test-ID").click()
    _sign_in_at_provider(page, "subject-nobody")
    expect(page.get_by_role("heading", level=1)).to_have_text("U bent niet ingelogd")
    expect(page.locator("main")).to_contain_text("lokale gegevensbeheerder van uw autoriteit")
    expect(page.locator("main")).to_contain_text("subject-nobody")
    expect(page.get_by_role("button", name="Uitloggen")).to_have_count(0)
    assert axe_violations(page) == []
    event = SecurityEvent.objects.get(event=SecurityEvent.Code.LOGIN_FAILED)
    assert event.detail == "sso testid: unlinked subject-nobody"


def test_an_inactive_linked_user_gets_the_same_refusal(
    page, live_server, settings, op, linked_user
):
    _configure(settings, op)
    linked_user.is_active = False
    linked_user.save(update_fields=["is_active"])
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Log in with Test ID").click()
    _sign_in_at_provider(page, "subject-an")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are not logged in")
    expect(page.locator("main")).to_contain_text("not linked to an openimi account that can log in")
    assert not SecurityEvent.objects.filter(event=SecurityEvent.Code.SSO_LOGIN).exists()


def test_a_required_acr_not_met_is_refused_and_one_met_is_accepted(
    page, live_server, settings, op, linked_user
):
    _configure(settings, op, acr_values=["high"])
    page.goto(f"{live_server.url}/accounts/login/")
    authorize = []
    page.on(
        "request", lambda r: authorize.append(r.url) if r.url.startswith(op + "/auth") else None
    )
    page.get_by_role("button", name="Log in with Test ID").click()
    _sign_in_at_provider(page, "subject-an", acr="substantial")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are not logged in")
    expect(page.locator("main")).to_contain_text("needs a stronger login at Test ID")
    assert parse_qs(urlparse(authorize[0]).query)["acr_values"] == ["high"]
    assert SecurityEvent.objects.filter(detail="sso testid: acr substantial not accepted").exists()

    # A new login at the provider, this time strong enough.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Log in with Test ID").click()
    _sign_in_at_provider(page, "subject-an", acr="high")
    _logged_in_as(page, linked_user)


def test_an_expired_id_token_is_refused(page, live_server, settings, linked_user):
    # This provider's clock is ten minutes slow and its ID tokens live one minute: every token
    # has expired (by more than the allowed clock skew) when openimi receives it.
    clients = [client(live_server.url, "testid", "openimi", SECRET)]
    with oidc_provider(clients=clients, id_token_ttl=60, clock_offset=-600) as issuer:
        _configure(settings, issuer)
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_role("button", name="Log in with Test ID").click()
        _sign_in_at_provider(page, "subject-an")
        expect(page.get_by_role("heading", level=1)).to_have_text("You are not logged in")
        expect(page.locator("main")).to_contain_text("The login through Test ID did not succeed")
    event = SecurityEvent.objects.get(event=SecurityEvent.Code.LOGIN_FAILED)
    assert "expired" in event.detail
    assert not SecurityEvent.objects.filter(event=SecurityEvent.Code.SSO_LOGIN).exists()


def _real_tokens(page, issuer, client_id, secret, redirect_uri):
    """A real code flow for ``client_id`` at the provider (PKCE), the code caught at the
    redirect and exchanged; returns (token response, nonce)."""
    import base64
    import hashlib
    import secrets

    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    nonce = secrets.token_urlsafe(16)
    caught = {}

    def catch(route):
        caught["url"] = route.request.url
        route.fulfill(status=200, body="caught")

    page.route(re.compile("^" + re.escape(redirect_uri) + r".*"), catch)
    page.goto(
        f"{issuer}/auth?client_id={client_id}&response_type=code&scope=openid"
        f"&redirect_uri={redirect_uri}&state=s&nonce={nonce}"
        f"&code_challenge={challenge.decode().rstrip('=')}&code_challenge_method=S256"
    )
    if "url" not in caught:
        _sign_in_at_provider(page, "subject-an")
        page.wait_for_url(re.compile("^" + re.escape(redirect_uri) + r".*"))
    assert "code=" in caught["url"], caught["url"]
    code = parse_qs(urlparse(caught["url"]).query)["code"][0]
    response = requests.post(
        f"{issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(client_id, secret),
        timeout=10,
    )
    response.raise_for_status()
    return response.json(), nonce


def test_an_id_token_for_another_client_is_refused(page, settings, op):
    from joserfc.errors import InvalidClaimError

    _configure(settings, op)
    provider = provider_get("testid")
    token, nonce = _real_tokens(
        page,
        op,
        "another-app",
        "another-secret-0123456789abcdef",
        "http://127.0.0.1:9/another-app/callback",
    )
    with pytest.raises(InvalidClaimError) as refused:
        services.id_token_verify(provider=provider, token=token, nonce=nonce)
    assert refused.value.claim == "aud"
    # The same token passes for the client it was made for: only the audience was wrong.
    with override_settings(
        OIDC_PROVIDERS=[
            provider_setting("testid", op, "another-app", "another-secret-0123456789abcdef")
        ]
    ):
        claims = services.id_token_verify(provider=provider_get("testid"), token=token, nonce=nonce)
    assert claims["sub"] == "subject-an"


def test_logout_ends_the_session_here_and_at_the_provider(
    page, live_server, settings, op, linked_user
):
    _configure(settings, op)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Log in with Test ID").click()
    _sign_in_at_provider(page, "subject-an")
    _logged_in_as(page, linked_user)

    # Without openimi's session, the provider's session alone logs in again without a form
    # (this is what the logout at the provider must end).
    page.context.clear_cookies(domain=urlparse(live_server.url).hostname)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Log in with Test ID").click()
    _logged_in_as(page, linked_user)

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(re.escape(op) + "/session/end"))
    assert "id_token_hint=" in page.url
    assert "post_logout_redirect_uri=" in page.url
    page.get_by_role("button", name=re.compile("Yes, sign me out")).click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + "/accounts/login/"))
    assert SecurityEvent.objects.filter(user=linked_user, event=SecurityEvent.Code.LOGOUT).exists()

    page.goto(f"{live_server.url}/accounts/me/")
    expect(page).to_have_url(re.compile("/accounts/login/"))
    page.get_by_role("button", name="Log in with Test ID").click()
    expect(page.get_by_role("heading", name="Test provider login")).to_be_visible()


def test_a_local_data_administrator_links_a_login(
    page, live_server, settings, authority, lda, login_as, axe_violations
):
    settings.OIDC_PROVIDERS = [
        provider_setting("testid", "https://idp.example.org", "openimi", SECRET)
    ]
    colleague = UserFactory(authority=authority, username="tessa", first_name="Tessa")
    login_as(lda)
    page.goto(f"{live_server.url}/administration/users/{colleague.pk}/")
    page.get_by_role("button", name="Link a login").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Link a login")
    page.get_by_role("button", name="Link a login").click()  # nothing entered
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Subject identifier").fill("248289")
    page.get_by_role("button", name="Link a login").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("User details")
    expect(page.locator("main")).to_contain_text(
        f"The login through Test ID is linked to {colleague.get_full_name()}."
    )
    expect(page.locator("main")).to_contain_text("248289")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Unlink Test ID").click()
    page.get_by_role("button", name="Unlink").click()
    expect(page.locator("main")).to_contain_text("is no longer linked to")
    assert not SsoLink.objects.exists()


def test_the_authoritys_second_factor_rule_after_a_single_sign_on_login(
    page, live_server, settings, op, linked_user, lda
):
    """A provider whose login is no second factor: the user's authenticator app completes
    the login (the security code does not); one whose login is, satisfies the rule."""
    import time

    import pyotp

    from openimi.accounts import authenticators
    from openimi.authorities.services import authority_second_factor_rule_set

    enrolment = authenticators.authenticator_begin(user=linked_user, name="Telefoon")
    totp = pyotp.TOTP(enrolment.secret)
    assert authenticators.authenticator_confirm(request=None, enrolment=enrolment, code=totp.now())
    authority_second_factor_rule_set(authority=linked_user.authority, actor=lda, required=True)

    _configure(settings, op)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Log in with Test ID").click()
    _sign_in_at_provider(page, "subject-an")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    # The security code way refuses a login begun at the provider.
    page.get_by_role("link", name="Three characters of your security code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    page.get_by_label("Code from your authenticator app").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Log in").click()
    _logged_in_as(page, linked_user)
    event = SecurityEvent.objects.filter(user=linked_user, event="login.succeeded").latest("pk")
    assert event.detail == "sso testid; way: authenticator"
    page.context.clear_cookies()  # a new visit: no session here nor at the provider

    _configure(settings, op, second_factor=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Log in with Test ID").click()
    _sign_in_at_provider(page, "subject-an")
    _logged_in_as(page, linked_user)


def test_a_single_sign_on_user_without_an_app_registers_one_under_the_rule(
    page, live_server, settings, op, linked_user, lda
):
    import pyotp

    from openimi.authorities.services import authority_second_factor_rule_set

    authority_second_factor_rule_set(authority=linked_user.authority, actor=lda, required=True)
    _configure(settings, op)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Log in with Test ID").click()
    _sign_in_at_provider(page, "subject-an")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an authenticator app")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    page.get_by_text("Cannot scan the code? Type the key instead").click()
    secret = "".join(page.locator("code.openimi-secret").inner_text().split())
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Add the app and log in").click()
    _logged_in_as(page, linked_user)
    assert linked_user.authenticators.filter(confirmed_at__isnull=False).count() == 1
