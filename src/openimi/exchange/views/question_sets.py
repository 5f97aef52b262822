"""The network administrator's question set editor (issue 19): the list of every set in every
version, a new set, a draft's page with its questions, the translation page per language,
publishing and making a new version. Every page asks the policy for ``NETWORK_ADMINISTER``;
every write is one service of ``exchange.services.question_sets``."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.common.errors import ApplicationError
from openimi.exchange import selectors, services
from openimi.exchange.forms import (
    QuestionEditForm,
    QuestionSetEditForm,
    QuestionSetTranslationForm,
)
from openimi.exchange.models import Question, QuestionSet
from openimi.exchange.services import question_sets as question_set_services

# The services name their fields after the model; the forms after what the user sees.
_FORM_FIELDS = {"titles": "title", "descriptions": "description", "texts": "text"}


def _put_on_form(form, error: ApplicationError) -> None:
    field = _FORM_FIELDS.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, error.message)


def _detail_url(question_set: QuestionSet, anchor: str = "") -> str:
    url = reverse("exchange:question_set_manage_detail", args=[question_set.pk])
    return f"{url}#{anchor}" if anchor else url


class ManageMixin(PolicyRequiredMixin):
    """A page of the editor: the network administrator's only."""

    action = Action.NETWORK_ADMINISTER


class QuestionSetMixin(ManageMixin):
    """A page about one set (``pk``); ``draft_only``: a published set sends the user back to
    its page with the rule, because a published version never changes."""

    draft_only = True

    @cached_property
    def question_set(self) -> QuestionSet:
        try:
            return selectors.question_set_manage_get(pk=self.kwargs["pk"])
        except QuestionSet.DoesNotExist as missing:
            raise Http404 from missing

    def get(self, request, *args, **kwargs):
        return self._guard() or super().get(request, *args, **kwargs)  # type: ignore[misc]

    def post(self, request, *args, **kwargs):
        handler = getattr(super(), "post", None)
        if handler is None:  # a page without a form
            return self.http_method_not_allowed(request, *args, **kwargs)  # type: ignore[attr-defined]
        return self._guard() or handler(request, *args, **kwargs)

    def _guard(self):
        if self.draft_only and self.question_set.status != QuestionSet.Status.DRAFT:
            messages.error(self.request, question_set_services.published_never_changes())
            return redirect(_detail_url(self.question_set))
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["question_set"] = self.question_set
        return context


class QuestionMixin(QuestionSetMixin):
    """A page about one question of a draft (``question_pk``)."""

    @cached_property
    def question(self) -> Question:
        for question in self.question_set.questions_in_order:
            if question.pk == self.kwargs["question_pk"]:
                return question
        raise Http404

    def get_context_data(self, **kwargs):
        return super().get_context_data(question=self.question, **kwargs)


class QuestionSetManageListView(ManageMixin, TemplateView):
    template_name = "exchange/question_sets/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        areas: dict = {}
        for question_set in selectors.question_set_manage_list():
            areas.setdefault(question_set.area, []).append(question_set)
        context["areas"] = list(areas.items())
        context["language_count"] = len(settings.LANGUAGES)
        return context


class QuestionSetCreateView(ManageMixin, FormView):
    template_name = "exchange/question_sets/form.html"
    form_class = QuestionSetEditForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "new": True}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            question_set = services.question_set_create(
                actor=self.request.user,
                area=data["area"],
                code=data["code"],
                titles={settings.LANGUAGE_CODE: data["title"]},
                descriptions={settings.LANGUAGE_CODE: data["description"]},
                is_practice=data["is_practice"],
                available_until=data["available_until"],
            )
        except ApplicationError as error:
            _put_on_form(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The question set is saved as a draft. Now add its questions.")
        )
        return redirect(_detail_url(question_set))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("New question set"),
            back_url=reverse("exchange:question_set_manage"),
            **kwargs,
        )


