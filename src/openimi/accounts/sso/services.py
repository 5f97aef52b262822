"""Single sign-on through OpenID Connect: the login and the links made by administrators.

The login (authorization code flow with PKCE S256, state and nonce, through Authlib):

1. ``sso_login_start``: the browser goes to the provider; Authlib keeps state, nonce and the
   code verifier in the (server-side) session.
2. ``sso_login_finish``: the provider sends the browser back with a code. Authlib exchanges
   it and verifies the ID token's signature with the provider's keys (JWKS); here the claims
   are required: ``iss`` is the configured issuer, ``aud`` our client id, ``exp``/``iat``
   within ``OIDC_CLOCK_SKEW_SECONDS``, the ``nonce`` ours, and ``acr`` one of the required
   values when the installation names some. The user is the one a local data administrator
   linked to (provider, ``sub``); never found by e-mail. Then the same gates as every login:
   no service account, no inactive user, no locked name; a new session key; ``sso.login``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openimi.access import policy
from openimi.access.actions import Action
from openimi.accounts.login_state import STEP_SECOND_FACTOR, AccountSetup, LoginAttempt
from openimi.accounts.models import SecurityEvent, SsoLink, User
from openimi.accounts.second_factors import second_factor_required, user_has_second_factor
from openimi.accounts.security_log import security_event_record
from openimi.accounts.services import login_complete, login_is_locked
from openimi.accounts.sso.providers import Provider, provider_get
from openimi.common.errors import ApplicationError

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("openimi.security")

Code = SecurityEvent.Code

# What the session keeps of a single sign-on login: the provider and the ID token, for the
# logout at the provider (id_token_hint), and whether it counts as a second factor.
SESSION_KEY = "openimi.sso"
NEXT_KEY = "openimi.sso.next"


class Outcome:
    LOGGED_IN = "logged_in"
    UNLINKED = "unlinked"  # also an inactive user or a service account: the page is the same
    LOCKED = "locked"
    WEAK = "weak"  # the required acr was not met
    FAILED = "failed"  # the provider refused, or its answer did not verify
    # The authority requires a second factor that the provider's login is not: the user's
    # authenticator app next (SECOND_FACTOR), or its registration first (ENROL).
    SECOND_FACTOR = "second_factor"
    ENROL = "enrol"


@dataclass(frozen=True)
class LoginResult:
    outcome: str
    user: User | None = None
    next_url: str = ""
    subject: str = ""


# --- the login -------------------------------------------------------------------------------


def sso_login_start(
    *, request: HttpRequest, provider: Provider, redirect_uri: str, next_url: str = ""
) -> HttpResponse:
    """The redirect to the provider's authorization endpoint (raises when it is unreachable)."""
    request.session[NEXT_KEY] = next_url
    extra = {}
    if provider.acr_values:
        extra["acr_values"] = " ".join(provider.acr_values)
    language = getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE
    return provider.client().authorize_redirect(
        request, redirect_uri=redirect_uri, ui_locales=language, **extra
    )


