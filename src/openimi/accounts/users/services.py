"""Writes of user administration, for an authority's local data administrators (seed 6.1, 6.2).

Every service takes keyword arguments, runs in one transaction, locks the authority row
first (so that two administrators working at once cannot together remove the last local
data administrator) and then the user row, asks the policy, and writes the security log.

Decisions (see also docs/security.md, "User management"):

- **User names** are ``first.last``: each name folded to ASCII (a few letters NFKD cannot
  fold, Bulgarian Cyrillic and Greek are transliterated), lower case, letters and digits
  only ("Pieter de Kort" → ``pieter.dekort``, "Zoë Ångström-Ørsted" → ``zoe.angstromorsted``);
  a number is added when the name is taken (``pieter.dekort2``). The administrator may edit
  it while the user is *pending*.
- **The first temporary password** leaves ``settings.TEMPORARY_PASSWORD_DELAY`` (24 hours,
  as in the seed) after the account is made, through the outbox. **A reset** sends the new
  one at once: the user is waiting for it, and the reset already ended their sessions.
- **Deleting**: a pending user who never logged in is removed entirely (nothing refers to
  them); anyone else becomes *inactive* (cannot log in, sessions ended) and stays for the
  record of what they did. Either way, a user with open requests cannot be deleted.
- **The last administrator**: an authority always keeps one local data administrator who
  has logged in at least once; a change that would leave none is refused.
- **The secret**: the temporary password exists in plain text only in the outbox row of its
  e-mail; ``tasks.temporary_password_scrub_task`` blanks that row once it is sent or given
  up, and cancelling a waiting one blanks it at once. It is never logged.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from openimi.access import policy
from openimi.access import roles as access_roles
from openimi.access.policy import Action
from openimi.accounts import services as account_services
from openimi.accounts.models import Role, RoleGrant, SecurityEvent, User
from openimi.accounts.security_code import security_code_clear
from openimi.accounts.security_log import security_event_record
from openimi.accounts.users import password_mail, selectors
from openimi.accounts.users import roles as role_rules
from openimi.accounts.users.credentials import (
    USERNAME_PATTERN,
    temporary_password_generate,
    username_generate,
)
from openimi.authorities.models import Authority
from openimi.common.errors import ApplicationError
from openimi.notifications.models import OutboxMessage

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openimi.exchange.models import InformationRequest

RoleSpec = role_rules.RoleSpec

# Security log codes of user administration. (SecurityEvent.Code does not list them yet.)
EVENT_CREATED = SecurityEvent.Code.ACCOUNT_CREATED
EVENT_CHANGED = SecurityEvent.Code.ACCOUNT_CHANGED
EVENT_DELETED = SecurityEvent.Code.ACCOUNT_DELETED
EVENT_ROLES_CHANGED = role_rules.EVENT_ROLES_CHANGED

# The seed's mandatory fields: locked while the user has requests assigned (seed 6.2).
MANDATORY_FIELDS = ("first_name", "last_name", "language", "email")
_DETAIL_FIELDS = (*MANDATORY_FIELDS, "phone", "department")


class OpenRequestsError(ApplicationError):
    """The user still has requests assigned; ``requests`` says which."""

    def __init__(self, message: str, *, requests: list[InformationRequest]):
        super().__init__(message)
        self.requests = requests


# --- the services -----------------------------------------------------------------------------


@sensitive_variables("temporary")
def user_create(
    *,
    actor: User,
    authority: Authority,
    first_name: str,
    last_name: str,
    language: str,
    email: str,
    phone: str,
    roles: list[RoleSpec],
    department: str = "",
    username: str | None = None,
    service_account: bool = False,
    request: HttpRequest | None = None,
) -> User:
    """Add a user to ``authority`` (pending until the first login) with ``roles``.

    The user name is made from the names unless given. A temporary password is e-mailed
    after ``settings.TEMPORARY_PASSWORD_DELAY``; the administrator hands the user name over
    outside openimi.

    A ``service_account`` (a back-office system, issue 16) is active at once and never logs
    in: no usable password, no e-mail; its name is ``first_name`` (the last name may stay
    empty), ``email`` its contact address. It works through API tokens that the authority's
    local data administrators make (``api.tokens``), and may not be a local data
    administrator itself.
    """
    with transaction.atomic():
        authority = Authority.objects.select_for_update().get(pk=authority.pk)
        policy.require(actor, Action.USER_MANAGE, authority)
        details = _clean_details(
            authority=authority,
            first_name=first_name,
            last_name=last_name,
            language=language,
            email=email,
            phone=phone,
            department=department,
            service_account=service_account,
        )
        wanted = role_rules.checked_roles(
            authority=authority, roles=roles, service_account=service_account
        )
        temporary = None if service_account else temporary_password_generate()
        user = _insert_user(
            authority=authority,
            details=details,
            username=username,
            password=temporary,
            service_account=service_account,
        )
        RoleGrant.objects.bulk_create(
            RoleGrant(user=user, role=role, area_id=area_id) for role, area_id in sorted(wanted)
        )
        by = f"by {actor.get_username()}"
        created = f"service account {by}" if service_account else by
        security_event_record(event=EVENT_CREATED, request=request, user=user, detail=created)
        if wanted:
            security_event_record(
                event=EVENT_ROLES_CHANGED,
                request=request,
                user=user,
                detail=role_rules.roles_detail(by, added=wanted, removed=set()),
            )
        if temporary is not None:
            password_mail.temporary_password_send(
                user=user, password=temporary, send_after=timezone.now() + _delay(), first=True
            )
    return user


def user_update(
    *,
    actor: User,
    user: User,
    first_name: str,
    last_name: str,
    language: str,
    email: str,
    phone: str,
    department: str | None = None,
    username: str | None = None,
    roles: list[RoleSpec] | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Change a user's details (and, when ``roles`` is given, their roles) in one go.

    The first name, last name, language and e-mail are locked while the user has requests
    assigned; the user name may change only while the user is pending. A pending user whose
    e-mail address or language changes gets a new temporary password at the new address
    (the old one, perhaps sent to a mistyped address, stops working). ``department``
    None keeps the user's department.
    """
    with transaction.atomic():
        user = _lock_for_change(actor=actor, user=user)
        details = _clean_details(
            authority=user.authority,
            first_name=first_name,
            last_name=last_name,
            language=language,
            email=email,
            phone=phone,
            department=user.department if department is None else department,
            service_account=user.is_service_account,
        )
        changed = [name for name in _DETAIL_FIELDS if getattr(user, name) != details[name]]
        locked = [name for name in changed if name in MANDATORY_FIELDS]
        if locked and selectors.open_request_list(user=user).exists():
            raise ApplicationError(
                _(
                    "%(name)s has requests assigned. The first name, last name, language and "
                    "e-mail address can be changed when those requests are handled."
                )
                % {"name": user.get_full_name()},
                field=locked[0],
            )
        if username is not None and username != user.username:
            if user.status != User.Status.PENDING:
                raise ApplicationError(
                    _("The username can no longer be changed: this user has logged in."),
                    field="username",
                )
            _check_username_free(username, exclude_pk=user.pk)
            changed.append("username")
            details["username"] = username
        for name in changed:
            setattr(user, name, details[name])
        if changed:
            try:
                with transaction.atomic():
                    user.save(update_fields=changed)
            except IntegrityError as taken:
                raise _username_taken() from taken
            security_event_record(
                event=EVENT_CHANGED,
                request=request,
                user=user,
                detail=f"by {actor.get_username()}: {', '.join(changed)}",
            )
        if user.status == User.Status.PENDING and {"email", "language"} & set(changed):
            _reissue_first_password(user=user, email_changed="email" in changed)
        if roles is not None:
            role_rules.roles_apply(actor=actor, user=user, roles=roles, request=request)
    return user


