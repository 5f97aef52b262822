"""Every workflow transition as ``POST /requests/{id}/<transition>/``.

The view checks only that the user may see the request (the permission class); the service
then checks the state table (409 when the step no longer applies) and the policy for the step
itself (404 when it is not the user's to take), in that order, as for the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from openimi.access.policy import Action
from openimi.accounts.models import User
from openimi.api.serializers import requests as s
from openimi.api.views.base import ApiView
from openimi.api.views.requests import RequestObjectMixin, _get, request_detail_data
from openimi.authorities.models import Authority
from openimi.common.errors import ApplicationError
from openimi.exchange import selectors, services
from openimi.exchange.models import InformationRequest


def _handlers(ids: list[int]) -> list[User]:
    users = User.objects.in_bulk(ids)
    missing = [pk for pk in ids if pk not in users]
    if missing:
        raise ApplicationError(_("Choose request handlers of your authority."), field="handlers")
    return [users[pk] for pk in ids]


def _forward(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "to_authority": _get(Authority, data["to_authority"], "to_authority")}


@dataclass(frozen=True)
class Step:
    path: str
    service: Callable[..., Any]
    serializer: type
    summary: str
    arguments: Callable[[dict[str, Any]], dict[str, Any]] = dict


STEPS: list[Step] = [
    Step("send", services.request_send, s.EmptySerializer, "Send a complete draft."),
    Step("approve", services.request_approve, s.EmptySerializer, "Approve (coordinator)."),
    Step(
        "return", services.request_return, s.ReturnSerializer, "Return with a note (coordinator)."
    ),
    Step("accept", services.request_accept, s.AcceptSerializer, "Accept an incoming request."),
    Step("forward", services.request_forward, s.ForwardSerializer, "Forward.", _forward),
    Step("reject", services.request_reject, s.RejectSerializer, "Reject on a permitted ground."),
    Step(
        "allocate",
        services.request_allocate,
        s.AllocateSerializer,
        "Allocate to request handlers.",
        lambda data: {"handlers": _handlers(data["handlers"])},
    ),
    Step("request-info", services.request_request_info, s.TextSerializer, "Ask for information."),
    Step("provide-info", services.request_provide_info, s.TextSerializer, "Give information."),
    Step("answer", services.request_answer, s.EmptySerializer, "Send the answers."),
    Step("accept-answer", services.request_accept_answer, s.EmptySerializer, "Close."),
    Step("ask-follow-up", services.request_ask_follow_up, s.TextSerializer, "Follow-up question."),
    Step("withdraw", services.request_withdraw, s.NoteSerializer, "Withdraw an open request."),
    Step(
        "refer-to-coordinator",
        services.request_refer_to_coordinator,
        s.TextSerializer,
        "Refer to the supervising coordinator.",
    ),
    Step("end-mediation", services.request_end_mediation, s.EmptySerializer, "End mediation."),
]


class TransitionView(RequestObjectMixin, ApiView):
    action = Action.REQUEST_VIEW
    step: Step

    def post(self, request, pk: int):
        data = self.step.serializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.step.service(
            info_request=self.policy_object(),
            actor=request.user,
            **self.step.arguments(dict(data.validated_data)),
        )
        try:
            info_request = selectors.request_get(user=request.user, pk=pk)
        except InformationRequest.DoesNotExist:
            # Forwarded elsewhere, or back to a draft the caller does not see: done, and gone.
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(request_detail_data(request.user, info_request))


def transition_view(step: Step) -> type[TransitionView]:
    """A view class of its own per step, so that each has its own schema operation."""
    name = "".join(part.title() for part in step.path.split("-")) + "TransitionView"
    view = type(name, (TransitionView,), {"step": step, "serializer_class": step.serializer})

    # A function of its own: extend_schema marks the function it decorates.
    def post(self, request, pk: int):
        return TransitionView.post(self, request, pk)

    view.post = extend_schema(
        summary=step.summary,
        request=step.serializer,
        responses={
            200: s.RequestDetailSerializer,
            204: OpenApiResponse(description="Done; the request is no longer yours to see."),
        },
        operation_id=f"requests_{step.path.replace('-', '_')}",
    )(post)
    return view
