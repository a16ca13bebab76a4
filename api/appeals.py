"""The appeals API (倾听呼声): file an appeal, follow it and rate the answer with a tracking code.

``POST /api/v1/appeals/`` files an appeal. With ``"anonymous": true`` the call is never
authenticated (a token or session cookie sent along is ignored), nothing about the caller is
kept and the answer carries the one-time tracking code. Otherwise a signed-in member files as
themselves, and anyone else gives a name and a mobile number.

``/follow/`` and ``/rate/`` take the tracking code in the body (never in a URL, which lands in
logs) and authenticate nobody. None of these views sets a cookie, and their throttles count
per client address through an unreadable key (``tenants.appeals.privacy``), never DRF's
address-keyed cache entries.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from tenants.appeals.privacy import FILING_LIMIT, WRONG_CODE_LIMIT, limit_count, limit_reached
from tenants.appeals.selectors import requester_view
from tenants.appeals.services import (
    APPEAL_CATEGORIES,
    COMMENT_MAX,
    DESCRIPTION_MAX,
    TITLE_MAX,
    appeal_by_code,
    appeal_file,
    appeal_rate_by_code,
)
from tenants.cases.models import Case
from tenants.users.roles import is_member
from workershome.errors import ServiceError

NO_STORE = {"Cache-Control": "no-store, private", "Referrer-Policy": "no-referrer"}
# OpenAPI security requirements: ``{}`` is "no authentication needed" (drf-spectacular takes them as given).
NO_AUTH: Any = [{}]
ANY_AUTH: Any = [{}, {"tokenAuth": []}, {"cookieAuth": []}]


class AppealCreateSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=APPEAL_CATEGORIES, help_text="opinion | request | suggestion")
    title = serializers.CharField(max_length=TITLE_MAX)
    description = serializers.CharField(max_length=DESCRIPTION_MAX)
    anonymous = serializers.BooleanField(
        default=False,
        help_text="File anonymously: the call is not authenticated and nothing about the caller is kept.",
    )
    name = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,
        help_text="Named non-member (not signed in): your name.",
    )
    mobile = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="Named non-member: a mobile number to reach you.",
    )
    attachment = serializers.FileField(
        required=False, allow_null=True, help_text="Optional: PDF, JPG, PNG, DOCX, XLSX or TXT, up to 10 MB."
    )


class AppealFiledSerializer(serializers.Serializer):
    reference = serializers.CharField()
    requester_type = serializers.ChoiceField(choices=Case.RequesterType.choices)
    status = serializers.CharField()
    step_label = serializers.CharField()
    due_at = serializers.DateTimeField()
    case_id = serializers.IntegerField(
        allow_null=True, help_text="For a signed-in member: the case in /api/v1/cases/."
    )
    tracking_code = serializers.CharField(
        allow_null=True,
        help_text="Anonymous only: the one-time code to follow the appeal. Shown once, never stored.",
    )


class TrackingCodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=30, help_text="The tracking code, e.g. ABCD-EFGH-JKLM.")


class RatingSerializer(TrackingCodeSerializer):
    rating = serializers.IntegerField(help_text="1 (not satisfied at all) to 5 (very satisfied).")
    comment = serializers.CharField(max_length=COMMENT_MAX, required=False, allow_blank=True, default="")


class TimelineEntrySerializer(serializers.Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    title = serializers.CharField()
    text = serializers.CharField()


class StepStateSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    state = serializers.ChoiceField(choices=["done", "current", "ahead", "skipped"])


class AppealStatusSerializer(serializers.Serializer):
    """What the holder of a tracking code may see of the case."""

    reference = serializers.CharField()
    category = serializers.CharField(source="case.category")
    category_label = serializers.CharField()
    title = serializers.CharField(source="case.title")
    status = serializers.CharField(source="case.status")
    status_label = serializers.CharField()
    step = serializers.CharField(source="case.step")
    step_label = serializers.CharField()
    steps = StepStateSerializer(many=True)
    opened_at = serializers.DateTimeField(source="case.opened_at")
    due_at = serializers.DateTimeField(source="case.due_at")
    closed_at = serializers.DateTimeField(source="case.closed_at", allow_null=True)
    outcome = serializers.CharField(source="case.outcome")
    timeline = TimelineEntrySerializer(many=True)
    rating = serializers.IntegerField(source="case.rating", allow_null=True)
    rating_comment = serializers.CharField(source="case.rating_comment")
    can_rate = serializers.BooleanField()


class AddressFreeThrottle(BaseThrottle):
    """Filings by callers who are not signed in, counted per client address through an
    unreadable key (DRF's own throttles would keep the address in the cache key)."""

    def allow_request(self, request, view) -> bool:
        return not limit_reached(FILING_LIMIT, request)

    def wait(self) -> float:
        return float(FILING_LIMIT.seconds)


INVALID = OpenApiResponse(description="invalid input: `code`, Chinese `message`, `fields`")
CODE_ERRORS = {
    400: INVALID,
    404: OpenApiResponse(description="`tracking_code_unknown`: no appeal has this code"),
    429: OpenApiResponse(description="`tracking_code_throttled`: too many wrong codes from this address"),
}
FILING_ERRORS = {
    400: INVALID,
    401: OpenApiResponse(description="a token or session was sent for a named filing and is not valid here"),
    429: OpenApiResponse(description="`throttled`: too many filings from this address"),
}


class _Unlinked(APIView):
    """Base of the appeal views: JSON only (the browsable renderer would read the session and
    set a CSRF cookie), no authentication unless a view asks for it, address-free throttles."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    renderer_classes = [JSONRenderer]

    def _code_case(self, request: Request, code: str) -> Case:
        if limit_reached(WRONG_CODE_LIMIT, request):
            raise ServiceError(
                "tracking_code_throttled", _("Too many wrong codes. Please wait ten minutes and try again."),
                status=429,
            )  # fmt: skip
        try:
            return appeal_by_code(code=code)
        except ServiceError:
            limit_count(WRONG_CODE_LIMIT, request)
            raise


class AppealCreateView(_Unlinked):
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    throttle_classes = [AddressFreeThrottle]

    def get_authenticators(self):
        # Kept for the named path; run only when the body is not anonymous (see post).
        from rest_framework.settings import api_settings

        return [auth() for auth in api_settings.DEFAULT_AUTHENTICATION_CLASSES]

    def perform_authentication(self, request: Request) -> None:
        """Lazy: an anonymous filing must never look at the caller's token or session."""

    @extend_schema(
        operation_id="appeals_create",
        summary="File an appeal / 反映诉求",
        description=(
            "Anonymous (`anonymous: true`): no authentication is performed, nothing about the caller is kept, "
            "and the answer carries the one-time `tracking_code`. Named: a signed-in member files as "
            "themselves; anyone else gives `name` and `mobile`. JSON, or multipart with an `attachment`."
        ),
        request={"application/json": AppealCreateSerializer, "multipart/form-data": AppealCreateSerializer},
        responses={201: AppealFiledSerializer, **FILING_ERRORS},
        auth=ANY_AUTH,
        examples=[
            OpenApiExample(
                "anonymous",
                value={
                    "category": "suggestion",
                    "title": "夜班班车增加一班",
                    "description": "夜班下班后只有一班车，希望增加23:30一班。",
                    "anonymous": True,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = AppealCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        filing = dict(
            category=values["category"], title=values["title"], description=values["description"],
            upload=values.get("attachment") or None,
        )  # fmt: skip
        if values["anonymous"]:
            request.user = AnonymousUser()  # never authenticated, never the session
            case, code = appeal_file(**filing, anonymous=True)
            limit_count(FILING_LIMIT, request)
        else:
            member = request.user if is_member(request.user) else None
            case, code = appeal_file(
                **filing, requester=member, requester_name=values.get("name", ""),
                requester_mobile=values.get("mobile", ""),
            )  # fmt: skip
            if member is None:
                limit_count(FILING_LIMIT, request)
        view = requester_view(case=case)
        body = {
            "reference": case.reference,
            "requester_type": case.requester_type,
            "status": case.status,
            "step_label": view.step_label,
            "due_at": case.due_at,
            "case_id": case.pk if case.requester_type == Case.RequesterType.MEMBER else None,
            "tracking_code": code,
        }
        return Response(AppealFiledSerializer(body).data, status=status.HTTP_201_CREATED, headers=NO_STORE)

    def throttled(self, request, wait):
        raise ServiceError(
            "throttled", _("Too many appeals from this network just now. Please try again later."), status=429
        )


class AppealFollowView(_Unlinked):
    """The case a tracking code belongs to: status, current step, public timeline, outcome.
    Wrong codes are counted per address and refused for ten minutes after ten."""

    @extend_schema(
        operation_id="appeals_follow",
        summary="Follow an appeal with its tracking code / 凭查询码查询",
        request=TrackingCodeSerializer,
        responses={200: AppealStatusSerializer, **CODE_ERRORS},
        auth=NO_AUTH,
    )
    def post(self, request: Request) -> Response:
        data = TrackingCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = self._code_case(request, data.validated_data["code"])
        return Response(AppealStatusSerializer(requester_view(case=case)).data, headers=NO_STORE)


class AppealRateView(_Unlinked):
    """Rate the outcome of a closed appeal (1–5, once) with its tracking code."""

    @extend_schema(
        operation_id="appeals_rate",
        summary="Rate the outcome with the tracking code / 凭查询码评价",
        request=RatingSerializer,
        responses={
            200: AppealStatusSerializer,
            409: OpenApiResponse(description="`rating_open_case` / `rating_done`: not closed yet, or rated"),
            **CODE_ERRORS,
        },
        auth=NO_AUTH,
    )
    def post(self, request: Request) -> Response:
        data = RatingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        self._code_case(request, values["code"])
        case = appeal_rate_by_code(code=values["code"], rating=values["rating"], comment=values["comment"])
        return Response(AppealStatusSerializer(requester_view(case=case)).data, headers=NO_STORE)
