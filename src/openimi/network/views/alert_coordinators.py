"""The "Alert coordinators" page (issue 22): which authority coordinates alerts of each area in
each country, and registering, replacing or removing one (``Action.ALERT_COORDINATORS_MANAGE``:
the network administrator for every country, a national coordinator's local data
administrators for their own). The writes are ``alerts.services.alert_coordinator_set`` and
``alert_coordinator_remove``; their refusals (the coordinator still has alerts to act on) go
back to the page."""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from openimi.access import policy
from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.alerts import services
from openimi.authorities.models import Country, LegislativeArea
from openimi.common.errors import ApplicationError
from openimi.network import selectors_alerts as selectors
from openimi.network.forms.alerts import AlertCoordinatorForm, RemoveForm

LIST = "network:alert_coordinators"


class AlertCoordinatorListView(PolicyRequiredMixin, TemplateView):
    """Every country for the network administrator; the own country for a national
    coordinator's local data administrator."""

    action = Action.ALERT_COORDINATORS_MANAGE
    template_name = "network/alert_coordinators/list.html"

    def get_policy_object(self):
        user = self.request.user
        if policy.network_countries(user) is None:
            return None  # the network administrator: every country
        # Anyone else asks for the own country (no authority: nothing, which the policy refuses).
        return user.authority.country if user.authority is not None else None

    def get_context_data(self, **kwargs):
        codes = None if self.policy_object is None else [self.policy_object.pk]
        return super().get_context_data(
            rows=selectors.alert_coordinator_list(country_codes=codes), **kwargs
        )


class _CountryAreaMixin(PolicyRequiredMixin):
    """A page about one country (asked of the policy) and one alert area (``area``, its code)."""

    action = Action.ALERT_COORDINATORS_MANAGE

    def get_policy_object(self):
        country = Country.objects.filter(pk=self.kwargs["country_code"].upper()).first()
        if country is None:
            raise Http404
        return country

    @property
    def country(self) -> Country:
        return self.policy_object

    @cached_property
    def area(self) -> LegislativeArea:
        # Looked up after the policy (the mixin's dispatch); only the alert areas have a page.
        for area in selectors.alert_area_list():
            if area.code == self.kwargs["area"]:
                return area
        raise Http404

    @cached_property
    def current(self):
        return selectors.alert_coordinator_get(country=self.country, area=self.area)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            country=self.country,
            area=self.area,
            current=self.current,
            back_url=reverse(LIST),
            **kwargs,
        )


class AlertCoordinatorSetView(_CountryAreaMixin, FormView):
    template_name = "network/alert_coordinators/set.html"
    form_class = AlertCoordinatorForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "candidates": selectors.alert_coordinator_candidate_list(country=self.country),
        }

    def get_initial(self):
        return {"authority": self.current.authority_id if self.current else None}

    def form_valid(self, form):
        chosen = form.cleaned_data["authority"]
        before = self.current.authority_id if self.current else None
        try:
            services.alert_coordinator_set(
                actor=self.request.user, area=self.area, authority=chosen
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        if before == chosen.pk:
            messages.info(self.request, _("Nothing was changed."))
        else:
            messages.success(
                self.request,
                _("%(authority)s now coordinates alerts of %(area)s in %(country)s.")
                % {
                    "authority": chosen.official_name,
                    "area": self.area.name,
                    "country": self.country.name,
                },
            )
        return redirect(LIST)


class AlertCoordinatorRemoveView(_CountryAreaMixin, FormView):
    template_name = "network/alert_coordinators/remove.html"
    form_class = RemoveForm

    def get(self, request, *args, **kwargs):
        if self.current is None:
            raise Http404
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        if self.current is None:
            messages.info(self.request, _("Nothing was changed."))
            return redirect(LIST)
        try:
            services.alert_coordinator_remove(actor=self.request.user, coordinator=self.current)
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(country)s has no alert coordinator for %(area)s any more.")
            % {"country": self.country.name, "area": self.area.name},
        )
        return redirect(LIST)
