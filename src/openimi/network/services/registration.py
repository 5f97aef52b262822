"""Registering authorities and deciding requests to join (issue 19; seed 1.1 and Bijlage 1).

- ``authority_register``: a coordinator of the country (through its local data
  administrators) or the network administrator registers an authority with its legislative
  areas, the supervising coordinator of each, and its first local data administrator, who
  gets the usual temporary-password e-mail (``users.services.user_create_first_administrator``).
  Given a pending ``join_request``, the same call validates it.
- ``join_request_submit``: the public form "Ask to join" (no actor); the coordinators'
  local data administrators of that country are told, or the network administrators when
  the country has none.
- ``join_request_decline``: with a reason, e-mailed to the applicant's general address.

Every write is one transaction with an ``AuthorityEvent``; a request to join is locked
before it is decided, so deciding it twice registers no second authority.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access.policy import Action
from openimi.accounts.users import services as user_services
from openimi.authorities.models import AreaPreferences, Authority, Country, LegislativeArea
from openimi.common.errors import ApplicationError
from openimi.common.i18n import interface_language
from openimi.network import selectors
from openimi.network.models import AuthorityEvent, JoinRequest
from openimi.notifications.services import outbox_enqueue

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openimi.accounts.models import User

AreaChoice = tuple[LegislativeArea, "Authority | None"]

JOIN_REQUESTED_EVENT = "network.join_requested"
JOIN_DECLINED_EVENT = "network.join_declined"


def registerable_kinds(actor: User) -> list[str]:
    """The kinds of authority ``actor`` may register: a coordinator registers competent
    authorities, the national coordinator delegated coordinators too, the network
    administrator every kind (a national coordinator included)."""
    kinds = Authority.Kind
    if policy.can(actor, Action.NETWORK_ADMINISTER):
        return list(kinds.values)
    own = actor.authority
    if own is not None and own.kind == kinds.NATIONAL_COORDINATOR:
        return [kinds.COMPETENT_AUTHORITY, kinds.SERVICES_COORDINATOR, kinds.DELEGATED_COORDINATOR]
    return [kinds.COMPETENT_AUTHORITY]


def _clean_text(value: str | None) -> str:
    return " ".join((value or "").split())


def _full_clean(obj: Any, *, exclude: Sequence[str]) -> None:
    """The model's own checks (lengths, e-mail, web address), as an ``ApplicationError``
    naming the first field at fault."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as invalid:
        field, errors = next(iter(invalid.message_dict.items()))
        raise ApplicationError(errors[0], field=field) from invalid


def _checked_areas(*, country: Country, areas: Sequence[AreaChoice]) -> list[AreaChoice]:
    if not areas:
        raise ApplicationError(
            _("Choose at least one legislative area the authority works in."), field="areas"
        )
    seen: set[int] = set()
    for area, coordinator in areas:
        if area.pk in seen:
            raise ApplicationError(_("Choose each legislative area once."), field="areas")
        seen.add(area.pk)
        if coordinator is not None and (
            not coordinator.is_coordinator
            or coordinator.country_id != country.pk
            or not coordinator.is_active
        ):
            raise ApplicationError(
                _("Choose a supervising coordinator of %(country)s.") % {"country": country.name},
                field="areas",
            )
    return list(areas)


def _locked_pending(join_request: JoinRequest) -> JoinRequest:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise ApplicationError(
            _("This request to join has already been decided: %(status)s.")
            % {"status": join_request.get_status_display()}
        )
    return join_request


def _decide(join_request: JoinRequest, **values: Any) -> None:
    """Write the decision on the locked row (an UPDATE of these columns only; the house rules
    keep ``.status =`` for a request's own workflow)."""
    JoinRequest.objects.filter(pk=join_request.pk).update(**values)
    for name, value in values.items():
        setattr(join_request, name, value)


def authority_register(
    *,
    actor: User,
    country: Country,
    kind: str,
    official_name: str,
    informal_title: str,
    language: str,
    street: str,
    postal_code: str,
    city: str,
    email: str,
    phone: str,
    website: str,
    areas: Sequence[AreaChoice],
    administrator: dict[str, str],
    join_request: JoinRequest | None = None,
    request: HttpRequest | None = None,
) -> Authority:
    """Register an authority of ``country`` with its areas (each with its supervising
    coordinator, a coordinator of the same country, or none) and its first local data
    administrator (``administrator``: first_name, last_name, email, language, and optionally
    username and phone). With ``join_request`` (pending), validate that request too.

    Raises ``PermissionDenied`` when the actor may not register in the country or this kind,
    ``ApplicationError`` (with the field) for bad data; nothing is written then.
    """
    with transaction.atomic():
        if join_request is not None:
            join_request = _locked_pending(join_request)
            if join_request.country_id != country.pk:
                raise ApplicationError(_("The country of a request to join cannot change."))
        policy.require(actor, Action.AUTHORITY_REGISTER, country)
        if kind not in registerable_kinds(actor):
            raise ApplicationError(_("You cannot register this kind of authority."), field="kind")
        areas = _checked_areas(country=country, areas=areas)
        given = {
            "official_name": official_name,
            "informal_title": informal_title,
            "street": street,
            "postal_code": postal_code,
            "city": city,
            "email": email,
            "phone": phone,
            "website": website,
        }
        values = {name: _clean_text(value) for name, value in given.items()}
        authority = Authority(country=country, kind=kind, language_id=language, **values)
        _full_clean(authority, exclude=["country", "language", "economic_sectors"])
        if selectors.language_get(code=language) is None:
            raise ApplicationError(_("Choose a language from the list."), field="language")
        authority.save()
        AreaPreferences.objects.bulk_create(
            AreaPreferences(authority=authority, area=area, supervising_coordinator=coordinator)
            for area, coordinator in areas
        )
        user = user_services.user_create_first_administrator(
            actor=actor,
            authority=authority,
            first_name=administrator.get("first_name", ""),
            last_name=administrator.get("last_name", ""),
            language=administrator.get("language", ""),
            email=administrator.get("email", ""),
            phone=administrator.get("phone", ""),
            username=administrator.get("username") or None,
            request=request,
        )
        area_details = [
            {"area": area.code, "coordinator": coordinator.pk if coordinator else None}
            for area, coordinator in areas
        ]
        AuthorityEvent.objects.create(
            authority=authority,
            kind=AuthorityEvent.Kind.REGISTERED,
            actor=actor,
            details={
                "by": actor.get_username(),
                "kind": kind,
                "areas": area_details,
                "administrator": user.username,
            },
        )
        if join_request is not None:
            _decide(
                join_request,
                status=JoinRequest.Status.VALIDATED,
                decided_at=timezone.now(),
                decided_by=actor,
                authority=authority,
            )
            AuthorityEvent.objects.create(
                authority=authority,
                join_request=join_request,
                kind=AuthorityEvent.Kind.JOIN_VALIDATED,
                actor=actor,
                details={"by": actor.get_username()},
            )
    authority.first_administrator = user  # type: ignore[attr-defined]  # for the page's message
    return authority


