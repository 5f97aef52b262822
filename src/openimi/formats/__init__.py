"""Date and time formats per interface language (``settings.FORMAT_MODULE_PATH``).

Django reads a format from ``openimi.formats.<lang>.formats`` first and falls back to its own
locale module for what a module leaves out. Two rules hold for every language:

- Dates follow the reader's locale with the month spelt, as CLDR writes a long date in that
  language (7 December 2026, 7. Dezember 2026, 7 grudnia 2026, 7 Δεκεμβρίου 2026,
  2026. december 7.); times use the 24-hour clock. Where a month is shown as a number, the
  order is the language's own (day first, or the year first where that is the convention:
  hu, lt, lv, sv), never the month first ("12/07/2026" is 7 December to some readers and
  12 July to others).
- ``<input type="date">`` only takes ISO dates (2026-12-07): the first input format is ISO, so
  a stored date is shown in the browser's date field instead of an empty one.

English and Dutch have modules of their own (``en/``, ``nl/``). Every other language gets its
module made here, from CLDR (through Babel) and Django's own locale module, when Django first
asks for it: no file per language to copy and keep in step.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys
import types
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import get_date_format

_PACKAGE = __name__
TIME = "H:i"
ISO_DATE = "%Y-%m-%d"
ISO_DATETIMES = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
DAY_FIRST_DATES = ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]

# CLDR date pattern letters (runs of one letter) -> Django format characters. The month in a
# date is the format context (MMMM: "grudnia" in Polish); Django calls it "E" and its
# stand-alone name (LLLL: "grudzień") "F".
_FIELDS = {
    "d": "j",
    "dd": "d",
    "M": "n",
    "MM": "m",
    "MMM": "M",
    "L": "n",
    "LL": "m",
    "LLL": "M",
    "LLLL": "F",
    "y": "Y",
    "yy": "Y",  # a two-digit year is ambiguous in records kept for years: always four
    "yyyy": "Y",
    "EEEE": "l",
    "E": "D",
    "EEE": "D",
}
_TOKEN = re.compile(r"'([^']*)'|([a-zA-Z])\2*|.", re.S)


def _escape(text: str) -> str:
    return "".join(f"\\{char}" if char.isalpha() else char for char in text)


def django_format(pattern: str, month: str = "E") -> str:
    """A CLDR date pattern ("d MMMM y 'г'.") as a Django format string ("j E Y \\г.")."""
    out = []
    for match in _TOKEN.finditer(pattern):
        token = match.group(0)
        if match.group(1) is not None:  # 'literal', and '' is a quote
            out.append(_escape(match.group(1)) if match.group(1) else "'")
        elif token[0].isalpha():
            out.append(month if token == "MMMM" else _FIELDS[token])
        else:
            out.append(token)
    return "".join(out)


def month_in_a_date(language: str) -> str:
    """ "E" where the language inflects the month inside a date (CLDR's format and stand-alone
    month names differ: Polish grudnia/grudzień, Greek Δεκεμβρίου/Δεκέμβριος), else "F"."""
    months = Locale.parse(language).months
    return "E" if months["format"]["wide"] != months["stand-alone"]["wide"] else "F"


def formats_for(language: str) -> dict[str, Any]:
    """The formats of a language that has no module of its own."""
    django = _django_module(language)
    numeric = django_format(get_date_format("short", locale=language).pattern)
    short_date = getattr(django, "SHORT_DATE_FORMAT", None) or numeric
    if "M" in short_date:  # Django's abbreviated months are English ones, title-cased
        short_date = numeric
    long_date = django_format(
        get_date_format("long", locale=language).pattern, month_in_a_date(language)
    )
    if django is None:
        # Django has no month names in this language (Maltese): a spelt date would carry
        # English month names, so dates stay numeric.
        long_date = numeric
    found: dict[str, Any] = {
        "DATE_FORMAT": long_date,
        "TIME_FORMAT": TIME,
        "DATETIME_FORMAT": f"{long_date}, {TIME}",
        "SHORT_DATE_FORMAT": short_date,
        "SHORT_DATETIME_FORMAT": f"{short_date} {TIME}",
        "DATE_INPUT_FORMATS": _unique(
            [ISO_DATE, *(getattr(django, "DATE_INPUT_FORMATS", None) or []), *DAY_FIRST_DATES]
        ),
        "DATETIME_INPUT_FORMATS": _unique(
            [*ISO_DATETIMES, *(getattr(django, "DATETIME_INPUT_FORMATS", None) or [])]
        ),
    }
    if django is None:  # a language Django has no formats for (Maltese): all from CLDR
        locale = Locale.parse(language)
        found.update(
            {
                "YEAR_MONTH_FORMAT": "F Y",
                "MONTH_DAY_FORMAT": "j F",
                "FIRST_DAY_OF_WEEK": (locale.first_week_day + 1) % 7,  # Django: 0 is Sunday
                "DECIMAL_SEPARATOR": locale.number_symbols["latn"]["decimal"],
                "THOUSAND_SEPARATOR": locale.number_symbols["latn"]["group"],
                "NUMBER_GROUPING": 3,
            }
        )
    return found


def _unique(items: list[str]) -> list[str]:
    """Each input format once, and none that reads the month first (Django's Swedish takes
    "%m/%d/%Y": "07/12/2026" would be 12 July)."""
    return [item for item in dict.fromkeys(items) if not item.startswith("%m")]


def _django_module(language: str) -> types.ModuleType | None:
    try:
        return importlib.import_module(f"django.conf.locale.{language}.formats")
    except ImportError:
        return None


def _known(language: str) -> bool:
    try:
        Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return False
    return True


class _Formats(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``openimi.formats.<lang>`` and its ``formats`` module for a language without a
    folder here (it comes after the ordinary finders, so ``en/`` and ``nl/`` stay theirs)."""

    def find_spec(self, fullname, path=None, target=None):
        parts = fullname.split(".")
        prefix = _PACKAGE.split(".")
        if parts[: len(prefix)] != prefix or len(parts) - len(prefix) not in (1, 2):
            return None
        language = parts[len(prefix)]
        if len(parts) == len(prefix) + 2 and parts[-1] != "formats":
            return None
        if not re.fullmatch(r"[a-z]{2,3}", language) or not _known(language):
            return None
        is_package = len(parts) == len(prefix) + 1
        return importlib.machinery.ModuleSpec(fullname, self, is_package=is_package)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        if module.__name__.endswith(".formats"):
            language = module.__name__.split(".")[-2]
            module.__dict__.update(formats_for(language))


if not any(isinstance(finder, _Formats) for finder in sys.meta_path):
    sys.meta_path.append(_Formats())
