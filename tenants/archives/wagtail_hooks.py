"""Wagtail admin wiring of the archives (档案管理): the menu and the permission policy."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import ArchiveViewSet
from .models import ArchiveItem
from .permissions import archive_policy

register_permission_policy(ArchiveItem, archive_policy)


@hooks.register("register_admin_viewset")
def register_archive_viewset() -> ArchiveViewSet:
    return ArchiveViewSet()
