"""The detail page of a request and the small views behind its buttons.

The detail page shows what the reader may see (the policy decides, through the selectors):
the summary with a FICTITIOUS banner for practice requests, the personal data panel (read
once through the audited ``personal_data_view``), the questions in the reader's language with
the answers, the documents, the timeline, the mediation thread, and one button or form per
transition the reader can take now. Each transition is a POST to its own URL handled by
``TransitionView``: it calls the one service and redirects back with a success message, or
shows the service's refusal ("already accepted by someone else").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.generic import TemplateView

from openimi.access import policy
from openimi.access.policy import Action
from openimi.authorities.models import Language
from openimi.common.content_cache import DIRECTORY, ContentCacheMixin, authority_scope
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange import events, selectors, services
from openimi.exchange.forms import (
    AcceptForm,
    AllocateForm,
    ForwardForm,
    NoteForm,
    ProvideInfoForm,
    RejectForm,
)
from openimi.exchange.models import InformationRequest, Question
from openimi.exchange.selectors import TRANSITION_ACTIONS
from openimi.exchange.views._common import (
    RequestPolicyMixin,
    get_request_or_404,
    label_authorities,
)
from openimi.exchange.workflow import Transition

T = Transition

EVENT_LABELS: dict[str, str] = {
    events.CREATED: gettext_lazy("Draft created"),
    events.DRAFT_UPDATED: gettext_lazy("Draft changed"),
    events.PERSONAL_DATA_UPDATED: gettext_lazy("Service provider's data changed"),
    events.ATTACHMENT_ADDED: gettext_lazy("Document added"),
    events.ATTACHMENT_REMOVED: gettext_lazy("Document removed"),
    events.SENT: gettext_lazy("Request sent"),
    events.SENT_FOR_APPROVAL: gettext_lazy("Sent to the coordinator for approval"),
    events.APPROVED: gettext_lazy("Approved by the coordinator"),
    events.RETURNED: gettext_lazy("Returned by the coordinator"),
    events.ACCEPTED: gettext_lazy("Request accepted"),
    events.FORWARDED: gettext_lazy("Request forwarded"),
    events.REJECTED: gettext_lazy("Request rejected"),
    events.ALLOCATED: gettext_lazy("Request allocated"),
    events.HANDED_OVER: gettext_lazy("Request handed over to a colleague"),
    events.AUTHORITY_MOVED: gettext_lazy(
        "Request moved to another authority (merger or deactivation)"
    ),
    events.TAKEN: gettext_lazy("A request handler took the request"),
    events.INFORMATION_REQUESTED: gettext_lazy("More information asked for"),
    events.INFORMATION_PROVIDED: gettext_lazy("Information provided"),
    events.ANSWER_SAVED: gettext_lazy("Answer saved"),
    events.ANSWERED: gettext_lazy("Answer sent"),
    events.ANSWER_SENT_FOR_APPROVAL: gettext_lazy("Answer sent to the coordinator for approval"),
    events.ANSWER_APPROVED: gettext_lazy("Answer approved by the coordinator"),
    events.ANSWER_RETURNED: gettext_lazy("Answer returned by the coordinator"),
    events.ANSWER_ACCEPTED: gettext_lazy("Answer accepted; request closed"),
    events.FOLLOW_UP_ASKED: gettext_lazy("Follow-up question asked"),
    events.WITHDRAWN: gettext_lazy("Request withdrawn"),
    events.REFERRED: gettext_lazy("Referred to the coordinator"),
    events.MEDIATION_MESSAGE: gettext_lazy("Message in the mediation"),
    events.MEDIATION_ENDED: gettext_lazy("Mediation ended"),
    events.MEDIATION_ENDED_WITH_REQUEST: gettext_lazy("Mediation ended with the request"),
    # privacy (data-subject requests)
    events.PERSONAL_DATA_CORRECTED: gettext_lazy("Personal data corrected for the data subject"),
    events.PERSONAL_DATA_CONTESTED: gettext_lazy("Personal data contested by the data subject"),
    events.CONTEST_REMOVED: gettext_lazy("Contest mark removed"),
    # the retention job
    events.PERSONAL_DATA_BLOCKED: gettext_lazy("Personal data blocked (retention period)"),
    events.PERSONAL_DATA_DELETED: gettext_lazy("Personal data deleted (retention period)"),
}

VALUE_LABELS = {
    "yes": gettext_lazy("Yes"),
    "no": gettext_lazy("No"),
    "unknown": pgettext_lazy("answer to a yes/no question: not known", "Unknown"),
}


def answer_display(question: Question, value: Any) -> str:
    """The typed answer as the reader reads it (codes are stored, never texts)."""
    if value in (None, ""):
        return ""
    if question.answer_type in (Question.AnswerType.YES_NO, Question.AnswerType.YES_NO_UNKNOWN):
        return str(VALUE_LABELS.get(value, value))
    if question.answer_type == Question.AnswerType.CHOICE:
        return question.choice_text(value)
    if question.answer_type == Question.AnswerType.DATE:
        try:
            return date_format(dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def language_names() -> dict[str, str]:
    return {language.code: language.name for language in Language.objects.all()}


# --- The transitions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One button of the detail page: its transition, URL name, form and service call."""

    name: str
    transition: Transition
    label: str
    success: str
    perform: Callable[[Any, Any, Any], Any]
    form: Callable[..., Any] | None = None
    warning: bool = False
    template: str = "exchange/transition.html"

    @property
    def has_form(self) -> bool:
        # Templates call callables: they ask this instead of ``form``.
        return self.form is not None


