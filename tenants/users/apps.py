from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class UsersConfig(AppConfig):
    name = "tenants.users"
    label = "users"
    verbose_name = _("Users")


class UnionUsersAdminConfig(WagtailUsersAppConfig):
    """Wagtail's users app with the platform's user forms (see ``viewsets.py``)."""

    user_viewset = "tenants.users.viewsets.UserViewSet"
