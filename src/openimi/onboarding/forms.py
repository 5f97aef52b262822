from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from openimi.common.forms import Form


class RolloutUploadForm(Form):
    file = forms.FileField(
        label=_("Upload the rollout table"),
        help_text=_(
            "A CSV or Excel (.xlsx) file with the columns Department, Laws and regulations, "
            "Name, Mailbox and Roles (Dutch column names work too). You see every row and its "
            "problems before anything is saved."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ONBOARDING_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large: at most %(size)s MB.")
                % {"size": settings.ONBOARDING_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class RolloutImportForm(Form):
    """The rows the preview showed, signed so that they come back unchanged."""

    rows = forms.CharField(widget=forms.HiddenInput)


class ChecklistTickForm(Form):
    item = forms.CharField(widget=forms.HiddenInput)
    done = forms.BooleanField(required=False, widget=forms.HiddenInput)
