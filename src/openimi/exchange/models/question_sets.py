"""Question sets: reference data loaded from versioned fixtures (DESIGN rule 6).

Every text is a JSON object ``{"en": "...", "nl": "...", ...}`` that can hold every EU
language; ``openimi.common.i18n.translated`` picks the reader's. Rows are keyed by their codes
(a question by its set and code) so that ``exchange.reference.load_question_sets`` can upsert
them; nothing is ever deleted, because requests point at the questions they asked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openimi.authorities.models import LegislativeArea
from openimi.common.i18n import translated
from openimi.common.models import TimeStampedModel


class StandardAnswer(models.Model):
    """An answer any question may be given instead of its typed answer, e.g. "Given our data
    protection rules, we cannot answer this question." (the seed, Bijlage 2)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    texts = models.JSONField(_("texts"), default=dict)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("standard answer")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return translated(self.texts)


class QuestionSet(TimeStampedModel):
    """The questions one may ask in a legislative area under one title.

    A practice set (``is_practice``; the seed's FICTIEF) is for fictitious cases: every page and
    e-mail about a request built from it says so.
    """

    class Status(models.TextChoices):
        # Being written by the network administrator: offered to nobody, changed freely.
        DRAFT = "draft", pgettext_lazy("status of a question set", "Draft")
        # Offered for new requests (while ``is_active`` and ``available_until`` allow); never
        # changed again: a change is a new version, and a request keeps the version it used.
        PUBLISHED = "published", pgettext_lazy("status of a question set", "Published")
        # A later version was published: kept for the requests that used this one.
        SUPERSEDED = "superseded", pgettext_lazy("status of a question set", "Replaced")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    # The versions of one question set share a ``family`` (the first version's code) and are
    # numbered from 1; the first version's code is the family, a later one's
    # ``<family>-v<number>``.
    family = models.SlugField(_("question set family"), max_length=80)
    version_number = models.PositiveIntegerField(_("version number"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    area = models.ForeignKey(
        LegislativeArea,
        on_delete=models.PROTECT,
        related_name="question_sets",
        verbose_name=_("legislative area"),
    )
    is_practice = models.BooleanField(_("practice set (fictitious cases)"), default=False)
    # The last day a practice set (or any set) can be chosen for a new request or a draft; the
    # requests made with it keep it. Empty: no end.
    available_until = models.DateField(_("available until"), null=True, blank=True)
    titles = models.JSONField(_("titles"), default=dict)
    descriptions = models.JSONField(_("descriptions"), default=dict, blank=True)
    # The fixture version that last wrote this set.
    version = models.CharField(_("version"), max_length=20, blank=True)
    # Sets that left the fixtures are kept for the requests that use them; not offered anew.
    is_active = models.BooleanField(_("offered for new requests"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["area", "is_practice", "position", "code"]
        verbose_name = _("question set")
        constraints = [
            models.UniqueConstraint(
                fields=["family", "version_number"], name="one_question_set_per_version"
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=models.Q(status="draft"),
                name="one_draft_per_question_set",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.family:
            self.family = self.code  # a first version names its family
        super().save(*args, **kwargs)

    def is_available(self, on: dt.date | None = None) -> bool:
        """Whether the set may be chosen for a new request or a draft ``on`` (today)."""
        on = on or timezone.localdate()
        return (
            self.is_active
            and self.status == self.Status.PUBLISHED
            and (self.available_until is None or on <= self.available_until)
        )

    @property
    def title(self) -> str:
        return translated(self.titles)

    @property
    def description(self) -> str:
        return translated(self.descriptions)


class Question(models.Model):
    """One question of a set, with its answer type and the standard answers it allows.

    ``choices`` (for ``choice`` questions) is a list ``[{"code": ..., "texts": {...}}]``: the
    answer stores the code, never the text, so it reads in every language.
    """

    class AnswerType(models.TextChoices):
        YES_NO = "yes_no", _("Yes or no")
        YES_NO_UNKNOWN = "yes_no_unknown", _("Yes, no or unknown")
        CHOICE = "choice", _("A choice of standard answers")
        DATE = "date", _("Date")
        FREE_TEXT = "free_text", _("Free text")
        DOCUMENT = "document", _("Document")

    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.PROTECT, related_name="questions"
    )
    code = models.CharField(_("code"), max_length=40)
    answer_type = models.CharField(_("answer type"), max_length=20, choices=AnswerType.choices)
    texts = models.JSONField(_("texts"), default=dict)
    help = models.JSONField(_("help texts"), default=dict, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    standard_answers = models.ManyToManyField(
        StandardAnswer, blank=True, related_name="questions", verbose_name=_("standard answers")
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("offered for new requests"), default=True)

    class Meta:
        ordering = ["question_set", "position", "code"]
        verbose_name = _("question")
        constraints = [
            models.UniqueConstraint(
                fields=["question_set", "code"], name="question_code_unique_in_set"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def text(self) -> str:
        return translated(self.texts)

    @property
    def help_text(self) -> str:
        return translated(self.help)

    @property
    def free_text_is_answer(self) -> bool:
        return self.answer_type == self.AnswerType.FREE_TEXT

    @property
    def free_text_label(self) -> str:
        """What the free text is called on the answer form, the request page and the report:
        the answer itself for a free-text question, else an explanation of the answer."""
        return str(_("Answer") if self.free_text_is_answer else _("Explanation"))

    def choice_codes(self) -> list[str]:
        return [choice["code"] for choice in self.choices]

    def choice_text(self, code: str, language: str | None = None) -> str:
        for choice in self.choices:
            if choice["code"] == code:
                return translated(choice.get("texts"), language)
        return code
