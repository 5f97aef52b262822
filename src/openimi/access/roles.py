"""What the policy reads of a user: active or not, and the role grants (read once per request).

Part of the policy: only ``access/`` reads role grants. Apart from ``policy.py`` so that the
rule modules it delegates to can use them without importing the policy back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.authorities.models import Authority


def _is_active(user: User | None) -> TypeGuard[User]:
    return bool(user is not None and user.is_authenticated and user.is_active)


def grants(user: User) -> set[tuple[str, int | None]]:
    """The user's ``(role, area_id)`` grants, read once per request."""
    found = getattr(user, "_policy_grants", None)
    if found is None:
        found = set(user.role_grants.values_list("role", "area_id"))
        user._policy_grants = found  # type: ignore[attr-defined]  # per-request cache
    return found


def has_role(user: User, role: str, *, area_id: int | None = None) -> bool:
    """Whether the user holds ``role`` (for ``area_id`` when given); cached per request."""
    grants_ = grants(user)
    if area_id is None:
        return any(granted_role == role for granted_role, _ in grants_)
    return (role, area_id) in grants_


def is_local_data_administrator(user: User, authority: Authority | None) -> bool:
    from openimi.accounts.models import Role

    return (
        _is_active(user)
        and authority is not None
        and user.authority_id == authority.pk
        and has_role(user, Role.LOCAL_DATA_ADMINISTRATOR)
    )


def is_network_administrator(user: User) -> bool:
    """The installation's operator (``Role.NETWORK_ADMINISTRATOR``, held without an area)."""
    from openimi.accounts.models import Role

    return _is_active(user) and has_role(user, Role.NETWORK_ADMINISTRATOR)


def any_allocator_among(users) -> bool:
    """Whether any of ``users`` (a User queryset) holds the allocator role: the onboarding
    checklist asks it of an authority's active users."""
    from openimi.accounts.models import Role

    return users.filter(role_grants__role=Role.ALLOCATOR).exists()


def holds_stored_role(user: User, role: str) -> bool:
    """Whether ``user`` holds ``role`` as stored now, not as cached for this request: a
    write that changes roles (deleting a user) asks it under its lock."""
    return user.role_grants.filter(role=role).exists()
