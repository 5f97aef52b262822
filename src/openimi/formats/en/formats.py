"""English as written in the EU institutions: 7 December 2026, 14:30."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # ISO, what <input type="date"> sends and takes: first
    "%d/%m/%Y",  # 07/12/2026
    "%d-%m-%Y",  # 07-12-2026
    "%d.%m.%Y",  # 07.12.2026
    "%d %b %Y",  # 7 Dec 2026
    "%d %B %Y",  # 7 December 2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y %H:%M",
]
