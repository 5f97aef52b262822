"""The list of requests: incoming and outgoing tabs, filters as a GET form, sorting, pages.

The page costs the same number of queries whatever the number of requests: the count, one
page of rows with everything a row shows joined, the authorities' titles in the reader's
language, and the filter options.
"""

from __future__ import annotations

from django.conf import settings
from django.views.generic import TemplateView

from openimi.access import policy
from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.authorities.models import Country
from openimi.common.content_cache import ContentCacheMixin
from openimi.common.pagination import CappedPaginator
from openimi.deadlines.selectors import overdue_q
from openimi.exchange import selectors
from openimi.exchange.forms import SORTS, RequestFilterForm, areas_for_filter
from openimi.exchange.selectors import INCOMING, OUTGOING, RequestFilters
from openimi.exchange.views._common import label_authorities

PAGE_SIZE = getattr(settings, "EXCHANGE_PAGE_SIZE", 25)
# Lists count at most this many requests: "more than 1,000" says enough, and counting every
# request of a big authority costs the same as reading them all (bench/RESULTS.md).
COUNT_LIMIT = getattr(settings, "EXCHANGE_LIST_COUNT_LIMIT", 1000)


def filtered_page(request, requests, form, *, other_side_field: str):
    """Apply the filter form to a selector's queryset and return one page of it."""
    if form.is_valid():
        data = form.cleaned_data
        if data.get("country"):
            requests = requests.filter(**{f"{other_side_field}__country_id": data["country"]})
        if data["sent_from"]:
            requests = requests.filter(sent_at__date__gte=data["sent_from"])
        if data["sent_to"]:
            requests = requests.filter(sent_at__date__lte=data["sent_to"])
        if data["overdue"]:
            requests = requests.filter(overdue_q())
        sort = SORTS.get(data["sort"] or "newest")
        if data["sort"] and data["sort"] != "newest":
            requests = requests.order_by(*sort)
    page = CappedPaginator(requests, PAGE_SIZE, count_limit=COUNT_LIMIT).get_page(
        request.GET.get("page")
    )
    # The selector left the authorities' countries and titles out: read for this page only.
    page.object_list = list(page.object_list)
    selectors.authority_details_load(page.object_list)
    label_authorities(page.object_list)
    return page


def selector_filters(form, direction: str) -> RequestFilters:
    if not form.is_valid():
        return RequestFilters(direction=direction)
    data = form.cleaned_data
    return RequestFilters(
        direction=direction,
        statuses=(data["status"],) if data["status"] else (),
        area_id=int(data["area"]) if data["area"] else None,
        allocated_to_me=bool(data.get("allocated_to_me")),
    )


class RequestListView(PolicyRequiredMixin, ContentCacheMixin, TemplateView):
    """Incoming requests (the default tab) or outgoing ones (with the drafts)."""

    action = Action.REQUEST_LIST
    direction = INCOMING
    template_name = "exchange/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        outgoing = self.direction == OUTGOING
        form = RequestFilterForm(
            self.request.GET or None,
            areas=areas_for_filter(),
            countries=list(Country.objects.all()),
            drafts=outgoing,
        )
        requests = selectors.request_list(
            user=user, filters=selector_filters(form, self.direction), authority_details=False
        )
        other_side = "responding_authority" if outgoing else "requesting_authority"
        page = filtered_page(self.request, requests, form, other_side_field=other_side)
        if not outgoing:  # who handles each incoming request, for colleagues to see
            selectors.handlers_load(user=user, info_requests=page.object_list)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=form,
            page=page,
            outgoing=outgoing,
            query=query.urlencode(),
            can_compose=policy.can(user, Action.REQUEST_CREATE, None),
            is_coordinator=policy.can(user, Action.REQUEST_COORDINATOR_OVERVIEW, None),
        )
        return context
