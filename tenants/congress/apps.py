from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_MANAGE = tuple(
    f"congress.{verb}_{model}"
    for model in ("congresssession", "delegate", "motion", "resolution", "disclosureitem")
    for verb in ("view", "add", "change")
)


class CongressConfig(AppConfig):
    name = "tenants.congress"
    label = "congress"
    verbose_name = _("Workers' congress")

    def ready(self) -> None:
        from tenants.users.roles import role_permissions_grant

        # 职代会 is run by the chairman and the union's officers; delegates and members act on
        # their own pages (rules in ``services``), with no model permission.
        role_permissions_grant("chairman", *_MANAGE)
        role_permissions_grant("officer", *_MANAGE)
