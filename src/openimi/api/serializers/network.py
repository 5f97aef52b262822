"""Running the network through the API (issue 19): legislative areas, keywords, policy areas
and question sets, written by the network administrator."""

from rest_framework import serializers

from openimi.api.serializers.common import Serializer

NAMES_HELP = (
    'The name in each language of the installation, e.g. {"en": …, "nl": …}; English is required.'
)


class NamesField(serializers.DictField):
    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.CharField(max_length=300, allow_blank=True),
            help_text=NAMES_HELP,
            **kwargs,
        )


class KeywordSerializer(Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.SlugField(max_length=60)
    names = NamesField()
    position = serializers.IntegerField(read_only=True)


class KeywordChangeSerializer(Serializer):
    names = NamesField()
    position = serializers.IntegerField(min_value=0, max_value=32767)


class AreaSerializer(Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.SlugField(max_length=40)
    names = NamesField()
    position = serializers.IntegerField(read_only=True)
    keywords = KeywordSerializer(many=True, read_only=True)


class AreaChangeSerializer(Serializer):
    names = NamesField()
    position = serializers.IntegerField(min_value=0, max_value=32767)


class PolicyAreaSerializer(Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.SlugField(max_length=60)
    names = NamesField()
    position = serializers.IntegerField(read_only=True)


class QuestionSetVersionSerializer(Serializer):
    """A version of a question set as the network administrator manages it."""

    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    family = serializers.CharField(read_only=True)
    version_number = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)


class QuestionSetFileSerializer(Serializer):
    """A question set in the file format of ``GET …/question-sets/<id>/file/`` (the fixtures'
    format: code, area, titles, questions with their texts in every language)."""

    question_set = serializers.JSONField(
        help_text="One question set, as the export gives it (its `question_sets[0]`), or the "
        "whole export."
    )
