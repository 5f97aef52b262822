"""What moves the versions of ``common.content_cache``: writes of the rows pages show.

Each receiver names the scopes a saved or deleted row belongs to; ``content_cache.changed``
moves them when the transaction commits. Services that write in bulk, which sends no signal,
call ``changed`` themselves (``retention.services``, ``RoleGrantQuerySet.bulk_create``,
``authorities.reference.load_reference``).
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from openimi.common.content_cache import changed

# Reading a request records an event too (personal data viewed, a document downloaded); no
# page shows those, and a page read must not make itself stale.
READ_EVENTS = frozenset({"request.personal_data_viewed", "request.attachment_downloaded"})
# A user's row is written at every login (the last login, the security-code challenge) and
# on password changes: no cached page shows those fields.
USER_FIELDS_NOT_SHOWN = frozenset(
    {
        "last_login",
        "security_challenge",
        "password",
        "must_change_password",
        "temporary_password_expires_at",
        "security_code_ciphertext",
        "security_code_key_id",
    }
)


def _event_saved(sender, instance, **kwargs):
    """Every change to a request writes an event in its transaction (DESIGN rule 3): the
    event, not each row the change touches, moves the versions."""
    if instance.code in READ_EVENTS:
        return
    info_request = instance.info_request
    changed(
        authorities=(
            info_request.requesting_authority_id,
            info_request.responding_authority_id,
            instance.actor_authority_id,  # a forwarder no longer is a party
        )
    )


def _user_written(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= USER_FIELDS_NOT_SHOWN:
        return
    changed(authorities=(instance.authority_id,))


def _of_authority(sender, instance, **kwargs):
    changed(authorities=(instance.authority_id,))


def _directory_row(sender, instance, **kwargs):
    changed(authorities=(instance.authority_id,), directory=True)


def _authority_written(sender, instance, **kwargs):
    changed(authorities=(instance.pk,), directory=True)


def _directory_links(sender, instance, action, **kwargs):
    """Competences (sectors, policy and legislative areas) and keywords: the directory.
    ``instance`` is the authority or the preferences, or the other side when changed from it."""
    from openimi.authorities.models import Authority

    if action.startswith("post_"):
        if isinstance(instance, Authority):
            authority_id = instance.pk
        else:
            authority_id = getattr(instance, "authority_id", None)
        changed(authorities=(authority_id,), directory=True)


def connect() -> None:
    from openimi.accounts.models import RoleGrant, User
    from openimi.authorities.models import AreaPreferences, Authority, AuthorityTranslation
    from openimi.exchange.models import RequestEvent
    from openimi.onboarding.models import ChecklistTick, RolloutPlan

    uid = "openimi.content_cache"
    post_save.connect(_event_saved, sender=RequestEvent, dispatch_uid=f"{uid}.event")
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_user_written, sender=User, dispatch_uid=f"{uid}.user.{name}")
        signal.connect(_authority_written, sender=Authority, dispatch_uid=f"{uid}.authority.{name}")
        for model in (RoleGrant, ChecklistTick, RolloutPlan):
            signal.connect(
                _of_authority, sender=model, dispatch_uid=f"{uid}.{model.__name__}.{name}"
            )
        for model in (AuthorityTranslation, AreaPreferences):
            signal.connect(
                _directory_row, sender=model, dispatch_uid=f"{uid}.{model.__name__}.{name}"
            )
    for through in (
        Authority.economic_sectors.through,
        Authority.policy_areas.through,
        Authority.legislative_areas.through,
        AreaPreferences.keywords.through,
    ):
        m2m_changed.connect(
            _directory_links, sender=through, dispatch_uid=f"{uid}.{through.__name__}"
        )
