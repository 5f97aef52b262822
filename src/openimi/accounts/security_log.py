"""The security log: every authentication event, in the database and on ``openimi.security``.

Callers pass what happened, to whom and from where; never a password, a security code or a
character of one. The user agent is cut to the column's length.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from openimi.accounts.models import SecurityEvent
from openimi.common.net import client_address

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openimi.accounts.models import User

logger = logging.getLogger("openimi.security")

_USER_AGENT_LENGTH = SecurityEvent._meta.get_field("user_agent").max_length


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address (``common.net.client_address``), or None if unknown."""
    if request is None:
        return None
    return client_address(request) or None


def security_event_record(
    *,
    event: str,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str = "",
    detail: str = "",
) -> SecurityEvent:
    """Write one event to the security log (table and logger)."""
    if user is not None and not username:
        username = user.get_username()
    user_agent = ""
    if request is not None:
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:_USER_AGENT_LENGTH]
    ip_address = client_ip(request)
    record = SecurityEvent.objects.create(
        user=user if user is not None and user.pk else None,
        username_attempted=username[:150],
        event=event,
        detail=detail[:100],
        ip_address=ip_address,
        user_agent=user_agent,
    )
    level = logging.WARNING if event in _WARNING_EVENTS else logging.INFO
    who = str(record.user_id or "-")
    if record.user is not None and record.user.is_service_account:
        who += " (service account)"  # a system, not a person: say so in every log
    logger.log(
        level,
        "%s user=%s username=%r ip=%s detail=%s",
        event,
        who,
        record.username_attempted,
        ip_address or "-",
        detail or "-",
    )
    return record


_WARNING_EVENTS = {
    SecurityEvent.Code.LOGIN_FAILED,
    SecurityEvent.Code.LOGIN_REFUSED_LOCKED,
    SecurityEvent.Code.ACCOUNT_LOCKED,
    SecurityEvent.Code.PASSWORD_CHANGE_FAILED,
    SecurityEvent.Code.SECURITY_CODE_CHANGE_FAILED,
    SecurityEvent.Code.PASSKEY_REMOVE_FAILED,
    SecurityEvent.Code.PASSKEY_REFUSED,
    SecurityEvent.Code.LOGIN_METHODS_CHANGE_FAILED,
    SecurityEvent.Code.SECOND_FACTORS_RESET,
}
