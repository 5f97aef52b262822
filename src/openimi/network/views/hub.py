"""The "Network" page (``network.hub``)."""

from django.views.generic import TemplateView

from openimi.access.actions import Action
from openimi.access.views import PolicyRequiredMixin
from openimi.network.hub import entries_for


class HubView(PolicyRequiredMixin, TemplateView):
    action = Action.NETWORK_VIEW
    template_name = "network/hub.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sections=entries_for(self.request.user), **kwargs)
