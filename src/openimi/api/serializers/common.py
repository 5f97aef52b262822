"""Serializers shared by several resources: the error body and authority references."""

from rest_framework import serializers

from openimi.common.i18n import current_language
from openimi.common.validators import prohibit_control_characters, refuses_control_characters


def _refuse_control_characters(field: serializers.Field) -> None:
    if isinstance(field, serializers.CharField):
        if not refuses_control_characters(field.validators):
            field.validators.append(prohibit_control_characters)
    elif isinstance(field, serializers.ListField | serializers.DictField):
        _refuse_control_characters(field.child)


# Every text field of the serializer, and of its lists, refuses control characters
# (common.validators), with the error at the field as the forms give it. No docstring:
# drf-spectacular would show it on every schema without its own.
class ControlCharactersRefused:
    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            _refuse_control_characters(field)
        return fields


# The bases of openimi's serializers (tests/common/test_control_characters.py checks each).
class Serializer(ControlCharactersRefused, serializers.Serializer):
    pass


class ModelSerializer(ControlCharactersRefused, serializers.ModelSerializer):
    pass


class ErrorItemSerializer(Serializer):
    field = serializers.CharField(allow_null=True)
    detail = serializers.CharField()


class ErrorSerializer(Serializer):
    """Every error response: the first problem, and all of them."""

    detail = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    errors = ErrorItemSerializer(many=True)


class AuthorityRefSerializer(Serializer):
    id = serializers.IntegerField(source="pk")
    official_name = serializers.CharField()
    title = serializers.SerializerMethodField()
    country = serializers.CharField(source="country_id")

    def get_title(self, authority) -> str:
        return authority.title_for(current_language())[0]


class _OptionalFormatField(serializers.CharField):
    """A text that is empty or valid for ``checker``. The schema says only "string": an
    empty value fits no "uri" or "email" format, and the validator is not among the field's
    validators so that drf-spectacular does not add one."""

    checker: serializers.Field

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return self.checker.run_validation(value) if value else value


class OptionalURLField(_OptionalFormatField):
    checker = serializers.URLField()


class OptionalEmailField(_OptionalFormatField):
    checker = serializers.EmailField()
