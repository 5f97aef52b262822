"""Passkeys (WebAuthn): registration and removal in My account, the assertion check of the
login. A software authenticator (tests/accounts/soft_authenticator.py) makes real keys and
signatures; py_webauthn verifies them as it would a browser's."""

import json
import re

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client, RequestFactory
from django.urls import reverse

from openimi.accounts.models import Passkey, SecurityEvent, User
from openimi.accounts.passkeys import services
from tests.accounts.conftest import PASSWORD, is_logged_in, log_in, make_user, step1
from tests.accounts.soft_authenticator import SoftAuthenticator
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Code = SecurityEvent.Code
OPTIONS = re.compile(r'<script id="passkey-options" type="application/json">(.*?)</script>', re.S)


@pytest.fixture
def logged_in(client, user):
    log_in(client, user.username)
    return client


def options_on(response) -> dict:
    return json.loads(OPTIONS.search(response.content.decode()).group(1))


def events(user, code) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(user=user, event=code))


def add_passkey(client, authenticator, name="Laptop"):
    options = options_on(client.get(reverse("accounts:passkey_add")))
    return client.post(
        reverse("accounts:passkey_add"),
        {"name": name, "credential": authenticator.register(options)},
    )


def a_request(user=None):
    """A request with a session, as the views hand the services."""
    request = RequestFactory().post("/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = user
    return request


class TestRegistration:
    def test_the_options_ask_for_a_discoverable_passkey_of_this_site(self, logged_in, user):
        options = options_on(logged_in.get(reverse("accounts:passkey_add")))
        assert options["rp"] == {"id": "testserver", "name": "openimi"}
        assert options["authenticatorSelection"]["residentKey"] == "required"
        assert options["authenticatorSelection"]["userVerification"] == "preferred"
        assert options["user"]["name"] == user.username
        # The user handle names nobody: neither the user name nor the database id.
        assert options["user"]["id"] not in (user.username, str(user.pk))

    def test_a_passkey_is_added_and_listed(self, logged_in, user):
        authenticator = SoftAuthenticator()
        response = add_passkey(logged_in, authenticator, name="Werklaptop")
        assert response.status_code == 302
        assert response.url == reverse("accounts:login_methods")
        passkey = user.passkeys.get()
        assert passkey.name == "Werklaptop"
        assert passkey.credential_id == authenticator.credential_id_text
        assert passkey.transports == ["internal"]
        assert [e.detail for e in events(user, Code.PASSKEY_ADDED)] == ["Werklaptop"]
        assert "Werklaptop" in logged_in.get(reverse("accounts:login_methods")).content.decode()
        page = logged_in.get(reverse("accounts:account")).content.decode()
        assert "Passkey added" in page  # the security log, translated
        # The next registration tells the browser not to make a second one on this device.
        options = options_on(logged_in.get(reverse("accounts:passkey_add")))
        assert [c["id"] for c in options["excludeCredentials"]] == [passkey.credential_id]

    def test_without_a_name_nothing_is_asked_of_the_browser(self, logged_in, user):
        response = logged_in.post(reverse("accounts:passkey_add"), {"name": "", "credential": ""})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Enter" in html or "required" in html
        assert "did not make a passkey" not in html
        assert not user.passkeys.exists()

    def test_without_an_answer_the_name_is_kept(self, logged_in, user):
        logged_in.get(reverse("accounts:passkey_add"))
        response = logged_in.post(
            reverse("accounts:passkey_add"), {"name": "Telefoon", "credential": ""}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Your browser did not make a passkey" in html
        assert 'value="Telefoon"' in html
        assert not user.passkeys.exists()

    def test_an_answer_for_another_origin_is_refused(self, logged_in, user):
        options = options_on(logged_in.get(reverse("accounts:passkey_add")))
        credential = SoftAuthenticator(origin="https://phishing.example").register(options)
        response = logged_in.post(
            reverse("accounts:passkey_add"), {"name": "Laptop", "credential": credential}
        )
        assert response.status_code == 200
        assert "The passkey could not be added" in response.content.decode()
        assert not user.passkeys.exists()

    def test_an_answer_for_another_rp_id_is_refused(self, logged_in, user):
        options = options_on(logged_in.get(reverse("accounts:passkey_add")))
        credential = SoftAuthenticator().register(options, rp_id="example.org")
        logged_in.post(
            reverse("accounts:passkey_add"), {"name": "Laptop", "credential": credential}
        )
        assert not user.passkeys.exists()

    def test_a_challenge_is_used_once(self, logged_in, user):
        options = options_on(logged_in.get(reverse("accounts:passkey_add")))
        first, second = SoftAuthenticator(), SoftAuthenticator()
        url = reverse("accounts:passkey_add")
        logged_in.post(url, {"name": "One", "credential": first.register(options)})
        response = logged_in.post(url, {"name": "Two", "credential": second.register(options)})
        assert "The passkey could not be added" in response.content.decode()
        assert [p.name for p in user.passkeys.all()] == ["One"]

    def test_a_challenge_expires_after_five_minutes(self, logged_in, user, clock):
        options = options_on(logged_in.get(reverse("accounts:passkey_add")))
        clock.advance(minutes=5, seconds=1)
        response = logged_in.post(
            reverse("accounts:passkey_add"),
            {"name": "Laptop", "credential": SoftAuthenticator().register(options)},
        )
        assert "The passkey could not be added" in response.content.decode()
        assert not user.passkeys.exists()

    def test_rp_id_and_origins_from_settings(self, logged_in, user, settings):
        settings.WEBAUTHN_RP_ID = "imi.example.eu"
        settings.WEBAUTHN_ORIGINS = ["https://imi.example.eu"]
        options = options_on(logged_in.get(reverse("accounts:passkey_add")))
        assert options["rp"]["id"] == "imi.example.eu"
        authenticator = SoftAuthenticator(rp_id="imi.example.eu", origin="https://imi.example.eu")
        logged_in.post(
            reverse("accounts:passkey_add"),
            {"name": "Laptop", "credential": authenticator.register(options)},
        )
        assert user.passkeys.count() == 1


class TestRemoval:
    @pytest.fixture
    def passkey(self, logged_in):
        add_passkey(logged_in, SoftAuthenticator(), name="Oude sleutel")
        return Passkey.objects.get()

    def test_with_the_password(self, logged_in, user, passkey):
        url = reverse("accounts:passkey_remove", args=[passkey.pk])
        assert "Oude sleutel" in logged_in.get(url).content.decode()
        response = logged_in.post(url, {"password": PASSWORD})
        assert response.status_code == 302
        assert not Passkey.objects.exists()
        assert [e.detail for e in events(user, Code.PASSKEY_REMOVED)] == ["Oude sleutel"]

    def test_a_wrong_password_removes_nothing_and_counts_as_a_failed_login(
        self, logged_in, user, passkey
    ):
        response = logged_in.post(
            reverse("accounts:passkey_remove", args=[passkey.pk]), {"password": "wrong"}
        )
        assert response.status_code == 200
        assert "The password is not correct" in response.content.decode()
        assert Passkey.objects.filter(pk=passkey.pk).exists()
        assert len(events(user, Code.PASSKEY_REMOVE_FAILED)) == 1

    def test_another_users_passkey_cannot_be_removed_or_seen(self, client, authority, passkey):
        other = make_user("carla", authority=authority)
        client.logout()
        log_in(client, other.username)
        url = reverse("accounts:passkey_remove", args=[passkey.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"password": PASSWORD}).status_code == 404
        assert Passkey.objects.filter(pk=passkey.pk).exists()

    def test_anonymous_visitors_are_sent_to_the_login(self, client, passkey):
        client.logout()
        for url in (
            reverse("accounts:passkey_add"),
            reverse("accounts:passkey_remove", args=[passkey.pk]),
        ):
            response = client.post(url, {"password": PASSWORD})
            assert response.status_code == 302
            assert response.url.startswith(reverse("accounts:login"))
        assert Passkey.objects.filter(pk=passkey.pk).exists()

    def test_a_missing_passkey_is_not_found(self, logged_in):
        assert logged_in.get(reverse("accounts:passkey_remove", args=[999999])).status_code == 404


class TestPolicy:
    def test_own_passkeys_only_and_no_service_account(self, authority):
        from openimi.access.policy import Action, can

        user, other = UserFactory(authority=authority), UserFactory(authority=authority)
        service = UserFactory(authority=authority, is_service_account=True)
        assert can(user, Action.PASSKEY_MANAGE, user)
        assert not can(user, Action.PASSKEY_MANAGE, other)
        assert not can(service, Action.PASSKEY_MANAGE, service)
        assert not can(None, Action.PASSKEY_MANAGE, user)


class TestAssertion:
    """``passkey_assertion_verify``: what the login's step 2 asks of a passkey."""

    @pytest.fixture
    def authenticator(self, user):
        return register(user)

    def verify(self, user, answer_for, **options):
        request = a_request()
        login_options = services.passkey_login_options(request=request)
        challenge = services.passkey_login_challenge_take(request=request)
        return services.passkey_assertion_verify(
            request=request, user=user, credential=answer_for(login_options), challenge=challenge
        )

    def test_the_login_options_are_the_same_for_everyone(self):
        first = json.loads(services.passkey_login_options(request=a_request()))
        second = json.loads(services.passkey_login_options(request=a_request()))
        assert first["allowCredentials"] == second["allowCredentials"] == []
        assert first["challenge"] != second["challenge"]
        assert {k for k in first if k != "challenge"} == {k for k in second if k != "challenge"}
        assert first["rpId"] == "testserver"
        assert first["userVerification"] == "preferred"

    def test_a_valid_assertion_is_accepted_and_recorded(self, user, authenticator):
        assert self.verify(user, authenticator.assertion)
        passkey = user.passkeys.get()
        assert passkey.sign_count == 1
        assert passkey.last_used_at is not None
        assert len(events(user, Code.PASSKEY_USED)) == 1

    def test_another_users_passkey_is_refused(self, user, authenticator, authority):
        other = make_user("carla", authority=authority)
        assert not self.verify(other, authenticator.assertion)
        assert events(other, Code.PASSKEY_REFUSED)[0].detail == "another user's"

    def test_an_unknown_passkey_is_refused(self, user, authenticator):
        assert not self.verify(user, SoftAuthenticator().assertion)
        assert events(user, Code.PASSKEY_REFUSED)[0].detail == "unknown passkey"

    def test_a_wrong_signature_is_refused(self, user, authenticator):
        other_key = ec.generate_private_key(ec.SECP256R1())
        assert not self.verify(user, lambda o: authenticator.assertion(o, key=other_key))
        assert user.passkeys.get().sign_count == 0

    def test_a_wrong_origin_or_rp_id_is_refused(self, user, authenticator):
        assert not self.verify(user, lambda o: authenticator.assertion(o, origin="https://x.eu"))
        assert not self.verify(user, lambda o: authenticator.assertion(o, rp_id="x.eu"))

    def test_a_wrong_challenge_is_refused(self, user, authenticator):
        request = a_request()
        services.passkey_login_options(request=request)
        challenge = services.passkey_login_challenge_take(request=request)
        other = services.passkey_login_options(request=a_request())
        assert not services.passkey_assertion_verify(
            request=request,
            user=user,
            credential=authenticator.assertion(other),
            challenge=challenge,
        )

    def test_the_challenge_is_used_once(self, user, authenticator):
        request = a_request()
        services.passkey_login_options(request=request)
        assert services.passkey_login_challenge_take(request=request) is not None
        assert services.passkey_login_challenge_take(request=request) is None

    def test_a_stale_challenge_is_gone(self, user, authenticator, clock):
        request = a_request()
        services.passkey_login_options(request=request)
        clock.advance(minutes=5, seconds=1)
        assert services.passkey_login_challenge_take(request=request) is None

    def test_a_counter_that_goes_back_is_refused_and_logged(self, user, authenticator):
        assert self.verify(user, lambda o: authenticator.assertion(o, sign_count=7))
        assert not self.verify(user, lambda o: authenticator.assertion(o, sign_count=7))
        assert not self.verify(user, lambda o: authenticator.assertion(o, sign_count=3))
        refusals = events(user, Code.PASSKEY_REFUSED)
        assert len(refusals) == 2
        assert all("sign count" in event.detail for event in refusals)
        assert user.passkeys.get().sign_count == 7

    def test_an_authenticator_without_a_counter_is_accepted(self, user, authenticator):
        # Some passkeys (synced ones) always report 0: no counter, nothing to compare.
        assert self.verify(user, lambda o: authenticator.assertion(o, sign_count=0))
        assert self.verify(user, lambda o: authenticator.assertion(o, sign_count=0))

    def test_no_challenge_means_no(self, user, authenticator):
        options = services.passkey_login_options(request=a_request())
        assert not services.passkey_assertion_verify(
            request=a_request(),
            user=user,
            credential=authenticator.assertion(options),
            challenge=None,
        )

    def test_garbage_is_refused(self, user, authenticator):
        request = a_request()
        services.passkey_login_options(request=request)
        challenge = services.passkey_login_challenge_take(request=request)
        for garbage in ("{}", '{"id": "x"}', "not json"):
            assert not services.passkey_assertion_verify(
                request=request, user=user, credential=garbage, challenge=challenge
            )


class TestLogin:
    """Step 2 with a passkey, through the pages (``accounts:login_passkey``)."""

    @pytest.fixture
    def authenticator(self, user):
        return register(user)

    def use_passkey(self, client, answer_for, username="bram", password=PASSWORD):
        step1(client, username, password)
        page = client.get(reverse("accounts:login_passkey"))
        assert page.status_code == 200
        return client.post(
            reverse("accounts:login_passkey"), {"credential": answer_for(options_on(page))}
        )

    def test_password_and_passkey_log_in(self, client, user, authenticator):
        response = self.use_passkey(client, authenticator.assertion)
        assert response.status_code == 302
        assert is_logged_in(client)
        assert events(user, Code.LOGIN_SUCCEEDED)[0].detail == "way: passkey"
        assert len(events(user, Code.PASSKEY_USED)) == 1
        assert user.passkeys.get().last_used_at is not None

    def test_a_wrong_password_fails_with_the_one_message(self, client, user, authenticator):
        response = self.use_passkey(client, authenticator.assertion, password="wrong")
        assert response.status_code == 200
        assert "The username, password or security code is not correct." in (
            response.content.decode()
        )
        assert not is_logged_in(client)
        assert events(user, Code.LOGIN_FAILED)[0].detail == "passkey: password"
        # Checked, but no use noted: the password was wrong.
        assert events(user, Code.PASSKEY_USED) == []
        assert user.passkeys.get().last_used_at is None

    def test_another_users_passkey_is_refused(self, client, user, authenticator, authority):
        make_user("carla", authority=authority)
        response = self.use_passkey(client, authenticator.assertion, username="carla")
        assert "The username, password or security code is not correct." in (
            response.content.decode()
        )
        assert not is_logged_in(client)
        carla = User.objects.get(username="carla")
        assert events(carla, Code.PASSKEY_REFUSED)[0].detail == "another user's"
        assert events(carla, Code.LOGIN_FAILED)[0].detail == "passkey: passkey"

    def test_an_answer_is_used_once(self, client, user, authenticator):
        step1(client, "bram", PASSWORD)
        options = options_on(client.get(reverse("accounts:login_passkey")))
        answer = authenticator.assertion(options)
        client.post(reverse("accounts:login_passkey"), {"credential": answer})
        client.post(reverse("accounts:logout"))
        step1(client, "bram", PASSWORD)
        client.get(reverse("accounts:login_passkey"))
        client.post(reverse("accounts:login_passkey"), {"credential": answer})
        assert not is_logged_in(client)

    def test_failures_count_towards_the_lockout(self, client, user, authenticator, settings):
        other = SoftAuthenticator()  # a passkey openimi does not know
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            self.use_passkey(client, other.assertion)
        # Locked now: even the right password and passkey get no further than step 1.
        assert step1(client, "bram", PASSWORD).status_code == 429
        assert not is_logged_in(client)

    def test_the_page_is_the_same_for_every_name(self, user, authenticator, authority):
        make_user("zonder", authority=authority)  # an account without a passkey
        pages = []
        for name in ("bram", "zonder", "niemand"):
            client = Client()
            step1(client, name, PASSWORD)
            html = client.get(reverse("accounts:login_passkey")).content.decode()
            # Tokens, nonces and the challenge differ on every page, for everyone.
            pages.append(re.sub(r"[A-Za-z0-9_\-]{20,}", "…", html))
        assert pages[0] == pages[1] == pages[2]
        assert '"allowCredentials": []' in pages[0]

    def test_without_javascript_the_page_says_so_and_offers_the_other_ways(self, client, user):
        step1(client, "bram", PASSWORD)
        html = client.get(reverse("accounts:login_passkey")).content.decode()
        assert "needs JavaScript" in html
        assert reverse("accounts:login_code") in html
        assert re.search(r'<form [^>]*data-passkey="login" hidden', html)

    def test_without_step_1_back_to_the_start(self, client):
        response = client.get(reverse("accounts:login_passkey"))
        assert response.status_code == 302
        assert response.url == reverse("accounts:login")

    def test_without_an_answer_the_page_asks_again(self, client, user):
        step1(client, "bram", PASSWORD)
        response = client.post(reverse("accounts:login_passkey"), {"credential": ""})
        assert response.status_code == 200
        assert "Your browser did not use a passkey" in response.content.decode()
        assert not is_logged_in(client)

    def test_not_offered_when_the_installation_leaves_passkeys_out(self, client, user, settings):
        settings.LOGIN_WAYS = ("security_code",)
        step1(client, "bram", PASSWORD)
        assert client.get(reverse("accounts:login_passkey")).status_code == 404


class TestSecondFactors:
    def test_a_passkey_is_a_second_factor_and_a_reset_deletes_it(self, user, lda):
        from openimi.accounts import second_factors

        assert not second_factors.user_has_second_factor(user)
        register(user)
        assert second_factors.user_has_second_factor(user)
        second_factors.second_factors_reset(request=None, actor=lda, user=user)
        assert not user.passkeys.exists()
        assert not second_factors.user_has_second_factor(user)


def register(user) -> SoftAuthenticator:
    authenticator = SoftAuthenticator()
    request = a_request(user)
    options = services.passkey_registration_options(request=request, user=user)
    services.passkey_register(
        request=request, user=user, name="Laptop", credential=authenticator.register(options)
    )
    return authenticator
