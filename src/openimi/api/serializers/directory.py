"""The authority directory and the own authority's data."""

from rest_framework import serializers

from openimi.api.serializers.common import (
    ModelSerializer,
    OptionalEmailField,
    OptionalURLField,
    Serializer,
)
from openimi.authorities.models import Authority
from openimi.authorities.services import CONTACT_FIELDS
from openimi.common.i18n import current_language


class DirectoryQuerySerializer(Serializer):
    """The filters of the directory search page."""

    text = serializers.CharField(required=False, allow_blank=True, max_length=200)
    country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    kind = serializers.ChoiceField(choices=Authority.Kind.choices, required=False)
    area = serializers.CharField(required=False, allow_blank=True, max_length=60)
    keyword = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    sector = serializers.CharField(required=False, allow_blank=True, max_length=5)
    coordinators_only = serializers.BooleanField(required=False, default=False)


class AuthoritySerializer(ModelSerializer):
    title = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    country = serializers.CharField(source="country_id", read_only=True)
    language = serializers.CharField(source="language_id", read_only=True)
    is_coordinator = serializers.BooleanField(read_only=True)
    website = OptionalURLField(read_only=True)
    email = OptionalEmailField(read_only=True)

    class Meta:
        model = Authority
        fields = [
            "id",
            "official_name",
            "title",
            "description",
            "kind",
            "is_coordinator",
            "country",
            "language",
            "street",
            "postal_code",
            "city",
            "region",
            "email",
            "phone",
            "website",
        ]
        read_only_fields = fields

    def get_title(self, authority) -> str:
        return authority.title_for(current_language())[0]

    def get_description(self, authority) -> str:
        return authority.description_for(current_language())[0]


class OwnAuthoritySerializer(ModelSerializer):
    """The own authority as its local data administrators change it (source language)."""

    country = serializers.CharField(source="country_id", read_only=True)
    language = serializers.CharField(source="language_id", read_only=True)
    website = OptionalURLField(required=False, allow_blank=True, max_length=200)

    class Meta:
        model = Authority
        fields = ["id", "official_name", "kind", "country", "language", *CONTACT_FIELDS]
        read_only_fields = ["id", "official_name", "kind", "country", "language"]
