"""What needs the user now, for the home page: requests to allocate, accept, answer and
approve, the overdue ones, and the onboarding checklist for administrators.

The cost is constant whatever the number of requests: three queries for the newest open
requests (at most ``HOME_REQUESTS``, ``exchange.selectors.newest_open_request_list``) and six for
their countries, areas, question sets and authorities' titles, two for what the policy's
checks on those need (``access.requests.load_facts``: no query per request), one count of
overdue ones and, for administrators, the checklist's fixed set of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from openimi.access import policy
from openimi.access.policy import Action
from openimi.exchange import selectors as request_selectors
from openimi.exchange.workflow import Transition
from openimi.onboarding import checklist

if TYPE_CHECKING:
    from openimi.accounts.models import User
    from openimi.exchange.models import InformationRequest

HOME_REQUESTS = 30

# heading -> the transitions that put a request under it
SECTIONS = (
    ("allocate", _("Requests to allocate"), {Transition.ALLOCATE}),
    ("accept", _("Requests to accept or forward"), {Transition.ACCEPT}),
    (
        "answer",
        _("Requests to answer"),
        {Transition.ANSWER, Transition.ANSWER_FOR_APPROVAL, Transition.PROVIDE_INFO},
    ),
    ("approve", _("Requests to approve"), {Transition.APPROVE}),
    # The mediating coordinator alone may end a mediation: the requests referred to it.
    ("mediate", _("Requests referred to you for mediation"), {Transition.END_MEDIATION}),
    ("answered", _("Answers to read"), {Transition.ACCEPT_ANSWER}),
)
# The policy is asked about these alone, not about every transition from a request's state
# (forward, reject, withdraw, ...): 63 checks instead of 183 for the bench reader's home page.
SECTION_TRANSITIONS = frozenset().union(*(transitions for _key, _title, transitions in SECTIONS))


@dataclass
class Section:
    key: str
    title: str
    requests: list[InformationRequest] = field(default_factory=list)


@dataclass
class Home:
    sections: list[Section]
    overdue: int
    checklist_done: int | None = None
    checklist_total: int | None = None


def home_for(*, user: User) -> Home:
    """The user's work now (see the module's docstring)."""
    sections = [Section(key, str(title)) for key, title, _transitions in SECTIONS]
    overdue = 0
    if policy.can(user, Action.REQUEST_LIST, None):
        recent = request_selectors.newest_open_request_list(user=user, limit=HOME_REQUESTS)
        available_by_pk = request_selectors.requests_available_transitions(
            user=user, info_requests=recent, among=SECTION_TRANSITIONS
        )
        for info_request in recent:
            available = set(available_by_pk[info_request.pk])
            if Transition.ALLOCATE in available and not request_selectors.awaits_allocation(
                info_request
            ):
                available.discard(Transition.ALLOCATE)  # allocated: no longer in the queue
            for section, (_key, _title, transitions) in zip(sections, SECTIONS, strict=True):
                if available & transitions:
                    section.requests.append(info_request)
        overdue = (
            request_selectors.request_list(
                user=user,
                filters=request_selectors.RequestFilters(
                    direction=request_selectors.INCOMING,
                    overdue=True,
                ),
            )
            .order_by()
            .count()
        )
    home = Home(sections=[section for section in sections if section.requests], overdue=overdue)
    if user.authority_id and policy.can(user, Action.USER_MANAGE, user.authority):
        done, total = checklist.summary(checklist.checklist(user=user, authority=user.authority))
        home.checklist_done, home.checklist_total = done, total
    return home
