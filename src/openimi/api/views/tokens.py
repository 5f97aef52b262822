"""API tokens (a person's own; a service account's, made by its local data administrators)
and webhooks."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from openimi.access.policy import Action
from openimi.accounts.models import User
from openimi.api import tokens, webhooks
from openimi.api.serializers import tokens as s
from openimi.api.views.base import ApiView
from openimi.common.errors import PermissionDenied


class TokenListView(ApiView):
    """The tokens the user may see; create one (the secret is in the answer, once).

    The page asks only "are these your tokens" (``api.token_revoke`` on oneself); whether the
    token may be made (``api.token_manage`` on its owner) ``tokens.token_create`` asks."""

    action = Action.API_TOKEN_REVOKE
    serializer_class = s.ApiTokenSerializer

    def get_policy_object(self):
        return self.request.user

    @extend_schema(responses=s.ApiTokenSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(tokens.tokens_visible_to(user=request.user))
        return self.get_paginated_response(s.ApiTokenSerializer(page, many=True).data)

    @extend_schema(request=s.ApiTokenCreateSerializer, responses={201: s.ApiTokenCreatedSerializer})
    def post(self, request):
        data = s.ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        if data.validated_data.get("user") not in (None, request.user.pk):
            user = User.objects.filter(pk=data.validated_data["user"]).first()
            if user is None:
                raise PermissionDenied(_("You may not do this."))
        issued = tokens.token_create(
            actor=request.user,
            user=user,
            name=data.validated_data["name"],
            expires_at=data.validated_data.get("expires_at"),
            request=request,
        )
        issued.token.token = issued.secret
        return Response(
            s.ApiTokenCreatedSerializer(issued.token).data, status=status.HTTP_201_CREATED
        )


class TokenDetailView(ApiView):
    """Revoke a token (DELETE): it stops working at once and stays listed."""

    action = Action.API_TOKEN_REVOKE
    serializer_class = s.ApiTokenSerializer

    def get_policy_object(self):
        return tokens.tokens_visible_to(user=self.request.user).get(pk=self.kwargs["pk"]).user

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        token = tokens.tokens_visible_to(user=request.user).get(pk=pk)
        tokens.token_revoke(actor=request.user, token=token, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookListView(ApiView):
    """The authority's webhook subscriptions (local data administrators)."""

    action = Action.WEBHOOK_MANAGE
    serializer_class = s.WebhookSubscriptionSerializer

    def get_policy_object(self):
        return self.request.user.authority

    @extend_schema(responses=s.WebhookSubscriptionSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(webhooks.subscriptions_of(user=request.user))
        return self.get_paginated_response(s.WebhookSubscriptionSerializer(page, many=True).data)

    @extend_schema(
        request=s.WebhookSubscriptionSerializer,
        responses={201: s.WebhookSubscriptionCreatedSerializer},
    )
    def post(self, request):
        data = s.WebhookSubscriptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = webhooks.subscription_create(actor=request.user, **data.validated_data)
        return Response(
            s.WebhookSubscriptionCreatedSerializer(subscription).data,
            status=status.HTTP_201_CREATED,
        )


class WebhookDetailView(ApiView):
    action = Action.WEBHOOK_MANAGE
    serializer_class = s.WebhookSubscriptionSerializer

    def get_policy_object(self):
        return self.request.user.authority

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        subscription = webhooks.subscriptions_of(user=request.user).get(pk=pk)
        webhooks.subscription_delete(actor=request.user, subscription=subscription)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryListView(ApiView):
    """The deliveries of one subscription with their outcome, newest first."""

    action = Action.WEBHOOK_MANAGE
    serializer_class = s.WebhookDeliverySerializer

    def get_policy_object(self):
        return self.request.user.authority

    @extend_schema(responses=s.WebhookDeliverySerializer(many=True))
    def get(self, request, pk: int):
        deliveries = webhooks.deliveries_of(user=request.user, subscription_id=pk)
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(s.WebhookDeliverySerializer(page, many=True).data)
