"""Login limits: per user name and client address, per address, per account (issue 16).

django-axes counts every failed step 2 in the database (``AccessAttempt``, one row per name,
address and browser), so every web process sees the same counters. This handler decides on
them with three rules, each within the cool-off (``LOGIN_COOLOFF``):

1. **Name and address.** ``LOGIN_FAILURE_LIMIT`` failures of one name from one address lock
   that name *for that address only* (``AXES_LOCKOUT_PARAMETERS``): someone guessing a
   colleague's name locks it where they sit, and its owner still logs in from elsewhere.
2. **Address.** ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures from one address, whatever the
   names, stop that address (one guess against many names: password spraying).
3. **Account.** ``LOGIN_ACCOUNT_FAILURE_LIMIT`` failures of one name from any addresses (an
   attack from many addresses) lock the name for every address from which it never logged
   in successfully within ``LOGIN_KNOWN_ADDRESS_DAYS``: its owner's usual workplace stays open.

When a known account is first locked for an address, or by rule 3, the user and the local
data administrators of the authority get one e-mail per attack
(``account_under_attack_notify``).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from openimi.accounts.models import SecurityEvent, User
from openimi.accounts.security_log import security_event_record
from openimi.common.net import client_address

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger("openimi.security")

UNDER_ATTACK_EVENT = "account.under_attack"


def axes_client_address(request: HttpRequest) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the one client address (None when there is none)."""
    return client_address(request) or None


def _known_address(*, username: str, address: str) -> bool:
    """Whether ``username`` logged in successfully from ``address`` lately."""
    since = timezone.now() - timedelta(days=settings.LOGIN_KNOWN_ADDRESS_DAYS)
    return SecurityEvent.objects.filter(
        username_attempted=username,
        event=SecurityEvent.Code.LOGIN_SUCCEEDED,
        ip_address=address,
        created_at__gte=since,
    ).exists()


class LoginLimitHandler(AxesDatabaseHandler):
    """``AXES_HANDLER``: axes' database handler with the address and account rules added."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):  # rule 1: this name from this address
            return True
        address = getattr(request, "axes_ip_address", None)
        username = get_client_username(request, credentials)
        if not address and not username:
            return False
        totals = AccessAttempt.objects.filter(
            Q(ip_address=address) | Q(username=username),
            attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(
            address=Sum("failures_since_start", filter=Q(ip_address=address)),
            account=Sum("failures_since_start", filter=Q(username=username)),
        )
        if address and (totals["address"] or 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return True
        return (
            bool(username)
            and (totals["account"] or 0) >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT
            and not (address and _known_address(username=username, address=address))
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """Count as axes does; then rule 3 also tells of an attack from many addresses, where
        no single address reached its limit (a lock for one address is told by the
        ``user_locked_out`` receiver)."""
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        username = get_client_username(request, credentials)
        if not username:
            return
        total = (
            AccessAttempt.objects.filter(
                username=username, attempt_time__gte=get_cool_off_threshold(request)
            ).aggregate(total=Sum("failures_since_start"))["total"]
            or 0
        )
        if total < settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
            return
        user = User.objects.filter(username=username).first()
        if user is None:
            return
        if total == settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
            security_event_record(
                event=SecurityEvent.Code.ACCOUNT_LOCKED,
                request=request,
                user=user,
                detail="for unknown addresses",
            )
        account_under_attack_notify(user=user)


def attack_summary(*, username: str) -> tuple[int, int]:
    """Failures of ``username`` within the cool-off, and from how many addresses."""
    since = timezone.now() - settings.LOGIN_COOLOFF
    totals = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start"), addresses=Count("ip_address", distinct=True)
    )
    return totals["failures"] or 0, totals["addresses"] or 0


def account_under_attack_notify(*, user: User) -> int:
    """Tell ``user`` and their authority's local data administrators that logging in with
    the user's name keeps failing; once per attack (nothing if told within the cool-off).

    The e-mails go through the outbox, each in its reader's language. They never carry the
    user name (handed over outside openimi), a password or an address. Returns how many
    e-mails were written.
    """
    from openimi.accounts.users.selectors import local_data_administrator_list
    from openimi.notifications.models import OutboxMessage
    from openimi.notifications.services import outbox_enqueue_rendered

    now = timezone.now()
    with transaction.atomic():
        # The row lock makes two processes that lock the name at once agree on one e-mail.
        user = (
            User.objects.select_for_update(of=("self",)).select_related("authority").get(pk=user.pk)
        )
        if OutboxMessage.objects.filter(
            event_code=UNDER_ATTACK_EVENT,
            key__startswith=f"{UNDER_ATTACK_EVENT}:{user.pk}:",
            created_at__gte=now - settings.LOGIN_COOLOFF,
        ).exists():
            return 0
        failures, addresses = attack_summary(username=user.get_username())
        recipients = [user]
        if user.authority_id is not None:
            recipients += [
                admin
                for admin in local_data_administrator_list(authority=user.authority)
                if admin.pk != user.pk and admin.email
            ]
        context = {
            "user": user,
            "authority": user.authority,
            "failures": failures,
            "addresses": addresses,
            "minutes": round(settings.LOGIN_COOLOFF.total_seconds() / 60),
        }
        written = 0
        for recipient in recipients:
            if not recipient.email:
                continue
            owner = recipient.pk == user.pk
            outbox_enqueue_rendered(
                key=f"{UNDER_ATTACK_EVENT}:{user.pk}:{now.timestamp():.0f}:{recipient.pk}",
                recipient=recipient,
                template="accounts/email/under_attack",
                context={**context, "owner": owner, "recipient": recipient},
                event_code=UNDER_ATTACK_EVENT,
                authority=user.authority,
            )
            written += 1
    logger.warning(
        "%s user=%s failures=%s addresses=%s", UNDER_ATTACK_EVENT, user.pk, failures, addresses
    )
    return written
