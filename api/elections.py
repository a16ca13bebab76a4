"""The elections API (民主选举): election plans for staff (chairman, officers), and the online
secret ballot for members on the voter roll: the ballot, the vote (the receipt code is in the
response, once), and after the close the published ballots, the tally and the receipt check.

Thin: reads from ``tenants.elections.selectors``, writes through its services. Refusals (vote
after the close, a second ballot, too many choices) come back as the project's error responses.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.committees.models import Committee, Term
from tenants.elections.models import Candidate, ElectionPlan, Seat
from tenants.elections.permissions import election_policy
from tenants.elections.selectors import (
    ballots_published,
    elections_for,
    is_counted,
    plan_by_uuid,
    plans_list,
    receipt_lookup,
    tally_recount,
)
from tenants.elections.services import (
    ballot_cast,
    ballot_close,
    ballot_tables_vacuum,
    candidate_add,
    paper_count_enter,
    plan_create,
    plan_submit,
    result_submit,
    voter_for,
)
from tenants.membership.selectors import member_by_mobile
from workershome.errors import ServiceError

from .members import PolicyPermission


class ElectionPermission(PolicyPermission):
    policy = election_policy


class SeatSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_label", read_only=True)

    class Meta:
        model = Seat
        fields = ["role", "role_label", "seats"]
        read_only_fields = fields


class CandidateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.name", read_only=True)
    role_label = serializers.CharField(source="get_role_label", read_only=True)

    class Meta:
        model = Candidate
        fields = ["id", "name", "role", "role_label", "introduction", "order", "votes", "elected"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    committee_name = serializers.CharField(source="committee.name", read_only=True)
    seats = SeatSerializer(many=True, read_only=True)
    candidates = CandidateSerializer(many=True, read_only=True)

    class Meta:
        model = ElectionPlan
        fields = ["id", "uuid", "committee", "committee_name", "term_number", "term_years", "election_date",
                  "method", "opens_at", "closes_at", "majority_base", "notes", "status", "district_comment",
                  "eligible_count", "ballots_issued", "ballots_cast", "ballots_invalid", "seats", "candidates",
                  "new_term"]  # fmt: skip
        read_only_fields = fields


class PlanCreateSerializer(serializers.Serializer):
    committee = serializers.PrimaryKeyRelatedField(queryset=Committee.objects.all())
    term_number = serializers.IntegerField(min_value=1, max_value=99)
    term_years = serializers.ChoiceField(choices=Term.Years.choices)
    election_date = serializers.DateField()
    method = serializers.ChoiceField(choices=ElectionPlan.Method.choices)
    opens_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    closes_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    majority_base = serializers.ChoiceField(
        choices=ElectionPlan.MajorityBase.choices, default=ElectionPlan.MajorityBase.CAST
    )
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    seats = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=99),
                                  help_text="Seats by position, e.g. {\"chairman\": 1, \"member\": 4}.")  # fmt: skip


class CandidateCreateSerializer(serializers.Serializer):
    member_mobile = serializers.CharField(max_length=20)
    role = serializers.CharField(max_length=20)
    introduction = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PaperCountSerializer(serializers.Serializer):
    ballots_issued = serializers.IntegerField(min_value=0)
    ballots_cast = serializers.IntegerField(min_value=0)
    ballots_invalid = serializers.IntegerField(min_value=0, default=0)
    votes = serializers.DictField(
        child=serializers.IntegerField(min_value=0), help_text="Votes by candidate id."
    )


@extend_schema_view(
    list=extend_schema(summary="Election plans / 换届选举工作方案"),
    retrieve=extend_schema(summary="One election plan / 选举方案"),
)
class ElectionPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The union's election plans with seats, candidates and, once counted, votes."""

    permission_classes = [ElectionPermission]
    serializer_class = PlanSerializer
    queryset = ElectionPlan.objects.none()

    def get_queryset(self):
        return plans_list().prefetch_related("candidates__member")

    def _plan(self, pk: str) -> ElectionPlan:
        return get_object_or_404(self.get_queryset(), pk=pk)

    @extend_schema(
        request=PlanCreateSerializer, responses={201: PlanSerializer}, summary="Draft a plan / 拟定方案"
    )
    def create(self, request: Request) -> Response:
        data = PlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["term_years"] = int(values["term_years"])
        plan = plan_create(by=request.user, **values)
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CandidateCreateSerializer, responses={201: CandidateSerializer},
                   summary="Add a candidate / 添加候选人")  # fmt: skip
    @action(detail=True, methods=["post"])
    def candidates(self, request: Request, pk: str) -> Response:
        plan = self._plan(pk)
        data = CandidateCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = member_by_mobile(data.validated_data["member_mobile"])
        if member is None:
            from django.utils.translation import gettext_lazy as _

            raise ServiceError("candidate_member_unknown", _("No member on the roster has this mobile number."),
                               field="member_mobile")  # fmt: skip
        candidate = candidate_add(plan=plan, member=member, role=data.validated_data["role"],
                                  introduction=data.validated_data["introduction"], by=request.user)  # fmt: skip
        return Response(CandidateSerializer(candidate).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PlanSerializer, summary="Submit to the district / 报上级审批")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return Response(PlanSerializer(plan_submit(plan=self._plan(pk), by=request.user)).data)

    @extend_schema(
        request=None, responses=PlanSerializer, summary="Close and count the online ballot / 截止计票"
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        plan = ballot_close(plan=self._plan(pk))
        ballot_tables_vacuum()
        return Response(PlanSerializer(plan).data)

    @extend_schema(
        request=PaperCountSerializer, responses=PlanSerializer, summary="Enter the paper count / 录入计票"
    )
    @action(detail=True, methods=["post"], url_path="paper-count")
    def paper_count(self, request: Request, pk: str) -> Response:
        data = PaperCountSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            votes = {int(key): value for key, value in values.pop("votes").items()}
        except ValueError as error:
            raise serializers.ValidationError({"votes": "candidate ids"}) from error
        plan = paper_count_enter(plan=self._plan(pk), votes=votes, by=request.user, **values)
        return Response(PlanSerializer(plan).data)

    @extend_schema(request=None, responses=PlanSerializer, summary="Report the result / 选举结果报批")
    @action(detail=True, methods=["post"], url_path="submit-result")
    def submit_result(self, request: Request, pk: str) -> Response:
        return Response(PlanSerializer(result_submit(plan=self._plan(pk), by=request.user)).data)


class BallotSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    counted = serializers.BooleanField()
    voted = serializers.BooleanField()
    seats = SeatSerializer(many=True)
    candidates = CandidateSerializer(many=True)


class VoteSerializer(serializers.Serializer):
    choices = serializers.ListField(child=serializers.IntegerField(), allow_empty=True, max_length=200)


class ReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField(help_text="Shown once: the only copy is the voter's.")


class ReceiptCheckSerializer(serializers.Serializer):
    receipt = serializers.CharField(max_length=40)


class ReceiptCheckResultSerializer(serializers.Serializer):
    found = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.IntegerField())