def _note_form(label: str, *, required: bool = True):
    def make(view, data=None, files=None):
        return NoteForm(
            data, user_language=view.request.user.language, label=label, required=required
        )

    return make


def _forward_form(view, data=None, files=None):
    candidates = list(selectors.forward_candidate_list(info_request=view.info_request))
    # "Forward to the coordinator" (an authority that may not reject) links with ``?to=``.
    chosen = view.request.GET.get("to", "")
    initial = {"to_authority": chosen} if chosen in {str(a.pk) for a in candidates} else {}
    return ForwardForm(
        data,
        initial=initial,
        authorities=candidates,
        user_language=view.request.user.language,
        label=_("Note for the authority you forward to (optional)"),
        required=False,
    )


def _allocate_form(view, data=None, files=None):
    candidates = list(
        selectors.allocation_candidate_list(user=view.request.user, info_request=view.info_request)
    )
    current = [
        a.handler
        for a in selectors.request_allocation_list(
            user=view.request.user, info_request=view.info_request
        )
    ]
    # Those allocated now stay choosable, even if they could not be given a new request.
    candidates += [handler for handler in current if handler not in candidates]
    return AllocateForm(
        data,
        candidates=candidates,
        department=view.request.GET.get("department", ""),
        initial={"handlers": [str(handler.pk) for handler in current]},
    )


def _accept_form(view, data=None, files=None):
    return AcceptForm(data)


def _reject_form(view, data=None, files=None):
    return RejectForm(
        data,
        user_language=view.request.user.language,
        label=_("Explanation (optional)"),
        required=False,
    )


def _provide_form(view, data=None, files=None):
    return ProvideInfoForm(
        data, files, user_language=view.request.user.language, label=_("Information")
    )


def _text(form) -> dict:
    return {"text": form.cleaned_data["text"], "language": form.cleaned_data["language"]}


def _note(form) -> dict:
    return {"note": form.cleaned_data["text"], "note_language": form.cleaned_data["language"]}


