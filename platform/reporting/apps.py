from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """信息报送 on the federation side: the reports unions sent up (public schema)."""

    name = "reporting"
    label = "reporting"
    verbose_name = _("Information reports")
