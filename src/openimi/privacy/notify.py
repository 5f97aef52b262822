"""Who is told about a correction or a contest mark: the other authority's people who act on
the request (its allocated handlers, or every handler for the area; the requester's handler),
with a copy to its general address. The e-mail is ``exchange.notify``'s: in the recipient's
language, with no personal data and no free text.

``register`` (called once from ``PrivacyConfig.ready``) adds these rules to
``exchange.notify.RULES``, so the privacy codes travel the same outbox as every request event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from openimi.exchange import events
from openimi.exchange import notify as exchange_notify

if TYPE_CHECKING:
    from openimi.exchange.models import InformationRequest, RequestEvent


def _other_party(info_request: InformationRequest, event: RequestEvent) -> exchange_notify.Audience:
    if event.actor_authority_id == info_request.requesting_authority_id:
        return exchange_notify._responders(info_request, event)
    return exchange_notify._requester(info_request, event)


RULES = {
    events.PERSONAL_DATA_CORRECTED: (
        (_other_party,),
        _("Personal data corrected"),
        _(
            "The other authority corrected the personal data of an information request at the "
            "request of the data subject."
        ),
    ),
    events.PERSONAL_DATA_CONTESTED: (
        (_other_party,),
        _("Personal data contested"),
        _(
            "The data subject contests the accuracy of the personal data of an information "
            "request. Take this into account until the mark is removed."
        ),
    ),
    events.CONTEST_REMOVED: (
        (_other_party,),
        _("Personal data no longer contested"),
        _("The mark that the personal data of an information request is contested was removed."),
    ),
}


def register() -> None:
    for code, rule in RULES.items():
        exchange_notify.RULES.setdefault(code, rule)
