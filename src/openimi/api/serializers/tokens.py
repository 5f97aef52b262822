"""API tokens and webhook subscriptions."""

from rest_framework import serializers

from openimi.alerts import events as alert_events
from openimi.api.models import ApiToken, WebhookDelivery, WebhookSubscription
from openimi.api.serializers.common import ModelSerializer, Serializer
from openimi.exchange import notify


class ApiTokenSerializer(ModelSerializer):
    user = serializers.IntegerField(source="user_id", read_only=True)
    created_by = serializers.IntegerField(source="created_by_id", read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "user",
            "created_by",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
        ]
        read_only_fields = fields


class ApiTokenCreateSerializer(Serializer):
    name = serializers.CharField(max_length=100)
    user = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=(
            "Default: yourself. A local data administrator gives the id of a service account "
            "of the authority; a person's token is made by that person only."
        ),
    )
    expires_at = serializers.DateTimeField(required=False)


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(help_text="Shown once: keep it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]


def event_types() -> list[str]:
    """The event types one can subscribe to: the request events that notify people, and
    every alert event (each delivered only to the authorities party to the alert)."""
    alert_codes = {
        value
        for name, value in vars(alert_events).items()
        if name.isupper() and isinstance(value, str) and value.startswith("alert.")
    }
    return sorted(set(notify.RULES) | alert_codes)


class WebhookSubscriptionSerializer(ModelSerializer):
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=event_types()), min_length=1, max_length=50
    )

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "event_types", "is_active", "created_at"]
        read_only_fields = ["id", "is_active", "created_at"]


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(
        help_text=(
            "Shown once: the signing secret in the Standard Webhooks form (`whsec_` + base64 "
            "of the key). Each delivery carries `webhook-id`, `webhook-timestamp` and "
            "`webhook-signature` (`v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`); "
            "verify with a Standard Webhooks library."
        )
    )

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(ModelSerializer):
    event = serializers.IntegerField(
        source="event_number",
        help_text="The event's id: a request's or an alert's, as its type says (request.…, "
        "alert.…).",
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "event_type",
            "status",
            "attempts",
            "last_response_code",
            "last_error",
            "next_attempt_at",
            "created_at",
            "delivered_at",
        ]
        read_only_fields = fields
