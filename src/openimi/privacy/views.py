"""Administration → Personal-data access log, and Data subject requests (search, export,
correct, mark contested). Every page declares its action; a request of another authority
answers 404 like a missing one."""

from __future__ import annotations

import csv
import io
import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from openimi.access import policy
from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.common.pagination import CappedPaginator
from openimi.common.spreadsheets import csv_row
from openimi.exchange.models import InformationRequest, PersonalData
from openimi.exchange.views.detail import _personal_rows
from openimi.privacy import selectors, services
from openimi.privacy.forms import (
    AccessLogFilterForm,
    ContestForm,
    CorrectionForm,
    SubjectSearchForm,
)

PAGE_SIZE = 50
# The log grows with every page view: past this many entries it says "more than".
COUNT_LIMIT = 1000


class _OwnAuthorityMixin(PolicyRequiredMixin):
    def get_policy_object(self):
        return self.request.user.authority


class AccessLogView(_OwnAuthorityMixin, TemplateView):
    action = Action.PERSONAL_DATA_LOG_VIEW
    template_name = "privacy/access_log.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = AccessLogFilterForm(
            self.request.GET or None, users=selectors.log_user_list(user=user)
        )
        entries = selectors.access_log_entry_list(user=user, filters=form.filters())
        page = CappedPaginator(entries, PAGE_SIZE, count_limit=COUNT_LIMIT).get_page(
            self.request.GET.get("page")
        )
        entries = selectors.access_log_entry_load(list(page.object_list))
        rows = [(entry, entry.part) for entry in entries]
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            form=form,
            page=page,
            rows=rows,
            query=query.urlencode(),
            authority=self.policy_object,
            **kwargs,
        )


class SubjectSearchView(_OwnAuthorityMixin, TemplateView):
    """The search posts its criteria (names, numbers, e-mail addresses, dates of birth): in a
    URL they would land in the access logs of the web server and of every proxy, and outlive
    the deletion of the personal data. A valid search is kept in the user's session and the
    browser is sent back to the plain page (post/redirect/get), whose links carry the page
    number alone."""

    action = Action.DATA_SUBJECT_MANAGE
    template_name = "privacy/subjects.html"
    SESSION_KEY = "privacy.subject_search"

    def post(self, request, *args, **kwargs):
        if "clear" in request.POST:
            request.session.pop(self.SESSION_KEY, None)
            return redirect("privacy:subjects")
        form = SubjectSearchForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        request.session[self.SESSION_KEY] = {
            name: value.isoformat() if hasattr(value, "isoformat") else value
            for name, value in form.cleaned_data.items()
            if value
        }
        return redirect("privacy:subjects")

    def get_context_data(self, form=None, **kwargs):
        page = None
        back = ""
        if form is None:
            criteria = self.request.session.get(self.SESSION_KEY)
            form = SubjectSearchForm(criteria) if criteria else SubjectSearchForm()
        if form.is_bound and form.is_valid() and self.request.method == "GET":
            found = selectors.subject_search(user=self.request.user, filters=form.filters())
            page = Paginator(found, PAGE_SIZE).get_page(self.request.GET.get("page"))
            authority_id = self.request.user.authority_id
            for info_request in page.object_list:
                info_request.our_role = (
                    _("Requesting authority")
                    if info_request.requesting_authority_id == authority_id
                    else _("Responding authority")
                )
            back = f"page={page.number}"
        # The pagination links carry the page number alone (``query`` is empty).
        return super().get_context_data(form=form, page=page, query="", back=back, **kwargs)


class SubjectExportView(_OwnAuthorityMixin, View):
    """POST only: the chosen requests' personal data as a file for the data subject."""

    action = Action.DATA_SUBJECT_MANAGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        export_format = request.POST.get("format", "json")
        try:
            ids = [int(pk) for pk in request.POST.getlist("request")]
            entries = services.subject_export(
                actor=request.user, request_ids=ids, export_format=export_format
            )
        except ValueError:
            raise Http404 from None
        except PermissionDenied as denied:
            raise Http404 from denied
        except ApplicationError as error:
            messages.error(request, error.message)
            back = request.POST.get("back", "")
            return redirect(reverse("privacy:subjects") + (f"?{back}" if back else ""))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if export_format == "csv":
            content, content_type = _csv(entries), "text/csv; charset=utf-8"
        else:
            content = json.dumps({"requests": entries}, ensure_ascii=False, indent=2)
            content_type = "application/json"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="personal-data-{stamp}.{export_format}"'
        )
        response["Cache-Control"] = "no-store"
        return response


