"""The coordinator's overview: the requests of the authorities it supervises, without personal
data, documents or free text (``selectors.coordinator_request_list``). Each row opens the request's
detail page, where the policy shows a coordinator what it may see and nothing more."""

from __future__ import annotations

from django.views.generic import TemplateView

from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.authorities.models import Country
from openimi.exchange import selectors
from openimi.exchange.forms import RequestFilterForm, areas_for_filter
from openimi.exchange.views.lists import filtered_page, selector_filters


class CoordinatorOverviewView(PolicyRequiredMixin, TemplateView):
    action = Action.REQUEST_COORDINATOR_OVERVIEW
    template_name = "exchange/coordinator_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = RequestFilterForm(
            self.request.GET or None,
            areas=areas_for_filter(),
            countries=list(Country.objects.all()),
            drafts=False,
        )
        form.fields.pop("allocated_to_me")
        form.fields.pop("country")
        filters = selector_filters(form, direction=None)
        requests = selectors.coordinator_request_list(
            user=self.request.user, filters=filters, authority_details=False
        )
        if self.request.GET.get("referred"):
            requests = requests.filter(referred_to_coordinator=True)
        page = filtered_page(self.request, requests, form, other_side_field="")
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=form,
            page=page,
            query=query.urlencode(),
            referred_only=bool(self.request.GET.get("referred")),
        )
        return context
