"""The forms of the alert pages. The alert's own form is built per kind (``types.KINDS``):
only the fields the kind shows, with the kind's labels. A draft may be saved incomplete, so
no field is required while saving; the required ones are marked, and submitting asks the
service (``alert_problems``), whose answer lands at the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openimi.alerts.models import Alert, AlertPersonalData
from openimi.alerts.services import ALERT_FIELDS
from openimi.alerts.types import KINDS, AlertType, Kind, label
from openimi.alerts.workflow import State
from openimi.authorities.models import Country
from openimi.common.forms import Form
from openimi.common.i18n import sorted_by_name
from openimi.exchange.forms import LanguageField, _LanguageMixin

PERSONAL_PREFIX = "personal."


class KindForm(Form):
    """Step 1 of writing an alert: its kind, with the legal basis as the hint."""

    kind = forms.ChoiceField(label=_("What is the alert about?"), widget=forms.RadioSelect)

    def __init__(self, *args, kinds: list[Kind], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.type.value, k.type.label) for k in kinds]
        self.legal_bases = {k.type.value: k.legal_basis for k in kinds}


def field_name(name: str) -> str:
    """The form field of a kind's field (``personal.full_name`` -> ``full_name``)."""
    return name.removeprefix(PERSONAL_PREFIX)


class AlertForm(_LanguageMixin, Form):
    """The fields of one kind of alert; ``personal_names`` and ``alert_names`` say which
    form fields go where, ``countries`` is there for services alerts only."""

    def __init__(self, *args, kind: Kind, own_country: str, user_language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.personal_names: list[str] = []
        self.alert_names: list[str] = []
        for name in kind.shown:
            if name == "countries":
                continue
            personal = name.startswith(PERSONAL_PREFIX)
            model = AlertPersonalData if personal else Alert
            model_field = model._meta.get_field(field_name(name))
            formfield = model_field.formfield(required=False)
            if model_field.get_internal_type() == "DateField":
                formfield = forms.DateField(
                    required=False, widget=forms.DateInput(attrs={"type": "date"})
                )
            formfield.label = label(name, kind.type) or str(model_field.verbose_name).capitalize()
            formfield.required_for_submit = name in kind.required
            self.fields[field_name(name)] = formfield
            (self.personal_names if personal else self.alert_names).append(field_name(name))
        self.fields["language"] = LanguageField(
            label=_("Language of the texts"),
            help_text=_("The countries you warn see which language you wrote in."),
        )
        if "countries" in kind.shown:
            countries = sorted_by_name(Country.objects.exclude(code=own_country))
            self.fields["countries"] = forms.MultipleChoiceField(
                label=_("Countries to warn"),
                choices=[(c.code, c.name) for c in countries],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            self.fields["countries"].required_for_submit = True
        self._setup_languages(user_language)

    def mark_required(self) -> None:
        """Mark the fields the kind requires (after validation: saving requires none)."""
        for field in self.fields.values():
            if getattr(field, "required_for_submit", False):
                field.required = True

    @property
    def personal_fields(self):
        return [self[name] for name in self.personal_names]

    @property
    def other_fields(self):
        names = [*self.alert_names, "language"]
        if "countries" in self.fields:
            names.append("countries")
        return [self[name] for name in names]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {
            "fields": {name: data.get(name) for name in self.alert_names},
            "personal": {name: data.get(name) for name in self.personal_names},
            "language": data.get("language") or "",
        }
        if "countries" in self.fields:
            arguments["countries"] = data.get("countries") or []
        return arguments


def alert_initial(alert: Alert) -> dict:
    """The form's values from the saved alert (opening and saving changes nothing)."""
    initial = {name: getattr(alert, name) for name in ALERT_FIELDS}
    personal = alert.personal_data
    for name in (f.name for f in AlertPersonalData._meta.concrete_fields):
        initial.setdefault(name, getattr(personal, name))
    initial["language"] = alert.language
    if KINDS[AlertType(alert.alert_type)].to_every_country is False:
        initial["countries"] = [c.code for c in alert.countries.all()]
    return initial


def add_service_error(form: forms.Form, field: str | None, message: str) -> None:
    """An ``ApplicationError`` at its field (``personal.x`` -> ``x``), else the form's."""
    name = field_name(field) if field else None
    form.add_error(name if name in form.fields else None, message)


class ReasonForm(_LanguageMixin, Form):
    """A text with its language: a reason (return, refuse, withdraw) or new information."""

    text = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 6}))
    language = LanguageField()

    def __init__(self, *args, label=None, hint=None, user_language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label
        if hint:
            self.fields["text"].help_text = hint
        self._setup_languages(user_language)


class AttachmentForm(Form):
    file = forms.FileField(label=_("Add a document"))


class DistributeForm(Form):
    authorities = forms.MultipleChoiceField(
        label=_("Authorities to pass the alert to"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authorities"].choices = [(str(pk), name) for pk, name in choices]


class StatusFilterForm(Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *State.choices]
