"""Reads of user administration: the authority's users, its warnings, a user's open requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from openimi.accounts import selectors as account_selectors
from openimi.accounts.models import AREA_ROLES, Role, RoleGrant, User
from openimi.authorities.models import LegislativeArea
from openimi.notifications.models import OutboxMessage

if TYPE_CHECKING:
    from openimi.authorities.models import Authority
    from openimi.exchange.models import InformationRequest

# The event code of every outbox row that carries a temporary password: how the service
# finds the rows to cancel or to blank, and how pages find when the mail leaves.
TEMPORARY_PASSWORD_EVENT = "account.temporary_password"

# The columns of the seed's table (Gebruikersbeheer), and what the rows' links need.
_LIST_FIELDS = (
    "pk",
    "authority_id",
    "last_name",
    "first_name",
    "anonymised_at",  # get_full_name reads it
    "email",
    "phone",
    "department",
    "username",
    "status",
    "is_active",
    "is_service_account",
)


def _current() -> Q:
    """Users who are not deleted: pending (never logged in) or active."""
    return Q(is_active=True) & ~Q(status=User.Status.INACTIVE)


def user_list(*, authority: Authority) -> QuerySet[User]:
    """Every user of ``authority``, deleted ones included, by last and first name (one query)."""
    return (
        User.objects.filter(authority=authority)
        .only(*_LIST_FIELDS)
        .order_by("last_name", "first_name", "pk")
    )


def colleague_list(*, user: User) -> QuerySet[User]:
    """The people of ``user``'s authority who could take over their requests: not deleted,
    not ``user``, no service account; by last and first name (one query)."""
    return (
        User.objects.filter(_current(), authority=user.authority, is_service_account=False)
        .exclude(pk=user.pk)
        .only(*_LIST_FIELDS)
        .order_by("last_name", "first_name", "pk")
    )


def locked_usernames(*, usernames: list[str]) -> set[str]:
    """Which of ``usernames`` are locked now, for at least one address (one query; the rules
    are ``accounts.selectors.locked_usernames``)."""
    if not usernames:
        return set()
    locked = account_selectors.locked_usernames().filter(username__in=usernames)
    return set(locked.values_list("username", flat=True))


def user_is_locked(*, user: User) -> bool:
    return bool(locked_usernames(usernames=[user.get_username()]))


def user_get(*, pk: int) -> User | None:
    """One user with the authority and its country (the policy and the pages read them)."""
    return User.objects.select_related("authority", "authority__country").filter(pk=pk).first()


def authority_area_list(*, authority: Authority) -> QuerySet[LegislativeArea]:
    """The legislative areas the authority works in (its preferences), for the role boxes."""
    return LegislativeArea.objects.filter(pk__in=authority.preferences.values("area_id")).order_by(
        "code"
    )


@dataclass(frozen=True)
class RoleLine:
    role: str
    label: str
    areas: list[LegislativeArea]


def user_role_list(*, user: User) -> list[RoleLine]:
    """The user's roles in the seed's order, each with its areas (printable details)."""
    grants = list(RoleGrant.objects.filter(user=user).select_related("area"))
    lines = []
    for role in (*AREA_ROLES, Role.LOCAL_DATA_ADMINISTRATOR):
        held = [grant for grant in grants if grant.role == role]
        if held:
            areas = sorted((g.area for g in held if g.area is not None), key=lambda a: a.code)
            lines.append(RoleLine(role=role, label=str(role.label), areas=areas))
    return lines


def local_data_administrator_list(*, authority: Authority, logged_in_only: bool = False):
    """The authority's local data administrators who are not deleted.

    ``logged_in_only``: only those who have logged in at least once (status *active*), who
    can be relied on to manage the authority: a pending account may have a wrong address.
    """
    # From the grants, which carry the authority (index on authority and role), to their
    # users: a few rows whatever the number of users of the authority. A user holds the role
    # at most once, so the join makes no duplicates.
    users = User.objects.filter(
        _current(),
        is_service_account=False,  # never one (roles.checked_roles); said here too, for safety
        role_grants__authority=authority,
        role_grants__role=Role.LOCAL_DATA_ADMINISTRATOR,
    )
    if logged_in_only:
        users = users.filter(status=User.Status.ACTIVE)
    return users


@dataclass(frozen=True)
class Headcount:
    """An authority's current users and local data administrators, each counted up to two:
    the seed's advice asks for "two or more", and a big authority has thousands of users."""

    users: int
    administrators: int


def authority_headcount(*, authority: Authority) -> Headcount:
    """Two queries, whatever the size of the authority."""
    return Headcount(
        users=User.objects.filter(_current(), authority=authority).order_by()[:2].count(),
        administrators=local_data_administrator_list(authority=authority).order_by()[:2].count(),
    )


def authority_user_warnings(*, authority: Authority) -> list[str]:
    """What the seed advises and the authority does not yet have (two queries that count
    to two at most, whatever the size of the authority).

    The seed (4.3, 5 step 2, 6.2) asks for at least two local data administrators, so that
    one can stand in for the other, and for more than the first user.
    """
    headcount = authority_headcount(authority=authority)
    if headcount.users <= 1:
        return [
            _(
                "Your authority has only one user. Add at least one colleague and make them "
                "a local data administrator too, so that someone can add users and reset "
                "passwords when you are away."
            )
        ]
    if headcount.administrators < 2:
        return [
            _(
                "Your authority has fewer than two local data administrators. Give a second "
                "person this role, so that someone can add users and reset passwords when "
                "the other is away."
            )
        ]
    return []


def open_request_list(*, user: User) -> QuerySet[InformationRequest]:
    """The requests assigned to ``user`` that are not finished (seed 6.2).

    Assigned: allocated to the user (an active allocation), or created by the user (their
    drafts and the requests they sent). Finished: closed, rejected or withdrawn. Each row
    carries ``allocated_to_user`` (else the user created it). Reference data only: no personal
    data is read, so the local data administrator may see this list.
    """
    from openimi.exchange.models import Allocation, InformationRequest
    from openimi.exchange.workflow import FINAL_STATES

    allocated = Allocation.objects.filter(info_request=OuterRef("pk"), handler=user, is_active=True)
    return (
        InformationRequest.objects.filter(Q(Exists(allocated)) | Q(requesting_user=user))
        .exclude(status__in=FINAL_STATES)
        .annotate(allocated_to_user=Exists(allocated))
        .select_related("area", "requesting_authority", "responding_authority")
        .order_by("pk")
    )


def temporary_password_mail_get(*, user: User) -> OutboxMessage | None:
    """The latest e-mail with a temporary password for ``user`` (to say when it leaves)."""
    return (
        OutboxMessage.objects.filter(recipient_user=user, event_code=TEMPORARY_PASSWORD_EVENT)
        .only("pk", "status", "next_attempt_at", "sent_at", "created_at")
        .order_by("-created_at", "-pk")
        .first()
    )


def user_filter(
    users: QuerySet[User],
    *,
    text: str = "",
    role: str | None = None,
    area: int | None = None,
    status: str | None = None,
) -> QuerySet[User]:
    """The list's filters: words in the names, username or e-mail; a role and/or an area;
    a status (inactive: deleted)."""
    for word in text.split():
        users = users.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    if role or area:
        grants = RoleGrant.objects.filter(user=OuterRef("pk"))
        if role:
            grants = grants.filter(role=role)
        if area:
            grants = grants.filter(area_id=area)
        users = users.filter(Exists(grants))
    if status == User.Status.INACTIVE:
        users = users.filter(Q(status=status) | Q(is_active=False))
    elif status:
        users = users.filter(status=status, is_active=True)
    return users
