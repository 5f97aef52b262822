"""Pages of the login flow and of My account.

Login: ``LoginView`` (user name + password) → ``LoginCodeView`` (three characters) → home;
with a temporary password or no security code yet, ``SetupPasswordView`` and/or
``SetupSecurityCodeView`` come before the session opens. Whatever was wrong, the visitor
hears one message; a locked name (known or not) gets ``lockout_response``.
"""

from math import ceil

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView

from openimi.access import policy
from openimi.access.actions import Action
from openimi.accounts import authenticators, recovery_codes, second_factors, selectors, services
from openimi.accounts.forms import (
    GENERIC_LOGIN_ERROR,
    AccountPreferencesForm,
    AuthenticatorCodeForm,
    AuthenticatorNameForm,
    CurrentPasswordForm,
    FirstPasswordForm,
    LoginForm,
    OwnPasswordChangeForm,
    RecoveryCodeForm,
    SecurityCodeChallengeForm,
    SecurityCodeChangeForm,
    SecurityCodeSetForm,
)
from openimi.accounts.login_state import STEP_PASSWORD, STEP_SECOND_FACTOR, STEP_SECURITY_CODE
from openimi.accounts.middleware import LOGGED_IN_HINT_COOKIE
from openimi.accounts.models import SecurityEvent
from openimi.accounts.passkeys.selectors import passkey_list
from openimi.accounts.security_code import CODE_LENGTH
from openimi.accounts.sso.providers import providers as sso_providers
from openimi.common import ratelimit
from openimi.common.i18n import language_name
from openimi.common.net import client_address
from openimi.notifications.selectors import email_frequency_get

# The seed's example (chapter 2.1), with one symbol in it as openimi asks; positions 1, 5
# and 11 still give F, u and 0 as in the seed.
EXAMPLE_CODE = "Febru#ri2009"
EXAMPLE_POSITIONS = (1, 5, 11)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the same page for every locked name, known or not."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    minutes = ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(request, "accounts/locked.html", {"minutes": minutes}, status=429)


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _set_language_cookie(response, language: str):
    """The interface speaks the user's language from now on (LocaleMiddleware reads this)."""
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def _logged_in(request, user, next_url: str):
    response = redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    return _set_language_cookie(response, user.language)


def _setup_redirect(step: str | None):
    if step == STEP_PASSWORD:
        return redirect("accounts:setup_password")
    if step == STEP_SECURITY_CODE:
        return redirect("accounts:setup_security_code")
    if step == STEP_SECOND_FACTOR:
        return redirect("accounts:setup_second_factor")
    return redirect("accounts:login")


def _example_context() -> dict:
    return {
        "example_code": [
            {"position": i, "character": c} for i, c in enumerate(EXAMPLE_CODE, start=1)
        ],
        "example_text": EXAMPLE_CODE,
        "example_positions": EXAMPLE_POSITIONS,
        "example_answer": [EXAMPLE_CODE[p - 1] for p in EXAMPLE_POSITIONS],
        "code_length": CODE_LENGTH,
    }


# Error reports (and the debug page) never show what these pages receive.
_hide_post = method_decorator(sensitive_post_parameters(), name="dispatch")


# --- the login --------------------------------------------------------------------------------


