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

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

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


class GovukBoundField(BoundField):
    """A bound field that knows its GOV.UK component and puts its classes on the widget."""

    @property
    def govuk_kind(self) -> str:
        return govuk_kind(self.field.widget)

    @property
    def anchor_id(self) -> str:
        """The id the error summary links to: the control, or the first option of a group."""
        if self.govuk_kind in {"checkboxes", "radios"}:
            return f"{self.auto_id}_0" if self.auto_id else ""
        return self.id_for_label

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        control_class, error_class = _CLASSES[govuk_kind(widget)]
        classes = [widget.attrs.get("class", ""), attrs.get("class", ""), control_class]
        if self.errors:
            classes.append(error_class)
        class_attr = " ".join(dict.fromkeys(c for c in " ".join(classes).split() if c))
        if class_attr:
            attrs["class"] = class_attr
        return attrs


class GovukFormRenderer(TemplatesSetting):
    """Renders forms with the project's template engine and GOV.UK Frontend markup.

    ``TemplatesSetting`` finds Django's own widget templates through the ``django.forms``
    app (in ``INSTALLED_APPS``) and our templates through ``TEMPLATES["DIRS"]``.
    """

    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"
    bound_field_class = GovukBoundField
