"""Recovery codes: ten one-time codes for the day the authenticator app is lost.

A code is 10 characters from a 32-letter alphabet without look-alikes (50 bits), shown once
as two groups of five, for example ``K7QM2-9XP4R``. Only a salted SHA-256 of it is stored
(the code's entropy makes a slow hash unnecessary); checking compares against every unused
code of the user in constant time, so the work does not depend on which one matches. New
codes void the old ones.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from openimi.accounts.models import RecoveryCode, SecurityEvent
from openimi.accounts.security_log import security_event_record

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openimi.accounts.models import User

Code = SecurityEvent.Code

COUNT = 10
LENGTH = 10
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1
FEW_LEFT = 2


def normalise(value: str) -> str:
    """Upper case, without spaces and dashes: ``abcde-fghjk`` is ``ABCDEFGHJK``."""
    return "".join(c for c in (value or "").upper() if c.isalnum())


@sensitive_variables()
def _hash(code: str, salt: str) -> str:
    return salt + "$" + hashlib.sha256(f"{salt}${code}".encode()).hexdigest()


@sensitive_variables()
def recovery_codes_generate(*, request: HttpRequest | None, user: User) -> list[str]:
    """Ten new codes for ``user`` (returned once, to show); every older code stops working."""
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(COUNT)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=_hash(code, secrets.token_hex(16))) for code in codes
        )
        security_event_record(
            event=Code.RECOVERY_CODES_CREATED, request=request, user=user, detail=str(COUNT)
        )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@sensitive_variables()
def recovery_code_use(
    *, request: HttpRequest | None, user: User, code: str, use: bool = True
) -> bool:
    """Whether ``code`` is an unused recovery code of ``user``; if so it is used up (logged),
    unless ``use`` is False (a login whose password was wrong: the same work, nothing spent)."""
    code = normalise(code)
    with transaction.atomic():
        unused = list(
            RecoveryCode.objects.select_for_update().filter(user=user, used_at__isnull=True)
        )
        match = None
        for row in unused:
            salt = row.code_hash.partition("$")[0]
            if hmac.compare_digest(_hash(code, salt).encode(), row.code_hash.encode()):
                match = row
        if match is None or len(code) != LENGTH:
            return False
        if not use:
            return True
        match.used_at = timezone.now()
        match.save(update_fields=["used_at"])
        left = len(unused) - 1
        security_event_record(
            event=Code.RECOVERY_CODE_USED, request=request, user=user, detail=f"{left} left"
        )
    return True


def recovery_code_decoy(*, code: str) -> None:
    """Work like checking a user's codes, for a name that is no account."""
    RecoveryCode.objects.filter(pk=0).exists()
    salt = secrets.token_hex(16)
    for _ in range(COUNT):
        _hash(normalise(code), salt)