@_hide_post
class LoginView(View):
    """Step 1: user name and password. Every outcome leads to the same step 2."""

    template_name = "accounts/login.html"

    def get(self, request):
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        next_url = _safe_next(request, request.GET.get("next"))
        # The browser had a session that nobody ended: the idle timeout did. Say so, once.
        timed_out = request.COOKIES.get(LOGGED_IN_HINT_COOKIE) == "1"
        response = self._render(LoginForm(), next_url, timed_out=timed_out)
        if timed_out:
            response.delete_cookie(LOGGED_IN_HINT_COOKIE, samesite="Lax")
        return response

    def post(self, request):
        form = LoginForm(request.POST)
        next_url = _safe_next(request, request.POST.get("next"))
        if not form.is_valid():
            return self._render(form, next_url)
        username = form.cleaned_data["username"]
        # Each attempt costs a password hash: an address gets LOGIN_ATTEMPTS_PER_MINUTE of
        # them whatever the names, counted where every process sees it (common.ratelimit).
        attempt = ratelimit.hit(
            f"login:{client_address(request)}",
            limit=settings.LOGIN_ATTEMPTS_PER_MINUTE,
            period=60,
        )
        if not attempt.allowed:
            wait = ceil(attempt.retry_after or 60)
            response = render(
                request,
                "accounts/locked.html",
                {"minutes": max(1, ceil(wait / 60)), "too_fast": True},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        if services.login_is_locked(request=request, username=username):
            services.login_refused_locked(request=request, username=username)
            return lockout_response(request)
        services.login_begin(
            request=request,
            username=username,
            password=form.cleaned_data["password"],
            next_url=next_url,
        )
        return redirect("accounts:login_code")

    def _render(self, form, next_url, status=200, *, timed_out=False):
        context = {
            "form": form,
            "next": next_url,
            "timed_out": timed_out,
            "sso_providers": sso_providers(),
        }
        if timed_out:
            context["idle_minutes"] = max(1, round(settings.SESSION_COOKIE_AGE / 60))
        return render(self.request, self.template_name, context, status=status)


def login_failed_page(request, username: str, next_url: str = "", *, error=None):
    """Back to step 1 with the one message for every failure (or ``error``), the name as
    typed."""
    form = LoginForm(initial={"username": username})
    form.cleaned_data = {}
    form.add_error(None, error or GENERIC_LOGIN_ERROR)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url, "sso_providers": sso_providers()},
    )


@_hide_post
class LoginCodeView(View):
    """Step 2: three characters of the security code; decides password and code together."""

    template_name = "accounts/login_code.html"

    def get(self, request):
        attempt = services.login_attempt_pending(request=request)
        if attempt is None:
            return redirect("accounts:login")
        if attempt.sso_provider:
            return redirect("accounts:login_authenticator")
        if attempt.new_code:
            return render(request, "accounts/login_new_code.html", {"code_length": CODE_LENGTH})
        form = SecurityCodeChallengeForm(positions=attempt.positions)
        return self._render(form)

    def post(self, request):
        attempt = services.login_attempt_pending(request=request)
        if attempt is None:
            messages.info(request, _("Your login took too long. Please start again."))
            return redirect("accounts:login")
        if attempt.new_code:  # no code to ask for: the password decides, a code is chosen next
            characters = ["", "", ""]
        else:
            form = SecurityCodeChallengeForm(request.POST, positions=attempt.positions)
            if not form.is_valid():
                return self._render(form)
            characters = form.characters()
        try:
            outcome = services.login_verify(request=request, characters=characters)
        except services.LoginExpired:
            messages.info(request, _("Your login took too long. Please start again."))
            return redirect("accounts:login")
        return _login_outcome_response(request, attempt, outcome)

    def _render(self, form):
        return render(
            self.request,
            self.template_name,
            {"form": form, "other_ways": _other_ways(second_factors.WAY_SECURITY_CODE)},
        )


def _login_outcome_response(request, attempt, outcome):
    """Step 2 decided (by any way): the next page."""
    if outcome.locked:
        return lockout_response(request)
    if outcome.temporary_password_expired:
        return login_failed_page(
            request,
            attempt.username,
            attempt.next_url,
            error=_(
                "Your temporary password has expired. Ask a local data administrator of "
                "your authority to reset your password."
            ),
        )
    if outcome.second_factor_required:
        return login_failed_page(
            request,
            attempt.username,
            attempt.next_url,
            error=_(
                "Your authority requires a second factor to log in. Enter your username and "
                "password again, then use your authenticator app or passkey."
            ),
        )
    if not outcome.succeeded:
        return login_failed_page(request, attempt.username, attempt.next_url)
    if outcome.setup is not None:
        return _setup_redirect(outcome.setup.next_step)
    return _logged_in(request, outcome.user, outcome.next_url)


