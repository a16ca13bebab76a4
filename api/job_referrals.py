"""The skills and job referral API (技能培训推荐、职业介绍): referrals of roster members to training
or to jobs, their follow-ups and outcomes. For the chairman and union officers only. Thin:
reads from the referral selectors, writes through its services."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.job_referrals.models import Referral, ReferralFollowUp
from tenants.job_referrals.permissions import handles_referrals
from tenants.job_referrals.selectors import referrals_listed
from tenants.job_referrals.services import referral_create, referral_follow_up
from tenants.membership.models import Member
from tenants.training.models import Course


class HandlesReferrals(BasePermission):
    def has_permission(self, request, view) -> bool:
        return handles_referrals(request.user)


def _id(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 18 else None


class ReferralFollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferralFollowUp
        fields = ["id", "followed_up_on", "outcome", "note"]
        read_only_fields = fields


class ReferralSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    follow_ups = ReferralFollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "member", "member_name", "kind", "referred_on", "course", "institution", "programme",
                  "employer", "position", "contact", "notes", "outcome", "outcome_on", "next_follow_up_on",
                  "follow_ups"]  # fmt: skip
        read_only_fields = fields


class ReferralInputSerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text="The roster entry's id.")
    kind = serializers.ChoiceField(choices=Referral.Kind.choices)
    referred_on = serializers.DateField()
    course = serializers.IntegerField(
        required=False, allow_null=True, help_text="One of our training courses."
    )
    institution = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    programme = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    employer = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    position = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    contact = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    next_follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReferralFollowUpInputSerializer(serializers.Serializer):
    followed_up_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=Referral.Outcome.choices)
    note = serializers.CharField()
    next_follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)


@extend_schema_view(
    list=extend_schema(description="Referrals, latest first (filter with ?kind= and ?outcome=)."),
    create=extend_schema(request=ReferralInputSerializer, responses={201: ReferralSerializer},
                         description="Record a referral of a roster member to training or to a job."),
)  # fmt: skip
class ReferralViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsAuthenticated, HandlesReferrals]
    serializer_class = ReferralSerializer

    def get_queryset(self):
        params = self.request.query_params
        return referrals_listed(
            kind=params.get("kind", ""), outcome=params.get("outcome", "")
        ).prefetch_related("follow_ups")

    def get_object(self):
        referral = self.get_queryset().filter(pk=_id(self.kwargs.get("pk"))).first()
        if referral is None:
            raise Http404
        return referral

    def create(self, request: Request) -> Response:
        data = ReferralInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        member = Member.objects.filter(pk=_id(values.pop("member")) or 0).first()
        if member is None:
            raise serializers.ValidationError({"member": [_("No such member on the roster.")]})
        course_id = values.pop("course", None)
        course = Course.objects.filter(pk=_id(course_id) or 0).first() if course_id else None
        if course_id and course is None:
            raise serializers.ValidationError({"course": [_("No such course.")]})
        referral = referral_create(member=member, course=course, **values, by=request.user)
        return Response(
            ReferralSerializer(self.get_object_for(referral.pk)).data, status=status.HTTP_201_CREATED
        )

    def get_object_for(self, pk: int) -> Referral:
        return self.get_queryset().get(pk=pk)

    @extend_schema(request=ReferralFollowUpInputSerializer, responses={201: ReferralSerializer},
                   description="Record a follow-up and the outcome then (placed or enrolled, not placed, pending).")  # fmt: skip
    @action(detail=True, methods=["post"], url_path="follow-ups")
    def follow_ups(self, request: Request, pk=None) -> Response:
        referral = self.get_object()
        data = ReferralFollowUpInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral_follow_up(referral=referral, **data.validated_data, by=request.user)
        return Response(
            ReferralSerializer(self.get_object_for(referral.pk)).data, status=status.HTTP_201_CREATED
        )


__all__ = ["ReferralViewSet"]
