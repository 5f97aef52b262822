"""Answering one asked question: a GOV.UK question page per question.

The page saves through ``services.answer_save`` (and ``request_add_attachment`` for documents)
and goes on to the next question; after the last one it returns to the request, where "Send
the answer" sends them all. ``base_version`` guards against two people overwriting each other.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from openimi.access.policy import Action
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.exchange import selectors, services
from openimi.exchange.forms import AnswerForm
from openimi.exchange.models import Attachment
from openimi.exchange.views._common import RequestPolicyMixin, label_authorities


class AnswerView(RequestPolicyMixin, View):
    action = Action.REQUEST_ANSWER

    def load(self):
        self.questions = selectors.request_question_list(
            user=self.request.user, info_request=self.info_request
        )
        position = next(
            (
                i
                for i, asked in enumerate(self.questions)
                if asked.request_question.pk == self.kwargs["question_pk"]
            ),
            None,
        )
        if position is None:
            raise Http404
        self.position = position
        self.asked = self.questions[position]

    def make_form(self, data=None, files=None):
        answer = self.asked.answer
        initial = {"base_version": answer.version if answer else None}
        if answer is not None:
            initial.update(
                value=answer.value,
                standard_answer=str(answer.standard_answer_id or ""),
                free_text=answer.free_text,
                free_text_language=answer.free_text_language,
            )
        return AnswerForm(
            data,
            files,
            question=self.asked.question,
            user_language=self.request.user.language,
            initial=initial,
        )

    def render_page(self, form):
        label_authorities([self.info_request])
        return render(
            self.request,
            "exchange/answer.html",
            {
                "info_request": self.info_request,
                "asked": self.asked,
                "number": self.position + 1,
                "total": len(self.questions),
                "form": form,
            },
        )

    def get(self, request, *args, **kwargs):
        self.load()
        return self.render_page(self.make_form())

    def post(self, request, *args, **kwargs):
        self.load()
        if request.POST.get("remove"):
            return self.remove(request.POST["remove"])
        form = self.make_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form)
        data = form.cleaned_data
        try:
            if data.get("file"):
                services.request_add_attachment(
                    info_request=self.info_request,
                    actor=request.user,
                    file=data["file"],
                    request_question=self.asked.request_question,
                )
            services.answer_save(
                info_request=self.info_request,
                actor=request.user,
                request_question=self.asked.request_question,
                value=data.get("value"),
                standard_answer=form.chosen_standard(),
                free_text=data["free_text"],
                free_text_language=data["free_text_language"],
                base_version=data["base_version"],
            )
        except PermissionDenied as denied:
            raise Http404 from denied
        except services.TransitionNotAllowed as refused:
            messages.error(request, refused.message)
            return redirect("exchange:detail", pk=self.info_request.pk)
        except ApplicationError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
            return self.render_page(form)
        messages.success(request, _("Your answer is saved. It is sent with the other answers."))
        if self.position + 1 < len(self.questions):
            following = self.questions[self.position + 1].request_question.pk
            return redirect("exchange:answer", pk=self.info_request.pk, question_pk=following)
        return redirect(reverse("exchange:detail", args=[self.info_request.pk]))

    def remove(self, attachment_pk: str):
        attachment = next((a for a in self.asked.attachments if str(a.pk) == attachment_pk), None)
        if attachment is None or not isinstance(attachment, Attachment):
            raise Http404
        try:
            services.request_remove_attachment(attachment=attachment, actor=self.request.user)
        except PermissionDenied as denied:
            raise Http404 from denied
        except ApplicationError as error:
            messages.error(self.request, error.message)
        else:
            messages.success(self.request, _("The document was removed."))
        return redirect(self.request.path)
