from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "tenants.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self) -> None:
        from . import calendar  # noqa: F401  # registers activities as the calendar's first source
