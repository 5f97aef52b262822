from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from openimi.common.forms import Form
from openimi.onboarding import services


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


class HelpdeskContactForm(Form):
    """A country's national helpdesk: its name and notes in English and in each of the
    country's languages the interface speaks (``languages``), and how to reach it."""

    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone = forms.CharField(
        label=_("Telephone"),
        max_length=40,
        required=False,
        help_text=_("With the country code, for example +31 70 123 4567."),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "type": "tel"}),
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        help_text=_("For example https://www.example.eu/helpdesk"),
    )

    def __init__(self, *args, languages: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = languages
        names, notes = {}, {}
        for code, name in languages:
            names[f"name_{code}"] = forms.CharField(
                label=_("Name of the helpdesk (%(language)s)") % {"language": name},
                max_length=services.HELPDESK_NAME_MAX,
                required=code == "en",
                widget=forms.TextInput(attrs={"lang": code}),
            )
            notes[f"note_{code}"] = forms.CharField(
                label=_("Opening hours and notes (%(language)s)") % {"language": name},
                max_length=services.HELPDESK_NOTE_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "lang": code}),
            )
        # The names, how to reach the helpdesk, then the notes.
        self.fields = {**names, **self.fields, **notes}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone") and not self.has_error("email"):
            self.add_error(
                "email", _("Enter an e-mail address or a telephone number of the helpdesk.")
            )
        return cleaned

    def texts(self, prefix: str) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"{prefix}_{code}", "") for code, _n in self.languages}


class FaqPageCreateForm(Form):
    title = forms.CharField(label=_("Title in English"), max_length=services.FAQ_TITLE_MAX)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=60,
        help_text=_(
            "The end of the page's web address: small letters, digits and hyphens, for "
            "example login-problems."
        ),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    body = forms.CharField(
        label=_("Text in English"),
        max_length=services.FAQ_BODY_MAX,
        help_text=_(
            "Plain text. Leave a blank line between paragraphs; web addresses and e-mail "
            "addresses become links."
        ),
        widget=forms.Textarea(attrs={"rows": 15}),
    )


class FaqPageTextForm(Form):
    """The page's title and text in one language (and, in English, its address)."""

    title = forms.CharField(label=_("Title"), max_length=services.FAQ_TITLE_MAX, required=False)
    body = forms.CharField(
        label=_("Text"),
        max_length=services.FAQ_BODY_MAX,
        required=False,
        help_text=FaqPageCreateForm.base_fields["body"].help_text,
        widget=forms.Textarea(attrs={"rows": 15}),
    )

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.language = language
        for field in ("title", "body"):
            self.fields[field].widget.attrs["lang"] = language
        if language == "en":
            self.fields["title"].required = self.fields["body"].required = True
            self.fields["slug"] = forms.SlugField(
                label=FaqPageCreateForm.base_fields["slug"].label,
                help_text=FaqPageCreateForm.base_fields["slug"].help_text,
                max_length=60,
                widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
            )
        else:
            self.fields["body"].help_text = _(
                "Leave the title and the text empty to remove this translation: readers then "
                "get the English text."
            )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("title")) != bool(cleaned.get("body")) and not self.errors:
            missing = "body" if cleaned.get("title") else "title"
            self.add_error(missing, _("Enter both the title and the text."))
        return cleaned
