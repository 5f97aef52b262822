"""The rollout table (seed 5, step 1.4 and 2.5; Bijlage 4) and the ticks of the checklist.

Only ``onboarding.services`` writes these rows.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openimi.authorities.models import Authority, Country
from openimi.common.i18n import FALLBACK_LANGUAGE, current_language, translated
from openimi.common.models import TimeStampedModel


class RolloutPlan(TimeStampedModel):
    """One authority's rollout table, and how far creating its users has come."""

    authority = models.OneToOneField(
        Authority, on_delete=models.CASCADE, related_name="rollout_plan"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    # Creating the users: rows done of rows to do, by whom, and when it finished.
    apply_total = models.PositiveIntegerField(default=0)
    apply_done = models.PositiveIntegerField(default=0)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(_("users created at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rollout table")

    def __str__(self) -> str:
        return f"rollout table of {self.authority_id}"


class RolloutRow(models.Model):
    """One line of the table: a department, its laws and regulations, a person or functional
    mailbox with its e-mail address, and the roles (``roles``: ``[[role, area code | null]]``;
    ``roles_text`` as written in the file)."""

    plan = models.ForeignKey(RolloutPlan, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField(default=0)
    department = models.CharField(_("department"), max_length=200, blank=True)
    laws = models.TextField(_("laws and regulations"), blank=True)
    name = models.CharField(pgettext_lazy("name of a person", "name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    roles_text = models.CharField(_("roles"), max_length=300, blank=True)
    # A new user's interface language; empty: the authority's.
    language = models.CharField(_("language"), max_length=3, blank=True)
    roles = models.JSONField(default=list, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("row of the rollout table")

    def __str__(self) -> str:
        return f"{self.department} / {self.name}"


class ChecklistTick(models.Model):
    """An item of the onboarding checklist that is ticked by hand, and who ticked it."""

    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, related_name="checklist_ticks"
    )
    item = models.CharField(max_length=40)
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("checklist tick")
        constraints = [
            models.UniqueConstraint(fields=["authority", "item"], name="one_tick_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.authority_id} {self.item}"


class HelpdeskContact(TimeStampedModel):
    """A country's national helpdesk (seed 1.1, 2.3, Bijlage 1): whom a user calls who cannot
    log in or has lost the first user's details. ``names`` and ``notes`` hold a text per
    language (``{"en": …, "nl": …}``), read with ``common.i18n.translated``. Public: the login
    page's FAQ shows it. Only ``onboarding.services`` writes it."""

    country = models.OneToOneField(
        Country, on_delete=models.CASCADE, related_name="helpdesk_contact"
    )
    names = models.JSONField(_("name of the helpdesk"), default=dict)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.JSONField(_("opening hours and notes"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("helpdesk contact")

    def __str__(self) -> str:
        return f"helpdesk of {self.country_id}"

    @property
    def name(self) -> str:
        return translated(self.names)

    @property
    def note(self) -> str:
        return translated(self.notes)

    @property
    def name_lang(self) -> str:
        return _shown_language(self.names)

    @property
    def note_lang(self) -> str:
        return _shown_language(self.notes)


class FaqPage(TimeStampedModel):
    """A page of frequently asked questions (login problems, supported browsers) that the
    network administrator writes, in English and as many other languages as it has.
    ``titles`` and ``bodies``: a text per language; a body is plain text, blank lines between
    paragraphs (``onboarding.faq.paragraphs`` turns it into HTML; never raw HTML).
    ``revised``: per language, when its text was last saved (ISO time), so that the list can
    say which translations are older than the English text."""

    slug = models.SlugField(_("address"), max_length=60, unique=True)
    titles = models.JSONField(_("titles"), default=dict)
    bodies = models.JSONField(_("texts"), default=dict)
    revised = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("FAQ page")

    def __str__(self) -> str:
        return self.slug

    @property
    def title(self) -> str:
        return translated(self.titles)

    @property
    def body(self) -> str:
        return translated(self.bodies)

    @property
    def lang(self) -> str:
        """The language the reader gets the page in: theirs, else English."""
        return _shown_language(self.titles)


def _shown_language(texts: dict[str, str]) -> str:
    language = current_language()
    if texts.get(language):
        return language
    if texts.get(FALLBACK_LANGUAGE):
        return FALLBACK_LANGUAGE
    return next((code for code, text in texts.items() if text), language)
