"""The monitoring pages: a supervisor's page for its own authority and a coordinator's page for
the authorities it supervises, each with a CSV download (``?format=csv``).

A page costs the same queries whatever the number of requests: the areas, one aggregation for
what is open now, one for the indicators (and, for a coordinator, one for what is open per
authority).
"""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic import TemplateView

from openimi.access import policy
from openimi.access.monitoring import RECEIVED
from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.alerts.statistics import deadline_days
from openimi.common.spreadsheets import csv_row
from openimi.monitoring import charts, selectors
from openimi.monitoring.alerts import own_alert_figures
from openimi.monitoring.forms import MonitoringFilterForm, NetworkFilterForm, month_label


class MonitoringView(PolicyRequiredMixin, TemplateView):
    """The own authority's figures, in the areas the user supervises (all, for its local data
    administrator)."""

    action = Action.MONITORING_VIEW
    template_name = "monitoring/overview.html"
    coordinate = False

    def get_policy_object(self):
        return getattr(self.request.user, "authority", None)

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("format") == "csv":
            return self.csv_response(context)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        areas = selectors.monitoring_area_list(user=user)
        form = MonitoringFilterForm(self.request.GET, areas=areas, today=today)
        side, period = form.side_value, form.period
        requests = selectors.monitored_request_list(
            user=user, side=side, coordinate=self.coordinate, area_id=form.area_id
        )
        counts = selectors.current_counts(requests, today=today)
        report = selectors.indicator_report(
            requests,
            period=period,
            areas=areas,
            by_authority_side=side if self.coordinate else None,
        )
        if self.coordinate:
            context["authority_lines"] = selectors.authority_lines(
                report, selectors.current_counts_by_authority(requests, side=side, today=today)
            )
        else:
            # The alerts the authority sent (issue 22): the three-day rule, one more query.
            context["alerts"] = own_alert_figures(user, period=period, area_id=form.area_id)
            context["deadline_days"] = deadline_days()
        query = self.request.GET.copy()
        query.pop("format", None)
        query["format"] = "csv"
        context.update(
            form=form,
            side=side,
            received=side == RECEIVED,
            coordinate=self.coordinate,
            authority=user.authority,
            period_label=_period_label(period),
            counts=counts,
            report=report,
            months=[(month_label(month), figures) for month, figures in report.months],
            charts=_charts(report),
            csv_query=query.urlencode(),
            overdue_url=self._overdue_url(side),
            other_page=self._other_page(),
            access_log=policy.can(user, Action.PERSONAL_DATA_LOG_VIEW, user.authority),
            network_page=policy.can(user, Action.NETWORK_MONITORING_VIEW),
        )
        return context

    def _overdue_url(self, side: str) -> str:
        if self.coordinate:
            return reverse("exchange:coordinator_overview") + "?overdue=on"
        name = "exchange:list" if side == RECEIVED else "exchange:outgoing"
        return reverse(name) + "?overdue=on"

    def _other_page(self) -> tuple[str, str] | None:
        """The link to the other monitoring page, when the user may see it."""
        user = self.request.user
        if self.coordinate:
            if policy.can(user, Action.MONITORING_VIEW, user.authority):
                return reverse("monitoring:own"), _("Figures of your own authority")
            return None
        if policy.can(user, Action.MONITORING_COORDINATE, None):
            return (
                reverse("monitoring:coordinator"),
                _("Figures of the authorities you supervise as coordinator"),
            )
        return None

    def csv_response(self, context) -> HttpResponse:
        report = context["report"]
        period = report.period
        filename = "openimi-{}-{}-{}-to-{}.csv".format(
            "coordinator" if self.coordinate else "monitoring",
            context["side"],
            period.first.isoformat()[:7],
            period.last.isoformat()[:7],
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        header = [_("Month"), _("Legislative area")]
        if self.coordinate:
            header.append(_("Authority"))
        writer.writerow(csv_row(header + _figure_headers()))
        for row in report.rows:
            line = [row.month.isoformat()[:7], row.area.name or row.area.code]
            if self.coordinate:
                line.append(row.authority_name)
            writer.writerow(csv_row(line + _figure_cells(row.figures)))
        return response


class CoordinatorMonitoringView(MonitoringView):
    """The same figures for every authority the user's coordinator supervises, with a table per
    authority, the most overdue first."""

    action = Action.MONITORING_COORDINATE
    coordinate = True

    def get_policy_object(self):
        return None


def _period_label(period: selectors.Period) -> str:
    if period.first == period.last:
        return month_label(period.first)
    return _("%(first)s to %(last)s") % {
        "first": month_label(period.first),
        "last": month_label(period.last),
    }


def _figure_headers() -> list[str]:
    return [
        _("Requests"),
        _("Due for acceptance"),
        _("Accepted within 7 days"),
        _("Accepted within 7 days (%)"),
        pgettext("column: number of requests answered", "Answered"),
        _("Average days to answer"),
        _("Answered with an agreed date"),
        _("Answered by the agreed date"),
        _("Answered by the agreed date (%)"),
    ]


def _figure_cells(figures: selectors.Figures) -> list[object]:
    def blank(value):
        return "" if value is None else value

    return [
        figures.received,
        figures.acceptance_base,
        figures.accepted_in_time,
        blank(figures.accepted_in_time_percent),
        figures.answered,
        blank(figures.average_days_to_answer),
        figures.answered_with_date,
        figures.answered_by_date,
        blank(figures.answered_by_date_percent),
    ]


def _charts(report: selectors.Report) -> dict[str, dict[str, str]]:
    """Each chart's visible title and its SVG, by name."""

    def chart(draw, title: str, **options) -> dict[str, str]:
        return {"title": title, "svg": draw(title=title, **options)}

    # "Jan" under each bar, and the year under the first month and every January.
    labels = [
        formats.date_format(month, "M")
        + (f"\n{month.year}" if index == 0 or month.month == 1 else "")
        for index, (month, _figures) in enumerate(report.months)
    ]
    figures = [f for _month, f in report.months]
    per_month = _(
        "One bar per month; a dash means there was nothing to count. The table below gives "
        "the same numbers."
    )
    column, share = charts.column_chart, {"unit": "%", "maximum": 100}
    result = {
        "received": chart(
            column,
            _("Requests per month"),
            description=per_month,
            labels=labels,
            values=[f.received for f in figures],
            axis_label=_("Number of requests"),
        ),
        "accepted": chart(
            column,
            _("Accepted within 7 days, per month"),
            description=per_month,
            labels=labels,
            values=[f.accepted_in_time_percent for f in figures],
            axis_label=_("Share of requests (%)"),
            **share,
        ),
        "days": chart(
            column,
            _("Average days to answer, per month"),
            description=per_month,
            labels=labels,
            values=[f.average_days_to_answer for f in figures],
            axis_label=_("Days"),
        ),
        "on_time": chart(
            column,
            _("Answered by the agreed date, per month"),
            description=per_month,
            labels=labels,
            values=[f.answered_by_date_percent for f in figures],
            axis_label=_("Share of answers (%)"),
            **share,
        ),
    }
    if len(report.areas) > 1:
        area_labels = [area.name or area.code for area, _f in report.areas]
        area_figures = [f for _area, f in report.areas]
        per_area = {
            "description": _(
                "One bar per legislative area; the table below gives the same numbers."
            ),
            "labels": area_labels,
            "empty_label": _("no data"),
        }
        bar = charts.bar_chart
        result.update(
            area_accepted=chart(
                bar,
                _("Accepted within 7 days, per area"),
                values=[f.accepted_in_time_percent for f in area_figures],
                **per_area,
                **share,
            ),
            area_days=chart(
                bar,
                _("Average days to answer, per area"),
                values=[f.average_days_to_answer for f in area_figures],
                **per_area,
            ),
            area_on_time=chart(
                bar,
                _("Answered by the agreed date, per area"),
                values=[f.answered_by_date_percent for f in area_figures],
                **per_area,
                **share,
            ),
        )
    return result


class NetworkMonitoringView(PolicyRequiredMixin, TemplateView):
    """The network's figures (issue 19): the three indicators per country and legislative area,
    for every country (the network administrator) or the own country (a national
    coordinator's local data administrators and supervisors). Counts and dates only."""

    action = Action.NETWORK_MONITORING_VIEW
    template_name = "monitoring/network.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("format") == "csv":
            return self.csv_response(context)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        areas = selectors.network_area_list()
        form = NetworkFilterForm(self.request.GET, areas=areas, today=timezone.localdate())
        side, period = form.side_value, form.period
        countries = selectors.network_country_list(user=user)
        requests = selectors.network_request_list(user=user, side=side, area_id=form.area_id)
        report = selectors.network_report(
            requests, side=side, period=period, countries=countries, areas=areas
        )
        query = self.request.GET.copy()
        query.pop("format", None)
        query["format"] = "csv"
        context.update(
            form=form,
            side=side,
            received=side == RECEIVED,
            every_country=policy.network_countries(user) is None,
            period_label=_period_label(period),
            report=report,
            csv_query=query.urlencode(),
            other_pages=self._other_pages(),
        )
        return context

    def _other_pages(self) -> list[tuple[str, str]]:
        """Links down to the coordinator's and the own authority's pages, when allowed."""
        user = self.request.user
        pages = []
        if policy.can(user, Action.MONITORING_COORDINATE, None):
            pages.append(
                (
                    reverse("monitoring:coordinator"),
                    _("Figures of the authorities you supervise as coordinator"),
                )
            )
        if user.authority is not None and policy.can(user, Action.MONITORING_VIEW, user.authority):
            pages.append((reverse("monitoring:own"), _("Figures of your own authority")))
        return pages

    def csv_response(self, context) -> HttpResponse:
        report = context["report"]
        period = report.period
        filename = "openimi-network-{}-{}-to-{}.csv".format(
            context["side"], period.first.isoformat()[:7], period.last.isoformat()[:7]
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        header = [_("Country"), _("Legislative area"), *_figure_headers()]
        writer.writerow(csv_row(header))
        for table in report.countries:
            for area, figures in table.areas:
                line = [table.country.name, area.name or area.code, *_figure_cells(figures)]
                writer.writerow(csv_row(line))
        return response
