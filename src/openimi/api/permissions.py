"""The one DRF permission class: it asks the policy about the action the view declares.

A view declares ``action`` (or ``actions`` per HTTP method, through ``action_for``) and, when
the action applies to an object, ``get_policy_object()`` which reads it through a selector.
No rule is written here: ``access/policy.py`` decides. A refusal reads as 404 (see
``exceptions``), like a missing object; an anonymous caller gets 401.
"""

from rest_framework import permissions

from openimi.access import policy


class PolicyPermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        action = view.action_for(request)
        if action is None:
            return False  # a method the view declares no action for: nobody (404)
        return policy.can(request.user, action, view.policy_object())
