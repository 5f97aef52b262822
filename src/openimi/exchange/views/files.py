"""Downloading a document: only through the policy, every download recorded
(``services.attachment_open``), always as a download and never sniffed as something else."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.views import View

from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.common.errors import PermissionDenied
from openimi.exchange import services
from openimi.exchange.models import Attachment


class AttachmentDownloadView(PolicyRequiredMixin, View):
    """The mixin asks the policy for the attachment of this request (404 alike for missing,
    another request's, and not yours); the service checks again under its own transaction."""

    action = Action.REQUEST_DOWNLOAD_ATTACHMENT

    def get_policy_object(self):
        return (
            Attachment.objects.select_related("info_request")
            .filter(pk=self.kwargs["attachment_pk"], info_request_id=self.kwargs["pk"])
            .first()
        )

    def get(self, request, pk: int, attachment_pk: int):
        try:
            attachment = services.attachment_open(
                attachment_id=self.policy_object.pk, actor=request.user
            )
        except PermissionDenied as denied:
            raise Http404 from denied
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
