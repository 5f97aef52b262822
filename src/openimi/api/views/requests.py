"""Information requests: the list, drafts, the detail, personal data, answers, the timeline.

Reads go through ``exchange.selectors`` (scoped by the policy), writes through
``exchange.services``; the permission class asks the policy for the declared action and the
services ask it again for the step itself, after checking the state (so a step that no longer
applies answers 409, not 404).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from openimi.access import policy
from openimi.access.policy import Action
from openimi.api.serializers import requests as s
from openimi.api.views.base import ApiView
from openimi.authorities.models import Authority, LegislativeArea
from openimi.common import content_cache
from openimi.common.errors import ApplicationError
from openimi.exchange import selectors, services
from openimi.exchange.models import Question, QuestionSet, RequestQuestion, StandardAnswer
from openimi.exchange.selectors import RequestFilters
from openimi.retention import selectors as retention_selectors


def _get(model, pk, field: str):
    """The row ``pk`` of ``model`` named in the input, or a 400 on ``field``."""
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ApplicationError(
            _("Nothing with the id %(id)s exists for the field “%(field)s”.")
            % {"field": field, "id": pk},
            field=field,
        )
    return found


def _draft_changes(data: dict) -> dict:
    """Validated draft fields as service arguments (ids read into rows)."""
    changes = {}
    if "area" in data:
        changes["area"] = _get(LegislativeArea, data["area"], "area")
    if "question_set" in data:
        changes["question_set"] = _get(QuestionSet, data["question_set"], "question_set")
    if "responding_authority" in data:
        changes["responding_authority"] = _get(
            Authority, data["responding_authority"], "responding_authority"
        )
    if "questions" in data:
        wanted = data["questions"]
        rows = Question.objects.in_bulk(wanted)
        missing = [pk for pk in wanted if pk not in rows]
        if missing:
            raise ApplicationError(
                _("Choose questions of the request's question set."), field="questions"
            )
        changes["questions"] = [rows[pk] for pk in wanted]
    for name in ("reply_by", "justification", "justification_language"):
        if name in data:
            changes[name] = data[name]
    return changes


def request_detail_data(user, info_request) -> dict:
    """The detail of a request as ``user`` may see it."""
    with_details = policy.can(user, Action.REQUEST_VIEW_DETAILS, info_request)
    questions = (
        selectors.request_question_list(user=user, info_request=info_request)
        if with_details
        else []
    )
    info_request.questions = questions
    info_request.documents = selectors.request_attachment_list(user=user, info_request=info_request)
    info_request.available_transitions = [
        str(t)
        for t in selectors.request_available_transitions(user=user, info_request=info_request)
    ]
    # Masked for a coordinator's users (the instance is read-only: services read their own).
    info_request.justification = selectors.request_justification(
        user=user, info_request=info_request
    )
    if not with_details:
        info_request.justification_language = None
    info_request.personal_data_removed_at = retention_selectors.personal_data_removed_at(
        info_request
    )
    return s.RequestDetailSerializer(info_request).data


class RequestObjectMixin:
    """Views about one request: the policy object is the request, read through the selector."""

    def get_policy_object(self):
        return selectors.request_get(user=self.request.user, pk=self.kwargs["pk"], read_ahead=True)


class RequestListView(ApiView):
    """The requests the user may see (the requests page's filters), and new drafts."""

    actions = {"GET": Action.REQUEST_LIST, "POST": Action.REQUEST_CREATE}
    action = Action.REQUEST_LIST
    serializer_class = s.RequestSummarySerializer

    @extend_schema(
        parameters=[s.RequestListQuerySerializer],
        responses=s.RequestSummarySerializer(many=True),
        operation_id="requests_list",
    )
    def get(self, request):
        query = s.RequestListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        filters = RequestFilters(
            direction=data.get("direction"),
            statuses=tuple(data.get("status", ())),
            area_id=data.get("area"),
            question_set_id=data.get("question_set"),
            is_practice=data.get("is_practice"),
            referred=data.get("referred"),
            reply_by_before=data.get("reply_by_before"),
            allocated_to_me=data.get("allocated_to_me", False),
        )

        def build():
            requests = selectors.request_list(user=request.user, filters=filters)
            page = self.paginate_queryset(requests)
            return self.get_paginated_response(
                s.RequestSummarySerializer(page, many=True).data
            ).data

        return Response(
            content_cache.cached_data(
                request,
                reader=lambda: policy.content_reader(request.user),
                name="api.requests_list",
                build=build,
            )
        )

    @extend_schema(request=s.DraftSerializer, responses={201: s.RequestDetailSerializer})
    def post(self, request):
        """Start a draft; every field but the area may follow later (PATCH)."""
        draft = s.DraftSerializer(data=request.data)
        draft.is_valid(raise_exception=True)
        changes = _draft_changes(draft.validated_data)
        with transaction.atomic():
            info_request = services.request_create_draft(
                actor=request.user,
                area=changes.pop("area"),
                question_set=changes.pop("question_set", None),
                responding_authority=changes.pop("responding_authority", None),
            )
            if changes:
                services.request_update_draft(
                    info_request=info_request, actor=request.user, **changes
                )
        info_request = selectors.request_get(user=request.user, pk=info_request.pk)
        return Response(
            request_detail_data(request.user, info_request), status=status.HTTP_201_CREATED
        )


class RequestDetailView(RequestObjectMixin, ApiView):
    """One request; a draft can be changed (PATCH) or deleted."""

    action = Action.REQUEST_VIEW
    serializer_class = s.RequestDetailSerializer

    def get(self, request, pk: int):
        return Response(request_detail_data(request.user, self.policy_object()))

    @extend_schema(request=s.DraftSerializer, responses={200: s.RequestDetailSerializer})
    def patch(self, request, pk: int):
        draft = s.DraftSerializer(data=request.data, partial=True)
        draft.is_valid(raise_exception=True)
        services.request_update_draft(
            info_request=self.policy_object(),
            actor=request.user,
            **_draft_changes(draft.validated_data),
        )
        info_request = selectors.request_get(user=request.user, pk=pk)
        return Response(request_detail_data(request.user, info_request))

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        services.request_delete_draft(info_request=self.policy_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PersonalDataView(RequestObjectMixin, ApiView):
    """The service provider's personal data: every read is recorded; set while a draft."""

    action = Action.REQUEST_VIEW
    serializer_class = s.PersonalDataSerializer

    def get(self, request, pk: int):
        personal_data = services.personal_data_view(
            info_request=self.policy_object(), actor=request.user, part="api:personal_data"
        )
        if personal_data is None:
            data = dict(s.PersonalDataSerializer().data)
            # Given and then removed by the retention job, or never given: the answer says.
            removed_at = retention_selectors.personal_data_removed_at(self.policy_object())
            data["removed_at"] = serializers.DateTimeField().to_representation(removed_at)
            return Response(data)
        return Response(s.PersonalDataSerializer(personal_data).data)

    def put(self, request, pk: int):
        data = s.PersonalDataSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        personal_data = services.request_set_personal_data(
            info_request=self.policy_object(), actor=request.user, data=data.validated_data
        )
        return Response(s.PersonalDataSerializer(personal_data).data)


class AnswerView(RequestObjectMixin, ApiView):
    """Save the answer to one asked question (sent with the ``answer`` transition)."""

    action = Action.REQUEST_VIEW
    serializer_class = s.AnswerSerializer

    @extend_schema(request=s.AnswerInputSerializer, responses={200: s.AnswerSerializer})
    def put(self, request, pk: int, question_pk: int):
        data = s.AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        info_request = self.policy_object()
        request_question = RequestQuestion.objects.filter(
            pk=question_pk, info_request=info_request
        ).first()
        if request_question is None:
            raise ApplicationError(
                _("That question is not part of this request."), field="question"
            )
        code = values.pop("standard_answer", None)
        standard_answer = None
        if code:
            standard_answer = StandardAnswer.objects.filter(code=code).first()
            if standard_answer is None:
                raise ApplicationError(
                    _("This standard answer cannot be given to this question."),
                    field="standard_answer",
                )
        answer = services.answer_save(
            info_request=info_request,
            actor=request.user,
            request_question=request_question,
            standard_answer=standard_answer,
            **values,
        )
        return Response(s.AnswerSerializer(answer).data)


class TimelineView(RequestObjectMixin, ApiView):
    """The request's history as the user may see it, oldest first (not paginated: short)."""

    action = Action.REQUEST_VIEW
    serializer_class = s.TimelineEntrySerializer
    pagination_class = None

    @extend_schema(responses={200: s.TimelineEntrySerializer(many=True)})
    def get(self, request, pk: int):
        entries = selectors.timeline_entry_list(
            user=request.user, info_request=self.policy_object()
        )
        return Response(s.TimelineEntrySerializer(entries, many=True).data)


class AllocationCandidatesView(RequestObjectMixin, ApiView):
    """The request handlers an allocator can allocate the request to."""

    action = Action.REQUEST_ALLOCATE
    serializer_class = s.HandlerSerializer
    pagination_class = None

    @extend_schema(responses={200: s.HandlerSerializer(many=True)})
    def get(self, request, pk: int):
        handlers = selectors.allocation_candidate_list(
            user=request.user, info_request=self.policy_object()
        )
        return Response(s.HandlerSerializer(handlers, many=True).data)
