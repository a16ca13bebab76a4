from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "tenants.privacy"
    label = "privacy"
    verbose_name = _("Protection of sensitive personal data")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the key check)
