"""The installation's operators: network administrators, made on the command line
(``openimi network_admin``, issue 19).

A network administrator is a user of no authority (``User.authority`` is None) holding
``Role.NETWORK_ADMINISTRATOR``. Nobody in openimi can make the first one (local data
administrators can neither grant nor take away the role), so the operator of the
installation does, with shell access to it. Like everyone, the new user logs in first with a
temporary password and then chooses their own password and security code.

Decisions:

- The temporary password is printed once by the command, or e-mailed at once (``mail``):
  whoever runs the command already holds the installation, so there is no 24-hour delay, and
  it does not expire (``temporary_password_expires_at`` stays empty) unless it was e-mailed.
- ``grant`` also works for a user of an authority (a coordinator's officer may run the
  network); ``revoke`` refuses to take the role from the last active network administrator,
  so that an installation always keeps one.
- Every change is written to the security log with ``by the command line``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from openimi.accounts.models import Role, RoleGrant, SecurityEvent, User
from openimi.accounts.security_log import security_event_record
from openimi.accounts.users import password_mail
from openimi.accounts.users.credentials import USERNAME_PATTERN, temporary_password_generate
from openimi.common.errors import ApplicationError
from openimi.common.validators import CONTROL_CHARACTERS, prohibit_control_characters

BY = "by the command line"
EVENT_ROLES_CHANGED = SecurityEvent.Code.ROLES_CHANGED


@dataclass(frozen=True)
class Created:
    user: User
    # The temporary password, to be shown once; None when it was e-mailed.
    temporary_password: str | None


def _language_codes() -> set[str]:
    from django.conf import settings

    return {code for code, _name in settings.LANGUAGES}


def _clean(value: str, field: str, *, max_length: int = 150) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(_("This field is required."), field=field)
    if CONTROL_CHARACTERS.search(value):
        raise ApplicationError(str(prohibit_control_characters.message), field=field)
    if len(value) > max_length:
        raise ApplicationError(
            _("Use at most %(count)d characters.") % {"count": max_length}, field=field
        )
    return value


@sensitive_variables("temporary")
def network_administrator_create(
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    language: str = "en",
    mail: bool = False,
) -> Created:
    """Make a user of no authority holding the network administrator's role, with a
    temporary password to change at the first login (then the security code is chosen).

    The password is returned once, or e-mailed now with ``mail`` (then not returned)."""
    username = _clean(username, "username").lower()
    if not USERNAME_PATTERN.match(username):
        raise ApplicationError(
            _(
                "Use lower-case letters a to z, digits, and . - or _ between them "
                "(no spaces or accents)."
            ),
            field="username",
        )
    email = _clean(email, "email", max_length=254)
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(_("Enter a valid e-mail address."), field="email") from None
    first_name = _clean(first_name, "first_name")
    last_name = _clean(last_name, "last_name")
    if language not in _language_codes():
        raise ApplicationError(_("Choose one of the languages of openimi."), field="language")
    temporary = temporary_password_generate()
    with transaction.atomic():
        if User.objects.select_for_update().filter(username__iexact=username).exists():
            raise ApplicationError(_("This username is taken. Choose another."), field="username")
        user = User(
            authority=None,
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            language=language,
            status=User.Status.PENDING,
            must_change_password=True,
            is_active=True,
        )
        user.set_password(temporary)
        user.save()
        RoleGrant.objects.create(user=user, role=Role.NETWORK_ADMINISTRATOR)
        security_event_record(event=SecurityEvent.Code.ACCOUNT_CREATED, user=user, detail=BY)
        security_event_record(
            event=EVENT_ROLES_CHANGED, user=user, detail=f"{BY}: +{Role.NETWORK_ADMINISTRATOR}"
        )
        if mail:
            password_mail.temporary_password_send(
                user=user, password=temporary, send_after=None, first=True
            )
    return Created(user=user, temporary_password=None if mail else temporary)


def _user_named(username: str) -> User:
    user = User.objects.select_for_update().filter(username__iexact=username.strip()).first()
    if user is None:
        raise ApplicationError(_("There is no user with this username."), field="username")
    return user


def network_administrator_grant(*, username: str) -> bool:
    """Give an existing user the network administrator's role; False if they held it."""
    with transaction.atomic():
        user = _user_named(username)
        if not user.is_active or user.is_service_account:
            raise ApplicationError(
                _("Only an active person can be a network administrator."), field="username"
            )
        _grant, created = RoleGrant.objects.get_or_create(
            user=user, role=Role.NETWORK_ADMINISTRATOR, area=None
        )
        if created:
            security_event_record(
                event=EVENT_ROLES_CHANGED,
                user=user,
                detail=f"{BY}: +{Role.NETWORK_ADMINISTRATOR}",
            )
    return created


def network_administrator_revoke(*, username: str) -> bool:
    """Take the network administrator's role from a user; False if they did not hold it.
    The last active network administrator keeps it."""
    with transaction.atomic():
        # Lock every holder, so that two revokes at once cannot leave none.
        holders = list(
            User.objects.select_for_update()
            .filter(role_grants__role=Role.NETWORK_ADMINISTRATOR)
            .order_by("pk")
        )
        user = _user_named(username)
        if user.pk not in {holder.pk for holder in holders}:
            return False
        if not any(holder.is_active and holder.pk != user.pk for holder in holders):
            raise ApplicationError(
                _("This is the last network administrator: make another one first."),
                field="username",
            )
        RoleGrant.objects.filter(user=user, role=Role.NETWORK_ADMINISTRATOR).delete()
        security_event_record(
            event=EVENT_ROLES_CHANGED, user=user, detail=f"{BY}: -{Role.NETWORK_ADMINISTRATOR}"
        )
    return True


def network_administrator_list() -> list[User]:
    """The users holding the network administrator's role, by username."""
    return list(
        User.objects.filter(role_grants__role=Role.NETWORK_ADMINISTRATOR)
        .select_related("authority")
        .order_by("username")
    )
