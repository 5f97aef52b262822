"""Writes of onboarding: saving the rollout table, creating its users, ticking the checklist.

Users are created through the accounts' user-management service (``user_create``), so the
same rules hold as on Manage users: the policy, the checks of names and roles, the temporary
password by e-mail after the delay, the security log. Creating the users is idempotent by
e-mail address: a row whose address already belongs to a user of the authority gives that
user the roles of the row that they lack, and never a second account.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access.policy import Action
from openimi.accounts.models import RoleGrant, User
from openimi.accounts.users import services as user_services
from openimi.accounts.users.credentials import username_generate
from openimi.authorities.models import Authority, Country, LegislativeArea
from openimi.common.errors import ApplicationError
from openimi.common.i18n import interface_language
from openimi.common.validators import CONTROL_CHARACTERS, prohibit_control_characters
from openimi.onboarding import checklist, importers, selectors
from openimi.onboarding.models import (
    ChecklistTick,
    FaqPage,
    HelpdeskContact,
    RolloutPlan,
    RolloutRow,
)

if TYPE_CHECKING:
    from openimi.onboarding.importers import ParsedRow

ROW_FIELDS = ("line", "department", "laws", "name", "email", "roles_text", "language")


def rollout_import(*, actor: User, authority: Authority, rows: list[dict]) -> RolloutPlan:
    """Replace the authority's rollout table with ``rows`` (as the preview showed them).

    The rows are checked again; if any has a problem nothing is saved. Rows keep the user
    they were already linked to (by e-mail address), so importing the same table twice
    changes nothing.
    """
    with transaction.atomic():
        authority = Authority.objects.select_for_update().get(pk=authority.pk)
        policy.require(actor, Action.USER_MANAGE, authority)
        parsed = [
            importers.ParsedRow(**{name: row.get(name, "") for name in ROW_FIELDS}) for row in rows
        ]
        parsed = selectors.rollout_check(authority=authority, rows=parsed)
        if not parsed:
            raise ApplicationError(_("The table has no rows."), field="file")
        if any(row.problems for row in parsed):
            raise ApplicationError(
                _("Some rows have problems. Correct them in the file and upload it again."),
                field="file",
            )
        plan, _created = RolloutPlan.objects.select_for_update().get_or_create(authority=authority)
        linked = {row.email.lower(): row.user_id for row in plan.rows.all() if row.user_id}
        # A row whose address is an existing user's is that user from now on (the preview
        # said so): the table shows them, and applying gives them the row's roles.
        existing = selectors.users_by_email(
            authority=authority, emails=[row.email for row in parsed]
        )
        linked.update({email: user.pk for email, user in existing.items()})
        plan.rows.all().delete()
        RolloutRow.objects.bulk_create(
            RolloutRow(
                plan=plan,
                position=position,
                department=row.department,
                laws=row.laws,
                name=row.name,
                email=row.email,
                roles_text=row.roles_text,
                language=row.language,
                roles=row.roles,
                user_id=linked.get(row.email.lower()),
            )
            for position, row in enumerate(parsed)
        )
        plan.imported_by, plan.imported_at = actor, timezone.now()
        plan.apply_total, plan.apply_done = len(parsed), 0
        plan.save(
            update_fields=["imported_by", "imported_at", "apply_total", "apply_done", "updated_at"]
        )
    return plan


@dataclass
class ApplyResult:
    created: list[User] = field(default_factory=list)
    updated: list[User] = field(default_factory=list)
    unchanged: list[User] = field(default_factory=list)
    failed: list[tuple[RolloutRow, str]] = field(default_factory=list)


def rollout_apply(
    *, actor: User, authority: Authority, batch_size: int | None = None
) -> ApplyResult:
    """Create the users of the rollout table with their roles, in batches.

    Each batch is one transaction that locks the plan and records how many rows are done
    (``apply_done`` of ``apply_total``), so a long table shows its progress and a failure
    keeps what earlier batches did. Running it again creates nothing twice.
    """
    batch_size = batch_size or settings.ONBOARDING_APPLY_BATCH_SIZE
    with transaction.atomic():
        authority = Authority.objects.select_for_update().get(pk=authority.pk)
        policy.require(actor, Action.USER_MANAGE, authority)
        plan = RolloutPlan.objects.select_for_update().filter(authority=authority).first()
        if plan is None or not plan.rows.exists():
            raise ApplicationError(_("Import the rollout table first."))
        row_ids = list(plan.rows.order_by("position", "pk").values_list("pk", flat=True))
        plan.apply_total, plan.apply_done = len(row_ids), 0
        plan.save(update_fields=["apply_total", "apply_done", "updated_at"])
    result = ApplyResult()
    areas = {area.code: area for area in LegislativeArea.objects.all()}
    for start in range(0, len(row_ids), batch_size):
        with transaction.atomic():
            plan = RolloutPlan.objects.select_for_update().get(pk=plan.pk)
            policy.require(actor, Action.USER_MANAGE, authority)
            batch = RolloutRow.objects.select_for_update().filter(
                pk__in=row_ids[start : start + batch_size]
            )
            for row in batch.order_by("position", "pk"):
                _apply_row(actor=actor, authority=authority, row=row, areas=areas, result=result)
            plan.apply_done = min(start + batch_size, len(row_ids))
            fields = ["apply_done", "updated_at"]
            if plan.apply_done == len(row_ids):
                plan.applied_by, plan.applied_at = actor, timezone.now()
                fields += ["applied_by", "applied_at"]
            plan.save(update_fields=fields)
    return result


def _apply_row(*, actor, authority, row: RolloutRow, areas, result: ApplyResult) -> None:
    wanted = [
        (role, areas[code] if code else None)
        for role, code in row.roles
        if not code or code in areas
    ]
    department = " ".join(row.department.split())
    existing = selectors.users_by_email(authority=authority, emails=[row.email]).get(
        row.email.lower()
    )
    try:
        with transaction.atomic():
            if existing is None:
                first_name, last_name = _person_names(row.name, authority)
                mailbox = len(row.name.split()) == 1
                user = user_services.user_create(
                    actor=actor,
                    authority=authority,
                    first_name=first_name,
                    last_name=last_name,
                    language=interface_language(row.language) or _language(authority),
                    email=row.email,
                    phone="",
                    department=department,
                    roles=wanted,
                    # A mailbox's user name is its name alone: publieksbalie.
                    username=username_generate(first_name, "") if mailbox else None,
                )
                result.created.append(user)
            else:
                user = existing
                held = [
                    (grant.role, grant.area)
                    for grant in RoleGrant.objects.filter(user=user).select_related("area")
                ]
                held_keys = {(role, area.pk if area else None) for role, area in held}
                missing = [
                    (role, area)
                    for role, area in wanted
                    if (role, area.pk if area else None) not in held_keys
                ]
                if department and department != user.department:
                    # The table names where the user works: it becomes their department.
                    user_services.user_update(
                        actor=actor,
                        user=user,
                        first_name=user.first_name,
                        last_name=user.last_name,
                        language=user.language,
                        email=user.email,
                        phone=user.phone,
                        department=department,
                        roles=held + missing if missing else None,
                    )
                    result.updated.append(user)
                elif missing:
                    user_services.user_roles_set(actor=actor, user=user, roles=held + missing)
                    result.updated.append(user)
                else:
                    result.unchanged.append(user)
    except ApplicationError as refused:
        result.failed.append((row, refused.message))
        return
    if row.user_id != user.pk:
        row.user = user
        row.save(update_fields=["user"])


def _person_names(name: str, authority: Authority) -> tuple[str, str]:
    """ "Pieter de Kort" → ("Pieter", "de Kort"); a functional mailbox, one word, see
    ``mailbox_names``."""
    first, _space, last = " ".join(name.split()).partition(" ")
    if last:
        return first, last
    return mailbox_names(first, authority)


def mailbox_names(name: str, authority: Authority) -> tuple[str, str]:
    """A functional mailbox ("Publieksbalie") is no person: its name is the first name and
    the authority's town (or, without one, its name) the last name, so that it reads
    "Publieksbalie Oeteldonk" in lists, as the demo's mailboxes do; its user name is the
    mailbox's name alone (``publieksbalie``)."""
    return name, _mailbox_last_name(authority)


