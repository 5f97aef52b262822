"""Alerts (issue 22): the list, drafts, the detail, every transition, the decisions on new
information and the recipient countries' steps.

Reads go through ``alerts.selectors`` (the pages' own, so that the API shows what the pages
show), writes through ``alerts.services``. As for requests, the permission class asks the
policy whether the caller sees the alert; the service then checks the state table (409 when
the step no longer applies) and the policy for the step itself (404 when not the caller's).
The personal data, and the free texts that may name the person, are in the detail only with
``ALERT_VIEW_PERSONAL_DATA``, and each showing is recorded (the access log).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from openimi.access import policy
from openimi.access.policy import Action
from openimi.alerts import selectors, services
from openimi.alerts.models import Alert, AlertRecipient, AlertUpdate
from openimi.alerts.workflow import Transition, transitions_from
from openimi.api.serializers import alerts as s
from openimi.api.views.base import ApiView

PERSONAL_TEXTS = ("restriction_scope", "description", "measures")
# The action each transition of the alert asks for (the recipient countries' own below).
STEP_ACTIONS = {
    Transition.EDIT_DRAFT: Action.ALERT_EDIT_DRAFT,
    Transition.SUBMIT: Action.ALERT_EDIT_DRAFT,
    Transition.VALIDATE: Action.ALERT_VALIDATE,
    Transition.RETURN: Action.ALERT_VALIDATE,
    Transition.PROPOSE_UPDATE: Action.ALERT_UPDATE,
    Transition.VALIDATE_UPDATE: Action.ALERT_VALIDATE,
    Transition.RETURN_UPDATE: Action.ALERT_VALIDATE,
    Transition.PROPOSE_CLOSURE: Action.ALERT_UPDATE,
    Transition.VALIDATE_CLOSURE: Action.ALERT_VALIDATE,
    Transition.RETURN_CLOSURE: Action.ALERT_VALIDATE,
    Transition.WITHDRAW: Action.ALERT_WITHDRAW,
}
RECIPIENT_STEPS = (Transition.ACKNOWLEDGE, Transition.DISTRIBUTE)


def alert_list(*, user, statuses=(), kinds=()):
    """The alerts ``user`` sees, newest first, with what a list row shows (constant cost).
    Not ``selectors.alert_list``: the pages list one section at a time, the API all."""
    alerts = policy.alerts_visible_to(user)
    if statuses:
        alerts = alerts.filter(status__in=statuses)
    if kinds:
        alerts = alerts.filter(alert_type__in=kinds)
    return alerts.select_related("area", "sending_authority").prefetch_related(
        "sending_authority__translations"
    )


def _available(user, alert: Alert, updates: list[AlertUpdate], recipients) -> list[str]:
    pending = any(
        u.kind == AlertUpdate.Kind.INFORMATION
        and u.status == AlertUpdate.Status.AWAITING_VALIDATION
        for u in updates
    )
    found = []
    for transition in transitions_from(alert.status):
        if transition in RECIPIENT_STEPS:
            if any(policy.can(user, Action.ALERT_RECEIVE, row) for row in recipients):
                found.append(str(transition))
            continue
        if transition in (Transition.VALIDATE_UPDATE, Transition.RETURN_UPDATE) and not pending:
            continue
        if policy.can(user, STEP_ACTIONS[transition], alert):
            found.append(str(transition))
    return found


def alert_detail_data(user, alert: Alert) -> dict[str, Any]:
    """The detail of ``alert`` as ``user`` may see it; records the showing of its personal
    data (part "api") when it is shown. The instance is read-only here: what the caller may
    not see is blanked on it, never saved."""
    parties = policy.alert_parties(user, alert)
    with_personal = policy.can(user, Action.ALERT_VIEW_PERSONAL_DATA, alert)
    recipients = selectors.alert_recipient_list(alert=alert, user=user, parties=parties)
    for row in recipients:
        row.alert = alert  # the policy reads the alert's status through the row
    updates = selectors.alert_updates_list(alert=alert, parties=parties)
    if not with_personal:
        for update in updates:
            update.text = update.return_reason = None
    shown: dict[str, Any] = {
        name: getattr(alert, name) if with_personal else None for name in PERSONAL_TEXTS
    }
    shown.update(
        countries=sorted(alert.countries.values_list("code", flat=True)),
        recipients=recipients,
        updates=updates,
        available_transitions=_available(user, alert, updates, recipients),
        personal_data=None,
    )
    if with_personal:
        services.personal_data_view_record(alert=alert, actor=user, part="api")
        shown["personal_data"] = alert.personal_data
    alert.shown = shown
    return s.AlertDetailSerializer(alert).data


def _draft_arguments(data: dict[str, Any]) -> dict[str, Any]:
    """The validated draft input as the services' arguments (only what was given)."""
    return {
        "fields": {name: data[name] for name in services.ALERT_FIELDS if name in data},
        "personal": data.get("personal_data") or {},
        "countries": data.get("countries"),
        "language": data.get("language", ""),
    }


