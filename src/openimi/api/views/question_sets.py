"""Question sets: reference data every logged-in user may read (like the directory)."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from openimi.access.policy import Action
from openimi.api.pagination import Ascending
from openimi.api.serializers.question_sets import (
    QuestionSetDetailSerializer,
    QuestionSetQuerySerializer,
    QuestionSetSerializer,
)
from openimi.api.views.base import ApiView
from openimi.authorities.models import LegislativeArea
from openimi.exchange import selectors
from openimi.exchange.models import QuestionSet


class QuestionSetListView(ApiView):
    action = Action.VIEW_DIRECTORY
    serializer_class = QuestionSetSerializer
    pagination_class = Ascending

    @extend_schema(
        parameters=[QuestionSetQuerySerializer],
        responses=QuestionSetSerializer(many=True),
        operation_id="question_sets_list",
    )
    def get(self, request):
        query = QuestionSetQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        area = LegislativeArea.objects.filter(code=query.validated_data.get("area", "")).first()
        if area is not None:
            sets = selectors.question_set_list(
                area=area, include_practice=query.validated_data["include_practice"]
            )
        elif "area" in query.validated_data:
            sets = QuestionSet.objects.none()
        else:
            sets = selectors.question_set_list(
                include_practice=query.validated_data["include_practice"]
            )
        page = self.paginate_queryset(sets.select_related("area"))
        return self.get_paginated_response(QuestionSetSerializer(page, many=True).data)


class QuestionSetDetailView(ApiView):
    action = Action.VIEW_DIRECTORY
    serializer_class = QuestionSetDetailSerializer

    def get(self, request, pk: int):
        # Published or replaced (requests were sent with it); a draft is nobody's to read.
        question_set = selectors.question_set_offered_get(pk=pk)
        question_set.offered_questions = list(selectors.question_list(question_set=question_set))
        return Response(QuestionSetDetailSerializer(question_set).data)
