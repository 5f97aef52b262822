"""Writes of passkeys: the two WebAuthn ceremonies (py_webauthn checks them) and removal.

Registration (My account): ``passkey_registration_options`` keeps a fresh challenge in the
server-side session; ``passkey_register`` takes it (once, whatever happens), verifies the
browser's answer against it, the origin and the RP id, and stores the public key.

Login (step 2): ``passkey_login_options`` asks for any passkey of this site (empty
allowCredentials: a discoverable credential), so the page and the options are the same for
every user name, known or not. ``passkey_assertion_verify`` checks signature, challenge,
origin, RP id and sign counter, and that the passkey belongs to the user of the login attempt.

Challenges live under their own session keys for ``CHALLENGE_SECONDS`` and are used once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.crypto import salted_hmac
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from openimi.accounts.models import Passkey, SecurityEvent
from openimi.accounts.second_factors import WAY_PASSKEY
from openimi.accounts.security_log import security_event_record
from openimi.accounts.services import LoginOutcome, login_verify_factor

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openimi.accounts.models import User

Code = SecurityEvent.Code

CHALLENGE_SECONDS = 5 * 60
REGISTRATION_KEY = "openimi.passkey.registration"
LOGIN_KEY = "openimi.passkey.login"
RP_NAME = "openimi"

# py_webauthn's errors for an answer that does not verify or cannot be read.
_CEREMONY_ERRORS = (WebAuthnException, ValueError, KeyError, TypeError)


class PasskeyError(Exception):
    """A registration that could not be completed; ``reason`` is for the security log."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RelyingParty:
    id: str
    origins: list[str]


def relying_party(request: HttpRequest) -> RelyingParty:
    """From settings, else from the request: its host (checked against ALLOWED_HOSTS by
    ``get_host``) without the port is the RP id, scheme and host the one origin."""
    host = request.get_host()
    rp_id = settings.WEBAUTHN_RP_ID or split_domain_port(host)[0]
    origins = list(settings.WEBAUTHN_ORIGINS) or [f"{request.scheme}://{host}"]
    return RelyingParty(id=rp_id, origins=origins)


def user_handle(user: User) -> bytes:
    """The WebAuthn user handle: stable per user, and neither a name nor the database id."""
    return salted_hmac("openimi.passkey.user_handle", str(user.pk), algorithm="sha256").digest()


# --- challenges in the session ------------------------------------------------------------------


def _challenge_keep(session, key: str, challenge: bytes, **extra) -> None:
    session[key] = {
        "challenge": bytes_to_base64url(challenge),
        "started_at": timezone.now().timestamp(),
        **extra,
    }


def _challenge_take(session, key: str) -> dict | None:
    """The challenge kept under ``key``, removed from the session; None if none or stale."""
    data = session.pop(key, None)
    if not isinstance(data, dict) or not isinstance(data.get("challenge"), str):
        return None
    started_at = data.get("started_at")
    if not isinstance(started_at, int | float):
        return None
    if not 0 <= timezone.now().timestamp() - started_at <= CHALLENGE_SECONDS:
        return None
    return data


# --- registration ---------------------------------------------------------------------------


def passkey_registration_options(*, request: HttpRequest, user: User) -> str:
    """Options for ``navigator.credentials.create`` (JSON); a new challenge in the session."""
    rp = relying_party(request)
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=RP_NAME,
        user_id=user_handle(user),
        user_name=user.get_username(),
        user_display_name=user.get_full_name() or user.get_username(),
        timeout=CHALLENGE_SECONDS * 1000,
        # One authenticator holds one passkey of this user: the browser says so at once.
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(passkey.credential_id))
            for passkey in Passkey.objects.filter(user=user).only("credential_id")
        ],
        authenticator_selection=AuthenticatorSelectionCriteria(
            # Discoverable, so that the login asks no user name of the authenticator.
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    _challenge_keep(request.session, REGISTRATION_KEY, options.challenge, user_id=user.pk)
    return options_to_json(options)


def passkey_register(*, request: HttpRequest, user: User, name: str, credential: str) -> Passkey:
    """Verify the browser's answer to the registration options and store the passkey.

    Raises ``PasskeyError`` (nothing stored) when there is no fresh challenge of this user or
    the answer does not verify."""
    kept = _challenge_take(request.session, REGISTRATION_KEY)
    if kept is None or kept.get("user_id") != user.pk:
        raise PasskeyError("no_challenge")
    rp = relying_party(request)
    try:
        parsed = parse_registration_credential_json(credential)
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=base64url_to_bytes(kept["challenge"]),
            expected_rp_id=rp.id,
            expected_origin=rp.origins,
            require_user_verification=False,
        )
    except _CEREMONY_ERRORS as error:
        raise PasskeyError(f"registration: {error}"[:100]) from error
    credential_id = bytes_to_base64url(verified.credential_id)
    transports = [t.value for t in (parsed.response.transports or [])]
    with transaction.atomic():
        if Passkey.objects.filter(credential_id=credential_id).exists():
            raise PasskeyError("already_registered")
        passkey = Passkey.objects.create(
            user=user,
            name=name,
            credential_id=credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            transports=transports,
        )
        security_event_record(event=Code.PASSKEY_ADDED, request=request, user=user, detail=name)
    return passkey