def _other_ways(current: str) -> list[dict]:
    """Every way of the installation but ``current``, whose page exists: the same list for
    every visitor (step 2 is shown before anyone knows whether the password was right)."""
    ways = []
    for way in second_factors.login_ways():
        if way.code == current:
            continue
        try:
            url = reverse(way.url_name)
        except NoReverseMatch:  # a way whose pages this installation does not have
            continue
        ways.append({"code": way.code, "label": way.label, "url": url})
    return ways


@_hide_post
class _LoginFactorView(View):
    """Step 2 by another way than the security code: one form, the same for every visitor."""

    way: str
    template_name: str
    form_class: type

    def dispatch(self, request, *args, **kwargs):
        if not second_factors.way_offered(self.way):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        if services.login_attempt_pending(request=request) is None:
            return redirect("accounts:login")
        return self._render(self.form_class())

    def post(self, request):
        attempt = services.login_attempt_pending(request=request)
        if attempt is None:
            messages.info(request, _("Your login took too long. Please start again."))
            return redirect("accounts:login")
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self._render(form)
        try:
            # A code is spent only when the password was right: a typo in the password does
            # not cost the user a recovery code (the check itself runs either way).
            outcome = self.verify(form, spend=attempt.password_ok)
        except services.LoginExpired:
            messages.info(request, _("Your login took too long. Please start again."))
            return redirect("accounts:login")
        if outcome.succeeded:
            self.succeeded(outcome.user)
        return _login_outcome_response(request, attempt, outcome)

    def verify(self, form, *, spend: bool) -> services.LoginOutcome:
        raise TypeError(f"{type(self).__name__} must say how it checks its code.")

    def succeeded(self, user) -> None:
        """After a success, before the next page."""

    def _render(self, form):
        return render(
            self.request,
            self.template_name,
            {"form": form, "other_ways": _other_ways(self.way)},
        )


class LoginAuthenticatorView(_LoginFactorView):
    """Step 2 with a code of an authenticator app (no JavaScript needed)."""

    way = second_factors.WAY_AUTHENTICATOR
    template_name = "accounts/login_authenticator.html"
    form_class = AuthenticatorCodeForm

    def verify(self, form, *, spend: bool):
        code = form.cleaned_data["code"]
        return services.login_verify_factor(
            request=self.request,
            way=self.way,
            verify=lambda user: authenticators.authenticator_verify(
                user=user, code=code, use=spend
            ),
            decoy=lambda: authenticators.authenticator_decoy(code=code),
        )


class LoginRecoveryCodeView(_LoginFactorView):
    """Step 2 with a recovery code, for a lost authenticator app; each works once."""

    way = second_factors.WAY_RECOVERY_CODE
    template_name = "accounts/login_recovery_code.html"
    form_class = RecoveryCodeForm

    def verify(self, form, *, spend: bool):
        code = form.cleaned_data["recovery_code"]
        return services.login_verify_factor(
            request=self.request,
            way=self.way,
            verify=lambda user: recovery_codes.recovery_code_use(
                request=self.request, user=user, code=code, use=spend
            ),
            decoy=lambda: recovery_codes.recovery_code_decoy(code=code),
        )

    def succeeded(self, user) -> None:
        left = recovery_codes.recovery_codes_left(user=user)
        text = _("You used a recovery code. You have %(count)s left: each works once.") % {
            "count": left
        }
        if left <= recovery_codes.FEW_LEFT:
            text += " " + _(
                "Create new recovery codes in My account, Login methods, before they run out."
            )
            messages.warning(self.request, text)
        else:
            messages.info(self.request, text)


@_hide_post
class _SetupView(View):
    step: str
    template_name: str
    form_class: type

    def dispatch(self, request, *args, **kwargs):
        pending = services.account_setup_pending(request=request)
        if pending is None:
            messages.info(request, _("Please log in again."))
            return redirect("accounts:login")
        self.setup, self.setup_user = pending
        if self.setup.next_step != self.step:
            return _setup_redirect(self.setup.next_step)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._render(self.form_class(user=self.setup_user))

    def post(self, request):
        form = self.form_class(data=request.POST, user=self.setup_user)
        if not form.is_valid():
            return self._render(form)
        opened = self.save(form)
        if not opened:
            return _setup_redirect(self.setup.next_step)
        messages.success(request, _("Welcome to openimi. You are logged in."))
        return _logged_in(request, self.setup_user, self.setup.next_url)

    def save(self, form) -> bool:
        raise TypeError(f"{type(self).__name__} must name the service that saves its step.")

    def _render(self, form):
        context = {
            "form": form,
            "steps": self.setup.steps,
            "first_login": self.setup_user.status == self.setup_user.Status.PENDING,
            **_example_context(),
        }
        return render(self.request, self.template_name, context)


