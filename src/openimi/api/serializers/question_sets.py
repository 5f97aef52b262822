"""Question sets (reference data) with their questions and allowed standard answers."""

from rest_framework import serializers

from openimi.api.serializers.common import ModelSerializer, Serializer
from openimi.exchange.models import Question, QuestionSet, StandardAnswer


class StandardAnswerSerializer(ModelSerializer):
    class Meta:
        model = StandardAnswer
        fields = ["code", "text"]


class ChoiceSerializer(Serializer):
    code = serializers.CharField()
    texts = serializers.DictField(child=serializers.CharField())


class QuestionSerializer(ModelSerializer):
    standard_answers = StandardAnswerSerializer(many=True, read_only=True)
    choices = ChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "code", "answer_type", "text", "help_text", "choices", "standard_answers"]


class QuestionSetSerializer(ModelSerializer):
    area = serializers.CharField(source="area.code")

    class Meta:
        model = QuestionSet
        fields = [
            "id",
            "code",
            "area",
            "is_practice",
            "available_until",
            "title",
            "description",
            "version",
        ]


class QuestionSetDetailSerializer(QuestionSetSerializer):
    questions = QuestionSerializer(many=True, source="offered_questions")

    class Meta(QuestionSetSerializer.Meta):
        fields = [*QuestionSetSerializer.Meta.fields, "questions"]


class QuestionSetQuerySerializer(Serializer):
    area = serializers.CharField(required=False, max_length=60)
    include_practice = serializers.BooleanField(required=False, default=True)
