"""Wagtail admin wiring of the workers' library: its menu and the permission policies of its models."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import LibraryViewSetGroup
from .models import Book, BookCopy, LibrarySettings, Loan, Reservation
from .permissions import book_policy, copy_policy, loan_policy, reservation_policy, settings_policy

# Registered before anything asks Wagtail for the models' policies (it would create fallbacks).
register_permission_policy(Book, book_policy)
register_permission_policy(BookCopy, copy_policy)
register_permission_policy(Loan, loan_policy)
register_permission_policy(Reservation, reservation_policy)
register_permission_policy(LibrarySettings, settings_policy)


@hooks.register("register_admin_viewset")
def register_library_viewsets() -> LibraryViewSetGroup:
    return LibraryViewSetGroup()
