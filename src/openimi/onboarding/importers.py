"""Reading a rollout table from CSV or XLSX, and checking each row.

The columns are the seed's (Bijlage 4), with Dutch or English headers in any order and any
case: "Afdeling, Wetten en regels van toepassing, Voor en achternaam, (funct.) Mailbox,
Rol(len)" or "Department, Laws and regulations, Name, Mailbox, Roles". Roles are separated by
"/", "," or ";" and may name an area in brackets ("Behandelaar (Diensten)"); without one, an
area role holds for every legislative area the authority works in. "Basisgebruiker" / "Basic
user" is accepted and means nothing more: every user is one. An optional "Language" / "Taal"
column gives a new user's language (its code or its name in any interface language,
"Deutsch", "German", "de"); without it a new user speaks the authority's language.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from openimi.accounts.models import Role
from openimi.common.archives import ArchiveError, check_office_archive
from openimi.common.errors import ApplicationError
from openimi.common.i18n import interface_language_named

# header (lower case, spaces squeezed) -> field
HEADERS = {
    "afdeling": "department",
    "department": "department",
    "wetten en regels van toepassing": "laws",
    "wetten en regels": "laws",
    "laws and regulations": "laws",
    "laws and regulations that apply": "laws",
    "voor en achternaam": "name",
    "voor- en achternaam": "name",
    "naam": "name",
    "name": "name",
    "(funct.) mailbox": "email",
    "(functionele) mailbox": "email",
    "mailbox": "email",
    "(functional) mailbox": "email",
    "e-mail": "email",
    "e-mail address": "email",
    "rol(len)": "roles_text",
    "rollen": "roles_text",
    "rol": "roles_text",
    "roles": "roles_text",
    "role(s)": "roles_text",
    "taal": "language",
    "language": "language",
}
REQUIRED = ("name", "email", "roles_text")

ROLE_NAMES = {
    "behandelaar": Role.REQUEST_HANDLER,
    "request handler": Role.REQUEST_HANDLER,
    "handler": Role.REQUEST_HANDLER,
    "toewijzer": Role.ALLOCATOR,
    "allocator": Role.ALLOCATOR,
    "toezichthouder": Role.SUPERVISOR,
    "supervisor": Role.SUPERVISOR,
    "lokale gegevensbeheerder": Role.LOCAL_DATA_ADMINISTRATOR,
    "gegevensbeheerder": Role.LOCAL_DATA_ADMINISTRATOR,
    "local data administrator": Role.LOCAL_DATA_ADMINISTRATOR,
    "basisgebruiker": "",
    "basic user": "",
}
# What saving and applying a row will do, as the preview shows it (``ParsedRow.match``).
MATCH_NEW = "new"  # no user of the authority has the address: a new account
MATCH_ADD_ROLES = "add_roles"  # an existing user gets the row's roles or department
MATCH_UNCHANGED = "unchanged"  # an existing user already has what the row gives

_ROLE_SPLIT = re.compile(r"\s*[/,;]\s*")
_ROLE_AREA = re.compile(r"^(?P<role>[^()]+?)\s*(?:\((?P<area>[^()]*)\))?$")


@dataclass
class ParsedRow:
    """One row of the file, as written (``line``: its line in the file, the header is 1)."""

    line: int
    department: str = ""
    laws: str = ""
    name: str = ""
    email: str = ""
    roles_text: str = ""
    language: str = ""  # after ``check_rows``: an interface language's code, if one is named
    roles: list[list[str | None]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Filled by ``selectors.rollout_check``: the existing user the address belongs to, and
    # warnings that do not stop the import (a new account with an existing user's name).
    match: str = MATCH_NEW
    existing_username: str = ""
    warnings: list[str] = field(default_factory=list)


def read_table(*, name: str, content: bytes) -> list[ParsedRow]:
    """The rows of a .csv or .xlsx file; ``ApplicationError`` when it cannot be read."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif lower.endswith(".csv"):
        rows = _csv_rows(content)
    else:
        raise ApplicationError(_("Choose a CSV or Excel (.xlsx) file."), field="file")
    rows = [[_cell(value) for value in row] for row in rows]
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        raise ApplicationError(_("The file is empty."), field="file")
    columns = [HEADERS.get(" ".join(header.lower().split())) for header in rows[0]]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ApplicationError(
            _(
                "The first row must name the columns: Department, Laws and regulations, Name, "
                "Mailbox and Roles (or in Dutch: Afdeling, Wetten en regels van toepassing, "
                "Voor en achternaam, (funct.) Mailbox, Rol(len))."
            ),
            field="file",
        )
    parsed = []
    for line, values in enumerate(rows[1:], start=2):
        if not any(values):
            continue
        row = ParsedRow(line=line)
        for column, value in zip(columns, values, strict=False):
            if column and not getattr(row, column):
                setattr(row, column, value)
        parsed.append(row)
    return parsed


