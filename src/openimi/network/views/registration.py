"""Registration pages (issue 19): register an authority, the public "Ask to join", and the
requests to join with Validate and Decline. Thin pages over
``network.services.registration``; every page but the public two asks the policy
``AUTHORITY_REGISTER`` of the country concerned (404 otherwise)."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from openimi.access import policy
from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.authorities.models import Country
from openimi.common import ratelimit
from openimi.common.errors import ApplicationError
from openimi.common.i18n import interface_language
from openimi.common.net import client_address
from openimi.network import selectors
from openimi.network.forms.registration import (
    ADMINISTRATOR_FIELD_NAMES,
    CountryChoiceForm,
    DeclineForm,
    JoinForm,
    JoinRequestFilterForm,
    RegisterForm,
)
from openimi.network.models import JoinRequest
from openimi.network.services import registration as services

# The public form: a few requests to join per address and hour are plenty for an authority.
JOIN_LIMIT = 5
JOIN_PERIOD = 3600
# Requests to join on one page of the list.
PER_PAGE = 50


def _add_error(form, error: ApplicationError) -> None:
    field = ADMINISTRATOR_FIELD_NAMES.get(error.field or "", error.field)
    if field == "areas" and "areas" not in form.fields:
        field = next((name for name in form.fields if name.startswith("area_")), None)
    form.add_error(field if field in form.fields else None, error.message)


class _RegisterFormMixin:
    """The register form of ``self.country``; ``join_request`` pre-fills and is validated."""

    template_name = "network/registration/register.html"
    join_request: JoinRequest | None = None

    def _defaults(self) -> dict:
        """What the form starts with: the country's language (the registering user's, where
        the country speaks it), the same for the first administrator's e-mails, and the
        registering coordinator as supervisor of each area."""
        user = self.request.user
        spoken = [language.code for language in self.country.languages.order_by("code")]
        own = user.authority.language_id if user.authority is not None else None
        language = next(
            (code for code in (user.language, own) if code in spoken), spoken[0] if spoken else ""
        )
        initial = {
            "language": language,
            "administrator_language": interface_language(language) or settings.LANGUAGE_CODE,
        }
        if user.authority is not None and user.authority.country_id == self.country.pk:
            for area in selectors.area_list():
                initial[f"coordinator_{area.pk}"] = str(user.authority_id)
        return initial

    def get_form(self, form_class=None):
        return RegisterForm(
            **self.get_form_kwargs(),
            kinds=services.registerable_kinds(self.request.user),
            coordinators=list(selectors.country_coordinator_list(country=self.country)),
            areas=selectors.area_list(),
        )

    def form_valid(self, form):
        try:
            authority = services.authority_register(
                actor=self.request.user,
                country=self.country,
                kind=form.cleaned_data["kind"],
                areas=form.chosen_areas(),
                administrator=form.administrator(),
                join_request=self.join_request,
                request=self.request,
                **form.authority_data(),
            )
        except ApplicationError as error:
            _add_error(form, error)
            return self.form_invalid(form)
        administrator = authority.first_administrator
        hours = int(settings.TEMPORARY_PASSWORD_DELAY.total_seconds() // 3600)
        messages.success(
            self.request,
            ngettext(
                "%(authority)s has been registered; %(name)s will receive an e-mail with a "
                "temporary password in %(hours)s hour. Give them their username yourself: "
                "%(username)s.",
                "%(authority)s has been registered; %(name)s will receive an e-mail with a "
                "temporary password in %(hours)s hours. Give them their username yourself: "
                "%(username)s.",
                hours,
            )
            % {
                "authority": authority.official_name,
                "name": administrator.get_full_name(),
                "hours": hours,
                "username": administrator.username,
            },
        )
        return redirect("authorities:detail", pk=authority.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            country=self.country, join_request=self.join_request, **kwargs
        )


class RegisterView(PolicyRequiredMixin, _RegisterFormMixin, FormView):
    """Register an authority. A user who registers in several countries (the network
    administrator) first chooses the country (``?country=``)."""

    action = Action.AUTHORITY_REGISTER

    def get_policy_object(self):
        countries = selectors.country_list(user=self.request.user)
        code = self.request.GET.get("country", "")
        if not code:
            found = list(countries[:2])
            if len(found) == 1:
                return found[0]
            return None  # "some country": the page asks which
        country = countries.filter(pk=code.upper()).first()
        if country is None:
            raise Http404
        return country

    @property
    def country(self) -> Country:
        return self.policy_object

    def get_initial(self):
        return self._defaults()

    def get(self, request, *args, **kwargs):
        if self.policy_object is None:
            return self._choose_country()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.policy_object is None:
            return self._choose_country()
        return super().post(request, *args, **kwargs)

    def _choose_country(self):
        form = CountryChoiceForm(
            self.request.GET or None, countries=selectors.country_list(user=self.request.user)
        )
        return self.render_to_response(
            {"view": self, "choose_form": form, "country": None},
        )


class _JoinRequestMixin(PolicyRequiredMixin):
    action = Action.AUTHORITY_REGISTER

    def get_policy_object(self):
        self.join_request = selectors.join_request_get(user=self.request.user, pk=self.kwargs["pk"])
        if self.join_request is None:
            raise Http404
        return self.join_request.country


def _refuse_decided(view, join_request: JoinRequest):
    """Deciding a request already decided: say so on its page."""
    messages.error(
        view.request,
        _("This request to join has already been decided: %(status)s.")
        % {"status": join_request.get_status_display()},
    )
    return redirect("network:registration:request_detail", pk=join_request.pk)


class JoinRequestValidateView(_JoinRequestMixin, _RegisterFormMixin, FormView):
    """Validate: the register form, filled in from the request to join."""

    @property
    def country(self) -> Country:
        return self.policy_object

    def get(self, request, *args, **kwargs):
        if self.join_request.status != JoinRequest.Status.PENDING:
            return _refuse_decided(self, self.join_request)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.join_request.status != JoinRequest.Status.PENDING:
            return _refuse_decided(self, self.join_request)
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        join_request = self.join_request
        initial = self._defaults() | {
            name: getattr(join_request, name)
            for name in (
                "official_name",
                "informal_title",
                "street",
                "postal_code",
                "city",
                "email",
                "phone",
                "website",
            )
        }
        initial["language"] = join_request.language_id
        initial["administrator_first_name"] = join_request.administrator_first_name
        initial["administrator_last_name"] = join_request.administrator_last_name
        initial["administrator_email"] = join_request.administrator_email
        initial["administrator_phone"] = join_request.administrator_phone
        initial["administrator_language"] = (
            interface_language(join_request.language_id) or settings.LANGUAGE_CODE
        )
        for area in join_request.areas.all():
            initial[f"area_{area.pk}"] = True
        return initial

    def form_invalid(self, form):
        # Decided meanwhile by someone else: no second authority, a clear message.
        if (
            JoinRequest.objects.filter(pk=self.join_request.pk)
            .exclude(status=JoinRequest.Status.PENDING)
            .exists()
        ):
            self.join_request.refresh_from_db()
            return _refuse_decided(self, self.join_request)
        return super().form_invalid(form)


class JoinRequestDeclineView(_JoinRequestMixin, FormView):
    template_name = "network/registration/decline.html"
    form_class = DeclineForm

    def get(self, request, *args, **kwargs):
        if self.join_request.status != JoinRequest.Status.PENDING:
            return _refuse_decided(self, self.join_request)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.join_request_decline(
                actor=self.request.user,
                join_request=self.join_request,
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            if error.field is None:
                self.join_request.refresh_from_db()
                return _refuse_decided(self, self.join_request)
            _add_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The request to join of %(name)s has been declined; %(email)s receives the reason.")
            % {"name": self.join_request.official_name, "email": self.join_request.email},
        )
        return redirect("network:registration:request_detail", pk=self.join_request.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(join_request=self.join_request, **kwargs)


class JoinRequestListView(PolicyRequiredMixin, TemplateView):
    """Requests to join of the countries the user decides for, filtered by status."""

    action = Action.AUTHORITY_REGISTER
    template_name = "network/registration/request_list.html"

    def get_context_data(self, **kwargs):
        form = JoinRequestFilterForm(self.request.GET or None)
        status = form.cleaned_data["status"] if form.is_valid() else ""
        requests = selectors.join_request_list(user=self.request.user, status=status or None)
        page = Paginator(requests, PER_PAGE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            filter_form=form,
            join_requests=list(page.object_list),
            page=page,
            query=urlencode({"status": status}) if status else "",
            all_countries=policy.network_countries(self.request.user) is None,
            **kwargs,
        )


class JoinRequestDetailView(_JoinRequestMixin, TemplateView):
    template_name = "network/registration/request_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            join_request=self.join_request,
            areas=list(self.join_request.areas.order_by("position", "code")),
            pending=self.join_request.status == JoinRequest.Status.PENDING,
            **kwargs,
        )


class JoinView(FormView):
    """The public form "Ask to join" (no login). Rate-limited per client address."""

    template_name = "network/registration/join.html"
    form_class = JoinForm

    def form_valid(self, form):
        decision = ratelimit.hit(
            f"network-join:{client_address(self.request) or 'unknown'}",
            limit=JOIN_LIMIT,
            period=JOIN_PERIOD,
        )
        if not decision.allowed:
            minutes = max(1, math.ceil((decision.retry_after or 60) / 60))
            form.add_error(
                None,
                ngettext(
                    "Too many requests to join were sent from your address. Try again in "
                    "%(minutes)s minute.",
                    "Too many requests to join were sent from your address. Try again in "
                    "%(minutes)s minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        data = dict(form.cleaned_data)
        try:
            services.join_request_submit(**data)
        except ApplicationError as error:
            _add_error(form, error)
            return self.form_invalid(form)
        return redirect("network:registration:join_sent")


class JoinSentView(TemplateView):
    """What happens after asking to join."""

    template_name = "network/registration/join_sent.html"
