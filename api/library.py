"""The workers' library API: the catalogue (search, popular, reserve) for signed-in people, a
member's own loans (renew) and reservations (cancel), and the lending desk for librarians
(lend by barcode and mobile, take back, renew, the overdue list).

Thin: reads from ``tenants.library.selectors``, every write through its services.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.library.models import Book, LibraryClass, Loan, Reservation
from tenants.library.permissions import runs_desk
from tenants.library.selectors import (
    books_popular,
    books_search,
    books_with_availability,
    copy_by_barcode,
    loans_list,
    loans_of,
    loans_overdue,
    member_by_mobile,
    reservations_of,
)
from tenants.library.services import (
    loan_create,
    loan_renew,
    loan_return,
    reservation_cancel,
    reservation_create,
)
from workershome.errors import ServiceError


class IsLibrarian(BasePermission):
    """Who runs the lending desk (librarian, chairman, officers) on their own union's host."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and runs_desk(request.user))


# --- Serializers --------------------------------------------------------------------------------


class BookSerializer(serializers.ModelSerializer):
    copies_total = serializers.IntegerField(read_only=True, help_text="Copies the library lends.")
    copies_available = serializers.IntegerField(read_only=True, help_text="Copies on the shelf now.")
    cover = serializers.ImageField(read_only=True, allow_null=True)

    class Meta:
        model = Book
        fields = [
            "id", "isbn", "title", "authors", "publisher", "year", "category", "description", "cover", "shared",
            "copies_total", "copies_available",
        ]  # fmt: skip
        read_only_fields = fields


class PopularBookSerializer(serializers.ModelSerializer):
    loan_count = serializers.IntegerField(read_only=True, help_text="Loans in the last 12 months.")

    class Meta:
        model = Book
        fields = ["id", "isbn", "title", "authors", "category", "loan_count"]
        read_only_fields = fields


class LoanSerializer(serializers.ModelSerializer):
    book = serializers.IntegerField(source="copy.book_id", read_only=True)
    title = serializers.CharField(source="copy.book.title", read_only=True)
    barcode = serializers.CharField(source="copy.barcode", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Loan
        fields = ["id", "book", "title", "barcode", "lent_at", "due_on", "renewals", "returned_at", "overdue"]
        read_only_fields = fields

    def get_overdue(self, loan: Loan) -> bool:
        return loan.returned_at is None and loan.due_on < timezone.localdate()


class DeskLoanSerializer(LoanSerializer):
    member = serializers.IntegerField(source="member_id", read_only=True, allow_null=True)
    member_name = serializers.CharField(source="member.get_full_name", default=None, read_only=True)

    class Meta(LoanSerializer.Meta):
        fields = [*LoanSerializer.Meta.fields, "member", "member_name"]
        read_only_fields = fields


class LendSerializer(serializers.Serializer):
    barcode = serializers.CharField(max_length=40, help_text="The copy's barcode (accession number).")
    member_mobile = serializers.CharField(max_length=20, help_text="The borrowing member's mobile number.")


class ReservationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="book.title", read_only=True)

    class Meta:
        model = Reservation
        fields = ["id", "book", "title", "status", "created_at", "ready_at", "hold_until"]
        read_only_fields = fields


