from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    """上级审批 on the federation side: requests unions send up for the district's approval."""

    name = "approvals"
    label = "approvals"
    verbose_name = _("Approvals")
