"""The list of alerts: a section per part the user's authority plays (to validate,
received, sent and drafts), a status filter, pages. Its queries do not grow with the rows."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from openimi.access import policy
from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.alerts import selectors
from openimi.alerts.forms import StatusFilterForm
from openimi.alerts.selectors import RECEIVED, SENT, TO_VALIDATE, AlertFilters
from openimi.alerts.workflow import RecipientState
from openimi.common.pagination import CappedPaginator

PAGE_SIZE = getattr(settings, "ALERT_PAGE_SIZE", 25)
COUNT_LIMIT = 1000

SECTION_TITLES = {
    TO_VALIDATE: _("To validate"),
    RECEIVED: _("Received"),
    SENT: _("Sent and drafts"),
}


class AlertListView(PolicyRequiredMixin, TemplateView):
    action = Action.ALERT_LIST
    template_name = "alerts/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        can_create = policy.can(user, Action.ALERT_CREATE, None)
        counts = selectors.alert_section_counts_list(user=user)
        # A section is shown when it holds something, or (sent) when the user writes alerts.
        shown = [
            s for s in (TO_VALIDATE, RECEIVED, SENT) if counts[s] or (s == SENT and can_create)
        ]
        if not shown:
            shown = [RECEIVED]
        section = self.request.GET.get("section")
        if section not in shown:
            section = shown[0]
        form = StatusFilterForm(self.request.GET or None)
        status = form.cleaned_data["status"] if form.is_valid() else ""
        alerts = selectors.alert_list(
            user=user, filters=AlertFilters(section=section, status=status)
        )
        page = CappedPaginator(alerts, PAGE_SIZE, count_limit=COUNT_LIMIT).get_page(
            self.request.GET.get("page")
        )
        page.object_list = list(page.object_list)
        for alert in page.object_list:
            status = getattr(alert, "country_status", None)
            alert.country_status_label = RecipientState(status).label if status else ""
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            sections=[
                {"key": key, "title": SECTION_TITLES[key], "count": counts[key]} for key in shown
            ],
            section=section,
            section_title=SECTION_TITLES[section],
            form=form,
            page=page,
            query=query.urlencode(),
            can_create=can_create,
        )
        return context