class SetupPasswordView(_SetupView):
    step = STEP_PASSWORD
    template_name = "accounts/setup_password.html"

    @staticmethod
    def form_class(*, user, data=None):
        return FirstPasswordForm(user, data)

    def save(self, form) -> bool:
        return services.setup_password_set(
            request=self.request,
            setup=self.setup,
            user=self.setup_user,
            password=form.cleaned_data["new_password1"],
        )


class SetupSecurityCodeView(_SetupView):
    step = STEP_SECURITY_CODE
    template_name = "accounts/setup_security_code.html"
    form_class = SecurityCodeSetForm

    def save(self, form) -> bool:
        return services.setup_security_code_set(
            request=self.request,
            setup=self.setup,
            user=self.setup_user,
            code=form.cleaned_data["code1"],
        )


ENROLMENT_KEY = "openimi.login.enrolment"


class SetupSecondFactorView(_SetupView):
    """The authority requires a second factor and the user has none: register an
    authenticator app before the session opens."""

    step = STEP_SECOND_FACTOR
    template_name = "accounts/setup_second_factor.html"
    form_class = AuthenticatorCodeForm

    def _enrolment(self):
        pk = self.request.session.get(ENROLMENT_KEY)
        enrolment = None
        if isinstance(pk, int):
            enrolment = authenticators.authenticator_pending(user=self.setup_user, pk=pk)
        if enrolment is None:
            enrolment = authenticators.authenticator_begin(
                user=self.setup_user, name=_("Authenticator app")
            )
            self.request.session[ENROLMENT_KEY] = enrolment.device.pk
        return enrolment

    def get(self, request):
        return self._render(AuthenticatorCodeForm())

    def post(self, request):
        form = AuthenticatorCodeForm(request.POST)
        if not form.is_valid():
            return self._render(form)
        opened = services.setup_second_factor_set(
            request=request,
            setup=self.setup,
            user=self.setup_user,
            enrolment=self._enrolment(),
            code=form.cleaned_data["code"],
        )
        if opened is None:
            form.add_error("code", WRONG_NEW_APP_CODE)
            return self._render(form)
        request.session.pop(ENROLMENT_KEY, None)
        if not opened:
            return _setup_redirect(self.setup.next_step)
        messages.success(request, _("Welcome to openimi. You are logged in."))
        return _logged_in(request, self.setup_user, self.setup.next_url)

    def _render(self, form):
        enrolment = self._enrolment()
        response = render(
            self.request,
            self.template_name,
            {"form": form, "enrolment": enrolment, "steps": self.setup.steps},
        )
        response["Cache-Control"] = "no-store"
        return response


WRONG_NEW_APP_CODE = _lazy(
    "This code is not right. Check that the time on your phone is correct and enter the code "
    "the app shows now."
)


# --- My account -------------------------------------------------------------------------------


class SessionKeepAliveView(View):
    """ "Stay logged in" in the timeout warning: any request of a logged-in user renews the idle
    timeout (SESSION_SAVE_EVERY_REQUEST); this one does nothing else. Anonymous requests go
    to the login page like every page (LoginRequiredMiddleware)."""

    def post(self, request):
        return HttpResponse(status=204)


class AccountView(TemplateView):
    template_name = "accounts/account.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            account=user,
            network_administrator=policy.can(user, Action.NETWORK_ADMINISTER),
            language_name=language_name(user.language),
            events=selectors.security_event_list(user=user),
            authenticator_count=len(selectors.authenticator_list(user=user)),
            passkey_count=passkey_list(user=user).count(),
        )
        return context


