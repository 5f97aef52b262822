"""The users of the own authority and their roles, for its local data administrators.

These serializers check the shape of the input only; every rule (required details, the
e-mail address, the language, the user name, which roles an authority may grant, the last
local data administrator, users with open requests) is ``accounts.users.services``' to apply,
exactly as for the Manage users pages.
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from openimi.accounts.models import AREA_ROLES, Role, User
from openimi.accounts.users.forms import validate_phone
from openimi.api.serializers.common import ModelSerializer, Serializer

MAX_ID = 2**31 - 1
_ROLE_ORDER = {
    str(role): index
    for index, role in enumerate(
        (*AREA_ROLES, Role.LOCAL_DATA_ADMINISTRATOR, Role.NETWORK_ADMINISTRATOR)
    )
}


class UserListQuerySerializer(Serializer):
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words that must each occur in the name, the username or the e-mail address.",
    )
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    area = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Users holding a role (or ``role``) in this legislative area.",
    )
    status = serializers.ChoiceField(
        choices=User.Status.choices,
        required=False,
        help_text="pending: never logged in; inactive: deleted (kept for the record).",
    )


class RoleSerializer(Serializer):
    """One role: an area role in a legislative area, or the local data administrator (no area)."""

    role = serializers.ChoiceField(choices=Role.choices)
    area = serializers.IntegerField(
        allow_null=True, required=False, default=None, min_value=1, max_value=MAX_ID
    )


class RoleOutSerializer(Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    area = serializers.IntegerField(allow_null=True)
    area_code = serializers.CharField(allow_null=True)


class RolesSerializer(Serializer):
    """Every role of the user: ``PUT`` replaces them all (an empty list leaves a basic user)."""

    roles = RoleSerializer(many=True, max_length=100)


class RolesOutSerializer(Serializer):
    roles = RoleOutSerializer(many=True)


def role_rows(grants) -> list[dict]:
    """Role grants (with their area) as the API shows them, in the seed's order of roles."""
    rows = [
        {
            "role": grant.role,
            "area": grant.area_id,
            "area_code": grant.area.code if grant.area_id else None,
        }
        for grant in grants
    ]
    return sorted(rows, key=lambda row: (_ROLE_ORDER.get(row["role"], 9), row["area_code"] or ""))


class UserSerializer(ModelSerializer):
    username = serializers.CharField(
        read_only=True, help_text="Made from the names; can change while the user is pending."
    )
    is_active = serializers.BooleanField(
        read_only=True, help_text="False once deleted (then the status is inactive)."
    )
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "department",
            "language",
            "status",
            "is_active",
            "is_service_account",
            "last_login",
            "roles",
        ]
        read_only_fields = fields

    @extend_schema_field(RoleOutSerializer(many=True))
    def get_roles(self, user) -> list[dict]:
        return role_rows(user.api_role_grants)


class _DetailsSerializer(Serializer):
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for a person; a service account may leave it empty.",
    )
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
    email = serializers.CharField(max_length=254, help_text="The temporary password is sent here.")
    phone = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", validators=[validate_phone]
    )
    department = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Where in the authority the user works (the rollout table's department).",
    )


class UserCreateSerializer(_DetailsSerializer):
    """A new user: the username is made from the names; the temporary password is e-mailed
    after TEMPORARY_PASSWORD_DELAY."""

    roles = RoleSerializer(many=True, max_length=100, required=False, default=list)
    service_account = serializers.BooleanField(
        required=False,
        default=False,
        help_text="A back-office system, not a person: active at once, never logs in, no "
        "e-mail with a password; it works with API tokens that the authority's local data "
        "administrators make. Its name is first_name (last_name may be empty) and email its "
        "contact address. It cannot be a local data administrator.",
    )


class UserChangeSerializer(_DetailsSerializer):
    """Changed details; what is left out stays. The first and last name, language and e-mail
    are locked while the user has requests assigned; the username changes only while the
    user is pending."""

    username = serializers.CharField(max_length=150)


class DeletedSerializer(Serializer):
    outcome = serializers.ChoiceField(
        choices=["removed", "deactivated"],
        help_text="removed: a pending user who never logged in is gone; deactivated: the "
        "user can no longer log in and stays for the record.",
    )
    detail = serializers.CharField()


class MessageSerializer(Serializer):
    detail = serializers.CharField()
