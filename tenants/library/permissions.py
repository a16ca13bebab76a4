"""Who runs the workers' library: Django model permissions of the role groups (the librarian,
the chairman and officers, ``tenants/users/roles.py``), granted only on a union's own site.
Members borrow, renew and reserve for themselves, which needs no permission."""

from __future__ import annotations

from tenants.membership.permissions import UnionSchemaPermissionPolicy

from .models import Book, BookCopy, LibrarySettings, Loan, Reservation

book_policy = UnionSchemaPermissionPolicy(Book)
copy_policy = UnionSchemaPermissionPolicy(BookCopy)
loan_policy = UnionSchemaPermissionPolicy(Loan)
reservation_policy = UnionSchemaPermissionPolicy(Reservation)
settings_policy = UnionSchemaPermissionPolicy(LibrarySettings)


def manages_catalogue(user) -> bool:
    return book_policy.user_has_permission(user, "change")


def runs_desk(user) -> bool:
    """Lends, takes back and renews at the library's desk."""
    return loan_policy.user_has_permission(user, "add")
