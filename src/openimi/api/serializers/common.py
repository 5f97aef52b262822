"""Serializers shared by several resources: the error body and authority references."""

from rest_framework import serializers

from openimi.common.i18n import current_language


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    detail = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """Every error response: the first problem, and all of them."""

    detail = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    errors = ErrorItemSerializer(many=True)


class AuthorityRefSerializer(serializers.Serializer):
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
