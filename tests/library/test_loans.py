"""Lending, renewals, returns and reservations: a copy is lent to one member at a time (also
when two desks try at once), renewals are limited and not allowed when someone is waiting, a
returned book goes to the first reservation, and overdue reminders go out once a day."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.events.models import OutboxEvent
from tenants.library.models import Book, BookCopy, LibrarySettings, Loan, Reservation
from tenants.library.services import (
    book_save,
    book_share,
    copy_add,
    loan_create,
    loan_renew,
    loan_return,
    reservation_cancel,
    reservation_create,
    reservations_expire,
)
from tenants.library.tasks import library_daily
from tenants.notifications.models import Notification
from tenants.users.models import User
from tests.factories import events_delete, make_person
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def refused(code: str, service, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        service(**kwargs)
    assert error.value.code == code, error.value.code
    assert str(error.value.message)
    return error.value


def test_a_copy_is_lent_for_the_unions_loan_period(union_a, people, shelf):
    librarian, worker = people["librarian"][1], people["worker"][1]
    with tenant_context(union_a):
        LibrarySettings.objects.update_or_create(pk=LibrarySettings.current().pk, defaults={"loan_days": 21})
        loan = loan_create(copy=shelf["huozhe1"], member=worker, by=librarian)
        assert loan.due_on == timezone.localdate() + datetime.timedelta(days=21)
        assert BookCopy.objects.get(pk=shelf["huozhe1"].pk).status == BookCopy.Status.ON_LOAN
        assert Notification.objects.filter(recipient=worker, title__contains="活着").exists()
        event = OutboxEvent.objects.get(name="library.loaned")
        assert event.payload == {"count": 1, "category": "I"}


def test_a_copy_already_on_loan_is_refused_and_nothing_changes(union_a, people, shelf):
    librarian, worker, other = people["librarian"][1], people["worker"][1], people["other"][1]
    with tenant_context(union_a):
        first = loan_create(copy=shelf["huozhe1"], member=worker, by=librarian)
        error = refused("copy_on_loan", loan_create, copy=shelf["huozhe1"], member=other, by=librarian)
        assert error.status == 409 and "A0001" in str(error.message)
        assert list(Loan.objects.values_list("pk", flat=True)) == [first.pk]
        assert Loan.objects.get().member == worker
        assert OutboxEvent.objects.filter(name="library.loaned").count() == 1


def test_only_librarians_lend_and_only_members_borrow(union_a, people, shelf):
    worker, other = people["worker"][1], people["other"][1]
    with tenant_context(union_a):
        error = refused("library_staff_only", loan_create, copy=shelf["santi1"], member=other, by=worker)
        assert error.status == 403
        refused("loan_member", loan_create, copy=shelf["santi1"], member=None, by=people["librarian"][1])
        assert not Loan.objects.exists()


def test_the_same_title_twice_and_past_the_limit_are_refused(union_a, people, shelf):
    librarian, worker = people["librarian"][1], people["worker"][1]
    with tenant_context(union_a):
        loan_create(copy=shelf["huozhe1"], member=worker, by=librarian)
        refused("loan_same_title", loan_create, copy=shelf["huozhe2"], member=worker, by=librarian)
        LibrarySettings.objects.filter(pk=LibrarySettings.current().pk).update(max_loans=1)
        refused("loan_limit", loan_create, copy=shelf["santi1"], member=worker, by=librarian)
        assert Loan.objects.count() == 1


def test_renewals_are_limited(union_a, people, shelf):
    librarian, worker = people["librarian"][1], people["worker"][1]
    with tenant_context(union_a):
        LibrarySettings.objects.filter(pk=LibrarySettings.current().pk).update(max_renewals=2, loan_days=30)
        loan = loan_create(copy=shelf["santi1"], member=worker, by=librarian)
        due = loan.due_on
        # The member renews twice, each time for another loan period from the due date
        loan = loan_renew(loan=loan, by=worker)
        assert loan.due_on == due + datetime.timedelta(days=30) and loan.renewals == 1
        loan = loan_renew(loan=loan, by=worker)
        # The third time is refused, and the due date stays
        error = refused("renew_limit", loan_renew, loan=loan, by=worker)
        assert "2" in str(error.message)
        loan.refresh_from_db()
        assert loan.renewals == 2 and loan.due_on == due + datetime.timedelta(days=60)
        # Another member cannot renew it
        refused("loan_not_yours", loan_renew, loan=loan, by=people["other"][1])


def test_no_renewal_when_another_member_reserved_the_book(union_a, people, shelf):
    librarian, worker, other = people["librarian"][1], people["worker"][1], people["other"][1]
    with tenant_context(union_a):
        loan = loan_create(copy=shelf["santi1"], member=worker, by=librarian)
        reservation_create(book=shelf["santi"], member=other)
        error = refused("renew_reserved", loan_renew, loan=loan, by=worker)
        assert error.status == 409
        assert Loan.objects.get(pk=loan.pk).renewals == 0


def test_a_returned_book_is_held_for_the_first_reservation_who_is_told(union_a, people, shelf):
    librarian, worker, other = people["librarian"][1], people["worker"][1], people["other"][1]
    third = make_person(union_a, "member", name="孙职工")[1]
    with tenant_context(union_a):
        loan = loan_create(copy=shelf["santi1"], member=worker, by=librarian)
        # A copy on the shelf cannot be reserved; 三体's only copy is out, so it can
        refused("reservation_available", reservation_create, book=shelf["huozhe"], member=other)
        first = reservation_create(book=shelf["santi"], member=other)
        second = reservation_create(book=shelf["santi"], member=third)
        refused("reservation_twice", reservation_create, book=shelf["santi"], member=other)
        refused("reservation_on_loan", reservation_create, book=shelf["santi"], member=worker)
        Notification.objects.all().delete()

        loan_return(loan=loan, by=librarian)

        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == Reservation.Status.READY and first.copy_id == shelf["santi1"].pk
        assert first.hold_until == timezone.localdate() + datetime.timedelta(
            days=LibrarySettings.current().hold_days
        )
        assert second.status == Reservation.Status.WAITING
        assert BookCopy.objects.get(pk=shelf["santi1"].pk).status == BookCopy.Status.HELD
        told = Notification.objects.get()
        assert told.recipient == other and "三体" in told.title and told.url == "/my/library/"
        # The held copy is not lent to someone else, and is lent to the member who reserved it
        refused("copy_held", loan_create, copy=shelf["santi1"], member=third, by=librarian)
        loan_create(copy=shelf["santi1"], member=other, by=librarian)
        first.refresh_from_db()
        assert first.status == Reservation.Status.FULFILLED
        event = OutboxEvent.objects.get(name="library.returned")
        assert event.payload == {"count": 1, "days_late": 0}


def test_an_uncollected_hold_passes_to_the_next_member(union_a, people, shelf):
    librarian, worker, other = people["librarian"][1], people["worker"][1], people["other"][1]
    third = make_person(union_a, "member", name="孙职工")[1]
    with tenant_context(union_a):
        loan = loan_create(copy=shelf["santi1"], member=worker, by=librarian)
        first = reservation_create(book=shelf["santi"], member=other)
        second = reservation_create(book=shelf["santi"], member=third)
        loan_return(loan=loan, by=librarian)
        first.refresh_from_db()
        later = first.hold_until + datetime.timedelta(days=1)
        assert reservations_expire(today=later) == 1
        assert reservations_expire(today=later) == 0
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.status, second.status) == (Reservation.Status.EXPIRED, Reservation.Status.READY)
        # The second member cancels: the copy goes back on the shelf
        reservation_cancel(reservation=second, by=third)
        assert BookCopy.objects.get(pk=shelf["santi1"].pk).status == BookCopy.Status.AVAILABLE


def test_overdue_reminders_go_out_once_a_day_however_often_the_task_runs(union_a, people, shelf):
    librarian, worker = people["librarian"][1], people["worker"][1]
    with tenant_context(union_a):
        overdue = loan_create(copy=shelf["huozhe1"], member=worker, by=librarian)
        not_due = loan_create(copy=shelf["santi1"], member=people["other"][1], by=librarian)
        Loan.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=3))
        Notification.objects.all().delete()
        # When the daily task runs twice
        assert library_daily.apply().get() == {"reminded": 1, "holds_expired": 0}
        assert library_daily.apply().get() == {"reminded": 0, "holds_expired": 0}
        # Then the member of the overdue loan got one reminder; the other none
        reminders = Notification.objects.filter(title__contains="活着")
        assert reminders.count() == 1 and reminders.get().recipient == worker
        assert "3" in reminders.get().body
        assert not Notification.objects.filter(recipient=not_due.member).exists()
        assert Loan.objects.get(pk=overdue.pk).reminded_on == timezone.localdate()


def test_sharing_a_title_tells_the_federation_its_bibliographic_data_and_counts_only(union_a, people, shelf):
    librarian, worker = people["librarian"][1], people["worker"][1]
    with tenant_context(union_a):
        loan_create(copy=shelf["huozhe1"], member=worker, by=librarian)
        book_share(book=shelf["huozhe"], shared=True, by=librarian)
        book_share(book=shelf["huozhe"], shared=True, by=librarian)  # no change, no second event
        event = OutboxEvent.objects.get(name="library.title_shared")
        assert event.payload == {
            "isbn": "9787506365437", "title": "活着", "authors": "余华", "publisher": "作家出版社", "year": 2012,
            "category": "I", "copies": 2,
        }  # fmt: skip
        everything = str(list(OutboxEvent.objects.values_list("payload", flat=True)))
        assert worker.get_full_name() not in everything and str(worker.username) not in everything
        book_share(book=shelf["huozhe"], shared=False, by=librarian)
        assert OutboxEvent.objects.get(name="library.title_unshared").payload == {"isbn": "9787506365437"}


def test_a_bad_isbn_or_a_taken_barcode_saves_nothing(union_a, people, shelf):
    librarian = people["librarian"][1]
    with tenant_context(union_a):
        refused(
            "isbn_check_digit", book_save,
            book=Book(isbn="978-7-5302-1073-3", title="平凡的世界", authors="路遥", category="I"), by=librarian,
        )  # fmt: skip
        refused("book_isbn_taken", book_save, book=Book(isbn="7-5366-9293-5", title="三体", authors="刘慈欣",
                                                        category="I"), by=librarian)  # fmt: skip
        refused("copy_barcode_taken", copy_add, book=shelf["santi"], barcode="A0001", by=librarian)
        refused("library_staff_only", book_save, book=Book(isbn="9787530212004", title="平凡的世界", authors="路遥",
                                                           category="I"), by=people["worker"][1])  # fmt: skip
        assert Book.objects.count() == 2 and BookCopy.objects.count() == 3


# --- Two desks lending the same copy at the same moment ------------------------------------------


def _in_thread(work) -> None:
    def run():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def test_two_desks_lending_the_same_copy_at_once_exactly_one_wins(union_a):
    """Two librarians lend the same copy to two members at the same moment, each in its own
    connection and transaction: one loan is made, the other is told the copy is on loan."""
    made: dict = {}

    def setup():
        librarian = make_person(union_a, "librarian", name="并发馆员")[1]
        members = [make_person(union_a, "member", name=f"并发{i}")[1] for i in range(2)]
        with tenant_context(union_a):
            book = book_save(book=Book(isbn="9787229030933", title="三体Ⅲ·死神永生", authors="刘慈欣",
                                       category="I"), by=librarian)  # fmt: skip
            copy = copy_add(book=book, barcode="RACE-1", by=librarian)
            LibrarySettings.current()
        made.update(librarian=librarian.pk, members=[m.pk for m in members], book=book.pk, copy=copy.pk)

    _in_thread(setup)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def lend(member_id: int) -> None:
        try:
            with tenant_context(union_a):
                librarian = User.objects.get(pk=made["librarian"])
                member = User.objects.get(pk=member_id)
                copy = BookCopy.objects.get(pk=made["copy"])
                barrier.wait(timeout=10)
                try:
                    loan_create(copy=copy, member=member, by=librarian)
                    outcomes.append("lent")
                except ServiceError as error:
                    outcomes.append(error.code)
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=lend, args=(pk,)) for pk in made["members"]]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["copy_on_loan", "lent"]
        with tenant_context(union_a):
            assert Loan.objects.filter(copy_id=made["copy"]).count() == 1
    finally:

        def cleanup():
            with tenant_context(union_a):
                from tenants.notifications.models import Notification as Note

                user_ids = [made["librarian"], *made["members"]]
                Loan.objects.filter(copy_id=made["copy"]).delete()
                BookCopy.objects.filter(pk=made["copy"]).delete()
                Book.objects.filter(pk=made["book"]).delete()
                events_delete(OutboxEvent.objects.filter(name__startswith="library."))
                Note.objects.filter(recipient_id__in=user_ids).delete()
                account_ids = list(User.objects.filter(pk__in=user_ids).values_list("account_id", flat=True))
                User.objects.filter(pk__in=user_ids).delete()
            Account.objects.filter(pk__in=account_ids).delete()

        _in_thread(cleanup)


def test_the_daily_task_of_another_union_leaves_this_unions_loans_alone(union_a, union_b, people, shelf):
    with tenant_context(union_a):
        loan = loan_create(copy=shelf["huozhe1"], member=people["worker"][1], by=people["librarian"][1])
        Loan.objects.filter(pk=loan.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    with tenant_context(union_b):
        assert library_daily.apply().get() == {"reminded": 0, "holds_expired": 0}
    with tenant_context(union_a):
        assert Loan.objects.get(pk=loan.pk).reminded_on is None


def test_the_beat_entry_fans_the_daily_task_out_to_every_union(union_a, people, shelf, settings):
    from django.utils.module_loading import import_string

    from tenants.library.tasks import library_daily_all

    assert import_string(settings.CELERY_BEAT_SCHEDULE["library-daily"]["task"]) is library_daily_all
    with tenant_context(union_a):
        loan = loan_create(copy=shelf["huozhe1"], member=people["worker"][1], by=people["librarian"][1])
        Loan.objects.filter(pk=loan.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
        Notification.objects.all().delete()
    # Tasks run eagerly in tests: each union's runs in its own schema
    assert library_daily_all() >= 2
    assert library_daily_all() >= 2
    with tenant_context(union_a):
        assert Notification.objects.get().recipient == people["worker"][1]
