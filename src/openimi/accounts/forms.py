"""Forms of the login flow and of the own account. They validate; services write."""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from openimi.accounts.models import User
from openimi.accounts.security_code import (
    CODE_LENGTH,
    SecurityCodeError,
    security_code_normalise,
    security_code_validate,
    security_code_verify,
)
from openimi.accounts.users.forms import validate_phone
from openimi.common.forms import ControlCharactersRefused, Form, LanguageSelect
from openimi.notifications.models import NotificationPreference

GENERIC_LOGIN_ERROR = _("The username, password or security code is not correct.")

_NO_ASSIST = {
    "autocomplete": "off",
    "autocapitalize": "none",
    "autocorrect": "off",
    "spellcheck": "false",
}


class LoginForm(Form):
    """Step 1: user name and password. Says nothing about either."""

    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeCharacterField(forms.CharField):
    """One character of the code, NFC-normalised first (an accent typed as two code points)."""

    def to_python(self, value):
        return security_code_normalise(super().to_python(value))


class SecurityCodeChallengeForm(Form):
    """Step 2: the characters at three positions, each in its own labelled box.

    The boxes are named character_1..3 whatever the positions, so the names say nothing and
    django-axes can mask them (AXES_SENSITIVE_PARAMETERS). Empty boxes are allowed: at the
    first login there is no code yet.
    """

    def __init__(self, *args, positions, **kwargs):
        super().__init__(*args, **kwargs)
        self.positions = tuple(positions)
        for index, position in enumerate(self.positions, start=1):
            self.fields[f"character_{index}"] = CodeCharacterField(
                label=_("Character %(position)s of your security code") % {"position": position},
                required=False,
                strip=False,
                max_length=1,
                widget=forms.TextInput(
                    attrs={
                        **_NO_ASSIST,
                        "maxlength": "1",
                        "class": "govuk-input--width-2 openimi-code-character",
                    }
                ),
            )

    def characters(self) -> list[str]:
        return [self.cleaned_data.get(f"character_{i}", "") for i in range(1, 4)]


class _NewSecurityCodeMixin:
    """Two boxes for the new code: validated (12 characters, letter, digit, symbol), equal."""

    @staticmethod
    def new_code_fields():
        code1 = forms.CharField(
            label=_("New security code"),
            strip=False,
            help_text=_(
                "Exactly 12 characters, with at least one letter, one digit and one symbol. "
                "Capitals count: F is not f."
            ),
            widget=forms.PasswordInput(attrs=_NO_ASSIST),
        )
        code2 = forms.CharField(
            label=_("New security code again"),
            strip=False,
            widget=forms.PasswordInput(attrs=_NO_ASSIST),
        )
        return code1, code2

    def clean_code1(self):
        return security_code_validate(self.cleaned_data["code1"])

    def clean(self):
        cleaned = super().clean()
        code1, code2 = cleaned.get("code1"), cleaned.get("code2")
        if code1 and code2 is not None and _differ(code1, code2):
            self.add_error("code2", _("The two security codes are not the same."))
        return cleaned


def _differ(first: str, second: str) -> bool:
    return security_code_normalise(first) != security_code_normalise(second)


class SecurityCodeSetForm(_NewSecurityCodeMixin, Form):
    """First login: choose the security code."""

    code1, code2 = _NewSecurityCodeMixin.new_code_fields()

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class SecurityCodeChangeForm(_NewSecurityCodeMixin, Form):
    """My account: the current code in full, then the new one twice."""

    # No maxlength on the code boxes: a browser would cut a 13th character off silently, and
    # the person would note a code that is not the one saved.
    current_code = forms.CharField(
        label=_("Current security code"),
        strip=False,
        widget=forms.PasswordInput(attrs=_NO_ASSIST),
    )
    code1, code2 = _NewSecurityCodeMixin.new_code_fields()

    field_order = ["current_code", "code1", "code2"]

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        self.current_code_wrong = False
        super().__init__(*args, **kwargs)

    def clean_current_code(self):
        code = self.cleaned_data["current_code"]
        code = security_code_normalise(code)
        try:
            ok = len(code) == CODE_LENGTH and security_code_verify(
                user=self.user, positions=range(1, CODE_LENGTH + 1), characters=list(code)
            )
        except SecurityCodeError:
            ok = False
        if not ok:
            self.current_code_wrong = True
            raise ValidationError(
                _("The security code is not correct."), code="security_code_incorrect"
            )
        return code

    def clean(self):
        cleaned = super().clean()
        current, new = cleaned.get("current_code"), cleaned.get("code1")
        if current and new and not _differ(current, new):
            self.add_error("code1", _("Choose a security code that differs from the current one."))
        return cleaned