STEPS: list[Step] = [
    Step(
        "send",
        T.SEND,
        gettext_lazy("Send request"),
        gettext_lazy("The request was sent."),
        lambda form, ir, user: services.request_send(info_request=ir, actor=user),
    ),
    Step(
        "approve",
        T.APPROVE,
        gettext_lazy("Approve"),
        gettext_lazy("Approved and sent on."),
        lambda form, ir, user: services.request_approve(info_request=ir, actor=user),
    ),
    Step(
        "return",
        T.RETURN,
        gettext_lazy("Return with a reason"),
        gettext_lazy("Returned."),
        lambda form, ir, user: services.request_return(info_request=ir, actor=user, **_note(form)),
        _note_form(gettext_lazy("Why do you return it?")),
        warning=True,
    ),
    Step(
        "accept",
        T.ACCEPT,
        gettext_lazy("Accept request"),
        gettext_lazy("You accepted the request."),
        lambda form, ir, user: services.request_accept(
            info_request=ir, actor=user, reply_by=form.cleaned_data["date"]
        ),
        _accept_form,
    ),
    Step(
        "allocate",
        T.ALLOCATE,
        gettext_lazy("Allocate"),
        gettext_lazy("The request was allocated."),
        lambda form, ir, user: services.request_allocate(
            info_request=ir, actor=user, handlers=form.chosen
        ),
        _allocate_form,
        template="exchange/allocate.html",
    ),
    Step(
        "forward",
        T.FORWARD,
        gettext_lazy("Forward"),
        gettext_lazy("The request was forwarded."),
        lambda form, ir, user: services.request_forward(
            info_request=ir, actor=user, to_authority=form.chosen, **_note(form)
        ),
        _forward_form,
    ),
    Step(
        "reject",
        T.REJECT,
        gettext_lazy("Reject"),
        gettext_lazy("The request was rejected."),
        lambda form, ir, user: services.request_reject(
            info_request=ir, actor=user, reason=form.cleaned_data["reason"], **_note(form)
        ),
        _reject_form,
        warning=True,
    ),
    Step(
        "request_info",
        T.REQUEST_INFO,
        gettext_lazy("Ask for more information"),
        gettext_lazy("Your question was sent to the requesting authority."),
        lambda form, ir, user: services.request_request_info(
            info_request=ir, actor=user, **_text(form)
        ),
        _note_form(gettext_lazy("What information do you need?")),
    ),
    Step(
        "provide_info",
        T.PROVIDE_INFO,
        gettext_lazy("Provide the information"),
        gettext_lazy("The information was sent."),
        lambda form, ir, user: services.request_provide_info(
            info_request=ir,
            actor=user,
            files=[form.cleaned_data["file"]] if form.cleaned_data.get("file") else [],
            **_text(form),
        ),
        _provide_form,
    ),
    Step(
        "send_answer",
        T.ANSWER,
        gettext_lazy("Send the answer"),
        gettext_lazy("The answer was sent."),
        lambda form, ir, user: services.request_answer(info_request=ir, actor=user),
    ),
    Step(
        "accept_answer",
        T.ACCEPT_ANSWER,
        gettext_lazy("Accept the answer and close the request"),
        gettext_lazy("You accepted the answer. The request is closed."),
        lambda form, ir, user: services.request_accept_answer(info_request=ir, actor=user),
    ),
    Step(
        "ask_follow_up",
        T.ASK_FOLLOW_UP,
        gettext_lazy("Ask a follow-up question"),
        gettext_lazy("Your follow-up question was sent."),
        lambda form, ir, user: services.request_ask_follow_up(
            info_request=ir, actor=user, **_text(form)
        ),
        _note_form(gettext_lazy("Your follow-up question")),
    ),
    Step(
        "refer",
        T.REFER_TO_COORDINATOR,
        gettext_lazy("Refer to the coordinator"),
        gettext_lazy("The request was referred to your coordinator."),
        lambda form, ir, user: services.request_refer_to_coordinator(
            info_request=ir, actor=user, **_text(form)
        ),
        _note_form(gettext_lazy("What should the coordinator help with?")),
    ),
    Step(
        "end_mediation",
        T.END_MEDIATION,
        gettext_lazy("End the mediation"),
        gettext_lazy("The mediation was ended."),
        lambda form, ir, user: services.request_end_mediation(info_request=ir, actor=user),
    ),
    Step(
        "withdraw",
        T.WITHDRAW,
        gettext_lazy("Withdraw request"),
        gettext_lazy("The request was withdrawn."),
        lambda form, ir, user: services.request_withdraw(
            info_request=ir, actor=user, **_note(form)
        ),
        _note_form(gettext_lazy("Reason for withdrawing (optional)"), required=False),
        warning=True,
    ),
]
STEP_BY_NAME = {step.name: step for step in STEPS}
# Both ways of sending (and of answering) are one button: the service picks the way.
_STEP_FOR: dict[Transition, Step] = {step.transition: step for step in STEPS}
_STEP_FOR[T.SEND_FOR_APPROVAL] = STEP_BY_NAME["send"]
_STEP_FOR[T.ANSWER_FOR_APPROVAL] = STEP_BY_NAME["send_answer"]


