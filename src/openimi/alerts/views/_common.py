"""What the alert pages share: fetching the alert through the policy (404 alike for
"missing" and "not yours"), and where a step lands afterwards."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from openimi.access.views import PolicyRequiredMixin
from openimi.alerts import selectors
from openimi.alerts.models import Alert


def get_alert_or_404(user, pk: int) -> Alert:
    try:
        return selectors.alert_get(user=user, pk=pk)
    except Alert.DoesNotExist as missing:
        raise Http404 from missing


class AlertPolicyMixin(PolicyRequiredMixin):
    """A page about one alert (``pk`` in the URL): the policy object is the alert."""

    def get_policy_object(self):
        self.alert = get_alert_or_404(self.request.user, self.kwargs["pk"])
        return self.alert


def land(request, alert: Alert, success: str):
    """Back to the alert with the confirmation; or, when the step took the alert out of the
    user's reach (returned to its sender as a draft), to the list, never to "Page not
    found"."""
    try:
        selectors.alert_get(user=request.user, pk=alert.pk)
    except Alert.DoesNotExist:
        pass
    else:
        messages.success(request, success)
        return redirect("alerts:detail", pk=alert.pk)
    # Translators: %(reference)s is the alert's reference in openimi.
    gone = _("You can no longer open alert %(reference)s.") % {"reference": alert.reference}
    messages.success(request, f"{success} {gone}")
    return redirect("alerts:list")


def report_url(alert: Alert) -> str | None:
    """The Word report of the alert, when the reports app offers one (it may be merged
    before or after these pages)."""
    try:
        return reverse("reports:alert", args=[alert.pk])
    except NoReverseMatch:
        return None
