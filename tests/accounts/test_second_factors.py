"""Second factors (issue 23): authenticator apps (TOTP), recovery codes, the authority's rule
and the local data administrator's reset. Real PostgreSQL, real django-axes counting, codes
computed with pyotp as an app on a phone would."""

import re

import pyotp
import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from openimi.accounts import authenticators, recovery_codes, second_factors, services
from openimi.accounts.models import AuthenticatorDevice, RecoveryCode, SecurityEvent
from openimi.accounts.second_factors import WAY_AUTHENTICATOR, login_ways
from openimi.authorities.services import authority_second_factor_rule_set
from tests.accounts.conftest import (
    CODE,
    PASSWORD,
    characters_of,
    is_logged_in,
    log_in,
    make_user,
    positions_on,
    step1,
)

pytestmark = pytest.mark.django_db

GENERIC = "The username, password or security code is not correct."
RULE = "Your authority requires a second factor to log in."


def _main(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def _csrf_free(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def add_app(user, clock, name="Work phone") -> pyotp.TOTP:
    """Register and confirm an app, as My account does; the clock moves past the step used."""
    enrolment = authenticators.authenticator_begin(user=user, name=name)
    totp = pyotp.TOTP(enrolment.secret)
    assert authenticators.authenticator_confirm(
        request=None, enrolment=enrolment, code=totp.at(clock.now)
    )
    clock.advance(seconds=30)
    return totp


def login_with_app(client, username, code, password=PASSWORD):
    response = step1(client, username, password)
    assert response.url == reverse("accounts:login_code")
    return client.post(reverse("accounts:login_authenticator"), {"code": code})


class TestAuthenticatorCodes:
    def test_a_current_code_logs_in_and_is_logged(self, client, user, clock):
        totp = add_app(user, clock)
        response = login_with_app(client, user.username, totp.at(clock.now))
        assert response.status_code == 302 and response.url == reverse("home")
        assert is_logged_in(client)
        event = SecurityEvent.objects.filter(user=user, event="login.succeeded").latest("pk")
        assert event.detail == "way: authenticator"
        assert SecurityEvent.objects.filter(user=user, event="authenticator.added").count() == 1

    def test_a_code_is_accepted_once(self, client, user, clock):
        totp = add_app(user, clock)
        code = totp.at(clock.now)
        assert login_with_app(client, user.username, code).url == reverse("home")
        client.post(reverse("accounts:logout"))
        again = login_with_app(Client(), user.username, code)
        assert again.status_code == 200
        assert GENERIC in again.content.decode()
        # An older code than the last one used is refused too, even within the drift.
        older = login_with_app(Client(), user.username, totp.at(clock.now.timestamp() - 30))
        assert GENERIC in older.content.decode()

    def test_one_step_of_drift_either_way(self, user, clock):
        totp = add_app(user, clock)
        now = clock.advance(seconds=90).timestamp()
        assert not authenticators.authenticator_verify(user=user, code=totp.at(now - 60))
        assert not authenticators.authenticator_verify(user=user, code=totp.at(now + 60))
        assert authenticators.authenticator_verify(user=user, code=totp.at(now - 30))
        assert authenticators.authenticator_verify(user=user, code=totp.at(now + 30))
        # The step after that was used: now and the step before are spent.
        assert not authenticators.authenticator_verify(user=user, code=totp.at(now))

    def test_an_unconfirmed_app_logs_nobody_in(self, client, user, clock):
        enrolment = authenticators.authenticator_begin(user=user, name="Half")
        code = pyotp.TOTP(enrolment.secret).at(clock.now)
        response = login_with_app(client, user.username, code)
        assert GENERIC in response.content.decode()
        assert not second_factors.user_has_second_factor(user)

    def test_the_secret_is_stored_sealed(self, user, clock):
        totp = add_app(user, clock)
        device = AuthenticatorDevice.objects.get(user=user)
        assert totp.secret.encode() not in bytes(device.secret_ciphertext)
        # Moved to another user, the ciphertext does not open.
        other = make_user("other")
        AuthenticatorDevice.objects.filter(pk=device.pk).update(user=other)
        assert not authenticators.authenticator_verify(
            user=other, code=totp.at(clock.now.timestamp())
        )

    def test_a_wrong_code_counts_like_a_wrong_security_code_and_locks(self, client, user, clock):
        totp = add_app(user, clock)
        right = totp.at(clock.now)
        wrong = f"{(int(right) + 1) % 1000000:06d}"
        for attempt in range(1, 5):
            response = login_with_app(client, user.username, wrong)
            assert GENERIC in response.content.decode()
            failures = sum(
                AccessAttempt.objects.filter(username=user.username).values_list(
                    "failures_since_start", flat=True
                )
            )
            assert failures == attempt
        fifth = login_with_app(client, user.username, wrong)
        assert fifth.status_code == 429
        # Locked: the right code does not get through either.
        assert step1(client, user.username, PASSWORD).status_code == 429
        assert (
            SecurityEvent.objects.filter(
                user=user, event="login.failed", detail="authenticator: authenticator"
            ).count()
            == 5
        )

    def test_a_locked_name_cannot_finish_with_a_code(self, client, user, clock):
        totp = add_app(user, clock)
        patient = Client()
        step1(patient, user.username, PASSWORD)
        for _ in range(5):
            log_in(client, user.username, wrong_code=True)
        response = patient.post(
            reverse("accounts:login_authenticator"), {"code": totp.at(clock.now)}
        )
        assert response.status_code == 429
        assert not is_logged_in(patient)

    def test_malformed_codes_keep_the_attempt_and_say_what_to_type(self, client, user, clock):
        totp = add_app(user, clock)
        step1(client, user.username, PASSWORD)
        bad = client.post(reverse("accounts:login_authenticator"), {"code": "12a456"})
        assert bad.status_code == 200
        assert "Enter the 6 digits of the code" in bad.content.decode()
        assert 'value="12a456"' in bad.content.decode()
        code = totp.at(clock.now)
        spaced = client.post(
            reverse("accounts:login_authenticator"), {"code": f"{code[:3]} {code[3:]}"}
        )
        assert spaced.url == reverse("home")

    def test_without_step_1_the_page_sends_back(self, client):
        assert client.get(reverse("accounts:login_authenticator")).url == reverse("accounts:login")
        response = client.post(reverse("accounts:login_authenticator"), {"code": "123456"})
        assert response.url == reverse("accounts:login")


class TestEnumeration:
    """Step 2 is shown before anyone knows whether the password was right: identical for a
    name that is no account, one without an app, one with an app and a wrong password."""

    def _pages(self, username, password):
        client = Client()
        step1(client, username, password)
        code_page = client.get(reverse("accounts:login_code"))
        app_page = client.get(reverse("accounts:login_authenticator"))
        failed = client.post(reverse("accounts:login_authenticator"), {"code": "123456"})
        return code_page, app_page, failed

    def test_identical_pages_for_every_name(self, user, clock):
        with_app = make_user("with-app")
        add_app(with_app, clock)
        cases = [
            ("nobody-at-all", PASSWORD),
            (user.username, PASSWORD),  # known, no app
            (with_app.username, "wrong-password"),
            (with_app.username, PASSWORD),  # known, app, wrong code
        ]
        shapes = []
        for username, password in cases:
            code_page, app_page, failed = self._pages(username, password)
            shapes.append(
                (
                    re.sub(r"\d+", "N", _csrf_free(_main(code_page))),
                    _csrf_free(_main(app_page)),
                    re.sub(re.escape(username), "NAME", _csrf_free(_main(failed))),
                )
            )
        assert all(shape == shapes[0] for shape in shapes), "a page differs by name"
        # Every way of the installation is offered, whatever the name.
        assert f'href="{reverse("accounts:login_authenticator")}"' in shapes[0][0]
        assert f'href="{reverse("accounts:login_recovery_code")}"' in shapes[0][0]
        assert f'href="{reverse("accounts:login_code")}"' in shapes[0][1]

    def test_verify_is_never_called_without_a_user(self, rf, user):
        client = Client()
        step1(client, "nobody-at-all", PASSWORD)
        calls = []
        request = rf.post("/")
        request.session = client.session
        outcome = services.login_verify_factor(
            request=request,
            way=WAY_AUTHENTICATOR,
            verify=lambda u: calls.append(u) or True,
            decoy=lambda: calls.append("decoy"),
        )
        assert not outcome.succeeded
        assert calls == ["decoy"]

    def test_verify_is_called_for_a_known_name_with_a_wrong_password(self, rf, user):
        client = Client()
        step1(client, user.username, "wrong-password")
        calls = []
        request = rf.post("/")
        request.session = client.session
        outcome = services.login_verify_factor(
            request=request, way=WAY_AUTHENTICATOR, verify=lambda u: calls.append(u) or True
        )
        assert not outcome.succeeded, "a right factor does not make up for a wrong password"
        assert calls == [user]

    def test_the_ways_are_a_setting(self, client, user, settings):
        settings.LOGIN_WAYS = ("security_code",)
        assert [way.code for way in login_ways()] == ["security_code"]
        step1(client, user.username, PASSWORD)
        page = client.get(reverse("accounts:login_code"))
        assert "Other ways to log in" not in page.content.decode()
        assert client.get(reverse("accounts:login_authenticator")).status_code == 404


class TestRecoveryCodes:
    def test_each_code_works_once_and_the_user_hears_how_many_are_left(self, user, clock):
        codes = recovery_codes.recovery_codes_generate(request=None, user=user)
        assert len(codes) == 10 and len(set(codes)) == 10
        stored = list(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
        assert not any(code.replace("-", "") in h for code in codes for h in stored)

        client = Client()
        step1(client, user.username, PASSWORD)
        response = client.post(
            reverse("accounts:login_recovery_code"), {"recovery_code": codes[0].lower()}
        )
        assert response.url == reverse("home")
        home = client.get(response.url)
        assert "You have 9 left" in home.content.decode()
        event = SecurityEvent.objects.filter(user=user, event="recovery_code.used").get()
        assert event.detail == "9 left"

        again = Client()
        step1(again, user.username, PASSWORD)
        reused = again.post(reverse("accounts:login_recovery_code"), {"recovery_code": codes[0]})
        assert GENERIC in reused.content.decode()

    def test_a_warning_when_two_or_fewer_are_left(self, user):
        codes = recovery_codes.recovery_codes_generate(request=None, user=user)
        for code in codes[:7]:
            assert recovery_codes.recovery_code_use(request=None, user=user, code=code)
        client = Client()
        step1(client, user.username, PASSWORD)
        response = client.post(reverse("accounts:login_recovery_code"), {"recovery_code": codes[7]})
        page = client.get(response.url).content.decode()
        assert "You have 2 left" in page
        assert "Create new recovery codes in My account" in page

    def test_a_wrong_password_does_not_spend_a_code(self, user, clock):
        codes = recovery_codes.recovery_codes_generate(request=None, user=user)
        totp = add_app(user, clock)
        client = Client()
        step1(client, user.username, "wrong-password")
        failed = client.post(reverse("accounts:login_recovery_code"), {"recovery_code": codes[0]})
        assert GENERIC in failed.content.decode()
        assert recovery_codes.recovery_codes_left(user=user) == 10
        step1(client, user.username, "wrong-password")
        code = totp.at(clock.now)
        failed = client.post(reverse("accounts:login_authenticator"), {"code": code})
        assert GENERIC in failed.content.decode()
        # The code of that step is still good with the right password.
        assert login_with_app(client, user.username, code).url == reverse("home")

    def test_new_codes_void_the_old_ones(self, user):
        old = recovery_codes.recovery_codes_generate(request=None, user=user)
        new = recovery_codes.recovery_codes_generate(request=None, user=user)
        assert not recovery_codes.recovery_code_use(request=None, user=user, code=old[0])
        assert recovery_codes.recovery_code_use(request=None, user=user, code=new[0])
        assert recovery_codes.recovery_codes_left(user=user) == 9


class TestMyAccount:
    def _logged_in(self, client, user):
        response, _ = log_in(client, user.username)
        assert response.url == reverse("home")

    def test_register_an_app_with_a_current_code(self, client, user, clock):
        self._logged_in(client, user)
        page = client.get(reverse("accounts:login_methods"))
        assert "You have not added an authenticator app." in page.content.decode()
        response = client.post(reverse("accounts:authenticator_add"), {"name": "Work phone"})
        confirm_url = response.url
        page = client.get(confirm_url).content.decode()
        assert "<svg" in page
        secret = "".join(re.search(r'<code class="openimi-secret">([^<]+)</code>', page)[1].split())
        totp = pyotp.TOTP(secret)
        wrong = client.post(confirm_url, {"code": "000000" if totp.now() != "000000" else "1"})
        assert "This code is not right." in wrong.content.decode()
        assert not second_factors.user_has_second_factor(user)
        done = client.post(confirm_url, {"code": totp.at(clock.now)})
        assert done.url == reverse("accounts:login_methods")
        listed = client.get(done.url).content.decode()
        assert "Work phone" in listed
        assert second_factors.user_has_second_factor(user)

    def test_removing_an_app_asks_the_password_and_counts_a_wrong_one(self, client, user, clock):
        add_app(user, clock)
        device = AuthenticatorDevice.objects.get(user=user)
        self._logged_in(client, user)
        url = reverse("accounts:authenticator_remove", args=[device.pk])
        wrong = client.post(url, {"current_password": "not-it"})
        assert "Your current password is not correct." in wrong.content.decode()
        assert AuthenticatorDevice.objects.filter(pk=device.pk).exists()
        assert SecurityEvent.objects.filter(user=user, event="login_methods.change_failed").exists()
        assert AccessAttempt.objects.filter(username=user.username).exists()
        right = client.post(url, {"current_password": PASSWORD})
        assert right.url == reverse("accounts:login_methods")
        assert not AuthenticatorDevice.objects.filter(pk=device.pk).exists()
        assert SecurityEvent.objects.filter(user=user, event="authenticator.removed").exists()

    def test_another_users_app_is_not_found(self, client, user, clock):
        other = make_user("other")
        add_app(other, clock)
        device = AuthenticatorDevice.objects.get(user=other)
        self._logged_in(client, user)
        url = reverse("accounts:authenticator_remove", args=[device.pk])
        assert client.post(url, {"current_password": PASSWORD}).status_code == 404
        assert AuthenticatorDevice.objects.filter(pk=device.pk).exists()

    def test_recovery_codes_are_shown_once(self, client, user):
        self._logged_in(client, user)
        url = reverse("accounts:recovery_codes_create")
        response = client.post(url, {"current_password": PASSWORD})
        page = response.content.decode()
        codes = re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", page)
        assert len(codes) == 10
        assert "no-store" in response["Cache-Control"]
        methods = client.get(reverse("accounts:login_methods")).content.decode()
        assert "You have 10 unused recovery codes." in methods
        assert not any(code in methods for code in codes)

    def test_anonymous_is_sent_to_the_login(self, client):
        for name in ("login_methods", "authenticator_add", "recovery_codes_create"):
            response = client.get(reverse(f"accounts:{name}"))
            assert response.status_code == 302
            assert response.url.startswith(reverse("accounts:login"))


class TestAuthorityRule:
    def test_the_seed_login_alone_is_refused_for_a_user_with_an_app(self, client, user, lda, clock):
        add_app(user, clock)
        authority_second_factor_rule_set(authority=user.authority, actor=lda, required=True)
        response, _ = log_in(client, user.username)
        assert response.status_code == 200
        assert RULE in response.content.decode()
        assert not is_logged_in(client)
        # The refusal is said only after password and code were right.
        wrong, _ = log_in(Client(), user.username, wrong_code=True)
        assert RULE not in wrong.content.decode() and GENERIC in wrong.content.decode()
        # With the app it works.
        assert login_with_app(Client(), user.username, add_code(user, clock)).url == reverse("home")

    def test_a_user_without_a_factor_registers_an_app_before_the_session_opens(
        self, client, user, lda, clock
    ):
        authority_second_factor_rule_set(authority=user.authority, actor=lda, required=True)
        response, _ = log_in(client, user.username)
        assert response.url == reverse("accounts:setup_second_factor")
        assert not is_logged_in(client)
        page = client.get(response.url).content.decode()
        assert "a passkey" in page
        secret = "".join(re.search(r'<code class="openimi-secret">([^<]+)</code>', page)[1].split())
        # The same secret on a second look (a typo does not start again).
        again = client.get(response.url).content.decode()
        assert secret in "".join(again.split())
        done = client.post(response.url, {"code": pyotp.TOTP(secret).at(clock.now)})
        assert done.url == reverse("home")
        assert is_logged_in(client)
        assert second_factors.user_has_second_factor(user)

    def test_the_rule_is_recorded(self, lda, authority):
        authority_second_factor_rule_set(authority=authority, actor=lda, required=True)
        authority.refresh_from_db()
        assert authority.second_factor_required
        event = SecurityEvent.objects.get(user=lda, event="second_factor_rule.changed")
        assert event.detail == f"authority {authority.pk}: required"

    def test_the_lda_sets_the_rule_on_the_authority_data_page(self, client, lda, authority):
        client.force_login(lda)
        url = reverse("authorities:edit_second_factor_rule")
        assert client.get(url).status_code == 200
        response = client.post(url, {"second_factor_required": "on"})
        assert response.status_code == 302
        authority.refresh_from_db()
        assert authority.second_factor_required
        manage = client.get(reverse("authorities:manage")).content.decode()
        assert "Yes: an authenticator app or passkey" in manage

    def test_others_may_not_set_the_rule(self, client, basic_user, other_lda, authority):
        url = reverse("authorities:edit_second_factor_rule")
        assert client.get(url).status_code == 302  # anonymous: to the login
        client.force_login(basic_user)
        assert client.post(url, {"second_factor_required": "on"}).status_code == 404
        client.force_login(other_lda)
        client.post(url, {"second_factor_required": "on"})  # sets its own authority's rule
        authority.refresh_from_db()
        assert not authority.second_factor_required


def add_code(user, clock) -> str:
    """A current code of the user's only app (registered by add_app in the test)."""
    device = AuthenticatorDevice.objects.select_related("user").get(user=user)
    return pyotp.TOTP(authenticators._secret(device)).at(clock.now)


class TestReset:
    def _with_factors(self, user, clock):
        add_app(user, clock)
        recovery_codes.recovery_codes_generate(request=None, user=user)

    def test_the_lda_of_the_authority_resets(self, client, lda, user, clock):
        self._with_factors(user, clock)
        client.force_login(lda)
        url = reverse("users:reset_second_factors", args=[user.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert "Reset login methods" in page.content.decode()
        response = client.post(url)
        assert response.url == reverse("users:details", args=[user.pk])
        assert not AuthenticatorDevice.objects.filter(user=user).exists()
        assert not RecoveryCode.objects.filter(user=user).exists()
        event = SecurityEvent.objects.get(user=user, event="second_factors.reset")
        assert event.detail.startswith("by lda")
        details = client.get(reverse("users:details", args=[user.pk])).content.decode()
        assert "0 authenticator apps" in details

    @pytest.mark.parametrize("who", ["other_lda", "basic_user"])
    def test_others_may_not(self, client, request, who, user, clock):
        self._with_factors(user, clock)
        client.force_login(request.getfixturevalue(who))
        url = reverse("users:reset_second_factors", args=[user.pk])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        assert AuthenticatorDevice.objects.filter(user=user).exists()

    def test_anonymous_may_not(self, client, user, clock):
        self._with_factors(user, clock)
        url = reverse("users:reset_second_factors", args=[user.pk])
        response = client.post(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
        assert AuthenticatorDevice.objects.filter(user=user).exists()

    def test_the_service_asks_the_policy(self, basic_user, user, clock):
        from openimi.common.errors import PermissionDenied

        self._with_factors(user, clock)
        with pytest.raises(PermissionDenied):
            second_factors.second_factors_reset(request=None, actor=basic_user, user=user)
        assert AuthenticatorDevice.objects.filter(user=user).exists()

    def test_after_a_reset_the_user_registers_again_when_required(self, client, lda, user, clock):
        self._with_factors(user, clock)
        authority_second_factor_rule_set(authority=user.authority, actor=lda, required=True)
        second_factors.second_factors_reset(request=None, actor=lda, user=user)
        response, _ = log_in(client, user.username)
        assert response.url == reverse("accounts:setup_second_factor")


def test_the_security_code_page_links_only_ways_that_exist(client, user):
    step1(client, user.username, PASSWORD)
    page = client.get(reverse("accounts:login_code")).content.decode()
    assert "Other ways to log in" in page
    assert "A passkey" in page  # accounts:login_passkey (accounts/passkeys/)
    positions = positions_on(client.get(reverse("accounts:login_code")))
    assert client.post(reverse("accounts:login_code"), characters_of(CODE, positions)).url == (
        reverse("home")
    )


def test_key_rotation_re_encrypts_the_app_secrets(settings, user, clock):
    import base64
    import os
    from io import StringIO

    from django.core.management import call_command

    totp = add_app(user, clock)
    old_id = settings.SECURITY_CODE_CURRENT_KEY_ID
    settings.SECURITY_CODE_KEYS = {
        old_id: settings.SECURITY_CODE_KEYS[old_id],
        "k2": base64.b64decode(base64.b64encode(os.urandom(32))),
    }
    settings.SECURITY_CODE_CURRENT_KEY_ID = "k2"
    out = StringIO()
    call_command("rotate_security_code_key", stdout=out)
    assert "Authenticator app secrets: 1 re-encrypted, 0 failed." in out.getvalue()
    assert AuthenticatorDevice.objects.get(user=user).secret_key_id == "k2"
    settings.SECURITY_CODE_KEYS = {"k2": settings.SECURITY_CODE_KEYS["k2"]}  # the old key goes
    assert authenticators.authenticator_verify(user=user, code=totp.at(clock.now))
