from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    """街道工会服务站 on the federation side: the stations' registry and the work orders (转介)
    unions send them."""

    name = "stations"
    label = "stations"
    verbose_name = _("Service stations")
