"""API tokens: create (the secret is returned once), revoke, and check one on each request.

A token reads ``oimi_<prefix>_<secret>``: the prefix finds the row, the SHA-256 of the whole
token is compared in constant time (see ``models.ApiToken`` for why SHA-256 and not argon2).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openimi.access import policy
from openimi.access.policy import Action
from openimi.accounts.models import SecurityEvent
from openimi.accounts.security_log import security_event_record
from openimi.api import token_mail
from openimi.api.models import ApiToken, ApiTokenUse
from openimi.common.errors import ApplicationError, PermissionDenied

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openimi.accounts.models import User

SCHEME = "oimi"


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole token string, shown once


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(
    *,
    actor: User,
    user: User,
    name: str,
    expires_at: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> IssuedToken:
    """Create a token that acts as ``user``: the actor itself (a person), or a service account
    of the authority the actor administers. It expires at ``expires_at``, at most
    API_TOKEN_MAX_DAYS from now. The security log records it and the owner is e-mailed
    (``token_mail``), in the same transaction."""
    policy.require(actor, Action.API_TOKEN_MANAGE, user)
    # A user of no authority is the network administrator (issue 19), whose API is the
    # network's reference data; any other has nothing to reach.
    if not user.is_active or (
        user.authority_id is None and not policy.can(user, Action.NETWORK_ADMINISTER)
    ):
        raise PermissionDenied(_("You may not do this."))
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the token a name."), field="name")
    now = timezone.now()
    latest = now + dt.timedelta(days=settings.API_TOKEN_MAX_DAYS)
    if expires_at is None:
        expires_at = latest
    if expires_at <= now:
        raise ApplicationError(_("The expiry must be in the future."), field="expires_at")
    if expires_at > latest:
        raise ApplicationError(
            ngettext(
                "A token can be valid for at most %(days)s day.",
                "A token can be valid for at most %(days)s days.",
                settings.API_TOKEN_MAX_DAYS,
            )
            % {"days": settings.API_TOKEN_MAX_DAYS},
            field="expires_at",
        )
    prefix = secrets.token_hex(6)
    raw = f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            secret_sha256=_digest(raw),
            created_by=actor,
            created_at=now,
            expires_at=expires_at,
        )
        _record(SecurityEvent.Code.API_TOKEN_CREATED, token=token, actor=actor, request=request)
        token_mail.token_mail_send(token=token, actor=actor, event="created")
    return IssuedToken(token=token, secret=raw)


def token_revoke(*, actor: User, token: ApiToken, request: HttpRequest | None = None) -> ApiToken:
    """Revoke a token at once (its owner, or a local data administrator of its authority).
    The security log records it and the owner is e-mailed; revoking twice does nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
        policy.require(actor, Action.API_TOKEN_REVOKE, token.user)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            _record(SecurityEvent.Code.API_TOKEN_REVOKED, token=token, actor=actor, request=request)
            token_mail.token_mail_send(token=token, actor=actor, event="revoked")
    return token


def _record(event: str, *, token: ApiToken, actor: User, request: HttpRequest | None) -> None:
    """One security-log line about ``token``, under its owner: which token and who did it."""
    security_event_record(
        event=event,
        request=request,
        user=token.user,
        detail=f"{token.prefix} by {actor.get_username()}",
    )


def token_authenticate(*, raw: str, method: str, path: str, ip: str | None) -> ApiToken | None:
    """The valid token ``raw`` names, with its user; records the use. None when the token is
    unknown, wrong, expired or revoked, or its user can no longer log in."""
    scheme, _sep, rest = raw.partition("_")
    prefix, _sep, secret = rest.partition("_")
    if scheme != SCHEME or not prefix or not secret:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_sha256, _digest(raw)):
        return None
    now = timezone.now()
    if not token.is_valid_at(now) or not token.user.is_active:
        return None
    # A path may carry a decoded NUL (``%00``), which PostgreSQL refuses in a text column.
    path = path.replace("\x00", "\\x00")[:300]
    ApiTokenUse.objects.create(
        token=token, used_at=now, method=method[:10], path=path, ip_address=ip
    )
    # One write per minute at most: last_used_at is for people, the use log is exact.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def tokens_visible_to(*, user: User):
    """The tokens ``user`` may see: its own, and those of its authority's users when it is a
    local data administrator (the policy decides)."""
    tokens = ApiToken.objects.select_related("user", "created_by").order_by("-created_at", "-pk")
    if policy.is_local_data_administrator(user, user.authority):
        return tokens.filter(user__authority_id=user.authority_id)
    return tokens.filter(user=user)
