"""The coordinator's pages about an authority's life (issue 19, item 3), under
/network/authorities/: the authorities one coordinates, "Manage authority" for one of them, and
one page per change (``network.services.lifecycle`` does each)."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from openimi.access import policy
from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.accounts.users.selectors import local_data_administrator_list
from openimi.authorities.models import AreaPreferences, Authority, Country
from openimi.common.errors import ApplicationError
from openimi.common.pagination import OnePassPaginator
from openimi.exchange.services import authority_moves
from openimi.network import selectors_lifecycle as selectors
from openimi.network.forms.lifecycle import (
    AreaAddForm,
    AreaCoordinatorForm,
    AuthorityFilterForm,
    ConfirmForm,
    HandOverForm,
    MergeForm,
    OfficialNameForm,
)
from openimi.network.services import lifecycle as services


class AuthorityListView(PolicyRequiredMixin, TemplateView):
    """The authorities the user coordinates, searchable by name. Guarded by
    ``AUTHORITY_REGISTER`` for "some country": the coordinators' administrators and the
    network administrator; the list itself is scoped by the selector."""

    action = Action.AUTHORITY_REGISTER
    template_name = "network/lifecycle/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        everywhere = policy.network_countries(user) is None
        form = AuthorityFilterForm(
            self.request.GET, countries=list(Country.objects.all()) if everywhere else None
        )
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        results = selectors.coordinated_authority_list(
            user=user, text=data.get("q") or "", country=data.get("country") or ""
        )
        page = OnePassPaginator(results, settings.SEARCH_PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(form=form, page=page, query=query.urlencode())
        return context


class AuthorityMixin(PolicyRequiredMixin):
    """A page about one authority (``pk`` in the URL), asked of the policy with ``action``."""

    action = Action.AUTHORITY_COORDINATE

    def get_policy_object(self):
        try:
            return selectors.lifecycle_authority_get(pk=self.kwargs["pk"])
        except Authority.DoesNotExist as missing:
            raise Http404 from missing

    @property
    def authority(self) -> Authority:
        return self.policy_object

    def manage_url(self) -> str:
        return reverse("network:authority_manage", args=[self.authority.pk])


class AuthorityManageView(AuthorityMixin, TemplateView):
    template_name = "network/lifecycle/manage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        authority = self.authority
        user = self.request.user
        context.update(
            authority=authority,
            administrators=list(
                local_data_administrator_list(authority=authority).order_by(
                    "last_name", "first_name", "pk"
                )
            ),
            events=list(selectors.authority_event_list(authority=authority)),
            may_restructure=authority.is_active
            and policy.can(user, Action.AUTHORITY_RESTRUCTURE, authority),
            open_requests=authority_moves.authority_open_request_count(authority=authority)
            if authority.is_active
            else 0,
        )
        return context


class LifecycleFormView(AuthorityMixin, FormView):
    """A form whose valid data goes to one service (``perform``); an ApplicationError goes
    back to the form, a success to "Manage authority" with ``success_message``."""

    template_name = "network/lifecycle/form.html"
    heading = ""
    intro = ""
    button = ""
    success_message = ""
    # Each page's call of its service, given the valid form; False when nothing changed.
    perform: Callable[[Any], bool | None]

    def form_valid(self, form):
        try:
            changed = self.perform(form)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        if changed is False:
            messages.info(self.request, _("Nothing was changed."))
        else:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return self.manage_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            authority=self.authority,
            heading=self.heading,
            intro=self.intro,
            button=self.button or _("Save"),
            back_url=self.manage_url(),
            **kwargs,
        )


class ActiveAuthorityMixin:
    """Changes apply to active authorities only; a deactivated one shows its page."""

    def get(self, request, *args, **kwargs):
        if not self.authority.is_active:  # type: ignore[attr-defined]
            messages.info(request, _("This authority has been deactivated."))
            return redirect(self.manage_url())  # type: ignore[attr-defined]
        return super().get(request, *args, **kwargs)  # type: ignore[misc]


class OfficialNameView(ActiveAuthorityMixin, LifecycleFormView):
    form_class = OfficialNameForm

    def get_initial(self):
        return {"official_name": self.authority.official_name}

    def perform(self, form):
        self.success_message = _("The official name has been changed.")
        return services.authority_official_name_change(
            authority=self.authority,
            actor=self.request.user,
            official_name=form.cleaned_data["official_name"],
        )

    def get_context_data(self, **kwargs):
        self.heading = _("Change the official name")
        return super().get_context_data(**kwargs)


class AreaAddView(ActiveAuthorityMixin, LifecycleFormView):
    form_class = AreaAddForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "areas": selectors.missing_area_list(authority=self.authority),
            "coordinators": selectors.supervising_coordinator_list(authority=self.authority),
        }

    def perform(self, form):
        area = form.cleaned_data["area"]
        self.success_message = _("%(area)s has been added.") % {"area": area.name}
        services.authority_area_add(
            authority=self.authority,
            actor=self.request.user,
            area=area,
            supervising_coordinator=form.cleaned_data["supervising_coordinator"],
        )

    def get_context_data(self, **kwargs):
        self.heading = _("Add a legislative area")
        self.button = _("Add the area")
        return super().get_context_data(**kwargs)


class AreaMixin:
    """A page about one of the authority's areas (``area`` code in the URL)."""

    def preferences(self) -> AreaPreferences:
        for preferences in self.authority.preferences.all():  # type: ignore[attr-defined]
            if preferences.area.code == self.kwargs["area"]:  # type: ignore[attr-defined]
                return preferences
        raise Http404