def _mailbox_last_name(authority: Authority) -> str:
    return (
        " ".join(authority.city.split())
        or " ".join(authority.informal_title.split())
        or authority.official_name
    )


def _language(authority: Authority) -> str:
    return interface_language(authority.language_id) or settings.LANGUAGE_CODE


def checklist_tick(*, actor: User, authority: Authority, item: str, done: bool) -> None:
    """Tick (or untick) an item of the checklist that is ticked by hand; remembers who."""
    if item not in checklist.MANUAL_ITEMS:
        raise ApplicationError(_("This item is ticked by openimi itself."))
    with transaction.atomic():
        authority = Authority.objects.select_for_update().get(pk=authority.pk)
        policy.require(actor, Action.USER_MANAGE, authority)
        tick = ChecklistTick.objects.select_for_update().filter(authority=authority, item=item)
        if not done:
            tick.delete()
            return
        if not tick.exists():
            ChecklistTick.objects.create(
                authority=authority, item=item, ticked_by=actor, ticked_at=timezone.now()
            )


def parsed_as_dicts(rows: list[ParsedRow]) -> list[dict]:
    """The raw cells of parsed rows, to carry from the preview to the import."""
    return [{name: getattr(row, name) for name in ROW_FIELDS} for row in rows]


# --- Help that the network maintains (issue 19, item 7) --------------------------------------
# A country's helpdesk contact: HELP_MANAGE with the country (the network administrator, or the
# local data administrators of that country's national coordinator). FAQ pages: HELP_MANAGE
# without an object (the network administrator).

