"""Downloads of the Word reports (and their PDFs). Each declares its action:

- the full report and the consent statement: whoever may see the request's personal data
  (``REPORT_FULL`` is ``Action.REQUEST_VIEW_PERSONAL_DATA``: the same rule, not a new one);
  the personal data is read through ``exchange.services.personal_data_view``, which records it;
- the user details sheet: the local data administrators of the user's authority
  (``REPORT_USER_DETAILS`` is ``Action.USER_CHANGE``);
- the alert report: every party of the alert (``Action.ALERT_VIEW``); what each party reads
  in it, and the recording of the personal data read, is ``reports.alert_report``'s.

A refusal is the same 404 as a request or user that does not exist.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views import View

from openimi.access import policy
from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.accounts.users import selectors as user_selectors
from openimi.common.errors import ApplicationError
from openimi.common.i18n import current_language
from openimi.exchange import selectors as request_selectors
from openimi.exchange.models import InformationRequest
from openimi.reports import alert_report, documents, pdf

REPORT_FULL = Action.REQUEST_VIEW_PERSONAL_DATA
REPORT_USER_DETAILS = Action.USER_CHANGE

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class _DocumentView(PolicyRequiredMixin, View):
    """Subclasses define ``build()`` (the .docx bytes) and ``filename()`` (without suffix)."""

    as_pdf = False

    def get(self, request, *args, **kwargs):
        if self.as_pdf and not pdf.available():
            raise Http404
        content = self.build()
        content_type, suffix = DOCX, "docx"
        if self.as_pdf:
            try:
                content = pdf.docx_to_pdf(content)
            except ApplicationError as failed:
                return HttpResponse(failed.message, status=503, content_type="text/plain")
            content_type, suffix = "application/pdf", "pdf"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.filename()}.{suffix}"'
        # Personal data: no copy in any cache on the way.
        response["Cache-Control"] = "no-store"
        return response


class _RequestDocumentView(_DocumentView):
    action = REPORT_FULL

    def get_policy_object(self):
        try:
            return request_selectors.request_get(user=self.request.user, pk=self.kwargs["pk"])
        except InformationRequest.DoesNotExist as missing:
            raise Http404 from missing


class FullReportView(_RequestDocumentView):
    def build(self) -> bytes:
        return documents.full_report(
            info_request=self.policy_object, actor=self.request.user, language=current_language()
        )

    def filename(self) -> str:
        return f"request-{self.policy_object.reference}-full-report"


class ConsentStatementView(_RequestDocumentView):
    def build(self) -> bytes:
        return documents.consent_statement(
            info_request=self.policy_object, actor=self.request.user, language=current_language()
        )

    def filename(self) -> str:
        return f"request-{self.policy_object.reference}-consent-statement"


class UserDetailsView(_DocumentView):
    action = REPORT_USER_DETAILS

    def get_policy_object(self):
        user = user_selectors.user_get(pk=self.kwargs["pk"])
        if user is None:
            raise Http404
        return user

    def build(self) -> bytes:
        return documents.user_details(
            user=self.policy_object, actor=self.request.user, language=current_language()
        )

    def filename(self) -> str:
        return f"user-details-{self.policy_object.get_username()}"


class AlertReportView(_DocumentView):
    action = Action.ALERT_VIEW

    def get_policy_object(self):
        alert = (
            policy.alerts_visible_to(self.request.user)
            .select_related("area", "sending_authority__country", "validating_coordinator__country")
            .prefetch_related(
                "sending_authority__translations", "validating_coordinator__translations"
            )
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if alert is None:
            raise Http404
        return alert

    def build(self) -> bytes:
        return alert_report.alert_report(
            alert=self.policy_object, actor=self.request.user, language=current_language()
        )

    def filename(self) -> str:
        return f"alert-{self.policy_object.reference}-report"
