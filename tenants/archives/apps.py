from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchivesConfig(AppConfig):
    name = "tenants.archives"
    label = "archives"
    verbose_name = _("Archives")

    def ready(self) -> None:
        from tenants.users.roles import role_permissions_grant

        # 档案管理: the chairman keeps the archives and may remove an item; officers file and
        # read staff items; editors read them (they publish rules and notices). Members read
        # public items on the site (``is_member``), which needs no model permission.
        view = "archives.view_archiveitem"
        role_permissions_grant(
            "chairman", view, "archives.add_archiveitem", "archives.change_archiveitem",
            "archives.delete_archiveitem",
        )  # fmt: skip
        role_permissions_grant("officer", view, "archives.add_archiveitem", "archives.change_archiveitem")
        role_permissions_grant("editor", view)
