"""The "Network" page: every part of running the network a user may use, in one place.

Each entry names the page, the action the policy decides it by and what it is for; the page
and the home page show the entries ``policy.can`` allows (``entries_for``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from openimi.access import policy
from openimi.access.actions import Action

if TYPE_CHECKING:
    from openimi.accounts.models import User

# What an entry's action applies to: nothing, or the user's own country (a national
# coordinator edits its country's helpdesk contact; the network administrator any).
NONE, OWN_COUNTRY = "none", "own_country"


@dataclass(frozen=True)
class Entry:
    url_name: str
    action: Action
    title: Promise
    description: Promise
    applies_to: str = NONE


SECTIONS: list[tuple[Promise, list[Entry]]] = [
    (
        _("Authorities"),
        [
            Entry(
                "network:registration:register",
                Action.AUTHORITY_REGISTER,
                _("Register an authority"),
                _(
                    "Register an authority with its legislative areas, its supervising "
                    "coordinators and its first local data administrator, who receives a "
                    "temporary password by e-mail."
                ),
            ),
            Entry(
                "network:registration:request_list",
                Action.AUTHORITY_REGISTER,
                _("Requests to join"),
                _("Authorities that asked to join openimi: validate or decline each request."),
            ),
            Entry(
                "network:authority_list",
                Action.AUTHORITY_REGISTER,
                _("Authorities you coordinate"),
                _(
                    "Change an authority's official name and legislative areas, reset the access "
                    "of its local data administrator, deactivate it or merge it into another."
                ),
            ),
        ],
    ),
    (
        _("Alerts"),
        [
            Entry(
                "network:alert_coordinators",
                Action.ALERT_COORDINATORS_MANAGE,
                _("Alert coordinators"),
                _(
                    "Register the authority that validates a country's alerts and receives the "
                    "other countries', for services and for professional qualifications."
                ),
                applies_to=OWN_COUNTRY,
            ),
        ],
    ),
    (
        _("Legislative areas and question sets"),
        [
            Entry(
                "network:reference-areas",
                Action.NETWORK_ADMINISTER,
                _("Legislative areas, keywords and policy areas"),
                _("Add and rename them in every language of the installation."),
            ),
            Entry(
                "exchange:question_set_manage",
                Action.NETWORK_ADMINISTER,
                _("Question sets"),
                _(
                    "Write a question set in every language, publish it, and make a new version "
                    "when it must change; requests keep the version they were sent with."
                ),
            ),
            Entry(
                "network:reference-question-sets",
                Action.NETWORK_ADMINISTER,
                _("Export and import question sets"),
                _(
                    "Download a question set as JSON or as a spreadsheet for translators, and "
                    "upload it again as a draft."
                ),
            ),
        ],
    ),
    (
        _("Help"),
        [
            Entry(
                "network:help_contacts",
                Action.HELP_MANAGE,
                _("National helpdesks"),
                _(
                    "The helpdesk users of a country contact when they cannot log in: shown on "
                    "the help page and to visitors who are not logged in."
                ),
                applies_to=OWN_COUNTRY,
            ),
            Entry(
                "network:help_faq",
                Action.HELP_MANAGE,
                _("Frequently asked questions"),
                _("Write the pages about logging in and supported browsers in every language."),
            ),
        ],
    ),
    (
        _("Figures"),
        [
            Entry(
                "monitoring:network",
                Action.NETWORK_MONITORING_VIEW,
                _("Monitoring of the network"),
                _(
                    "How quickly the authorities accept and answer requests, per country and "
                    "legislative area."
                ),
            ),
        ],
    ),
]


def _object(entry: Entry, user: User):
    if entry.applies_to == OWN_COUNTRY:
        return user.authority.country if user.authority is not None else None
    return None


def entries_for(user: User) -> list[dict]:
    """The sections with the entries ``user`` may use (sections without one left out)."""
    sections = []
    for title, entries in SECTIONS:
        allowed = [
            {"title": entry.title, "description": entry.description, "url": reverse(entry.url_name)}
            for entry in entries
            if _allowed(user, entry)
        ]
        if allowed:
            sections.append({"title": title, "entries": allowed})
    return sections


def _allowed(user: User, entry: Entry) -> bool:
    if entry.applies_to == OWN_COUNTRY and policy.network_countries(user) is None:
        return policy.can(user, entry.action, None)  # the network administrator: every country
    return policy.can(user, entry.action, _object(entry, user))
