"""Forms of the request pages. They only collect input: every change goes through one
service (``exchange.services``), whose ``ApplicationError`` the view puts back on the form."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from openimi.authorities.models import Authority, Language, LegislativeArea
from openimi.common.forms import Form, ModelForm
from openimi.common.i18n import sorted_by_name
from openimi.exchange.files import accepted_extensions
from openimi.exchange.models import (
    InformationRequest,
    PersonalData,
    Question,
    QuestionSet,
    StandardAnswer,
)
from openimi.exchange.workflow import State

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
# Beside every free text a coordinator may read (the justification, answers, notes, the
# mediation): it reaches coordinators with the personal data masked, but should hold none.
NO_PERSONAL_DATA_HINT = _(
    "Coordinators may read this text. Do not write personal data here; use the service "
    "provider's section."
)
UNKNOWN = [("unknown", pgettext_lazy("answer to a yes/no question: not known", "Unknown"))]


def language_choices() -> list[tuple[str, str]]:
    """The EU languages a free text can be written in, by name in the reader's language."""
    return [
        (language.code, language.name)
        for language in sorted_by_name(Language.objects.filter(is_eu_official=True))
    ]


class LanguageField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Language of the text"))
        kwargs.setdefault("help_text", _("The other authority sees which language you wrote in."))
        super().__init__(choices=(), **kwargs)


class _LanguageMixin:
    """Fills every ``LanguageField`` with the EU languages; defaults to the user's language."""

    def _setup_languages(self, user_language: str) -> None:
        choices = None
        for name, field in self.fields.items():
            if isinstance(field, LanguageField):
                choices = choices if choices is not None else language_choices()
                field.choices = choices
                if not self.initial.get(name):
                    self.initial[name] = (user_language or "en").lower()


class DateParts(Form):
    """The GOV.UK date input: day, month and year as three boxes (template
    ``exchange/_date_input.html``). ``required`` says whether a date must be given."""

    day = forms.IntegerField(label=_("Day"), required=False, min_value=1, max_value=31)
    month = forms.IntegerField(label=_("Month"), required=False, min_value=1, max_value=12)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2200)

    date_label = _("Date")
    date_hint = _("For example, 27 3 2030")
    date_required = True

    def clean(self):
        data = super().clean()
        parts = [data.get("day"), data.get("month"), data.get("year")]
        if self.errors:
            return data
        if not any(parts):
            if self.date_required:
                raise forms.ValidationError(_("Enter a date."), code="required")
            data["date"] = None
            return data
        if not all(parts):
            raise forms.ValidationError(_("Enter a day, a month and a year."), code="incomplete")
        try:
            data["date"] = dt.date(data["year"], data["month"], data["day"])
        except ValueError:
            raise forms.ValidationError(_("Enter a real date."), code="invalid") from None
        return data

    @classmethod
    def initial_for(cls, date: dt.date | None) -> dict:
        return {"day": date.day, "month": date.month, "year": date.year} if date else {}


# --- Compose --------------------------------------------------------------------------------


class QuestionSetForm(Form):
    question_set = forms.ChoiceField(
        label=_("Which questions do you want to ask?"),
        widget=forms.RadioSelect,
        help_text=_("The legislative area and its question set. Practice sets are fictitious."),
    )

    def __init__(self, *args, question_sets, **kwargs):
        super().__init__(*args, **kwargs)
        self.sets = {str(qs.pk): qs for qs in question_sets}
        self.fields["question_set"].choices = [
            (
                str(qs.pk),
                f"{qs.area.name} – {qs.title}"
                + (f" ({_('FICTITIOUS')})" if qs.is_practice else "")
                + (
                    " – "
                    + _("available until %(date)s")
                    % {"date": date_format(qs.available_until, "DATE_FORMAT")}
                    if qs.available_until
                    else ""
                ),
            )
            for qs in question_sets
        ]

    @property
    def chosen(self):
        return self.sets[self.cleaned_data["question_set"]]


