"""The security code: the one module that encrypts, decrypts and compares it.

The seed's security code is 12 characters of which the login asks three at random positions.
A hash cannot check three characters of a secret, so the code is stored encrypted:
AES-256-GCM with a key from the environment (``settings.SECURITY_CODE_KEYS``, by key id), a
random 96-bit nonce per encryption, and the user's primary key as associated data, so that a
ciphertext copied onto another user's row does not decrypt. The plaintext is the code in
UTF-32, so every ciphertext has the same length whatever characters the code holds.

Nothing here logs, returns or stores the code; callers get ``True``/``False``.
"""

from __future__ import annotations

import hmac
import itertools
import os
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

if TYPE_CHECKING:
    from openimi.accounts.models import User

CODE_LENGTH = 12
CHALLENGE_SIZE = 3
_NONCE_BYTES = 12
_ENCODING = "utf-32-le"  # fixed width: the ciphertext length says nothing about the code
# Every set of three distinct positions, in ascending order: 220 of them.
_CHALLENGES: tuple[tuple[int, ...], ...] = tuple(
    itertools.combinations(range(1, CODE_LENGTH + 1), CHALLENGE_SIZE)
)
_CHALLENGE_SALT = "openimi.accounts.security_code.challenge"


class SecurityCodeError(Exception):
    """The stored code cannot be used; an operator must act (the user can do nothing)."""


class SecurityCodeKeyMissing(SecurityCodeError):  # noqa: N818 - reads as a state
    """The key the code was encrypted with is not configured (a copy of the database
    without the key, or a key removed before ``rotate_security_code_key`` ran)."""


class SecurityCodeUnreadable(SecurityCodeError):  # noqa: N818 - reads as a state
    """The ciphertext does not authenticate: wrong key, altered, or moved to another row."""


def security_code_normalise(value: str) -> str:
    """NFC, so that a character typed precomposed or combined compares equal."""
    return unicodedata.normalize("NFC", value)


@sensitive_variables()
def security_code_validate(code: str) -> str:
    """The normalised code, or ValidationError: exactly 12 characters mixing letters, digits
    and symbols, without spaces or invisible characters."""
    code = security_code_normalise(code or "")
    errors = []
    if len(code) != CODE_LENGTH:
        errors.append(
            ValidationError(
                _("The security code must be exactly 12 characters long."), code="length"
            )
        )
    if any(c.isspace() or not c.isprintable() or ord(c) > 0xFFFF for c in code):
        errors.append(
            ValidationError(
                _("Use only letters, digits and symbols: no spaces."), code="characters"
            )
        )
    if not any(c.isalpha() for c in code):
        errors.append(
            ValidationError(_("The security code must contain a letter."), code="no_letter")
        )
    if not any(c.isdigit() for c in code):
        errors.append(
            ValidationError(_("The security code must contain a digit."), code="no_digit")
        )
    if all(c.isalnum() or c.isspace() for c in code):
        errors.append(
            ValidationError(
                _("The security code must contain a symbol, such as # ! - or @."),
                code="no_symbol",
            )
        )
    if errors:
        raise ValidationError(errors)
    return code


# --- keys and encryption --------------------------------------------------------------------


def _key(key_id: str) -> bytes:
    keys = getattr(settings, "SECURITY_CODE_KEYS", None) or {}
    try:
        return keys[key_id]
    except KeyError:
        raise SecurityCodeKeyMissing(
            f"No security code key with id {key_id!r} is configured (SECURITY_CODE_KEYS)."
        ) from None


def _associated_data(user: User) -> bytes:
    if user.pk is None:
        raise ValueError("Save the user before giving it a security code.")
    return f"openimi:security-code:v1:user:{user.pk}".encode()


@sensitive_variables()
def _encrypt(code: str, *, user: User, key_id: str) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_key(key_id)).encrypt(nonce, code.encode(_ENCODING), _associated_data(user))
    return nonce + sealed


@sensitive_variables()
def _decrypt(user: User) -> str:
    blob = bytes(user.security_code_ciphertext or b"")
    key = _key(user.security_code_key_id)
    try:
        plain = AESGCM(key).decrypt(
            blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], _associated_data(user)
        )
    except (InvalidTag, ValueError):
        raise SecurityCodeUnreadable(
            f"The security code of user {user.pk} does not decrypt with key "
            f"{user.security_code_key_id!r}."
        ) from None
    return plain.decode(_ENCODING)


# --- the same sealing for the other secrets of a user (authenticator apps) ---------------------


def current_key_id() -> str:
    return settings.SECURITY_CODE_CURRENT_KEY_ID


@sensitive_variables()
def seal(plain: bytes, *, purpose: str, key_id: str) -> bytes:
    """AES-256-GCM under the security-code key ``key_id``, with a random nonce, bound by
    the associated data ``purpose`` (for example ``openimi:authenticator:v1:user:7``): a
    ciphertext moved to another row or used for another purpose does not open."""
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(_key(key_id)).encrypt(nonce, plain, purpose.encode())


@sensitive_variables()
def unseal(blob: bytes, *, purpose: str, key_id: str) -> bytes:
    """The plaintext of ``seal``; SecurityCodeKeyMissing or SecurityCodeUnreadable."""
    blob = bytes(blob or b"")
    try:
        return AESGCM(_key(key_id)).decrypt(
            blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], purpose.encode()
        )
    except (InvalidTag, ValueError):
        raise SecurityCodeUnreadable(
            f"A sealed secret ({purpose}) does not decrypt with key {key_id!r}."
        ) from None


# --- the interface ----------------------------------------------------------------------------