def user_roles_set(
    *, actor: User, user: User, roles: list[RoleSpec], request: HttpRequest | None = None
) -> User:
    """Give ``user`` exactly ``roles``. The authority keeps a local data administrator who has
    logged in, and a handler keeps the role for areas where they have open requests."""
    with transaction.atomic():
        user = _lock_for_change(actor=actor, user=user)
        role_rules.roles_apply(actor=actor, user=user, roles=roles, request=request)
    return user


@sensitive_variables("temporary")
def user_reset_password(
    *, actor: User, user: User, request: HttpRequest | None = None
) -> OutboxMessage:
    """A new temporary password, e-mailed at once; the user must change it at the next login.

    The security code stays; every session of the user ends and a lockout is lifted
    (``accounts.services.user_password_reset``). A temporary password still waiting in the
    outbox is cancelled: it no longer works.
    """
    with transaction.atomic():
        user = _lock_for_change(actor=actor, user=user)
        _refuse_service_account(user)
        if user.pk == actor.pk:
            raise ApplicationError(_("To change your own password, go to My account."))
        password_mail.temporary_passwords_cancel(user=user)
        temporary = temporary_password_generate()
        account_services.user_password_reset(
            user=user, actor=actor, request=request, temporary=temporary
        )
        return password_mail.temporary_password_send(
            user=user,
            password=temporary,
            send_after=None,
            first=user.status == User.Status.PENDING,
        )


