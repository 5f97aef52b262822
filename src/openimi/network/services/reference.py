"""The network administrator's reference data (issue 19): legislative areas, their keywords and
policy areas, managed in pages instead of only from the fixtures.

Every write checks ``Action.NETWORK_ADMINISTER``, runs in one transaction and moves the
directory's content cache version (names of areas, keywords and policy areas are cached in
the directory's pages). A row in use is never deleted: authorities, grants, question sets,
requests and requests to join point at an area; authorities' preferences at a keyword.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import ForeignObjectRel
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access.actions import Action
from openimi.authorities.models import Keyword, LegislativeArea, PolicyArea
from openimi.common import content_cache
from openimi.common.errors import ApplicationError

if TYPE_CHECKING:
    from openimi.accounts.models import User


class ReferenceInUseError(ApplicationError):
    """The row is referred to and cannot be deleted."""


def installation_languages() -> list[str]:
    """The languages a name may be given in; English first (it is required)."""
    codes = [code for code, _name in settings.LANGUAGES]
    return ["en", *(code for code in codes if code != "en")]


def clean_names(names: dict[str, str]) -> dict[str, str]:
    """Names of the installation's languages, trimmed, the empty ones left out; English
    required."""
    wanted = set(installation_languages())
    cleaned = {
        code: text.strip()
        for code, text in names.items()
        if code in wanted and isinstance(text, str) and text.strip()
    }
    if not cleaned.get("en"):
        raise ApplicationError(_("Enter the name in English."), field="name_en")
    return cleaned


def _next_position(queryset: models.QuerySet) -> int:
    last = queryset.aggregate(last=models.Max("position"))["last"]
    return (last or 0) + 1


def _uses(obj: models.Model, *, skip: tuple[type[models.Model], ...] = ()) -> int:
    """How many rows point at ``obj`` (foreign keys and many-to-many, hidden ones included)."""
    total = 0
    for relation in obj._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel):
            continue
        related = relation.related_model
        if related is None or related in skip:
            continue
        total += related._default_manager.filter(**{relation.field.name: obj}).count()
    return total


# --- Legislative areas ------------------------------------------------------------------------


def area_create(*, actor: User, code: str, names: dict[str, str]) -> LegislativeArea:
    """A new legislative area, placed after the others."""
    with transaction.atomic():
        policy.require(actor, Action.NETWORK_ADMINISTER)
        if LegislativeArea.objects.filter(code=code).exists():
            raise ApplicationError(_("An area with this code exists already."), field="code")
        area = LegislativeArea.objects.create(
            code=code,
            names=clean_names(names),
            position=_next_position(LegislativeArea.objects.all()),
        )
        content_cache.changed(directory=True)
    return area


def area_update(
    *, actor: User, area: LegislativeArea, names: dict[str, str], position: int
) -> LegislativeArea:
    """Change an area's names and its place in the lists."""
    with transaction.atomic():
        area = LegislativeArea.objects.select_for_update().get(pk=area.pk)
        policy.require(actor, Action.NETWORK_ADMINISTER)
        area.names = clean_names(names)
        area.position = position
        area.save(update_fields=["names", "position"])
        content_cache.changed(directory=True)
    return area


def area_delete(*, actor: User, area: LegislativeArea) -> None:
    """Delete an area nobody uses (its unused keywords go with it)."""
    with transaction.atomic():
        area = LegislativeArea.objects.select_for_update().get(pk=area.pk)
        policy.require(actor, Action.NETWORK_ADMINISTER)
        keywords = Keyword.objects.filter(area=area)
        if _uses(area, skip=(Keyword,)) or any(_uses(keyword) for keyword in keywords):
            raise ReferenceInUseError(
                _(
                    "This area is in use (by authorities, role grants, question sets, requests "
                    "or requests to join) and cannot be deleted."
                )
            )
        keywords.delete()
        area.delete()
        content_cache.changed(directory=True)


# --- Keywords ---------------------------------------------------------------------------------


def keyword_create(
    *, actor: User, area: LegislativeArea, code: str, names: dict[str, str]
) -> Keyword:
    """A new keyword of competence in ``area``, placed after its others."""
    with transaction.atomic():
        policy.require(actor, Action.NETWORK_ADMINISTER)
        if Keyword.objects.filter(area=area, code=code).exists():
            raise ApplicationError(
                _("This area has a keyword with this code already."), field="code"
            )
        keyword = Keyword.objects.create(
            area=area,
            code=code,
            names=clean_names(names),
            position=_next_position(Keyword.objects.filter(area=area)),
        )
        content_cache.changed(directory=True)
    return keyword


def keyword_update(
    *, actor: User, keyword: Keyword, names: dict[str, str], position: int
) -> Keyword:
    """Change a keyword's names and its place among its area's keywords."""
    with transaction.atomic():
        keyword = Keyword.objects.select_for_update().get(pk=keyword.pk)
        policy.require(actor, Action.NETWORK_ADMINISTER)
        keyword.names = clean_names(names)
        keyword.position = position
        keyword.save(update_fields=["names", "position"])
        content_cache.changed(directory=True)
    return keyword


def keyword_delete(*, actor: User, keyword: Keyword) -> None:
    """Delete a keyword no authority has chosen among its preferences."""
    with transaction.atomic():
        keyword = Keyword.objects.select_for_update().get(pk=keyword.pk)
        policy.require(actor, Action.NETWORK_ADMINISTER)
        if _uses(keyword):
            raise ReferenceInUseError(
                _("Authorities have chosen this keyword; it cannot be deleted.")
            )
        keyword.delete()
        content_cache.changed(directory=True)


# --- Policy areas -----------------------------------------------------------------------------


def policy_area_create(*, actor: User, code: str, names: dict[str, str]) -> PolicyArea:
    """A new policy area, placed after the others."""
    with transaction.atomic():
        policy.require(actor, Action.NETWORK_ADMINISTER)
        if PolicyArea.objects.filter(code=code).exists():
            raise ApplicationError(_("A policy area with this code exists already."), field="code")
        policy_area = PolicyArea.objects.create(
            code=code,
            names=clean_names(names),
            position=_next_position(PolicyArea.objects.all()),
        )
        content_cache.changed(directory=True)
    return policy_area


def policy_area_update(
    *, actor: User, policy_area: PolicyArea, names: dict[str, str], position: int
) -> PolicyArea:
    """Change a policy area's names and its place in the lists."""
    with transaction.atomic():
        policy_area = PolicyArea.objects.select_for_update().get(pk=policy_area.pk)
        policy.require(actor, Action.NETWORK_ADMINISTER)
        policy_area.names = clean_names(names)
        policy_area.position = position
        policy_area.save(update_fields=["names", "position"])
        content_cache.changed(directory=True)
    return policy_area
