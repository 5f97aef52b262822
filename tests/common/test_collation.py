"""Lists sorted by name follow the reader's language: with ICU (the optional ``icu`` extra)
each language's own order; without it the default Unicode order, which needs nothing but
Python (docs/architecture.md, "Translations")."""

from __future__ import annotations

import pytest
from django.utils import translation

from openimi.common import i18n

NAMES = ["Zürich", "Åland", "Österreich", "Ärö", "Oslo", "Łódź", "Lublin", "Mazury", "Zagreb"]
needs_icu = pytest.mark.skipif(i18n.icu is None, reason="ICU (PyICU) is not installed")


def _sorted(language: str) -> list[str]:
    with translation.override(language):
        return i18n.sorted_by_name(NAMES, name=str)


@needs_icu
def test_swedish_puts_a_ring_a_umlaut_and_o_umlaut_after_z():
    assert _sorted("sv")[-3:] == ["Åland", "Ärö", "Österreich"]


@needs_icu
def test_danish_puts_ae_o_slash_and_a_ring_at_the_end():
    assert _sorted("da")[-3:] == ["Ärö", "Österreich", "Åland"]


@needs_icu
def test_polish_puts_l_stroke_after_l():
    order = _sorted("pl")
    assert order.index("Lublin") < order.index("Łódź") < order.index("Mazury")


@needs_icu
def test_german_and_english_keep_the_accents_among_their_letters():
    for language in ("de", "en"):
        order = _sorted(language)
        assert order[:2] == ["Åland", "Ärö"] and order.index("Oslo") < order.index("Österreich")


def test_without_icu_every_language_gets_the_default_unicode_order(monkeypatch):
    monkeypatch.setattr(i18n, "icu", None)
    expected = ["Åland", "Ärö", "Łódź", "Lublin", "Mazury", "Oslo", "Österreich", "Zagreb"]
    for language in ("sv", "en"):
        assert _sorted(language) == [*expected, "Zürich"]
