"""Composing a request: GOV.UK question pages, one step per page, each saving the draft.

Steps: question set (with its legislative area) → questions → service provider → justification
→ documents → recipient → reply date → review ("check your answers") → send. The first step
creates the draft; every later step calls one draft service and goes on to the next step (or
back to the review when the user came from a Change link). "Save and come back later" keeps
the draft; drafts are resumed from the compose page or the list of outgoing requests.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from openimi.access import policy
from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.authorities.models import LegislativeArea
from openimi.authorities.selectors import AuthoritySearch, authority_search
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.common.i18n import current_language
from openimi.exchange import selectors, services
from openimi.exchange.forms import (
    AttachmentForm,
    JustificationForm,
    PersonalDataForm,
    QuestionSetForm,
    QuestionsForm,
    RecipientForm,
    RecipientSearchForm,
    ReplyDateForm,
)
from openimi.exchange.models import PersonalData
from openimi.exchange.selectors import OUTGOING, RequestFilters
from openimi.exchange.views._common import RequestPolicyMixin, label_authorities
from openimi.exchange.views.detail import _personal_rows

STEPS: list[tuple[str, str]] = [
    ("area", gettext_lazy("Legislative area and question set")),
    ("questions", gettext_lazy("Questions")),
    ("provider", gettext_lazy("Service provider")),
    ("justification", gettext_lazy("Justification")),
    ("attachments", gettext_lazy("Documents")),
    ("recipient", gettext_lazy("Recipient authority")),
    ("reply-date", gettext_lazy("Requested reply date")),
    ("review", gettext_lazy("Check and send")),
]
STEP_NAMES = [name for name, _label in STEPS]
RECIPIENT_RESULTS = 20


def offered_question_sets(user) -> list:
    """The question sets of the areas in which the user may compose requests."""
    sets = []
    for area in LegislativeArea.objects.all():
        if policy.can(user, Action.REQUEST_CREATE, area):
            sets += list(selectors.question_set_list(area=area).select_related("area"))
    return sets


class ComposeStartView(PolicyRequiredMixin, View):
    """Compose request: choose the question set (this creates the draft), or resume a draft."""

    action = Action.REQUEST_CREATE

    def context(self, form):
        drafts = selectors.request_list(
            user=self.request.user,
            filters=RequestFilters(direction=OUTGOING, statuses=("draft",)),
        )[:20]
        drafts = list(drafts)
        label_authorities(drafts)
        return {"form": form, "drafts": drafts, "steps": STEPS, "step": "area", "number": 1}

    def get(self, request):
        form = QuestionSetForm(question_sets=offered_question_sets(request.user))
        return render(request, "exchange/compose_start.html", self.context(form))

    def post(self, request):
        form = QuestionSetForm(request.POST, question_sets=offered_question_sets(request.user))
        if form.is_valid():
            question_set = form.chosen
            try:
                info_request = services.request_create_draft(
                    actor=request.user, area=question_set.area, question_set=question_set
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                return redirect("exchange:compose_step", pk=info_request.pk, step="questions")
        return render(request, "exchange/compose_start.html", self.context(form))


class ComposeStepView(RequestPolicyMixin, View):
    """One step of an existing draft: GET shows it, POST saves it through one service."""

    action = Action.REQUEST_EDIT_DRAFT

    def dispatch(self, request, *args, **kwargs):
        if kwargs["step"] not in STEP_NAMES:
            raise Http404
        self.step = kwargs["step"]
        return super().dispatch(request, *args, **kwargs)

    # --- navigation

    def url(self, step: str) -> str:
        return reverse("exchange:compose_step", args=[self.info_request.pk, step])

    def next_url(self) -> str:
        if self.request.POST.get("save_and_close"):
            messages.success(
                self.request,
                # Translators: %(number)s is the request's reference number in openimi
                # (for example 1042): an identifier, not a count or a position.
                _("Your draft %(number)s is saved. You can continue it later.")
                % {"number": self.info_request.reference},
            )
            return reverse("exchange:outgoing")
        if self.request.GET.get("change") == "review":
            return self.url("review")
        return self.url(STEP_NAMES[STEP_NAMES.index(self.step) + 1])

    # --- forms per step

    def make_form(self, data=None, files=None):
        info_request, user = self.info_request, self.request.user
        match self.step:
            case "area":
                return QuestionSetForm(
                    data,
                    question_sets=offered_question_sets(user),
                    initial={"question_set": str(info_request.question_set_id or "")},
                )
            case "questions":
                questions = list(selectors.question_list(question_set=info_request.question_set))
                asked = [str(rq.question_id) for rq in info_request.request_questions.all()]
                return QuestionsForm(data, questions=questions, initial={"questions": asked})
            case "provider":
                current = services.personal_data_view(
                    info_request=info_request, actor=user, part="page:compose"
                )
                return PersonalDataForm(
                    data, instance=current or PersonalData(info_request=info_request)
                )
            case "justification":
                return JustificationForm(
                    data,
                    user_language=user.language,
                    initial={
                        "justification": info_request.justification,
                        "justification_language": info_request.justification_language,
                    },
                )
            case "attachments":
                return AttachmentForm(data, files)
            case "recipient":
                current = info_request.responding_authority_id
                return RecipientForm(
                    data,
                    authorities=self.recipients(data),
                    initial={"responding_authority": str(current) if current else ""},
                )
            case "reply-date":
                return ReplyDateForm(data, initial=ReplyDateForm.initial_for(info_request.reply_by))
        return None

    def save(self, form) -> None:
        info_request, user = self.info_request, self.request.user
        match self.step:
            case "area":
                question_set = form.chosen
                services.request_update_draft(
                    info_request=info_request,
                    actor=user,
                    area=question_set.area,
                    question_set=question_set,
                )
            case "questions":
                services.request_update_draft(
                    info_request=info_request, actor=user, questions=form.chosen
                )
            case "provider":
                services.request_set_personal_data(
                    info_request=info_request, actor=user, data=form.service_data()
                )
            case "justification":
                services.request_update_draft(
                    info_request=info_request,
                    actor=user,
                    justification=form.cleaned_data["justification"],
                    justification_language=form.cleaned_data["justification_language"],
                )
            case "attachments":
                services.request_add_attachment(
                    info_request=info_request, actor=user, file=form.cleaned_data["file"]
                )
            case "recipient":
                services.request_update_draft(
                    info_request=info_request, actor=user, responding_authority=form.chosen
                )
            case "reply-date":
                services.request_update_draft(
                    info_request=info_request, actor=user, reply_by=form.cleaned_data["date"]
                )

    def recipients(self, data=None) -> list:
        """Matching authorities of the area (any member state), without the user's own."""
        info_request = self.info_request
        language = current_language()
        search = authority_search(
            search=AuthoritySearch(
                text=self.request.GET.get("q", "") if data is None else "",
                area=info_request.area.code,
            ),
            language=language,
        ).exclude(pk=info_request.requesting_authority_id)
        if data is not None:
            chosen = str(data.get("responding_authority") or "")
            found = list(search.filter(pk=int(chosen))) if chosen.isdigit() else []
        elif self.request.GET.get("q", "").strip():
            found = list(search[:RECIPIENT_RESULTS])
        else:
            found = []
        current = info_request.responding_authority
        if current is not None and all(a.pk != current.pk for a in found):
            found.insert(0, current)
        for authority in found:
            authority.display_title, authority.display_lang = authority.title_for(language)
        return found

    # --- handlers

    def get(self, request, *args, **kwargs):
        if self.step != "area" and self.step != "review" and not self.info_request.question_set_id:
            return redirect(self.url("area"))
        if self.step == "recipient" and request.htmx:
            form = self.make_form()
            return render(request, "exchange/_recipient_results.html", {"form": form})
        return self.render_step(self.make_form())

    def post(self, request, *args, **kwargs):
        if self.step == "review":
            return redirect(self.url("review"))
        if self.step == "attachments" and request.POST.get("remove"):
            return self.remove_attachment(request.POST["remove"])
        leaving = request.POST.get("continue") or request.POST.get("save_and_close")
        if self.step == "attachments" and not request.FILES and leaving:
            return redirect(self.next_url())
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                self.save(form)
            except PermissionDenied as denied:
                raise Http404 from denied
            except services.TransitionNotAllowed as refused:
                messages.error(request, refused.message)
                return redirect("exchange:detail", pk=self.info_request.pk)
            except ApplicationError as error:
                field = error.field if error.field in form.fields else None
                if self.step == "reply-date":
                    field = None
                form.add_error(field, error.message)
            else:
                if self.step == "attachments":
                    messages.success(request, _("The document was added."))
                    return redirect(self.url("attachments"))
                return redirect(self.next_url())
        return self.render_step(form)

    def remove_attachment(self, attachment_pk: str):
        user = self.request.user
        attachments = selectors.request_attachment_list(user=user, info_request=self.info_request)
        attachment = next((a for a in attachments if str(a.pk) == attachment_pk), None)
        if attachment is None:
            raise Http404
        try:
            services.request_remove_attachment(attachment=attachment, actor=user)
        except PermissionDenied as denied:
            raise Http404 from denied
        except ApplicationError as error:
            messages.error(self.request, error.message)
        else:
            messages.success(self.request, _("The document was removed."))
        return redirect(self.url("attachments"))

    def render_step(self, form):
        info_request, user = self.info_request, self.request.user
        number = STEP_NAMES.index(self.step) + 1
        context = {
            "info_request": info_request,
            "form": form,
            "step": self.step,
            "step_label": dict(STEPS)[self.step],
            "number": number,
            "total": len(STEPS),
            "steps": STEPS,
            "changing": self.request.GET.get("change") == "review",
            "previous_step": STEP_NAMES[number - 2] if number > 1 else None,
        }
        if self.step == "attachments":
            context["attachments"] = selectors.request_attachment_list(
                user=user, info_request=info_request
            )
        if self.step == "recipient":
            context["search_form"] = RecipientSearchForm(self.request.GET or None)
        if self.step == "review":
            label_authorities([info_request])
            personal_data = services.personal_data_view(
                info_request=info_request, actor=user, part="page:review"
            )
            context.update(
                problems=services.draft_problems(info_request),
                questions=selectors.request_question_list(user=user, info_request=info_request),
                personal_fields=_personal_rows(personal_data),
                attachments=selectors.request_attachment_list(user=user, info_request=info_request),
                can_send=policy.can(user, Action.REQUEST_SEND, info_request),
            )
        special = {"attachments", "recipient", "reply-date", "review"}
        name = self.step.replace("-", "_") if self.step in special else "form"
        return render(self.request, f"exchange/compose_{name}.html", context)


class DraftDeleteView(RequestPolicyMixin, View):
    action = Action.REQUEST_EDIT_DRAFT

    def post(self, request, pk: int):
        try:
            services.request_delete_draft(info_request=self.info_request, actor=request.user)
        except PermissionDenied as denied:
            raise Http404 from denied
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("exchange:detail", pk=pk)
        messages.success(request, _("The draft was deleted."))
        return redirect("exchange:outgoing")
