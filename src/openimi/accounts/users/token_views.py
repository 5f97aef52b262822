"""Administration → Manage users → a service account's API tokens (issue 16).

A service account works through API tokens only; its authority's local data administrators
make and revoke them here (or with ``POST /api/v1/tokens/``). The pages ask the policy on the
service account: ``api.token_manage`` to make one (only a service account's: a person makes
their own token, so these pages answer 404 for a person), ``api.token_revoke`` to revoke.
Both services write the security log and e-mail the owner (``api.tokens``).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.validators import MaxValueValidator
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.accounts.users import selectors
from openimi.api import tokens
from openimi.api.models import ApiToken
from openimi.common.errors import ApplicationError
from openimi.common.forms import Form


def service_account_tokens(*, actor, account) -> list[ApiToken]:
    """The tokens of ``account`` that ``actor`` may see, newest first (one query)."""
    return list(tokens.tokens_visible_to(user=actor).filter(user=account))


class _ServiceAccountMixin(PolicyRequiredMixin):
    """A page about one service account of the administrator's authority."""

    def get_policy_object(self):
        account = selectors.user_get(pk=self.kwargs["pk"])
        if account is None or not account.is_service_account or not account.is_active:
            raise Http404
        return account

    @property
    def target(self):
        return self.policy_object

    def get_context_data(self, **kwargs):
        return super().get_context_data(target=self.target, **kwargs)


class TokenForm(Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the token"),
        help_text=gettext_lazy("So that you can tell its tokens apart, for example “production”."),
        max_length=100,
        error_messages={"required": gettext_lazy("Enter a name for the token")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"),
        min_value=1,
        error_messages={
            "required": gettext_lazy("Enter for how many days the token is valid"),
            "invalid": gettext_lazy("Enter a whole number of days, like 90"),
            "min_value": gettext_lazy("Enter at least 1 day"),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        most = settings.API_TOKEN_MAX_DAYS
        days = self.fields["days"]
        days.max_value = most
        days.widget.attrs["max"] = most
        days.validators.append(
            MaxValueValidator(
                most,
                message=ngettext("Enter at most %(days)s day", "Enter at most %(days)s days", most)
                % {"days": most},
            )
        )
        days.help_text = ngettext(
            "At most %(days)s day. Make a new token before it ends.",
            "At most %(days)s days. Make a new token before it ends.",
            most,
        ) % {"days": most}
        self.initial.setdefault("days", most)


@method_decorator(never_cache, name="dispatch")
class TokenCreateView(_ServiceAccountMixin, FormView):
    """Make a token; the answer shows it once (never stored in plain text, never redirected
    through the session)."""

    action = Action.API_TOKEN_MANAGE
    template_name = "accounts/users/token_form.html"
    form_class = TokenForm

    def form_valid(self, form):
        expires_at = timezone.now() + dt.timedelta(days=form.cleaned_data["days"])
        try:
            issued = tokens.token_create(
                actor=self.request.user,
                user=self.target,
                name=form.cleaned_data["name"],
                expires_at=min(
                    expires_at, timezone.now() + dt.timedelta(days=settings.API_TOKEN_MAX_DAYS)
                ),
                request=self.request,
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        return self.response_class(
            request=self.request,
            template=["accounts/users/token_created.html"],
            context={"target": self.target, "token": issued.token, "secret": issued.secret},
            using=self.template_engine,
        )


class _ConfirmForm(Form):
    """No fields: carries the service's refusal to the error summary."""


class TokenRevokeView(_ServiceAccountMixin, FormView):
    action = Action.API_TOKEN_REVOKE
    template_name = "accounts/users/token_revoke.html"
    form_class = _ConfirmForm

    def get_token(self) -> ApiToken:
        token = (
            tokens.tokens_visible_to(user=self.request.user)
            .filter(user=self.target, pk=self.kwargs["token_pk"], revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise Http404
        return token

    def get_context_data(self, **kwargs):
        return super().get_context_data(token=self.get_token(), **kwargs)

    def form_valid(self, form):
        token = self.get_token()
        try:
            tokens.token_revoke(actor=self.request.user, token=token, request=self.request)
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The token %(name)s has been revoked. It no longer works.") % {"name": token.name},
        )
        return redirect("users:details", pk=self.target.pk)
