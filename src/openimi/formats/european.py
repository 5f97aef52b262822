"""The formats of an interface language without a module of its own here: Django's, held to
the two rules of ``openimi.formats`` (day before month, ISO first among the input formats).

Django's modules for some languages (Bulgarian, Estonian, Irish, Icelandic) leave formats out,
and Maltese has none: Django then falls back to its global, American defaults ("Dec. 7, 2026,
2:30 p.m.", "12/07/2026", and "%m/%d/%Y" among the input formats, which reads 07/12/2026 as
12 July). What is missing or puts the month first becomes day-first and 24-hour; what a
language writes with the year first (Hungarian, Lithuanian, Latvian, Swedish ISO dates) is
unambiguous and stays.
"""

from importlib import import_module
from types import ModuleType

ISO_DATE = "%Y-%m-%d"
ISO_DATETIMES = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
# Read in every language, after its own: 07/12/2026, 07-12-2026, 07.12.2026 are 7 December.
DAY_FIRST_DATES = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
DAY_FIRST_DATETIMES = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d.%m.%Y %H:%M", "%d-%m-%Y %H:%M"]

_DAY, _MONTH, _YEAR = set("dj"), set("FNMmnbE"), set("Yy")
_TWELVE_HOUR = set("aAPgh")


def _django(language: str) -> ModuleType | None:
    try:
        return import_module(f"django.conf.locale.{language}.formats")
    except ImportError:
        return None


def _letters(fmt: str) -> list[tuple[int, str]]:
    """The format characters of ``fmt`` with their places (a backslash escapes a letter)."""
    found, escaped = [], False
    for index, char in enumerate(fmt):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            found.append((index, char))
    return found


def _first(fmt: str, letters: set[str]) -> int:
    return next((index for index, char in _letters(fmt) if char in letters), len(fmt))


def _unambiguous(fmt: str | None) -> bool:
    """Day before month, or the year first; never a weekday first; a 24-hour clock."""
    if not fmt or fmt[0] in "lD":
        return False
    if {char for _, char in _letters(fmt)} & _TWELVE_HOUR:
        return False
    year, month, day = _first(fmt, _YEAR), _first(fmt, _MONTH), _first(fmt, _DAY)
    return year < month or day < month


def _unpadded(fmt: str) -> str:
    """ "d F Y" → "j F Y": a spelled month takes the day without a leading zero."""
    return "j" + fmt[1:] if fmt.startswith("d") and set(fmt) & set("FNME") else fmt


def _inputs(own: list[str] | None, iso: list[str], day_first: list[str]) -> list[str]:
    found: list[str] = []
    for fmt in [*iso, *(own or []), *day_first]:
        if fmt not in found and not fmt.startswith("%m"):
            found.append(fmt)
    return found


def formats_for(language: str) -> dict:
    """The format settings of ``language`` (a module's globals)."""
    module = _django(language)

    def own(name: str):
        return getattr(module, name, None) if module else None

    date_format = own("DATE_FORMAT")
    date_format = _unpadded(date_format) if _unambiguous(date_format) else "j F Y"
    time_format = own("TIME_FORMAT") if _unambiguous(own("TIME_FORMAT") or "x") else "H:i"
    datetime_format = own("DATETIME_FORMAT")
    if not _unambiguous(datetime_format):
        datetime_format = f"{date_format} {time_format}"
    short_date = own("SHORT_DATE_FORMAT")
    short_date = short_date if _unambiguous(short_date) else "j.n.Y"
    short_datetime = own("SHORT_DATETIME_FORMAT")
    if not _unambiguous(short_datetime):
        short_datetime = f"{short_date} {time_format}"
    return {
        "DATE_FORMAT": date_format,
        "TIME_FORMAT": time_format,
        "DATETIME_FORMAT": _unpadded(datetime_format),
        "SHORT_DATE_FORMAT": short_date,
        "SHORT_DATETIME_FORMAT": short_datetime,
        "YEAR_MONTH_FORMAT": own("YEAR_MONTH_FORMAT") or "F Y",
        "MONTH_DAY_FORMAT": own("MONTH_DAY_FORMAT") or "j F",
        "FIRST_DAY_OF_WEEK": own("FIRST_DAY_OF_WEEK")
        if own("FIRST_DAY_OF_WEEK") is not None
        else 1,
        "DATE_INPUT_FORMATS": _inputs(own("DATE_INPUT_FORMATS"), [ISO_DATE], DAY_FIRST_DATES),
        "DATETIME_INPUT_FORMATS": _inputs(
            own("DATETIME_INPUT_FORMATS"), ISO_DATETIMES, DAY_FIRST_DATETIMES
        ),
    }
