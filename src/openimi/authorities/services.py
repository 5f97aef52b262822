"""Writes to the directory. Each service checks the policy, writes in one transaction and
saves only the fields it changes."""

import logging

from django.db import transaction

from openimi.access import policy
from openimi.access.policy import Action
from openimi.accounts.models import SecurityEvent, User
from openimi.accounts.security_log import security_event_record
from openimi.authorities.models import (
    AreaPreferences,
    Authority,
    AuthorityTranslation,
    EconomicSector,
    Keyword,
    Language,
    PolicyArea,
)
from openimi.common.errors import ApplicationError

audit = logging.getLogger("openimi.audit")

# The contact data an authority keeps current itself; the official name is not among them.
CONTACT_FIELDS = (
    "informal_title",
    "description",
    "street",
    "postal_code",
    "city",
    "region",
    "email",
    "phone",
    "fax",
    "website",
)
TRANSLATED_FIELDS = ("informal_title", "description")
LDA_PREFERENCE_FIELDS = ("uses_allocation", "coordinator_may_view_details")
COORDINATOR_PREFERENCE_FIELDS = ("needs_coordinator_approval", "may_reject", "may_accept")


def _locked(model, pk):
    return model.objects.select_for_update().get(pk=pk)


def authority_update_contact(*, authority: Authority, actor: User, **data) -> Authority:
    """Change the Authority tab. A changed informal title or description marks every
    translation as needing translation (the seed's "modified" box)."""
    unknown = set(data) - set(CONTACT_FIELDS)
    if unknown:
        raise ApplicationError(f"Not changeable here: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        authority = _locked(Authority, authority.pk)
        policy.require(actor, Action.CHANGE_AUTHORITY, authority)
        changed = [name for name, value in data.items() if getattr(authority, name) != value]
        if not changed:
            return authority
        for name in changed:
            setattr(authority, name, data[name])
        authority.full_clean(exclude=["country", "language", "economic_sectors"])
        authority.save(update_fields=[*changed, "updated_at"])
        if set(changed) & set(TRANSLATED_FIELDS):
            authority.translations.update(needs_translation=True)
        audit.info("authority.changed id=%s by=%s fields=%s", authority.pk, actor.pk, changed)
    return authority


def authority_second_factor_rule_set(
    *, authority: Authority, actor: User, required: bool, request=None
) -> Authority:
    """The local data administrators' rule: every user of the authority logs in with a second
    factor (authenticator app or passkey), not with password and security code alone. The
    change goes to the security log of the administrator who made it."""
    with transaction.atomic():
        authority = _locked(Authority, authority.pk)
        policy.require(actor, Action.CHANGE_AUTHORITY, authority)
        if authority.second_factor_required == required:
            return authority
        authority.second_factor_required = required
        authority.save(update_fields=["second_factor_required", "updated_at"])
        security_event_record(
            event=SecurityEvent.Code.SECOND_FACTOR_RULE_CHANGED,
            request=request,
            user=actor,
            detail=f"authority {authority.pk}: {'required' if required else 'not required'}",
        )
        audit.info(
            "authority.second_factor_rule id=%s by=%s required=%s",
            authority.pk,
            actor.pk,
            required,
        )
    return authority


def authority_update_competences(
    *,
    authority: Authority,
    actor: User,
    competent_in_all_areas: bool,
    economic_sectors: list[EconomicSector],
    policy_areas: list[PolicyArea],
) -> Authority:
    """Change the Competences tab."""
    with transaction.atomic():
        authority = _locked(Authority, authority.pk)
        policy.require(actor, Action.CHANGE_AUTHORITY, authority)
        authority.competent_in_all_areas = competent_in_all_areas
        authority.save(update_fields=["competent_in_all_areas", "updated_at"])
        authority.economic_sectors.set(economic_sectors)
        authority.policy_areas.set(policy_areas)
        audit.info("authority.competences_changed id=%s by=%s", authority.pk, actor.pk)
    return authority


def authority_translation_save(
    *,
    authority: Authority,
    actor: User,
    language: Language,
    informal_title: str,
    description: str,
) -> AuthorityTranslation:
    """Save the informal title and description in one language; it is then up to date."""
    if language.pk == authority.language_id:
        raise ApplicationError(
            "This is the authority's own language: change the text on the Authority tab.",
            field="language",
        )
    with transaction.atomic():
        authority = _locked(Authority, authority.pk)
        policy.require(actor, Action.CHANGE_AUTHORITY, authority)
        translation, _ = AuthorityTranslation.objects.update_or_create(
            authority=authority,
            language=language,
            defaults={
                "informal_title": informal_title,
                "description": description,
                "needs_translation": False,
            },
        )
        audit.info(
            "authority.translation_saved id=%s lang=%s by=%s", authority.pk, language.pk, actor.pk
        )
    return translation


def area_preferences_update(
    *,
    preferences: AreaPreferences,
    actor: User,
    keywords: list[Keyword],
    uses_allocation: bool,
    coordinator_may_view_details: bool,
) -> AreaPreferences:
    """The authority's own part of a Preferences tab: keywords and the last two settings."""
    if any(keyword.area_id != preferences.area_id for keyword in keywords):
        raise ApplicationError("A keyword belongs to another legislative area.", field="keywords")
    with transaction.atomic():
        preferences = _locked(AreaPreferences, preferences.pk)
        policy.require(actor, Action.CHANGE_AREA_PREFERENCES, preferences)
        preferences.uses_allocation = uses_allocation
        preferences.coordinator_may_view_details = coordinator_may_view_details
        preferences.save(update_fields=[*LDA_PREFERENCE_FIELDS, "updated_at"])
        preferences.keywords.set(keywords)
        audit.info("preferences.changed id=%s by=%s", preferences.pk, actor.pk)
    return preferences


def area_preferences_update_by_coordinator(
    *,
    preferences: AreaPreferences,
    actor: User,
    needs_coordinator_approval: bool,
    may_reject: bool,
    may_accept: bool,
) -> AreaPreferences:
    """The first three settings, which only the supervising coordinator may change."""
    with transaction.atomic():
        preferences = _locked(AreaPreferences, preferences.pk)
        policy.require(actor, Action.CHANGE_COORDINATOR_SETTINGS, preferences)
        preferences.needs_coordinator_approval = needs_coordinator_approval
        preferences.may_reject = may_reject
        preferences.may_accept = may_accept
        preferences.save(update_fields=[*COORDINATOR_PREFERENCE_FIELDS, "updated_at"])
        audit.info("preferences.coordinator_changed id=%s by=%s", preferences.pk, actor.pk)
    return preferences