def user_unlock(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """Lift the lockout of ``user`` (too many failed logins) before the cool-off ends.

    Refused (``ApplicationError``) when the user is not locked. The password and security code
    stay: the user logs in as before.
    """
    from axes.handlers.proxy import AxesProxyHandler

    with transaction.atomic():
        user = _lock_for_change(actor=actor, user=user)
        if not selectors.user_is_locked(user=user):
            raise ApplicationError(
                _("%(name)s is not locked.") % {"name": user.get_full_name() or user.username}
            )
        AxesProxyHandler.reset_attempts(username=user.get_username())
        security_event_record(
            event=SecurityEvent.Code.ACCOUNT_UNLOCKED,
            request=request,
            user=user,
            detail=f"by {actor.get_username()}",
        )


def user_reset_security_code(
    *, actor: User, user: User, request: HttpRequest | None = None
) -> None:
    """Forget ``user``'s security code: they choose a new one at the next login, after their
    password. Every session of theirs ends and a lockout is lifted (a user who forgot the code
    has usually locked themselves out trying). Not for the administrator's own account (My
    account changes it, with the current code)."""
    from axes.handlers.proxy import AxesProxyHandler

    with transaction.atomic():
        user = _lock_for_change(actor=actor, user=user)
        _refuse_service_account(user)
        if user.pk == actor.pk:
            raise ApplicationError(_("To change your own security code, go to My account."))
        security_code_clear(user=user)
        account_services.user_sessions_end(user=user, request=request)
        security_event_record(
            event=SecurityEvent.Code.SECURITY_CODE_RESET,
            request=request,
            user=user,
            detail=f"by {actor.get_username()}",
        )
        AxesProxyHandler.reset_attempts(username=user.get_username())


def user_delete(*, actor: User, user: User, request: HttpRequest | None = None) -> bool:
    """Delete a user; True when removed entirely, False when kept as inactive.

    Refused while the user has open requests (``OpenRequestsError`` names them), when they
    are the authority's last local data administrator who has logged in, and for the
    administrator's own account (seed 4.3: the new administrator deletes the old one, so no
    one locks themselves out by mistake). A pending user who
    never logged in is removed; anyone else can no longer log in (their sessions end) and
    stays for the record.
    """
    with transaction.atomic():
        user = _lock_for_change(actor=actor, user=user)
        open_requests = list(selectors.open_request_list(user=user))
        if open_requests:
            raise OpenRequestsError(
                _(
                    "%(name)s still has requests assigned. They can be deleted when those "
                    "requests are handled or given to someone else."
                )
                % {"name": user.get_full_name()},
                requests=open_requests,
            )
        if access_roles.holds_stored_role(user, Role.LOCAL_DATA_ADMINISTRATOR):
            role_rules.check_not_last_administrator(actor=actor, user=user)
        if user.pk == actor.pk:
            raise ApplicationError(
                _(
                    "You cannot delete your own account. Ask another local data administrator "
                    "of your authority to do it."
                )
            )
        password_mail.temporary_passwords_cancel(user=user)
        by = f"by {actor.get_username()}"
        if user.status == User.Status.PENDING and user.last_login is None:
            username, pk = user.get_username(), user.pk
            try:
                with transaction.atomic():
                    user.delete()
            except (ProtectedError, RestrictedError):
                pass  # something refers to them after all: keep them, inactive
            else:
                security_event_record(
                    event=EVENT_DELETED, request=request, username=username, detail=f"#{pk} {by}"
                )
                return True
        account_services.user_deactivate(user=user, actor=actor, request=request)
        return False


# --- helpers ------------------------------------------------------------------------------------


def _delay() -> timedelta:
    return settings.TEMPORARY_PASSWORD_DELAY


def _lock_for_change(*, actor: User, user: User) -> User:
    """Lock the user's authority, then the user; ask the policy; refuse deleted users."""
    if user.authority_id is not None:
        Authority.objects.select_for_update().filter(pk=user.authority_id).first()
    user = User.objects.select_for_update().get(pk=user.pk)
    policy.require(actor, Action.USER_CHANGE, user)
    if user.status == User.Status.INACTIVE or not user.is_active:
        raise ApplicationError(_("This user has been deleted."))
    return user


def _refuse_service_account(user: User) -> None:
    if user.is_service_account:
        raise ApplicationError(
            _("A service account has no password or security code: it works with API tokens.")
        )


def _clean_details(
    *, authority: Authority | None, service_account: bool = False, **values: str
) -> dict[str, str]:
    details = {name: " ".join((values.get(name) or "").split()) for name in _DETAIL_FIELDS}
    if len(details["department"]) > (User._meta.get_field("department").max_length or 0):
        raise ApplicationError(
            _("Enter a department of at most 200 characters."), field="department"
        )
    for name in MANDATORY_FIELDS:
        if service_account and name == "last_name":
            continue  # a system has one name
        if not details[name]:
            raise ApplicationError(_("This field is required."), field=name)
    if details["language"] not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Choose a language from the list."), field="language")
    details["email"] = User.objects.normalize_email(details["email"])
    try:
        validate_email(details["email"])
    except ValidationError as invalid:
        raise ApplicationError(
            _("Enter an e-mail address like name@example.org."), field="email"
        ) from invalid
    # The form starts the telephone with the country's prefix: the prefix alone is no number.
    prefix = authority.country.phone_prefix if authority is not None else ""
    if prefix and details["phone"].replace(" ", "") == prefix:
        details["phone"] = ""
    return details


def _username_taken() -> ApplicationError:
    return ApplicationError(_("This username is taken. Choose another."), field="username")


def _check_username_free(username: str, *, exclude_pk: int | None = None) -> None:
    if not USERNAME_PATTERN.match(username):
        raise ApplicationError(
            _(
                "Use lower-case letters a to z, digits, and . - or _ between them "
                "(no spaces or accents)."
            ),
            field="username",
        )
    same = User.objects.filter(username__iexact=username)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise _username_taken()


@sensitive_variables("password")
def _insert_user(
    *,
    authority: Authority,
    details: dict[str, str],
    username: str | None,
    password: str | None,
    service_account: bool = False,
) -> User:
    """Insert the user; a generated name taken a moment ago by someone else is made again.
    A service account gets an unusable password (``password`` None) and is active at once."""
    if username is not None:
        _check_username_free(username)
    hashed = make_password(password)  # None: an unusable password
    for _attempt in range(5):
        name = username or username_generate(details["first_name"], details["last_name"])
        user = User(
            authority=authority,
            username=name,
            status=User.Status.ACTIVE if service_account else User.Status.PENDING,
            must_change_password=not service_account,
            is_service_account=service_account,
            is_active=True,
            **details,
        )
        user.password = hashed
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as taken:
            if username is not None:
                raise _username_taken() from taken
            continue
        return user
    raise _username_taken()


@sensitive_variables("temporary")
def _reissue_first_password(*, user: User, email_changed: bool) -> None:
    """A pending user's address or language changed. A temporary password still waiting is
    replaced by a new one in the new language, to the new address, due at the same time.
    After it has gone, only a new address gets a new password (now): the old address may
    have been mistyped, and the password sent there must stop working."""
    was_due = password_mail.temporary_passwords_cancel(user=user)
    if was_due is None and not email_changed:
        return
    temporary = temporary_password_generate()
    user.set_password(temporary)
    user.save(update_fields=["password"])
    now = timezone.now()
    send_after = was_due if was_due is not None and was_due > now else None
    password_mail.temporary_password_send(
        user=user, password=temporary, send_after=send_after, first=True
    )


@sensitive_variables("temporary")
def user_create_first_administrator(
    *,
    actor: User,
    authority: Authority,
    first_name: str,
    last_name: str,
    language: str,
    email: str,
    phone: str = "",
    username: str | None = None,
    request: HttpRequest | None = None,
) -> User:
    """The first local data administrator of an authority being registered (issue 19,
    ``network.services.registration``): made like ``user_create`` makes a user (pending, the
    temporary password e-mailed after ``settings.TEMPORARY_PASSWORD_DELAY``), but asked of the
    policy as ``AUTHORITY_REGISTER`` of the authority's country: the actor is a coordinator or
    the network administrator, not an administrator of the new authority."""
    with transaction.atomic():
        authority = Authority.objects.select_for_update().get(pk=authority.pk)
        policy.require(actor, Action.AUTHORITY_REGISTER, authority.country)
        details = _clean_details(
            authority=authority,
            first_name=first_name,
            last_name=last_name,
            language=language,
            email=email,
            phone=phone,
            department="",
        )
        temporary = temporary_password_generate()
        user = _insert_user(
            authority=authority, details=details, username=username, password=temporary
        )
        wanted = {(str(Role.LOCAL_DATA_ADMINISTRATOR), None)}
        RoleGrant.objects.bulk_create(
            RoleGrant(user=user, role=role, area_id=area_id) for role, area_id in wanted
        )
        by = f"by {actor.get_username()}"
        security_event_record(
            event=EVENT_CREATED, request=request, user=user, detail=f"{by} (registration)"
        )
        security_event_record(
            event=EVENT_ROLES_CHANGED,
            request=request,
            user=user,
            detail=role_rules.roles_detail(by, added=wanted, removed=set()),
        )
        password_mail.temporary_password_send(
            user=user, password=temporary, send_after=timezone.now() + _delay(), first=True
        )
    return user