def _csv(entries: list[dict]) -> str:
    fields = PersonalData.data_fields()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "request",
            "requesting_authority",
            "responding_authority",
            "legislative_area",
            "sent_at",
            "closed_at",
            *fields,
            "corrections",
            "contested",
        ]
    )
    for entry in entries:
        writer.writerow(
            csv_row(
                [
                    entry["request"],
                    entry["requesting_authority"],
                    entry["responding_authority"],
                    entry["legislative_area"],
                    entry["sent_at"],
                    entry["closed_at"],
                    *(entry["personal_data"][name] for name in fields),
                    "; ".join(
                        f"{c['corrected_at']}: {', '.join(c['fields'])}"
                        for c in entry["corrections"]
                    ),
                    "yes" if entry["contested"] else "no",
                ]
            )
        )
    return out.getvalue()


class _SubjectRequestMixin(PolicyRequiredMixin):
    """A page about one request of the own authority, for its local data administrators."""

    def get_policy_object(self):
        try:
            self.info_request = selectors.subject_request_get(
                user=self.request.user, pk=self.kwargs["pk"]
            )
        except (InformationRequest.DoesNotExist, PermissionDenied):
            raise Http404 from None
        return self.info_request

    def page_url(self) -> str:
        return reverse("privacy:subject_request", args=[self.info_request.pk])


class SubjectRequestView(_SubjectRequestMixin, TemplateView):
    action = Action.DATA_SUBJECT_HANDLE
    template_name = "privacy/subject_request.html"

    def get_context_data(self, **kwargs):
        user, info_request = self.request.user, self.info_request
        personal_data = services.subject_personal_data_read(info_request=info_request, actor=user)
        return super().get_context_data(
            info_request=info_request,
            our_role=(
                _("Requesting authority")
                if info_request.requesting_authority_id == user.authority_id
                else _("Responding authority")
            ),
            personal_data=personal_data,
            personal_fields=_personal_rows(personal_data),
            corrections=_with_labels(
                selectors.correction_list(user=user, info_request=info_request)
            ),
            contest_mark=selectors.open_contest_mark(info_request=info_request),
            can_correct=policy.can(user, Action.DATA_SUBJECT_CORRECT, info_request),
            can_view_request=policy.can(user, Action.REQUEST_VIEW, info_request),
            contest_form=ContestForm(),
            **kwargs,
        )


def _with_labels(corrections: list) -> list:
    """Each correction's fields by their names on the form (``field_labels``)."""
    for correction in corrections:
        correction.field_labels = [
            str(PersonalData._meta.get_field(name).verbose_name) for name in correction.fields
        ]
    return corrections


class CorrectView(_SubjectRequestMixin, View):
    action = Action.DATA_SUBJECT_CORRECT

    def render_form(self, form):
        return render(
            self.request,
            "privacy/correct.html",
            {"info_request": self.info_request, "form": form},
        )

    def current(self):
        personal_data = services.subject_personal_data_read(
            info_request=self.info_request,
            actor=self.request.user,
            part=services.PART_CORRECTION_FORM,
        )
        if personal_data is None:
            messages.error(self.request, str(services.PersonalDataGoneError()))
        return personal_data

    def get(self, request, *args, **kwargs):
        personal_data = self.current()
        if personal_data is None:
            return redirect(self.page_url())
        return self.render_form(CorrectionForm(instance=personal_data))

    def post(self, request, *args, **kwargs):
        personal_data = self.current()
        if personal_data is None:
            return redirect(self.page_url())
        form = CorrectionForm(request.POST, instance=personal_data)
        if not form.is_valid():
            return self.render_form(form)
        try:
            services.personal_data_correct(
                info_request=self.info_request,
                actor=request.user,
                data=form.service_data(),
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied as denied:
            raise Http404 from denied
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.render_form(form)
        messages.success(request, _("The personal data is corrected. The other authority is told."))
        return redirect(self.page_url())


class ContestView(_SubjectRequestMixin, View):
    action = Action.DATA_SUBJECT_HANDLE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ContestForm(request.POST)
        if form.is_valid():
            try:
                services.personal_data_contest(
                    info_request=self.info_request,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except PermissionDenied as denied:
                raise Http404 from denied
            except ApplicationError as error:
                messages.error(request, error.message)
                return redirect(self.page_url())
            messages.success(request, _("The personal data is marked as contested."))
            return redirect(self.page_url())
        return render(
            request,
            "privacy/contest.html",
            {"info_request": self.info_request, "form": form},
        )


class ContestRemoveView(_SubjectRequestMixin, View):
    action = Action.DATA_SUBJECT_HANDLE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.personal_data_contest_remove(
                info_request=self.info_request, actor=request.user
            )
        except PermissionDenied as denied:
            raise Http404 from denied
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The mark is removed."))
        return redirect(self.page_url())
