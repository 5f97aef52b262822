"""The alerts' figures in monitoring (issue 22, item 4): the three-day rule of Article 56a
per country, and what the recipient countries did with the alerts they received
(``/monitoring/alerts/``, for the same people as the network's figures); and the section of
an authority's own monitoring page about the alerts it sent.

A page costs the same queries whatever the number of alerts, authorities and countries: the
countries, one aggregation per country for sending, one for receiving, one per sending
authority (``alerts.statistics``).
"""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from openimi.access import policy
from openimi.access.monitoring import monitored_area_ids
from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.alerts import statistics
from openimi.common.spreadsheets import csv_row
from openimi.monitoring import selectors
from openimi.monitoring.forms import AlertFilterForm, month_label


def period_label(period: selectors.Period) -> str:
    if period.first == period.last:
        return month_label(period.first)
    return _("%(first)s to %(last)s") % {
        "first": month_label(period.first),
        "last": month_label(period.last),
    }


def own_alert_figures(user, *, period: selectors.Period, area_id: int | None):
    """The section of the own monitoring page (``MONITORING_VIEW``, checked by the view): the
    alerts the user's authority sent, in the areas the user watches (one query)."""
    area_ids = monitored_area_ids(user)
    if area_id is not None:
        area_ids = [area_id] if area_ids is None or area_id in area_ids else []
    start, end = period.bounds()
    return statistics.authority_sending_figures(
        authority=user.authority, start=start, end=end, area_ids=area_ids
    )


class NetworkAlertsView(PolicyRequiredMixin, TemplateView):
    """The alerts' figures per country: every country for the network administrator, the own
    country for a national coordinator's local data administrators and supervisors."""

    action = Action.NETWORK_MONITORING_VIEW
    template_name = "monitoring/alerts.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("format") == "csv":
            return self.csv_response(context)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        form = AlertFilterForm(self.request.GET, today=today)
        period = form.period
        start, end = period.bounds()
        codes = policy.network_countries(user)
        countries = selectors.network_country_list(user=user)
        report = statistics.network_alert_report(
            countries=countries, every_country=codes is None, start=start, end=end, today=today
        )
        authorities = statistics.sending_figures_by_authority(
            countries=codes, start=start, end=end, today=today
        )
        names = {country.pk: country.name for country in countries}
        query = self.request.GET.copy()
        query.pop("format", None)
        query["format"] = "csv"
        context.update(
            form=form,
            period=period,
            period_label=period_label(period),
            every_country=codes is None,
            report=report,
            authorities=[
                (line, names.get(line.country_id, line.country_id)) for line in authorities
            ],
            csv_query=query.urlencode(),
            network_url=reverse("monitoring:network"),
            deadline_days=statistics.deadline_days(),
        )
        return context

    def csv_response(self, context) -> HttpResponse:
        period = context["period"]
        filename = "openimi-alerts-{}-to-{}.csv".format(
            period.first.isoformat()[:7], period.last.isoformat()[:7]
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        writer.writerow(csv_row([_("Country"), _("Sending authority"), *_headers()]))
        for line in context["report"].countries:
            writer.writerow(csv_row([line.country.name, "", *_cells(line.sending, line.receiving)]))
        for line, country_name in context["authorities"]:
            writer.writerow(csv_row([country_name, line.name, *_cells(line.sending, None)]))
        return response


def _headers() -> list[str]:
    return [
        _("Professional qualifications alerts sent"),
        _("Sent within the deadline"),
        _("Sent within the deadline (%)"),
        _("Sent late"),
        _("Not sent, deadline passed"),
        _("Open alerts whose restriction has ended"),
        _("Alerts received"),
        _("Alerts received and distributed"),
        _("Alerts received, not yet distributed"),
    ]


def _cells(
    sending: statistics.SendingFigures, receiving: statistics.ReceivingFigures | None
) -> list[object]:
    percent = sending.sent_in_time_percent
    cells: list[object] = [
        sending.sent,
        sending.sent_in_time,
        "" if percent is None else percent,
        sending.sent_late,
        sending.overdue,
        sending.restriction_ended,
    ]
    if receiving is None:  # an authority's line: the recipients are countries
        return [*cells, "", "", ""]
    return [*cells, receiving.received, receiving.distributed, receiving.not_distributed]
