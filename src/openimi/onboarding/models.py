"""The rollout table (seed 5, step 1.4 and 2.5; Bijlage 4) and the ticks of the checklist.

Only ``onboarding.services`` writes these rows.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openimi.authorities.models import Authority
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
    name = models.CharField(_("name"), max_length=200)
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