@_hide_post
class _CredentialChangeView(View):
    """A change that asks a current secret: a wrong one counts as a failed login."""

    template_name: str
    failed_event: str
    success_url = "accounts:account"

    def get(self, request):
        return self._render(self.make_form())

    def post(self, request):
        if services.login_is_locked(request=request, username=request.user.get_username()):
            services.login_refused_locked(request=request, username=request.user.get_username())
            return lockout_response(request)
        form = self.make_form(request.POST)
        if form.is_valid():
            self.save(form)
            messages.success(request, self.success_message())
            return redirect(self.success_url)
        if self.current_wrong(form):
            services.credential_check_failed(
                request=request, user=request.user, event=self.failed_event
            )
        return self._render(form)

    def _render(self, form):
        return render(self.request, self.template_name, {"form": form, **_example_context()})


class PasswordChangeView(_CredentialChangeView):
    template_name = "accounts/password_change.html"
    failed_event = SecurityEvent.Code.PASSWORD_CHANGE_FAILED

    def make_form(self, data=None):
        return OwnPasswordChangeForm(self.request.user, data)

    def current_wrong(self, form) -> bool:
        return form.current_password_wrong

    def save(self, form):
        services.password_change(
            request=self.request,
            user=self.request.user,
            password=form.cleaned_data["new_password1"],
        )

    def success_message(self):
        return _("Your password has been changed. Your other sessions have been ended.")


class SecurityCodeChangeView(_CredentialChangeView):
    template_name = "accounts/security_code_change.html"
    failed_event = SecurityEvent.Code.SECURITY_CODE_CHANGE_FAILED

    def make_form(self, data=None):
        return SecurityCodeChangeForm(data, user=self.request.user)

    def current_wrong(self, form) -> bool:
        return form.current_code_wrong

    def save(self, form):
        services.security_code_change(
            request=self.request, user=self.request.user, code=form.cleaned_data["code1"]
        )

    def success_message(self):
        return _("Your security code has been changed. Your other sessions have been ended.")


class PreferencesView(View):
    template_name = "accounts/preferences.html"

    def get(self, request):
        user = request.user
        form = AccountPreferencesForm(
            initial={
                "language": user.language,
                "phone": user.phone,
                "email_frequency": email_frequency_get(user),
            }
        )
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = AccountPreferencesForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        user = services.account_preferences_update(
            user=request.user,
            language=form.cleaned_data["language"],
            phone=form.cleaned_data["phone"],
            email_frequency=form.cleaned_data["email_frequency"] or None,
        )
        translation.activate(user.language)  # the message below is in the new language
        messages.success(request, _("Your details have been saved."))
        return _set_language_cookie(redirect(reverse("accounts:account")), user.language)


# --- My account: login methods (second factors) -------------------------------------------------


class LoginMethodsView(TemplateView):
    """The user's authenticator apps and recovery codes, and what the authority requires."""

    template_name = "accounts/login_methods.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            apps=selectors.authenticator_list(user=user),
            recovery_codes_left=recovery_codes.recovery_codes_left(user=user),
            has_recovery_codes=selectors.recovery_code_list(user=user).exists(),
            required=second_factors.second_factor_required(user),
            ways=second_factors.login_ways(),
            offers_authenticator=second_factors.way_offered(second_factors.WAY_AUTHENTICATOR),
            offers_recovery_codes=second_factors.way_offered(second_factors.WAY_RECOVERY_CODE),
            offers_passkey=second_factors.way_offered(second_factors.WAY_PASSKEY)
            and policy.can(user, Action.PASSKEY_MANAGE, user),
            passkeys=passkey_list(user=user),
            **kwargs,
        )


class AuthenticatorAddView(View):
    """Register an app, 1 of 2: its name."""

    template_name = "accounts/authenticator_add.html"

    def get(self, request):
        return render(request, self.template_name, {"form": AuthenticatorNameForm()})

    def post(self, request):
        form = AuthenticatorNameForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        enrolment = authenticators.authenticator_begin(
            user=request.user, name=form.cleaned_data["name"]
        )
        return redirect("accounts:authenticator_confirm", pk=enrolment.device.pk)


