from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounsellingConfig(AppConfig):
    name = "tenants.counselling"
    label = "counselling"
    verbose_name = _("Counselling")

    def ready(self) -> None:
        from tenants.privacy.registry import source_register
        from tenants.users.roles import role_permissions_grant

        from . import kinds  # noqa: F401  (publishes the counselling procedure, 亮程序)
        from .selectors import sensitive_records_for_worker

        # Counsellors, slots and lectures are run by the chairman and officers; appointments and
        # notes need no model permission: they are shown to their counsellor alone (access.py).
        manage = (
            "counselling.view_counsellor", "counselling.add_counsellor", "counselling.change_counsellor",
            "counselling.view_counsellingslot", "counselling.add_counsellingslot",
            "counselling.delete_counsellingslot", "counselling.view_counsellinglecture",
            "counselling.add_counsellinglecture", "counselling.change_counsellinglecture",
        )  # fmt: skip
        role_permissions_grant("chairman", *manage)
        role_permissions_grant("officer", *manage)
        role_permissions_grant(
            "counsellor", "counselling.view_counsellor", "counselling.view_counsellingslot"
        )
        source_register(sensitive_records_for_worker)
