"""Forms of the coordinator's part in an authority's life (``network.views.lifecycle``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openimi.authorities.models import Authority
from openimi.common.forms import Form


class AuthorityFilterForm(Form):
    """Search the authorities one coordinates by name (and country, for the network
    administrator)."""

    q = forms.CharField(label=_("Name"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, countries=None, **kwargs):
        super().__init__(*args, **kwargs)
        if countries is None:
            del self.fields["country"]
        else:
            self.fields["country"].choices = [
                ("", _("All countries")),
                *((country.code, country.name) for country in countries),
            ]


class OfficialNameForm(Form):
    official_name = forms.CharField(
        label=_("Official name"),
        max_length=300,
        help_text=_("The name in the authority's own language, as in its legal basis."),
    )


class CoordinatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Authority) -> str:
        return obj.official_name


class AreaAddForm(Form):
    area = forms.ModelChoiceField(label=_("Legislative area"), queryset=None)
    supervising_coordinator = CoordinatorChoiceField(
        label=_("Supervising coordinator"), queryset=None
    )

    def __init__(self, *args, areas, coordinators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["area"].label_from_instance = lambda area: area.name
        self.fields["supervising_coordinator"].queryset = coordinators


class AreaCoordinatorForm(Form):
    supervising_coordinator = CoordinatorChoiceField(
        label=_("Supervising coordinator"), queryset=None
    )

    def __init__(self, *args, coordinators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervising_coordinator"].queryset = coordinators


class ConfirmForm(Form):
    """A confirmation: the page says what will happen, the button does it."""


class HandOverForm(Form):
    target = CoordinatorChoiceField(
        label=_("Authority that takes over the open requests"), queryset=None
    )

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = authorities


class MergeForm(Form):
    into = CoordinatorChoiceField(label=_("Continuing authority"), queryset=None)
    confirm = forms.BooleanField(
        label=_(
            "I understand that its users and requests move to the continuing authority, and "
            "that a merger cannot be undone"
        ),
    )

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = authorities
