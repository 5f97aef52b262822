"""Information requests: list rows, the detail, drafts, answers, documents and the timeline.

Output only: every write goes through a service in ``views``; these serializers validate the
shape of the input and never save a model themselves.
"""

from rest_framework import serializers

from openimi.api.serializers.common import (
    AuthorityRefSerializer,
    ModelSerializer,
    OptionalEmailField,
    OptionalURLField,
    Serializer,
)
from openimi.exchange.models import Answer, Attachment, InformationRequest, PersonalData, Question
from openimi.exchange.via import Via
from openimi.exchange.workflow import State, Transition

MAX_ID = 2**31 - 1
# The free texts a coordinator may read (as on the pages: exchange.forms.NO_PERSONAL_DATA_HINT).
NO_PERSONAL_DATA = (
    "Coordinators may read this text (with the request's personal data masked). Do not write "
    "personal data here; use the service provider's section (personal-data)."
)
MASKED = "For a coordinator's users, the request's personal data in it is masked."


class RequestListQuerySerializer(Serializer):
    """The filters of the requests page."""

    direction = serializers.ChoiceField(choices=["incoming", "outgoing"], required=False)
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=State.choices), required=False, max_length=20
    )
    area = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    question_set = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    is_practice = serializers.BooleanField(required=False, allow_null=True, default=None)
    referred = serializers.BooleanField(required=False, allow_null=True, default=None)
    reply_by_before = serializers.DateField(required=False)
    allocated_to_me = serializers.BooleanField(required=False, default=False)


class RequestSummarySerializer(Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.ChoiceField(choices=State.choices)
    is_practice = serializers.BooleanField()
    area = serializers.CharField(source="area.code")
    question_set = serializers.IntegerField(source="question_set_id", allow_null=True)
    requesting_authority = AuthorityRefSerializer()
    responding_authority = AuthorityRefSerializer(allow_null=True)
    reply_by = serializers.DateField(allow_null=True)
    acceptance_deadline = serializers.DateField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    referred_to_coordinator = serializers.BooleanField()


class AnswerSerializer(ModelSerializer):
    standard_answer = serializers.CharField(source="standard_answer.code", allow_null=True)
    value = serializers.CharField(allow_null=True)

    class Meta:
        model = Answer
        fields = [
            "value",
            "standard_answer",
            "free_text",
            "free_text_language",
            "version",
            "answered_at",
            "sent_at",
        ]
        read_only_fields = fields
        extra_kwargs = {"free_text": {"help_text": MASKED}}


class DocumentSerializer(ModelSerializer):
    question = serializers.IntegerField(source="request_question_id", allow_null=True)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "side",
            "question",
            "created_at",
            "released_at",
        ]
        read_only_fields = fields


class AskedQuestionSerializer(Serializer):
    id = serializers.IntegerField(source="request_question.pk")
    question = serializers.IntegerField(source="question.pk")
    code = serializers.CharField(source="question.code")
    text = serializers.CharField(source="question.text")
    answer_type = serializers.ChoiceField(
        source="question.answer_type", choices=Question.AnswerType.choices
    )
    answer = AnswerSerializer(allow_null=True)
    documents = DocumentSerializer(source="attachments", many=True)


class RequestDetailSerializer(RequestSummarySerializer):
    """The request as the user may see it: the justification and the questions only with
    the right to see details (else null and empty)."""

    justification = serializers.CharField(allow_null=True, help_text=MASKED)
    justification_language = serializers.CharField(allow_null=True)
    rejection_reason = serializers.CharField(allow_blank=True)
    questions = AskedQuestionSerializer(many=True)
    documents = DocumentSerializer(many=True)
    available_transitions = serializers.ListField(
        child=serializers.ChoiceField(choices=Transition.choices)
    )
    personal_data_removed_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the retention job removed the personal data, the justification and "
        "the free texts (blocked or deleted at the end of the retention period); null while "
        "they are kept.",
    )


class PersonalDataSerializer(ModelSerializer):
    country = serializers.CharField(
        source="country_id", required=False, allow_null=True, max_length=2
    )
    email = OptionalEmailField(required=False, allow_blank=True, max_length=254)
    website = OptionalURLField(required=False, allow_blank=True, max_length=200)
    removed_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        default=None,
        help_text="When the retention job removed the personal data (the other fields are "
        "then empty); null while it is kept or when none was given.",
    )

    class Meta:
        model = PersonalData
        fields = [name for name in PersonalData.data_fields() if name != "country"] + [
            "country",
            "removed_at",
        ]


class DraftSerializer(Serializer):
    """A draft's fields; on create ``area`` is required, every other field is optional."""

    area = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    question_set = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True
    )
    questions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=200,
    )
    responding_authority = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True
    )
    reply_by = serializers.DateField(required=False, allow_null=True)
    justification = serializers.CharField(
        required=False, allow_blank=True, max_length=20000, help_text=NO_PERSONAL_DATA
    )
    justification_language = serializers.CharField(required=False, allow_blank=True, max_length=3)


class AnswerInputSerializer(Serializer):
    value = serializers.CharField(required=False, allow_null=True, max_length=100)
    standard_answer = serializers.CharField(required=False, allow_null=True, max_length=60)
    free_text = serializers.CharField(
        required=False, allow_blank=True, max_length=20000, help_text=NO_PERSONAL_DATA
    )
    free_text_language = serializers.CharField(required=False, allow_blank=True, max_length=3)
    base_version = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_ID
    )


class DocumentUploadSerializer(Serializer):
    file = serializers.FileField()
    question = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )


class TimelineEntrySerializer(Serializer):
    id = serializers.IntegerField(source="event.pk")
    code = serializers.CharField(source="event.code")
    created_at = serializers.DateTimeField(source="event.created_at")
    from_status = serializers.CharField(source="event.from_status")
    to_status = serializers.CharField(source="event.to_status")
    actor = serializers.CharField(source="event.actor", allow_null=True)
    actor_authority = serializers.IntegerField(source="event.actor_authority_id", allow_null=True)
    via = serializers.ChoiceField(
        source="event.via",
        choices=Via.choices,
        help_text="How the actor acted: web, api (with a token) or empty (the system).",
    )
    api_token = serializers.CharField(
        source="event.api_token.name", allow_null=True, help_text="The API token's name, if any."
    )
    data = serializers.DictField(source="event.data")
    note = serializers.CharField(allow_null=True, help_text=MASKED)
    note_language = serializers.CharField(allow_null=True)


# --- transitions ------------------------------------------------------------------------------


class NoteSerializer(Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=20000, help_text=NO_PERSONAL_DATA
    )
    note_language = serializers.CharField(required=False, allow_blank=True, max_length=3)


class ReturnSerializer(NoteSerializer):
    note = serializers.CharField(allow_blank=True, max_length=20000, help_text=NO_PERSONAL_DATA)


class TextSerializer(Serializer):
    text = serializers.CharField(allow_blank=True, max_length=20000, help_text=NO_PERSONAL_DATA)
    language = serializers.CharField(required=False, allow_blank=True, max_length=3)


class EmptySerializer(Serializer):
    pass


class AcceptSerializer(Serializer):
    reply_by = serializers.DateField(required=False, allow_null=True)


class ForwardSerializer(NoteSerializer):
    to_authority = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class RejectSerializer(NoteSerializer):
    reason = serializers.ChoiceField(choices=InformationRequest.RejectionReason.choices)


class AllocateSerializer(Serializer):
    handlers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=100
    )


class HandlerSerializer(Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="get_full_name")
    username = serializers.CharField()
