"""The workers' library (职工书屋): the catalogue of titles, the physical copies on the shelves,
loans with due dates and renewals, and reservations of titles with no copy on the shelf.

A ``Book`` is a title (one ISBN-13); a ``BookCopy`` is one physical book with its barcode. A copy
is lent to at most one member at a time: the service locks the copy's row, and a partial unique
constraint on open loans is the last line of defence.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workershome.deletion import CASCADE_IN_UNIONS, SET_NULL_IN_UNIONS


class LibraryClass(models.TextChoices):
    """The 22 top-level classes of the Chinese Library Classification (中国图书馆分类法, 中图法)."""

    A = "A", _("A Marxism, Leninism, Mao Zedong Thought, Deng Xiaoping Theory")
    B = "B", _("B Philosophy, religion")
    C = "C", _("C Social sciences (general)")
    D = "D", _("D Politics, law")
    E = "E", _("E Military science")
    F = "F", _("F Economics")
    G = "G", _("G Culture, science, education, sports")
    H = "H", _("H Languages, writing")
    I = "I", _("I Literature")  # noqa: E741 (the class's letter)
    J = "J", _("J Art")
    K = "K", _("K History, geography")
    N = "N", _("N Natural sciences (general)")
    O = "O", _("O Mathematics, physics, chemistry")  # noqa: E741
    P = "P", _("P Astronomy, earth sciences")
    Q = "Q", _("Q Biology")
    R = "R", _("R Medicine, health")
    S = "S", _("S Agriculture")
    T = "T", _("T Industrial technology")
    U = "U", _("U Transport")
    V = "V", _("V Aviation, spaceflight")
    X = "X", _("X Environmental science, safety science")
    Z = "Z", _("Z General works")


class LibrarySettings(models.Model):
    """The union's lending rules: one row per union (``LibrarySettings.current()``)."""

    loan_days = models.PositiveSmallIntegerField(
        _("loan period (days)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    max_renewals = models.PositiveSmallIntegerField(
        _("renewals allowed per loan"), default=2, validators=[MaxValueValidator(10)]
    )
    hold_days = models.PositiveSmallIntegerField(
        _("days a reserved book is held"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("How long a returned book waits on the hold shelf for the member who reserved it."),
    )
    max_loans = models.PositiveSmallIntegerField(
        _("books a member may have at once"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )

    class Meta:
        verbose_name = _("lending rules")
        verbose_name_plural = _("lending rules")

    def __str__(self) -> str:
        return str(_("Lending rules"))

    @classmethod
    def current(cls) -> LibrarySettings:
        rules = cls.objects.order_by("pk").first()
        return rules if rules is not None else cls.objects.create()


class Book(models.Model):
    """A title in the union's catalogue, identified by its ISBN-13 (ISBN-10 input is converted).

    ``shared`` marks it for the federation's catalogue of books sister unions can find: only
    the bibliographic data and counts go up, never who borrowed it."""

    title = models.CharField(_("title"), max_length=200)
    authors = models.CharField(_("authors"), max_length=200, help_text=_("Separate several with “、”."))
    publisher = models.CharField(_("publisher"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year published"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    isbn = models.CharField(_("ISBN"), max_length=13, unique=True, help_text=_("ISBN-13, digits only."))
    category = models.CharField(_("class"), max_length=1, choices=LibraryClass.choices)
    cover = models.ImageField(_("cover"), upload_to="library/covers/", blank=True)
    description = models.TextField(_("description"), blank=True)
    shared = models.BooleanField(
        _("shared with sister unions"),
        default=False,
        help_text=_("Listed in the federation's catalogue, so workers of sister unions can find it."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("book")
        verbose_name_plural = _("books")
        constraints = [
            models.CheckConstraint(condition=Q(isbn__regex=r"^97[89][0-9]{10}$"), name="library_isbn13")
        ]

    def __str__(self) -> str:
        return f"《{self.title}》{self.authors}"

    @property
    def isbn_display(self) -> str:
        from stdnum import isbn

        return isbn.format(self.isbn)


class BookCopy(models.Model):
    """One physical book: its barcode (accession number), where it stands, and its state."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("On the shelf")
        ON_LOAN = "on_loan", _("On loan")
        HELD = "held", _("Held for a reservation")
        LOST = "lost", _("Lost")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="copies", verbose_name=_("book"))
    barcode = models.CharField(_("barcode"), max_length=40, unique=True)
    location = models.CharField(_("shelf"), max_length=100, blank=True, help_text=_("E.g. “Shelf 3, row 2”."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.AVAILABLE)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["barcode"]
        verbose_name = _("copy")
        verbose_name_plural = _("copies")
        indexes = [models.Index(fields=["book", "status"], name="library_copy_status")]

    def __str__(self) -> str:
        return f"{self.barcode} {self.book.title}"


class Loan(models.Model):
    """A copy lent to a member: when, until when, renewals, and when it came back."""

    copy = models.ForeignKey(BookCopy, on_delete=models.PROTECT, related_name="loans", verbose_name=_("copy"))
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=SET_NULL_IN_UNIONS,
        related_name="library_loans",
        verbose_name=_("member"),
    )
    lent_at = models.DateTimeField(_("lent"), default=timezone.now)
    due_on = models.DateField(_("due"))
    renewals = models.PositiveSmallIntegerField(_("renewals"), default=0)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    # The last day an overdue reminder went out: at most one a day (the periodic task).
    reminded_on = models.DateField(_("last reminded"), null=True, blank=True)
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )
    returned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=SET_NULL_IN_UNIONS, related_name="+"
    )

    class Meta:
        ordering = ["-lent_at", "-pk"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        indexes = [models.Index(fields=["returned_at", "due_on"], name="library_loan_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["copy"], condition=Q(returned_at__isnull=True), name="library_one_open_loan_per_copy"
            )
        ]

    def __str__(self) -> str:
        return f"{self.copy.barcode} → {self.due_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    def days_overdue(self, today: datetime.date | None = None) -> int:
        if self.returned_at is not None:
            return 0
        return max(0, ((today or timezone.localdate()) - self.due_on).days)


class Reservation(models.Model):
    """A member waiting for a title with no copy on the shelf. When a copy comes back, the first
    waiting reservation gets it: the copy is held for them for ``hold_days`` and they are told."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        READY = "ready", _("Ready to collect")
        FULFILLED = "fulfilled", _("Collected")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Not collected in time")

    ACTIVE = (Status.WAITING, Status.READY)

    book = models.ForeignKey(
        Book, on_delete=models.CASCADE, related_name="reservations", verbose_name=_("book")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=CASCADE_IN_UNIONS,
        related_name="library_reservations",
        verbose_name=_("member"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(_("reserved"), default=timezone.now)
    copy = models.ForeignKey(
        BookCopy,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("held copy"),
    )
    ready_at = models.DateTimeField(_("ready since"), null=True, blank=True)
    hold_until = models.DateField(_("held until"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.UniqueConstraint(
                fields=["book", "member"],
                condition=Q(status__in=["waiting", "ready"]),
                name="library_one_active_reservation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.book.title} ({self.get_status_display()})"
