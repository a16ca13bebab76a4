"""Explicit input and output serializers of the API."""

from __future__ import annotations

from rest_framework import serializers

from federation.models import District, Street
from tenants.registry.models import Union
from tenants.registry.services import union_url
from tenants.users.roles import ROLE_LABELS
from workershome.tenancy import current_tenant


class UnionSummarySerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.name", default=None, read_only=True)
    street = serializers.CharField(source="street.name", default=None, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Union
        fields = [
            "slug", "name", "short_name", "credit_code", "employer", "district", "street", "industry",
            "member_count", "status", "status_reason", "url", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_url(self, union: Union) -> str:
        return union_url(union)


class UnionCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    short_name = serializers.CharField(max_length=30, required=False, allow_blank=True)
    slug = serializers.CharField(max_length=40)
    credit_code = serializers.CharField(max_length=30)
    employer = serializers.CharField(max_length=100, required=False, allow_blank=True)
    district = serializers.SlugRelatedField(slug_field="code", queryset=District.objects.all())
    street = serializers.SlugRelatedField(
        slug_field="code", queryset=Street.objects.all(), required=False, allow_null=True
    )
    industry = serializers.ChoiceField(choices=Union.Industry.choices, required=False, allow_blank=True)
    member_count = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=0)
    officer_mobile = serializers.CharField(max_length=20)
    officer_name = serializers.CharField(max_length=50)
    officer_email = serializers.EmailField(required=False, allow_blank=True)


class UnionStatusSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MeSerializer(serializers.Serializer):
    """The signed-in person: their account, and their roles where they are now."""

    mobile = serializers.CharField(source="account.mobile", default=None)
    name = serializers.CharField(source="get_full_name")
    email = serializers.CharField()
    real_name_status = serializers.CharField(source="account.real_name_status", default=None)
    home_union = serializers.SerializerMethodField()
    where = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()

    def get_home_union(self, user) -> str | None:
        account = user.account
        return account.home_union.name if account and account.home_union_id else None

    def get_where(self, user) -> dict:
        tenant = current_tenant()
        return {
            "schema": tenant.schema_name,
            "name": getattr(tenant, "name", ""),
            "portal": tenant.schema_name == "public",
        }

    def get_roles(self, user) -> list[dict]:
        names = sorted(user.groups.values_list("name", flat=True))
        return [{"code": name, "label": str(ROLE_LABELS.get(name, name))} for name in names]
