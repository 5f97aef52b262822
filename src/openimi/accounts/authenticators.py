"""Authenticator apps (TOTP, RFC 6238): the one module that reads a shared secret.

A secret is 160 random bits (pyotp), sealed with the security-code key machinery
(``security_code.seal``: AES-256-GCM, associated data naming the purpose and the user), so
that key rotation (``openimi rotate_security_code_key``) covers it too. A code is 6 digits of
a 30-second step; the step before and after are accepted for clock drift, and each step at
most once per app: ``last_used_step`` moves forward under a row lock, so a code seen once
(or an older one) is refused.

Registration is two moves: ``authenticator_begin`` stores an unconfirmed app and returns its
secret to show (QR code and groups of four); ``authenticator_confirm`` makes it count once
the user typed a current code. Unconfirmed apps never log anyone in.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import pyotp
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from openimi.accounts.models import AuthenticatorDevice, SecurityEvent
from openimi.accounts.security_code import (
    SecurityCodeError,
    current_key_id,
    seal,
    unseal,
)
from openimi.accounts.security_log import security_event_record

logger = logging.getLogger("openimi.security")

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openimi.accounts.models import User

Code = SecurityEvent.Code

DIGITS = 6
INTERVAL = 30
DRIFT_STEPS = 1
ISSUER = "openimi"
# An app not confirmed within this time is forgotten at the next registration.
UNCONFIRMED_HOURS = 1


def _purpose(user: User) -> str:
    if user.pk is None:
        raise ValueError("Save the user before giving it an authenticator app.")
    return f"openimi:authenticator:v1:user:{user.pk}"


@sensitive_variables()
def _secret(device: AuthenticatorDevice) -> str:
    return unseal(
        device.secret_ciphertext, purpose=_purpose(device.user), key_id=device.secret_key_id
    ).decode("ascii")


def normalise_code(value: str) -> str:
    """The digits of what was typed: spaces and dashes (``123 456``) do not count."""
    return "".join(c for c in (value or "") if not c.isspace() and c != "-")


def _step(at: float) -> int:
    return int(at // INTERVAL)


@sensitive_variables()
def _matching_step(secret: str, code: str, *, now: float) -> int | None:
    """The time step within the drift whose code is ``code`` (compared in constant time)."""
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    found = None
    current = _step(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        expected = totp.generate_otp(step)
        if hmac.compare_digest(expected.encode(), code.encode()) and found is None:
            found = step
    return found


@dataclass(frozen=True)
class Enrolment:
    device: AuthenticatorDevice
    secret: str

    @property
    def secret_groups(self) -> list[str]:
        """The secret in groups of four, for typing it into an app by hand."""
        return [self.secret[i : i + 4] for i in range(0, len(self.secret), 4)]

    def uri(self) -> str:
        user = self.device.user
        return pyotp.TOTP(self.secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
            name=user.get_username(), issuer_name=ISSUER
        )

    def qr_svg(self) -> str:
        """The ``otpauth://`` URI as an inline SVG QR code (no script, no external file)."""
        import segno

        return segno.make(self.uri(), error="m").svg_inline(scale=5, border=4, omitsize=False)


@sensitive_variables()
def authenticator_begin(*, user: User, name: str) -> Enrolment:
    """A new, unconfirmed app for ``user`` with a fresh secret; older unconfirmed ones go."""
    AuthenticatorDevice.objects.filter(user=user, confirmed_at__isnull=True).delete()
    secret = pyotp.random_base32()
    key_id = current_key_id()
    device = AuthenticatorDevice.objects.create(
        user=user,
        name=name.strip(),
        secret_ciphertext=seal(secret.encode("ascii"), purpose=_purpose(user), key_id=key_id),
        secret_key_id=key_id,
    )
    return Enrolment(device=device, secret=secret)


def authenticator_pending(*, user: User, pk: int) -> Enrolment | None:
    """The unconfirmed app ``pk`` of ``user`` with its secret (to show again after a typo)."""
    cutoff = timezone.now() - timedelta(hours=UNCONFIRMED_HOURS)
    device = (
        AuthenticatorDevice.objects.select_related("user")
        .filter(user=user, pk=pk, confirmed_at__isnull=True, created_at__gte=cutoff)
        .first()
    )
    if device is None:
        return None
    return Enrolment(device=device, secret=_secret(device))


