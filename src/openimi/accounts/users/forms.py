"""The add/change user form (the seed's "Gebruiker" screen). It validates; services write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openimi.accounts.models import AREA_ROLES, Role, RoleGrant, User
from openimi.accounts.users import selectors
from openimi.accounts.users.credentials import USERNAME_PATTERN
from openimi.accounts.users.services import MANDATORY_FIELDS, RoleSpec
from openimi.authorities.models import Authority, LegislativeArea
from openimi.common.forms import Form, LanguageSelect
from openimi.common.i18n import interface_language

# One check of a telephone number for the page and the API.
validate_phone = RegexValidator(
    r"^[0-9+()./\- ]*$",
    _("Enter a telephone number with digits, spaces and + only, like +31 70 1234567"),
)

# The role boxes: one group of areas per area role, one box for the local data administrator.
_AREA_ROLE_FIELDS = {
    Role.REQUEST_HANDLER: (
        _("Request handler for"),
        _("Sends requests and answers them, in the areas ticked."),
    ),
    Role.ALLOCATOR: (
        _("Allocator for"),
        _("Allocates incoming requests to request handlers, in the areas ticked."),
    ),
    Role.SUPERVISOR: (
        _("Supervisor for"),
        _("Follows every request of your authority, in the areas ticked."),
    ),
}
DETAIL_FIELDS = (
    "first_name",
    "last_name",
    "language",
    "email",
    "phone",
    "department",
    "username",
)
ROLE_FIELDS = (*(str(role) for role in AREA_ROLES), str(Role.LOCAL_DATA_ADMINISTRATOR))


class AreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: LegislativeArea) -> str:
        return obj.name


class UserForm(Form):
    """Add (``user`` None) or change a user of ``authority``.

    The username appears only when changing a pending user. With ``lock_mandatory`` (the
    user has requests assigned) the first name, last name, language and e-mail are left out:
    the page shows them as text and says why.
    """

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        error_messages={"required": _("Enter the first name")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        error_messages={"required": _("Enter the last name")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        help_text=_("openimi writes to the user in this language and shows its pages in it."),
        choices=settings.LANGUAGES,
        widget=LanguageSelect,
        error_messages={"required": _("Choose the language")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_(
            "The temporary password is sent here. A shared (functional) mailbox is allowed."
        ),
        max_length=254,
        error_messages={
            "required": _("Enter the e-mail address"),
            "invalid": _("Enter an e-mail address like name@example.org"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Telephone"),
        help_text=_("Preferably a number on which the person can be reached directly."),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    department = forms.CharField(
        label=_("Department"),
        help_text=_(
            "Where in your authority the user works, as in the rollout table. Allocators see "
            "it when they choose request handlers."
        ),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Enter a department of at most 200 characters")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    username = forms.CharField(
        label=_("Username"),
        help_text=_(
            "You can change the username until the user logs in for the first time. Use "
            "lower-case letters, digits, and . - or _."
        ),
        max_length=150,
        error_messages={"required": _("Enter the username")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    local_data_administrator = forms.BooleanField(
        label=_("Local data administrator"),
        help_text=_(
            "Keeps your authority's data up to date, adds users and resets their passwords."
        ),
        required=False,
    )

    def __init__(
        self,
        *args,
        authority: Authority,
        user: User | None = None,
        lock_mandatory: bool = False,
        **kwargs,
    ):
        self.authority, self.user = authority, user
        grants = list(RoleGrant.objects.filter(user=user)) if user is not None else []
        defaults = _initial_of(user, grants) if user is not None else _initial_for_new(authority)
        kwargs["initial"] = {**defaults, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        held_areas = {grant.area_id for grant in grants if grant.area_id is not None}
        areas = LegislativeArea.objects.filter(
            pk__in={
                *selectors.authority_area_list(authority=authority).values_list("pk", flat=True),
                *held_areas,
            }
        ).order_by("code")
        fields = {}
        for role, (label, hint) in _AREA_ROLE_FIELDS.items():
            fields[str(role)] = AreaChoiceField(
                label=label,
                help_text=hint,
                queryset=areas,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        # The role groups come before the local data administrator box, as in the seed.
        administrator = self.fields.pop("local_data_administrator")
        self.fields.update(fields)
        self.fields["local_data_administrator"] = administrator
        if not areas.exists():
            for role in AREA_ROLES:
                del self.fields[str(role)]
        if user is None or user.status != User.Status.PENDING:
            del self.fields["username"]
        self.locked = lock_mandatory
        if lock_mandatory:
            for name in MANDATORY_FIELDS:
                del self.fields[name]

    def detail_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in DETAIL_FIELDS if name in self.fields]

    def role_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ROLE_FIELDS if name in self.fields]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip().lower()
        if not USERNAME_PATTERN.match(username):
            raise forms.ValidationError(
                _("Use lower-case letters a to z, digits, and . - or _ (no spaces or accents)")
            )
        return username

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        validate_phone(phone)
        return phone

    def details(self) -> dict[str, str]:
        """The user's details for the service: locked fields keep their current values."""
        values = {
            name: self.cleaned_data[name]
            for name in DETAIL_FIELDS
            if name != "username" and name in self.fields
        }
        if self.user is not None:
            for name in MANDATORY_FIELDS:
                values.setdefault(name, getattr(self.user, name))
        return values

    def roles(self) -> list[RoleSpec]:
        """The roles ticked, as (role, area) pairs; every user is a basic user anyway."""
        roles: list[RoleSpec] = [
            (str(role), area)
            for role in AREA_ROLES
            for area in self.cleaned_data.get(str(role), ())
        ]
        if self.cleaned_data.get("local_data_administrator"):
            roles.append((str(Role.LOCAL_DATA_ADMINISTRATOR), None))
        return roles