@_hide_post
class AuthenticatorConfirmView(View):
    """Register an app, 2 of 2: scan the QR code (or type the secret), enter a current code."""

    template_name = "accounts/authenticator_confirm.html"

    def dispatch(self, request, *args, pk, **kwargs):
        if selectors.authenticator_unconfirmed_get(user=request.user, pk=pk) is None:
            raise Http404
        self.enrolment = authenticators.authenticator_pending(user=request.user, pk=pk)
        if self.enrolment is None:  # begun too long ago
            messages.info(request, _("Please start adding the app again."))
            return redirect("accounts:authenticator_add")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._render(AuthenticatorCodeForm())

    def post(self, request):
        form = AuthenticatorCodeForm(request.POST)
        if form.is_valid():
            if authenticators.authenticator_confirm(
                request=request, enrolment=self.enrolment, code=form.cleaned_data["code"]
            ):
                messages.success(
                    request,
                    _("%(name)s has been added. You can now log in with its codes.")
                    % {"name": self.enrolment.device.name},
                )
                return redirect("accounts:login_methods")
            form.add_error("code", WRONG_NEW_APP_CODE)
        return self._render(form)

    def _render(self, form):
        response = render(
            self.request, self.template_name, {"form": form, "enrolment": self.enrolment}
        )
        response["Cache-Control"] = "no-store"
        return response


class _PasswordConfirmedView(View):
    """A change to the login methods: asks the current password; a wrong one counts as a
    failed login (like the password and security code pages)."""

    template_name: str
    failed_event = SecurityEvent.Code.LOGIN_METHODS_CHANGE_FAILED

    def post(self, request, **kwargs):
        if services.login_is_locked(request=request, username=request.user.get_username()):
            services.login_refused_locked(request=request, username=request.user.get_username())
            return lockout_response(request)
        form = CurrentPasswordForm(request.POST, user=request.user)
        if form.is_valid():
            return self.perform()
        if form.current_password_wrong:
            services.credential_check_failed(
                request=request, user=request.user, event=self.failed_event
            )
        return self._render(form)

    def get(self, request, **kwargs):
        return self._render(CurrentPasswordForm(user=request.user))

    def perform(self):
        raise TypeError(f"{type(self).__name__} must name its service.")

    def context(self) -> dict:
        return {}

    def _render(self, form):
        return render(self.request, self.template_name, {"form": form, **self.context()})


_hide_password = method_decorator(sensitive_post_parameters("current_password"), name="dispatch")


@_hide_password
class AuthenticatorRemoveView(_PasswordConfirmedView):
    template_name = "accounts/authenticator_remove.html"

    def dispatch(self, request, *args, pk, **kwargs):
        self.device = selectors.authenticator_get(user=request.user, pk=pk)
        if self.device is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def perform(self):
        authenticators.authenticator_remove(
            request=self.request, user=self.request.user, device=self.device
        )
        messages.success(self.request, _("%(name)s has been removed.") % {"name": self.device.name})
        return redirect("accounts:login_methods")

    def context(self):
        return {
            "device": self.device,
            "last_one_required": second_factors.second_factor_required(self.request.user)
            and len(selectors.authenticator_list(user=self.request.user)) == 1,
        }


@_hide_password
@method_decorator(never_cache, name="dispatch")
class RecoveryCodesCreateView(_PasswordConfirmedView):
    """Make ten new recovery codes (the old ones stop working) and show them, once."""

    template_name = "accounts/recovery_codes_create.html"
    failed_event = SecurityEvent.Code.LOGIN_METHODS_CHANGE_FAILED

    def dispatch(self, request, *args, **kwargs):
        if not second_factors.way_offered(second_factors.WAY_RECOVERY_CODE):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def perform(self):
        codes = recovery_codes.recovery_codes_generate(request=self.request, user=self.request.user)
        response = render(self.request, "accounts/recovery_codes_show.html", {"codes": codes})
        response["Cache-Control"] = "no-store"
        return response

    def context(self):
        return {"has_recovery_codes": selectors.recovery_code_list(user=self.request.user).exists()}
