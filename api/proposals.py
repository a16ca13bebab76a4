"""The proposal campaign's API (合理化建议).

- ``proposal-campaigns``: anyone reads the campaigns (dates, criteria and weights, awards);
  proposal staff publish the results.
- ``proposals``: a member lists the proposals they made or joined and submits new ones; proposal
  staff see them all and take the steps (screening, decision, award); a panelist who is not staff
  sees the proposals of their panels from the evaluation step on, without the proposers.
- ``proposal-scores``: a panelist's own scores: give one, change it until the decision.
- ``proposal-results``: the published results of each year, public.

Thin: reads from ``tenants.proposals.selectors``, every write is a service.
"""

from __future__ import annotations

from typing import cast

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.proposals import selectors
from tenants.proposals.models import AwardLevel, Proposal, ProposalCampaign, ProposalScore, ScoringCriterion
from tenants.proposals.services import (
    campaign_results_publish,
    proposal_award,
    proposal_decide,
    proposal_score,
    proposal_score_change,
    proposal_screen,
    proposal_screening_start,
    proposal_submit,
)
from tenants.users.models import User
from workershome.errors import ServiceError


def _me(request: Request) -> User:
    """The signed-in person (every view that writes requires authentication)."""
    return cast(User, request.user)


# --- Campaigns -------------------------------------------------------------------------------


class ProposalCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoringCriterion
        fields = ["id", "name", "weight", "description"]
        read_only_fields = fields


class ProposalAwardLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = AwardLevel
        fields = ["id", "name", "amount"]
        read_only_fields = fields


class ProposalCampaignSerializer(serializers.ModelSerializer):
    phase = serializers.SerializerMethodField(help_text="upcoming | open | evaluation | ended | published")
    criteria = ProposalCriterionSerializer(many=True, read_only=True)
    award_levels = ProposalAwardLevelSerializer(many=True, read_only=True)

    class Meta:
        model = ProposalCampaign
        fields = [
            "id", "year", "title", "description", "submission_opens", "submission_closes",
            "evaluation_ends", "phase", "score_max", "criteria", "award_levels", "results_published_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_phase(self, campaign: ProposalCampaign) -> str:
        return campaign.phase_on(selectors.today())


@extend_schema_view(
    list=extend_schema(summary="Proposal campaigns / 合理化建议活动", auth=[]),
    retrieve=extend_schema(summary="One campaign / 活动详情", auth=[]),
)
class ProposalCampaignViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProposalCampaignSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.campaigns().order_by("-year")

    def get_permissions(self):
        return [IsAuthenticated()] if self.action == "publish" else super().get_permissions()

    @extend_schema(
        request=None, responses=ProposalCampaignSerializer, summary="Publish the results / 公布评选结果"
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        campaign = campaign_results_publish(campaign=self.get_object(), by=_me(request))
        return Response(ProposalCampaignSerializer(selectors.campaigns().get(pk=campaign.pk)).data)


# --- Proposals -------------------------------------------------------------------------------


class ProposalPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class ProposalAwardSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)


class ProposalCriterionAverageSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    weight = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class ProposalScoreSummarySerializer(serializers.Serializer):
    average = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    count = serializers.IntegerField()
    panel_size = serializers.IntegerField()
    scale = serializers.IntegerField()
    criteria = ProposalCriterionAverageSerializer(many=True)


class ProposalSerializer(serializers.ModelSerializer):
    """A proposal. The proposers are shown to proposal staff and to the proposers themselves;
    the scores to staff, and to the proposers once the results are published."""

    reference = serializers.CharField(read_only=True)
    campaign = serializers.IntegerField(source="campaign.year", read_only=True)
    step = serializers.CharField(source="case.step", read_only=True)
    step_label = serializers.SerializerMethodField()
    proposer = serializers.SerializerMethodField()
    co_proposers = serializers.SerializerMethodField()
    award = serializers.SerializerMethodField()
    scores = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id", "reference", "campaign", "title", "department", "problem", "suggestion",
            "expected_benefit", "publish_name", "step", "step_label", "decision", "decision_note",
            "estimated_annual_benefit", "award", "submitted_at", "proposer", "co_proposers", "scores",
        ]  # fmt: skip
        read_only_fields = fields

    def _user(self):
        return self.context["request"].user

    def _sees_people(self, proposal: Proposal) -> bool:
        user = self._user()
        return selectors.is_proposal_staff(user) or proposal.pk in self.context.get("own_ids", set())

    def get_step_label(self, proposal: Proposal) -> str:
        return selectors.step_label(proposal)

    @extend_schema_field(ProposalPersonSerializer(allow_null=True))
    def get_proposer(self, proposal: Proposal) -> dict | None:
        if not self._sees_people(proposal) or proposal.proposer is None:
            return None
        return dict(ProposalPersonSerializer(proposal.proposer).data)

    @extend_schema_field(ProposalPersonSerializer(many=True))
    def get_co_proposers(self, proposal: Proposal) -> list:
        if not self._sees_people(proposal):
            return []
        return list(ProposalPersonSerializer(proposal.co_proposers.all(), many=True).data)

    @extend_schema_field(ProposalAwardSerializer(allow_null=True))
    def get_award(self, proposal: Proposal) -> dict | None:
        if proposal.award_level is None:
            return None
        return {"name": proposal.award_level.name, "amount": proposal.award_amount}

    @extend_schema_field(ProposalScoreSummarySerializer(allow_null=True))
    def get_scores(self, proposal: Proposal) -> dict | None:
        staff = selectors.is_proposal_staff(self._user())
        if not staff and not proposal.campaign.results_published:
            return None
        if not staff and proposal.pk not in self.context.get("own_ids", set()):
            return None
        summary = selectors.score_summary(proposal)
        return ProposalScoreSummarySerializer(
            {
                "average": summary.average,
                "count": summary.count,
                "panel_size": summary.panel_size,
                "scale": proposal.campaign.score_max,
                "criteria": [
                    {"criterion": c.name, "weight": c.weight, "average": value}
                    for c, value in summary.criteria
                ],
            }
        ).data


