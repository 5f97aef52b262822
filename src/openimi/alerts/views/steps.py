"""The steps of an alert's life as pages: each a service call (DESIGN rule 2). A step
without a form is a button on the alert's page; one with a form (a reason, new information,
the authorities to pass it to) has its own page. After the step: back to the alert with a
sentence saying what happened, or the refusal's own sentence; "not yours" is a 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from openimi.access import policy
from openimi.access.policy import Action
from openimi.alerts import selectors, services
from openimi.alerts.forms import DistributeForm, ReasonForm, add_service_error
from openimi.alerts.models import AlertRecipient, AlertUpdate
from openimi.alerts.views._common import AlertPolicyMixin, get_alert_or_404, land
from openimi.alerts.workflow import RECIPIENT_TABLE, RecipientState, Transition, transitions_from
from openimi.common.errors import ApplicationError, PermissionDenied

T = Transition
NO_PERSONAL_DATA = _("The countries you warn read this text. Name the person only if needed.")


@dataclass(frozen=True)
class Step:
    name: str
    transition: Transition
    action: Action
    label: Any
    success: Any
    perform: Callable[..., Any]
    form_label: Any = None  # None: a button, no form
    warning: bool = False

    @property
    def has_form(self) -> bool:
        return self.form_label is not None

    @property
    def on_recipient(self) -> bool:
        return self.action == Action.ALERT_RECEIVE


def _reason(form) -> dict:
    return {"reason": form.cleaned_data["text"], "language": form.cleaned_data["language"]}


STEPS = (
    Step(
        "validate",
        T.VALIDATE,
        Action.ALERT_VALIDATE,
        _("Validate and send"),
        _("The alert was validated and sent to the countries it warns."),
        lambda view, form: services.alert_validate(alert=view.alert, actor=view.request.user),
    ),
    Step(
        "return",
        T.RETURN,
        Action.ALERT_VALIDATE,
        _("Return to the sender"),
        _("The alert was returned to its sender as a draft."),
        lambda view, form: services.alert_return(
            alert=view.alert, actor=view.request.user, **_reason(form)
        ),
        form_label=_("Why does the alert go back?"),
    ),
    Step(
        "add_information",
        T.PROPOSE_UPDATE,
        Action.ALERT_UPDATE,
        _("Add new information"),
        _("The new information waits for your alert coordinator's validation."),
        lambda view, form: services.alert_propose_update(
            alert=view.alert,
            actor=view.request.user,
            text=form.cleaned_data["text"],
            language=form.cleaned_data["language"],
        ),
        form_label=_("New information"),
    ),
    Step(
        "propose_closure",
        T.PROPOSE_CLOSURE,
        Action.ALERT_UPDATE,
        _("Propose to close the alert"),
        _("The proposal to close waits for your alert coordinator's validation."),
        lambda view, form: services.alert_propose_closure(
            alert=view.alert, actor=view.request.user, **_reason(form)
        ),
        form_label=_("Why can the alert be closed?"),
    ),
    Step(
        "close",
        T.VALIDATE_CLOSURE,
        Action.ALERT_VALIDATE,
        _("Close the alert"),
        _("The alert was closed."),
        lambda view, form: services.alert_validate_closure(
            alert=view.alert, actor=view.request.user
        ),
    ),
    Step(
        "refuse_closure",
        T.RETURN_CLOSURE,
        Action.ALERT_VALIDATE,
        _("Refuse the closure"),
        _("The closure was refused: the alert stays open."),
        lambda view, form: services.alert_return_closure(
            alert=view.alert, actor=view.request.user, **_reason(form)
        ),
        form_label=_("Why does the alert stay open?"),
    ),
    Step(
        "withdraw",
        T.WITHDRAW,
        Action.ALERT_WITHDRAW,
        _("Withdraw the alert"),
        _("The alert was withdrawn."),
        lambda view, form: services.alert_withdraw(
            alert=view.alert, actor=view.request.user, **_reason(form)
        ),
        form_label=_("Why is the alert withdrawn?"),
        warning=True,
    ),
    Step(
        "acknowledge",
        T.ACKNOWLEDGE,
        Action.ALERT_RECEIVE,
        _("Acknowledge receipt"),
        _("Receipt of the alert was acknowledged."),
        lambda view, form: services.alert_acknowledge(
            recipient=view.recipient, actor=view.request.user
        ),
    ),
)
STEP_BY_NAME = {step.name: step for step in STEPS}


def available_steps(user, alert, parties, own_recipient: AlertRecipient | None) -> list[Step]:
    """The steps the alert's status and the user's parts allow now."""
    allowed = set(transitions_from(alert.status))
    found = []
    for step in STEPS:
        if step.transition not in allowed:
            continue
        if step.on_recipient:
            if own_recipient is None:
                continue
            own_recipient.alert = alert
            if (RecipientState(own_recipient.status), step.transition) not in RECIPIENT_TABLE:
                continue
            if policy.can(user, step.action, own_recipient):
                found.append(step)
        elif policy.can(user, step.action, alert):
            found.append(step)
    return found


def can_distribute(user, alert, own_recipient: AlertRecipient | None) -> bool:
    if own_recipient is None or T.DISTRIBUTE not in transitions_from(alert.status):
        return False
    own_recipient.alert = alert
    return policy.can(user, Action.ALERT_RECEIVE, own_recipient)


def _own_recipient_or_404(user, alert) -> AlertRecipient:
    try:
        recipient = selectors.alert_own_recipient_get(alert=alert, user=user)
    except AlertRecipient.DoesNotExist as missing:
        raise Http404 from missing
    recipient.alert = alert
    return recipient


class StepView(AlertPolicyMixin, View):
    """GET: the step's form (a step without one is a button on the alert's page).
    POST: the service; back to the alert with what happened, or the form with the error."""

    step: Step | None = None

    @property
    def action(self) -> Action:
        return self.step.action

    def get_policy_object(self):
        alert = super().get_policy_object()
        if self.step.on_recipient:
            self.recipient = _own_recipient_or_404(self.request.user, alert)
            return self.recipient
        return alert

    def form(self, data=None):
        return ReasonForm(
            data,
            label=self.step.form_label,
            hint=NO_PERSONAL_DATA if self.step.transition == T.PROPOSE_UPDATE else None,
            user_language=self.request.user.language,
        )

    def render_form(self, form):
        return render(
            self.request, "alerts/step.html", {"alert": self.alert, "step": self.step, "form": form}
        )

    def get(self, request, pk):
        if not self.step.has_form:
            return redirect("alerts:detail", pk=pk)
        return self.render_form(self.form())

    def post(self, request, pk):
        form = None
        if self.step.has_form:
            form = self.form(request.POST)
            if not form.is_valid():
                return self.render_form(form)
        try:
            self.step.perform(self, form)
        except PermissionDenied as denied:
            raise Http404 from denied
        except ApplicationError as error:
            if form is None:
                messages.error(request, error.message)
                return redirect("alerts:detail", pk=pk)
            add_service_error(
                form, "text" if error.field == "reason" else error.field, error.message
            )
            return self.render_form(form)
        return land(request, self.alert, str(self.step.success))


class UpdateDecisionView(AlertPolicyMixin, View):
    """The coordinator validates new information (a button) or returns it (with a reason)."""

    action = Action.ALERT_VALIDATE
    validate = True

    def get_policy_object(self):
        alert = super().get_policy_object()
        self.update = alert.updates.filter(
            pk=self.kwargs["update_pk"], kind=AlertUpdate.Kind.INFORMATION
        ).first()
        if self.update is None:
            raise Http404
        return alert

    def form(self, data=None):
        return ReasonForm(
            data,
            label=_("Why does the new information go back?"),
            user_language=self.request.user.language,
        )

    def render_form(self, form):
        step = {"label": _("Return the new information"), "warning": False}
        return render(
            self.request,
            "alerts/step.html",
            {"alert": self.alert, "step": step, "form": form, "update": self.update},
        )

    def get(self, request, pk, update_pk):
        if self.validate:
            return redirect("alerts:detail", pk=pk)
        return self.render_form(self.form())

    def post(self, request, pk, update_pk):
        form = None
        try:
            if self.validate:
                services.alert_validate_update(update=self.update, actor=request.user)
                success = _("The new information was validated and sent to the countries.")
            else:
                form = self.form(request.POST)
                if not form.is_valid():
                    return self.render_form(form)
                services.alert_return_update(
                    update=self.update, actor=request.user, **_reason(form)
                )
                success = _("The new information was returned to the sender.")
        except PermissionDenied as denied:
            raise Http404 from denied
        except ApplicationError as error:
            if form is None:
                messages.error(request, error.message)
                return redirect("alerts:detail", pk=pk)
            add_service_error(
                form, "text" if error.field == "reason" else error.field, error.message
            )
            return self.render_form(form)
        return land(request, self.alert, str(success))


class DistributeView(AlertPolicyMixin, View):
    """The recipient coordinator passes the alert to competent authorities of its country;
    those already chosen are shown as done."""

    action = Action.ALERT_RECEIVE

    def get_policy_object(self):
        alert = get_alert_or_404(self.request.user, self.kwargs["pk"])
        self.alert = alert
        self.recipient = _own_recipient_or_404(self.request.user, alert)
        return self.recipient

    def choices(self):
        done = {d.authority_id: d for d in self.recipient.distributions.select_related("authority")}
        candidates = services.distributable_authorities(self.recipient).order_by("official_name")
        return (
            [(a.pk, str(a)) for a in candidates if a.pk not in done],
            list(done.values()),
        )

    def render_form(self, form, done):
        return render(
            self.request,
            "alerts/distribute.html",
            {"alert": self.alert, "recipient": self.recipient, "form": form, "done": done},
        )

    def get(self, request, pk):
        choices, done = self.choices()
        return self.render_form(DistributeForm(choices=choices), done)

    def post(self, request, pk):
        choices, done = self.choices()
        form = DistributeForm(request.POST, choices=choices)
        if not form.is_valid():
            return self.render_form(form, done)
        ids = [int(value) for value in form.cleaned_data["authorities"]]
        try:
            services.alert_distribute(recipient=self.recipient, actor=request.user, authorities=ids)
        except PermissionDenied as denied:
            raise Http404 from denied
        except ApplicationError as error:
            add_service_error(form, error.field, error.message)
            return self.render_form(form, done)
        return land(
            request,
            self.alert,
            str(_("The alert was passed to the authorities you chose.")),
        )
