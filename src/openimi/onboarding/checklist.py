"""The onboarding checklist of an authority, following the seed's steps (chapters 2 to 6).

Each item is computed from the data where it can be; the two that are decisions or acts
outside openimi (the decision on allocation, handing the usernames over) are ticked by hand,
and the tick remembers who set it and when. Reading the checklist costs a fixed number of
queries, whatever the size of the authority.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openimi.access import roles as access_roles
from openimi.accounts.models import User
from openimi.accounts.users import selectors as user_selectors
from openimi.exchange import selectors as request_selectors
from openimi.onboarding.models import ChecklistTick, RolloutRow

if TYPE_CHECKING:
    from openimi.authorities.models import Authority

AUTHORITY_DATA = "authority_data"
KEYWORDS = "keywords"
ROLLOUT_TABLE = "rollout_table"
TWO_ADMINISTRATORS = "two_administrators"
MORE_USERS = "more_users"
ALLOCATION = "allocation"
USERNAMES = "usernames"
PRACTICE_REQUEST = "practice_request"

MANUAL_ITEMS = (ALLOCATION, USERNAMES)

# An abbreviation: a word of two or more capitals ("VROM-inspectie", "KvK" has one).
_ABBREVIATION = re.compile(r"\b[A-Z]{2,}\b|\b[A-Z][a-z]?[A-Z]\b")


@dataclass
class Item:
    code: str
    title: str
    hint: str
    done: bool
    url: str = ""
    manual: bool = False
    tick: ChecklistTick | None = None
    missing: str = ""


def authority_data_problems(authority: Authority) -> list[str]:
    """What the seed (2.2, step 3) asks to check on the Authority tab and is not right yet."""
    problems = []
    if not authority.email:
        problems.append(str(_("Give the general e-mail address.")))
    if _ABBREVIATION.search(authority.informal_title or ""):
        problems.append(
            str(_("Write the informal title without abbreviations, so that others understand it."))
        )
    if not (authority.description or "").strip():
        problems.append(str(_("Describe your authority.")))
    return problems


def checklist(*, user: User, authority: Authority) -> list[Item]:
    """The items in the seed's order, each done or not."""
    preferences = list(authority.preferences.prefetch_related("keywords"))
    users = User.objects.filter(authority=authority, is_active=True).exclude(
        status=User.Status.INACTIVE
    )
    headcount = user_selectors.authority_headcount(authority=authority)
    uses_allocation = any(p.uses_allocation for p in preferences)
    allocators = access_roles.any_allocator_among(users)
    ticks = {tick.item: tick for tick in authority.checklist_ticks.select_related("ticked_by")}
    practice = request_selectors.practice_request_sent(user=user)
    data_problems = authority_data_problems(authority)
    manage = reverse("authorities:manage")
    allocation_missing = ""
    if ALLOCATION in ticks and uses_allocation and not allocators:
        allocation_missing = str(
            _("Your authority works with allocation, but no user is an allocator yet.")
        )
    return [
        Item(
            AUTHORITY_DATA,
            str(_("Check your authority's data")),
            str(
                _(
                    "A general e-mail address that is read every day, an informal title "
                    "without abbreviations, and a description."
                )
            ),
            not data_problems,
            manage + "#authority",
            missing=" ".join(data_problems),
        ),
        Item(
            KEYWORDS,
            str(_("Choose your keywords of competence")),
            str(_("So that authorities abroad find you for the right questions.")),
            any(p.keywords.all() for p in preferences),
            manage,
        ),
        Item(
            ROLLOUT_TABLE,
            str(_("Fill in the rollout table")),
            str(
                _(
                    "The departments that work with openimi, their laws and regulations, and "
                    "who gets which role."
                )
            ),
            RolloutRow.objects.filter(plan__authority=authority).exists(),
            reverse("onboarding:rollout"),
        ),
        Item(
            TWO_ADMINISTRATORS,
            str(_("Have at least two local data administrators")),
            str(_("So that someone can always reset a password when one of you is away.")),
            headcount.administrators >= 2,
            reverse("users:list"),
        ),
        Item(
            MORE_USERS,
            str(_("Add the other users")),
            str(_("More than one person must be able to work with openimi.")),
            headcount.users > 1,
            reverse("users:list"),
        ),
        Item(
            ALLOCATION,
            str(_("Decide whether to work with allocation")),
            str(
                _(
                    "With allocation, new requests go to allocators, who give each one to a "
                    "request handler. If you switch it on, make some users allocators."
                )
            ),
            ALLOCATION in ticks and (not uses_allocation or allocators),
            manage,
            manual=True,
            tick=ticks.get(ALLOCATION),
            missing=allocation_missing,
        ),
        Item(
            USERNAMES,
            str(_("Hand the usernames over")),
            str(
                _(
                    "openimi e-mails the temporary password but never the username: give each "
                    "user theirs, for example with the printed user details."
                )
            ),
            USERNAMES in ticks,
            reverse("users:list"),
            manual=True,
            tick=ticks.get(USERNAMES),
        ),
        Item(
            PRACTICE_REQUEST,
            str(_("Send a first practice request")),
            str(_("Use a question set marked FICTITIOUS to try openimi out on a made-up case.")),
            practice,
            reverse("exchange:compose"),
        ),
    ]


def summary(items: list[Item]) -> tuple[int, int]:
    """(done, total)"""
    return sum(1 for item in items if item.done), len(items)