# --- Views --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Search the catalogue / 书目检索",
        parameters=[
            OpenApiParameter("q", str, description="Title, author or ISBN (10 or 13 digits)."),
            OpenApiParameter(
                "category", str, enum=LibraryClass.values, description="中图法 top-level class."
            ),
        ],
    ),
    retrieve=extend_schema(summary="One title with its availability / 图书详情"),
)
class LibraryBookViewSet(viewsets.ReadOnlyModelViewSet):
    """The union's catalogue, with how many copies are on the shelf; reserve a title none of
    whose copies is on the shelf."""

    permission_classes = [IsAuthenticated]
    serializer_class = BookSerializer
    queryset = Book.objects.none()

    def get_queryset(self):
        if self.action == "list":
            params = self.request.query_params
            category = params.get("category", "")
            return books_search(
                q=params.get("q", ""), category=category if category in LibraryClass.values else ""
            )
        return books_with_availability()

    @extend_schema(
        responses=PopularBookSerializer(many=True), summary="Most borrowed in 12 months / 热门图书"
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def popular(self, request: Request) -> Response:
        return Response(PopularBookSerializer(books_popular(limit=20), many=True).data)

    @extend_schema(request=None, responses={201: ReservationSerializer}, summary="Reserve this book / 预约")
    @action(detail=True, methods=["post"])
    def reserve(self, request: Request, pk: str) -> Response:
        book = get_object_or_404(Book, pk=pk)
        reservation = reservation_create(book=book, member=request.user)
        return Response(ReservationSerializer(reservation).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="My loans / 我的借阅"),
    retrieve=extend_schema(summary="One of my loans / 借阅"),
)
class MyLoanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A member's own loans (open ones first); renew one. Another person's loan is not found."""

    permission_classes = [IsAuthenticated]
    serializer_class = LoanSerializer
    queryset = Loan.objects.none()

    def get_queryset(self):
        return loans_of(self.request.user)

    @extend_schema(request=None, responses=LoanSerializer, summary="Renew my loan / 续借")
    @action(detail=True, methods=["post"])
    def renew(self, request: Request, pk: str) -> Response:
        loan = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(LoanSerializer(loan_renew(loan=loan, by=request.user)).data)


@extend_schema_view(
    list=extend_schema(summary="My reservations / 我的预约"),
    retrieve=extend_schema(summary="One of my reservations / 预约"),
)
class MyReservationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A member's own reservations; cancel one (a copy held for it goes to the next reader)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ReservationSerializer
    queryset = Reservation.objects.none()

    def get_queryset(self):
        return reservations_of(self.request.user)

    @extend_schema(request=None, responses=ReservationSerializer, summary="Cancel my reservation / 取消预约")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        reservation = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(
            ReservationSerializer(reservation_cancel(reservation=reservation, by=request.user)).data
        )


@extend_schema_view(
    list=extend_schema(
        summary="Loans at the desk / 借还台",
        parameters=[
            OpenApiParameter("open", bool, description="Only books not yet returned."),
            OpenApiParameter("overdue", bool, description="Only overdue books."),
        ],
    ),
    retrieve=extend_schema(summary="One loan / 借阅记录"),
)
class DeskLoanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The lending desk, for librarians: lend a copy (barcode and the member's mobile), take it
    back, renew; a copy already on loan is refused with 409 and nothing changes."""

    permission_classes = [IsLibrarian]
    serializer_class = DeskLoanSerializer
    queryset = Loan.objects.none()

    def get_queryset(self):
        params = self.request.query_params
        if params.get("overdue") in ("1", "true"):
            return loans_overdue()
        loans = loans_list().order_by("-lent_at", "-pk")
        if params.get("open") in ("1", "true"):
            loans = loans.filter(returned_at__isnull=True)
        return loans

    @extend_schema(request=LendSerializer, responses={201: DeskLoanSerializer}, summary="Lend a copy / 借出")
    def create(self, request: Request) -> Response:
        data = LendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        copy = copy_by_barcode(data.validated_data["barcode"])
        if copy is None:
            raise ServiceError("copy_unknown", _("No copy has this barcode."), field="barcode", status=404)
        member = member_by_mobile(data.validated_data["member_mobile"])
        if member is None:
            raise ServiceError(
                "member_unknown", _("No member of this union has this mobile number."), field="member_mobile"
            )
        loan = loan_create(copy=copy, member=member, by=request.user)
        return Response(DeskLoanSerializer(loan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DeskLoanSerializer, summary="Renew / 续借")
    @action(detail=True, methods=["post"])
    def renew(self, request: Request, pk: str) -> Response:
        loan = get_object_or_404(loans_list(), pk=pk)
        return Response(DeskLoanSerializer(loan_renew(loan=loan, by=request.user)).data)

    @extend_schema(request=None, responses=DeskLoanSerializer, summary="Take back / 归还")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str) -> Response:
        loan = get_object_or_404(loans_list(), pk=pk)
        return Response(DeskLoanSerializer(loan_return(loan=loan, by=request.user)).data)
