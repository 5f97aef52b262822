"""The authority directory (search and detail) and the own authority's data."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from openimi.access.policy import Action
from openimi.api.pagination import Ascending
from openimi.api.serializers.directory import (
    AuthoritySerializer,
    DirectoryQuerySerializer,
    OwnAuthoritySerializer,
)
from openimi.api.views.base import ApiView
from openimi.authorities import selectors, services
from openimi.authorities.selectors import AuthoritySearch
from openimi.common.i18n import current_language


class AuthorityListView(ApiView):
    """Search the directory with the filters of the search page."""

    action = Action.VIEW_DIRECTORY
    serializer_class = AuthoritySerializer
    pagination_class = Ascending

    @extend_schema(
        parameters=[DirectoryQuerySerializer],
        responses=AuthoritySerializer(many=True),
        operation_id="authorities_list",
    )
    def get(self, request):
        query = DirectoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        search = AuthoritySearch(**{k: v for k, v in query.validated_data.items()})
        authorities = selectors.authority_search(search=search, language=current_language())
        page = self.paginate_queryset(authorities)
        return self.get_paginated_response(AuthoritySerializer(page, many=True).data)


class AuthorityDetailView(ApiView):
    action = Action.VIEW_DIRECTORY
    serializer_class = AuthoritySerializer

    def get(self, request, pk: int):
        authority = selectors.authority_get(pk=pk, language=current_language())
        return Response(AuthoritySerializer(authority).data)


class OwnAuthorityView(ApiView):
    """The own authority's data: read by its local data administrators, and changed."""

    actions = {
        "GET": Action.VIEW_AUTHORITY_DATA,
        "PATCH": Action.CHANGE_AUTHORITY,
    }
    action = Action.VIEW_AUTHORITY_DATA
    serializer_class = OwnAuthoritySerializer

    def get_policy_object(self):
        return self.request.user.authority

    def get(self, request):
        return Response(OwnAuthoritySerializer(self.policy_object()).data)

    def patch(self, request):
        authority = self.policy_object()
        data = OwnAuthoritySerializer(authority, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        authority = services.authority_update_contact(
            authority=authority, actor=request.user, **data.validated_data
        )
        return Response(OwnAuthoritySerializer(authority).data)