class AlertObjectMixin:
    """Views about one alert: the policy object is the alert, read through the selector."""

    def get_policy_object(self):
        return selectors.alert_get(user=self.request.user, pk=self.kwargs["pk"])

    def detail_response(self, request, pk: int) -> Response:
        try:
            alert = selectors.alert_get(user=request.user, pk=pk)
        except Alert.DoesNotExist:
            # Back to a draft the caller (the coordinator) does not see: done, and gone.
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(alert_detail_data(request.user, alert))


class AlertListView(ApiView):
    """The alerts the caller sees, newest first; and new drafts."""

    actions = {"GET": Action.ALERT_LIST, "POST": Action.ALERT_CREATE}
    action = Action.ALERT_LIST
    serializer_class = s.AlertSummarySerializer

    @extend_schema(
        parameters=[s.AlertListQuerySerializer],
        responses=s.AlertSummarySerializer(many=True),
        operation_id="alerts_list",
    )
    def get(self, request):
        query = s.AlertListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        alerts = alert_list(
            user=request.user,
            statuses=query.validated_data.get("status", ()),
            kinds=query.validated_data.get("kind", ()),
        )
        page = self.paginate_queryset(alerts)
        return self.get_paginated_response(s.AlertSummarySerializer(page, many=True).data)

    @extend_schema(request=s.AlertDraftSerializer, responses={201: s.AlertDetailSerializer})
    def post(self, request):
        """Start a draft of the kind given; every other field may follow later (PATCH)."""
        draft = s.AlertDraftSerializer(data=request.data)
        draft.is_valid(raise_exception=True)
        alert = services.alert_create_draft(
            actor=request.user,
            alert_type=draft.validated_data["kind"],
            **_draft_arguments(draft.validated_data),
        )
        alert = selectors.alert_get(user=request.user, pk=alert.pk)
        return Response(alert_detail_data(request.user, alert), status=status.HTTP_201_CREATED)


class AlertDetailView(AlertObjectMixin, ApiView):
    """One alert; a draft's fields can be changed (PATCH: only those given)."""

    action = Action.ALERT_VIEW
    serializer_class = s.AlertDetailSerializer

    def get(self, request, pk: int):
        return Response(alert_detail_data(request.user, self.policy_object()))

    @extend_schema(request=s.AlertDraftChangeSerializer, responses={200: s.AlertDetailSerializer})
    def patch(self, request, pk: int):
        draft = s.AlertDraftChangeSerializer(data=request.data, partial=True)
        draft.is_valid(raise_exception=True)
        services.alert_save_draft(
            alert=self.policy_object(),
            actor=request.user,
            **_draft_arguments(draft.validated_data),
        )
        return self.detail_response(request, pk)


@dataclass(frozen=True)
class Step:
    path: str
    service: Callable[..., Any]
    serializer: type
    summary: str


