from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HardshipConfig(AppConfig):
    name = "tenants.hardship"
    label = "hardship"
    verbose_name = _("Hardship assistance")

    def ready(self) -> None:
        from tenants.privacy.registry import source_register

        from . import kinds  # noqa: F401  (registers the hardship kind of case)
        from .selectors import sensitive_records_for_worker

        source_register(sensitive_records_for_worker)
