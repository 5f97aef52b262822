"""Dates follow the reader's locale in every EU/EEA language: the month spelt as CLDR writes a
long date in that language, the day before a numeric month (or the year first where that is
the language's order), never 12/07/2026 for 7 December; and a date field shows the stored
date in every language (formats/)."""

import datetime as dt

import pytest
from babel.dates import format_date
from django.conf import settings
from django.utils import formats, translation

from openimi.exchange.forms import PersonalDataForm, RequestFilterForm
from openimi.privacy.forms import AccessLogFilterForm

SEVENTH_OF_DECEMBER = dt.datetime(2026, 12, 7, 14, 30, tzinfo=dt.UTC)
NAMED_FORMATS = ["DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"]
# Every language of the issue, whether or not this installation offers it yet: a format
# module exists for each (formats/__init__.py makes those without a folder).
EU_EEA = [
    "bg",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "ga",
    "hr",
    "hu",
    "is",
    "it",
    "lt",
    "lv",
    "mt",
    "nb",
    "nl",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "sv",
]
LANGUAGES = sorted({*EU_EEA, *(code for code, _name in settings.LANGUAGES)})
# Where the language writes the year first: in a long date, and in a numeric one.
YEAR_FIRST = {"DATE": {"hu", "lt", "lv"}, "SHORT": {"hu", "lt", "sv"}}
# Where Django's own catalogues give other month names than CLDR, which this project cannot
# correct without its own copies of those messages: title case, or no genitive, or none.
DJANGO_MONTH_NAMES = {
    "bg": "title case",
    "it": "title case",
    "pt": "title case",
    "ro": "title case",
    "sk": "no genitive (decembra)",
}


@pytest.mark.parametrize("name", NAMED_FORMATS)
def test_english_dates_put_the_day_first_and_spell_the_month(name):
    with translation.override("en"):
        text = formats.date_format(SEVENTH_OF_DECEMBER, name)
    assert text.startswith("7 Dec"), text
    assert "2026" in text and "12/07" not in text and "Dec." not in text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", NAMED_FORMATS)
def test_every_language_puts_the_day_before_the_month(language, name):
    with translation.override(language):
        text = formats.date_format(SEVENTH_OF_DECEMBER, name)
    if language in YEAR_FIRST["SHORT" if name.startswith("SHORT") else "DATE"]:
        assert text.startswith("2026"), text
    else:
        assert text.startswith(("7", "07")), text


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code not in ("en", "mt")])
def test_a_long_date_is_written_as_cldr_writes_it_in_the_language(language):
    """Every month of the year, through Django's DATE_FORMAT, against Babel's long date."""
    for month in range(1, 13):
        day = dt.date(2026, month, 7)
        with translation.override(language):
            ours = formats.date_format(day, "DATE_FORMAT")
        cldr = format_date(day, "long", locale=language)
        if language in DJANGO_MONTH_NAMES:
            if DJANGO_MONTH_NAMES[language] == "title case":
                assert ours.lower() == cldr.lower(), (ours, cldr)
            continue
        assert ours == cldr, (ours, cldr)


def test_a_language_whose_months_django_cannot_name_gets_numeric_dates():
    with translation.override("mt"):
        assert formats.date_format(SEVENTH_OF_DECEMBER, "DATE_FORMAT") == "07/12/2026"
        assert formats.get_format("DECIMAL_SEPARATOR") == "."


def test_the_month_inside_a_date_is_inflected_where_the_language_inflects_it():
    with translation.override("pl"):
        assert formats.date_format(SEVENTH_OF_DECEMBER, "DATE_FORMAT") == "7 grudnia 2026"
    with translation.override("el"):
        assert formats.date_format(SEVENTH_OF_DECEMBER, "DATE_FORMAT") == "7 Δεκεμβρίου 2026"
    with translation.override("de"):
        assert formats.date_format(SEVENTH_OF_DECEMBER, "DATE_FORMAT") == "7. Dezember 2026"


@pytest.mark.parametrize("language", LANGUAGES)
def test_times_use_the_24_hour_clock(language):
    with translation.override(language):
        text = formats.date_format(SEVENTH_OF_DECEMBER, "DATETIME_FORMAT")
    assert "14:30" in text and "p.m." not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_english_and_dutch_read_a_typed_date_day_first(language):
    field = PersonalDataForm.base_fields["date_of_birth"]
    with translation.override(language):
        assert field.to_python("07/12/2026") == dt.date(2026, 12, 7)
        assert field.to_python("2026-12-07") == dt.date(2026, 12, 7)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_date_field_shows_the_stored_date(language, nl):
    """<input type="date"> takes only ISO: a day-first value left the field empty in Dutch,
    and saving the page unchanged then removed the date."""
    date = dt.date(1980, 3, 27)
    with translation.override(language):
        rendered = [
            str(PersonalDataForm(initial={"date_of_birth": date})["date_of_birth"]),
            str(
                RequestFilterForm(initial={"sent_from": date}, areas=[], countries=[])["sent_from"]
            ),
            str(AccessLogFilterForm(initial={"date_from": date})["date_from"]),
        ]
    for html in rendered:
        assert 'type="date"' in html
        assert 'value="1980-03-27"' in html, html