def passkey_remove(*, request: HttpRequest, user: User, passkey: Passkey) -> None:
    """Remove a passkey (the policy has checked who may)."""
    with transaction.atomic():
        name = passkey.name
        passkey.delete()
        security_event_record(
            event=Code.PASSKEY_REMOVED, request=request, user=passkey.user, detail=name
        )


# --- login --------------------------------------------------------------------------------------


def passkey_login_options(*, request: HttpRequest) -> str:
    """Options for ``navigator.credentials.get`` (JSON), the same for every user name: no
    allowCredentials, the authenticator offers the passkeys it holds for this site."""
    rp = relying_party(request)
    options = generate_authentication_options(
        rp_id=rp.id,
        timeout=CHALLENGE_SECONDS * 1000,
        allow_credentials=[],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _challenge_keep(request.session, LOGIN_KEY, options.challenge)
    return options_to_json(options)


def passkey_login_challenge_take(*, request: HttpRequest) -> bytes | None:
    """The login challenge, used up now (whatever the outcome of the login)."""
    kept = _challenge_take(request.session, LOGIN_KEY)
    return None if kept is None else base64url_to_bytes(kept["challenge"])


def passkey_assertion_verify(
    *,
    request: HttpRequest,
    user: User,
    credential: str,
    challenge: bytes | None,
    record: bool = True,
) -> bool:
    """Whether ``credential`` (the browser's answer to the login options, JSON) is a valid
    assertion of one of ``user``'s passkeys over ``challenge``. On success the sign counter
    and the time of use are stored and ``passkey.used`` logged, unless ``record`` is False (a
    login whose password was wrong: the same checks, no use noted). Every refusal of a
    readable answer is security-logged."""
    if challenge is None:
        return False
    try:
        parsed = parse_authentication_credential_json(credential)
    except _CEREMONY_ERRORS:
        return False
    credential_id = bytes_to_base64url(parsed.raw_id)
    with transaction.atomic():
        passkey = Passkey.objects.select_for_update().filter(credential_id=credential_id).first()
        if passkey is None or passkey.user_id != user.pk:
            _refused(request, user, "unknown passkey" if passkey is None else "another user's")
            return False
        rp = relying_party(request)
        try:
            # The counter is compared below, so that a regression is told from a bad signature.
            verified = verify_authentication_response(
                credential=parsed,
                expected_challenge=challenge,
                expected_rp_id=rp.id,
                expected_origin=rp.origins,
                credential_public_key=bytes(passkey.public_key),
                credential_current_sign_count=0,
                require_user_verification=False,
            )
        except _CEREMONY_ERRORS as error:
            _refused(request, user, f"{passkey.pk}: {error}")
            return False
        new_count = verified.new_sign_count
        if (new_count or passkey.sign_count) and new_count <= passkey.sign_count:
            # A counter that goes back: the key may have been copied (WebAuthn §6.1.1).
            _refused(
                request,
                user,
                f"{passkey.pk}: sign count {new_count} not above {passkey.sign_count}",
            )
            return False
        if not record:
            return True
        passkey.sign_count = new_count
        passkey.last_used_at = timezone.now()
        passkey.save(update_fields=["sign_count", "last_used_at"])
        security_event_record(
            event=Code.PASSKEY_USED, request=request, user=user, detail=passkey.name
        )
    return True


def passkey_login(*, request: HttpRequest, credential: str, spend: bool = True) -> LoginOutcome:
    """Step 2 with a passkey: the assertion must verify and be the attempt's user's, and the
    password of step 1 must have been right (``login_verify_factor`` decides both). The
    challenge is used up whatever happens; the use is noted only when ``spend`` (the password
    was right)."""
    challenge = passkey_login_challenge_take(request=request)
    return login_verify_factor(
        request=request,
        way=WAY_PASSKEY,
        verify=lambda user: passkey_assertion_verify(
            request=request, user=user, credential=credential, challenge=challenge, record=spend
        ),
        decoy=lambda: _decoy(credential),
    )


def _decoy(credential: str) -> None:
    """For a name that is no account: the same look-up as for one."""
    try:
        raw_id = parse_authentication_credential_json(credential).raw_id
    except _CEREMONY_ERRORS:
        return
    Passkey.objects.filter(credential_id=bytes_to_base64url(raw_id)).exists()


def _refused(request: HttpRequest, user: User, detail: str) -> None:
    security_event_record(event=Code.PASSKEY_REFUSED, request=request, user=user, detail=detail)


def credential_json_valid(value: str) -> bool:
    """Whether ``value`` is a JSON object at all (the form refuses anything else)."""
    try:
        return isinstance(json.loads(value), dict)
    except ValueError:
        return False
