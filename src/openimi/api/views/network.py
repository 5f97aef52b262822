"""Running the network through the API (issue 19): what the network administrator does in the
pages under /network/reference/ and /requests/question-sets/manage/, through the same
services. Reading areas, keywords and policy areas is every user's (reference data, like the
directory); writing is the network administrator's (``NETWORK_ADMINISTER``)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from openimi.access.policy import Action
from openimi.api.serializers.network import (
    AreaChangeSerializer,
    AreaSerializer,
    KeywordChangeSerializer,
    KeywordSerializer,
    PolicyAreaSerializer,
    QuestionSetVersionSerializer,
)
from openimi.api.views.base import ApiView
from openimi.exchange import question_set_files as files
from openimi.exchange import selectors as exchange_selectors
from openimi.exchange.services import question_sets as question_set_services
from openimi.network import selectors
from openimi.network.services import question_set_import
from openimi.network.services import reference as services

READ_OR_ADMINISTER = {
    "GET": Action.VIEW_DIRECTORY,
    "POST": Action.NETWORK_ADMINISTER,
    "PATCH": Action.NETWORK_ADMINISTER,
}


def _area_data(area) -> dict:
    return AreaSerializer(area).data


class AreaListView(ApiView):
    """Legislative areas with their keywords; the network administrator adds one."""

    actions = READ_OR_ADMINISTER
    serializer_class = AreaSerializer
    pagination_class = None

    @extend_schema(responses=AreaSerializer(many=True), operation_id="legislative_areas_list")
    def get(self, request):
        return Response(AreaSerializer(selectors.reference_area_list(), many=True).data)

    @extend_schema(
        request=AreaSerializer,
        responses={201: AreaSerializer},
        operation_id="legislative_areas_create",
    )
    def post(self, request):
        data = AreaSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        area = services.area_create(
            actor=request.user, code=data.validated_data["code"], names=data.validated_data["names"]
        )
        return Response(_area_data(area), status=status.HTTP_201_CREATED)


class AreaDetailView(ApiView):
    actions = READ_OR_ADMINISTER
    serializer_class = AreaSerializer

    @extend_schema(responses=AreaSerializer, operation_id="legislative_areas_retrieve")
    def get(self, request, pk: int):
        return Response(_area_data(selectors.reference_area_get(pk=pk)))

    @extend_schema(
        request=AreaChangeSerializer,
        responses=AreaSerializer,
        operation_id="legislative_areas_update",
    )
    def patch(self, request, pk: int):
        area = selectors.reference_area_get(pk=pk)
        data = AreaChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.area_update(actor=request.user, area=area, **data.validated_data)
        return Response(_area_data(selectors.reference_area_get(pk=pk)))


class KeywordListView(ApiView):
    """The network administrator adds a keyword to an area."""

    action = Action.NETWORK_ADMINISTER
    serializer_class = KeywordSerializer

    @extend_schema(
        request=KeywordSerializer,
        responses={201: KeywordSerializer},
        operation_id="keywords_create",
    )
    def post(self, request, pk: int):
        area = selectors.reference_area_get(pk=pk)
        data = KeywordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        keyword = services.keyword_create(
            actor=request.user,
            area=area,
            code=data.validated_data["code"],
            names=data.validated_data["names"],
        )
        return Response(KeywordSerializer(keyword).data, status=status.HTTP_201_CREATED)


class KeywordDetailView(ApiView):
    action = Action.NETWORK_ADMINISTER
    serializer_class = KeywordSerializer

    @extend_schema(
        request=KeywordChangeSerializer, responses=KeywordSerializer, operation_id="keywords_update"
    )
    def patch(self, request, pk: int):
        keyword = selectors.reference_keyword_get(pk=pk)
        data = KeywordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        keyword = services.keyword_update(
            actor=request.user, keyword=keyword, **data.validated_data
        )
        return Response(KeywordSerializer(keyword).data)


class PolicyAreaListView(ApiView):
    actions = READ_OR_ADMINISTER
    serializer_class = PolicyAreaSerializer
    pagination_class = None

    @extend_schema(responses=PolicyAreaSerializer(many=True), operation_id="policy_areas_list")
    def get(self, request):
        return Response(
            PolicyAreaSerializer(selectors.reference_policy_area_list(), many=True).data
        )

    @extend_schema(
        request=PolicyAreaSerializer,
        responses={201: PolicyAreaSerializer},
        operation_id="policy_areas_create",
    )
    def post(self, request):
        data = PolicyAreaSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy_area = services.policy_area_create(
            actor=request.user, code=data.validated_data["code"], names=data.validated_data["names"]
        )
        return Response(PolicyAreaSerializer(policy_area).data, status=status.HTTP_201_CREATED)


class QuestionSetFileView(ApiView):
    """Any version of a question set (drafts too) in the file format the import reads."""

    action = Action.NETWORK_ADMINISTER

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        question_set = exchange_selectors.question_set_manage_get(pk=pk)
        return HttpResponse(files.json_export(question_set), content_type="application/json")


class QuestionSetImportView(ApiView):
    """A question set file (the format of ``…/file/``) becomes a draft: the family's draft is
    updated, a published family gets a new draft version, an unknown family a first draft.
    Every problem of the file is listed in ``errors``; nothing is written then."""

    action = Action.NETWORK_ADMINISTER

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={201: QuestionSetVersionSerializer},
        operation_id="question_sets_import",
    )
    def post(self, request):
        content = question_set_import.read_upload(name="set.json", data=request.body)
        draft = question_set_import.import_apply(actor=request.user, data=content)
        return Response(QuestionSetVersionSerializer(draft).data, status=status.HTTP_201_CREATED)


class QuestionSetPublishView(ApiView):
    """Publish a draft: the family's published version is replaced (its requests keep it)."""

    action = Action.NETWORK_ADMINISTER

    @extend_schema(
        request=None, responses=QuestionSetVersionSerializer, operation_id="question_sets_publish"
    )
    def post(self, request, pk: int):
        question_set = exchange_selectors.question_set_manage_get(pk=pk)
        published = question_set_services.question_set_publish(
            actor=request.user, question_set=question_set
        )
        return Response(QuestionSetVersionSerializer(published).data)


class QuestionSetNewVersionView(ApiView):
    """A draft of the next version, copied from the published one."""

    action = Action.NETWORK_ADMINISTER

    @extend_schema(
        request=None,
        responses={201: QuestionSetVersionSerializer},
        operation_id="question_sets_new_version",
    )
    def post(self, request, pk: int):
        question_set = exchange_selectors.question_set_manage_get(pk=pk)
        draft = question_set_services.question_set_new_version(
            actor=request.user, question_set=question_set
        )
        return Response(QuestionSetVersionSerializer(draft).data, status=status.HTTP_201_CREATED)