HELPDESK_NAME_MAX = 200
HELPDESK_NOTE_MAX = 2000
FAQ_TITLE_MAX = 200
FAQ_BODY_MAX = 20000


def _texts(texts: dict[str, str], *, field: str, max_length: int) -> dict[str, str]:
    """``texts`` without empty entries, each in an interface language and not too long."""
    kept = {}
    for language, text in texts.items():
        text = (text or "").strip()
        if not text:
            continue
        if not interface_language(language):
            raise ApplicationError(_("Unknown language: %(code)s") % {"code": language})
        if len(text) > max_length:
            raise ApplicationError(
                _("Write at most %(max)s characters.") % {"max": max_length}, field=field
            )
        if CONTROL_CHARACTERS.search(text):
            raise ApplicationError(str(prohibit_control_characters.message), field=field)
        kept[language] = text
    return kept


def helpdesk_contact_save(
    *,
    actor: User,
    country: Country,
    names: dict[str, str],
    email: str = "",
    phone: str = "",
    website: str = "",
    notes: dict[str, str] | None = None,
) -> HelpdeskContact:
    """Create or change ``country``'s national helpdesk. It needs a name in English and an
    e-mail address or a telephone number (a user who cannot log in must reach it)."""
    names = _texts(names, field="names", max_length=HELPDESK_NAME_MAX)
    notes = _texts(notes or {}, field="notes", max_length=HELPDESK_NOTE_MAX)
    if not names.get("en"):
        raise ApplicationError(_("Enter the name of the helpdesk in English."), field="name_en")
    if not email and not phone:
        raise ApplicationError(
            _("Enter an e-mail address or a telephone number of the helpdesk."), field="email"
        )
    with transaction.atomic():
        Country.objects.select_for_update().get(pk=country.pk)
        policy.require(actor, Action.HELP_MANAGE, country)
        contact = HelpdeskContact.objects.filter(country=country).first() or HelpdeskContact(
            country=country
        )
        values = {"names": names, "notes": notes, "email": email, "phone": phone}
        values["website"] = website
        if contact.pk and all(getattr(contact, name) == value for name, value in values.items()):
            return contact  # saved unchanged: nothing changes, not even who saved it last
        for name, value in values.items():
            setattr(contact, name, value)
        contact.updated_by = actor
        contact.full_clean(exclude=["country", "updated_by"])
        contact.save()
    return contact


def helpdesk_contact_delete(*, actor: User, country: Country) -> None:
    """Remove ``country``'s helpdesk contact (the help pages then name none)."""
    with transaction.atomic():
        Country.objects.select_for_update().get(pk=country.pk)
        policy.require(actor, Action.HELP_MANAGE, country)
        HelpdeskContact.objects.filter(country=country).delete()


def _faq_locked(faq_page: FaqPage) -> FaqPage:
    return FaqPage.objects.select_for_update().get(pk=faq_page.pk)


def _faq_slug_free(slug: str, *, pk: int | None) -> None:
    others = FaqPage.objects.filter(slug=slug)
    if pk is not None:
        others = others.exclude(pk=pk)
    if others.exists():
        raise ApplicationError(
            _("Another FAQ page already has this address. Choose another."), field="slug"
        )


def _faq_text(title: str, body: str) -> tuple[str, str]:
    title, body = title.strip(), body.strip()
    _texts({"en": title}, field="title", max_length=FAQ_TITLE_MAX)
    _texts({"en": body}, field="body", max_length=FAQ_BODY_MAX)
    return title, body


