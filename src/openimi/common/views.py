from importlib import metadata

from django.views.generic import TemplateView

from openimi.access import policy
from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.accounts.users.selectors import authority_user_warnings
from openimi.common.content_cache import ContentCacheMixin


class HomeView(PolicyRequiredMixin, ContentCacheMixin, TemplateView):
    """What needs the user now, by role (``onboarding.home``), instead of an empty welcome.

    Every active user may open it; what it shows is decided per item by the policy."""

    action = Action.VIEW_DIRECTORY
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        from openimi.onboarding.home import home_for

        user = self.request.user
        return super().get_context_data(
            home=home_for(user=user),
            network_monitoring=policy.can(user, Action.NETWORK_MONITORING_VIEW),
            **kwargs,
        )


class AboutView(TemplateView):
    template_name = "about.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(version=metadata.version("openimi"), **kwargs)


class AdministrationView(PolicyRequiredMixin, TemplateView):
    """Administration: the entries of the seed's menu BEHEER the user may use."""

    action = Action.VIEW_ADMINISTRATION
    template_name = "administration.html"

    def get_policy_object(self):
        return self.request.user.authority

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            warnings=authority_user_warnings(authority=self.policy_object), **kwargs
        )
