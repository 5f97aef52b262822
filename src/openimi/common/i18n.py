"""Translated reference texts: a JSON object ``{"en": "...", "nl": "..."}`` per field.

Reference data (countries, areas, keywords, sectors) carries its names in every language it
has; ``translated`` picks the reader's language and falls back to English, then to any.
Lists of them are sorted by those names with ``sorted_by_name`` (the Unicode collation order,
never the codes' order nor Python's order of code points): the reader's language's own order
(Swedish Å, Ä, Ö after Z; Polish Ł after L; Danish Æ, Ø, Å at the end) where ICU is
installed (the optional ``icu`` extra, PyICU, which needs the system's libicu-dev to build),
otherwise the Unicode Collation Algorithm's default order (pyuca, pure Python), which is that
of English, Dutch, German, French and most others. docs/architecture.md says why.
"""

import functools
from collections.abc import Callable, Iterable

import pyuca
from django.conf import settings
from django.utils import translation

try:  # optional: ``pip install openimi[icu]``; without it `make run` needs nothing but Python
    import icu
except ImportError:  # pragma: no cover - depends on the installation
    icu = None

FALLBACK_LANGUAGE = "en"


def current_language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


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


@functools.cache
def _icu_collator(language: str):
    return icu.Collator.createInstance(icu.Locale(language))


def collation_key(text: str, language: str | None = None) -> tuple[int, ...] | bytes:
    """The key that sorts ``text`` as a dictionary of the reader's language would (of
    ``language``, by default the active one): ICU's tailored order where it is installed,
    the default Unicode order otherwise. Compare keys of one call site only."""
    if icu is not None:
        return _icu_collator(language or current_language()).getSortKey(text)
    return _collator().sort_key(text)


def sorted_by_name[T](items: Iterable[T], name: Callable[[T], str] = str) -> list[T]:
    """``items`` in the order of their names (by default ``str(item)``, the name in the
    reader's language), as a reader expects a list of countries or languages."""
    language = current_language()
    return sorted(items, key=lambda item: collation_key(name(item), language))