class _RulesAtTheNewPassword:
    """The password rules' errors go to "New password", the field they are about (Django puts
    them at "New password again"); only once both fields agree, as Django does."""

    def validate_password_for_user(self, user, password_field_name="new_password2"):
        if password_field_name == "new_password2" and self.cleaned_data.get("new_password2"):
            password_field_name = "new_password1"
        super().validate_password_for_user(user, password_field_name)


class FirstPasswordForm(ControlCharactersRefused, _RulesAtTheNewPassword, SetPasswordForm):
    """First login: the temporary password is replaced (Django's password validators)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password again")

    def clean_new_password1(self):
        password = self.cleaned_data["new_password1"]
        # The plain hasher check: User.check_password could re-hash and save as a side effect.
        if check_password(password, self.user.password):
            raise ValidationError(
                _("Choose a new password, not your temporary one."), code="password_unchanged"
            )
        return password

    def save(self, commit=True):  # the service stores it
        raise TypeError("The password is stored by services.setup_password_set.")


class OwnPasswordChangeForm(ControlCharactersRefused, _RulesAtTheNewPassword, PasswordChangeForm):
    """My account: the current password, then the new one twice."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password again")
        self.fields[
            "new_password1"
        ].help_text = password_validation.password_validators_help_text_html()

    def clean(self):
        cleaned = super().clean()
        old, new = cleaned.get("old_password"), cleaned.get("new_password1")
        if old and new and old == new:
            self.add_error(
                "new_password1",
                ValidationError(
                    _("Choose a password that differs from the current one."),
                    code="password_unchanged",
                ),
            )
        return cleaned

    @property
    def current_password_wrong(self) -> bool:
        return self.has_error("old_password", "password_incorrect")

    def save(self, commit=True):  # the service stores it
        raise TypeError("The password is stored by services.password_change.")


class AccountPreferencesForm(Form):
    language = forms.ChoiceField(
        label=_("Language of the interface"),
        help_text=_("openimi speaks this language to you after you log in, and in e-mails."),
        choices=settings.LANGUAGES,
        widget=LanguageSelect,
    )
    phone = forms.CharField(
        label=_("Telephone"),
        required=False,
        max_length=40,
        validators=[validate_phone],  # as on the Add user page and in the API
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    # The daily digest (notifications): reminders and escalations always come at once.
    email_frequency = forms.ChoiceField(
        label=_("E-mails about information requests"),
        help_text=_("Deadline reminders and escalations always arrive at once."),
        choices=NotificationPreference.Frequency.choices,
        widget=forms.RadioSelect,
        required=False,  # left out: the choice stays as it was
    )


# --- second factors (second_factors.py) --------------------------------------------------------


class AuthenticatorCodeForm(Form):
    """A 6-digit code of an authenticator app: at step 2 of the login, and to confirm a new
    app. Spaces are allowed (``123 456``); the service decides whether the code is right."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("The 6 digits your app shows now, for example 123456."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def clean_code(self):
        from openimi.accounts.authenticators import DIGITS, normalise_code

        code = normalise_code(self.cleaned_data["code"])
        if len(code) != DIGITS or not code.isascii() or not code.isdigit():
            raise ValidationError(
                _("Enter the 6 digits of the code, for example 123456."), code="format"
            )
        return code


class RecoveryCodeForm(Form):
    recovery_code = forms.CharField(
        label=_("Recovery code"),
        help_text=_("One of the ten codes you saved, for example ABCDE-FGHJK."),
        max_length=40,
        widget=forms.TextInput(
            attrs={**_NO_ASSIST, "class": "govuk-input--width-20"},
        ),
    )


class AuthenticatorNameForm(Form):
    name = forms.CharField(
        label=_("Name of the app or phone"),
        help_text=_("So that you can tell your apps apart, for example “Work phone”."),
        max_length=60,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )


class CurrentPasswordForm(Form):
    """A change to the login methods asks the current password (a borrowed session cannot)."""

    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise ValidationError(
                _("Your current password is not correct."), code="password_incorrect"
            )
        return password

    @property
    def current_password_wrong(self) -> bool:
        return self.has_error("current_password", "password_incorrect")