@sensitive_variables()
def _accept(device: AuthenticatorDevice, code: str, *, use: bool = True) -> bool:
    """Whether ``code`` is a current, unused code of ``device`` (locked by the caller); if so
    and ``use``, its step is used up."""
    code = normalise_code(code)
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return False
    step = _matching_step(_secret(device), code, now=timezone.now().timestamp())
    if step is None or step <= device.last_used_step:
        return False
    if not use:
        return True
    device.last_used_step = step
    device.last_used_at = timezone.now()
    device.save(update_fields=["last_used_step", "last_used_at"])
    return True


@sensitive_variables()
def authenticator_confirm(*, request: HttpRequest | None, enrolment: Enrolment, code: str) -> bool:
    """The user typed a code of the new app: when it is current, the app counts from now on."""
    with transaction.atomic():
        device = (
            AuthenticatorDevice.objects.select_for_update()
            .select_related("user")
            .filter(pk=enrolment.device.pk, confirmed_at__isnull=True)
            .first()
        )
        if device is None or not _accept(device, code):
            return False
        device.confirmed_at = timezone.now()
        device.save(update_fields=["confirmed_at"])
        security_event_record(
            event=Code.AUTHENTICATOR_ADDED, request=request, user=device.user, detail=device.name
        )
    return True


@sensitive_variables()
def authenticator_verify(*, user: User, code: str, use: bool = True) -> bool:
    """Whether ``code`` is a current, unused code of one of ``user``'s confirmed apps; that
    app's step is then used up (unless ``use`` is False: the same work, nothing spent, for a
    login whose password was wrong). False (and logged) when a secret cannot be read."""
    with transaction.atomic():
        devices = list(
            AuthenticatorDevice.objects.select_for_update()
            .select_related("user")
            .filter(user=user, confirmed_at__isnull=False)
        )
        if not devices:
            authenticator_decoy(code=code)  # the same work as for one app
        for device in devices:
            try:
                if _accept(device, code, use=use):
                    return True
            except SecurityCodeError as error:
                logger.critical("authenticator secret unusable: %s", error)
    return False


_DECOY_SECRET = pyotp.random_base32()


@sensitive_variables()
def authenticator_decoy(*, code: str) -> None:
    """Work like checking one app, for a name without one (or no account at all)."""
    AuthenticatorDevice.objects.filter(pk=0).exists()
    _matching_step(_DECOY_SECRET, normalise_code(code)[:DIGITS], now=timezone.now().timestamp())


def authenticator_remove(
    *, request: HttpRequest | None, user: User, device: AuthenticatorDevice
) -> None:
    with transaction.atomic():
        deleted, _ = AuthenticatorDevice.objects.filter(pk=device.pk, user=user).delete()
        if deleted:
            security_event_record(
                event=Code.AUTHENTICATOR_REMOVED, request=request, user=user, detail=device.name
            )


def authenticator_reencrypt_all(*, to_key_id: str) -> tuple[int, dict[str, int]]:
    """Re-seal every secret under ``to_key_id``: (how many, failures by old key id)."""
    done, failed = 0, {}
    pending = AuthenticatorDevice.objects.exclude(secret_key_id=to_key_id).values_list(
        "pk", flat=True
    )
    for pk in list(pending):
        with transaction.atomic():
            device = (
                AuthenticatorDevice.objects.select_for_update()
                .select_related("user")
                .filter(pk=pk)
                .first()
            )
            if device is None or device.secret_key_id == to_key_id:
                continue
            try:
                secret = _secret(device)
            except SecurityCodeError:
                failed[device.secret_key_id] = failed.get(device.secret_key_id, 0) + 1
                continue
            device.secret_ciphertext = seal(
                secret.encode("ascii"), purpose=_purpose(device.user), key_id=to_key_id
            )
            device.secret_key_id = to_key_id
            device.save(update_fields=["secret_ciphertext", "secret_key_id"])
            done += 1
    return done, failed