class QuestionsForm(Form):
    questions = forms.MultipleChoiceField(
        label=_("Questions to ask"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_pk = {str(q.pk): q for q in questions}
        self.fields["questions"].choices = [(str(q.pk), q.text) for q in questions]

    @property
    def chosen(self) -> list[Question]:
        return [self.by_pk[pk] for pk in self.by_pk if pk in self.cleaned_data["questions"]]


class PersonalDataForm(ModelForm):
    class Meta:
        model = PersonalData
        fields = PersonalData.data_fields()
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "other_details": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_name"].help_text = _("The company or person the request is about.")
        country = self.fields["country"]
        country.choices = [("", country.empty_label)] + [
            (c.pk, c.name) for c in sorted_by_name(country.queryset)
        ]
        for name in ("postal_code", "vat_number", "phone"):
            self.fields[name].widget.attrs["class"] = "govuk-input--width-10"
        # The date picker offers no future date; PersonalData.clean refuses one.
        self.fields["date_of_birth"].widget.attrs["max"] = timezone.localdate().isoformat()

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class JustificationForm(_LanguageMixin, Form):
    justification = forms.CharField(
        label=_("Why do you need this information?"),
        help_text=format_lazy(
            "{} {}",
            _(
                "Explain the case and why the information is needed. A request that is not "
                "sufficiently motivated may be rejected."
            ),
            NO_PERSONAL_DATA_HINT,
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    justification_language = LanguageField()

    def __init__(self, *args, user_language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_languages(user_language)


def _attachment_hint() -> str:
    return gettext("One file at a time. Accepted types: %(types)s.") % {
        "types": ", ".join(accepted_extensions())
    }


class AttachmentField(forms.FileField):
    """A document to attach: the hint and the file chooser offer exactly the accepted types
    (``EXCHANGE_ATTACHMENT_CONTENT_TYPES``), the ones ``files.check_upload`` lets through."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", lazy(_attachment_hint, str)())
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": ",".join(accepted_extensions())}


class AttachmentForm(Form):
    # Not marked required: documents are optional. Only pressing Upload asks for a file.
    file = AttachmentField(label=_("Add a document"), required=False)

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if not file:
            raise forms.ValidationError(_("Choose a document to upload."), code="required")
        return file


class RecipientSearchForm(Form):
    q = forms.CharField(
        label=_("Search for the authority"),
        required=False,
        help_text=_("A word of its name, its town or its country. Any member state or your own."),
    )


class RecipientForm(Form):
    responding_authority = forms.ChoiceField(
        label=_("Send the request to"), widget=forms.RadioSelect
    )

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_pk = {str(a.pk): a for a in authorities}
        self.fields["responding_authority"].choices = [
            (str(a.pk), f"{a.display_title} ({a.country.name})") for a in authorities
        ]

    @property
    def chosen(self) -> Authority:
        return self.by_pk[self.cleaned_data["responding_authority"]]


class ReplyDateForm(DateParts):
    date_label = _("By when would you like a reply?")
    date_hint = _("For example, 27 3 2030. It must be after today.")


# --- Transitions ----------------------------------------------------------------------------


class NoteForm(_LanguageMixin, Form):
    """Free text with its language: a note, a question, a reason."""

    text = forms.CharField(
        label=_("Note"), help_text=NO_PERSONAL_DATA_HINT, widget=forms.Textarea(attrs={"rows": 5})
    )
    language = LanguageField()

    def __init__(self, *args, user_language: str = "", label=None, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label
        # An optional note's language is asked for only when a note is written (the service
        # refuses a text without its language), so nothing on the page is marked required.
        self.fields["text"].required = self.fields["language"].required = required
        self._setup_languages(user_language)


class AcceptForm(DateParts):
    date_label = _("Propose another reply date (optional)")
    date_hint = _("Leave empty to keep the requested date. For example, 27 3 2030.")
    date_required = False


class RejectForm(NoteForm):
    reason = forms.ChoiceField(
        label=_("Ground for rejection"),
        choices=InformationRequest.RejectionReason.choices,
        widget=forms.RadioSelect,
    )

    field_order = ["reason", "text", "language"]


class ForwardForm(NoteForm):
    to_authority = forms.ChoiceField(label=_("Forward to"), widget=forms.RadioSelect)

    field_order = ["to_authority", "text", "language"]

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_pk = {str(a.pk): a for a in authorities}
        self.fields["to_authority"].choices = [(str(a.pk), str(a)) for a in authorities]

    @property
    def chosen(self) -> Authority:
        return self.by_pk[self.cleaned_data["to_authority"]]


class ProvideInfoForm(NoteForm):
    file = AttachmentField(label=_("Document (optional)"), required=False)


class AllocateForm(Form):
    """The handlers to allocate to. ``candidates``: who can be chosen (those allocated now
    among them); ``department``: show only the candidates of this department, and those
    allocated now (a filtered list must not drop them unseen)."""

    handlers = forms.MultipleChoiceField(
        label=_("Request handlers"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one request handler")},
    )

    def __init__(self, *args, candidates, department: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.by_pk = {str(u.pk): u for u in candidates}
        self.fields["handlers"].choices = [(str(u.pk), str(u)) for u in candidates]
        self.departments = sorted({u.department for u in candidates if u.department})
        self.department = department if department in self.departments else ""
        self.unknown_department = bool(department) and not self.department
        chosen = {str(pk) for pk in (self["handlers"].value() or ())}
        self.shown = [
            (u, str(u.pk) in chosen)
            for u in candidates
            if not department or u.department == department or str(u.pk) in chosen
        ]

    @property
    def chosen(self):
        return [self.by_pk[pk] for pk in self.cleaned_data["handlers"]]


# --- Lists ----------------------------------------------------------------------------------

SORTS = {
    "newest": ("-sent_at", "-created_at", "-pk"),
    "oldest": ("sent_at", "created_at", "pk"),
    "reply_by": ("reply_by", "-pk"),
}


class RequestFilterForm(Form):
    """The GET form above the list of requests."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    area = forms.ChoiceField(label=_("Legislative area"), required=False)
    country = forms.ChoiceField(label=_("Country of the other authority"), required=False)
    sent_from = forms.DateField(
        label=_("Sent on or after"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sent_to = forms.DateField(
        label=_("Sent on or before"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    allocated_to_me = forms.BooleanField(label=_("Allocated to me"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("reply_by", _("Reply date")),
        ],
    )

    def __init__(self, *args, areas, countries, drafts: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = [(s.value, s.label) for s in State if drafts or s != State.DRAFT]
        self.fields["status"].choices = [("", _("Any status")), *statuses]
        self.fields["area"].choices = [("", _("Any area"))] + [(str(a.pk), a.name) for a in areas]
        self.fields["country"].choices = [("", _("Any country"))] + [
            (c.pk, c.name) for c in sorted_by_name(countries)
        ]


def areas_for_filter() -> list[LegislativeArea]:
    return list(LegislativeArea.objects.all())


# --- Answering ------------------------------------------------------------------------------


class AnswerForm(_LanguageMixin, Form):
    """The answer to one question: the typed answer fitting its answer type, or a standard
    answer, with an optional explanation in a stated language and (documents) a file."""

    standard_answer = forms.ChoiceField(
        label=_("Or give a standard answer"), required=False, widget=forms.RadioSelect
    )
    free_text = forms.CharField(
        label=_("Explanation"),
        required=False,
        help_text=NO_PERSONAL_DATA_HINT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    free_text_language = LanguageField(required=False)
    file = AttachmentField(label=_("Add a document"), required=False)
    base_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, question: Question, user_language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        types = Question.AnswerType
        value: forms.Field | None = None
        if question.answer_type == types.YES_NO:
            value = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect)
        elif question.answer_type == types.YES_NO_UNKNOWN:
            value = forms.ChoiceField(choices=YES_NO + UNKNOWN, widget=forms.RadioSelect)
        elif question.answer_type == types.CHOICE:
            value = forms.ChoiceField(
                choices=[(c["code"], question.choice_text(c["code"])) for c in question.choices],
                widget=forms.RadioSelect,
            )
        elif question.answer_type == types.DATE:
            value = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        if value is not None:
            value.label, value.required = _("Answer"), False
            self.fields = {"value": value, **self.fields}
        self.fields["free_text"].label = question.free_text_label
        if question.answer_type != types.DOCUMENT:
            del self.fields["file"]
        standard = list(question.standard_answers.all())
        if standard:
            self.fields["standard_answer"].choices = [("", _("No standard answer"))] + [
                (str(s.pk), s.text) for s in standard
            ]
            self.standard = {str(s.pk): s for s in standard}
        else:
            del self.fields["standard_answer"]
            self.standard = {}
        self.order_fields(self._answer_first(question.answer_type))
        self._setup_languages(user_language)

    @staticmethod
    def _answer_first(answer_type: str) -> list[str]:
        """The answer itself (the typed value, the answer text, the document) before "Or give
        a standard answer", then the explanation and its language."""
        if answer_type == Question.AnswerType.FREE_TEXT:
            return ["free_text", "free_text_language", "standard_answer"]
        return ["value", "file", "standard_answer", "free_text", "free_text_language"]

    def chosen_standard(self):
        return self.standard.get(self.cleaned_data.get("standard_answer") or "")


# --- Question sets: the network administrator's editor (issue 19) --------------------------


class QuestionSetEditForm(Form):
    """A question set's English texts and settings (``area`` and ``code`` when it is new).
    The other languages are written on the set's translation pages."""

    area = forms.ModelChoiceField(
        label=_("Legislative area"), queryset=LegislativeArea.objects.none()
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=70,
        help_text=_(
            "Letters a to z, digits, hyphens and underscores, for example posting-of-workers. "
            "It cannot be changed later."
        ),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    title = forms.CharField(label=_("Title in English"), max_length=200)
    description = forms.CharField(
        label=_("Description in English"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_practice = forms.BooleanField(
        label=_("Practice set (fictitious cases)"),
        required=False,
        help_text=_("Every page and e-mail about a request made with it says FICTITIOUS."),
    )
    available_until = forms.DateField(
        label=_("Last day it can be chosen"),
        required=False,
        help_text=_("Leave empty for no end. For example, 2027-06-30."),
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, new: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if new:
            self.fields["area"].queryset = LegislativeArea.objects.order_by("code")
        else:
            del self.fields["area"], self.fields["code"]

    def clean(self):
        data = super().clean()
        if data.get("is_practice") and not data.get("available_until") and not self.errors:
            # A practice set is for a training period: it ends (issue 19).
            self.add_error("available_until", _("Enter the last day a practice set can be chosen."))
        return data


def _choices_text(choices: list[dict], language: str) -> str:
    return "\n".join(f"{c['code']} = {(c.get('texts') or {}).get(language, '')}" for c in choices)


class QuestionEditForm(Form):
    """A question's code, answer type, English texts, options and standard answers."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Unique in this set, for example Q-01."),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    answer_type = forms.ChoiceField(
        label=_("Answer type"), choices=Question.AnswerType.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Question in English"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    help = forms.CharField(
        label=_("Help text in English"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    choices = forms.CharField(
        label=_("Options (for “A choice of standard answers”)"),
        required=False,
        max_length=5000,
        help_text=_(
            "One option a line: its code, an equals sign and its English text, for example "
            "“bv = Private limited company”. At least two options."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    standard_answers = forms.ModelMultipleChoiceField(
        label=_("Standard answers allowed"),
        required=False,
        queryset=StandardAnswer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, question: Question | None = None, **kwargs):
        if question is not None:
            kwargs["initial"] = {
                **(kwargs.get("initial") or {}),
                "code": question.code,
                "answer_type": question.answer_type,
                "text": question.texts.get(settings.LANGUAGE_CODE, ""),
                "help": question.help.get(settings.LANGUAGE_CODE, ""),
                "choices": _choices_text(question.choices, settings.LANGUAGE_CODE),
                "standard_answers": list(question.standard_answers.all()),
            }
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields["standard_answers"].queryset = StandardAnswer.objects.all()

    def clean_choices(self) -> list[dict]:
        """The options as ``[{"code", "texts"}]``; the other languages of an option that
        keeps its code are kept."""
        current = self.question.choices if self.question else []
        known = {c["code"]: c.get("texts") or {} for c in current}
        choices = []
        for number, line in enumerate(self.cleaned_data.get("choices", "").splitlines(), 1):
            if not line.strip():
                continue
            code, equals, text = line.partition("=")
            if not equals or not code.strip() or not text.strip():
                raise forms.ValidationError(
                    _("Line %(number)d: write the option's code, an equals sign and its text.")
                    % {"number": number}
                )
            texts = {**known.get(code.strip(), {}), settings.LANGUAGE_CODE: text.strip()}
            choices.append({"code": code.strip(), "texts": texts})
        return choices

    def clean(self):
        data = super().clean()
        if (
            data.get("answer_type") == Question.AnswerType.CHOICE
            and len(data.get("choices") or []) < 2
        ):
            self.add_error("choices", _("A choice question needs at least two options."))
        return data

    def texts(self, name: str, current: dict | None) -> dict:
        """The English text from the form, the other languages kept from ``current``."""
        return {**(current or {}), settings.LANGUAGE_CODE: self.cleaned_data[name]}


class QuestionSetTranslationForm(Form):
    """Every text of a draft in one language, each beside its English source."""

    def __init__(
        self, *args, question_set: QuestionSet, questions: list[Question], language: str, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.language = language
        english = settings.LANGUAGE_CODE
        self.sources: list[tuple[str, str]] = []  # (field name, English text)

        def add(name: str, label, source: str, current: str, max_length: int, long: bool):
            widget = forms.Textarea(attrs={"rows": 2}) if long else forms.TextInput()
            widget.attrs["lang"] = language
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=max_length,
                help_text=format_lazy("{}: {}", _("English"), source),
                initial=current,
                widget=widget,
            )
            self.sources.append((name, source))

        add(
            "title",
            _("Title"),
            question_set.titles.get(english, ""),
            question_set.titles.get(language, ""),
            200,
            False,
        )
        if question_set.descriptions.get(english):
            add(
                "description",
                _("Description"),
                question_set.descriptions[english],
                question_set.descriptions.get(language, ""),
                2000,
                True,
            )
        for question in questions:
            add(
                f"q{question.pk}_text",
                format_lazy(_("Question {code}"), code=question.code),
                question.texts.get(english, ""),
                question.texts.get(language, ""),
                1000,
                True,
            )
            if question.help.get(english):
                add(
                    f"q{question.pk}_help",
                    format_lazy(_("Help text of question {code}"), code=question.code),
                    question.help[english],
                    question.help.get(language, ""),
                    2000,
                    True,
                )
            for index, choice in enumerate(question.choices):
                texts = choice.get("texts") or {}
                add(
                    f"q{question.pk}_c{index}",
                    format_lazy(
                        _("Option {option} of question {code}"),
                        option=choice["code"],
                        code=question.code,
                    ),
                    texts.get(english, ""),
                    texts.get(language, ""),
                    200,
                    False,
                )
