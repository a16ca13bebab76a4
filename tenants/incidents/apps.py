from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "tenants.incidents"
    label = "incidents"
    verbose_name = _("Collective-incident warnings")

    def ready(self) -> None:
        from tenants.events.delivery import handler_register

        from .delivery import warning_raised_deliver

        handler_register("warning.raised", warning_raised_deliver)
