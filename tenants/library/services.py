"""Writes of the workers' library: the catalogue (ISBN-checked), copies, lending, renewals,
returns, reservations and their holds, overdue reminders, sharing titles with sister unions.

Each function checks its input and raises ``ServiceError``/``Conflict`` before changing
anything, and runs in one transaction. Lending locks the copy's row, so two desks lending the
same copy at the same moment cannot both succeed.
"""

from __future__ import annotations

import datetime
import os

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenants.events.services import event_emit
from tenants.notifications.services import notify
from tenants.users.roles import is_member
from workershome.errors import Conflict, ServiceError

from .models import Book, BookCopy, LibraryClass, LibrarySettings, Loan, Reservation
from .permissions import manages_catalogue, runs_desk

MAX_COVER_BYTES = 2 * 1024 * 1024
_COVER_SIGNATURES = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "webp": (b"RIFF",),
}
_GONE = (BookCopy.Status.LOST, BookCopy.Status.WITHDRAWN)
MY_LIBRARY_URL = "/my/library/"


def _staff(by, allowed: bool) -> None:
    if not allowed:
        raise ServiceError("library_staff_only", _("Only the union's librarians can do this."), status=403)


def _title(book: Book) -> str:
    return f"《{book.title}》"


def _date(day: datetime.date) -> str:
    return f"{day:%Y-%m-%d}"


# --- ISBN -----------------------------------------------------------------------------------------


def isbn_normalize(raw: str) -> str:
    """The ISBN-13 (digits only) of an ISBN-10 or ISBN-13 as typed (hyphens and spaces allowed).

    A wrong check digit is refused with its own message: it is almost always a typing mistake,
    and the catalogue must not hold a number no one can find the book by."""
    from stdnum import isbn
    from stdnum.exceptions import InvalidChecksum, ValidationError

    text = str(raw or "").strip()
    if not text:
        raise ServiceError("isbn_missing", _("Give the book's ISBN."), field="isbn")
    try:
        number = isbn.validate(text)
    except InvalidChecksum as error:
        raise ServiceError(
            "isbn_check_digit",
            _("The check digit of ISBN %(isbn)s is wrong: compare the number with the one on the book."),
            params={"isbn": text},
            field="isbn",
        ) from error
    except ValidationError as error:
        raise ServiceError(
            "isbn_invalid",
            _(
                "“%(isbn)s” is not an ISBN: give the 13 digits (or the 10 of an older book) printed on the book."
            ),
            params={"isbn": text},
            field="isbn",
        ) from error
    return isbn.to_isbn13(number)


