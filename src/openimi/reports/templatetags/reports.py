"""Links to the reports, for the pages the seed puts them on.

``{% load reports %}`` then ``{% request_reports info_request %}`` on a request's page and on
the compose wizard's review-and-send step (the full report; for the requesting authority also
the consent statement, which the seed has printed "in the last step before sending", Bijlage 2)
and ``{% user_details_report target %}`` on a user's details page. Each shows only what the
reader may download, and the PDF links only where LibreOffice is installed.
"""

from django import template

from openimi.access import policy
from openimi.exchange.workflow import State
from openimi.reports import pdf
from openimi.reports.views import REPORT_FULL, REPORT_USER_DETAILS

register = template.Library()


@register.inclusion_tag("reports/_request_reports.html", takes_context=True)
def request_reports(context, info_request):
    user = context["request"].user
    allowed = policy.can(user, REPORT_FULL, info_request)
    return {
        "info_request": info_request,
        "allowed": allowed,
        # The requesting authority has the provider sign it: before sending, and on the sent
        # request for its records. The responding authority has nothing to have signed.
        "consent": allowed and user.authority_id == info_request.requesting_authority_id,
        "draft": info_request.status == State.DRAFT,
        "with_pdf": pdf.available(),
    }


@register.inclusion_tag("reports/_user_details_report.html", takes_context=True)
def user_details_report(context, target):
    user = context["request"].user
    return {
        "target": target,
        "allowed": policy.can(user, REPORT_USER_DETAILS, target),
        "with_pdf": pdf.available(),
    }
