"""Forms of the network administrator's reference data pages (issue 19)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from openimi.common.forms import Form
from openimi.common.i18n import language_name
from openimi.network.services.reference import installation_languages

NAME_MAX_LENGTH = 200
UPLOAD_MAX_BYTES = 5 * 1024 * 1024


class NamesForm(Form):
    """A code (when creating), a position (when editing) and a name per installation language:
    English required, the others optional."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Small letters, digits and hyphens; it cannot be changed later."),
    )
    position = forms.IntegerField(
        label=_("Position in the lists"),
        min_value=0,
        max_value=32767,
        help_text=_("Lower numbers come first."),
    )

    def __init__(self, *args: Any, creating: bool, code_max_length: int = 40, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if creating:
            del self.fields["position"]
            self.fields["code"].max_length = code_max_length
            self.fields["code"].validators[-1].limit_value = code_max_length
        else:
            del self.fields["code"]
        for code in installation_languages():
            self.fields[f"name_{code}"] = forms.CharField(
                label=_name_label(code),
                max_length=NAME_MAX_LENGTH,
                required=code == "en",
                widget=forms.TextInput(attrs={"lang": code}),
            )

    def names(self) -> dict[str, str]:
        return {
            code: self.cleaned_data.get(f"name_{code}", "") for code in installation_languages()
        }

    @staticmethod
    def initial_for(obj: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {"position": obj.position}
        for code, text in obj.names.items():
            initial[f"name_{code}"] = text
        return initial


def _name_text(code: str) -> str:
    name = language_name(code) or code
    if code == "en":
        return gettext("Name in %(language)s") % {"language": name}
    return gettext("Name in %(language)s (optional)") % {"language": name}


# The label in the reader's language, computed when the form is rendered.
_name_label = lazy(_name_text, str)


class DeleteForm(Form):
    """A confirmation: the button is the whole form."""


class QuestionSetImportForm(Form):
    file = forms.FileField(
        label=_("Question set file"),
        help_text=_("A JSON or Excel (.xlsx) file exported from this page, at most 5 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".json", ".xlsx")):
            raise forms.ValidationError(_("Choose a JSON or Excel (.xlsx) file."))
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file must be smaller than 5 MB."))
        return upload