def _claims_options(provider: Provider) -> dict:
    return {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": provider.client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }


def id_token_verify(*, provider: Provider, token: dict, nonce: str) -> dict:
    """The claims of ``token["id_token"]`` after every check (signature from the provider's
    JWKS, iss, aud, exp, iat, nonce); raises joserfc's ``JoseError`` when one fails. The login
    applies exactly these checks (``authorize_access_token`` below, same options)."""
    claims = provider.client().parse_id_token(
        token,
        nonce=nonce,
        claims_options=_claims_options(provider),
        leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
    )
    if claims is None:
        raise ValueError("no id_token")
    return dict(claims)


def _failed(request: HttpRequest, provider: Provider, detail: str) -> LoginResult:
    security_event_record(
        event=Code.LOGIN_FAILED, request=request, detail=f"sso {provider.id}: {detail}"
    )
    return LoginResult(Outcome.FAILED)


def _verified_claims(request: HttpRequest, provider: Provider) -> tuple[dict | None, str]:
    """The ID token's claims after every check, or (None, why not)."""
    import requests
    from authlib.integrations.base_client import OAuthError
    from joserfc.errors import JoseError

    try:
        token = provider.client().authorize_access_token(
            request,
            claims_options=_claims_options(provider),
            leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
        )
    except OAuthError as error:
        return None, f"refused ({error.error})"
    except JoseError as error:
        return None, f"id token ({error.error}: {error.description or ''})"
    except requests.RequestException as error:
        logger.warning("sso %s unreachable: %s", provider.id, error)
        return None, "unreachable"
    except (KeyError, TypeError, ValueError) as error:
        return None, f"malformed answer ({type(error).__name__})"
    claims = token.get("userinfo")
    if not claims or "id_token" not in token:
        return None, "no id token"
    return {**claims, "_id_token": token["id_token"]}, ""


def sso_login_finish(*, request: HttpRequest, provider: Provider) -> LoginResult:
    """Back from the provider: verify, find the linked user, open the session."""
    next_url = request.session.pop(NEXT_KEY, "")
    claims, why = _verified_claims(request, provider)
    if claims is None:
        return _failed(request, provider, why)
    subject = str(claims["sub"])
    if provider.acr_values and claims.get("acr") not in provider.acr_values:
        security_event_record(
            event=Code.LOGIN_FAILED,
            request=request,
            detail=f"sso {provider.id}: acr {claims.get('acr') or '-'} not accepted",
        )
        return LoginResult(Outcome.WEAK)
    link = (
        SsoLink.objects.select_related("user").filter(provider=provider.id, subject=subject).first()
    )
    user = link.user if link else None
    if (
        user is None
        or user.is_service_account
        or not user.is_active
        or user.status == User.Status.INACTIVE
    ):
        security_event_record(
            event=Code.LOGIN_FAILED,
            request=request,
            user=user,
            detail=f"sso {provider.id}: {'inactive' if user else 'unlinked'} {subject}",
        )
        return LoginResult(Outcome.UNLINKED, subject=subject)
    if login_is_locked(request=request, username=user.get_username()):
        security_event_record(
            event=Code.LOGIN_REFUSED_LOCKED, request=request, user=user, detail=f"sso {provider.id}"
        )
        return LoginResult(Outcome.LOCKED, user=user)
    LoginAttempt.forget(request.session)
    assert link is not None  # noqa: S101 - user came from it
    link.last_login_at = timezone.now()
    link.save(update_fields=["last_login_at"])
    sso_session = {
        "provider": provider.id,
        "id_token": claims["_id_token"],
        "second_factor": provider.second_factor,
    }
    if second_factor_required(user) and not provider.second_factor:
        # The authority's rule, and the provider's login does not count as a second factor:
        # the user's own factor completes the login (or is registered first). The session
        # keeps its data through login() (the key cycles), so the logout still finds it.
        request.session[SESSION_KEY] = sso_session
        security_event_record(
            event=Code.SSO_LOGIN,
            request=request,
            user=user,
            detail=f"{provider.id}; second factor next",
        )
        if user_has_second_factor(user):
            LoginAttempt(
                username=user.get_username(),
                user_id=user.pk,
                password_ok=True,
                auth_hash=user.get_session_auth_hash(),
                positions=(),
                next_url=next_url,
                sso_provider=provider.id,
            ).save(request.session)
            return LoginResult(Outcome.SECOND_FACTOR, user=user, next_url=next_url)
        AccountSetup(
            user_id=user.pk,
            auth_hash=user.get_session_auth_hash(),
            steps=[STEP_SECOND_FACTOR],
            next_url=next_url,
        ).save(request.session)
        return LoginResult(Outcome.ENROL, user=user, next_url=next_url)
    login_complete(request=request, user=user)  # a new session key, pending → active
    request.session[SESSION_KEY] = sso_session
    security_event_record(event=Code.SSO_LOGIN, request=request, user=user, detail=provider.id)
    return LoginResult(Outcome.LOGGED_IN, user=user, next_url=next_url)


def sso_logout_url(*, session_data: dict | None, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser after the local logout to end the provider's session too:
    its end_session_endpoint with id_token_hint, when it has one; else None."""
    if not isinstance(session_data, dict):
        return None
    provider = provider_get(str(session_data.get("provider", "")))
    if provider is None:
        return None
    try:
        metadata = provider.client().load_server_metadata()
    except Exception as error:  # noqa: BLE001 - the local logout is done; say so in the log
        logger.warning("sso %s: no logout at the provider: %s", provider.id, error)
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    result = provider.client().create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri,
        id_token_hint=session_data.get("id_token") or None,
        client_id=provider.client_id,
    )
    return result["url"]


# --- links, made by a local data administrator -------------------------------------------------


def sso_link_create(
    *,
    actor: User,
    user: User,
    provider: Provider,
    subject: str,
    request: HttpRequest | None = None,
) -> SsoLink:
    """Link ``user`` to ``subject`` at ``provider``: from now on that login opens this account."""
    policy.require(actor, Action.USER_SSO_LINK, user)
    subject = subject.strip()
    if not provider.serves_country(user.authority.country_id if user.authority else None):
        raise ApplicationError(
            _("This provider is not offered to users of this authority."), field="provider"
        )
    if SsoLink.objects.filter(user=user, provider=provider.id).exists():
        raise ApplicationError(
            _("%(name)s already has a login through %(provider)s. Unlink it first.")
            % {"name": user.get_full_name(), "provider": provider.name},
            field="provider",
        )
    try:
        with transaction.atomic():
            link = SsoLink.objects.create(
                user=user, provider=provider.id, subject=subject, linked_by=actor
            )
            security_event_record(
                event=Code.SSO_LINKED,
                request=request,
                user=user,
                detail=f"{provider.id} by {actor.get_username()}",
            )
    except IntegrityError:
        raise ApplicationError(
            _("This identifier is already linked to another user."), field="subject"
        ) from None
    return link


def sso_link_delete(*, actor: User, link: SsoLink, request: HttpRequest | None = None) -> None:
    """Unlink: that login no longer opens the account, and the user's open sessions end (one
    may have come through it)."""
    from openimi.accounts.services import user_sessions_end

    policy.require(actor, Action.USER_SSO_LINK, link.user)
    with transaction.atomic():
        link.delete()
        user_sessions_end(user=link.user, request=request, keep_current=link.user_id == actor.pk)
        security_event_record(
            event=Code.SSO_UNLINKED,
            request=request,
            user=link.user,
            detail=f"{link.provider} by {actor.get_username()}",
        )
