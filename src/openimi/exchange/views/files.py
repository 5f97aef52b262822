"""Downloading a document: only through the policy, every download recorded
(``services.attachment_open``), always as a download and never sniffed as something else."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.views import View

from openimi.common.errors import PermissionDenied
from openimi.exchange import services


class AttachmentDownloadView(View):
    def get(self, request, pk: int, attachment_pk: int):
        try:
            attachment = services.attachment_open(attachment_id=attachment_pk, actor=request.user)
        except PermissionDenied as denied:
            raise Http404 from denied
        if attachment.info_request_id != pk:
            raise Http404
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
