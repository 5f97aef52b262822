"""Writes of the accounts app: the login flow, the own-account changes and the sessions.

The login in three moves:

1. ``login_begin`` (user name + password): refuses nothing and reveals nothing. It checks
   the password (hashing as long for names that are no account), picks the positions to ask
   and keeps the result in the session. Every visitor then sees the same challenge page.
2. ``login_verify`` (three characters): ``authenticate()`` decides password and code
   together; one generic failure whatever was wrong, counted once by django-axes.
3. ``login_complete``: a new session (``login()`` cycles the key), pending → active. A user
   with a temporary password or without a security code first goes through
   ``setup_password_set`` / ``setup_security_code_set`` and is logged in at the end.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import authenticate, login, update_session_auth_hash
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.debug import sensitive_variables

from openimi.accounts.backends import BACKEND_PATH
from openimi.accounts.login_state import (
    LOGIN_AT_KEY,
    STEP_PASSWORD,
    STEP_SECOND_FACTOR,
    STEP_SECURITY_CODE,
    AccountSetup,
    LoginAttempt,
)
from openimi.accounts.models import SecurityEvent, User, UserSession
from openimi.accounts.second_factors import (
    WAY_SECURITY_CODE,
    second_factor_required,
    user_has_second_factor,
)
from openimi.accounts.security_code import (
    security_code_challenge_forget,
    security_code_challenge_positions,
    security_code_clear,
    security_code_set,
)
from openimi.accounts.security_log import security_event_record

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest

Code = SecurityEvent.Code


class LoginExpired(Exception):  # noqa: N818 - a state, not a programming error
    """Step 2 without a (fresh) step 1: start again. Not a failed attempt."""


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    setup: AccountSetup | None = None
    next_url: str = ""
    temporary_password_expired: bool = False
    # The authority requires a second factor and the user has one: the seed's login is refused.
    second_factor_required: bool = False
    # The name is locked (django-axes): the caller answers with ``lockout_response``.
    locked: bool = False

    @property
    def succeeded(self) -> bool:
        return self.user is not None


# --- the login ------------------------------------------------------------------------------


def normalise_username(username: str) -> str:
    return User.normalize_username((username or "").strip())


def login_is_locked(*, request: HttpRequest, username: str) -> bool:
    """Whether django-axes refuses this name now. Names that are no account lock alike."""
    from axes.handlers.proxy import AxesProxyHandler

    return not AxesProxyHandler.is_allowed(request, {"username": normalise_username(username)})


def login_refused_locked(*, request: HttpRequest, username: str) -> None:
    security_event_record(
        event=Code.LOGIN_REFUSED_LOCKED,
        request=request,
        user=User.objects.filter(username=normalise_username(username)).first(),
        username=normalise_username(username),
    )


@sensitive_variables()
def login_begin(
    *, request: HttpRequest, username: str, password: str, next_url: str = ""
) -> LoginAttempt:
    """Step 1: check the password without telling anyone, keep the outcome in the session.

    Counts nothing: only step 2 decides, so step 1 cannot be used to test passwords.
    """
    username = normalise_username(username)
    user = User.objects.filter(username=username).first()
    if user is None:
        # Hash anyway, so that an unknown name takes as long as a known one.
        User().set_password(password)
        password_ok = False
    else:
        # check_password may upgrade the hash (and so the auth hash): read that after it.
        password_ok = user.check_password(password)
    attempt = LoginAttempt(
        username=username,
        user_id=user.pk if user else None,
        password_ok=password_ok,
        auth_hash=user.get_session_auth_hash() if user else "",
        positions=security_code_challenge_positions(user=user, username=username),
        next_url=next_url,
        new_code=user is not None and not user.has_security_code,
    )
    attempt.save(request.session)
    return attempt


def login_attempt_pending(*, request: HttpRequest) -> LoginAttempt | None:
    return LoginAttempt.load(request.session)


@sensitive_variables()
def login_verify(*, request: HttpRequest, characters: list[str]) -> LoginOutcome:
    """Step 2: password and security code together. One attempt, used up whatever happens."""
    attempt = LoginAttempt.load(request.session)
    if attempt is None:
        LoginAttempt.forget(request.session)
        raise LoginExpired
    try:
        user = authenticate(request, username=attempt.username, secret_characters=characters)
    finally:
        LoginAttempt.forget(request.session)
    if user is None:
        reason = getattr(request, "openimi_login_failure", None)
        if reason is not None:  # None: axes refused a locked name (logged by its signal)
            security_event_record(
                event=Code.LOGIN_FAILED,
                request=request,
                user=User.objects.filter(pk=attempt.user_id).first() if attempt.user_id else None,
                username=attempt.username,
                detail=reason,
            )
        return LoginOutcome(user=None)

    security_code_challenge_forget(user=user)
    return _login_go_on(request=request, attempt=attempt, user=user, way=WAY_SECURITY_CODE)


def _attempt_user(attempt: LoginAttempt) -> tuple[User | None, str]:
    """The attempt's user when every gate of the backend passes (else None and why), except
    the password: the caller checks the factor first, so that a wrong password costs the
    same time as a right one."""
    user = User.objects.filter(pk=attempt.user_id).first() if attempt.user_id else None
    if user is None:
        return None, "unknown_user"
    if user.is_service_account:
        return None, "service_account"
    if not user.is_active or user.status == User.Status.INACTIVE:
        return None, "inactive"
    if not constant_time_compare(user.get_session_auth_hash(), attempt.auth_hash):
        return None, "password_changed"
    return user, ""


@sensitive_variables()
def login_verify_factor(
    *,
    request: HttpRequest,
    way: str,
    verify: Callable[[User], bool],
    decoy: Callable[[], None] | None = None,
) -> LoginOutcome:
    """Step 2 by another way than the security code (``second_factors``): an authenticator
    app, a passkey, a recovery code. Like ``login_verify``: one attempt, used up whatever
    happens; success only when the attempt's user exists, its password was right and
    ``verify(user)`` is True; one generic failure otherwise, counted by django-axes like a
    wrong security code. ``verify`` is called for every known name, right password or not
    (so the time says nothing about the password), never with None; for a name that is no
    account ``decoy`` does the same work instead."""
    attempt = LoginAttempt.load(request.session)
    LoginAttempt.forget(request.session)
    if attempt is None:
        raise LoginExpired
    if login_is_locked(request=request, username=attempt.username):
        login_refused_locked(request=request, username=attempt.username)
        return LoginOutcome(user=None, locked=True)
    user, reason = _attempt_user(attempt)
    if user is None:
        if decoy is not None:
            decoy()
        ok = False
    else:
        ok = verify(user)
        if not attempt.password_ok:
            reason = "password"
        elif not ok:
            reason = way
    if not ok or reason:
        security_event_record(
            event=Code.LOGIN_FAILED,
            request=request,
            user=User.objects.filter(pk=attempt.user_id).first() if attempt.user_id else None,
            username=attempt.username,
            detail=f"{way}: {reason}",
        )
        user_login_failed.send(
            sender=__name__, credentials={"username": attempt.username}, request=request
        )
        return LoginOutcome(user=None, locked=bool(getattr(request, "axes_locked_out", False)))
    assert user is not None  # noqa: S101 - ok implies a user
    return _login_go_on(request=request, attempt=attempt, user=user, way=way)


def _login_go_on(
    *, request: HttpRequest, attempt: LoginAttempt, user: User, way: str
) -> LoginOutcome:
    """Both factors were right: refuse what the rules refuse, else the setup steps or the
    session."""
    if temporary_password_expired(user):
        # The secret was right, so saying why is no help to a guesser; no session opens.
        security_event_record(
            event=Code.LOGIN_FAILED,
            request=request,
            user=user,
            username=attempt.username,
            detail="temporary password expired",
        )
        return LoginOutcome(user=None, temporary_password_expired=True)
    rule = second_factor_required(user)
    has_factor = user_has_second_factor(user)
    if rule and has_factor and way == WAY_SECURITY_CODE:
        # The authority's rule: the seed's login alone is not enough for a user who has a
        # factor. Said only now that password and code were right, like an expired password.
        security_event_record(
            event=Code.LOGIN_FAILED,
            request=request,
            user=user,
            username=attempt.username,
            detail="second factor required",
        )
        return LoginOutcome(user=None, second_factor_required=True)
    steps = []
    if user.must_change_password:
        steps.append(STEP_PASSWORD)
    if not user.has_security_code and not attempt.sso_provider:
        steps.append(STEP_SECURITY_CODE)
    if rule and not has_factor:
        steps.append(STEP_SECOND_FACTOR)
    detail = "" if way == WAY_SECURITY_CODE else f"way: {way}"
    if attempt.sso_provider:
        detail = f"sso {attempt.sso_provider}; {detail}"
    if steps:
        detail = "; ".join(filter(None, [detail, "setup: " + ", ".join(steps)]))
    security_event_record(event=Code.LOGIN_SUCCEEDED, request=request, user=user, detail=detail)
    if steps:
        setup = AccountSetup(
            user_id=user.pk,
            auth_hash=user.get_session_auth_hash(),
            steps=steps,
            next_url=attempt.next_url,
        )
        setup.save(request.session)
        return LoginOutcome(user=user, setup=setup, next_url=attempt.next_url)
    login_complete(request=request, user=user)
    return LoginOutcome(user=user, next_url=attempt.next_url)


def temporary_password_expired(user: User) -> bool:
    """Whether ``user`` still has a temporary password, past its validity."""
    expires = user.temporary_password_expires_at
    return user.must_change_password and expires is not None and timezone.now() >= expires


def login_complete(*, request: HttpRequest, user: User) -> None:
    """Open the session: a new session key, and pending → active at the first full login."""
    AccountSetup.forget(request.session)
    login(request, user, backend=BACKEND_PATH)
    if user.status == User.Status.PENDING:
        user.status = User.Status.ACTIVE
        user.save(update_fields=["status"])
        security_event_record(event=Code.ACCOUNT_ACTIVATED, request=request, user=user)


def account_setup_pending(*, request: HttpRequest) -> tuple[AccountSetup, User] | None:
    """The setup in progress, if it is fresh and still fits the user (same password)."""
    setup = AccountSetup.load(request.session)
    if setup is None:
        return None
    user = User.objects.filter(pk=setup.user_id, is_active=True).first()
    if (
        user is None
        or user.status == User.Status.INACTIVE
        or not constant_time_compare(user.get_session_auth_hash(), setup.auth_hash)
    ):
        AccountSetup.forget(request.session)
        return None
    return setup, user


def _setup_step_done(*, request: HttpRequest, setup: AccountSetup, user: User, step: str) -> bool:
    """Record ``step`` as done; True when the session was opened (nothing left to do)."""
    setup.steps = [s for s in setup.steps if s != step]
    setup.auth_hash = user.get_session_auth_hash()
    if setup.steps:
        setup.save(request.session)
        return False
    login_complete(request=request, user=user)
    return True


@sensitive_variables()
def setup_password_set(
    *, request: HttpRequest, setup: AccountSetup, user: User, password: str
) -> bool:
    """First login (or after a reset): replace the temporary password."""
    _password_store(user=user, password=password)
    user_sessions_end(user=user, request=request)
    security_event_record(event=Code.PASSWORD_CHANGED, request=request, user=user)
    return _setup_step_done(request=request, setup=setup, user=user, step=STEP_PASSWORD)


@sensitive_variables()
def setup_security_code_set(
    *, request: HttpRequest, setup: AccountSetup, user: User, code: str
) -> bool:
    """First login (or after a reset): choose the security code."""
    security_code_set(user=user, code=code)
    security_event_record(event=Code.SECURITY_CODE_SET, request=request, user=user)
    return _setup_step_done(request=request, setup=setup, user=user, step=STEP_SECURITY_CODE)


@sensitive_variables()
def setup_second_factor_set(
    *, request: HttpRequest, setup: AccountSetup, user: User, enrolment, code: str
) -> bool | None:
    """The authority requires a second factor: confirm the app registered during the login.
    None when the code was wrong (the app does not count yet); else whether the session
    opened."""
    from openimi.accounts.authenticators import authenticator_confirm

    if not authenticator_confirm(request=request, enrolment=enrolment, code=code):
        return None
    return _setup_step_done(request=request, setup=setup, user=user, step=STEP_SECOND_FACTOR)


# --- own account -----------------------------------------------------------------------------


def credential_check_failed(*, request: HttpRequest, user: User, event: str) -> None:
    """A wrong current password or code on an own-account page counts like a failed login:
    otherwise a borrowed session could try codes without limit."""
    security_event_record(event=event, request=request, user=user)
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


@sensitive_variables()
def _password_store(*, user: User, password: str) -> None:
    user.set_password(password)
    user.must_change_password = False
    user.temporary_password_expires_at = None
    user.save(update_fields=["password", "must_change_password", "temporary_password_expires_at"])


@sensitive_variables()
def password_change(*, request: HttpRequest, user: User, password: str) -> None:
    """Change the own password: every other session ends, this one goes on (new key)."""
    with transaction.atomic():
        _password_store(user=user, password=password)
        user_sessions_end(user=user, request=request, keep_current=True)
        old_key = request.session.session_key
        update_session_auth_hash(request, user)  # cycles the session key
        _user_session_rekey(user=user, old_key=old_key, new_key=request.session.session_key)
        security_event_record(event=Code.PASSWORD_CHANGED, request=request, user=user)


@sensitive_variables()
def security_code_change(*, request: HttpRequest, user: User, code: str) -> None:
    """Change the own security code; the other sessions end, as for a password."""
    with transaction.atomic():
        security_code_set(user=user, code=code)
        user_sessions_end(user=user, request=request, keep_current=True)
        security_event_record(event=Code.SECURITY_CODE_CHANGED, request=request, user=user)


def account_preferences_update(
    *, user: User, language: str, phone: str, email_frequency: str | None = None
) -> User:
    from openimi.notifications.services import notification_preference_set

    with transaction.atomic():
        user.language = language
        user.phone = phone
        user.save(update_fields=["language", "phone"])
        if email_frequency is not None:  # the daily digest or not (notifications)
            notification_preference_set(user=user, email_frequency=email_frequency)
    return user


# --- sessions ---------------------------------------------------------------------------------


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def user_session_record(*, request: HttpRequest, user: User) -> None:
    """At login: note the session (to end it later) and when it began (absolute lifetime)."""
    session = request.session
    session[LOGIN_AT_KEY] = timezone.now().timestamp()
    if session.session_key is None:
        session.save()
    # Records older than the absolute lifetime name sessions that cannot be valid any more.
    cutoff = timezone.now() - timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS)
    UserSession.objects.filter(user=user, created_at__lt=cutoff).delete()
    UserSession.objects.update_or_create(session_key=session.session_key, defaults={"user": user})


def user_session_forget(*, request: HttpRequest) -> None:
    key = request.session.session_key
    if key:
        UserSession.objects.filter(session_key=key).delete()


def _user_session_rekey(*, user: User, old_key: str | None, new_key: str | None) -> None:
    if old_key:
        UserSession.objects.filter(session_key=old_key).delete()
    if new_key:
        UserSession.objects.update_or_create(session_key=new_key, defaults={"user": user})


def user_sessions_end(
    *, user: User, request: HttpRequest | None = None, keep_current: bool = False
) -> int:
    """End the user's sessions (all, or all but the current one); returns how many.

    Works from the UserSession records written at each login, through the configured session
    engine, so no scan of the session table is needed.
    """
    keep = request.session.session_key if keep_current and request is not None else None
    records = UserSession.objects.filter(user=user)
    if keep:
        records = records.exclude(session_key=keep)
    keys = list(records.values_list("session_key", flat=True))
    store = _session_store()
    for key in keys:
        store(session_key=key).delete()
    records.delete()
    if keys:
        security_event_record(
            event=Code.SESSIONS_ENDED, request=request, user=user, detail=str(len(keys))
        )
    return len(keys)


# --- for the local data administrator (the pages come with user management) -----------------

_TEMPORARY_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


@sensitive_variables()
def user_password_reset(
    *,
    user: User,
    actor: User | None = None,
    request: HttpRequest | None = None,
    clear_security_code: bool = False,
    temporary: str | None = None,
) -> str:
    """Give ``user`` a new temporary password (returned once, to be sent to them), end all
    their sessions and lift a lockout. Optionally forget the security code as well.

    ``temporary`` is the password to give; by default one is generated here. (User
    management passes its own, in the readable format of ``users.services``.)"""
    from axes.handlers.proxy import AxesProxyHandler

    if temporary is None:
        temporary = "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(16))
    with transaction.atomic():
        user.set_password(temporary)
        user.must_change_password = True
        user.temporary_password_expires_at = None  # set when its e-mail is written
        user.save(
            update_fields=["password", "must_change_password", "temporary_password_expires_at"]
        )
        if clear_security_code:
            security_code_clear(user=user)
        user_sessions_end(user=user, request=request)
        by = f"by {actor.get_username()}" if actor else ""
        security_event_record(event=Code.PASSWORD_RESET, request=request, user=user, detail=by)
        if clear_security_code:
            security_event_record(
                event=Code.SECURITY_CODE_RESET, request=request, user=user, detail=by
            )
    AxesProxyHandler.reset_attempts(username=user.get_username())
    return temporary


def user_deactivate(
    *, user: User, actor: User | None = None, request: HttpRequest | None = None
) -> None:
    """The user may no longer log in; every session of theirs ends now."""
    with transaction.atomic():
        user.status = User.Status.INACTIVE
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.save(update_fields=["status", "is_active", "deactivated_at"])
        user_sessions_end(user=user, request=request)
        security_event_record(
            event=Code.ACCOUNT_DEACTIVATED,
            request=request,
            user=user,
            detail=f"by {actor.get_username()}" if actor else "",
        )


# --- people who left ------------------------------------------------------------------------


def _former_username(user: User) -> str:
    return f"former-{user.pk}"


def users_anonymise(*, now: datetime | None = None) -> int:
    """Remove the name, e-mail, telephone and department of the users who left: deleted
    (inactive) ``USERS_ANONYMISE_AFTER_DAYS`` ago, or invited and never logged in for that
    long (deleted now, then anonymised). Each keeps a stable pseudonym, "Former user <number>"
    (``User.get_full_name``), under which the history of requests, reports and the security
    log go on naming them; the user name becomes ``former-<number>`` there too. Returns how
    many were anonymised. Run by the daily retention job (``retention.tasks``)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.USERS_ANONYMISE_AFTER_DAYS)
    never_used = User.objects.filter(
        status=User.Status.PENDING, last_login__isnull=True, date_joined__lt=cutoff
    )
    for user in never_used:
        user_deactivate(user=user)
        User.objects.filter(pk=user.pk).update(deactivated_at=user.date_joined)
    left = User.objects.filter(
        status=User.Status.INACTIVE, anonymised_at__isnull=True, deactivated_at__lt=cutoff
    )
    count = 0
    for pk in left.values_list("pk", flat=True):
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=pk)
            if user.anonymised_at is not None:
                continue
            _anonymise(user, now=now)
            count += 1
    return count


def _anonymise(user: User, *, now: datetime) -> None:
    old = user.username
    user.username = _former_username(user)
    user.first_name, user.last_name = "", f"#{user.pk}"
    user.email, user.phone, user.department = "", "", ""
    user.anonymised_at = now
    user.set_unusable_password()
    user.save(
        update_fields=[
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "department",
            "anonymised_at",
            "password",
        ]
    )
    # The security log names people by the user name typed or acted under ("by <name>").
    SecurityEvent.objects.filter(user=user).update(username_attempted=user.username)
    SecurityEvent.objects.filter(username_attempted__iexact=old).update(
        username_attempted=user.username
    )
    by_old = re.compile(rf"\bby {re.escape(old)}(?![\w.@-])")
    for event in SecurityEvent.objects.filter(detail__contains=f"by {old}"):
        detail = by_old.sub(f"by {user.username}", event.detail)
        if detail != event.detail:
            SecurityEvent.objects.filter(pk=event.pk).update(detail=detail)
    security_event_record(event=Code.ACCOUNT_ANONYMISED, user=user)
