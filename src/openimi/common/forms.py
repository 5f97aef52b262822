"""GOV.UK Frontend markup for every Django form: ``{{ form }}`` needs no per-form template.

``settings.FORM_RENDERER`` points at :class:`GovukFormRenderer`. It renders a form with
``forms/govuk_form.html`` and each field with ``forms/govuk_field.html`` (label, hint, error
message, the widget), and gives every form :class:`GovukBoundField`, which adds the GOV.UK
classes to the widget (``govuk-input``, ``govuk-select``, ``govuk-checkboxes__input`` …) so
forms do not declare them. Classes a form sets on a widget (``govuk-input--width-10``) are kept.

Pages show the error summary with ``{% include "forms/error_summary.html" %}`` (for ``form``, or
``with form=other_form``) at the top of the main content, and the line explaining the
asterisk with ``{% include "forms/required_note.html" %}``.
"""

import re
from pathlib import Path

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext_lazy as _

from openimi.common.validators import prohibit_control_characters, refuses_control_characters

# Widget class -> kind of GOV.UK component. Order matters: subclasses before their bases
# (CheckboxSelectMultiple is a RadioSelect, RadioSelect a Select, and so on).
_KINDS: tuple[tuple[type[forms.Widget], str], ...] = (
    (forms.MultipleHiddenInput, "hidden"),
    (forms.HiddenInput, "hidden"),
    (forms.CheckboxSelectMultiple, "checkboxes"),
    (forms.RadioSelect, "radios"),
    (forms.CheckboxInput, "checkbox"),
    (forms.Select, "select"),
    (forms.Textarea, "textarea"),
    (forms.FileInput, "file"),
)

