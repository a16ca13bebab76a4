from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "tenants.training"
    label = "training"
    verbose_name = _("Skills training")

    def ready(self) -> None:
        from tenants.activities.calendar import calendar_source_register

        from .selectors import calendar_sessions

        calendar_source_register(calendar_sessions)