def join_request_submit(
    *,
    country: Country,
    language: str,
    official_name: str,
    informal_title: str,
    kind_of_work: str,
    street: str,
    postal_code: str,
    city: str,
    email: str,
    phone: str,
    website: str,
    areas: Sequence[LegislativeArea],
    administrator_first_name: str,
    administrator_last_name: str,
    administrator_email: str,
    administrator_phone: str,
) -> JoinRequest:
    """Store a request to join sent through the public form and tell whoever decides it:
    the local data administrators of the country's coordinators, or the network
    administrators when the country has none, each in their own language."""
    texts = {
        "official_name": official_name,
        "informal_title": informal_title,
        "street": street,
        "postal_code": postal_code,
        "city": city,
        "email": email,
        "phone": phone,
        "website": website,
        "administrator_first_name": administrator_first_name,
        "administrator_last_name": administrator_last_name,
        "administrator_email": administrator_email,
        "administrator_phone": administrator_phone,
    }
    if not areas:
        raise ApplicationError(
            _("Choose at least one legislative area the authority works in."), field="areas"
        )
    with transaction.atomic():
        join_request = JoinRequest(
            country=country,
            language_id=language,
            kind_of_work=(kind_of_work or "").strip(),
            **{name: _clean_text(value) for name, value in texts.items()},
        )
        _full_clean(join_request, exclude=["country", "language", "decided_by", "authority"])
        if selectors.language_get(code=language) is None:
            raise ApplicationError(_("Choose a language from the list."), field="language")
        join_request.save()
        join_request.areas.set(areas)
        event = AuthorityEvent.objects.create(
            join_request=join_request,
            kind=AuthorityEvent.Kind.JOIN_REQUESTED,
            details={"official_name": join_request.official_name, "country": country.pk},
        )
        link = settings.SITE_URL + reverse(
            "network:registration:request_detail", kwargs={"pk": join_request.pk}
        )
        for recipient in selectors.join_request_decider_list(country=country):
            _enqueue(
                key=f"{JOIN_REQUESTED_EVENT}:{event.pk}:{recipient.pk}",
                template="network/registration/email/join_requested",
                context={"join_request": join_request, "recipient": recipient, "link": link},
                recipient_email=recipient.email,
                language=recipient.language,
                event_code=JOIN_REQUESTED_EVENT,
                recipient_user=recipient,
                authority=recipient.authority,
                link=link,
            )
    return join_request


def join_request_decline(*, actor: User, join_request: JoinRequest, reason: str) -> JoinRequest:
    """Decline a pending request to join with ``reason``, which is e-mailed to the
    applicant's general address in the request's language."""
    reason = (reason or "").strip()
    with transaction.atomic():
        join_request = _locked_pending(join_request)
        policy.require(actor, Action.AUTHORITY_REGISTER, join_request.country)
        if not reason:
            raise ApplicationError(_("Enter the reason for declining."), field="reason")
        _decide(
            join_request,
            status=JoinRequest.Status.DECLINED,
            reason=reason,
            decided_at=timezone.now(),
            decided_by=actor,
        )
        event = AuthorityEvent.objects.create(
            join_request=join_request,
            kind=AuthorityEvent.Kind.JOIN_DECLINED,
            actor=actor,
            details={"by": actor.get_username(), "reason": reason},
        )
        language = interface_language(join_request.language_id) or settings.LANGUAGE_CODE
        _enqueue(
            key=f"{JOIN_DECLINED_EVENT}:{event.pk}",
            template="network/registration/email/join_declined",
            context={"join_request": join_request},
            recipient_email=join_request.email,
            language=language,
            event_code=JOIN_DECLINED_EVENT,
        )
    return join_request


def _enqueue(
    *, key: str, template: str, context: dict, recipient_email: str, language: str, **options: Any
) -> None:
    """Render ``<template>.subject.txt`` and ``.body.txt`` in ``language`` and write the
    e-mail to the outbox, in the caller's transaction."""
    language = interface_language(language) or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"{template}.subject.txt", context)
        body = render_to_string(f"{template}.body.txt", context)
    outbox_enqueue(
        key=key,
        recipient_email=recipient_email,
        subject=subject,
        body_text=body.strip() + "\n",
        language=language,
        **options,
    )
