"""The own authority's users and their roles, for local data administrators (issue #7).

The same actions as Administration → Manage users: the list and new users ask
``users.manage`` of the caller's own authority, everything about one user ``users.change``
of that user, so a user of another authority answers 404 like a missing one. Every write is
one of ``accounts.users.services`` (the rules live there, once); reads go through
``accounts.users.selectors``.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from openimi.access.policy import Action
from openimi.accounts.models import Role, RoleGrant, User
from openimi.accounts.users import selectors, services
from openimi.api.pagination import Ascending
from openimi.api.serializers import users as s
from openimi.api.views.base import ApiView
from openimi.authorities.models import LegislativeArea
from openimi.common.errors import ApplicationError, PermissionDenied

# The columns the API shows (the page's list reads fewer).
_FIELDS = (
    "pk",
    "authority_id",
    "username",
    "first_name",
    "anonymised_at",  # User.get_full_name reads it
    "last_name",
    "email",
    "phone",
    "department",
    "language",
    "status",
    "is_active",
    "is_service_account",
    "last_login",
)
_ROLE_FIELDS = {str(role) for role in Role}
_DETAILS = (*services.MANDATORY_FIELDS, "phone", "department")


def _with_roles(users):
    """The users with their role grants and areas: two queries whatever the page size."""
    grants = RoleGrant.objects.select_related("area")
    return users.only(*_FIELDS).prefetch_related(
        Prefetch("role_grants", queryset=grants, to_attr="api_role_grants")
    )


def _roles(data: list[dict]) -> list[services.RoleSpec]:
    """The roles as the services take them. An area is named by its id only: the service
    refuses any area the authority does not work in, so an unknown id needs no query."""
    return [
        (item["role"], LegislativeArea(pk=item["area"]) if item["area"] is not None else None)
        for item in data
    ]


def _on_roles(error: ApplicationError) -> ApplicationError:
    """A refusal about roles names the ``roles`` field of the API (the pages name a box, or
    none: the role boxes are one group there). Other refusals pass unchanged."""
    if isinstance(error, PermissionDenied):
        return error
    if error.field is None or error.field in _ROLE_FIELDS:
        error.field = "roles"
    return error


def _user_data(user: User) -> dict:
    user = _with_roles(selectors.user_list(authority=user.authority)).get(pk=user.pk)
    return s.UserSerializer(user).data


class UserListView(ApiView):
    """The users of the caller's authority (deleted ones too, as ``inactive``); add a user."""

    action = Action.USER_MANAGE
    serializer_class = s.UserSerializer
    pagination_class = Ascending

    def get_policy_object(self):
        return self.request.user.authority

    @extend_schema(
        parameters=[s.UserListQuerySerializer],
        responses=s.UserSerializer(many=True),
        operation_id="users_list",
    )
    def get(self, request):
        query = s.UserListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        users = selectors.user_list(authority=self.policy_object())
        page = self.paginate_queryset(
            _with_roles(selectors.user_filter(users, **query.validated_data))
        )
        return self.get_paginated_response(s.UserSerializer(page, many=True).data)

    @extend_schema(
        request=s.UserCreateSerializer,
        responses={201: s.UserSerializer},
        description=(
            "Add a user with a username made from the names; the temporary password is "
            "e-mailed to them after TEMPORARY_PASSWORD_DELAY (24 hours)."
        ),
    )
    def post(self, request):
        data = s.UserCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        details = dict(data.validated_data)
        roles = _roles(details.pop("roles"))
        try:
            user = services.user_create(
                actor=request.user,
                authority=self.policy_object(),
                roles=roles,
                request=request._request,
                **details,
            )
        except ApplicationError as error:
            raise _on_roles(error) from None
        return Response(_user_data(user), status=status.HTTP_201_CREATED)


class _UserView(ApiView):
    """About one user of the caller's authority. A deleted user can be read, not changed:
    as on the pages, a change to one answers 404."""

    action = Action.USER_CHANGE
    serializer_class = s.UserSerializer

    def get_policy_object(self):
        user = selectors.user_get(pk=self.kwargs["pk"])
        if user is None:
            raise Http404
        return user

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authenticates and asks the policy
        target = self.policy_object()
        if request.method != "GET" and (
            target.status == User.Status.INACTIVE or not target.is_active
        ):
            raise Http404


class UserDetailView(_UserView):
    """One user; change the details (PATCH); delete (DELETE) as the page does."""

    def get(self, request, pk: int):
        return Response(_user_data(self.policy_object()))

    @extend_schema(request=s.UserChangeSerializer, responses={200: s.UserSerializer})
    def patch(self, request, pk: int):
        user = self.policy_object()
        data = s.UserChangeSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        details = {name: changes.get(name, getattr(user, name)) for name in _DETAILS}
        user = services.user_update(
            actor=request.user,
            user=user,
            username=changes.get("username"),
            request=request._request,
            **details,
        )
        return Response(_user_data(user))

    @extend_schema(
        responses={200: s.DeletedSerializer},
        description=(
            "A pending user who never logged in is removed; anyone else is deactivated (can "
            "no longer log in, kept for the record). Refused (400) while the user has "
            "requests assigned, for the last local data administrator, and for one's own "
            "account."
        ),
    )
    def delete(self, request, pk: int):
        user = self.policy_object()
        name = user.get_full_name()
        removed = services.user_delete(actor=request.user, user=user, request=request._request)
        if removed:
            answer = {
                "outcome": "removed",
                "detail": _("%(name)s has been deleted.") % {"name": name},
            }
        else:
            answer = {
                "outcome": "deactivated",
                "detail": _("%(name)s has been deleted and can no longer log in.") % {"name": name},
            }
        return Response(s.DeletedSerializer(answer).data)


class UserRolesView(_UserView):
    """The user's roles per legislative area; PUT gives the user exactly these roles."""

    serializer_class = s.RolesOutSerializer
    pagination_class = None

    @staticmethod
    def _data(user: User) -> dict:
        grants = [
            RoleGrant(role=line.role, area=area)
            for line in selectors.user_role_list(user=user)
            for area in (line.areas or [None])
        ]
        return {"roles": s.role_rows(grants)}

    @extend_schema(responses={200: s.RolesOutSerializer})
    def get(self, request, pk: int):
        return Response(self._data(self.policy_object()))

    @extend_schema(request=s.RolesSerializer, responses={200: s.RolesOutSerializer})
    def put(self, request, pk: int):
        data = s.RolesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = services.user_roles_set(
                actor=request.user,
                user=self.policy_object(),
                roles=_roles(data.validated_data["roles"]),
                request=request._request,
            )
        except ApplicationError as error:
            raise _on_roles(error) from None
        return Response(self._data(user))


class UserResetPasswordView(_UserView):
    """A new temporary password, e-mailed to the user at once; every session of theirs ends.
    Not for one's own account (My account changes it)."""

    serializer_class = s.MessageSerializer

    @extend_schema(request=None, responses={200: s.MessageSerializer})
    def post(self, request, pk: int):
        user = self.policy_object()
        services.user_reset_password(actor=request.user, user=user, request=request._request)
        detail = _("A new temporary password has been e-mailed to %(name)s.") % {
            "name": user.get_full_name()
        }
        return Response({"detail": detail})
