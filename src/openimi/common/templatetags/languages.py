"""Language and country names from CLDR in templates, and GOV.UK Frontend's own texts.

``{{ code|language_name }}``: a language in the reader's language ("Duits" for ``de`` to a
Dutch reader); ``{{ code|endonym }}``: in itself ("Deutsch"); ``{{ code|country_name }}``.
``{{ authority|authority_name }}``: an authority's official name marked with the language it
is written in (``<span lang="de">Gewerbeamt Köln</span>``), also inside a translated sentence
(``{% blocktranslate with authority=x|authority_name %}``).
``{% govuk_frontend_config %}``: the JSON that ``init.mjs`` hands to GOV.UK Frontend.
"""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from openimi.common import i18n
from openimi.common.frontend_i18n import frontend_config

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    return i18n.language_name(code) if code else ""


@register.filter
def endonym(code: str) -> str:
    return i18n.endonym(code) if code else ""


@register.filter
def country_name(code: str) -> str:
    return i18n.country_name(code) if code else ""


@register.filter
def authority_name(authority) -> str:
    if not authority:
        return ""
    return format_html('<span lang="{}">{}</span>', authority.language_id, str(authority))


# As Django's json_script escapes: the JSON cannot close the element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def govuk_frontend_config(context):
    """A JSON data block (never run; with the page's nonce, as every inline script has)."""
    data = json.dumps(frontend_config(), ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html(
        '<script type="application/json" id="govuk-frontend-config" nonce="{}">{}</script>',
        context.get("csp_nonce", ""),
        mark_safe(data),  # noqa: S308 - JSON with <, > and & escaped
    )