class ProposalCreateSerializer(serializers.Serializer):
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=ProposalCampaign.objects.all(),
        required=False,
        help_text="The campaign's id; the current campaign when left out.",
    )
    title = serializers.CharField(max_length=100)
    department = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    problem = serializers.CharField(max_length=5000)
    suggestion = serializers.CharField(max_length=5000)
    expected_benefit = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    co_proposer_mobiles = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, default=list, max_length=10
    )
    publish_name = serializers.BooleanField(required=False, default=False)


class ProposalScreenSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ProposalNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ProposalDecideSerializer(serializers.Serializer):
    adopt = serializers.BooleanField()
    estimated_annual_benefit = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ProposalAwardInputSerializer(serializers.Serializer):
    level = serializers.IntegerField(help_text="The id of one of the campaign's award levels.")
    annual_benefit = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


_PROPOSAL_FILTERS = [
    OpenApiParameter("year", int, description="The campaign's year"),
    OpenApiParameter("decision", str, enum=Proposal.Decision.values),
    OpenApiParameter("step", str, description="received | screening | evaluation | implementation | closed"),
]


@extend_schema_view(
    list=extend_schema(parameters=_PROPOSAL_FILTERS, summary="Proposals I may see / 合理化建议列表"),
    retrieve=extend_schema(summary="One proposal / 合理化建议详情"),
)
class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ProposalSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Proposal]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return Proposal.objects.none()
        user = self.request.user
        if selectors.is_proposal_staff(user):
            qs = Proposal.objects.all()
        else:
            own = Q(proposer=user) | Q(co_proposers=user)
            panel = (
                Q(campaign__panel=user)
                & ~Q(case__step__in=("received", "screening"))
                & ~Q(decision=Proposal.Decision.NOT_ELIGIBLE)
            )
            qs = Proposal.objects.filter(pk__in=Proposal.objects.filter(own | panel).values("pk"))
        params = self.request.query_params
        if params.get("year"):
            try:
                qs = qs.filter(campaign__year=int(params["year"]))
            except ValueError:
                raise ServiceError("filter_invalid", _("This filter takes a number."), field="year") from None
        if params.get("decision"):
            qs = qs.filter(decision=params["decision"])
        if params.get("step"):
            qs = qs.filter(case__step=params["step"])
        return qs.select_related("case", "case__procedure", "campaign", "proposer", "award_level").order_by(
            "-submitted_at", "-pk"
        )

    def get_serializer_context(self) -> dict:
        context = dict(super().get_serializer_context())
        user = self.request.user
        if user.is_authenticated:
            context["own_ids"] = set(
                Proposal.objects.filter(Q(proposer=user) | Q(co_proposers=user)).values_list("pk", flat=True)
            )
        return context

    def _out(self, proposal: Proposal, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().filter(pk=proposal.pk).first() or proposal
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(request=ProposalCreateSerializer, responses={201: ProposalSerializer},
                   summary="Submit a proposal / 提交合理化建议")  # fmt: skip
    def create(self, request: Request) -> Response:
        data = ProposalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        campaign = values.pop("campaign", None) or selectors.campaign_current()
        if campaign is None:
            raise ServiceError(
                "campaign_missing", _("No proposal campaign has been announced yet."), status=409
            )
        proposal = proposal_submit(campaign=campaign, proposer=_me(request), **values)
        return self._out(proposal, status.HTTP_201_CREATED)

    @extend_schema(
        request=ProposalNoteSerializer, responses=ProposalSerializer, summary="Start screening / 提交初审"
    )
    @action(detail=True, methods=["post"])
    def screening(self, request: Request, pk: str) -> Response:
        data = ProposalNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(
            proposal_screening_start(proposal=self.get_object(), by=_me(request), **data.validated_data)
        )

    @extend_schema(request=ProposalScreenSerializer, responses=ProposalSerializer, summary="Screen / 初审")
    @action(detail=True, methods=["post"])
    def screen(self, request: Request, pk: str) -> Response:
        data = ProposalScreenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(proposal_screen(proposal=self.get_object(), by=_me(request), **data.validated_data))

    @extend_schema(
        request=ProposalDecideSerializer, responses=ProposalSerializer, summary="Adopt or not / 决定是否采纳"
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        data = ProposalDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(proposal_decide(proposal=self.get_object(), by=_me(request), **data.validated_data))

    @extend_schema(
        request=ProposalAwardInputSerializer, responses=ProposalSerializer, summary="Award / 评定奖励"
    )
    @action(detail=True, methods=["post"])
    def award(self, request: Request, pk: str) -> Response:
        data = ProposalAwardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = self.get_object()
        level = AwardLevel.objects.filter(pk=data.validated_data["level"], campaign=proposal.campaign).first()
        if level is None:
            raise ServiceError("award_level", _("Choose one of this campaign's award levels."), field="level")
        proposal = proposal_award(
            proposal=proposal, level=level, by=_me(request),
            annual_benefit=data.validated_data["annual_benefit"], note=data.validated_data["note"],
        )  # fmt: skip
        return self._out(proposal)


# --- Scores ----------------------------------------------------------------------------------


class ProposalScoreSerializer(serializers.ModelSerializer):
    proposal = serializers.IntegerField(source="proposal_id", read_only=True)
    values = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="The score for each criterion, keyed by the criterion's id.",
    )

    class Meta:
        model = ProposalScore
        fields = ["id", "proposal", "values", "total", "comment", "scored_at", "changed_at"]
        read_only_fields = ["id", "proposal", "total", "scored_at", "changed_at"]


class ProposalScoreCreateSerializer(serializers.Serializer):
    proposal = serializers.IntegerField()
    values = serializers.DictField(child=serializers.IntegerField())
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ProposalScoreChangeSerializer(serializers.Serializer):
    values = serializers.DictField(child=serializers.IntegerField())
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


@extend_schema_view(
    list=extend_schema(summary="My scores as a panelist / 我的评分"),
    retrieve=extend_schema(summary="One of my scores / 评分详情"),
)
class ProposalScoreViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ProposalScoreSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[ProposalScore]:
        if getattr(self, "swagger_fake_view", False):
            return ProposalScore.objects.none()
        return ProposalScore.objects.filter(panelist=_me(self.request)).order_by("-scored_at", "-pk")

    @extend_schema(request=ProposalScoreCreateSerializer, responses={201: ProposalScoreSerializer},
                   summary="Score a proposal / 评分")  # fmt: skip
    def create(self, request: Request) -> Response:
        data = ProposalScoreCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        proposal: Proposal | None = (
            selectors.proposals_to_score(request.user).filter(pk=values["proposal"]).first()
        )
        if proposal is None:
            proposal = (
                Proposal.objects.filter(pk=values["proposal"]).select_related("case", "campaign").first()
            )
            if proposal is None or not (
                selectors.is_panelist(request.user, proposal.campaign)
                or selectors.is_proposal_staff(request.user)
            ):
                raise ServiceError("not_found", _("No such proposal."), status=404)
        score = proposal_score(
            proposal=proposal, panelist=_me(request), values=values["values"], comment=values["comment"]
        )
        return Response(ProposalScoreSerializer(score).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ProposalScoreChangeSerializer,
        responses=ProposalScoreSerializer,
        summary="Change my score / 修改评分",
    )
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        data = ProposalScoreChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        score = proposal_score_change(
            score=self.get_object(), panelist=_me(request),
            values=data.validated_data["values"], comment=data.validated_data["comment"],
        )  # fmt: skip
        return Response(ProposalScoreSerializer(score).data)

    @extend_schema(exclude=True)
    def update(self, request: Request, *args, **kwargs) -> Response:  # pragma: no cover - PUT is off
        return self.partial_update(request, *args, **kwargs)


# --- Published results ----------------------------------------------------------------------


class ProposalResultRowSerializer(serializers.Serializer):
    reference = serializers.CharField(source="proposal.reference")
    title = serializers.CharField(source="proposal.title")
    department = serializers.CharField(source="proposal.department")
    proposers = serializers.ListField(
        child=serializers.CharField(), source="names", allow_null=True,
        help_text="Null when the proposer asked not to be named.",
    )  # fmt: skip
    award = serializers.CharField()
    award_amount = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    annual_benefit = serializers.DecimalField(
        source="benefit", max_digits=14, decimal_places=2, allow_null=True
    )
    average_score = serializers.DecimalField(
        source="average", max_digits=6, decimal_places=2, allow_null=True
    )


class ProposalResultsSerializer(serializers.Serializer):
    year = serializers.IntegerField(source="campaign.year")
    title = serializers.CharField(source="campaign.title")
    published_at = serializers.DateTimeField(source="campaign.results_published_at")
    score_max = serializers.IntegerField(source="campaign.score_max")
    received = serializers.IntegerField()
    adopted = serializers.IntegerField()
    total_benefit = serializers.DecimalField(max_digits=16, decimal_places=2)
    total_awards = serializers.DecimalField(max_digits=12, decimal_places=2)
    rows = ProposalResultRowSerializer(many=True)


class ProposalResultsSummarySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    title = serializers.CharField()
    results_published_at = serializers.DateTimeField()


@extend_schema_view(
    list=extend_schema(responses=ProposalResultsSummarySerializer(many=True),
                       summary="Years with published results / 已公布结果的年度", auth=[]),
    retrieve=extend_schema(responses=ProposalResultsSerializer, summary="A year's published results / 评选结果", auth=[]),
)  # fmt: skip
class ProposalResultsViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = ProposalResultsSummarySerializer
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"

    def get_queryset(self) -> QuerySet[ProposalCampaign]:
        return selectors.campaigns_with_results()

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return Response(ProposalResultsSerializer(selectors.campaign_results(self.get_object())).data)


__all__ = [
    "ProposalCampaignViewSet",
    "ProposalResultsViewSet",
    "ProposalScoreViewSet",
    "ProposalViewSet",
]