# kind -> (class of the control, class added when the field has an error)
_CLASSES: dict[str, tuple[str, str]] = {
    "input": ("govuk-input", "govuk-input--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "checkbox": ("govuk-checkboxes__input", ""),
    "checkboxes": ("govuk-checkboxes__input", ""),
    "radios": ("govuk-radios__input", ""),
    "hidden": ("", ""),
}


def govuk_kind(widget: forms.Widget) -> str:
    """The GOV.UK component that renders ``widget``: input, textarea, select, checkbox, …"""
    for widget_class, kind in _KINDS:
        if isinstance(widget, widget_class):
            return kind
    return "input"


# A missing value, said with the field's label (GOV.UK: "Enter …", "Select …"), by component.
_REQUIRED_BY_KIND = {
    "select": _("Choose an option for “%(label)s”"),
    "radios": _("Choose an option for “%(label)s”"),
    "checkboxes": _("Tick at least one option for “%(label)s”"),
    "checkbox": _("Tick “%(label)s”"),
    "file": _("Choose a file for “%(label)s”"),
}
_REQUIRED = _("Enter “%(label)s”")
_DJANGO_REQUIRED = forms.Field.default_error_messages["required"]


def error_naming_field(label, message) -> str:
    """``message`` as an error summary shows it: naming the field it belongs to."""
    label, message = str(label or "").strip(), str(message)
    if not label or re.search(rf"(?<!\w){re.escape(label)}(?!\w)", message, re.I):
        return message
    return _("%(label)s: %(message)s") % {"label": label, "message": message}


class GovukBoundField(BoundField):
    """A bound field that knows its GOV.UK component and puts its classes on the widget."""

    @property
    def govuk_kind(self) -> str:
        return govuk_kind(self.field.widget)

    @property
    def error_texts(self) -> list[str]:
        """The field's errors as shown at the field. Django's bare "This field is required."
        becomes a message that names the field, as the error summary shows it too."""
        texts = []
        for error in self.errors.as_data():
            for message in error.messages:
                if error.code == "required" and message == str(_DJANGO_REQUIRED) and self.label:
                    message = _REQUIRED_BY_KIND.get(self.govuk_kind, _REQUIRED) % {
                        "label": str(self.label).strip()
                    }
                texts.append(str(message))
        return texts

    @property
    def summary_texts(self) -> list[str]:
        """The field's entries of the error summary: each names the field."""
        return [error_naming_field(self.label, text) for text in self.error_texts]

    @property
    def anchor_id(self) -> str:
        """The id the error summary links to: the control, or the first option of a group."""
        if self.govuk_kind in {"checkboxes", "radios"}:
            return f"{self.auto_id}_0" if self.auto_id else ""
        return self.id_for_label

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        if govuk_kind(widget) in {"radios", "checkbox"}:
            # Forms are novalidate: a required radio group or checkbox would only be announced
            # "invalid" before the user chose anything. The label says "required" instead.
            attrs.pop("required", None)
        control_class, error_class = _CLASSES[govuk_kind(widget)]
        classes = [widget.attrs.get("class", ""), attrs.get("class", ""), control_class]
        if self.errors:
            classes.append(error_class)
        class_attr = " ".join(dict.fromkeys(c for c in " ".join(classes).split() if c))
        if class_attr:
            attrs["class"] = class_attr
        return attrs


# --- Widgets without templates ---------------------------------------------------------------
# Django renders every <option> of a select through two template includes (select_option.html,
# attrs.html), and every <input> through one or two: a filter form with a few hundred options
# (countries, areas, economic sectors) spent most of a page's rendering time there. The
# functions below write the same markup as Django's templates, character for character
# (tests/common/test_forms_fast_widgets.py compares both), for the templates named in
# _FAST_WIDGETS, and only while those names still resolve to Django's own files.

_DJANGO_WIDGETS = Path(forms.__file__).resolve().parent / "templates" / "django" / "forms"
_CONTEXT = Context()  # autoescape on, localisation as in a template


def _value(value) -> str:
    """``{{ value }}`` in a template: localised, escaped unless safe."""
    return render_value_in_context(value, _CONTEXT)


def _stringformat(value) -> str:
    """``{{ value|stringformat:'s' }}`` in a template."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """``{% include "django/forms/widgets/attrs.html" %}``."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {_value(name)}")
            if value is not True:
                parts.append(f'="{_stringformat(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    """``django/forms/widgets/input.html`` (text, date, checkbox, hidden, … and options)."""
    value = widget["value"]
    value_attr = f' value="{_stringformat(value)}"' if value is not None else ""
    return (
        f'<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"'
        f"{value_attr}{_attrs(widget['attrs'])}>"
    )


def _input_option(widget: dict) -> str:
    """``django/forms/widgets/input_option.html`` (one radio or checkbox of a group)."""
    if not widget.get("wrap_label"):
        return _input(widget)
    label_id = widget["attrs"].get("id")
    label_for = f' for="{_value(label_id)}"' if label_id else ""
    # input.html ends with a newline, kept inside the label.
    return f"<label{label_for}>{_input(widget)}\n {_value(widget['label'])}</label>"


_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _select(widget: dict) -> str | None:
    """``django/forms/widgets/select.html``; None when an option has another template."""
    parts = [f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _group_index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_value(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION_TEMPLATE:
                return None
            parts.append(
                f'\n  <option value="{_stringformat(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_value(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_INPUT_TEMPLATES = (
    "input checkbox color date datetime email hidden number password search tel text time url"
)
_FAST_WIDGETS = {
    **{f"django/forms/widgets/{name}.html": _input for name in _INPUT_TEMPLATES.split()},
    "django/forms/widgets/radio_option.html": _input_option,
    "django/forms/widgets/checkbox_option.html": _input_option,
    "django/forms/widgets/select.html": _select,
}


class GovukFormRenderer(TemplatesSetting):
    """Renders forms with the project's template engine and GOV.UK Frontend markup.

    ``TemplatesSetting`` finds Django's own widget templates through the ``django.forms``
    app (in ``INSTALLED_APPS``) and our templates through ``TEMPLATES["DIRS"]``. The common
    widgets (inputs, selects, radio and checkbox options) are written in Python, see
    ``_FAST_WIDGETS``, unless a project template overrides Django's.
    """

    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"
    bound_field_class = GovukBoundField

    def __init__(self):
        super().__init__()
        self._fast: dict[str, object] = {}

    def _fast_widget(self, template_name: str):
        """The Python writer of ``template_name``, if it is Django's own template (checked once)."""
        if template_name not in self._fast:
            writer = _FAST_WIDGETS.get(template_name)
            if writer is not None:
                origin = Path(self.get_template(template_name).origin.name).resolve()
                if not origin.is_relative_to(_DJANGO_WIDGETS):
                    writer = None
            self._fast[template_name] = writer
        return self._fast[template_name]

    def render(self, template_name, context, request=None):
        writer = self._fast_widget(template_name)
        if writer is not None and "widget" in context:
            html = writer(context["widget"])
            if html is not None:
                return mark_safe(html.strip())  # noqa: S308 - every value above is escaped
        return super().render(template_name, context, request=request)


# --- The base of every form ------------------------------------------------------------------


class ControlCharactersRefused:
    """Every text field of the form refuses control characters (``common.validators``).

    Added in ``full_clean``, so fields a form adds or replaces in its ``__init__`` are covered.
    """

    def full_clean(self):
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not refuses_control_characters(
                field.validators
            ):
                field.validators.append(prohibit_control_characters)
        super().full_clean()


class Form(ControlCharactersRefused, forms.Form):
    """The base of openimi's forms (tests/common/test_control_characters.py checks each)."""


class ModelForm(ControlCharactersRefused, forms.ModelForm):
    """The base of openimi's model forms."""


class LanguageSelect(forms.Select):
    """A list of interface languages, each named in itself and marked with its ``lang`` (WCAG
    3.1.2), so that a screen reader speaks "Ελληνικά" as Greek."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = value
        return option
