"""The network administrator's reference data pages (issue 19): legislative areas with their
keywords, policy areas, and question sets exported and imported as files."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.authorities.models import Keyword, LegislativeArea, PolicyArea
from openimi.common.errors import ApplicationError
from openimi.common.i18n import language_name
from openimi.exchange import question_set_files as files
from openimi.exchange.models import QuestionSet
from openimi.network.forms.reference import DeleteForm, NamesForm, QuestionSetImportForm
from openimi.network.services import question_set_import, reference

SIGNING_SALT = "openimi.network.question-set-import"


def _with_status(rows):
    """Each row with ``translated`` (how many installation languages have a name)."""
    languages = reference.installation_languages()
    for row in rows:
        row.translated = sum(1 for code in languages if (row.names.get(code) or "").strip())
        row.language_count = len(languages)
    return rows


class AdministerMixin(PolicyRequiredMixin):
    action = Action.NETWORK_ADMINISTER


class ServiceFormView(AdministerMixin, FormView):
    """A form whose valid data goes to one service (``perform``); an ApplicationError goes
    back to the form, with what was typed."""

    template_name = "network/reference/form.html"
    form_class = NamesForm
    heading = ""
    success_message = ""

    def form_valid(self, form):
        try:
            self.perform(form)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.heading, back_url=self.get_success_url(), **kwargs
        )


# --- Legislative areas ------------------------------------------------------------------------


class AreaListView(AdministerMixin, TemplateView):
    template_name = "network/reference/areas.html"

    def get_context_data(self, **kwargs):
        areas = LegislativeArea.objects.annotate(keyword_count=Count("keywords")).order_by(
            "position", "code"
        )
        policy_areas = PolicyArea.objects.order_by("position", "code")
        return super().get_context_data(
            areas=_with_status(list(areas)), policy_areas=_with_status(list(policy_areas)), **kwargs
        )


class AreaCreateView(ServiceFormView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creating": True}

    def perform(self, form):
        area = reference.area_create(
            actor=self.request.user, code=form.cleaned_data["code"], names=form.names()
        )
        self.success_message = _("The legislative area %(name)s has been created.") % {
            "name": area.name
        }

    def get_success_url(self):
        return reverse("network:reference-areas")

    def get_context_data(self, **kwargs):
        self.heading = _("New legislative area")
        return super().get_context_data(**kwargs)


class AreaEditView(ServiceFormView):
    template_name = "network/reference/area.html"

    def get_policy_object(self):
        self.area = get_object_or_404(LegislativeArea, pk=self.kwargs["pk"])
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creating": False}

    def get_initial(self):
        return NamesForm.initial_for(self.area)

    def perform(self, form):
        area = reference.area_update(
            actor=self.request.user,
            area=self.area,
            names=form.names(),
            position=form.cleaned_data["position"],
        )
        self.success_message = _("The legislative area %(name)s has been saved.") % {
            "name": area.name
        }

    def get_success_url(self):
        return reverse("network:reference-areas")

    def get_context_data(self, **kwargs):
        self.heading = _("Legislative area %(name)s") % {"name": self.area.name}
        keywords = Keyword.objects.filter(area=self.area).order_by("position", "code")
        return super().get_context_data(
            area=self.area, keywords=_with_status(list(keywords)), **kwargs
        )


class DeleteView(AdministerMixin, FormView):
    """Confirm, then delete through the service; a row in use is refused with the reason."""

    template_name = "network/reference/delete.html"
    form_class = DeleteForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading(), back_url=self.back_url(), **kwargs)

    def form_valid(self, form):
        try:
            self.perform()
        except ApplicationError as error:
            messages.error(self.request, error.message)
            return redirect(self.back_url())
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url())


class AreaDeleteView(DeleteView):
    def get_policy_object(self):
        self.area = get_object_or_404(LegislativeArea, pk=self.kwargs["pk"])
        return None

    def heading(self):
        return _("Delete the legislative area %(name)s?") % {"name": self.area.name}

    def back_url(self):
        return reverse("network:reference-area", args=[self.area.pk])

    def perform(self):
        name = self.area.name
        reference.area_delete(actor=self.request.user, area=self.area)
        self.success_message = _("The legislative area %(name)s has been deleted.") % {"name": name}

    def get_success_url(self):
        return reverse("network:reference-areas")


# --- Keywords ---------------------------------------------------------------------------------


class KeywordCreateView(ServiceFormView):
    def get_policy_object(self):
        self.area = get_object_or_404(LegislativeArea, pk=self.kwargs["pk"])
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creating": True, "code_max_length": 60}

    def perform(self, form):
        keyword = reference.keyword_create(
            actor=self.request.user,
            area=self.area,
            code=form.cleaned_data["code"],
            names=form.names(),
        )
        self.success_message = _("The keyword %(name)s has been added.") % {"name": keyword.name}

    def get_success_url(self):
        return reverse("network:reference-area", args=[self.area.pk])

    def get_context_data(self, **kwargs):
        self.heading = _("New keyword in %(area)s") % {"area": self.area.name}
        return super().get_context_data(**kwargs)


class KeywordEditView(ServiceFormView):
    def get_policy_object(self):
        self.keyword = get_object_or_404(
            Keyword.objects.select_related("area"), pk=self.kwargs["pk"]
        )
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creating": False}

    def get_initial(self):
        return NamesForm.initial_for(self.keyword)

    def perform(self, form):
        keyword = reference.keyword_update(
            actor=self.request.user,
            keyword=self.keyword,
            names=form.names(),
            position=form.cleaned_data["position"],
        )
        self.success_message = _("The keyword %(name)s has been saved.") % {"name": keyword.name}

    def get_success_url(self):
        return reverse("network:reference-area", args=[self.keyword.area_id])

    def get_context_data(self, **kwargs):
        self.heading = _("Keyword %(name)s") % {"name": self.keyword.name}
        return super().get_context_data(
            delete_url=reverse("network:reference-keyword-delete", args=[self.keyword.pk]),
            **kwargs,
        )


class KeywordDeleteView(DeleteView):
    def get_policy_object(self):
        self.keyword = get_object_or_404(Keyword, pk=self.kwargs["pk"])
        return None

    def heading(self):
        return _("Delete the keyword %(name)s?") % {"name": self.keyword.name}

    def back_url(self):
        return reverse("network:reference-keyword", args=[self.keyword.pk])

    def perform(self):
        name = self.keyword.name
        reference.keyword_delete(actor=self.request.user, keyword=self.keyword)
        self.success_message = _("The keyword %(name)s has been deleted.") % {"name": name}

    def get_success_url(self):
        return reverse("network:reference-area", args=[self.keyword.area_id])


# --- Policy areas -----------------------------------------------------------------------------


class PolicyAreaCreateView(ServiceFormView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creating": True, "code_max_length": 60}

    def perform(self, form):
        policy_area = reference.policy_area_create(
            actor=self.request.user, code=form.cleaned_data["code"], names=form.names()
        )
        self.success_message = _("The policy area %(name)s has been added.") % {
            "name": policy_area.name
        }

    def get_success_url(self):
        return reverse("network:reference-areas") + "#policy-areas"

    def get_context_data(self, **kwargs):
        self.heading = _("New policy area")
        return super().get_context_data(**kwargs)


class PolicyAreaEditView(ServiceFormView):
    def get_policy_object(self):
        self.policy_area = get_object_or_404(PolicyArea, pk=self.kwargs["pk"])
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creating": False}

    def get_initial(self):
        return NamesForm.initial_for(self.policy_area)

    def perform(self, form):
        policy_area = reference.policy_area_update(
            actor=self.request.user,
            policy_area=self.policy_area,
            names=form.names(),
            position=form.cleaned_data["position"],
        )
        self.success_message = _("The policy area %(name)s has been saved.") % {
            "name": policy_area.name
        }

    def get_success_url(self):
        return reverse("network:reference-areas") + "#policy-areas"

    def get_context_data(self, **kwargs):
        self.heading = _("Policy area %(name)s") % {"name": self.policy_area.name}
        return super().get_context_data(**kwargs)


# --- Question set files -----------------------------------------------------------------------


class QuestionSetListView(AdministerMixin, TemplateView):
    """Every version of every question set, with its files."""

    template_name = "network/reference/question_sets.html"

    def get_context_data(self, **kwargs):
        question_sets = QuestionSet.objects.select_related("area").order_by(
            "area__position", "area__code", "family", "version_number"
        )
        return super().get_context_data(question_sets=list(question_sets), **kwargs)


class QuestionSetExportView(AdministerMixin, View):
    def get(self, request, pk: int, kind: str):
        if kind not in ("json", "xlsx"):
            raise Http404
        question_set = get_object_or_404(QuestionSet.objects.select_related("area"), pk=pk)
        content = files.set_content(question_set)
        if kind == "xlsx":
            body = files.xlsx_write(content)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            body = files.json_export(question_set)
            content_type = "application/json"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{question_set.code}.{kind}"'
        return response


class QuestionSetImportView(AdministerMixin, View):
    """Upload a file, see what it changes, then apply it (the preview carries the file's
    content, signed, so nothing is stored in between)."""

    template_name = "network/reference/import.html"

    def get(self, request):
        return self._page(QuestionSetImportForm())

    def post(self, request):
        if "payload" in request.POST:
            return self._apply(request.POST["payload"])
        form = QuestionSetImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(form)
        upload = form.cleaned_data["file"]
        try:
            data = question_set_import.read_upload(name=upload.name, data=upload.read())
            plan = question_set_import.import_plan(actor=request.user, data=data)
        except files.QuestionSetFileError as error:
            return self._page(form, errors=error.errors)
        payload = signing.dumps({"data": data}, salt=SIGNING_SALT, compress=True)
        return render(
            request,
            "network/reference/import_preview.html",
            {
                "plan": plan,
                "payload": payload,
                "language_changes": [
                    (language_name(change.language) or change.language, change)
                    for change in plan.languages
                ],
            },
        )

    def _apply(self, payload: str):
        try:
            data = signing.loads(payload, salt=SIGNING_SALT, max_age=3600)["data"]
        except signing.BadSignature:
            messages.error(self.request, _("The preview has expired: upload the file again."))
            return redirect("network:reference-question-set-import")
        if isinstance(data, list):  # an XLSX file's (code, texts), through JSON
            data = tuple(data)
        try:
            draft = question_set_import.import_apply(actor=self.request.user, data=data)
        except files.QuestionSetFileError as error:
            return self._page(QuestionSetImportForm(), errors=error.errors)
        messages.success(
            self.request,
            _("The file has been imported into the draft %(code)s.") % {"code": draft.code},
        )
        return redirect(reverse("network:reference-question-sets") + f"#set-{draft.pk}")

    def _page(self, form, errors=()):
        return render(self.request, self.template_name, {"form": form, "file_errors": errors})
