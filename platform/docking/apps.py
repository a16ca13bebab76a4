from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# 有对接: the union's chairman and officers publish its resources and book other units' resources.
DOCKING_GRANTS = ("docking.share_resources",)


class DockingConfig(AppConfig):
    """对接 (docking): resources unions and service stations share with each other (venues, rooms,
    courses, lecturers, counsellors, lawyers, book collections, equipment), booked with approval."""

    name = "docking"
    label = "docking"
    verbose_name = _("Shared resources")

    def ready(self) -> None:
        from tenants.users.roles import role_permissions_grant

        for role in ("chairman", "officer"):
            role_permissions_grant(role, *DOCKING_GRANTS)
