"""Reads of passkeys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openimi.accounts.models import Passkey

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openimi.accounts.models import User


def passkey_list(*, user: User) -> QuerySet[Passkey]:
    """The user's passkeys, oldest first."""
    return Passkey.objects.filter(user=user).order_by("created_at", "pk")


def passkey_get(*, pk: int) -> Passkey | None:
    """One passkey with its user (the policy decides who may act on it)."""
    return Passkey.objects.select_related("user").filter(pk=pk).first()
