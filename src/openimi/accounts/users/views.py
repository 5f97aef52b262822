"""Administration → Manage users (seed 6.1, 6.2): thin pages over ``services``.

Every page declares its action: the list and Add new user ask ``users.manage`` of the
administrator's own authority; the pages of one user ask ``users.change`` of that user, so an
administrator of another authority gets the same 404 as for a user that does not exist.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from openimi.access import policy
from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.accounts import second_factors
from openimi.accounts import selectors as selectors_accounts
from openimi.accounts.models import Role, User
from openimi.accounts.sso import selectors as sso_selectors
from openimi.accounts.users import selectors, services, token_views
from openimi.accounts.users.forms import HandOverForm, ServiceAccountForm, UserForm
from openimi.authorities.views import ServiceFormView
from openimi.common.errors import ApplicationError
from openimi.common.forms import Form
from openimi.exchange import services as exchange_services


class _OwnAuthorityMixin(PolicyRequiredMixin):
    action = Action.USER_MANAGE

    def get_policy_object(self):
        return self.request.user.authority


class _UserMixin(PolicyRequiredMixin):
    """A page about one user of the administrator's authority."""

    action = Action.USER_CHANGE
    # Deleted (inactive) users have only their details page.
    allow_deleted = False

    def get_policy_object(self):
        user = selectors.user_get(pk=self.kwargs["pk"])
        if user is None or (not self.allow_deleted and _is_deleted(user)):
            raise Http404
        return user

    @property
    def target(self) -> User:
        return self.policy_object

    def get_context_data(self, **kwargs):
        return super().get_context_data(target=self.target, **kwargs)


def _is_deleted(user: User) -> bool:
    return user.status == User.Status.INACTIVE or not user.is_active


def _request_rows(actor: User, requests) -> list[dict]:
    """Each open request with a link when the administrator may open it."""
    rows = []
    for info_request in requests:
        url = None
        if policy.can(actor, Action.REQUEST_VIEW, info_request):
            try:
                url = reverse("exchange:detail", kwargs={"pk": info_request.pk})
            except NoReverseMatch:  # the request pages are not installed
                url = None
        rows.append({"request": info_request, "url": url})
    return rows


def _email_parts(email: str) -> list[str]:
    """The address cut where a narrow table cell may break it: after the @ and each dot of
    the domain (``a.jansen@`` ``oeteldonk.`` ``example.nl``)."""
    local, at, domain = email.partition("@")
    parts = [local + at, *(f"{label}." for label in domain.split(".")[:-1])]
    return [part for part in parts if part] + ([domain.split(".")[-1]] if domain else [])


class UserListView(_OwnAuthorityMixin, TemplateView):
    template_name = "accounts/users/list.html"

    def get_context_data(self, **kwargs):
        authority = self.policy_object
        users = list(selectors.user_list(authority=authority))
        locked = selectors.locked_usernames(usernames=[user.username for user in users])
        for user in users:
            user.email_parts = _email_parts(user.email)
            user.is_locked = user.username in locked
        return super().get_context_data(
            authority=authority,
            users=[user for user in users if not _is_deleted(user)],
            deleted_users=[user for user in users if _is_deleted(user)],
            cooloff_minutes=_cooloff_minutes(),
            warnings=selectors.authority_user_warnings(authority=authority),
            **kwargs,
        )


class UserCreateView(_OwnAuthorityMixin, ServiceFormView):
    template_name = "accounts/users/form.html"
    form_class = UserForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "authority": self.policy_object}

    def perform(self, form):
        self.created = services.user_create(
            actor=self.request.user,
            authority=self.policy_object,
            roles=form.roles(),
            request=self.request,
            **form.details(),
        )
        self.success_message = _("%(name)s has been added with the username %(username)s.") % {
            "name": self.created.get_full_name(),
            "username": self.created.username,
        }

    def get_success_url(self):
        return reverse("users:details", kwargs={"pk": self.created.pk})

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=_("Add new user"),
            adding=True,
            authority=self.policy_object,
            delay_hours=int(settings.TEMPORARY_PASSWORD_DELAY.total_seconds() // 3600),
            **kwargs,
        )