def cover_check(upload) -> None:
    """Refuse a cover that is too large or not a JPEG, PNG or WebP image."""
    if upload.size > MAX_COVER_BYTES:
        raise ServiceError(
            "cover_too_large", _("The cover image is larger than %(limit)s MB."),
            params={"limit": MAX_COVER_BYTES // (1024 * 1024)}, field="cover",
        )  # fmt: skip
    extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    if extension not in _COVER_SIGNATURES:
        raise ServiceError("cover_type", _("The cover must be a JPG, PNG or WebP image."), field="cover")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(_COVER_SIGNATURES[extension]) or (extension == "webp" and head[8:12] != b"WEBP"):
        raise ServiceError(
            "cover_content", _("This file's content does not match its extension."), field="cover"
        )


# --- The catalogue --------------------------------------------------------------------------------


def _book_clean(book: Book) -> None:
    book.isbn = isbn_normalize(book.isbn)
    book.title = " ".join((book.title or "").split()).strip("《》")
    book.authors = " ".join((book.authors or "").split())
    book.publisher = " ".join((book.publisher or "").split())
    if not book.title:
        raise ServiceError("book_title", _("Give the book's title."), field="title")
    if len(book.title) > 200:
        raise ServiceError("book_title_long", _("Keep the title under 200 characters."), field="title")
    if not book.authors:
        raise ServiceError("book_authors", _("Give the author(s)."), field="authors")
    if len(book.authors) > 200 or len(book.publisher) > 100:
        raise ServiceError("book_too_long", _("The author or publisher is too long."), field="authors")
    if book.category not in LibraryClass.values:
        raise ServiceError(
            "book_category", _("Choose the book's class (A–Z of the Chinese Library Classification)."),
            field="category",
        )  # fmt: skip
    if book.year is not None and not 1800 <= int(book.year) <= timezone.localdate().year + 1:
        raise ServiceError("book_year", _("Give the year the book was published."), field="year")
    duplicate = Book.objects.filter(isbn=book.isbn).exclude(pk=book.pk).first()
    if duplicate is not None:
        raise Conflict(
            "book_isbn_taken", _("%(title)s with this ISBN is already in the catalogue."),
            params={"title": _title(duplicate)}, field="isbn",
        )  # fmt: skip


def _share_event(book: Book) -> None:
    """Only bibliographic data and counts go to the federation: never borrowers."""
    if book.shared:
        event_emit(
            name="library.title_shared",
            payload={
                "isbn": book.isbn, "title": book.title, "authors": book.authors, "publisher": book.publisher,
                "year": book.year, "category": book.category,
                "copies": book.copies.exclude(status__in=_GONE).count(),
            },
        )  # fmt: skip
    else:
        event_emit(name="library.title_unshared", payload={"isbn": book.isbn})


@transaction.atomic
def book_save(*, book: Book, by, cover=None) -> Book:
    """Add a title to the catalogue or change it. Sharing it with sister unions (or no longer)
    tells the federation's catalogue."""
    _staff(by, manages_catalogue(by))
    _book_clean(book)
    if cover is not None:
        cover_check(cover)
        book.cover = cover
    was_shared = (
        Book.objects.filter(pk=book.pk).values_list("shared", flat=True).first() if book.pk else False
    )
    if book.pk is None:
        book.created_by = by
    try:
        with transaction.atomic():
            book.save()
    except IntegrityError as error:  # two librarians adding the same ISBN at once
        raise Conflict(
            "book_isbn_taken", _("This ISBN is already in the catalogue."), field="isbn"
        ) from error
    if bool(was_shared) != book.shared:
        _share_event(book)
    return book


@transaction.atomic
def book_share(*, book: Book, shared: bool, by) -> Book:
    _staff(by, manages_catalogue(by))
    book = Book.objects.select_for_update().get(pk=book.pk)
    if book.shared != shared:
        book.shared = shared
        book.save(update_fields=["shared"])
        _share_event(book)
    return book


@transaction.atomic
def copy_add(*, book: Book, barcode: str, location: str = "", by) -> BookCopy:
    """A new copy of a title, with its barcode (the accession number on the sticker)."""
    _staff(by, manages_catalogue(by))
    barcode = "".join((barcode or "").split())
    if not barcode:
        raise ServiceError("copy_barcode", _("Scan or type the copy's barcode."), field="barcode")
    if len(barcode) > 40:
        raise ServiceError("copy_barcode_long", _("The barcode is too long."), field="barcode")
    existing = BookCopy.objects.select_related("book").filter(barcode=barcode).first()
    if existing is not None:
        raise Conflict(
            "copy_barcode_taken", _("Barcode %(barcode)s is already used by a copy of %(title)s."),
            params={"barcode": barcode, "title": _title(existing.book)}, field="barcode",
        )  # fmt: skip
    try:
        with transaction.atomic():
            copy = BookCopy.objects.create(
                book=book, barcode=barcode, location=" ".join(location.split())[:100]
            )
    except IntegrityError as error:
        raise Conflict("copy_barcode_taken", _("This barcode is already used."), field="barcode") from error
    # A reader may be waiting for this title: the new copy goes to them first.
    _hold_for_next(copy)
    if book.shared:  # the federation's catalogue counts the copies
        _share_event(book)
    return copy


@transaction.atomic
def copy_status_set(*, copy: BookCopy, status: str, location: str | None = None, by) -> BookCopy:
    """Mark a copy lost or withdrawn, or back on the shelf; move it to another shelf."""
    _staff(by, manages_catalogue(by))
    copy = BookCopy.objects.select_for_update().select_related("book").get(pk=copy.pk)
    allowed = (BookCopy.Status.AVAILABLE, BookCopy.Status.LOST, BookCopy.Status.WITHDRAWN)
    if status not in allowed:
        raise ServiceError("copy_status", _("Choose on the shelf, lost or withdrawn."), field="status")
    if copy.status in (BookCopy.Status.ON_LOAN, BookCopy.Status.HELD) and status != copy.status:
        raise Conflict(
            "copy_busy",
            _("This copy is on loan or held for a reservation: take it back first."),
            field="status",
        )
    if location is not None:
        copy.location = " ".join(location.split())[:100]
    changed = copy.status != status
    copy.status = status
    copy.save(update_fields=["status", "location"])
    if changed and status == BookCopy.Status.AVAILABLE:
        _hold_for_next(copy)
    if changed and copy.book.shared:
        _share_event(copy.book)
    return copy


@transaction.atomic
def library_settings_save(*, rules: LibrarySettings, by) -> LibrarySettings:
    _staff(by, runs_desk(by))
    rules.save()
    return rules


# --- Lending --------------------------------------------------------------------------------------


@transaction.atomic
def loan_create(*, copy: BookCopy, member, by) -> Loan:
    """Lend a copy to a member at the desk, due after the union's loan period.

    Refused, with nothing changed: a copy already on loan, lost or withdrawn; a copy held for
    another member's reservation; a member at their limit or who has this title already. A
    member's own reservation of the title is fulfilled by the loan."""
    _staff(by, runs_desk(by))
    if not is_member(member):
        raise ServiceError(
            "loan_member", _("Choose a member of this union to lend the book to."), field="member"
        )
    copy = BookCopy.objects.select_for_update().select_related("book").get(pk=copy.pk)
    if copy.status == BookCopy.Status.ON_LOAN:
        current = Loan.objects.filter(copy=copy, returned_at__isnull=True).first()
        raise Conflict(
            "copy_on_loan",
            _(
                "Copy %(barcode)s is already on loan (due %(due)s): it has to be returned before it is lent again."
            ),
            params={"barcode": copy.barcode, "due": _date(current.due_on) if current else "—"},
            field="barcode",
        )
    if copy.status in _GONE:
        raise Conflict(
            "copy_unavailable", _("Copy %(barcode)s is marked “%(status)s” and cannot be lent."),
            params={"barcode": copy.barcode, "status": copy.get_status_display()}, field="barcode",
        )  # fmt: skip
    reservation = (
        Reservation.objects.select_for_update()
        .filter(book_id=copy.book_id, member=member, status__in=Reservation.ACTIVE)
        .first()
    )
    if copy.status == BookCopy.Status.HELD:
        held_for = Reservation.objects.filter(copy=copy, status=Reservation.Status.READY).first()
        if held_for is not None and held_for.member_id != member.pk:
            raise Conflict(
                "copy_held", _("This copy is held for another member's reservation until %(date)s."),
                params={"date": _date(held_for.hold_until) if held_for.hold_until else "—"}, field="barcode",
            )  # fmt: skip
    rules = LibrarySettings.current()
    open_loans = Loan.objects.filter(member=member, returned_at__isnull=True)
    if open_loans.filter(copy__book_id=copy.book_id).exists():
        raise Conflict("loan_same_title", _("This member already has this book on loan."), field="member")
    if open_loans.count() >= rules.max_loans:
        raise ServiceError(
            "loan_limit", _("This member already has %(n)s books on loan, the most allowed."),
            params={"n": rules.max_loans}, field="member",
        )  # fmt: skip
    now = timezone.now()
    try:
        with transaction.atomic():
            loan = Loan.objects.create(
                copy=copy, member=member, lent_at=now, lent_by=by,
                due_on=timezone.localdate(now) + datetime.timedelta(days=rules.loan_days),
            )  # fmt: skip
    except IntegrityError as error:  # the constraint behind the lock
        raise Conflict("copy_on_loan", _("This copy is already on loan."), field="barcode") from error
    copy.status = BookCopy.Status.ON_LOAN
    copy.save(update_fields=["status"])
    if reservation is not None:
        other_held = reservation.copy if reservation.copy_id and reservation.copy_id != copy.pk else None
        reservation.status = Reservation.Status.FULFILLED
        reservation.closed_at = now
        reservation.save(update_fields=["status", "closed_at"])
        if other_held is not None:
            _release(other_held)
    event_emit(name="library.loaned", payload={"count": 1, "category": copy.book.category})
    notify(
        recipients=[member],
        title=gettext("You borrowed %(title)s") % {"title": _title(copy.book)},
        body=gettext("Please return it by %(due)s.") % {"due": _date(loan.due_on)},
        url=MY_LIBRARY_URL,
        channels=("site",),
    )
    return loan


@transaction.atomic
def loan_renew(*, loan: Loan, by) -> Loan:
    """Renew a loan for another loan period, counted from the due date (or from today when it
    is already past). Refused past the union's limit of renewals, or when another member has
    reserved the title (they are waiting for it). A member renews their own loans."""
    loan = Loan.objects.select_for_update(of=("self",)).select_related("copy__book").get(pk=loan.pk)
    signed_in = by is not None and getattr(by, "is_authenticated", False)
    own = signed_in and loan.member_id == by.pk
    if not (own or (signed_in and runs_desk(by))):
        raise ServiceError("loan_not_yours", _("You can only renew your own loans."), status=403)
    if loan.returned_at is not None:
        raise Conflict("loan_returned", _("This book has already been returned."))
    rules = LibrarySettings.current()
    if loan.renewals >= rules.max_renewals:
        raise ServiceError(
            "renew_limit",
            _("This loan has been renewed %(n)s times, the most allowed: please return the book by %(due)s."),
            params={"n": rules.max_renewals, "due": _date(loan.due_on)},
        )
    waiting = Reservation.objects.filter(book_id=loan.copy.book_id, status__in=Reservation.ACTIVE).exclude(
        member_id=loan.member_id
    )
    if waiting.exists():
        raise Conflict(
            "renew_reserved",
            _("Another member has reserved this book, so it cannot be renewed: please return it by %(due)s."),
            params={"due": _date(loan.due_on)},
        )
    today = timezone.localdate()
    loan.due_on = max(loan.due_on, today) + datetime.timedelta(days=rules.loan_days)
    loan.renewals += 1
    loan.save(update_fields=["due_on", "renewals"])
    return loan


@transaction.atomic
def loan_return(*, loan: Loan, by) -> Loan:
    """Take a copy back. If someone reserved the title, the copy is held for the first of them
    (for the union's hold period) and they are told; otherwise it goes back on the shelf."""
    _staff(by, runs_desk(by))
    loan = Loan.objects.select_for_update(of=("self",)).get(pk=loan.pk)
    if loan.returned_at is not None:
        raise Conflict("loan_returned", _("This book has already been returned."))
    copy = BookCopy.objects.select_for_update().select_related("book").get(pk=loan.copy_id)
    # Serialises with reservations of the title, so a reservation made meanwhile is not missed.
    Book.objects.select_for_update().filter(pk=copy.book_id).first()
    now = timezone.now()
    days_late = loan.days_overdue(timezone.localdate(now))
    loan.returned_at, loan.returned_to = now, by
    loan.save(update_fields=["returned_at", "returned_to"])
    copy.status = BookCopy.Status.AVAILABLE
    copy.save(update_fields=["status"])
    _hold_for_next(copy)
    event_emit(name="library.returned", payload={"count": 1, "days_late": days_late})
    return loan


# --- Reservations ---------------------------------------------------------------------------------


def _hold_for_next(copy: BookCopy, *, today: datetime.date | None = None) -> Reservation | None:
    """Hold an available copy for the first member waiting for its title, and tell them."""
    if copy.status != BookCopy.Status.AVAILABLE:
        return None
    reservation = (
        Reservation.objects.select_for_update(of=("self",))
        .select_related("member", "book")
        .filter(book_id=copy.book_id, status=Reservation.Status.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if reservation is None:
        return None
    rules = LibrarySettings.current()
    reservation.status = Reservation.Status.READY
    reservation.copy = copy
    reservation.ready_at = timezone.now()
    reservation.hold_until = (today or timezone.localdate()) + datetime.timedelta(days=rules.hold_days)
    reservation.save(update_fields=["status", "copy", "ready_at", "hold_until"])
    copy.status = BookCopy.Status.HELD
    copy.save(update_fields=["status"])
    place = f"（{copy.location}）" if copy.location else ""
    notify(
        recipients=[reservation.member],
        title=gettext("The book you reserved is ready: %(title)s") % {"title": _title(reservation.book)},
        body=gettext(
            "Collect it at the workers' library%(place)s by %(date)s; after that it goes to the next reader."
        )
        % {"place": place, "date": _date(reservation.hold_until)},
        url=MY_LIBRARY_URL,
        channels=("site", "sms"),
    )
    return reservation


def _release(copy: BookCopy, *, today: datetime.date | None = None) -> None:
    """A held copy no one collects goes to the next waiting member, or back on the shelf."""
    copy = BookCopy.objects.select_for_update().get(pk=copy.pk)
    if copy.status == BookCopy.Status.HELD:
        copy.status = BookCopy.Status.AVAILABLE
        copy.save(update_fields=["status"])
        _hold_for_next(copy, today=today)


@transaction.atomic
def reservation_create(*, book: Book, member) -> Reservation:
    """A member reserves a title none of whose copies is on the shelf; they are told when one
    comes back. Refused when a copy is on the shelf, when the library has no copy at all, and
    for a title they have on loan or reserved already."""
    if member is None or not getattr(member, "is_authenticated", False):
        raise ServiceError("reservation_sign_in", _("Sign in to reserve a book."), status=401)
    if not is_member(member):
        raise ServiceError(
            "reservation_members_only", _("Only members of this union can reserve its books."), status=403
        )
    book = Book.objects.select_for_update().get(pk=book.pk)
    active = Reservation.objects.filter(book=book, member=member, status__in=Reservation.ACTIVE).first()
    if active is not None:
        raise Conflict("reservation_twice", _("You have already reserved this book."))
    if Loan.objects.filter(copy__book=book, member=member, returned_at__isnull=True).exists():
        raise Conflict("reservation_on_loan", _("You have this book on loan already."))
    copies = book.copies.exclude(status__in=_GONE)
    if not copies.exists():
        raise ServiceError("reservation_no_copy", _("The library has no copy of this book to lend."))
    if copies.filter(status=BookCopy.Status.AVAILABLE).exists():
        raise Conflict(
            "reservation_available", _("A copy is on the shelf: come to the workers' library and borrow it.")
        )
    try:
        with transaction.atomic():
            return Reservation.objects.create(book=book, member=member)
    except IntegrityError as error:
        raise Conflict("reservation_twice", _("You have already reserved this book.")) from error


@transaction.atomic
def reservation_cancel(*, reservation: Reservation, by) -> Reservation:
    """Cancel a reservation (the member their own; the librarian any). A copy held for it goes
    to the next member waiting, or back on the shelf."""
    reservation = (
        Reservation.objects.select_for_update(of=("self",)).select_related("copy").get(pk=reservation.pk)
    )
    signed_in = by is not None and getattr(by, "is_authenticated", False)
    if not (signed_in and (reservation.member_id == by.pk or runs_desk(by))):
        raise ServiceError(
            "reservation_not_yours", _("You can only cancel your own reservation."), status=403
        )
    if reservation.status not in Reservation.ACTIVE:
        raise Conflict("reservation_closed", _("This reservation is no longer active."))
    held = reservation.copy if reservation.status == Reservation.Status.READY else None
    reservation.status = Reservation.Status.CANCELLED
    reservation.closed_at = timezone.now()
    reservation.save(update_fields=["status", "closed_at"])
    if held is not None:
        _release(held)
    return reservation


def reservations_expire(*, today: datetime.date | None = None) -> int:
    """Reservations not collected within the hold period: closed, the member told, the copy
    passed on to the next member waiting (or back on the shelf). Safe to repeat."""
    today = today or timezone.localdate()
    expired = 0
    due = Reservation.objects.filter(status=Reservation.Status.READY, hold_until__lt=today).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            reservation = (
                Reservation.objects.select_for_update(of=("self",))
                .select_related("book", "member", "copy")
                .filter(pk=pk, status=Reservation.Status.READY, hold_until__lt=today)
                .first()
            )
            if reservation is None:
                continue
            reservation.status = Reservation.Status.EXPIRED
            reservation.closed_at = timezone.now()
            reservation.save(update_fields=["status", "closed_at"])
            notify(
                recipients=[reservation.member],
                title=gettext("Your reservation of %(title)s has lapsed")
                % {"title": _title(reservation.book)},
                body=gettext("The book was not collected in time and has gone to the next reader."),
                url=MY_LIBRARY_URL,
                channels=("site",),
            )
            if reservation.copy is not None:
                _release(reservation.copy, today=today)
            expired += 1
    return expired


# --- Overdue reminders ----------------------------------------------------------------------------


def loans_overdue_remind(*, today: datetime.date | None = None) -> int:
    """Remind each member of each overdue loan, at most once a day per loan (the day is claimed
    with a conditional update before the reminder is written, so two runs send one)."""
    today = today or timezone.localdate()
    not_today = Q(reminded_on__isnull=True) | Q(reminded_on__lt=today)
    sent = 0
    overdue = (
        Loan.objects.filter(not_today, returned_at__isnull=True, due_on__lt=today, member__isnull=False)
        .select_related("copy__book", "member")
        .order_by("pk")
    )
    for loan in overdue:
        with transaction.atomic():
            claimed = Loan.objects.filter(not_today, pk=loan.pk, returned_at__isnull=True).update(
                reminded_on=today
            )
            if not claimed:
                continue
            notify(
                recipients=[loan.member],
                title=gettext("Overdue: please return %(title)s") % {"title": _title(loan.copy.book)},
                body=gettext(
                    "It was due on %(due)s (%(days)s days ago). Please bring it back to the workers' library."
                )
                % {"due": _date(loan.due_on), "days": (today - loan.due_on).days},
                url=MY_LIBRARY_URL,
                channels=("site", "sms"),
            )
            sent += 1
    return sent
