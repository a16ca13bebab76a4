from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalNotificationsConfig(AppConfig):
    """In-site notifications of the federation portal's staff (station staff, district and city
    administrators), in the public schema: the portal's counterpart of a union's
    ``tenants.notifications``."""

    name = "portal_notifications"
    label = "portal_notifications"
    verbose_name = _("Portal notifications")
