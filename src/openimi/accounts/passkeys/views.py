"""Pages of passkeys: add and remove one in My account (the list is on Login methods), and
step 2 of the login with a passkey."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters

from openimi.access.actions import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.accounts.models import SecurityEvent
from openimi.accounts.passkeys import selectors, services
from openimi.accounts.passkeys.forms import PasskeyAddForm, PasskeyLoginForm, PasskeyRemoveForm
from openimi.accounts.second_factors import WAY_PASSKEY
from openimi.accounts.views import _CredentialChangeView, _LoginFactorView, _other_ways

_hide_post = method_decorator(sensitive_post_parameters(), name="dispatch")


class PasskeyAddView(PolicyRequiredMixin, View):
    """Name the passkey; passkeys.mjs runs the ceremony and sends the answer with the name."""

    action = Action.PASSKEY_MANAGE
    template_name = "accounts/passkeys/add.html"

    def get_policy_object(self):
        return self.request.user

    def get(self, request):
        return self._render(PasskeyAddForm())

    def post(self, request):
        form = PasskeyAddForm(request.POST)
        if form.is_valid():
            try:
                passkey = services.passkey_register(
                    request=request,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    credential=form.cleaned_data["credential"],
                )
            except services.PasskeyError:
                form.add_error(
                    None,
                    _(
                        "The passkey could not be added. It may have taken more than 5 "
                        "minutes. Choose “Add passkey” to try again."
                    ),
                )
            else:
                messages.success(
                    request, _("Passkey “%(name)s” has been added.") % {"name": passkey.name}
                )
                return redirect("accounts:login_methods")
        return self._render(form)

    def _render(self, form):
        # Every showing has a new challenge; the one of an earlier showing is gone.
        options = services.passkey_registration_options(
            request=self.request, user=self.request.user
        )
        return render(
            self.request, self.template_name, {"form": form, "options": json.loads(options)}
        )


@_hide_post
class PasskeyRemoveView(PolicyRequiredMixin, _CredentialChangeView):
    """Remove one of one's passkeys; asks the current password (a wrong one counts as a
    failed login, as on the other pages that ask a current secret)."""

    action = Action.PASSKEY_MANAGE
    template_name = "accounts/passkeys/remove.html"
    failed_event = SecurityEvent.Code.PASSKEY_REMOVE_FAILED
    success_url = "accounts:login_methods"

    def get_policy_object(self):
        self.passkey = selectors.passkey_get(pk=self.kwargs["pk"])
        if self.passkey is None:
            raise Http404
        return self.passkey.user

    # The pk is read by get_policy_object; the parent's handlers take none.
    def get(self, request, pk):
        return super().get(request)

    def post(self, request, pk):
        return super().post(request)

    def make_form(self, data=None):
        return PasskeyRemoveForm(data, user=self.request.user)

    def current_wrong(self, form) -> bool:
        return form.current_password_wrong

    def save(self, form):
        services.passkey_remove(request=self.request, user=self.request.user, passkey=self.passkey)

    def success_message(self):
        return _("Passkey “%(name)s” has been removed.") % {"name": self.passkey.name}

    def _render(self, form):
        return render(self.request, self.template_name, {"form": form, "passkey": self.passkey})


class PasskeyLoginView(_LoginFactorView):
    """Step 2 with a passkey. The page and its options are the same for every visitor (no
    allowCredentials); without JavaScript it says so and links to the other ways."""

    way = WAY_PASSKEY
    template_name = "accounts/passkeys/login.html"
    form_class = PasskeyLoginForm

    def verify(self, form, *, spend: bool):
        return services.passkey_login(
            request=self.request, credential=form.cleaned_data["credential"], spend=spend
        )

    def _render(self, form):
        # Every showing has a new challenge; the one of an earlier showing is gone.
        options = services.passkey_login_options(request=self.request)
        return render(
            self.request,
            self.template_name,
            {"form": form, "options": json.loads(options), "other_ways": _other_ways(self.way)},
        )