def steps_for(available: list[Transition]) -> list[Step]:
    return [_STEP_FOR[t] for t in available if t in _STEP_FOR]


class TransitionView(RequestPolicyMixin, View):
    """GET: the step's form (steps without a form are a button on the detail page).
    POST: call the service; redirect to the request with a message, or show the refusal."""

    step: Step | None = None

    @property
    def action(self) -> Action:
        return TRANSITION_ACTIONS[self.step.transition]

    def detail_url(self) -> str:
        return reverse("exchange:detail", args=[self.info_request.pk])

    def render_form(self, form):
        label_authorities([self.info_request])
        return render(
            self.request,
            self.step.template,
            {"info_request": self.info_request, "step": self.step, "form": form},
        )

    def get(self, request, *args, **kwargs):
        if self.step.form is None:
            return redirect(self.detail_url())
        return self.render_form(self.step.form(self))

    def post(self, request, *args, **kwargs):
        form = None
        if self.step.form is not None:
            form = self.step.form(self, request.POST, request.FILES)
            if not form.is_valid():
                return self.render_form(form)
        try:
            self.step.perform(form, self.info_request, request.user)
        except PermissionDenied as denied:
            raise Http404 from denied
        except services.IncompleteError as incomplete:
            if self.step.transition == T.SEND:
                messages.error(request, incomplete.message)
                return redirect("exchange:compose_step", pk=self.info_request.pk, step="review")
            messages.error(request, f"{incomplete.message} ({len(incomplete.problems)})")
            return redirect(self.detail_url())
        except services.TransitionNotAllowed as refused:
            messages.error(request, refused.message)
            return redirect(self.detail_url())
        except ApplicationError as error:
            if form is None:
                messages.error(request, error.message)
                return redirect(self.detail_url())
            field = error.field if error.field in form.fields else None
            if field is None and error.field in ("note", "note_language"):
                field = "text" if error.field == "note" else "language"
            form.add_error(field, error.message)
            return self.render_form(form)
        return self.landing(str(self.step.success))

    def landing(self, success: str):
        """Back to the request with the confirmation; or, when the step took the request out
        of the user's reach (forwarded elsewhere, returned to a draft), to the list the user
        came from, never to "Page not found"."""
        user, info_request = self.request.user, self.info_request
        try:
            selectors.request_get(user=user, pk=info_request.pk, relations=False)
        except InformationRequest.DoesNotExist:
            # Translators: %(reference)s is the request's reference number in openimi.
            gone = _("You can no longer open request %(reference)s.") % {
                "reference": info_request.reference
            }
            messages.success(self.request, f"{success} {gone}")
            if user.authority_id == info_request.requesting_authority_id:
                return redirect("exchange:outgoing")
            if user.authority_id == info_request.responding_authority_id:
                return redirect("exchange:list")
            return redirect("exchange:coordinator_overview")
        messages.success(self.request, success)
        return redirect(self.detail_url())


class TakeView(RequestPolicyMixin, View):
    """ "I'll handle this" (``services.request_take``): back to the request, which now says
    who handles it."""

    action = Action.REQUEST_TAKE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.request_take(info_request=self.info_request, actor=request.user)
        except PermissionDenied as denied:
            raise Http404 from denied
        except ApplicationError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("You handle this request now. Your colleagues see it."))
        return redirect("exchange:detail", pk=self.info_request.pk)


class MediationPostView(RequestPolicyMixin, View):
    """A message in the mediation thread (coordinator or either party)."""

    action = Action.REQUEST_MEDIATE

    def post(self, request, *args, **kwargs):
        form = NoteForm(request.POST, user_language=request.user.language)
        if form.is_valid():
            try:
                services.mediation_post(
                    info_request=self.info_request, actor=request.user, **_text(form)
                )
            except PermissionDenied as denied:
                raise Http404 from denied
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Your message was added to the mediation."))
        else:
            messages.error(request, _("Write the message."))
        return redirect(reverse("exchange:detail", args=[self.info_request.pk]) + "#mediation")


