"""Users of openimi and the roles they hold.

Every user belongs to one authority and is a basic user (may look, search and read). The
other roles are RoleGrant rows: request handler, allocator and supervisor per legislative
area; local data administrator for the whole authority. Only ``access/policy.py`` reads them.

The security code lives on the user encrypted (``security_code.py`` is the only code that
reads or writes it); ``SecurityEvent`` is the security log and ``UserSession`` lists a user's
open sessions so that they can be ended without scanning every session.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openimi.authorities.models import Authority, LegislativeArea
from openimi.common import content_cache


class Role(models.TextChoices):
    REQUEST_HANDLER = "request_handler", _("Request handler")
    ALLOCATOR = "allocator", _("Allocator")
    SUPERVISOR = "supervisor", _("Supervisor")
    LOCAL_DATA_ADMINISTRATOR = "local_data_administrator", _("Local data administrator")
    # The installation's operator (the part the European Commission's helpdesk plays in the
    # real system, issue 19): manages legislative areas, question sets, keywords, policy
    # areas and the help pages, registers authorities in every country, sees the network's
    # figures. Held for the whole installation (no area); its user may belong to no authority.
    NETWORK_ADMINISTRATOR = "network_administrator", _("Network administrator")


# Roles granted per legislative area; the local data administrator holds the whole authority.
AREA_ROLES = (Role.REQUEST_HANDLER, Role.ALLOCATOR, Role.SUPERVISOR)


class User(AbstractUser):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("status of a user account", "Pending")
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
    # The rollout table's "Afdeling": where in the authority the user works. Allocators
    # choose handlers by it.
    department = models.CharField(_("department"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    must_change_password = models.BooleanField(_("must change password"), default=True)
    # When the temporary password (must_change_password) stops working; empty: it does not
    # expire (one set by an operator on the command line).
    temporary_password_expires_at = models.DateTimeField(
        _("temporary password expires at"), null=True, blank=True, editable=False
    )
    # The security code: AES-256-GCM nonce + ciphertext + tag, bound to this user's pk, under
    # the key ``security_code_key_id`` of settings.SECURITY_CODE_KEYS. Never plain text.
    security_code_ciphertext = models.BinaryField(
        _("security code (encrypted)"), null=True, blank=True, editable=False
    )
    security_code_key_id = models.CharField(
        _("security code key"), max_length=32, blank=True, editable=False
    )
    security_code_set_at = models.DateTimeField(
        _("security code set at"), null=True, blank=True, editable=False
    )
    # The positions (1-12) asked at the next login; kept after a failure, new after a success.
    security_challenge = models.JSONField(
        _("security code challenge"), default=list, blank=True, editable=False
    )
    # A back-office system of the authority, not a person (issue 16): it never logs in
    # interactively (no usable password, no security code, no password e-mail), works only
    # through API tokens that the authority's local data administrators make, and is named
    # as a service account wherever it appears. ``email`` is its contact address.
    is_service_account = models.BooleanField(_("service account"), default=False, editable=False)
    # When the user was deleted (deactivated: status inactive), and when their name, e-mail,
    # telephone and department were removed, USERS_ANONYMISE_AFTER_DAYS later
    # (accounts.services.users_anonymise, run by the daily retention job). From then on the
    # user is "Former user <number>" wherever they appear (events, history, reports).
    deactivated_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("user")
        indexes = [models.Index(fields=["authority", "status"])]

    def get_full_name(self) -> str:
        if self.anonymised_at is not None:
            return str(_("Former user %(number)s")) % {"number": self.pk}
        return super().get_full_name()

    def __str__(self) -> str:
        name = self.get_full_name() or self.username
        if self.is_service_account:
            # Every log and list that names the user says it was no person.
            return str(_("%(name)s (service account)")) % {"name": name}
        return name

    @property
    def has_security_code(self) -> bool:
        return bool(self.security_code_ciphertext) and bool(self.security_code_key_id)


class RoleGrantQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for grant in objs:
            grant.fill_authority()
        created = super().bulk_create(objs, *args, **kwargs)
        content_cache.changed(authorities={grant.authority_id for grant in objs})
        return created


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    # The user's authority, copied on every grant: "the local data administrators of this
    # authority" is then an index lookup, not a probe per user of the authority (13,800
    # users at bench scale L). A user never moves to another authority.
    authority = models.ForeignKey(
        Authority,
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        db_index=False,  # the (authority, role) index serves
    )
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

    objects = RoleGrantQuerySet.as_manager()

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
                    Q(
                        role__in=["local_data_administrator", "network_administrator"],
                        area__isnull=True,
                    )
                    | (
                        ~Q(role__in=["local_data_administrator", "network_administrator"])
                        & Q(area__isnull=False)
                    )
                ),
                name="area_roles_need_an_area",
            ),
        ]
        indexes = [
            models.Index(fields=["role", "area"]),
            models.Index(fields=["authority", "role"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"

    def save(self, *args, **kwargs):
        self.fill_authority()
        super().save(*args, **kwargs)

    def fill_authority(self) -> None:
        if self.authority_id is None and self.user_id is not None:
            self.authority_id = self.user.authority_id


class SecurityEvent(models.Model):
    """One authentication event, append-only and without secrets.

    ``username_attempted`` is what was typed (it may name no account); ``user`` is set when
    it does. No password, security code or character of one is ever written here.
    """

    class Code(models.TextChoices):
        LOGIN_SUCCEEDED = "login.succeeded", _("Login succeeded")
        LOGIN_FAILED = "login.failed", _("Login failed")
        LOGIN_REFUSED_LOCKED = "login.refused_locked", _("Login refused: locked")
        ACCOUNT_LOCKED = "account.locked", _("Account locked")
        ACCOUNT_UNLOCKED = "account.unlocked", _("Account unlocked")
        ACCOUNT_ACTIVATED = "account.activated", _("Account activated")
        ACCOUNT_DEACTIVATED = "account.deactivated", _("Account deactivated")
        ACCOUNT_ANONYMISED = "account.anonymised", _("Personal details removed (left)")
        LOGOUT = "logout", _("Logged out")
        SESSION_EXPIRED = "session.expired", _("Session expired")
        SESSIONS_ENDED = "sessions.ended", _("Other sessions ended")
        PASSWORD_CHANGED = "password.changed", _("Password changed")
        PASSWORD_CHANGE_FAILED = "password.change_failed", _("Password change refused")
        PASSWORD_RESET = "password.reset", _("Password reset")
        SECURITY_CODE_SET = "security_code.set", _("Security code set")
        SECURITY_CODE_CHANGED = "security_code.changed", _("Security code changed")
        SECURITY_CODE_CHANGE_FAILED = (
            "security_code.change_failed",
            _("Security code change refused"),
        )
        SECURITY_CODE_RESET = "security_code.reset", _("Security code reset")
        # Written by the local data administrators' user management (accounts/users).
        ACCOUNT_CREATED = "account.created", _("Account created")
        ACCOUNT_CHANGED = "account.changed", _("Account changed")
        ACCOUNT_DELETED = "account.deleted", _("Account deleted")
        ROLES_CHANGED = "roles.changed", _("Roles changed")
        # API tokens (api/tokens.py): the owner is the user of the event.
        API_TOKEN_CREATED = "api_token.created", _("API token created")
        API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
        # Single sign-on (OpenID Connect, accounts/sso/).
        SSO_LINKED = "sso.linked", _("Single sign-on linked")
        SSO_UNLINKED = "sso.unlinked", _("Single sign-on unlinked")
        SSO_LOGIN = "sso.login", _("Logged in through single sign-on")
        # Passkeys (WebAuthn, accounts/passkeys/).
        PASSKEY_ADDED = "passkey.added", _("Passkey added")
        PASSKEY_REMOVED = "passkey.removed", _("Passkey removed")
        PASSKEY_REMOVE_FAILED = "passkey.remove_failed", _("Passkey removal refused")
        PASSKEY_USED = "passkey.used", _("Passkey used")
        PASSKEY_REFUSED = "passkey.refused", _("Passkey refused")
        # Second factors (accounts/second_factors.py, authenticators.py, recovery_codes.py).
        AUTHENTICATOR_ADDED = "authenticator.added", _("Authenticator app added")
        AUTHENTICATOR_REMOVED = "authenticator.removed", _("Authenticator app removed")
        LOGIN_METHODS_CHANGE_FAILED = (
            "login_methods.change_failed",
            _("Change of login methods refused"),
        )
        RECOVERY_CODES_CREATED = "recovery_codes.created", _("Recovery codes created")
        RECOVERY_CODE_USED = "recovery_code.used", _("Recovery code used")
        SECOND_FACTORS_RESET = "second_factors.reset", _("Second factors reset")
        SECOND_FACTOR_RULE_CHANGED = (
            "second_factor_rule.changed",
            _("Second factor rule of the authority changed"),
        )

    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
        verbose_name=_("user"),
    )
    username_attempted = models.CharField(_("user name given"), max_length=150, blank=True)
    event = models.CharField(_("event"), max_length=40, choices=Code.choices)
    detail = models.CharField(_("detail"), max_length=100, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("security event")
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["username_attempted", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.event} {self.username_attempted}"


class UserSession(models.Model):
    """A session opened by a login: lets a password reset or deactivation end them all."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="open_sessions")
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("session")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class SsoLink(models.Model):
    """A user's login at an OpenID Connect provider: (provider, subject) → user.

    Made once by a local data administrator of the user's authority, who enters the subject
    identifier (the ID token's ``sub``); never derived from an e-mail address. One subject
    names one user per provider, and a user has at most one subject per provider.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sso_links")
    provider = models.CharField(_("provider"), max_length=64)
    subject = models.CharField(_("subject identifier"), max_length=255)
    linked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on link")
        ordering = ["provider"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="one_user_per_subject"),
            models.UniqueConstraint(fields=["user", "provider"], name="one_subject_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject} → {self.user_id}"


class Passkey(models.Model):
    """A passkey (WebAuthn credential) of a user: a second factor at login (accounts/passkeys/).

    Holds the credential's public key only; the private key never leaves the authenticator.
    ``credential_id`` is base64url as the browser sends it. ``sign_count`` is the last counter
    the authenticator reported: a lower one later means a cloned key and is refused.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField(_("name"), max_length=60)
    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("passkey")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"


class AuthenticatorDevice(models.Model):
    """An authenticator app (TOTP, RFC 6238: 6 digits, 30 seconds, SHA-1) of one user.

    The shared secret is sealed like the security code (``security_code.seal``: AES-256-GCM
    under ``settings.SECURITY_CODE_KEYS``, bound to the user). It counts only once confirmed
    with a current code; ``last_used_step`` is the last time step accepted, so that a code is
    used once (a replay, or an older code, is refused).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="authenticators")
    name = models.CharField(_("name"), max_length=60)
    secret_ciphertext = models.BinaryField(editable=False)
    secret_key_id = models.CharField(max_length=32, editable=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_step = models.BigIntegerField(default=0, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("authenticator app")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["user", "confirmed_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"


class RecoveryCode(models.Model):
    """A one-time recovery code: a salted SHA-256 of it, never the code."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=100, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        indexes = [models.Index(fields=["user", "used_at"])]

    def __str__(self) -> str:
        return f"recovery code {self.pk} ({self.user_id})"
