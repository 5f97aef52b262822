"""Forms of the privacy pages: the access log's filters, the data-subject search, the
correction (the request's personal-data form plus a reason) and the contest mark."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openimi.common.forms import Form
from openimi.exchange.forms import PersonalDataForm
from openimi.privacy.selectors import AccessLogFilters, SubjectFilters


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 - Django's name
        super().__init__({"class": "govuk-input--width-10", **(attrs or {})}, format)


class AccessLogFilterForm(Form):
    request = forms.IntegerField(label=_("Request number"), required=False, min_value=1)
    alert = forms.IntegerField(
        label=_("Alert number"),
        required=False,
        min_value=1,
        help_text=_("The number after A-, for example 12 for A-12."),
    )
    user = forms.TypedChoiceField(label=_("User"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label=_("From (date)"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To (date)"), required=False, widget=DateInput)

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("Every user"))] + [(str(u.pk), str(u)) for u in users]
        self.fields["request"].widget.attrs["class"] = "govuk-input--width-10"
        self.fields["alert"].widget.attrs["class"] = "govuk-input--width-10"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        if data.get("request") and data.get("alert"):
            self.add_error("alert", _("Give a request number or an alert number, not both."))
        return data

    def filters(self) -> AccessLogFilters:
        if not self.is_bound or not self.is_valid():
            return AccessLogFilters()
        data = self.cleaned_data
        return AccessLogFilters(
            request_number=data.get("request"),
            alert_number=data.get("alert"),
            user_id=data.get("user"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class SubjectSearchForm(Form):
    name = forms.CharField(
        label=_("Name of the service provider"),
        required=False,
        max_length=300,
        help_text=_("Part of the name is enough."),
    )
    registration_number = forms.CharField(
        label=_("Registration number"), required=False, max_length=100
    )
    vat_number = forms.CharField(label=_("VAT number"), required=False, max_length=40)
    email = forms.CharField(label=_("E-mail address"), required=False, max_length=254)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("registration_number", "vat_number"):
            self.fields[name].widget.attrs["class"] = "govuk-input--width-20"

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in self.fields):
            raise forms.ValidationError(_("Fill in at least one of the fields to search by."))
        return data

    def filters(self) -> SubjectFilters:
        data = self.cleaned_data
        return SubjectFilters(
            name=data.get("name") or "",
            registration_number=data.get("registration_number") or "",
            vat_number=data.get("vat_number") or "",
            email=data.get("email") or "",
            date_of_birth=data.get("date_of_birth"),
        )


class CorrectionForm(PersonalDataForm):
    reason = forms.CharField(
        label=_("Why is the data corrected?"),
        help_text=_(
            "For example: the data subject showed that the registration number was wrong. "
            "Both authorities can read this."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in PersonalDataForm.Meta.fields}


class ContestForm(Form):
    reason = forms.CharField(
        label=_("What does the data subject contest?"),
        help_text=_("Both authorities see this warning on the request until it is removed."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