def _initial_for_new(authority: Authority) -> dict:
    language = interface_language(authority.language_id)
    prefix = authority.country.phone_prefix
    return {"language": language or settings.LANGUAGE_CODE, "phone": f"{prefix} " if prefix else ""}


def _initial_of(user: User, grants: list[RoleGrant]) -> dict:
    initial: dict = {name: getattr(user, name) for name in DETAIL_FIELDS}
    for role in AREA_ROLES:
        initial[str(role)] = [g.area_id for g in grants if g.role == role]
    initial["local_data_administrator"] = any(
        g.role == Role.LOCAL_DATA_ADMINISTRATOR for g in grants
    )
    return initial


class ServiceAccountForm(UserForm):
    """Add or change a service account (issue 16): a back-office system of the authority that
    works with API tokens and never logs in. One name, a contact address, area roles only (no
    local data administrator: ``roles.checked_roles``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("last_name", "phone", "username", "local_data_administrator"):
            self.fields.pop(name, None)
        if "first_name" in self.fields:
            first = self.fields["first_name"]
            first.label = pgettext_lazy("name of a computer system", "Name")
            first.help_text = _("The name of the system, for example the case system's name.")
            first.error_messages["required"] = _("Enter the name of the service account")
        if "language" in self.fields:
            self.fields["language"].help_text = _("openimi writes to the contact address in it.")
        if "email" in self.fields:
            email = self.fields["email"]
            email.label = _("Contact e-mail")
            email.help_text = _(
                "Who answers for the system: openimi writes here when a token of the service "
                "account is made or revoked. Your authority's local data administrators are "
                "told as well."
            )
        if "department" in self.fields:
            self.fields["department"].help_text = _(
                "Where in your authority the system is run, if you like."
            )

    def details(self) -> dict[str, str]:
        values = super().details()
        values.setdefault("last_name", self.user.last_name if self.user is not None else "")
        values["phone"] = self.user.phone if self.user is not None else ""
        return values

    def roles(self) -> list[RoleSpec]:
        return [(role, area) for role, area in super().roles() if area is not None]


class HandOverForm(Form):
    colleague = forms.ModelChoiceField(
        label=_("Hand them over to"),
        queryset=User.objects.none(),
        empty_label=_("Choose a colleague"),
        error_messages={"required": _("Choose the colleague who takes over the requests.")},
        help_text=_(
            "The colleague must be a request handler of your authority for the legislative "
            "area of each request. They receive an e-mail for each request."
        ),
    )

    def __init__(self, *args, leaver: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].queryset = selectors.colleague_list(user=leaver)
        self.fields["colleague"].label_from_instance = lambda user: user.get_full_name()