class ServiceAccountCreateView(UserCreateView):
    """Add a service account: a back-office system that works with API tokens (issue 16)."""

    form_class = ServiceAccountForm

    def perform(self, form):
        self.created = services.user_create(
            actor=self.request.user,
            authority=self.policy_object,
            roles=form.roles(),
            service_account=True,
            request=self.request,
            **form.details(),
        )
        self.success_message = _(
            "The service account %(name)s has been added. Make its API token below."
        ) % {"name": self.created.get_full_name()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(heading=_("Add service account"), service_account=True)
        return context


class UserChangeView(_UserMixin, ServiceFormView):
    template_name = "accounts/users/form.html"
    form_class = UserForm

    def get_form_class(self):
        return ServiceAccountForm if self.target.is_service_account else UserForm

    def dispatch(self, request, *args, **kwargs):
        self.open_requests = None
        return super().dispatch(request, *args, **kwargs)

    def _open_requests(self):
        if self.open_requests is None:
            self.open_requests = list(selectors.open_request_list(user=self.target))
        return self.open_requests

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "authority": self.target.authority,
            "user": self.target,
            "lock_mandatory": bool(self._open_requests()),
        }

    def perform(self, form):
        roles = form.roles()
        user = services.user_update(
            actor=self.request.user,
            user=self.target,
            username=form.cleaned_data.get("username"),
            roles=roles,
            request=self.request,
            **form.details(),
        )
        self.gave_up_administration = user.pk == self.request.user.pk and not any(
            role == Role.LOCAL_DATA_ADMINISTRATOR for role, _area in roles
        )
        self.success_message = _("The details of %(name)s have been saved.") % {
            "name": user.get_full_name()
        }
        if self.gave_up_administration:
            self.success_message += " " + _("You are no longer a local data administrator.")

    def get_success_url(self):
        # Administrators who gave up their own role may no longer see the list of users.
        return reverse("home") if self.gave_up_administration else reverse("users:list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=(
                _("Change service account") if self.target.is_service_account else _("Change user")
            ),
            service_account=self.target.is_service_account,
            adding=False,
            authority=self.target.authority,
            open_requests=_request_rows(self.request.user, self._open_requests()),
            **kwargs,
        )


class UserDetailsView(_UserMixin, TemplateView):
    """The printable user details (seed: Gebruikersgegevens afdrukken). Never a password."""

    template_name = "accounts/users/details.html"
    allow_deleted = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            roles=selectors.user_role_list(user=self.target),
            mail=selectors.temporary_password_mail_get(user=self.target),
            deleted=_is_deleted(self.target),
            is_self=self.target.pk == self.request.user.pk,
            is_locked=selectors.user_is_locked(user=self.target),
            login_url=settings.SITE_URL + reverse("accounts:login"),
            tokens=(
                token_views.service_account_tokens(actor=self.request.user, account=self.target)
                if self.target.is_service_account
                else None
            ),
            now=timezone.now(),
            may_reset_second_factors=policy.can(
                self.request.user, Action.USER_SECOND_FACTORS_RESET, self.target
            ),
            authenticator_count=len(selectors_accounts.authenticator_list(user=self.target)),
            sso_links=sso_selectors.sso_link_list(user=self.target),
            sso_may_link=bool(sso_selectors.sso_provider_list(user=self.target))
            and policy.can(self.request.user, Action.USER_SSO_LINK, self.target),
            **kwargs,
        )


class _ConfirmForm(Form):
    """No fields: carries the service's refusal to the error summary."""


class UserHandOverView(_UserMixin, FormView):
    """Seed 6.2: a leaver's open requests go to a colleague, then the leaver can be deleted."""

    action = Action.USER_HAND_OVER
    template_name = "accounts/users/hand_over.html"
    form_class = HandOverForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "leaver": self.target}

    def form_valid(self, form):
        colleague = form.cleaned_data["colleague"]
        try:
            handed = exchange_services.requests_hand_over(
                actor=self.request.user, leaver=self.target, colleague=colleague
            )
        except exchange_services.HandOverError as error:
            form.add_error("colleague", error.message)
            return self.render_to_response(
                self.get_context_data(
                    form=form, refused=_request_rows(self.request.user, error.requests)
                )
            )
        except ApplicationError as error:
            form.add_error("colleague", error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "%(count)d request has been handed over to %(colleague)s. You can now delete "
                "%(name)s.",
                "%(count)d requests have been handed over to %(colleague)s. You can now delete "
                "%(name)s.",
                len(handed),
            )
            % {
                "count": len(handed),
                "colleague": colleague.get_full_name(),
                "name": self.target.get_full_name(),
            },
        )
        return redirect("users:delete", pk=self.target.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            open_requests=_request_rows(
                self.request.user, selectors.open_request_list(user=self.target)
            ),
            **kwargs,
        )


class UserResetPasswordView(_UserMixin, FormView):
    template_name = "accounts/users/reset_confirm.html"
    form_class = _ConfirmForm

    def form_valid(self, form):
        try:
            services.user_reset_password(
                actor=self.request.user, user=self.target, request=self.request
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("A new temporary password has been e-mailed to %(name)s.")
            % {"name": self.target.get_full_name()},
        )
        return redirect("users:details", pk=self.target.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            mail=selectors.temporary_password_mail_get(user=self.target),
            is_self=self.target.pk == self.request.user.pk,
            **kwargs,
        )


class _UserActionView(_UserMixin, FormView):
    """A confirmation page for one service on one user; back to the user's details after."""

    template_name = "accounts/users/action_confirm.html"
    form_class = _ConfirmForm

    def perform(self) -> str:
        """Call the service; return the success message."""
        raise TypeError(f"{type(self).__name__} must name its service.")

    def form_valid(self, form):
        try:
            message = self.perform()
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect("users:details", pk=self.target.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_self=self.target.pk == self.request.user.pk, **kwargs)


