"""Who may read which archive item, and who manages the archives.

Managing (filing, editing, bulk download, the catalogue) follows the role groups' model
permissions on :class:`ArchiveItem` (chairman and officers file; editors read; the chairman
alone removes), granted only on a union's site. Reading an item follows its access level:

- ``public``: every member of this union (``is_member``), and staff;
- ``staff``: holders of ``archives.view_archiveitem`` (chairman, officers, editors);
- ``chairman``: the chairman alone.

Anyone else is answered 404, as if the item did not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.cases.roles import roles_of
from tenants.membership.permissions import UnionSchemaPermissionPolicy
from tenants.users.roles import is_member

from .models import AccessLevel, ArchiveItem

archive_policy = UnionSchemaPermissionPolicy(ArchiveItem)


def manages_archives(user) -> bool:
    """May see the archives admin and every staff item (chairman, officers, editors)."""
    return archive_policy.user_has_permission(user, "view")


def files_archives(user) -> bool:
    return archive_policy.user_has_permission(user, "add")


def is_chairman(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and "chairman" in roles_of(user)


def levels_for(user) -> tuple[str, ...]:
    """The access levels ``user`` may read, lowest first (empty for non-members)."""
    if is_chairman(user):
        return (AccessLevel.PUBLIC, AccessLevel.STAFF, AccessLevel.CHAIRMAN)
    if manages_archives(user):
        return (AccessLevel.PUBLIC, AccessLevel.STAFF)
    if is_member(user):
        return (AccessLevel.PUBLIC,)
    return ()


def items_readable_by(user) -> QuerySet[ArchiveItem]:
    return ArchiveItem.objects.filter(access__in=levels_for(user))


def may_read(user, item: ArchiveItem) -> bool:
    return item.access in levels_for(user)
