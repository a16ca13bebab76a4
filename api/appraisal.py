"""The democratic appraisal API (民主评议).

Staff (chairman and officers): rounds, their subjects, publishing the aggregate after a round
closes; the comments (in aggregate, sorted, never with their authors) for the chairman only.
Members: open rounds to rate (once each), and published results. Subjects rated by fewer than
the round's minimum are suppressed in every response. Thin: selectors and services.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.appraisal.models import AppraisalRound, AppraisalSubject, Rating
from tenants.appraisal.permissions import reads_comments, round_policy
from tenants.appraisal.selectors import (
    has_taken_part,
    round_comments,
    round_results,
    rounds_list,
    rounds_open,
    rounds_published,
)
from tenants.appraisal.services import (
    appraisal_submit,
    round_create,
    round_phase,
    round_publish,
    subject_add,
    subjects_add_leaders,
)
from tenants.committees.models import Position

from .congress import IsUnionMember
from .members import PolicyPermission


class RoundPermission(PolicyPermission):
    policy = round_policy


class AppraisalSubjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppraisalSubject
        fields = ["id", "kind", "name", "order"]
        read_only_fields = fields


class AppraisalRoundSerializer(serializers.ModelSerializer):
    phase = serializers.SerializerMethodField()
    subjects = AppraisalSubjectSerializer(many=True, read_only=True)

    class Meta:
        model = AppraisalRound
        fields = ["id", "title", "description", "opens_at", "closes_at", "min_sample", "published_at", "phase",
                  "subjects"]  # fmt: skip
        read_only_fields = fields

    def get_phase(self, appraisal_round: AppraisalRound) -> str:
        return round_phase(appraisal_round)


class AppraisalResultSerializer(serializers.Serializer):
    subject = serializers.IntegerField()
    name = serializers.CharField()
    suppressed = serializers.BooleanField(help_text="Fewer ratings than the round's minimum: nothing shown.")
    total = serializers.IntegerField(allow_null=True)
    satisfied = serializers.IntegerField(allow_null=True)
    basic = serializers.IntegerField(allow_null=True)
    unsatisfied = serializers.IntegerField(allow_null=True)
    comments = serializers.ListField(child=serializers.CharField(), required=False,
                                     help_text="Chairman only: sorted, without authors.")  # fmt: skip


def _results(appraisal_round: AppraisalRound, *, comments: bool) -> list[dict[str, Any]]:
    texts = round_comments(appraisal_round) if comments else {}
    rows = []
    for result in round_results(appraisal_round):
        row: dict[str, Any] = {"subject": result.subject.pk, "name": result.subject.name,
                               "suppressed": result.suppressed}  # fmt: skip
        if result.suppressed:
            row.update(total=None, satisfied=None, basic=None, unsatisfied=None)
        else:
            row.update(total=result.total, **result.counts)
        if comments:
            row["comments"] = texts.get(result.subject.pk, [])
        rows.append(row)
    return rows


class AppraisalRoundResultsSerializer(AppraisalRoundSerializer):
    results = serializers.SerializerMethodField()

    class Meta(AppraisalRoundSerializer.Meta):
        fields = [*AppraisalRoundSerializer.Meta.fields, "results"]
        read_only_fields = fields

    @extend_schema_field(AppraisalResultSerializer(many=True))
    def get_results(self, appraisal_round: AppraisalRound) -> list[dict[str, Any]]:
        return _results(appraisal_round, comments=self.context.get("comments", False))


class AppraisalRoundCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    min_sample = serializers.IntegerField(min_value=3, max_value=100, required=False, default=5)


class AppraisalSubjectCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AppraisalSubject.Kind.choices)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    position = serializers.IntegerField(required=False, allow_null=True, default=None,
                                        help_text="A committee position, for a leader.")  # fmt: skip


class AppraisalRatingInputSerializer(serializers.Serializer):
    subject = serializers.IntegerField()
    rating = serializers.ChoiceField(choices=Rating.choices)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AppraisalSubmissionSerializer(serializers.Serializer):
    ratings = AppraisalRatingInputSerializer(many=True)


class AppraisalSubmittedSerializer(serializers.Serializer):
    rated = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(summary="Appraisal rounds / 民主评议"),
    retrieve=extend_schema(summary="One round with its results (after publication) / 评议结果"),
)
class AppraisalRoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rounds for staff. Results appear once published; comments only for the chairman."""

    permission_classes = [RoundPermission]
    serializer_class = AppraisalRoundResultsSerializer
    queryset = AppraisalRound.objects.none()

    def get_queryset(self):
        return rounds_list().prefetch_related("subjects")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "comments": reads_comments(self.request.user)}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AppraisalRoundSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        appraisal_round = self.get_object()
        if not appraisal_round.published_at:
            return Response({**AppraisalRoundSerializer(appraisal_round).data, "results": []})
        return Response(
            AppraisalRoundResultsSerializer(appraisal_round, context=self.get_serializer_context()).data
        )

    @extend_schema(
        request=AppraisalRoundCreateSerializer,
        responses={201: AppraisalRoundSerializer},
        summary="Plan a round / 新建评议",
    )
    def create(self, request: Request) -> Response:
        data = AppraisalRoundCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appraisal_round = round_create(by=request.user, **data.validated_data)
        return Response(AppraisalRoundSerializer(appraisal_round).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AppraisalSubjectCreateSerializer, responses={201: AppraisalSubjectSerializer},
                   summary="Add a subject / 增加评议对象")  # fmt: skip
    @action(detail=True, methods=["post"])
    def subjects(self, request: Request, pk: str) -> Response:
        appraisal_round = get_object_or_404(AppraisalRound.objects.all(), pk=pk)
        data = AppraisalSubjectCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        position_id = values.pop("position")
        position = (
            get_object_or_404(Position.objects.select_related("member"), pk=position_id)
            if position_id
            else None
        )
        subject = subject_add(appraisal_round=appraisal_round, position=position, by=request.user, **values)
        return Response(AppraisalSubjectSerializer(subject).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None, responses=AppraisalRoundSerializer, summary="Add the union's leaders / 添加工会领导"
    )
    @action(detail=True, methods=["post"])
    def leaders(self, request: Request, pk: str) -> Response:
        appraisal_round = get_object_or_404(AppraisalRound.objects.all(), pk=pk)
        subjects_add_leaders(appraisal_round=appraisal_round, by=request.user)
        return Response(AppraisalRoundSerializer(AppraisalRound.objects.get(pk=appraisal_round.pk)).data)

    @extend_schema(
        request=None, responses=AppraisalRoundResultsSerializer, summary="Publish the results / 公布结果"
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        appraisal_round = get_object_or_404(AppraisalRound.objects.all(), pk=pk)
        appraisal_round = round_publish(appraisal_round=appraisal_round, by=request.user)
        return Response(
            AppraisalRoundResultsSerializer(appraisal_round, context=self.get_serializer_context()).data
        )


@extend_schema_view(
    list=extend_schema(summary="Open rounds to rate, and published results / 参加评议"),
    retrieve=extend_schema(
        summary="One round, its results once published / 评议", responses=AppraisalRoundResultsSerializer
    ),
)
class MemberAppraisalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """For members: rounds open now (with ``taken_part``) and rounds whose results are published."""

    permission_classes = [IsUnionMember]
    serializer_class = AppraisalRoundSerializer  # results only on one published round (``retrieve``)
    queryset = AppraisalRound.objects.none()

    def get_queryset(self):
        return (rounds_open() | rounds_published()).prefetch_related("subjects").order_by("-opens_at", "-pk")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        appraisal_round = self.get_object()
        data = (
            AppraisalRoundResultsSerializer(appraisal_round).data if appraisal_round.published_at
            else {**AppraisalRoundSerializer(appraisal_round).data, "results": []}
        )  # fmt: skip
        return Response(
            {**data, "taken_part": has_taken_part(appraisal_round=appraisal_round, user=request.user)}
        )

    @extend_schema(request=AppraisalSubmissionSerializer, responses={201: AppraisalSubmittedSerializer},
                   summary="Rate every subject, once / 提交评议")  # fmt: skip
    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: str) -> Response:
        appraisal_round = get_object_or_404(self.get_queryset(), pk=pk)
        data = AppraisalSubmissionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ratings = {row["subject"]: (row["rating"], row["comment"]) for row in data.validated_data["ratings"]}
        rated = appraisal_submit(appraisal_round=appraisal_round, user=request.user, ratings=ratings)
        return Response({"rated": rated}, status=status.HTTP_201_CREATED)
