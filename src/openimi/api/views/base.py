"""What every API view shares: the declared action, the policy object, and no login redirect.

``action`` (or ``actions`` per HTTP method) is what ``permissions.PolicyPermission`` asks the
policy; ``get_policy_object`` reads the object it applies to through a selector (a missing
object raises ``DoesNotExist``, answered 404 like a refusal).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from rest_framework.generics import GenericAPIView

from openimi.access.policy import Action
from openimi.api.models import ApiToken
from openimi.exchange import via
from openimi.exchange.via import Via

_UNSET = object()


class ApiView(GenericAPIView):
    action: Action
    actions: dict[str, Action] = {}

    @classmethod
    def as_view(cls, **initkwargs):
        # The API answers 401 itself; LoginRequiredMiddleware would redirect to the login page.
        return login_not_required(super().as_view(**initkwargs))

    def dispatch(self, request, *args, **kwargs):
        # Changes made through the API say so on their events (``exchange.via``).
        with via.acting(Via.API):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authenticates: the token is request.auth
        if isinstance(request.auth, ApiToken):
            via.set_token(request.auth.pk)

    def action_for(self, request) -> Action:
        return self.actions.get(request.method, getattr(self, "action", None))

    def get_policy_object(self):
        return None

    def policy_object(self):
        cached = self.__dict__.get("_policy_object", _UNSET)
        if cached is _UNSET:
            cached = self.__dict__["_policy_object"] = self.get_policy_object()
        return cached