def faq_page_create(*, actor: User, slug: str, title: str, body: str) -> FaqPage:
    """A new FAQ page with its English text, last in the list and not yet published (the
    administrator publishes it when it is ready, usually after the translations)."""
    title, body = _faq_text(title, body)
    if not title or not body:
        raise ApplicationError(_("Enter the title and the text in English."), field="title")
    with transaction.atomic():
        policy.require(actor, Action.HELP_MANAGE, None)
        _faq_slug_free(slug, pk=None)
        last = FaqPage.objects.order_by("-position").values_list("position", flat=True).first()
        page = FaqPage(
            slug=slug,
            titles={"en": title},
            bodies={"en": body},
            revised={"en": timezone.now().isoformat()},
            position=(last or 0) + 1,
            is_published=False,
        )
        page.full_clean()
        page.save()
    return page


def faq_page_text_save(
    *, actor: User, faq_page: FaqPage, language: str, title: str, body: str, slug: str = ""
) -> FaqPage:
    """Save the page's text in ``language``. English is required; in another language an
    empty title and text remove the translation (readers then get the English text). The
    address (``slug``) changes with the English text only."""
    if not interface_language(language):
        raise ApplicationError(_("Unknown language: %(code)s") % {"code": language})
    title, body = _faq_text(title, body)
    if (language == "en" or title or body) and not (title and body):
        raise ApplicationError(_("Enter both the title and the text."), field="title")
    with transaction.atomic():
        page = _faq_locked(faq_page)
        policy.require(actor, Action.HELP_MANAGE, None)
        changed = ["titles", "bodies", "revised", "updated_at"]
        if language == "en" and slug and slug != page.slug:
            _faq_slug_free(slug, pk=page.pk)
            page.slug = slug
            changed.append("slug")
        if page.titles.get(language, "") == title and page.bodies.get(language, "") == body:
            if "slug" in changed:
                page.full_clean()
                page.save(update_fields=["slug", "updated_at"])
            return page
        for texts, text in ((page.titles, title), (page.bodies, body)):
            if text:
                texts[language] = text
            else:
                texts.pop(language, None)
        if title:
            page.revised[language] = timezone.now().isoformat()
        else:
            page.revised.pop(language, None)
        page.full_clean()
        page.save(update_fields=changed)
    return page


def faq_page_publish(*, actor: User, faq_page: FaqPage, published: bool) -> FaqPage:
    """Show the page to everyone (``published``) or take it off the public FAQ."""
    with transaction.atomic():
        page = _faq_locked(faq_page)
        policy.require(actor, Action.HELP_MANAGE, None)
        if page.is_published != published:
            page.is_published = published
            page.save(update_fields=["is_published", "updated_at"])
    return page


def faq_page_move(*, actor: User, faq_page: FaqPage, up: bool) -> FaqPage:
    """Move the page one place up or down the list (the order readers see)."""
    with transaction.atomic():
        policy.require(actor, Action.HELP_MANAGE, None)
        pages = list(FaqPage.objects.select_for_update().order_by("position", "pk"))
        index = next(i for i, page in enumerate(pages) if page.pk == faq_page.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(pages):
            pages[index], pages[other] = pages[other], pages[index]
        for position, page in enumerate(pages, start=1):
            if page.position != position:
                page.position = position
                page.save(update_fields=["position", "updated_at"])
        moved = pages[other if 0 <= other < len(pages) else index]
    return moved


# --- The first FAQ pages (reference data) -----------------------------------------------------

FIRST_FAQ_PAGES = Path(__file__).resolve().parent / "reference" / "faq.json"


def faq_first_pages_load(faq_page_model: Any = None) -> int:
    """Create the first FAQ pages (login problems, supported browsers) where no page has their
    address, so that the network administrator's edits are never overwritten; returns how many
    were created. Run by ``openimi load_reference`` and by migration ``onboarding 0003``
    (which passes its historical model)."""
    from openimi.onboarding.models import FaqPage

    model = faq_page_model or FaqPage
    created = 0
    for page in json.loads(FIRST_FAQ_PAGES.read_text(encoding="utf-8")):
        _page, made = model.objects.get_or_create(
            slug=page["slug"],
            defaults={
                "position": page["position"],
                "titles": page["titles"],
                "bodies": page["bodies"],
                "revised": {},
                "is_published": True,
            },
        )
        created += made
    return created
