"""Downloading an alert's document: only through the policy, every download recorded
(``services.attachment_open``), always as a download and never sniffed as something else."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.views import View

from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.alerts import selectors, services
from openimi.alerts.models import AlertAttachment
from openimi.common.errors import PermissionDenied


class AttachmentDownloadView(PolicyRequiredMixin, View):
    action = Action.ALERT_DOWNLOAD_ATTACHMENT

    def get_policy_object(self):
        try:
            return selectors.alert_attachment_get(
                user=self.request.user, alert_pk=self.kwargs["pk"], pk=self.kwargs["attachment_pk"]
            )
        except AlertAttachment.DoesNotExist:
            return None

    def get(self, request, pk: int, attachment_pk: int):
        try:
            attachment = services.attachment_open(attachment=self.policy_object, actor=request.user)
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
