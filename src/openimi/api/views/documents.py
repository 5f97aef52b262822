"""Documents of a request: list, upload, download (recorded) and removal."""

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from openimi.access.policy import Action
from openimi.api.serializers import requests as s
from openimi.api.views.base import ApiView
from openimi.api.views.requests import RequestObjectMixin
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange import selectors, services
from openimi.exchange.models import Attachment, RequestQuestion


class DocumentListView(RequestObjectMixin, ApiView):
    """The documents the user may download; upload one to a draft or to an answer."""

    action = Action.REQUEST_VIEW
    serializer_class = s.DocumentSerializer
    pagination_class = None

    @extend_schema(responses={200: s.DocumentSerializer(many=True)})
    def get(self, request, pk: int):
        info_request = self.policy_object()
        documents = list(
            selectors.request_attachment_list(user=request.user, info_request=info_request)
        )
        if selectors.policy.can(request.user, Action.REQUEST_VIEW_DETAILS, info_request):
            for asked in selectors.request_question_list(
                user=request.user, info_request=info_request
            ):
                documents += asked.attachments
        return Response(s.DocumentSerializer(documents, many=True).data)

    @extend_schema(
        request={"multipart/form-data": s.DocumentUploadSerializer},
        responses={201: s.DocumentSerializer},
    )
    def post(self, request, pk: int):
        self.parser_classes = [MultiPartParser]
        data = s.DocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        info_request = self.policy_object()
        request_question = None
        if data.validated_data.get("question") is not None:
            request_question = RequestQuestion.objects.filter(
                pk=data.validated_data["question"], info_request=info_request
            ).first()
            if request_question is None:
                raise ApplicationError(
                    _("That question is not part of this request."), field="question"
                )
        attachment = services.request_add_attachment(
            info_request=info_request,
            actor=request.user,
            file=data.validated_data["file"],
            request_question=request_question,
        )
        return Response(s.DocumentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class DocumentDetailView(RequestObjectMixin, ApiView):
    """Download one document (every download is recorded), or remove it."""

    action = Action.REQUEST_VIEW
    serializer_class = s.DocumentSerializer

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file."
            )
        }
    )
    def get(self, request, pk: int, document_pk: int):
        info_request = self.policy_object()
        attachment = services.attachment_open(attachment_id=document_pk, actor=request.user)
        if attachment.info_request_id != info_request.pk:
            raise PermissionDenied(_("You may not do this."))
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type="application/octet-stream",
        )

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int, document_pk: int):
        info_request = self.policy_object()
        attachment = Attachment.objects.filter(pk=document_pk, info_request=info_request).first()
        if attachment is None:
            raise PermissionDenied(_("You may not do this."))
        services.request_remove_attachment(attachment=attachment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
