"""Dates read day, month, year in every interface language (never 12/07/2026 for 7 December),
and a date field shows the stored date in every language (formats/)."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import formats, translation

from openimi.exchange.forms import PersonalDataForm, RequestFilterForm
from openimi.privacy.forms import AccessLogFilterForm

SEVENTH_OF_DECEMBER = dt.datetime(2026, 12, 7, 14, 30, tzinfo=dt.UTC)
NAMED_FORMATS = ["DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"]
LANGUAGES = [code for code, _name in settings.LANGUAGES]


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
    assert text.startswith("7"), text


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
