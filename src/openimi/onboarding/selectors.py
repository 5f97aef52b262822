"""Reads of onboarding: the rollout table and its checks, its export, the user's coordinators."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from openimi.authorities.models import AreaPreferences, Authority, LegislativeArea
from openimi.onboarding import importers
from openimi.onboarding.models import RolloutPlan, RolloutRow

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openimi.accounts.models import User


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
    return importers.check_rows(rows, areas=areas, area_names=area_names)


def rollout_plan_get(*, authority: Authority) -> RolloutPlan | None:
    return RolloutPlan.objects.filter(authority=authority).first()


def rollout_rows(*, authority: Authority) -> QuerySet[RolloutRow]:
    """The rows of the authority's table in order, with their users (one query)."""
    return (
        RolloutRow.objects.filter(plan__authority=authority)
        .select_related("user")
        .order_by("position", "pk")
    )


def export_headers() -> list[str]:
    return [_("Department"), _("Laws and regulations"), _("Name"), _("Mailbox"), _("Roles")]


def rollout_export(*, authority: Authority) -> bytes:
    """The rollout table as an Excel (.xlsx) file, headers in the reader's language; it can be
    imported again as it is."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Rollout table")[:31]
    sheet.append(export_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rollout_rows(authority=authority):
        sheet.append([row.department, row.laws, row.name, row.email, row.roles_text])
    for column, width in zip("ABCDE", (28, 36, 26, 32, 28), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def coordinators_of(*, user: User) -> list[Authority]:
    """The coordinators who supervise the user's authority (seed Bijlage 1: whom to contact
    when an authority abroad does not answer), from the directory's preferences."""
    if user.authority_id is None:
        return []
    ids = (
        AreaPreferences.objects.filter(
            authority_id=user.authority_id, supervising_coordinator__isnull=False
        )
        .values_list("supervising_coordinator_id", flat=True)
        .distinct()
    )
    return list(Authority.objects.filter(pk__in=list(ids)).select_related("country").order_by("pk"))


# The standard answer the basic rules (seed, Bijlage 2) quote: a reference-data code.
DATA_PROTECTION_ANSWER = "data_protection"


def standard_answer_text(*, code: str = DATA_PROTECTION_ANSWER) -> str:
    """The standard answer ``code`` in the reader's language, as the answer form offers it
    (empty when the question sets are not loaded)."""
    from openimi.exchange.models import StandardAnswer

    answer = StandardAnswer.objects.filter(code=code).first()
    return answer.text if answer is not None else ""
