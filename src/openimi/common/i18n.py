"""Translated reference texts: a JSON object ``{"en": "...", "nl": "..."}`` per field.

Reference data (countries, areas, keywords, sectors) carries its names in every language it
has; ``translated`` picks the reader's language and falls back to English, then to any.
Lists of them are sorted by those names with ``sorted_by_name`` (the Unicode collation order,
never the codes' order nor Python's order of code points).

Country and language names are not ours to write: ``country_name`` and ``language_name`` read
them from CLDR through Babel, in the reader's language (``endonym``: a language in itself).
"""

import functools
from collections.abc import Callable, Iterable

import pyuca
from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils import translation

FALLBACK_LANGUAGE = "en"


def current_language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def interface_language(code: str | None) -> str:
    """``code`` if the interface speaks it (``settings.LANGUAGES``), else ``""``. The reference
    data's languages use the same codes (Norwegian is Bokmål, "nb", in both)."""
    return code if code and code in dict(settings.LANGUAGES) else ""


@functools.cache
def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def _cldr_name(kind: str, code: str, language: str | None) -> str:
    for reader in (language or current_language(), FALLBACK_LANGUAGE):
        locale = _locale(reader)
        name = getattr(locale, kind).get(code) if locale else None
        if name:
            return name
    return ""


def language_name(code: str, language: str | None = None, default: str = "") -> str:
    """The name of the language ``code`` in the reader's language (CLDR); else ``default``
    or the code."""
    return _cldr_name("languages", code, language) or default or code


def endonym(code: str) -> str:
    """The language ``code`` named in itself ("Deutsch", "Ελληνικά", "Malti")."""
    return language_name(code, code)


def country_name(code: str, language: str | None = None, default: str = "") -> str:
    """The name of the country ``code`` (ISO 3166 alpha-2) in the reader's language (CLDR);
    else ``default`` or the code."""
    return _cldr_name("territories", code.upper(), language) or default or code


@functools.cache
def _interface_languages_by_name() -> dict[str, str]:
    codes = [code for code, _ in settings.LANGUAGES]
    found: dict[str, str] = {}
    for code in codes:
        found[code.casefold()] = code
        for reader in codes:
            found.setdefault(language_name(code, reader).casefold(), code)
    if "nb" in codes:  # "Norwegian", "norsk", "Noors": Bokmål, as the interface speaks it
        found.setdefault("no", "nb")
        for reader in codes:
            found.setdefault(language_name("no", reader).casefold(), "nb")
    return found


def interface_language_named(text: str) -> str:
    """The interface language someone wrote as ``text``: its code or its name in any interface
    language ("de", "Deutsch", "German", "Duits", "allemand"), in any case; ``""`` if none."""
    return _interface_languages_by_name().get(" ".join(text.split()).casefold(), "")


def translated(texts: dict[str, str] | None, language: str | None = None) -> str:
    if not texts:
        return ""
    language = language or current_language()
    return (
        texts.get(language)
        or texts.get(FALLBACK_LANGUAGE)
        or next((text for text in texts.values() if text), "")
    )


class TranslatedNameMixin:
    """For models with a ``names`` JSON field: ``str()`` and ``.name`` in the reader's language."""

    names: dict[str, str]

    @property
    def name(self) -> str:
        return translated(self.names)

    def __str__(self) -> str:
        return self.name


@functools.cache
def _collator() -> pyuca.Collator:
    # The Unicode Collation Algorithm's default order (the CLDR root order, which English and
    # Dutch use as it is): accents and case come after the letters, "IJsland" after "Ierland".
    # Loading its table takes a few tenths of a second, once per process.
    return pyuca.Collator()


def collation_key(text: str) -> tuple[int, ...]:
    """The key that sorts ``text`` as a dictionary of the reader's language would."""
    return _collator().sort_key(text)


def sorted_by_name[T](items: Iterable[T], name: Callable[[T], str] = str) -> list[T]:
    """``items`` in the order of their names (by default ``str(item)``, the name in the
    reader's language), as a reader expects a list of countries or languages."""
    return sorted(items, key=lambda item: collation_key(name(item)))
