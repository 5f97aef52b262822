"""Cells a spreadsheet will show as text, never run as a formula (CSV and formula injection).

Every CSV and XLSX file openimi writes passes its cells through here: names, addresses and
departments are typed by people of other authorities, and a text such as
``=HYPERLINK("http://…")`` or ``@SUM(…)`` opened in Excel or LibreOffice would run.

- CSV has no types, so a text that a spreadsheet would read as a formula gets an apostrophe
  in front (OWASP's advice): the program shows it as text; the apostrophe is visible in the
  file.
- XLSX has types: such a text is written as a string cell with the "quote prefix" style, so
  the value stays exactly as typed (the rollout table is imported again) and Excel and
  LibreOffice still show and keep it as text, where openpyxl on its own would store any text
  that starts with ``=`` as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable

from openimi.common.validators import strip_control_characters

# A spreadsheet starts a formula with these (OWASP's and ASVS 5.0 1.2.10's lists: = + - @ tab
# CR NUL, and line feed), and some read the full-width forms a Japanese or Chinese keyboard
# types as the same.
FORMULA_STARTS = (
    "=", "+", "-", "@", "\t", "\r", "\n", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20",
)  # fmt: skip


def is_formula_like(value: object) -> bool:
    """Whether a spreadsheet could take ``value`` for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> object:
    """``value`` for a CSV file: a formula-like text with an apostrophe in front; numbers,
    dates and other texts as they are."""
    return "'" + value if is_formula_like(value) else value


def csv_row(values: Iterable[object]) -> list[object]:
    """A row for ``csv.writer.writerow`` with every cell made safe."""
    return [csv_cell(value) for value in values]


def xlsx_append(sheet, values: Iterable[object]) -> None:
    """Append a row to an openpyxl worksheet; formula-like texts stay text (quote prefix).
    XML cannot hold C0 control characters (NUL, bell, …): they are dropped, where openpyxl
    would refuse the whole file."""
    values = [
        strip_control_characters(value) if isinstance(value, str) else value for value in values
    ]
    sheet.append(["" if is_formula_like(value) else value for value in values])
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if is_formula_like(value):
            cell = sheet.cell(row=row, column=column)
            # Past the value setter, which would make any text starting with "=" a formula.
            cell._value = value
            cell.data_type = "s"
            cell.quotePrefix = True