class QuestionSetDetailView(QuestionSetMixin, TemplateView):
    template_name = "exchange/question_sets/detail.html"
    draft_only = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        question_set = self.question_set
        context["translations"] = selectors.question_set_translation_list(
            question_set=question_set, questions=question_set.questions_in_order
        )
        context["is_draft"] = question_set.status == QuestionSet.Status.DRAFT
        context["is_published"] = question_set.status == QuestionSet.Status.PUBLISHED
        english = context["english"] = settings.LANGUAGE_CODE
        context["english_title"] = question_set.titles.get(english, "")
        context["english_description"] = question_set.descriptions.get(english, "")
        for question in question_set.questions_in_order:
            question.english_text = question.texts.get(english, "")
            question.english_help = question.help.get(english, "")
            question.english_choices = [
                (choice["code"], (choice.get("texts") or {}).get(english, ""))
                for choice in question.choices
            ]
        context["questions"] = question_set.questions_in_order
        return context


class QuestionSetEditView(QuestionSetMixin, FormView):
    template_name = "exchange/question_sets/form.html"
    form_class = QuestionSetEditForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "new": False}

    def get_initial(self):
        question_set, english = self.question_set, settings.LANGUAGE_CODE
        return {
            "title": question_set.titles.get(english, ""),
            "description": question_set.descriptions.get(english, ""),
            "is_practice": question_set.is_practice,
            "available_until": question_set.available_until,
        }

    def form_valid(self, form):
        data, english = form.cleaned_data, settings.LANGUAGE_CODE
        try:
            services.question_set_update(
                actor=self.request.user,
                question_set=self.question_set,
                titles={**self.question_set.titles, english: data["title"]},
                descriptions={**self.question_set.descriptions, english: data["description"]},
                is_practice=data["is_practice"],
                available_until=data["available_until"],
            )
        except ApplicationError as error:
            _put_on_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The question set is saved."))
        return redirect(_detail_url(self.question_set))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Change the question set"), back_url=_detail_url(self.question_set), **kwargs
        )


