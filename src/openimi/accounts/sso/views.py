"""Pages of single sign-on: the way out to a provider and back, the logout, and the local data
administrator's link and unlink pages (on a user's details page)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from openimi.access.actions import Action
from openimi.accounts.models import SsoLink
from openimi.accounts.sso import services
from openimi.accounts.sso.providers import Provider, provider_get
from openimi.accounts.sso.selectors import sso_provider_list
from openimi.accounts.users.views import _ConfirmForm, _UserMixin
from openimi.accounts.views import _logged_in, _safe_next, lockout_response
from openimi.authorities.views import ServiceFormView
from openimi.common.forms import Form


def _provider_or_404(provider_id: str) -> Provider:
    provider = provider_get(provider_id)
    if provider is None:
        raise Http404
    return provider


def _refused(request, provider: Provider, result: services.LoginResult):
    return render(
        request,
        "accounts/sso_refused.html",
        {"provider": provider, "outcome": result.outcome, "subject": result.subject},
        status=403,
    )


class SsoStartView(View):
    """ "Log in with <provider>": a POST form on the login page (works without JavaScript)."""

    def post(self, request, provider_id: str):
        provider = _provider_or_404(provider_id)
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        callback = request.build_absolute_uri(
            reverse("accounts:sso_callback", kwargs={"provider_id": provider.id})
        )
        try:
            return services.sso_login_start(
                request=request,
                provider=provider,
                redirect_uri=callback,
                next_url=_safe_next(request, request.POST.get("next")),
            )
        except Exception:  # noqa: BLE001 - discovery failed: the provider cannot be reached
            services.logger.warning("sso %s: discovery failed", provider.id, exc_info=True)
            return _refused(request, provider, services.LoginResult(services.Outcome.FAILED))


class SsoCallbackView(View):
    """The provider sends the browser back here with a code (or an error)."""

    def get(self, request, provider_id: str):
        provider = _provider_or_404(provider_id)
        result = services.sso_login_finish(request=request, provider=provider)
        if result.outcome == services.Outcome.LOGGED_IN:
            return _logged_in(request, result.user, result.next_url)
        if result.outcome == services.Outcome.LOCKED:
            return lockout_response(request)
        if result.outcome == services.Outcome.SECOND_FACTOR:
            return redirect("accounts:login_authenticator")
        if result.outcome == services.Outcome.ENROL:
            return redirect("accounts:setup_second_factor")
        return _refused(request, provider, result)


class LogoutView(View):
    """Ends the local session; after a single sign-on login, the provider's as well (RP-initiated
    logout with id_token_hint, back to openimi's login page)."""

    def post(self, request):
        sso = request.session.get(services.SESSION_KEY)
        logout(request)
        target = None
        if sso:
            target = services.sso_logout_url(
                session_data=sso,
                post_logout_redirect_uri=request.build_absolute_uri(reverse("accounts:login")),
            )
        return redirect(target or settings.LOGOUT_REDIRECT_URL)


# --- for the local data administrator -----------------------------------------------------------


class SsoLinkForm(Form):
    provider = forms.ChoiceField(label=gettext_lazy("Provider"))
    subject = forms.CharField(
        label=gettext_lazy("Subject identifier"),
        max_length=255,
        help_text=gettext_lazy(
            "The identifier the provider gives this person (its “sub” claim), exactly as the "
            "provider shows it. Never an e-mail address."
        ),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = choices
        if len(choices) == 1:
            self.initial.setdefault("provider", choices[0][0])


class SsoLinkCreateView(_UserMixin, ServiceFormView):
    action = Action.USER_SSO_LINK
    template_name = "accounts/users/sso_link.html"
    form_class = SsoLinkForm

    def get_form_kwargs(self):
        choices = [(p.id, p.name) for p in sso_provider_list(user=self.target)]
        if not choices:
            raise Http404
        return {**super().get_form_kwargs(), "choices": choices}

    def perform(self, form):
        provider = _provider_or_404(form.cleaned_data["provider"])
        services.sso_link_create(
            actor=self.request.user,
            user=self.target,
            provider=provider,
            subject=form.cleaned_data["subject"],
            request=self.request,
        )
        self.success_message = _("The login through %(provider)s is linked to %(name)s.") % {
            "provider": provider.name,
            "name": self.target.get_full_name(),
        }

    def get_success_url(self):
        return reverse("users:details", kwargs={"pk": self.target.pk})


class SsoUnlinkView(_UserMixin, FormView):
    action = Action.USER_SSO_LINK
    template_name = "accounts/users/action_confirm.html"
    form_class = _ConfirmForm

    def get_link(self) -> SsoLink:
        link = SsoLink.objects.filter(pk=self.kwargs["link_pk"], user=self.target).first()
        if link is None:
            raise Http404
        return link

    def _provider_name(self, link: SsoLink) -> str:
        provider = provider_get(link.provider)
        return provider.name if provider else link.provider

    def form_valid(self, form):
        link = self.get_link()
        services.sso_link_delete(actor=self.request.user, link=link, request=self.request)
        messages.success(
            self.request,
            _("The login through %(provider)s is no longer linked to %(name)s.")
            % {"provider": self._provider_name(link), "name": self.target.get_full_name()},
        )
        return redirect("users:details", pk=self.target.pk)

    def get_context_data(self, **kwargs):
        link = self.get_link()
        name = self.target.get_full_name()
        provider = self._provider_name(link)
        return super().get_context_data(
            heading=_("Unlink the login of %(name)s through %(provider)s?")
            % {"name": name, "provider": provider},
            title=_("Unlink"),
            points=[
                _(
                    "%(name)s can then no longer log in through %(provider)s, and is logged out "
                    "everywhere."
                )
                % {"name": name, "provider": provider},
            ],
            applies=True,
            button=_("Unlink"),
            own_account_text=None,
            is_self=False,
            **kwargs,
        )
