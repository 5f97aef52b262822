"""``{% personal_data_notice info_request %}``: the warning, in a list row or on the request
page, that the request's personal data goes soon (``RETENTION_NOTICE_DAYS`` ahead)."""

from django import template

from openimi.retention.selectors import removal_notice

register = template.Library()


@register.inclusion_tag("retention/removal_notice.html")
def personal_data_notice(info_request, compact=False):
    return {"notice": removal_notice(info_request), "compact": compact}
