"""Alerts (issue 22): list rows, the detail, the draft's input and the transitions' bodies.

Output only: every write goes through ``alerts.services`` in ``views.alerts``; these
serializers validate the shape of the input and never save a model themselves. The detail's
personal data and the free texts that may name the person are null for a caller without
``ALERT_VIEW_PERSONAL_DATA`` (or once the retention job removed them).
"""

from rest_framework import serializers

from openimi.alerts.models import AlertUpdate
from openimi.alerts.types import AlertType
from openimi.alerts.workflow import RecipientState, State, Transition
from openimi.api.serializers.common import AuthorityRefSerializer, Serializer

MAX_ID = 2**31 - 1
TEXT_LIMIT = 20000
NAMES_THE_PERSON = (
    "May name the person the alert is about: null without the right to see the alert's "
    "personal data, and once the retention job removed it."
)


class AlertListQuerySerializer(Serializer):
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=State.choices), required=False, max_length=10
    )
    kind = serializers.ListField(
        child=serializers.ChoiceField(choices=AlertType.choices), required=False, max_length=10
    )


class AlertSummarySerializer(Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    kind = serializers.ChoiceField(source="alert_type", choices=AlertType.choices)
    status = serializers.ChoiceField(choices=State.choices)
    area = serializers.CharField(source="area.code")
    sending_authority = AuthorityRefSerializer()
    validating_coordinator = serializers.IntegerField(
        source="validating_coordinator_id", allow_null=True
    )
    language = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class AlertPersonalDataSerializer(Serializer):
    full_name = serializers.CharField(required=False, allow_blank=True, max_length=300)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    place_of_birth = serializers.CharField(required=False, allow_blank=True, max_length=200)
    nationality = serializers.CharField(required=False, allow_blank=True, max_length=100)
    identifier = serializers.CharField(required=False, allow_blank=True, max_length=100)
    address = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)


class DistributionSerializer(Serializer):
    authority = serializers.IntegerField(source="authority_id")
    distributed_at = serializers.DateTimeField()
    first_read_at = serializers.DateTimeField(allow_null=True)


class RecipientSerializer(Serializer):
    country = serializers.CharField(source="country_id")
    coordinator = serializers.IntegerField(source="coordinator_id")
    status = serializers.ChoiceField(choices=RecipientState.choices)
    received_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    distributed_at = serializers.DateTimeField(allow_null=True)
    distributions = DistributionSerializer(
        many=True, help_text="The authorities its alert coordinator passed the alert to."
    )


class AlertUpdateSerializer(Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=AlertUpdate.Kind.choices)
    status = serializers.ChoiceField(choices=AlertUpdate.Status.choices)
    text = serializers.CharField(allow_null=True, help_text=NAMES_THE_PERSON)
    language = serializers.CharField()
    return_reason = serializers.CharField(allow_null=True, help_text=NAMES_THE_PERSON)
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class AlertDetailSerializer(AlertSummarySerializer):
    """The alert as the caller may see it: the recipient countries' progress for the sending
    country, a recipient country's own row for its coordinator (none for an authority it
    was passed to); the updates that reached the
    recipients for them, all of them for the sending country. What depends on the caller
    is read from ``shown`` (views.alerts.alert_detail_data)."""

    activity = serializers.CharField()
    qualification = serializers.CharField()
    deciding_authority = serializers.CharField()
    decision_date = serializers.DateField(allow_null=True)
    restriction_scope = serializers.CharField(
        source="shown.restriction_scope", allow_null=True, help_text=NAMES_THE_PERSON
    )
    restriction_start = serializers.DateField(allow_null=True)
    restriction_end = serializers.DateField(allow_null=True)
    description = serializers.CharField(
        source="shown.description", allow_null=True, help_text=NAMES_THE_PERSON
    )
    measures = serializers.CharField(
        source="shown.measures", allow_null=True, help_text=NAMES_THE_PERSON
    )
    countries = serializers.ListField(
        source="shown.countries",
        child=serializers.CharField(),
        help_text="The countries a services alert warns (a PQ alert warns every other one).",
    )
    personal_data = AlertPersonalDataSerializer(
        source="shown.personal_data", allow_null=True, help_text=NAMES_THE_PERSON
    )
    personal_data_removed_at = serializers.DateTimeField(allow_null=True)
    recipients = RecipientSerializer(source="shown.recipients", many=True)
    updates = AlertUpdateSerializer(source="shown.updates", many=True)
    available_transitions = serializers.ListField(
        source="shown.available_transitions",
        child=serializers.ChoiceField(choices=Transition.choices),
    )


class AlertDraftSerializer(Serializer):
    """A draft's fields: on create ``kind`` is required, every other field is optional (and
    what the kind requires is checked on submission, field by field)."""

    kind = serializers.ChoiceField(choices=AlertType.choices)
    language = serializers.CharField(
        required=False, allow_blank=True, max_length=3, help_text="Of the free texts."
    )
    activity = serializers.CharField(required=False, allow_blank=True, max_length=300)
    qualification = serializers.CharField(required=False, allow_blank=True, max_length=300)
    deciding_authority = serializers.CharField(required=False, allow_blank=True, max_length=300)
    decision_date = serializers.DateField(required=False, allow_null=True)
    restriction_scope = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_LIMIT
    )
    restriction_start = serializers.DateField(required=False, allow_null=True)
    restriction_end = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)
    measures = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)
    countries = serializers.ListField(
        child=serializers.CharField(max_length=2), required=False, max_length=40
    )
    personal_data = AlertPersonalDataSerializer(required=False)


class AlertDraftChangeSerializer(AlertDraftSerializer):
    """A draft's changed fields (the kind is fixed once the draft exists)."""

    kind = None  # type: ignore[assignment]


# --- transitions ------------------------------------------------------------------------------


class AlertEmptySerializer(Serializer):
    pass


class ReasonSerializer(Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=TEXT_LIMIT)
    language = serializers.CharField(
        required=False, allow_blank=True, max_length=3, help_text="Default: yours."
    )


class UpdateTextSerializer(Serializer):
    text = serializers.CharField(allow_blank=True, max_length=TEXT_LIMIT)
    language = serializers.CharField(
        required=False, allow_blank=True, max_length=3, help_text="Default: yours."
    )


class DistributeSerializer(Serializer):
    authorities = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=200,
        help_text="Competent authorities of your country to pass the alert to.",
    )
