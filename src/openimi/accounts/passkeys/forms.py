"""Forms of the passkey pages. The browser's WebAuthn answer travels in a hidden field that
passkeys.mjs fills; the service verifies it."""

from django import forms
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from openimi.accounts.models import User
from openimi.accounts.passkeys.services import credential_json_valid
from openimi.common.forms import Form

# A browser's answer is a few kilobytes at most; anything longer is no answer.
_CREDENTIAL_MAX = 20_000

NO_PASSKEY_ERROR = _(
    "Your browser did not make a passkey. Choose “Add passkey” again and follow the steps "
    "your browser or device shows."
)


class _EmptyHiddenInput(forms.HiddenInput):
    """Rendered empty: an answer is used once, a page shown again asks the browser anew."""

    def format_value(self, value):
        return None


def _credential_field():
    return forms.CharField(
        widget=_EmptyHiddenInput(attrs={"data-passkey-credential": ""}),
        required=False,
        strip=False,
        max_length=_CREDENTIAL_MAX,
    )


class PasskeyAddForm(Form):
    name = forms.CharField(
        label=_("Name of the passkey"),
        help_text=_(
            "So that you can tell your passkeys apart, for example “Work laptop” or “Phone”."
        ),
        max_length=60,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "class": "govuk-!-width-two-thirds",
                "data-passkey-name": "",
            }
        ),
    )
    credential = _credential_field()

    def clean_credential(self):
        value = self.cleaned_data["credential"]
        if not value or not credential_json_valid(value):
            raise ValidationError(NO_PASSKEY_ERROR, code="no_passkey")
        return value

    def clean(self):
        cleaned = super().clean()
        if self.has_error("name"):
            # Without a name the page asks for one first; no passkey was made for it yet.
            self.errors.pop("credential", None)
        return cleaned


class PasskeyLoginForm(Form):
    credential = _credential_field()

    def clean_credential(self):
        value = self.cleaned_data["credential"]
        if not value or not credential_json_valid(value):
            raise ValidationError(
                _("Your browser did not use a passkey. Choose “Use a passkey” and try again."),
                code="no_passkey",
            )
        return value


class PasskeyRemoveForm(Form):
    """Removing a passkey asks the current password: a borrowed session cannot do it."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        # The plain hasher check: User.check_password could re-hash and save as a side effect.
        if not check_password(password, self.user.password):
            raise ValidationError(_("The password is not correct."), code="password_incorrect")
        return password

    @property
    def current_password_wrong(self) -> bool:
        return self.has_error("password", "password_incorrect")
