"""Users of openimi and the roles they hold.

Every user belongs to one authority and is a basic user (may look, search and read). The
other roles are RoleGrant rows: request handler, allocator and supervisor per legislative
area; local data administrator for the whole authority. Only ``access/policy.py`` reads them.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openimi.authorities.models import Authority, LegislativeArea


class Role(models.TextChoices):
    REQUEST_HANDLER = "request_handler", _("Request handler")
    ALLOCATOR = "allocator", _("Allocator")
    SUPERVISOR = "supervisor", _("Supervisor")
    LOCAL_DATA_ADMINISTRATOR = "local_data_administrator", _("Local data administrator")


# Roles granted per legislative area; the local data administrator holds the whole authority.
AREA_ROLES = (Role.REQUEST_HANDLER, Role.ALLOCATOR, Role.SUPERVISOR)


class User(AbstractUser):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    authority = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("authority"),
        help_text=_("Empty only for operators of the installation."),
    )
    language = models.CharField(_("language"), max_length=3, default="en")
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    must_change_password = models.BooleanField(_("must change password"), default=True)

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("user")
        indexes = [models.Index(fields=["authority", "status"])]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    area = models.ForeignKey(
        LegislativeArea,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("legislative area"),
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "area"], name="one_grant_per_role_and_area"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(area__isnull=True),
                name="one_authority_wide_grant_per_role",
            ),
            models.CheckConstraint(
                condition=(
                    Q(role="local_data_administrator", area__isnull=True)
                    | (~Q(role="local_data_administrator") & Q(area__isnull=False))
                ),
                name="area_roles_need_an_area",
            ),
        ]
        indexes = [models.Index(fields=["role", "area"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"
