"""The GET form above the monitoring pages: received or sent, area, first and last month."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from openimi.access.monitoring import RECEIVED, SENT
from openimi.common.forms import Form
from openimi.monitoring.selectors import Period, add_months

# How far back the month lists reach (the indicators are about recent timeliness).
MONTHS_OFFERED = 36


def month_label(month: dt.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


class MonitoringFilterForm(Form):
    side = forms.ChoiceField(
        label=_("Requests"),
        required=False,
        choices=[
            (RECEIVED, _("Received by the authority")),
            (SENT, _("Sent by the authority")),
        ],
        widget=forms.RadioSelect,
    )
    area = forms.ChoiceField(label=_("Legislative area"), required=False)
    first = forms.ChoiceField(label=_("From month"), required=False)
    last = forms.ChoiceField(label=_("To month"), required=False)

    def __init__(self, data=None, *, areas, today: dt.date):
        self.default_period = Period.last_months(today)
        defaults = {
            "side": RECEIVED,
            "area": "",
            "first": self.default_period.first.isoformat()[:7],
            "last": self.default_period.last.isoformat()[:7],
        }
        merged = {**defaults, **{key: value for key, value in (data or {}).items() if value}}
        super().__init__(merged)
        self.fields["area"].choices = [("", _("All areas"))] + [
            (str(area.pk), area.name) for area in areas
        ]
        this_month = today.replace(day=1)
        months = [add_months(this_month, -offset) for offset in range(MONTHS_OFFERED)]
        choices = [(month.isoformat()[:7], month_label(month)) for month in months]
        self.fields["first"].choices = choices
        self.fields["last"].choices = choices

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last and first > last:
            self.add_error("last", _("The last month must be the same as or after the first."))
        return data

    @property
    def side_value(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("side") or RECEIVED

    @property
    def area_id(self) -> int | None:
        self.is_valid()
        area = self.cleaned_data.get("area")
        return int(area) if area else None

    @property
    def period(self) -> Period:
        """The months chosen; the last twelve while the choice has an error."""
        if self.is_valid():
            first = dt.date.fromisoformat(self.cleaned_data["first"] + "-01")
            last = dt.date.fromisoformat(self.cleaned_data["last"] + "-01")
            return Period(first, last)
        return self.default_period


class NetworkFilterForm(MonitoringFilterForm):
    """The same filter for the network's figures: the side names the countries' authorities."""

    def __init__(self, data=None, *, areas, today: dt.date):
        super().__init__(data, areas=areas, today=today)
        self.fields["side"].choices = [
            (RECEIVED, _("Received by the authorities of the country")),
            (SENT, _("Sent by the authorities of the country")),
        ]


class AlertFilterForm(MonitoringFilterForm):
    """The months of the alerts' figures: neither side (a country sends and receives alerts,
    both shown) nor area (alerts have their own areas, two at most)."""

    def __init__(self, data=None, *, today: dt.date):
        super().__init__(data, areas=[], today=today)
        del self.fields["side"]
        del self.fields["area"]