class UserUnlockView(_UserActionView):
    """Lift a lockout after too many failed logins (issue 15: the cool-off is no help to a
    colleague who needs to work now)."""

    def perform(self) -> str:
        services.user_unlock(actor=self.request.user, user=self.target, request=self.request)
        return _("%(name)s can log in again.") % {"name": self.target.get_full_name()}

    def get_context_data(self, **kwargs):
        name = self.target.get_full_name()
        return super().get_context_data(
            heading=_("Unlock %(name)s?") % {"name": name},
            title=_("Unlock user"),
            points=[
                _(
                    "%(name)s entered a wrong password or security code too often, so openimi "
                    "refuses their logins for %(minutes)s minutes."
                )
                % {"name": name, "minutes": _cooloff_minutes()},
                _(
                    "Unlock only when you are sure it is them: for example, they called you. "
                    "Their password and security code stay the same."
                ),
            ],
            applies=selectors.user_is_locked(user=self.target),
            does_not_apply=_("%(name)s is not locked.") % {"name": name},
            button=_("Unlock"),
            own_account_text=None,
            **kwargs,
        )


class UserResetSecurityCodeView(_UserActionView):
    """Forget a user's security code; they choose a new one at their next login."""

    def perform(self) -> str:
        services.user_reset_security_code(
            actor=self.request.user, user=self.target, request=self.request
        )
        return _(
            "The security code of %(name)s has been reset. %(name)s chooses a new one at the "
            "next login."
        ) % {"name": self.target.get_full_name()}

    def get_context_data(self, **kwargs):
        name = self.target.get_full_name()
        return super().get_context_data(
            heading=_("Reset the security code of %(name)s?") % {"name": name},
            title=_("Reset security code"),
            points=[
                _("Do this when %(name)s has forgotten their security code.") % {"name": name},
                _("The old security code stops working, and they are logged out everywhere."),
                _(
                    "At their next login they enter their username and password, then choose a "
                    "new security code. Their password stays the same."
                ),
            ],
            applies=True,
            button=_("Reset security code"),
            own_account_text=_(
                "This is your own account. To change your own security code, go to My account."
            ),
            **kwargs,
        )


class UserResetSecondFactorsView(_UserActionView):
    """Delete a user's second factors (a lost phone): they register again at the next login
    when the authority requires one."""

    action = Action.USER_SECOND_FACTORS_RESET

    def perform(self) -> str:
        second_factors.second_factors_reset(
            request=self.request, actor=self.request.user, user=self.target
        )
        return _(
            "The login methods of %(name)s have been reset. Their authenticator apps and "
            "recovery codes no longer work."
        ) % {"name": self.target.get_full_name()}

    def get_context_data(self, **kwargs):
        name = self.target.get_full_name()
        return super().get_context_data(
            heading=_("Reset the login methods of %(name)s?") % {"name": name},
            title=_("Reset login methods"),
            points=[
                _(
                    "Do this when %(name)s has lost the phone with their authenticator app, "
                    "or their passkey."
                )
                % {"name": name},
                _(
                    "Their authenticator apps, passkeys and recovery codes stop working. Their "
                    "password and security code stay the same."
                ),
                _(
                    "If your authority requires a second factor, they add a new authenticator "
                    "app at their next login."
                ),
            ],
            applies=second_factors.user_has_second_factor(self.target)
            or selectors_accounts.recovery_code_list(user=self.target).exists(),
            does_not_apply=_("%(name)s has no authenticator app, passkey or recovery codes.")
            % {"name": name},
            button=_("Reset login methods"),
            own_account_text=_(
                "This is your own account. To change your own login methods, go to My account."
            ),
            **kwargs,
        )


def _cooloff_minutes() -> int:
    return int(settings.LOGIN_COOLOFF.total_seconds() // 60)


class UserDeleteView(_UserMixin, FormView):
    template_name = "accounts/users/delete_confirm.html"
    form_class = _ConfirmForm

    def form_valid(self, form):
        name = self.target.get_full_name()
        try:
            removed = services.user_delete(
                actor=self.request.user, user=self.target, request=self.request
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        if removed:
            message = _("%(name)s has been deleted.") % {"name": name}
        else:
            message = _("%(name)s has been deleted and can no longer log in.") % {"name": name}
        messages.success(self.request, message)
        return redirect("users:list")

    def get_context_data(self, **kwargs):
        target = self.target
        return super().get_context_data(
            open_requests=_request_rows(
                self.request.user, selectors.open_request_list(user=target)
            ),
            removes_entirely=target.status == User.Status.PENDING and target.last_login is None,
            is_self=target.pk == self.request.user.pk,
            **kwargs,
        )