class QuestionSetTranslateView(QuestionSetMixin, FormView):
    """Every text of a draft in one language, beside the English."""

    template_name = "exchange/question_sets/translate.html"
    form_class = QuestionSetTranslationForm

    @cached_property
    def language(self) -> tuple[str, str]:
        for code, name in settings.LANGUAGES:
            if code == self.kwargs["language"] and code != settings.LANGUAGE_CODE:
                return code, str(name)
        raise Http404

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "question_set": self.question_set,
            "questions": self.question_set.questions_in_order,
            "language": self.language[0],
        }

    def form_valid(self, form):
        data = form.cleaned_data
        questions = {
            question.pk: {
                "text": data.get(f"q{question.pk}_text", ""),
                "help": data.get(f"q{question.pk}_help", ""),
                "choices": {
                    index: data.get(f"q{question.pk}_c{index}", "")
                    for index in range(len(question.choices))
                },
            }
            for question in self.question_set.questions_in_order
        }
        try:
            services.question_set_translate(
                actor=self.request.user,
                question_set=self.question_set,
                language=self.language[0],
                title=data.get("title", ""),
                description=data.get("description", ""),
                questions=questions,
            )
        except ApplicationError as error:
            _put_on_form(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The texts in %(language)s are saved.") % {"language": self.language[1]},
        )
        return redirect(_detail_url(self.question_set, "translations"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            language_code=self.language[0], language_name=self.language[1], **kwargs
        )


def _question_arguments(form: QuestionEditForm, question: Question | None) -> dict:
    data = form.cleaned_data
    return {
        "code": data["code"],
        "answer_type": data["answer_type"],
        "texts": form.texts("text", question.texts if question else None),
        "help": form.texts("help", question.help if question else None),
        "choices": data["choices"],
        "standard_answers": list(data["standard_answers"]),
    }


class QuestionAddView(QuestionSetMixin, FormView):
    template_name = "exchange/question_sets/form.html"
    form_class = QuestionEditForm

    def form_valid(self, form):
        try:
            question = services.question_add(
                actor=self.request.user,
                question_set=self.question_set,
                **_question_arguments(form, None),
            )
        except ApplicationError as error:
            _put_on_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Question %(code)s is added.") % {"code": question.code})
        return redirect(_detail_url(self.question_set, f"question-{question.pk}"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Add a question"), back_url=_detail_url(self.question_set), **kwargs
        )


class QuestionEditView(QuestionMixin, FormView):
    template_name = "exchange/question_sets/form.html"
    form_class = QuestionEditForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "question": self.question}

    def form_valid(self, form):
        try:
            question = services.question_update(
                actor=self.request.user,
                question=self.question,
                **_question_arguments(form, self.question),
            )
        except ApplicationError as error:
            _put_on_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Question %(code)s is saved.") % {"code": question.code})
        return redirect(_detail_url(self.question_set, f"question-{question.pk}"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Change question %(code)s") % {"code": self.question.code},
            back_url=_detail_url(self.question_set),
            **kwargs,
        )


class QuestionRemoveView(QuestionMixin, TemplateView):
    template_name = "exchange/question_sets/confirm.html"

    def post(self, request, *args, **kwargs):
        guard = self._guard()
        if guard:
            return guard
        try:
            services.question_remove(actor=request.user, question=self.question)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Question %(code)s is removed.") % {"code": self.question.code}
            )
        return redirect(_detail_url(self.question_set, "questions"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Remove question %(code)s?") % {"code": self.question.code},
            text=self.question.text,
            button=_("Remove the question"),
            warning=True,
            back_url=_detail_url(self.question_set),
            **kwargs,
        )


class QuestionMoveView(QuestionMixin, View):
    """Move a question one place up or down (the buttons of the draft's page)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        guard = self._guard()
        if guard:
            return guard
        up = request.POST.get("direction") == "up"
        try:
            services.question_move(actor=request.user, question=self.question, up=up)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                (_("Question %(code)s moved up.") if up else _("Question %(code)s moved down."))
                % {"code": self.question.code},
            )
        return redirect(_detail_url(self.question_set, f"question-{self.question.pk}"))


class QuestionSetPublishView(QuestionSetMixin, TemplateView):
    template_name = "exchange/question_sets/publish.html"

    def post(self, request, *args, **kwargs):
        guard = self._guard()
        if guard:
            return guard
        try:
            services.question_set_publish(actor=request.user, question_set=self.question_set)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(reverse("exchange:question_set_publish", args=[self.question_set.pk]))
        messages.success(
            request,
            _("Version %(number)d is published: it is offered for new requests from now on.")
            % {"number": self.question_set.version_number},
        )
        return redirect(_detail_url(self.question_set))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["problems"] = services.question_set_publish_problems(self.question_set)
        context["replaced"] = [
            version
            for version in self.question_set.versions
            if version.status == QuestionSet.Status.PUBLISHED
        ]
        context["translations"] = [
            status
            for status in selectors.question_set_translation_list(
                question_set=self.question_set, questions=self.question_set.questions_in_order
            )
            if not status.complete
        ]
        return context


class QuestionSetNewVersionView(QuestionSetMixin, View):
    """Make the next version of a published set (the button on its page)."""

    http_method_names = ["post"]
    draft_only = False

    def post(self, request, *args, **kwargs):
        try:
            draft = services.question_set_new_version(
                actor=request.user, question_set=self.question_set
            )
        except question_set_services.DraftExistsError as error:
            messages.info(request, error.message)
            return redirect(_detail_url(error.draft))
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(_detail_url(self.question_set))
        messages.success(
            request,
            _(
                "Version %(number)d is a draft copy of the published version. Change it, "
                "then publish it."
            )
            % {"number": draft.version_number},
        )
        return redirect(_detail_url(draft))


class QuestionSetDiscardView(QuestionSetMixin, TemplateView):
    template_name = "exchange/question_sets/confirm.html"

    def post(self, request, *args, **kwargs):
        guard = self._guard()
        if guard:
            return guard
        try:
            services.question_set_discard_draft(actor=request.user, question_set=self.question_set)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(_detail_url(self.question_set))
        messages.success(request, _("The draft is deleted."))
        return HttpResponseRedirect(reverse("exchange:question_set_manage"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Delete this draft?"),
            text=_("The draft and its questions are deleted. Published versions stay."),
            button=_("Delete the draft"),
            warning=True,
            back_url=_detail_url(self.question_set),
            **kwargs,
        )
