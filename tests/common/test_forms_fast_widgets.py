"""The renderer writes the common widgets in Python: the markup must be Django's, exactly."""

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

from openimi.common.forms import GovukFormRenderer


class Everything(forms.Form):
    name = forms.CharField(label="Name", max_length=20)
    email = forms.EmailField(required=False)
    number = forms.IntegerField(required=False)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.CharField(required=False, widget=forms.PasswordInput)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    agree = forms.BooleanField(required=False)
    colour = forms.ChoiceField(
        choices=[("", "Any"), ("r", 'Red & "rose"'), ("g", mark_safe("<b>Green</b>")), (3, 3)],
        required=False,
    )
    grouped = forms.ChoiceField(
        choices=[("", "None"), ("Fruit", [("a", "Apple"), ("p", "Pear")]), ("x", "Other")],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two")], required=False)
    radio = forms.ChoiceField(
        choices=[("y", "Yes"), ("n", "No <maybe>")], widget=forms.RadioSelect, required=False
    )
    boxes = forms.MultipleChoiceField(
        choices=[("1", "One"), ("2", "Two")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    text = forms.CharField(required=False, widget=forms.Textarea)


DATA = [
    {},
    {
        "name": 'A "quoted" <name> & co',
        "email": "a@example.org",
        "number": "12",
        "date": "2026-11-29",
        "secret": "s",
        "hidden": "h&",
        "agree": "on",
        "colour": "r",
        "grouped": "p",
        "many": ["1", "2"],
        "radio": "n",
        "boxes": ["2"],
        "text": "<script>",
    },
    {"name": "", "colour": "3", "grouped": "x", "number": "not a number"},
]


def _render_all(form):
    parts = [str(form)]
    for field in form:
        parts.append(str(field))
        parts.extend(str(option.tag()) for option in field.subwidgets)
        parts.extend(str(option.tag(wrap_label=True)) for option in field.subwidgets)
    return parts


@pytest.mark.parametrize("data", DATA)
def test_fast_widgets_write_djangos_markup(data, settings):
    fast = GovukFormRenderer()
    slow = GovukFormRenderer()
    slow.render = lambda template_name, context, request=None: TemplatesSetting.render(
        slow, template_name, context, request=request
    )
    bound = data or None
    fast_form = Everything(bound, initial={"date": dt.date(2026, 1, 2)}, renderer=fast)
    slow_form = Everything(bound, initial={"date": dt.date(2026, 1, 2)}, renderer=slow)
    assert _render_all(fast_form) == _render_all(slow_form)
    assert fast._fast["django/forms/widgets/select.html"] is not None


def test_a_project_template_overriding_a_widget_is_used(tmp_path, settings):
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "text.html").write_text("<custom>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    renderer = GovukFormRenderer()
    assert str(Everything(renderer=renderer)["name"]) == "<custom>"
