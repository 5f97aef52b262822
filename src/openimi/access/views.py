"""The one mixin through which every page asks the policy."""

from django.http import Http404

from openimi.access import policy
from openimi.access.policy import Action


class PolicyRequiredMixin:
    """Declare ``action``; ``get_policy_object`` names what it applies to (default: none).

    A refusal answers 404, exactly like a missing object, so that nobody learns what exists.
    """

    action: Action

    def get_policy_object(self):
        return None

    def content_reader(self):
        """Who reads, for ``common.content_cache.ContentCacheMixin``."""
        return policy.content_reader(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        self.request, self.args, self.kwargs = request, args, kwargs
        self.policy_object = self.get_policy_object()
        if not policy.can(request.user, self.action, self.policy_object):
            raise Http404
        return super().dispatch(request, *args, **kwargs)
