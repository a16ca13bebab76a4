from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Search across the federation: each app declares its documents in its own ``search.py``."""

    name = "search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from .pending import pending_collector_register
        from .signals import signals_connect

        autodiscover_modules("search")
        signals_connect()
        pending_collector_register()  # the pending indexing backlog in /metrics
