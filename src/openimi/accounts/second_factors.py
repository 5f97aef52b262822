"""The second factor: the ways to log in at step 2, and what every kind of factor shares.

Step 2 of the login (after user name and password) is, by default, three characters of the
security code (the seed's way). An installation may also offer an authenticator app (TOTP,
``authenticators.py``), a passkey (WebAuthn, ``passkeys/``) and a recovery code
(``recovery_codes.py``); ``settings.LOGIN_WAYS`` names the ones it offers. Each way checks its
own secret and hands the verdict to ``services.login_verify_factor``, which decides together
with the password, counts failures like a wrong security code and opens the session.

Step 2 always offers every way of the installation, whatever the name typed: it is shown
before anyone knows whether the name or the password was right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from openimi.access import policy
from openimi.accounts.models import AuthenticatorDevice, Passkey, RecoveryCode, SecurityEvent
from openimi.accounts.security_log import security_event_record

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest

    from openimi.accounts.models import User

WAY_SECURITY_CODE = "security_code"
WAY_AUTHENTICATOR = "authenticator"
WAY_PASSKEY = "passkey"
WAY_RECOVERY_CODE = "recovery_code"


@dataclass(frozen=True)
class LoginWay:
    code: str
    label: str | Promise
    url_name: str


_WAYS = (
    LoginWay(WAY_SECURITY_CODE, _("Three characters of your security code"), "accounts:login_code"),
    LoginWay(
        WAY_AUTHENTICATOR, _("A code from your authenticator app"), "accounts:login_authenticator"
    ),
    LoginWay(WAY_PASSKEY, _("A passkey"), "accounts:login_passkey"),
    LoginWay(WAY_RECOVERY_CODE, _("A recovery code"), "accounts:login_recovery_code"),
)
ALL_WAYS = tuple(way.code for way in _WAYS)


def login_ways() -> list[LoginWay]:
    """The ways this installation offers at step 2 (``settings.LOGIN_WAYS``), in order."""
    offered = getattr(settings, "LOGIN_WAYS", ALL_WAYS)
    return [way for way in _WAYS if way.code in offered]


def way_offered(code: str) -> bool:
    return any(way.code == code for way in login_ways())


# What counts as a second factor: one query per kind.
def _has_authenticator(user: User) -> bool:
    return AuthenticatorDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def _has_passkey(user: User) -> bool:
    return Passkey.objects.filter(user=user).exists()


SECOND_FACTOR_KINDS: tuple[Callable[[User], bool], ...] = (_has_authenticator, _has_passkey)


def user_has_second_factor(user: User) -> bool:
    """Whether ``user`` has a registered authenticator app or passkey (recovery codes alone
    are a way back in, not a factor to register)."""
    return any(has(user) for has in SECOND_FACTOR_KINDS)


def second_factor_required(user: User) -> bool:
    """Whether the user's authority requires a second factor (decided by the policy)."""
    return policy.second_factor_required(user)


# What a reset deletes: one function per kind.
def _reset_authenticators(user: User) -> int:
    return AuthenticatorDevice.objects.filter(user=user).delete()[0]


def _reset_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user).delete()[0]


def _reset_passkeys(user: User) -> int:
    return Passkey.objects.filter(user=user).delete()[0]


SECOND_FACTOR_RESETS: tuple[Callable[[User], int], ...] = (
    _reset_authenticators,
    _reset_recovery_codes,
    _reset_passkeys,
)


def second_factors_reset(*, request: HttpRequest | None, actor: User, user: User) -> int:
    """A local data administrator deletes every second factor of ``user`` (apps, recovery
    codes, passkeys): the user registers again at the next login when the authority requires
    it. Returns how many were deleted."""
    from openimi.access.actions import Action

    policy.require(actor, Action.USER_SECOND_FACTORS_RESET, user)
    with transaction.atomic():
        deleted = sum(reset(user) for reset in SECOND_FACTOR_RESETS)
        security_event_record(
            event=SecurityEvent.Code.SECOND_FACTORS_RESET,
            request=request,
            user=user,
            detail=f"by {actor.get_username()}: {deleted}",
        )
    return deleted
