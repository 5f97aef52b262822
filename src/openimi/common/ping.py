"""``/ping/``: the cheapest page behind the whole middleware stack and a session login.

It is the floor the benchmarks (``bench/run.py``) measure every operation against, and a
liveness check that proves the database answers: one query, for the user's authority.
"""

from django.http import HttpResponse
from django.views import View

from openimi.access.policy import Action
from openimi.access.views import PolicyRequiredMixin


class PingView(PolicyRequiredMixin, View):
    # Any active user (the policy allows the directory to every active user).
    action = Action.VIEW_DIRECTORY

    def get(self, request):
        user = request.user
        authority = user.authority.official_name if user.authority_id else ""
        return HttpResponse(f"{user} {authority}".strip(), content_type="text/plain; charset=utf-8")
