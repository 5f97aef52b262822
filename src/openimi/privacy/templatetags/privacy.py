"""``{% contest_banner info_request timeline %}``: the warning that the data subject contests
the request's personal data, on the request page next to the personal data.

The page already holds the request's timeline, where marking and removing write their events
(for both authorities): only when the last of them is a mark is the mark itself read (one
query), so the page costs nothing more for the requests nobody contests.
"""

from django import template

from openimi.exchange import events
from openimi.privacy.selectors import open_contest_mark

register = template.Library()

_CODES = (events.PERSONAL_DATA_CONTESTED, events.CONTEST_REMOVED)


@register.inclusion_tag("privacy/_contest_banner.html")
def contest_banner(info_request, timeline=None):
    if timeline is not None:
        codes = [entry.event.code for entry in timeline if entry.event.code in _CODES]
        if not codes or codes[-1] != events.PERSONAL_DATA_CONTESTED:
            return {"contest_mark": None}
    return {"contest_mark": open_contest_mark(info_request=info_request)}
