"""Date and time formats per interface language (``settings.FORMAT_MODULE_PATH``).

Django reads a format from here first and falls back to its own locale module for what a
module leaves out. Two rules hold for every language:

- Dates read day, month, year (the users are European civil servants; "12/07/2026" is
  7 December to some of them and 12 July to others). Where a month is shown as a number the
  day comes first; the English formats spell the month.
- ``<input type="date">`` only takes ISO dates (2026-12-07): the first input format is ISO, so
  a stored date is shown in the browser's date field instead of an empty one.
"""
