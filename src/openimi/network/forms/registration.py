"""Forms of registration (issue 19): register an authority, ask to join, decline, filter.
They validate; ``network.services.registration`` writes."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from openimi.authorities.models import Authority, Country, Language, LegislativeArea
from openimi.common.forms import Form, LanguageSelect
from openimi.network.models import JoinRequest

_OFF = {"autocomplete": "off", "spellcheck": "false"}
_REQUIRED_AREA = _("Choose at least one legislative area the authority works in.")


def _char(label, *, max_length: int, required: bool = True, help_text="", **attrs) -> forms.Field:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs or None),
    )


class _AuthorityFields(Form):
    """The authority's data, as the seed's tab "Authority" has it."""

    official_name = _char(
        _("Official name"),
        max_length=300,
        help_text=_("As in the authority's founding act. Only a coordinator can change it later."),
    )
    informal_title = _char(
        _("Informal title"),
        max_length=300,
        help_text=_(
            "The name as authorities abroad will understand it: no abbreviations, and say what "
            "kind of authority it is (for example municipality, inspectorate)."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the authority"),
        help_text=_("The language in which the authority writes its name and description."),
    )
    # The address fields say what the authority's own data page says (the model's names).
    street = _char(capfirst(_("street and number")), max_length=200, required=False)
    postal_code = _char(
        capfirst(_("postal code")),
        max_length=20,
        required=False,
        **{"class": "govuk-input--width-10"},
    )
    city = _char(capfirst(_("town or city")), max_length=100, required=False)
    email = forms.EmailField(
        label=_("General e-mail address"),
        help_text=_("Receives a copy of every e-mail openimi sends to the authority."),
        max_length=254,
        error_messages={"invalid": _("Enter an e-mail address like name@example.org")},
        widget=forms.EmailInput(attrs=_OFF),
    )
    phone = _char(_("Telephone"), max_length=40, required=False, type="tel")
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address like https://www.example.org")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "")] + [
            (language.code, language.name) for language in Language.objects.order_by("code")
        ]


class _AdministratorFields(Form):
    administrator_first_name = _char(_("First name"), max_length=150, **_OFF)
    administrator_last_name = _char(_("Last name"), max_length=150, **_OFF)
    administrator_email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("The temporary password is sent here."),
        max_length=254,
        error_messages={"invalid": _("Enter an e-mail address like name@example.org")},
        widget=forms.EmailInput(attrs=_OFF),
    )
    administrator_phone = _char(_("Telephone"), max_length=40, required=False, type="tel")


class RegisterForm(_AuthorityFields, _AdministratorFields):
    """Register an authority of ``country``: ``kinds`` are those the coordinator may register;
    each area is a box with a select of the country's ``coordinators``."""

    kind = forms.ChoiceField(label=_("Kind of authority"), widget=forms.RadioSelect)
    administrator_language = forms.ChoiceField(
        label=_("Language"),
        help_text=_("openimi writes to the administrator in this language."),
        choices=settings.LANGUAGES,
        widget=LanguageSelect,
    )

    field_order = [
        "kind",
        "official_name",
        "informal_title",
        "language",
        "street",
        "postal_code",
        "city",
        "email",
        "phone",
        "website",
        "administrator_first_name",
        "administrator_last_name",
        "administrator_email",
        "administrator_phone",
        "administrator_language",
    ]

    def __init__(self, *args, kinds: list[str], coordinators, areas, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Authority.Kind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in kinds]
        self.fields["kind"].initial = kinds[0]  # a competent authority, what is most registered
        if len(kinds) == 1:
            self.fields["kind"].widget = forms.HiddenInput()
        self.coordinators = {str(c.pk): c for c in coordinators}
        coordinator_choices = [("", _("No supervising coordinator"))] + [
            (str(c.pk), c.official_name) for c in coordinators
        ]
        self.areas = list(areas)
        for area in self.areas:
            self.fields[f"area_{area.pk}"] = forms.BooleanField(label=area.name, required=False)
            self.fields[f"coordinator_{area.pk}"] = forms.ChoiceField(
                label=_("Supervising coordinator for %(area)s") % {"area": area.name},
                choices=coordinator_choices,
                required=False,
            )

    def area_rows(self):
        """Each area's box and coordinator select, for the template."""
        return [(self[f"area_{a.pk}"], self[f"coordinator_{a.pk}"]) for a in self.areas]

    def authority_fields(self):
        return [self[name] for name in self.field_order[1:10]]

    def administrator_fields(self):
        return [self[name] for name in self.field_order[10:]]

    def clean(self):
        cleaned = super().clean()
        if self.areas and not self.chosen_areas():
            self.add_error(f"area_{self.areas[0].pk}", _REQUIRED_AREA)
        return cleaned

    def chosen_areas(self) -> list[tuple[LegislativeArea, Authority | None]]:
        chosen = []
        for area in self.areas:
            if self.cleaned_data.get(f"area_{area.pk}"):
                coordinator = self.coordinators.get(
                    self.cleaned_data.get(f"coordinator_{area.pk}") or ""
                )
                chosen.append((area, coordinator))
        return chosen

    def authority_data(self) -> dict:
        names = ("official_name", "informal_title", "language", "street", "postal_code")
        names += ("city", "email", "phone", "website")
        return {name: self.cleaned_data[name] for name in names}

    def administrator(self) -> dict[str, str]:
        return {
            "first_name": self.cleaned_data["administrator_first_name"],
            "last_name": self.cleaned_data["administrator_last_name"],
            "email": self.cleaned_data["administrator_email"],
            "phone": self.cleaned_data["administrator_phone"],
            "language": self.cleaned_data["administrator_language"],
        }


# Where a service's error about the administrator belongs on the form.
ADMINISTRATOR_FIELD_NAMES = {
    "first_name": "administrator_first_name",
    "last_name": "administrator_last_name",
    "email": "administrator_email",
    "phone": "administrator_phone",
    "language": "administrator_language",
}


class CountryChoiceForm(Form):
    """The network administrator's first step: the country of the authority."""

    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none())

    def __init__(self, *args, countries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries
        self.fields["country"].label_from_instance = lambda country: country.name


class JoinForm(_AuthorityFields, _AdministratorFields):
    """The public form "Ask to join"."""

    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none())
    kind_of_work = forms.CharField(
        label=_("What the authority does"),
        help_text=_("In a few sentences: its tasks, and the laws it applies."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Legislative areas"),
        help_text=_("Tick the areas in which the authority wants to exchange information."),
        queryset=LegislativeArea.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _REQUIRED_AREA},
    )

    field_order = [
        "country",
        "official_name",
        "informal_title",
        "language",
        "kind_of_work",
        "street",
        "postal_code",
        "city",
        "email",
        "phone",
        "website",
        "areas",
        "administrator_first_name",
        "administrator_last_name",
        "administrator_email",
        "administrator_phone",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by("code")
        self.fields["country"].label_from_instance = lambda country: country.name
        self.fields["areas"].queryset = LegislativeArea.objects.order_by("position", "code")
        self.fields["areas"].label_from_instance = lambda area: area.name
        self.fields["administrator_first_name"].help_text = _(
            "The person who will manage the authority's users in openimi: its first local "
            "data administrator."
        )

    def authority_fields(self):
        return [self[name] for name in self.field_order[:12]]

    def administrator_fields(self):
        return [self[name] for name in self.field_order[12:]]


class DeclineForm(Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        help_text=_("The applicant receives this reason by e-mail, at the general address."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Enter the reason for declining")},
    )


class JoinRequestFilterForm(Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(JoinRequest.Status.choices),
    )
