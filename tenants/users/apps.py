from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


def _role_permissions_refresh(sender, using="default", **kwargs) -> None:
    """After migrating a schema that already has its role groups, grant the roles what the code
    now gives them: a permission added by a new app reaches every existing union on upgrade,
    not only unions provisioned afterwards."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group

    from workershome.tenancy import on_portal

    from .roles import PORTAL_ROLES, UNION_ROLES, role_groups_ensure

    roles = PORTAL_ROLES if on_portal() else UNION_ROLES
    if not Group.objects.using(using).filter(name__in=[role.code for role in roles]).exists():
        return  # a schema being created: provisioning seeds its groups
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    role_groups_ensure(roles=roles)


class UsersConfig(AppConfig):
    default = True  # this module has two configs; INSTALLED_APPS names the package
    name = "tenants.users"
    label = "users"
    verbose_name = _("Users")

    def ready(self) -> None:
        from workershome.checks import union_only_labels
        from workershome.deletion import union_only_m2m_guard

        post_migrate.connect(_role_permissions_refresh, sender=self, dispatch_uid="role_permissions_refresh")
        union_only_m2m_guard(union_only_labels())


class UnionUsersAdminConfig(WagtailUsersAppConfig):
    """Wagtail's users app with the platform's user forms (see ``viewsets.py``)."""

    user_viewset = "tenants.users.viewsets.UserViewSet"
