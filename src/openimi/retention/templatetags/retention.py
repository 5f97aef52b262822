"""``{% personal_data_notice info_request %}``: the warning, in a list row or on the request
page, that the request's personal data goes soon (``RETENTION_NOTICE_DAYS`` ahead).

``{% personal_data_removed_on info_request as removed_on %}``: the day the retention job took
the personal data out of the exchange, for a reader who may see the request's details (else
``None``), so that the page says "removed" where it would show the data."""

from django import template
from django.utils import timezone

from openimi.access import policy
from openimi.access.policy import Action
from openimi.retention.selectors import personal_data_removed_at, removal_notice

register = template.Library()


@register.inclusion_tag("retention/removal_notice.html")
def personal_data_notice(info_request, compact=False):
    return {"notice": removal_notice(info_request), "compact": compact}


@register.simple_tag(takes_context=True)
def personal_data_removed_on(context, info_request):
    removed_at = personal_data_removed_at(info_request)
    if removed_at is None:
        return None
    if not policy.can(context["request"].user, Action.REQUEST_VIEW_DETAILS, info_request):
        return None
    return timezone.localdate(removed_at)
