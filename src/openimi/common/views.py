from importlib import metadata

from django.views.generic import TemplateView

from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin


class HomeView(TemplateView):
    template_name = "home.html"


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
