from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyndicationConfig(AppConfig):
    """通知公告、政策文件: notices the federation publishes down to the unions' sites (public schema)."""

    name = "syndication"
    label = "syndication"
    verbose_name = _("Federation notices")
    default_auto_field = "django.db.models.BigAutoField"