class AreaCoordinatorView(ActiveAuthorityMixin, AreaMixin, LifecycleFormView):
    form_class = AreaCoordinatorForm

    def get_form_kwargs(self):
        self.preferences()
        return {
            **super().get_form_kwargs(),
            "coordinators": selectors.supervising_coordinator_list(authority=self.authority),
        }

    def get_initial(self):
        return {"supervising_coordinator": self.preferences().supervising_coordinator_id}

    def perform(self, form):
        self.success_message = _("The supervising coordinator has been changed.")
        return services.authority_area_coordinator_change(
            authority=self.authority,
            actor=self.request.user,
            area=self.preferences().area,
            supervising_coordinator=form.cleaned_data["supervising_coordinator"],
        )

    def get_context_data(self, **kwargs):
        self.heading = _("Supervising coordinator for %(area)s") % {
            "area": self.preferences().area.name
        }
        return super().get_context_data(**kwargs)


class AreaRemoveView(ActiveAuthorityMixin, AreaMixin, LifecycleFormView):
    form_class = ConfirmForm

    def perform(self, form):
        area = self.preferences().area
        self.success_message = _("%(area)s has been removed.") % {"area": area.name}
        services.authority_area_remove(authority=self.authority, actor=self.request.user, area=area)

    def get_context_data(self, **kwargs):
        area = self.preferences().area
        self.heading = _("Remove %(area)s") % {"area": area.name}
        self.intro = _(
            "The authority will no longer receive requests in this legislative area, and its "
            "settings for the area are removed. This is refused while it has open requests "
            "in the area."
        )
        self.button = _("Remove the area")
        return super().get_context_data(**kwargs)


class AdministratorResetView(ActiveAuthorityMixin, LifecycleFormView):
    """Reset the access of one of the authority's local data administrators."""

    form_class = ConfirmForm

    def administrator(self):
        found = (
            local_data_administrator_list(authority=self.authority)
            .filter(pk=self.kwargs["user"], is_active=True)
            .first()
        )
        if found is None:
            raise Http404
        return found

    def get(self, request, *args, **kwargs):
        self.administrator()
        return super().get(request, *args, **kwargs)

    def perform(self, form):
        administrator = self.administrator()
        self.success_message = _(
            "%(name)s will receive a new temporary password by e-mail and chooses a new "
            "security code at the next login."
        ) % {"name": administrator.get_full_name()}
        services.authority_administrator_access_reset(
            authority=self.authority,
            actor=self.request.user,
            administrator=administrator,
            request=self.request,
        )

    def get_context_data(self, **kwargs):
        administrator = self.administrator()
        self.heading = _("Reset the access of %(name)s") % {"name": administrator.get_full_name()}
        self.intro = _(
            "A new temporary password is sent to %(email)s, and the security code is "
            "forgotten: a new one is chosen at the next login. Every open session ends."
        ) % {"email": administrator.email}
        self.button = _("Reset the access")
        return super().get_context_data(**kwargs)


class RestructureMixin:
    action = Action.AUTHORITY_RESTRUCTURE


class HandOverView(RestructureMixin, ActiveAuthorityMixin, LifecycleFormView):
    form_class = HandOverForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "authorities": selectors.successor_list(authority=self.authority),
        }

    def perform(self, form):
        target = form.cleaned_data["target"]
        count = services.authority_requests_hand_over(
            authority=self.authority, actor=self.request.user, target=target
        )
        self.success_message = ngettext(
            "%(count)d open request handed over to %(authority)s.",
            "%(count)d open requests handed over to %(authority)s.",
            count,
        ) % {"count": count, "authority": target.official_name}

    def get_context_data(self, **kwargs):
        self.heading = _("Hand over open requests")
        self.intro = _(
            "The requests the authority received go to the chosen authority, which answers "
            "them (their allocations end); its drafts and the requests it sent become the "
            "chosen authority's."
        )
        self.button = _("Hand over")
        return super().get_context_data(**kwargs)


class DeactivateView(RestructureMixin, ActiveAuthorityMixin, LifecycleFormView):
    form_class = ConfirmForm

    def perform(self, form):
        services.authority_deactivate(
            authority=self.authority, actor=self.request.user, request=self.request
        )
        self.success_message = _(
            "%(authority)s has been deactivated; its users can no longer log in."
        ) % {"authority": self.authority.official_name}

    def get_context_data(self, **kwargs):
        self.heading = _("Deactivate %(authority)s") % {"authority": self.authority.official_name}
        self.intro = _(
            "The authority leaves the directory and receives no more requests; its users can "
            "no longer log in. Its open requests must be handed over first."
        )
        self.button = _("Deactivate")
        return super().get_context_data(**kwargs)


class MergeView(RestructureMixin, ActiveAuthorityMixin, LifecycleFormView):
    form_class = MergeForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "authorities": selectors.successor_list(authority=self.authority),
        }

    def perform(self, form):
        into = form.cleaned_data["into"]
        services.authority_merge(authority=self.authority, actor=self.request.user, into=into)
        self.success_message = _("%(old)s has merged into %(new)s.") % {
            "old": self.authority.official_name,
            "new": into.official_name,
        }
        self.continuing = into

    def get_success_url(self):
        return reverse("network:authority_manage", args=[self.continuing.pk])

    def get_context_data(self, **kwargs):
        self.heading = _("Merge %(authority)s into another authority") % {
            "authority": self.authority.official_name
        }
        self.intro = _(
            "For a merger of municipalities: the users and every request of this authority "
            "move to the continuing authority, which also takes over the legislative areas it "
            "lacks. This authority is deactivated and the directory sends searches for its "
            "name to the continuing one."
        )
        self.button = _("Merge")
        return super().get_context_data(**kwargs)