def check_rows(
    rows: list[ParsedRow], *, areas: dict[str, str], area_names: dict[str, str]
) -> list[ParsedRow]:
    """Fill each row's ``roles`` and ``problems``. ``areas``: the codes of the areas the
    authority works in, by code; ``area_names``: every area's code by any of its names."""
    seen: dict[str, int] = {}
    for row in rows:
        row.problems = []
        row.email = row.email.strip()
        _check_text(row)
        if not row.name:
            row.problems.append(_("The name is missing."))
        try:
            validate_email(row.email)
        except ValidationError:
            row.problems.append(
                _("“%(email)s” is not a valid e-mail address.") % {"email": row.email}
                if row.email
                else _("The e-mail address is missing.")
            )
        else:
            key = row.email.lower()
            if key in seen:
                row.problems.append(
                    _("This e-mail address is also on line %(line)s: a person is there twice.")
                    % {"line": seen[key]}
                )
            else:
                seen[key] = row.line
        row.roles = _parse_roles(row, areas=areas, area_names=area_names)
        if row.language:
            code = interface_language_named(row.language)
            if code:
                row.language = code
            else:
                row.problems.append(
                    _("Unknown language: “%(language)s”.") % {"language": row.language}
                )
    return rows


# What the saved table and the users keep of each column (the user's first and last name
# hold 150 characters each, so a name no more than that fits whichever way it is split).
_LIMITS = {"department": 200, "name": 150, "email": 254, "roles_text": 300}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _check_text(row: ParsedRow) -> None:
    """Text pasted from elsewhere: control characters (a form feed from a PDF) and cells too
    long to keep are problems of the row, never a failure of the import."""
    labels = {
        "department": _("department"),
        "laws": _("laws and regulations"),
        "name": _("name"),
        "email": _("e-mail address"),
        "roles_text": _("roles"),
        "language": _("language"),
    }
    for column, label in labels.items():
        value = getattr(row, column)
        if _CONTROL.search(value):
            row.problems.append(
                _("The %(column)s contains a control character. Remove it from the file.")
                % {"column": label}
            )
        limit = _LIMITS.get(column)
        if limit is not None and len(value) > limit:
            row.problems.append(
                _("The %(column)s is too long: at most %(limit)s characters.")
                % {"column": label, "limit": limit}
            )


def _parse_roles(
    row: ParsedRow, *, areas: dict[str, str], area_names: dict[str, str]
) -> list[list[str | None]]:
    roles: list[list[str | None]] = []
    for part in _ROLE_SPLIT.split(row.roles_text.strip()):
        if not part:
            continue
        match = _ROLE_AREA.match(part)
        role_name = " ".join(match["role"].lower().split()) if match else part.lower()
        role = ROLE_NAMES.get(role_name)
        if role is None:
            row.problems.append(_("Unknown role: “%(role)s”.") % {"role": part})
            continue
        if role == "":
            continue
        if role == Role.LOCAL_DATA_ADMINISTRATOR:
            _add(roles, [role, None])
            continue
        wanted_area = (match["area"] or "").strip() if match else ""
        if wanted_area:
            code = area_names.get(wanted_area.lower())
            if code is None or code not in areas:
                row.problems.append(
                    _(
                        "Your authority does not work in the area “%(area)s”, so the role "
                        "“%(role)s” cannot be given in it."
                    )
                    % {"area": wanted_area, "role": Role(role).label}
                )
                continue
            _add(roles, [role, code])
        elif not areas:
            row.problems.append(
                _(
                    "Your authority works in no legislative area yet, so the role “%(role)s” "
                    "cannot be given. Choose its areas under Manage authority data first."
                )
                % {"role": Role(role).label}
            )
        else:
            for code in areas:
                _add(roles, [role, code])
    if not roles and not row.problems and not row.roles_text.strip():
        row.problems.append(_("The roles are missing."))
    return roles


def _add(roles: list[list[str | None]], role: list[str | None]) -> None:
    if role not in roles:
        roles.append(role)


def _cell(value) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


def _csv_rows(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _xlsx_rows(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    unreadable_message = _("The file could not be read as an Excel (.xlsx) file.")
    try:  # the structure and the unpacked size first (a zip bomb)
        check_office_archive(io.BytesIO(content), ".xlsx")
    except ArchiveError as refused:
        if refused.code != "not_the_type":
            raise
        raise ApplicationError(unreadable_message, field="file") from refused
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as unreadable:  # openpyxl raises many kinds for a damaged file
        raise ApplicationError(unreadable_message, field="file") from unreadable
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
