"""Reads of onboarding: the rollout table and its checks, its export, the user's coordinators."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower
from django.utils.translation import gettext as _

from openimi.accounts.models import RoleGrant
from openimi.accounts.models import User as UserModel
from openimi.authorities.models import Authority, Country, LegislativeArea
from openimi.common.i18n import endonym, sorted_by_name
from openimi.common.spreadsheets import xlsx_append
from openimi.onboarding import importers
from openimi.onboarding.models import FaqPage, HelpdeskContact, RolloutPlan, RolloutRow

if TYPE_CHECKING:
    from django.db.models import QuerySet


def rollout_check(
    *, authority: Authority, rows: list[importers.ParsedRow]
) -> list[importers.ParsedRow]:
    """The rows with their roles resolved and their problems listed (nothing is saved)."""
    own = set(authority.preferences.values_list("area__code", flat=True))
    area_names: dict[str, str] = {}
    for area in LegislativeArea.objects.all():
        area_names[area.code.lower()] = area.code
        for name in area.names.values():
            area_names[name.lower()] = area.code
    areas = {code: code for code in sorted(own)}
    rows = importers.check_rows(rows, areas=areas, area_names=area_names)
    _match_existing_users(authority=authority, rows=rows)
    return rows


def current_user_list(*, authority: Authority) -> QuerySet[UserModel]:
    """The authority's users who can log in or will (pending): the ones a row can be."""
    return UserModel.objects.filter(authority=authority, is_active=True).exclude(
        status=UserModel.Status.INACTIVE
    )


def users_by_email(*, authority: Authority, emails) -> dict[str, UserModel]:
    """The authority's current users by e-mail address in lower case (the oldest account
    where two share an address)."""
    wanted = {email.lower() for email in emails if email}
    found: dict[str, UserModel] = {}
    users = (
        current_user_list(authority=authority)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=wanted)
        .order_by("-pk")
    )
    for user in users:
        found[user.email_lower] = user
    return found


def _match_existing_users(*, authority: Authority, rows: list[importers.ParsedRow]) -> None:
    """Say per row whether its address is an existing user (who gets the row's roles and
    department) or a new account, and warn where a new account has an existing user's name:
    the same person under another address would otherwise get a second account."""
    by_email = users_by_email(authority=authority, emails=[row.email for row in rows])
    held: dict[int, set[tuple[str, str | None]]] = {user.pk: set() for user in by_email.values()}
    for user_id, role, code in RoleGrant.objects.filter(user_id__in=list(held)).values_list(
        "user_id", "role", "area__code"
    ):
        held[user_id].add((role, code))
    # A person by full name; a functional mailbox ("Publieksbalie", one word) by first name,
    # as the demo's "Publieksbalie Oeteldonk".
    names = {" ".join(row.name.lower().split()) for row in rows if row.name}
    words = {name for name in names if " " not in name}
    same_name: dict[str, list[UserModel]] = {}
    for namesake in (
        current_user_list(authority=authority)
        .annotate(
            full=Lower(Concat("first_name", Value(" "), "last_name")),
            first=Lower("first_name"),
        )
        .filter(Q(full__in=names) | Q(first__in=words))
        .order_by("pk")
    ):
        for key in {namesake.full, namesake.first} & names:
            same_name.setdefault(key, []).append(namesake)
    for row in rows:
        row.warnings = []
        user = by_email.get(row.email.lower())
        if user is not None:
            row.existing_username = user.username
            wanted = {(role, code) for role, code in row.roles}
            department = " ".join(row.department.split())
            if wanted <= held[user.pk] and (not department or department == user.department):
                row.match = importers.MATCH_UNCHANGED
            else:
                row.match = importers.MATCH_ADD_ROLES
            continue
        row.match, row.existing_username = importers.MATCH_NEW, ""
        for other in same_name.get(" ".join(row.name.lower().split()), []):
            row.warnings.append(
                _(
                    "%(name)s already has an account (%(username)s, %(email)s) with another "
                    "e-mail address. Saving creates a second account. If it is the same "
                    "person, put that address in the table."
                )
                % {"name": row.name, "username": other.username, "email": other.email}
            )


def rollout_plan_get(*, authority: Authority) -> RolloutPlan | None:
    return RolloutPlan.objects.filter(authority=authority).first()


def rollout_row_list(*, authority: Authority) -> QuerySet[RolloutRow]:
    """The rows of the authority's table in order, with their users (one query)."""
    return (
        RolloutRow.objects.filter(plan__authority=authority)
        .select_related("user")
        .order_by("position", "pk")
    )


def export_headers() -> list[str]:
    """The column headers in the reader's language; the import reads them in every language."""
    return [str(label) for _column, label in importers.COLUMNS]


def rollout_export(*, authority: Authority) -> bytes:
    """The rollout table as an Excel (.xlsx) file, headers in the reader's language; it can be
    imported again as it is."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Rollout table")[:31]
    xlsx_append(sheet, export_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rollout_row_list(authority=authority):
        xlsx_append(
            sheet,
            [
                row.department,
                row.laws,
                row.name,
                row.email,
                row.roles_text,
                endonym(row.language) if row.language else "",
            ],
        )
    for column, width in zip("ABCDEF", (28, 36, 26, 32, 28, 16), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# The standard answer the basic rules (seed, Bijlage 2) quote: a reference-data code.
DATA_PROTECTION_ANSWER = "data_protection"


def standard_answer_text(*, code: str = DATA_PROTECTION_ANSWER) -> str:
    """The standard answer ``code`` in the reader's language, as the answer form offers it
    (empty when the question sets are not loaded)."""
    from openimi.exchange.models import StandardAnswer

    answer = StandardAnswer.objects.filter(code=code).first()
    return answer.text if answer is not None else ""


# --- Help that the network maintains (public reads: no policy, nothing personal) -------------


def helpdesk_contact_get(*, country_code: str | None) -> HelpdeskContact | None:
    """The national helpdesk of the country ``country_code``, if it has one."""
    if not country_code:
        return None
    return HelpdeskContact.objects.filter(country_id=country_code).first()


def helpdesk_contact_list(*, country_codes: list[str] | None = None) -> list[HelpdeskContact]:
    """The helpdesks (of ``country_codes``; ``None``: of every country), sorted by the
    country's name in the reader's language."""
    contacts = HelpdeskContact.objects.select_related("country")
    if country_codes is not None:
        contacts = contacts.filter(country_id__in=country_codes)
    return sorted_by_name(contacts, lambda contact: contact.country.name)


def helpdesk_country_list(*, country_codes: list[str] | None = None) -> list[Country]:
    """The countries (of ``country_codes``; ``None``: all) with ``contact`` set to their
    helpdesk or ``None``, sorted by name in the reader's language (two queries)."""
    countries = Country.objects.all()
    if country_codes is not None:
        countries = countries.filter(pk__in=country_codes)
    contacts = {contact.country_id: contact for contact in HelpdeskContact.objects.all()}
    found = sorted_by_name(countries, lambda country: country.name)
    for country in found:
        country.contact = contacts.get(country.pk)  # type: ignore[attr-defined]
    return found


def faq_page_list(*, published_only: bool = True) -> QuerySet[FaqPage]:
    """The FAQ pages in the order the network administrator gave them."""
    pages = FaqPage.objects.order_by("position", "pk")
    return pages.filter(is_published=True) if published_only else pages


def faq_page_get(*, slug: str) -> FaqPage | None:
    """A published FAQ page by its address."""
    return FaqPage.objects.filter(slug=slug, is_published=True).first()