class RequestDetailView(RequestPolicyMixin, ContentCacheMixin, TemplateView):
    action = Action.REQUEST_VIEW
    template_name = "exchange/detail.html"

    def get_policy_object(self):
        # The row alone decides whether the user may see it; the page, when it is not in
        # the content cache, reads it again with the rest (get_context_data).
        self.info_request = get_request_or_404(
            self.request.user, self.kwargs["pk"], relations=False
        )
        return self.info_request

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # Its relations, and what the policy needs for every action (read ahead).
        try:
            self.info_request = info_request = selectors.request_relations_load(
                self.info_request, read_ahead=True
            )
        except InformationRequest.DoesNotExist as deleted:  # a draft deleted just now
            raise Http404 from deleted
        label_authorities([info_request])
        can_details = policy.can(user, Action.REQUEST_VIEW_DETAILS, info_request)
        personal_data = None
        if policy.can(user, Action.REQUEST_VIEW_PERSONAL_DATA, info_request):
            personal_data = services.personal_data_view(
                info_request=info_request, actor=user, part="page:detail"
            )
            self.content_replay = {"personal_data_viewed": True}
        questions = (
            selectors.request_question_list(user=user, info_request=info_request)
            if can_details
            else []
        )
        languages = language_names()
        for asked in questions:
            asked.display_value = (
                answer_display(asked.question, asked.answer.value) if asked.answer else ""
            )
            code = asked.answer.free_text_language if asked.answer else ""
            asked.language_name = languages.get(code, code)
        available = selectors.request_available_transitions(user=user, info_request=info_request)
        timeline = selectors.timeline_entry_list(user=user, info_request=info_request)
        for entry in timeline:
            entry.label = EVENT_LABELS.get(entry.event.code, entry.event.code)
        mediation = None
        allocations = selectors.request_allocation_list(user=user, info_request=info_request)
        can_mediate = policy.can(user, Action.REQUEST_MEDIATE, info_request)
        if policy.can(user, Action.REQUEST_VIEW_MEDIATION, info_request):
            mediation = selectors.mediation_message_list(user=user, info_request=info_request)
        context.update(
            info_request=info_request,
            can_details=can_details,
            justification=selectors.request_justification(user=user, info_request=info_request),
            personal_data=personal_data,
            personal_fields=_personal_rows(personal_data),
            # Written by the requester, in the language it wrote the justification in.
            personal_data_lang=(
                info_request.justification_language or info_request.requesting_authority.language_id
            ),
            questions=questions,
            attachments=selectors.request_attachment_list(user=user, info_request=info_request),
            timeline=timeline,
            mediation=mediation,
            can_mediate=can_mediate,
            # Its language list is a query: only when the page shows the form.
            mediation_form=(
                NoteForm(user_language=user.language, label=_("Message")) if can_mediate else None
            ),
            allocations=allocations,
            # Allocations an allocator made read "Allocated to"; without allocation the
            # handlers took the request themselves ("I'll handle this"): "Handled by".
            taken=bool(allocations) and all(a.allocated_by_id == a.handler_id for a in allocations),
            can_take=policy.can(user, Action.REQUEST_TAKE, info_request)
            and all(a.handler_id != user.pk for a in allocations),
            steps=steps_for(available),
            reject_through_coordinator=selectors.request_reject_through_coordinator(
                info_request=info_request, available=available
            ),
            can_edit_draft=T.EDIT_DRAFT in available,
            can_answer=T.EDIT_ANSWER in available,
            justification_language_name=languages.get(
                info_request.justification_language, info_request.justification_language
            ),
        )
        return context

    def content_scopes(self) -> list[str]:
        info_request = self.info_request
        parties = {
            self.request.user.authority_id,
            info_request.requesting_authority_id,
            info_request.responding_authority_id,
        }
        return [*(authority_scope(pk) for pk in parties if pk), DIRECTORY]

    def content_replayed(self, replay: dict) -> None:
        # Every showing of personal data is recorded, from the cache as well.
        if replay.get("personal_data_viewed"):
            services.personal_data_view_record(
                info_request=self.info_request, actor=self.request.user, part="page:detail"
            )


def _personal_rows(personal_data) -> list[tuple[str, Any]]:
    if personal_data is None:
        return []
    rows = []
    for name in personal_data.data_fields():
        value = getattr(personal_data, name)
        if value not in (None, ""):
            label = personal_data._meta.get_field(name).verbose_name
            rows.append((label, date_format(value) if isinstance(value, dt.date) else value))
    return rows
