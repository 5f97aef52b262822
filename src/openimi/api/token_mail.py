"""The e-mail that tells a token's owner that a token was made or revoked (issue 16).

A token acts as its owner, so the owner hears of every one: a person at their own address; a
service account at its contact address and through the local data administrators of its
authority, who answer for it. Called only by ``tokens``, inside its transaction, so the
e-mail leaves exactly when the change is committed. Never the secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from openimi.accounts.users.selectors import local_data_administrator_list
from openimi.notifications.services import outbox_enqueue_rendered

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.api.models import ApiToken

EVENT_CODES = {"created": "api_token.created", "revoked": "api_token.revoked"}


def token_recipients(*, owner: User) -> list[User]:
    """Who hears of ``owner``'s tokens: the owner, and for a service account also the
    authority's local data administrators (not deleted), each address once."""
    recipients = [owner]
    if owner.is_service_account and owner.authority_id is not None:
        recipients += list(
            local_data_administrator_list(authority=owner.authority)
            .exclude(is_service_account=True)
            .order_by("pk")
        )
    seen: set[str] = set()
    unique = []
    for recipient in recipients:
        address = recipient.email.strip().lower()
        if address and address not in seen:
            seen.add(address)
            unique.append(recipient)
    return unique


def token_mail_send(*, token: ApiToken, actor: User, event: str) -> None:
    """One e-mail per recipient, in the recipient's language, through the outbox."""
    owner = token.user
    code = EVENT_CODES[event]
    for recipient in token_recipients(owner=owner):
        context = {
            "recipient": recipient,
            "owner": owner,
            "actor": actor,
            "token": token,
            "event": event,
            "own": recipient.pk == owner.pk,
            "site_url": settings.SITE_URL,
        }
        outbox_enqueue_rendered(
            key=f"{code}:{token.pk}:{recipient.pk}",
            recipient=recipient,
            template="api/email/token",
            context=context,
            event_code=code,
            authority=owner.authority,
        )
