"""The question catalogue (issue 19; seed step 1.3): every user may read, per legislative area,
the published question sets with their questions, answer types, options and standard answers
before composing a request. Texts are in the reader's language, else in English (marked with
its ``lang``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.authorities.models import LegislativeArea
from openimi.common.i18n import FALLBACK_LANGUAGE, current_language
from openimi.exchange import selectors
from openimi.exchange.models import Question


@dataclass(frozen=True)
class Text:
    """A text and the language it is in; ``lang`` is set only when it is not the reader's."""

    text: str
    lang: str = ""

    def __str__(self) -> str:
        return self.text


def text_in_reader_language(texts: dict[str, str] | None) -> Text:
    texts = texts or {}
    reader = current_language()
    for language in (reader, FALLBACK_LANGUAGE, *texts):
        if texts.get(language):
            return Text(texts[language], "" if language == reader else language)
    return Text("")


class CatalogueIndexView(PolicyRequiredMixin, TemplateView):
    """The legislative areas that have question sets on offer."""

    action = Action.QUESTION_CATALOGUE_VIEW
    template_name = "exchange/catalogue/index.html"

    def get_context_data(self, **kwargs):
        counts = dict(
            selectors.question_set_list()
            .order_by()
            .values("area_id")
            .annotate(count=Count("pk"))
            .values_list("area_id", "count")
        )
        areas = [
            (area, counts[area.pk])
            for area in LegislativeArea.objects.filter(pk__in=counts).order_by("position", "code")
        ]
        return super().get_context_data(areas=areas, **kwargs)


class CatalogueAreaView(PolicyRequiredMixin, TemplateView):
    """One area's published question sets, each with its questions (constant queries)."""

    action = Action.QUESTION_CATALOGUE_VIEW
    template_name = "exchange/catalogue/area.html"

    def get_context_data(self, **kwargs):
        area = get_object_or_404(LegislativeArea, code=self.kwargs["area_code"])
        questions = (
            Question.objects.filter(is_active=True)
            .prefetch_related("standard_answers")
            .order_by("position", "code")
        )
        question_sets = selectors.question_set_list(area=area).prefetch_related(
            Prefetch("questions", queryset=questions)
        )
        catalogue = [
            {
                "pk": question_set.pk,
                "title": text_in_reader_language(question_set.titles),
                "description": text_in_reader_language(question_set.descriptions),
                "is_practice": question_set.is_practice,
                "available_until": question_set.available_until,
                "questions": [
                    {
                        "text": text_in_reader_language(question.texts),
                        "help": text_in_reader_language(question.help),
                        "answer_type": question.get_answer_type_display(),
                        "choices": [
                            text_in_reader_language(choice.get("texts"))
                            for choice in question.choices
                        ],
                        "standard_answers": [
                            text_in_reader_language(answer.texts)
                            for answer in question.standard_answers.all()
                        ],
                    }
                    for question in question_set.questions.all()
                ],
            }
            for question_set in question_sets
        ]
        return super().get_context_data(
            area=area, area_name=text_in_reader_language(area.names), catalogue=catalogue, **kwargs
        )