@sensitive_variables()
def security_code_set(*, user: User, code: str) -> None:
    """Validate ``code`` and store it encrypted under the current key.

    Also forgets the pending challenge: the next login asks new positions.
    """
    code = security_code_validate(code)
    key_id = settings.SECURITY_CODE_CURRENT_KEY_ID
    user.security_code_ciphertext = _encrypt(code, user=user, key_id=key_id)
    user.security_code_key_id = key_id
    user.security_code_set_at = timezone.now()
    user.security_challenge = []
    user.save(
        update_fields=[
            "security_code_ciphertext",
            "security_code_key_id",
            "security_code_set_at",
            "security_challenge",
        ]
    )


def security_code_clear(*, user: User) -> None:
    """Forget the code: the user chooses a new one at the next login."""
    user.security_code_ciphertext = None
    user.security_code_key_id = ""
    user.security_code_set_at = None
    user.security_challenge = []
    user.save(
        update_fields=[
            "security_code_ciphertext",
            "security_code_key_id",
            "security_code_set_at",
            "security_challenge",
        ]
    )


@sensitive_variables()
def security_code_verify(
    *, user: User, positions: Sequence[int], characters: Sequence[str]
) -> bool:
    """Whether ``characters`` are the user's code at ``positions`` (1-based), compared in
    constant time. ``positions=range(1, 13)`` with the whole code checks it in full.

    False when the user has no code or the input is malformed. Raises SecurityCodeError when
    the stored code cannot be decrypted (missing key, altered row): that is no user's fault.
    """
    if not user.has_security_code:
        return False
    positions = tuple(positions)
    characters = [security_code_normalise(c or "") for c in characters]
    well_formed = (
        0 < len(positions) == len(characters)
        and len(set(positions)) == len(positions)
        and all(isinstance(p, int) and 1 <= p <= CODE_LENGTH for p in positions)
    )
    if not well_formed:
        return False
    code = _decrypt(user)
    expected = "".join(code[p - 1] for p in positions).encode(_ENCODING)
    given = "".join(characters).encode(_ENCODING)
    single = all(len(c) == 1 for c in characters)
    return hmac.compare_digest(expected, given) & single


def security_code_challenge_positions(
    *, user: User | None = None, username: str = ""
) -> tuple[int, ...]:
    """The three positions to ask: sorted, distinct, 1-12.

    For a user: the pending challenge, or a new random one that is stored so that it is asked
    again after a failure (until a login succeeds). For a name that is no account: derived
    from an HMAC of the normalised name under a SECRET_KEY-derived key, so it is stable too
    and drawn from the same distribution; nobody can tell the two apart by the positions.
    """
    if user is None:
        name = unicodedata.normalize("NFKC", username).strip().casefold()
        digest = salted_hmac(_CHALLENGE_SALT, name, algorithm="sha256").digest()
        return _CHALLENGES[int.from_bytes(digest, "big") % len(_CHALLENGES)]
    from openimi.accounts.models import User

    with transaction.atomic():
        # Locked, so that two logins started at once agree on the positions.
        row = User.objects.select_for_update().only("security_challenge").get(pk=user.pk)
        stored = tuple(row.security_challenge or ())
        if stored not in _CHALLENGES:
            stored = secrets.choice(_CHALLENGES)
            row.security_challenge = list(stored)
            row.save(update_fields=["security_challenge"])
    user.security_challenge = list(stored)
    return stored


def security_code_challenge_forget(*, user: User) -> None:
    """After a successful login: the next login asks new positions."""
    if user.security_challenge:
        user.security_challenge = []
        user.save(update_fields=["security_challenge"])


@dataclass
class ReencryptResult:
    to_key_id: str
    reencrypted: int = 0
    already_current: int = 0
    failed: dict[str, int] = field(default_factory=dict)

    @property
    def failed_total(self) -> int:
        return sum(self.failed.values())


@sensitive_variables()
def security_code_reencrypt_all(
    *, to_key_id: str | None = None, user_ids: Iterable[int] | None = None
) -> ReencryptResult:
    """Re-encrypt every stored code under ``to_key_id`` (default: the current key).

    Row by row, each under a row lock, so that it can run while people log in and change
    their codes. Codes whose key is missing or that do not decrypt are counted, left as they
    are, and reported by key id; run again once the key is back.
    """
    from openimi.accounts.models import User

    to_key_id = to_key_id or settings.SECURITY_CODE_CURRENT_KEY_ID
    _key(to_key_id)  # fail before touching anything
    result = ReencryptResult(to_key_id=to_key_id)
    with_code = User.objects.filter(security_code_ciphertext__isnull=False).exclude(
        security_code_key_id=""
    )
    if user_ids is not None:
        with_code = with_code.filter(pk__in=list(user_ids))
    result.already_current = with_code.filter(security_code_key_id=to_key_id).count()
    pending = with_code.exclude(security_code_key_id=to_key_id).values_list("pk", flat=True)
    for pk in list(pending):
        with transaction.atomic():
            user = User.objects.select_for_update().filter(pk=pk).first()
            if user is None or not user.has_security_code:
                continue
            if user.security_code_key_id == to_key_id:
                result.already_current += 1
                continue
            try:
                code = _decrypt(user)
            except SecurityCodeError:
                old = user.security_code_key_id
                result.failed[old] = result.failed.get(old, 0) + 1
                continue
            user.security_code_ciphertext = _encrypt(code, user=user, key_id=to_key_id)
            user.security_code_key_id = to_key_id
            user.save(update_fields=["security_code_ciphertext", "security_code_key_id"])
            result.reencrypted += 1
    return result
