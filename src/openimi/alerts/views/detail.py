"""The alert: what it says, the person (for those who may see it, each showing recorded),
its updates, documents, recipient countries, timeline, and the steps the user's parts allow.
A recipient authority's reading is noted (``services.alert_mark_read``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from openimi.access import policy
from openimi.access.alerts import RECIPIENT_AUTHORITY, RECIPIENT_COORDINATOR, SENDER, VALIDATOR
from openimi.access.policy import Action
from openimi.alerts import deadlines, events, selectors, services
from openimi.alerts.models import Alert, AlertPersonalData, AlertUpdate
from openimi.alerts.types import kind_of, label
from openimi.alerts.views._common import AlertPolicyMixin, report_url
from openimi.alerts.views.steps import available_steps, can_distribute
from openimi.alerts.workflow import State

EVENT_LABELS = {
    events.CREATED: _("Draft created"),
    events.DRAFT_UPDATED: _("Draft changed"),
    events.ATTACHMENT_ADDED: _("Document added"),
    events.ATTACHMENT_REMOVED: _("Document removed"),
    events.SUBMITTED: _("Submitted for validation"),
    events.VALIDATED: _("Validated and sent"),
    events.RETURNED: _("Returned to the sender"),
    events.UPDATE_PROPOSED: _("New information proposed"),
    events.UPDATE_VALIDATED: _("New information validated and sent"),
    events.UPDATE_RETURNED: _("New information returned"),
    events.CLOSURE_PROPOSED: _("Closure proposed"),
    events.CLOSED: _("Alert closed"),
    events.CLOSURE_RETURNED: _("Closure refused"),
    events.WITHDRAWN: _("Alert withdrawn"),
    events.ACKNOWLEDGED: _("Receipt acknowledged"),
    events.DISTRIBUTED: _("Passed to competent authorities"),
    events.READ: _("Read by an authority"),
    events.RESTRICTION_ENDED: _("The restriction has ended: the sender was reminded to close"),
    events.PERSONAL_DATA_DELETED: _("Personal data removed (retention period)"),
}


def _value(alert: Alert, name: str):
    if name.startswith("personal."):
        return getattr(alert.personal_data, name.removeprefix("personal."))
    return getattr(alert, name)


def _label(model, name: str, alert_type: str):
    field = model._meta.get_field(name.removeprefix("personal."))
    return label(name, alert_type) or str(field.verbose_name).capitalize()


def alert_fields(alert: Alert, *, personal: bool) -> list[dict]:
    """The kind's fields, in its order: the person's ones, or the alert's own."""
    rows = []
    for name in kind_of(alert.alert_type).shown:
        if name == "countries" or name.startswith("personal.") != personal:
            continue
        model = AlertPersonalData if personal else Alert
        rows.append(
            {
                "label": _label(model, name, alert.alert_type),
                "value": _value(alert, name),
                "text": model._meta.get_field(name.removeprefix("personal.")).get_internal_type()
                == "TextField",
            }
        )
    return rows


class AlertDetailView(AlertPolicyMixin, TemplateView):
    action = Action.ALERT_VIEW
    template_name = "alerts/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, alert = self.request.user, self.alert
        parties = policy.alert_parties(user, alert)
        if RECIPIENT_AUTHORITY in parties:
            services.alert_mark_read(alert=alert, actor=user)
        show_personal = policy.can(user, Action.ALERT_VIEW_PERSONAL_DATA, alert)
        if show_personal:
            services.personal_data_view_record(alert=alert, actor=user, part="page")
        updates = selectors.alert_updates_list(alert=alert, parties=parties)
        timeline = selectors.alert_events_list(alert=alert, parties=parties)
        for event in timeline:
            event.label = EVENT_LABELS.get(event.code, event.code)
        own_recipient = None
        if RECIPIENT_COORDINATOR in parties:
            own_recipient = next(
                iter(selectors.alert_recipient_list(alert=alert, user=user, parties=parties)),
                None,
            )
        kind = kind_of(alert.alert_type)
        context.update(
            alert=alert,
            kind=kind,
            parties=parties,
            sending_country=bool(parties & {SENDER, VALIDATOR}),
            fields=[row for row in alert_fields(alert, personal=False) if not row["text"]],
            texts=[row for row in alert_fields(alert, personal=False) if row["text"]],
            personal_fields=alert_fields(alert, personal=True) if show_personal else None,
            personal_data_removed=alert.personal_data_removed_at,
            deadline=deadlines.sending_deadline(alert),
            sent_late=deadlines.sent_late(alert),
            overdue=deadlines.overdue(alert),
            updates=updates,
            pending_updates=[
                u
                for u in updates
                if u.kind == AlertUpdate.Kind.INFORMATION
                and u.status == AlertUpdate.Status.AWAITING_VALIDATION
            ],
            attachments=selectors.alert_attachment_list(alert=alert),
            can_download=show_personal,
            recipients=selectors.alert_recipient_list(alert=alert, user=user, parties=parties),
            own_recipient=own_recipient,
            timeline=timeline,
            steps=available_steps(user, alert, parties, own_recipient),
            can_distribute=can_distribute(user, alert, own_recipient),
            can_edit=alert.status == State.DRAFT
            and policy.can(user, Action.ALERT_EDIT_DRAFT, alert),
            can_validate_updates=policy.can(user, Action.ALERT_VALIDATE, alert),
            report_url=report_url(alert),
        )
        return context