class PublishedBallotSerializer(serializers.Serializer):
    receipt_hash = serializers.CharField()
    choices = serializers.ListField(child=serializers.IntegerField())


class PublishedSerializer(serializers.Serializer):
    ballots_cast = serializers.IntegerField()
    eligible = serializers.IntegerField()
    candidates = CandidateSerializer(many=True)
    ballots = PublishedBallotSerializer(many=True)
    recount = serializers.DictField(child=serializers.IntegerField())


def _ballot_data(plan: ElectionPlan, user) -> dict[str, Any]:
    voter = voter_for(plan, user)
    return {
        "uuid": plan.uuid, "title": str(plan), "opens_at": plan.opens_at, "closes_at": plan.closes_at,
        "counted": is_counted(plan), "voted": bool(voter and voter.has_voted), "seats": plan.seats.all(),
        "candidates": plan.candidates.select_related("member").order_by("order", "pk"),
    }  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="My online elections / 我的选举", responses=BallotSerializer(many=True)),
    retrieve=extend_schema(summary="A ballot / 选票", responses=BallotSerializer),
)
class BallotViewSet(viewsets.GenericViewSet):
    """Online secret ballots of the elections whose voter roll the signed-in member is on."""

    permission_classes = [IsAuthenticated]
    serializer_class = BallotSerializer
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-f-]{36}"
    queryset = ElectionPlan.objects.none()

    def _plan(self, uuid: str) -> ElectionPlan:
        plan = plan_by_uuid(uuid)
        if (
            plan is None
            or plan.method != ElectionPlan.Method.ONLINE
            or voter_for(plan, self.request.user) is None
        ):
            raise Http404
        return plan

    def list(self, request: Request) -> Response:
        items = [_ballot_data(plan, request.user) for plan, _voted in elections_for(request.user)]
        return Response(BallotSerializer(items, many=True).data)

    def retrieve(self, request: Request, uuid: str) -> Response:
        return Response(BallotSerializer(_ballot_data(self._plan(uuid), request.user)).data)

    @extend_schema(
        request=VoteSerializer, responses={201: ReceiptSerializer}, summary="Cast the secret ballot / 投票"
    )
    @action(detail=True, methods=["post"])
    def vote(self, request: Request, uuid: str) -> Response:
        plan = self._plan(uuid)
        data = VoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code = ballot_cast(plan=plan, user=request.user, choices=data.validated_data["choices"])
        return Response(
            {"receipt": code}, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"}
        )

    @extend_schema(
        request=None, responses=PublishedSerializer, summary="Published ballots and tally / 公布选票"
    )
    @action(detail=True, methods=["get"])
    def published(self, request: Request, uuid: str) -> Response:
        plan = self._plan(uuid)
        ballots = ballots_published(plan)
        return Response(PublishedSerializer({
            "ballots_cast": plan.ballots_cast or 0, "eligible": plan.eligible_count,
            "candidates": plan.candidates.select_related("member") if is_counted(plan) else [],
            "ballots": ballots, "recount": {str(k): v for k, v in tally_recount(ballots).items()},
        }).data)  # fmt: skip

    @extend_schema(request=ReceiptCheckSerializer, responses=ReceiptCheckResultSerializer,
                   summary="Check a receipt / 核验回执")  # fmt: skip
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, uuid: str) -> Response:
        plan = self._plan(uuid)
        data = ReceiptCheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ballot = receipt_lookup(plan, data.validated_data["receipt"])
        return Response({"found": ballot is not None, "choices": ballot.choices if ballot else []})
