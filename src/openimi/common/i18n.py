"""Translated reference texts: a JSON object ``{"en": "...", "nl": "..."}`` per field.

Reference data (countries, areas, keywords, sectors) carries its names in every language it
has; ``translated`` picks the reader's language and falls back to English, then to any.
"""

from django.conf import settings
from django.utils import translation

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
