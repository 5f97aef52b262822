"""The masking of personal data in free text (privacy/masking.py), with hypothesis-generated
names and texts: any case, with or without accents, any spacing, other scripts."""

from __future__ import annotations

import datetime as dt
import string
import unicodedata

import pytest
from django.utils import translation
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from openimi.exchange.models import PersonalData
from openimi.privacy.masking import Masker, mask_mark, skeleton

MARK = "[personal data]"

PERSONAL = PersonalData(
    provider_name="Bouwbedrijf Jänssen B.V.",
    contact_person="Jan-Willem de Vries",
    registration_number="1234 5678",
    vat_number="NL123456789B01",
    email="j.devries@jaenssen-bouw.example",
    phone="+31 6 1234 5678",
    street="Dorpsstraat 12",
    postal_code="1234 AB",
    city="Oeteldonk",
    place_of_birth="Łódź",
    website="https://www.jaenssen-bouw.example/contact",
    date_of_birth=dt.date(1980, 3, 15),
    other_details="Klusbedrijf Noord; Tilburg",
)


@pytest.fixture
def masker() -> Masker:
    return Masker.for_personal_data(PERSONAL)


@pytest.mark.parametrize(
    "typed",
    [
        "Bouwbedrijf Jänssen B.V.",
        "BOUWBEDRIJF JÄNSSEN BV",
        "bouwbedrijf jaenssen",  # not the same letters: but "Bouwbedrijf" alone is masked
        "Jänssen",
        "Janssen",
        "jÄnSsEn",
        "Jan-Willem de Vries",
        "jan willem de vries",
        "J A N W I L L E M",
        "Vries",
        "12345678",
        "1234-5678",
        "NL123456789B01",
        "nl 1234.5678.9 b01",
        "123456789B01",
        "j.devries@jaenssen-bouw.example",
        "J.DeVries@Jaenssen-Bouw.example",
        "jaenssen-bouw.example",
        "+31 6 1234 5678",
        "06-12345678",
        "0031 6 12345678",
        "Dorpsstraat 12",
        "dorpsstraat\u00a012",
        "1234AB",
        "1234 ab",
        "Oeteldonk",
        "Lodz",
        "ŁÓDŹ",
        "15-03-1980",
        "15.3.1980",
        "1980-03-15",
        "03/15/1980",
        "15 March 1980",
        "15th March 1980",
        "March 15, 1980",
        "15 maart 1980",
        "15. März 1980",
        "15 mars 1980",
        "15 marca 1980",
        "Klusbedrijf Noord",
    ],
)
def test_every_form_of_a_value_is_masked(masker, typed):
    text = f"About {typed}: see the file."
    masked = masker.mask(text)
    assert masked.startswith("About ") and masked.endswith(": see the file."), masked
    assert MARK in masked
    assert (
        skeleton(typed) not in skeleton(masked.replace(MARK, " "))
        or typed == "bouwbedrijf jaenssen"
    )


def test_text_without_personal_data_is_left_as_typed(masker):
    text = "The company applies for a building licence in 2024; check its registration.\n\n"
    assert masker.mask(text) == text
    # A value inside a longer word is not masked: only at a word's edges.
    assert masker.mask("Oeteldonkers and Jänssenius") == "Oeteldonkers and Jänssenius"
    assert masker.mask("") == ""
    assert masker.mask(None) is None


def test_the_mark_is_in_the_readers_language(masker):
    with translation.override("nl"):
        assert masker.mask("Jänssen") == "[persoonsgegevens]" == mask_mark()


def test_particles_legal_forms_and_the_country_are_not_masked_alone(masker):
    text = "de van B.V. BV NL Netherlands"
    assert masker.mask(text) == text


def test_no_personal_data_masks_nothing():
    assert Masker.for_personal_data(None).mask("Jänssen 1980") == "Jänssen 1980"


def test_earlier_values_are_masked_too():
    masker = Masker.for_personal_data(PERSONAL, {"provider_name": "Oude Naam Holding"})
    assert masker.mask("formerly Oude Naam Holding") == f"formerly {MARK}"