STEPS: list[Step] = [
    Step("submit", services.alert_submit, s.AlertEmptySerializer, "Submit for validation."),
    Step("validate", services.alert_validate, s.AlertEmptySerializer, "Validate and send."),
    Step("return", services.alert_return, s.ReasonSerializer, "Return to the sender."),
    Step("withdraw", services.alert_withdraw, s.ReasonSerializer, "Withdraw (sent in error)."),
    Step(
        "propose-update",
        services.alert_propose_update,
        s.UpdateTextSerializer,
        "Add new information (validated before it reaches the recipients).",
    ),
    Step("propose-closure", services.alert_propose_closure, s.ReasonSerializer, "Propose closure."),
    Step(
        "validate-closure",
        services.alert_validate_closure,
        s.AlertEmptySerializer,
        "Close the alert (its coordinator).",
    ),
    Step(
        "return-closure",
        services.alert_return_closure,
        s.ReasonSerializer,
        "Refuse the closure (its coordinator).",
    ),
]


def _schema(step_summary: str, request, operation_id: str):
    return extend_schema(
        summary=step_summary,
        request=request,
        responses={
            200: s.AlertDetailSerializer,
            204: OpenApiResponse(description="Done; the alert is no longer yours to see."),
        },
        operation_id=operation_id,
    )


class AlertTransitionView(AlertObjectMixin, ApiView):
    action = Action.ALERT_VIEW
    step: Step

    def post(self, request, pk: int):
        data = self.step.serializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.step.service(alert=self.policy_object(), actor=request.user, **data.validated_data)
        return self.detail_response(request, pk)


def alert_transition_view(step: Step) -> type[AlertTransitionView]:
    """A view class of its own per step, so that each has its own schema operation."""
    name = "Alert" + "".join(part.title() for part in step.path.split("-")) + "View"
    view = type(name, (AlertTransitionView,), {"step": step, "serializer_class": step.serializer})

    # A function of its own: extend_schema marks the function it decorates.
    def post(self, request, pk: int):
        return AlertTransitionView.post(self, request, pk)

    operation_id = f"alerts_{step.path.replace('-', '_')}"
    view.post = _schema(step.summary, step.serializer, operation_id)(post)
    return view


class _UpdateDecisionView(AlertObjectMixin, ApiView):
    """Validate or return one new information of the alert (its coordinator)."""

    action = Action.ALERT_VIEW

    def update(self, update_pk: int) -> AlertUpdate:
        found = (
            self.policy_object()
            .updates.filter(pk=update_pk, kind=AlertUpdate.Kind.INFORMATION)
            .first()
        )
        if found is None:
            raise AlertUpdate.DoesNotExist
        return found


class UpdateValidateView(_UpdateDecisionView):
    serializer_class = s.AlertEmptySerializer

    @_schema("Validate new information.", s.AlertEmptySerializer, "alerts_update_validate")
    def post(self, request, pk: int, update_pk: int):
        services.alert_validate_update(update=self.update(update_pk), actor=request.user)
        return self.detail_response(request, pk)


class UpdateReturnView(_UpdateDecisionView):
    serializer_class = s.ReasonSerializer

    @_schema("Return new information.", s.ReasonSerializer, "alerts_update_return")
    def post(self, request, pk: int, update_pk: int):
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.alert_return_update(
            update=self.update(update_pk), actor=request.user, **data.validated_data
        )
        return self.detail_response(request, pk)


class _RecipientView(AlertObjectMixin, ApiView):
    """A recipient country's step, by its alert coordinator: the row of ``country``."""

    action = Action.ALERT_VIEW

    def recipient(self, country: str) -> AlertRecipient:
        if not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise AlertRecipient.DoesNotExist  # not a country code: 404, like a missing row
        return self.policy_object().recipients.get(country_id=country.upper())


class AcknowledgeView(_RecipientView):
    serializer_class = s.AlertEmptySerializer

    @_schema("Acknowledge receipt (a recipient country).", None, "alerts_acknowledge")
    def post(self, request, pk: int, country: str):
        services.alert_acknowledge(recipient=self.recipient(country), actor=request.user)
        return self.detail_response(request, pk)


class DistributeView(_RecipientView):
    serializer_class = s.DistributeSerializer

    @_schema(
        "Pass to competent authorities (a recipient country).",
        s.DistributeSerializer,
        "alerts_distribute",
    )
    def post(self, request, pk: int, country: str):
        data = s.DistributeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.alert_distribute(
            recipient=self.recipient(country),
            actor=request.user,
            authorities=data.validated_data["authorities"],
        )
        return self.detail_response(request, pk)
