"""The base layout and the GOV.UK form rendering: markup, accessibility hooks and CSP."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from openimi.common.forms import GovukBoundField, GovukFormRenderer

VENDOR = Path(settings.BASE_DIR) / "static" / "vendor"


class _Elements(HTMLParser):
    """Every start tag as (tag, attrs), and the text of every inline <script>."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.inline_scripts: list[dict[str, str | None]] = []
        self._in_script: dict[str, str | None] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag == "script" and "src" not in attributes:
            self.inline_scripts.append(attributes)

    def find(self, tag: str | None = None, **attrs) -> list[dict[str, str | None]]:
        wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
        return [
            attributes
            for name, attributes in self.elements
            if (tag is None or name == tag)
            and all(attributes.get(key) == value for key, value in wanted.items())
        ]

    def one(self, tag: str | None = None, **attrs) -> dict[str, str | None]:
        found = self.find(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]


def classes(attributes: dict[str, str | None]) -> set[str]:
    return set((attributes.get("class") or "").split())


class SampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the register.")
    email = forms.EmailField(label="E-mail", required=False)
    reference = forms.CharField(
        label="Reference",
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    remarks = forms.CharField(label="Remarks", required=False, widget=forms.Textarea)
    country = forms.ChoiceField(label="Country", choices=[("", "—"), ("NL", "Netherlands")])
    colour = forms.ChoiceField(
        label="Colour",
        choices=[("red", "Red"), ("blue", "Blue")],
        widget=forms.RadioSelect,
        help_text="Pick one.",
    )
    areas = forms.MultipleChoiceField(
        label="Areas",
        choices=[("services", "Services"), ("qualifications", "Qualifications")],
        widget=forms.CheckboxSelectMultiple,
    )
    agree = forms.BooleanField(label="I agree", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("Something is wrong with the whole form.")


@pytest.fixture
def bound_form():
    form = SampleForm(data={"name": "", "email": "not-an-address", "remarks": "x"})
    assert not form.is_valid()
    return form


def test_settings_use_the_govuk_renderer():
    form = SampleForm()
    assert isinstance(form.renderer, GovukFormRenderer)
    assert isinstance(form["name"], GovukBoundField)


def test_error_summary_links_every_error_to_its_field(bound_form):
    html = render_to_string("forms/error_summary.html", {"form": bound_form})
    page = _Elements(html)
    summary = page.one("div", class_="govuk-error-summary")
    assert summary["data-module"] == "govuk-error-summary"
    assert page.find("div", role="alert")
    assert "There is a problem" in html
    links = {attributes["href"] for attributes in page.find("a")}
    assert {
        "#id_name",
        "#id_email",
        "#id_country",
        "#id_colour_0",  # a group links to its first option
        "#id_areas_0",
    } <= links
    # An error of the whole form links to the first field, which takes focus; the list of
    # such errors (#non-field-errors) does not.
    assert "#non-field-errors" not in links
    assert len(page.find("a", href="#id_name")) == 2  # its own error and the whole form's
    assert "Something is wrong with the whole form." in html
    assert "Enter a valid email address." in html

    # Every target exists in the rendered form.
    form_page = _Elements(str(bound_form))
    for href in links:
        assert form_page.find(id=href[1:]), f"{href} points at nothing"


def test_no_error_summary_without_errors():
    assert render_to_string("forms/error_summary.html", {"form": SampleForm()}).strip() == ""


def test_field_with_error_and_hint(bound_form):
    html = str(bound_form)
    page = _Elements(html)
    field = page.one("input", name="name")
    assert classes(field) == {"govuk-input", "govuk-input--error"}
    assert field["aria-describedby"] == "id_name_helptext id_name_error"
    assert field["aria-invalid"] == "true"
    assert classes(page.one(id="id_name_helptext")) == {"govuk-hint"}
    assert classes(page.one(id="id_name_error")) == {"govuk-error-message"}
    assert re.search(
        r'id="id_name_error"><span class="govuk-visually-hidden">Error:</span> '
        r"Enter “Name”",
        html,
    )
    label = page.one("label", for_="id_name")
    assert "govuk-label" in classes(label)
    # name, email, country, colour, areas, and the block of errors that belong to no field,
    # which the error summary links to
    assert html.count("govuk-form-group--error") == 6
    assert "govuk-form-group--error" in classes(page.one(id="non-field-errors"))


def test_required_fields_are_marked_and_optional_ones_are_not():
    html = str(SampleForm())
    labels = re.findall(r'<label class="govuk-label[^"]*" for="(id_\w+)">(.*?)</label>', html, re.S)
    marked = {for_id for for_id, text in labels if "openimi-required" in text}
    assert marked == {"id_name", "id_country"}
    assert (
        '<span class="openimi-required" aria-hidden="true">*</span>'
        '<span class="govuk-visually-hidden"> (required)</span>'
    ) in html
    legends = re.findall(r"<legend[^>]*>(.*?)</legend>", html, re.S)
    assert all("openimi-required" in legend for legend in legends)  # colour and areas
    note = render_to_string("forms/required_note.html")
    assert "Fields marked * are required." in note


def test_controls_get_the_govuk_classes_of_their_widget():
    page = _Elements(str(SampleForm()))
    assert classes(page.one("input", name="email")) == {"govuk-input"}
    assert classes(page.one("input", name="reference")) == {"govuk-input--width-10", "govuk-input"}
    assert classes(page.one("textarea", name="remarks")) == {"govuk-textarea"}
    assert classes(page.one("select", name="country")) == {"govuk-select"}
    assert classes(page.one("input", name="agree")) == {"govuk-checkboxes__input"}
    assert len(page.find("div", class_="govuk-checkboxes govuk-checkboxes--small")) == 2
    radios = page.find("input", name="colour")
    assert [r["id"] for r in radios] == ["id_colour_0", "id_colour_1"]
    assert all(classes(r) == {"govuk-radios__input"} for r in radios)
    assert page.one("div", class_="govuk-radios govuk-radios--small")["data-module"] == (
        "govuk-radios"
    )
    boxes = page.find("input", name="areas")
    assert all(classes(b) == {"govuk-checkboxes__input"} for b in boxes)
    hidden = page.one("input", name="token")
    assert hidden["type"] == "hidden" and "class" not in hidden


def test_option_groups_are_fieldsets_described_by_hint_and_error(bound_form):
    page = _Elements(str(bound_form))
    fieldsets = page.find("fieldset", class_="govuk-fieldset")
    assert [f.get("aria-describedby") for f in fieldsets] == [
        "id_colour_helptext id_colour_error",
        "id_areas_error",
    ]
    assert len(page.find("legend")) == 2
    # The options themselves are not described by the group's hint.
    assert all("aria-describedby" not in r for r in page.find("input", name="colour"))


def _nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)


def _assert_csp_clean(response):
    html = response.content.decode()
    assert not re.search(r"\sstyle=", html), "inline style attribute (CSP style-src 'self')"
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
    nonce = _nonce(response)
    page = _Elements(html)
    assert page.inline_scripts, "the govuk-frontend-supported script is missing"
    for script in page.inline_scripts:
        assert script.get("nonce") == nonce


@pytest.mark.django_db
def test_base_layout_for_an_anonymous_visitor(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    page = _Elements(html)
    assert page.one("html")["lang"] == "en"
    assert "govuk-template" in classes(page.one("html"))
    assert '{"X-CSRFToken": "' in page.one("body")["hx-headers"]
    assert re.search(r"<title>\s*Log in – openimi\s*</title>", html)
    assert page.one("a", class_="govuk-skip-link")["href"] == "#main-content"
    assert page.one("main", id="main-content")
    # No menu and no log out for a visitor who is not logged in …
    assert not page.find("ul", class_="govuk-service-navigation__list")
    assert reverse("accounts:logout") not in html
    # … but the language switch: a labelled list of the 26 languages, each named in itself.
    switcher = page.one("form", action=reverse("set_language"))
    assert switcher["method"] == "post"
    assert page.one("input", name="next")["value"] == reverse("accounts:login")
    assert page.one("label", for_="language-switch")
    assert page.one("select", id="language-switch", name="language")
    options = re.findall(
        r'<option value="([a-z]+)" lang="([a-z]+)"( selected)?>([^<]+)</option>', html
    )
    assert [(code, lang) for code, lang, _, _ in options] == [
        (code, code) for code in settings.INTERFACE_LANGUAGES
    ]
    assert [code for code, _, selected, _ in options if selected] == ["en"]
    names = {code: name for code, _, _, name in options}
    assert names["nl"] == "Nederlands"
    assert names["el"] == "Ελληνικά"
    assert names["mt"] == "Malti"
    assert names["bg"] == "български"
    assert re.search(r'<button type="submit" class="[^"]*openimi-language-switch__button', html)
    # The vendored front end, as files from 'self'.
    assert page.one("script", src="/static/vendor/htmx/htmx.min.js")
    assert page.one("script", type="module", src="/static/openimi/init.mjs")
    _assert_csp_clean(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accepted", "language"),
    [
        ("nl", "nl"),
        ("pl", "pl"),
        ("pl-PL", "pl"),
        ("el", "el"),
        ("mt", "mt"),
        ("nb-NO", "nb"),
        ("no", "nb"),
        ("nn", "nb"),
        ("ga", "ga"),
    ],
)
def test_the_page_is_in_the_language_of_the_visitor(client, accepted, language):
    """LocaleMiddleware follows the browser's Accept-Language for every interface language."""
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE=f"{accepted},en;q=0.5")
    html = response.content.decode()
    page = _Elements(html)
    assert page.one("html")["lang"] == language
    assert re.search(rf'<option value="{language}" lang="{language}" selected>', html)


@pytest.mark.django_db
def test_login_errors_are_summarised(client):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    html = response.content.decode()
    page = _Elements(html)
    assert re.search(r"<title>\s*Error: Log in – openimi\s*</title>", html)
    assert page.one("div", class_="govuk-error-summary")
    for name in ("username", "password"):
        assert page.one("a", href=f"#id_{name}")
        assert "govuk-input--error" in classes(page.one("input", name=name))
    _assert_csp_clean(response)


@pytest.mark.django_db
def test_base_layout_for_a_logged_in_user(client, lda):
    client.force_login(lda)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    page = _Elements(html)
    assert str(lda) in html and "Gemeente Oeteldonk" in html
    menu = page.one("ul", class_="govuk-service-navigation__list")
    assert menu["id"] == "main-navigation"
    current = page.find("a", aria_current="page")
    assert [a["href"] for a in current] == [reverse("home")]
    assert page.one("a", href=reverse("administration"))  # an LDA may administer
    logout = page.one("form", action=reverse("accounts:logout"))
    assert logout["method"] == "post"
    assert page.one(
        "a", href=reverse("authorities:search"), class_="govuk-link govuk-!-font-weight-bold"
    )
    _assert_csp_clean(response)


@pytest.mark.django_db
def test_administration_and_about_pages(client, lda):
    client.force_login(lda)
    response = client.get(reverse("administration"))
    assert response.status_code == 200
    page = _Elements(response.content.decode())
    assert page.one("a", href=reverse("authorities:manage"))
    assert page.find("a", aria_current="page")[0]["href"] == reverse("administration")
    _assert_csp_clean(response)

    response = client.get(reverse("about"))
    assert response.status_code == 200
    assert "EUPL-1.2" in response.content.decode()
    _assert_csp_clean(response)


@pytest.mark.django_db
def test_success_messages_are_success_banners(client, lda):
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = lda
    request.session = client.session
    request._messages = FallbackStorage(request)
    messages.success(request, "Saved.")
    messages.info(request, "Note this.")
    html = render_to_string("base.html", request=request)
    page = _Elements(html)
    success = page.one("div", class_="govuk-notification-banner govuk-notification-banner--success")
    assert success["role"] == "alert"
    assert page.one("div", class_="govuk-notification-banner")["role"] == "region"
    assert "Saved." in html and "Note this." in html


def test_the_vendored_front_end_is_neutral_and_served_from_static():
    css = (VENDOR / "govuk-frontend" / "govuk-frontend.min.css").read_text()
    assert "/assets/" not in css
    assert "GDS Transport" not in css
    assert "govuk-crest" not in css
    assert "system-ui" in css
    for name in (
        "govuk-frontend/LICENSE",
        "govuk-frontend/VERSION",
        "htmx/LICENSE",
        "htmx/VERSION",
    ):
        assert (VENDOR / name).is_file()
    assert (VENDOR / "htmx" / "VERSION").read_text().startswith("htmx.org 2.0.")
