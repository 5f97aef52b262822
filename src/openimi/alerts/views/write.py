"""Writing an alert: choose its kind, fill in the kind's form, save the draft, add and
remove documents, submit it for validation, or delete it. Every write is a service call; an
error lands at its field and the form keeps what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from openimi.access import policy
from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.alerts import deadlines, selectors, services
from openimi.alerts.forms import (
    AlertForm,
    AttachmentForm,
    KindForm,
    add_service_error,
    alert_initial,
)
from openimi.alerts.models import AlertAttachment
from openimi.alerts.types import KINDS, kind_of
from openimi.alerts.views._common import AlertPolicyMixin
from openimi.alerts.workflow import State
from openimi.authorities.models import LegislativeArea
from openimi.common.errors import ApplicationError, PermissionDenied


def _creatable_kinds(user):
    areas = {
        a.code: a
        for a in LegislativeArea.objects.filter(code__in={k.area_code for k in KINDS.values()})
    }
    return [
        kind
        for kind in KINDS.values()
        if kind.area_code in areas and policy.can(user, Action.ALERT_CREATE, areas[kind.area_code])
    ]


class KindChooseView(PolicyRequiredMixin, View):
    """Step 1: the kind of alert (the legal basis under each)."""

    action = Action.ALERT_CREATE

    def render(self, form):
        return render(self.request, "alerts/create_kind.html", {"form": form})

    def get(self, request):
        return self.render(KindForm(kinds=_creatable_kinds(request.user)))

    def post(self, request):
        form = KindForm(request.POST, kinds=_creatable_kinds(request.user))
        if not form.is_valid():
            return self.render(form)
        return redirect("alerts:create_kind", kind=form.cleaned_data["kind"])


class AlertCreateView(PolicyRequiredMixin, View):
    """Step 2: the form of the chosen kind; saving creates the draft."""

    action = Action.ALERT_CREATE

    def get_policy_object(self):
        try:
            self.kind = kind_of(self.kwargs["kind"])
        except ValueError as unknown:
            raise Http404 from unknown
        return LegislativeArea.objects.filter(code=self.kind.area_code).first()

    def form(self, data=None):
        user = self.request.user
        return AlertForm(
            data,
            kind=self.kind,
            own_country=user.authority.country_id,
            user_language=user.language,
        )

    def render(self, form):
        form.mark_required()
        return render(
            self.request,
            "alerts/form.html",
            {"form": form, "kind": self.kind, "alert": None},
        )

    def get(self, request, kind):
        return self.render(self.form())

    def post(self, request, kind):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            alert = services.alert_create_draft(
                actor=request.user, alert_type=self.kind.type, **form.service_arguments()
            )
        except PermissionDenied as denied:
            raise Http404 from denied
        except ApplicationError as error:
            add_service_error(form, error.field, error.message)
            return self.render(form)
        messages.success(
            request,
            _("Draft alert %(reference)s saved. Add documents, then submit it for validation.")
            % {"reference": alert.reference},
        )
        return redirect("alerts:edit", pk=alert.pk)


def edit_form(request, alert, data=None) -> AlertForm:
    return AlertForm(
        data,
        initial=alert_initial(alert),
        kind=kind_of(alert.alert_type),
        own_country=alert.sending_authority.country_id,
        user_language=request.user.language,
    )


def edit_page(request, alert, form, attachment_form=None):
    """The draft's page; it shows the personal data, so the showing is recorded."""
    form.mark_required()
    services.personal_data_view_record(alert=alert, actor=request.user, part="page")
    return render(
        request,
        "alerts/form.html",
        {
            "form": form,
            "kind": kind_of(alert.alert_type),
            "alert": alert,
            "attachments": selectors.alert_attachment_list(alert=alert),
            "attachment_form": attachment_form or AttachmentForm(),
            "deadline": deadlines.sending_deadline(alert),
            "overdue": deadlines.overdue(alert),
        },
    )


class AlertEditView(AlertPolicyMixin, View):
    """The draft: its form, its documents, "Save", "Submit for validation", "Delete"."""

    action = Action.ALERT_EDIT_DRAFT

    def form(self, data=None):
        return edit_form(self.request, self.alert, data)

    def render(self, form):
        return edit_page(self.request, self.alert, form)

    def get(self, request, pk):
        if self.alert.status != State.DRAFT:
            return redirect("alerts:detail", pk=pk)
        return self.render(self.form())

    def post(self, request, pk):
        if self.alert.status != State.DRAFT:
            messages.error(request, _("This alert is no longer a draft."))
            return redirect("alerts:detail", pk=pk)
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            services.alert_save_draft(
                alert=self.alert, actor=request.user, **form.service_arguments()
            )
        except PermissionDenied as denied:
            raise Http404 from denied
        except ApplicationError as error:
            add_service_error(form, error.field, error.message)
            return self.render(form)
        if "submit" not in request.POST:
            messages.success(request, _("The draft was saved."))
            return redirect("alerts:edit", pk=pk)
        try:
            services.alert_submit(alert=self.alert, actor=request.user)
        except services.IncompleteError as incomplete:
            self.alert = selectors.alert_get(user=request.user, pk=pk)
            form = self.form(request.POST)
            form.is_valid()
            for field, message in incomplete.problems.items():
                add_service_error(form, "kind" if field == "alert_type" else field, message)
            return self.render(form)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("alerts:edit", pk=pk)
        messages.success(
            request,
            _("Alert %(reference)s was submitted to your alert coordinator for validation.")
            % {"reference": self.alert.reference},
        )
        return redirect("alerts:detail", pk=pk)


class AttachmentAddView(AlertPolicyMixin, View):
    action = Action.ALERT_EDIT_DRAFT

    def post(self, request, pk):
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.alert_add_attachment(
                    alert=self.alert, actor=request.user, file=form.cleaned_data["file"]
                )
            except PermissionDenied as denied:
                raise Http404 from denied
            except ApplicationError as error:
                form.add_error("file", error.message)
        if form.errors:
            return edit_page(request, self.alert, edit_form(request, self.alert), form)
        messages.success(
            request,
            _("The document %(name)s was added.") % {"name": form.cleaned_data["file"].name},
        )
        return redirect(reverse("alerts:edit", args=[pk]) + "#documents")


class AttachmentRemoveView(AlertPolicyMixin, View):
    action = Action.ALERT_EDIT_DRAFT

    def post(self, request, pk, attachment_pk):
        try:
            attachment = selectors.alert_attachment_get(
                user=request.user, alert_pk=pk, pk=attachment_pk
            )
        except AlertAttachment.DoesNotExist as missing:
            raise Http404 from missing
        try:
            services.alert_remove_attachment(attachment=attachment, actor=request.user)
        except PermissionDenied as denied:
            raise Http404 from denied
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The document was removed."))
        return redirect(reverse("alerts:edit", args=[pk]) + "#documents")


class DraftDeleteView(AlertPolicyMixin, View):
    """GET: "Are you sure?"; POST: the draft, its personal data and documents are gone."""

    action = Action.ALERT_EDIT_DRAFT

    def get(self, request, pk):
        if self.alert.status != State.DRAFT:
            return redirect("alerts:detail", pk=pk)
        return render(request, "alerts/delete.html", {"alert": self.alert})

    def post(self, request, pk):
        try:
            services.alert_delete_draft(alert=self.alert, actor=request.user)
        except PermissionDenied as denied:
            raise Http404 from denied
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("alerts:detail", pk=pk)
        messages.success(
            request,
            _("Draft alert %(reference)s was deleted.") % {"reference": self.alert.reference},
        )
        return redirect("alerts:list")