def test_other_scripts_and_unspaced_scripts():
    masker = Masker.for_personal_data(
        PersonalData(provider_name="Иванов Строй", contact_person="王小明")
    )
    assert masker.mask("Компания ИВАНОВ строй работает") == f"Компания {MARK} работает"
    # Chinese is written without spaces: the name is found inside a sentence.
    assert masker.mask("我们联系了王小明先生") == f"我们联系了{MARK}先生"


# --- hypothesis --------------------------------------------------------------------------

LATIN = "abcdefghijklmnopqrstuvwxyzäöüéèêëçñåøłšžčœßáíóúýđ"
NAME_WORD = st.text(alphabet=LATIN, min_size=3, max_size=12).filter(lambda w: len(skeleton(w)) >= 3)
OTHER_SCRIPT_WORD = st.text(
    alphabet="абвгдежзиклмнопрстуфхцчшщыэюяαβγδεζηθικλμνξοπρστυφχψω", min_size=3, max_size=10
)
FILLER = st.lists(
    st.sampled_from(
        ["the", "request", "licence", "was", "refused", "in", "2023", "by", "office", "and"]
    ),
    min_size=0,
    max_size=8,
).map(" ".join)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@st.composite
def typed_variant(draw, name: str) -> str:
    """``name`` as someone might type it: other case, accents dropped or decomposed,
    other spacing and punctuation between its words."""
    words = name.split()
    case = draw(st.sampled_from([str.upper, str.lower, str.title, str]))
    accents = draw(st.sampled_from([_strip_accents, lambda t: t, _nfd]))
    spacing = draw(st.sampled_from([" ", "  ", "-", "\n", ". ", "\u00a0"]))
    return spacing.join(accents(case(word)) for word in words)


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.one_of(NAME_WORD, OTHER_SCRIPT_WORD), min_size=1, max_size=4),
    before=FILLER,
    after=FILLER,
    data=st.data(),
)
def test_generated_names_are_masked_in_generated_texts(words, before, after, data):
    name = " ".join(words)
    # ß, ø... fold to other letters: what stays of the name must be a word of its own.
    assume(all(skeleton(w) not in skeleton(f"{before} {after}") for w in words))
    masker = Masker.for_personal_data(PersonalData(contact_person=name))
    typed = data.draw(typed_variant(name))
    text = f"{before} {typed}, {after}."
    masked = masker.mask(text)
    assert MARK in masked
    rest = skeleton(masked.replace(MARK, " "))
    for word in words:
        assert skeleton(word) not in rest, (text, masked)
    # What was not personal data is kept as typed.
    assert masked.startswith(before) and masked.endswith(f", {after}.")


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=string.ascii_letters + " .,\n", max_size=300),
    number=st.text(alphabet=string.digits, min_size=6, max_size=12),
)
def test_generated_texts_without_the_values_are_unchanged(text, number):
    masker = Masker.for_personal_data(
        PersonalData(registration_number=number, vat_number=f"DE{number}")
    )
    assert masker.mask(text) == text


@settings(max_examples=100, deadline=None)
@given(
    number=st.text(alphabet=string.digits, min_size=6, max_size=12),
    separators=st.lists(st.sampled_from(["", " ", ".", "-", "/"]), min_size=12, max_size=12),
)
def test_generated_numbers_with_any_spacing_are_masked(number, separators):
    masker = Masker.for_personal_data(PersonalData(registration_number=number))
    typed = "".join(digit + sep for digit, sep in zip(number, separators, strict=False)).strip(
        " ./-"
    )
    assert masker.mask(f"Number {typed} checked") == f"Number {MARK} checked"


@settings(max_examples=100, deadline=None)
@given(born=st.dates(dt.date(1900, 1, 1), dt.date(2010, 12, 31)))
def test_generated_dates_of_birth_are_masked(born):
    masker = Masker.for_personal_data(PersonalData(date_of_birth=born))
    for typed in (
        born.isoformat(),
        f"{born.day}-{born.month}-{born.year}",
        f"{born:%d.%m.%Y}",
        f"{born.day} {born:%B} {born.year}",
    ):
        assert masker.mask(f"born {typed} in") == f"born {MARK} in", typed


def test_ten_thousand_characters_and_control_characters(masker):
    text = ("Jänssen \u0007 works here. " * 500)[:10_000]
    masked = masker.mask(text)
    assert "Jänssen" not in masked and masked.count(MARK) == text.count("Jänssen")
