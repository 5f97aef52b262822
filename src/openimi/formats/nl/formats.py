"""Dutch: Django's formats (7 december 2026, 7-12-2026), with ISO as the first input format."""

from django.conf.locale.nl import formats as _django

# Widgets write a date with the first input format; <input type="date"> takes only ISO.
DATE_INPUT_FORMATS = ["%Y-%m-%d", *_django.DATE_INPUT_FORMATS]
