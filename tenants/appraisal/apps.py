from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_MANAGE = ("appraisal.view_appraisalround", "appraisal.add_appraisalround", "appraisal.change_appraisalround")


class AppraisalConfig(AppConfig):
    name = "tenants.appraisal"
    label = "appraisal"
    verbose_name = _("Democratic appraisal")

    def ready(self) -> None:
        from tenants.users.roles import role_permissions_grant

        # Officers run the rounds; only the chairman reads the comments (in aggregate, never
        # with who wrote them). Members rate on the site, with no model permission.
        role_permissions_grant("chairman", *_MANAGE, "appraisal.view_comments")
        role_permissions_grant("officer", *_MANAGE)
