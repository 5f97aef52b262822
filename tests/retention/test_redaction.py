"""The retention job's search for copies of personal data: a cheap test on ASCII skeletons
first, the case-insensitive pattern only where it may match. It must find whatever the
pattern alone finds, also across letters outside ASCII that match ASCII ones."""

from __future__ import annotations

import re

import pytest

from openimi.retention.services import REMOVED, _Redactor, _skeleton

TERMS = ["Bouwbedrijf Müller", "Straße 12", "Istanbul", "Kaspar", "Σωκράτης", "Jansen"]


def plain(terms: list[str], text: str) -> str:
    """What the pattern alone does (the behaviour to keep)."""
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE).sub(REMOVED, text)


@pytest.mark.parametrize(
    "text",
    [
        "Nothing personal here.",
        "bouwbedrijf MÜLLER did not reply",
        "STRASSE 12 is not Straße 12",
        "İstanbul and ıstanbul and ISTANBUL",  # dotted and dotless i match "i"
        "\u212aaspar (Kelvin sign) and kaſpar (long s)",
        "ΣΩΚΡΆΤΗΣ wrote to Σωκράτης",
        "Mr jansen, Jansen-Smit and JANSEN",
        "",
    ],
)
def test_the_same_as_the_pattern_alone(text):
    terms = sorted(TERMS, key=len, reverse=True)
    assert _Redactor({1: terms}).sub(1, text) == plain(terms, text)


def test_letters_outside_ascii_that_match_ascii_ones_keep_their_skeleton():
    for twin, letter in (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k")):
        assert re.fullmatch(letter, twin, re.IGNORECASE)
        assert _skeleton(twin) == letter


def test_a_request_without_terms_is_left_alone():
    redactor = _Redactor({1: [], 2: ["Jansen"]})
    assert redactor.ids == [2]
    assert redactor.sub(2, "Jansen") == REMOVED
